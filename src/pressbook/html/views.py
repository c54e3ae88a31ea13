"""The article view both outputs share: an article (or a section of them) made ready for a
template, its pictures checked and located, and the characters the fonts must have."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from markupsafe import Markup

from .. import i18n, images, text
from ..body import to_text
from ..articles import Article
from ..edition import Edition, Section
from ..errors import Problem
from ..interface import _
from . import fonts as fontlib
from . import markdown
from .kit import Kit


@dataclass(frozen=True)
class ArticleView:
    """What a template needs of an article, with its body already HTML."""

    anchor: str
    slug: str
    title: str
    section: str
    author: str | None
    affiliation: str | None
    source: str | None
    date: datetime
    lead: str | None
    body: Markup
    image: str | None
    image_caption: str | None
    source_url: str | None
    tags: tuple[str, ...]


@dataclass(frozen=True)
class SectionView:
    """A section and its articles, for templates."""

    name: str
    anchor: str
    articles: tuple[ArticleView, ...]


def issue_line(edition: Edition, kit: Kit) -> str:
    """What the cover says under the title: "Số 1 · Thứ Ba, ngày 31/01/2017", or for a year's
    volume its range, "Năm 2017 · Số 1–3" (the months its articles come from), never one day."""
    labels = kit.labels
    if edition.kind == "year":
        months = sorted({a.date.astimezone(kit.tz).month for a in edition.articles})
        numbers = f"{months[0]}–{months[-1]}" if len(months) > 1 else f"{months[0]}" if months else ""
        return " · ".join(filter(None, [f"{labels['year']} {edition.date.year}", f"{labels['number']} {numbers}" if numbers else ""]))
    parts = [f"{labels['number']} {edition.number}" if edition.number else "", i18n.long_date(edition.date, edition.language)]
    return " · ".join(filter(None, parts))


def picture_resolver(
    pictures: images.Policy, article: Article, warnings: list[Problem], use: Callable[[Path], str]
) -> Callable[[str], str | None]:
    """Map an article's picture references to the URLs `use` gives their checked files; a refused
    picture becomes a warning naming the article, and is left out."""

    def resolve(src: str) -> str | None:
        try:
            return use(pictures.locate(src, article.folder))
        except (images.ImageRefused, OSError) as refused:
            reason = refused if isinstance(refused, images.ImageRefused) else _("could not be read")
            warnings.append(
                Problem(_("image '{src}' {reason}; left out").format(src=src[:80], reason=reason), path=article.path, severity="warning")
            )
            return None

    return resolve


def cover_picture(kit: Kit, edition: Edition, *, fallback: bool = False) -> tuple[Path | None, list[Problem]]:
    """The checked picture of an issue's cover (its manifest's `cover_image`); with `fallback`,
    else the first picture of its articles. A refused cover picture is a warning."""
    if edition.cover_image is not None:
        try:
            return kit.pictures.locate(edition.cover_image.name, edition.cover_image.parent), []
        except images.ImageRefused as refused:
            problem = Problem(_("cover image {reason}; left out").format(reason=refused), path=edition.cover_image, severity="warning")
            return None, [problem]
    if fallback:
        for article in edition.articles:
            if article.image:
                try:
                    return kit.pictures.locate(article.image, article.folder), []
                except images.ImageRefused:
                    continue  # the article's own warning says why
    return None, []


def article_view(
    article: Article,
    kit: Kit,
    warnings: list[Problem],
    notes: markdown.Target = "print",
    body: bool = True,
    grey: bool = False,
) -> ArticleView:
    """An article made ready for a template; `notes` says where its footnotes go.

    Without `body` only the heading fields are filled (enough for a contents page); with `grey`
    its pictures are grey copies."""
    rules = kit.pictures
    resolve = picture_resolver(rules, article, warnings, lambda found: (rules.grey(found) if grey else found).as_uri())
    html = markdown.to_html(article.body, target=notes, resolve=resolve, prefix=f"{article.slug}-").html if body else ""
    image = resolve(article.image) if article.image and body else None
    return ArticleView(
        anchor=f"a-{article.slug}",
        slug=article.slug,
        title=article.title,
        section=article.section or kit.default_section,
        author=article.author,
        affiliation=article.affiliation,
        source=article.source,
        date=article.date.astimezone(kit.tz),
        lead=article.lead,
        body=Markup(html),
        image=image,
        image_caption=article.image_caption if image else None,
        source_url=article.source_url,
        tags=article.tags,
    )


def section_view(section: Section, kit: Kit, warnings: list[Problem], body: bool = True) -> SectionView:
    """One section made ready for the print templates (see `article_view` for `body`)."""
    layout = kit.layout
    return SectionView(
        name=section.name,
        anchor=f"s-{text.slugify(section.name)}",
        articles=tuple(article_view(a, kit, warnings, layout.notes, body, layout.grayscale) for a in section.articles),
    )


def glyph_problems(
    articles: Sequence[Article], fonts: fontlib.FontSet, edition: Edition | None = None
) -> list[Problem]:
    """Every character the articles (and the edition's own title and note) use that the fonts
    cannot show: an error, never a tofu box."""
    texts: list[tuple[Path | None, str, str]] = []
    for article in articles:
        heading = " ".join(filter(None, [article.title, article.section]))
        # The Markdown source holds every character the body prints (its syntax is ASCII), but
        # for character references (&#x1F600;), which its text shows decoded.
        body = " ".join(
            filter(None, [article.author, article.affiliation, article.source, article.lead, article.image_caption, article.body])
        )
        if "&" in article.body:
            body += " " + to_text(article.body)
        texts += [(article.path, "heading", heading), (article.path, "body", body)]
    if edition is not None:
        texts += [(edition.manifest, "heading", edition.title), (edition.manifest, "body", edition.note or "")]
    problems = []
    for path, role, content in texts:
        for ch in fontlib.missing_characters(content, fonts, role):
            problems.append(
                Problem(
                    _("character '{character}' (U+{code:04X}) is not in {font} ({family}) and would print as an empty box").format(
                        character=ch, code=ord(ch), font=fontlib.role_font(role), family=fonts.family(role)
                    ),
                    path=path,
                    hint=_("replace it, or add a font that has it to fonts/"),
                )
            )
    return problems
