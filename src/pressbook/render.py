"""HTML for the print renderer: an Edition, or single articles, through a layout's templates."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from pathlib import Path

from markupsafe import Markup

from . import fonts as fontlib
from . import i18n, images, layouts, markdown, text
from .articles import Article
from .config import Project
from .edition import Edition, Section
from .errors import EditionError, Problem


@dataclass(frozen=True)
class ArticleView:
    """What a template needs of an article, with its body already HTML."""

    anchor: str
    slug: str
    title: str
    section: str
    author: str | None
    affiliation: str | None
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


@dataclass(frozen=True)
class Document:
    """One HTML document for the renderer, the folders it may read, and what was left out."""

    html: str
    base_url: str
    readable: tuple[Path, ...]
    warnings: tuple[Problem, ...]


def release_moment(day: date, project: Project) -> datetime:
    """The edition's timestamp: SOURCE_DATE_EPOCH when set (reproducible builds), else its date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return datetime.combine(day, time(), tzinfo=project.config.tz)


def picture_resolver(
    project: Project, article: Article, warnings: list[Problem], use: Callable[[Path], str]
) -> Callable[[str], str | None]:
    """Map an article's picture references to the URLs `use` gives their checked files; a refused
    picture becomes a warning naming the article, and is left out."""
    rules = images.policy(project)

    def resolve(src: str) -> str | None:
        try:
            return use(rules.locate(src, article.folder))
        except (images.ImageRefused, OSError) as refused:
            reason = refused if isinstance(refused, images.ImageRefused) else "could not be read"
            warnings.append(Problem(f"image '{src[:80]}' {reason}; left out", path=article.path, severity="warning"))
            return None

    return resolve


def cover_picture(project: Project, edition: Edition, *, fallback: bool = False) -> tuple[Path | None, list[Problem]]:
    """The checked picture of an issue's cover (its manifest's `cover_image`); with `fallback`,
    else the first picture of its articles. A refused cover picture is a warning."""
    rules = images.policy(project)
    if edition.cover_image is not None:
        try:
            return rules.locate(edition.cover_image.name, edition.cover_image.parent), []
        except images.ImageRefused as refused:
            problem = Problem(f"cover image {refused}; left out", path=edition.cover_image, severity="warning")
            return None, [problem]
    if fallback:
        for article in edition.articles:
            if article.image:
                try:
                    return rules.locate(article.image, article.folder), []
                except images.ImageRefused:
                    continue  # the article's own warning says why
    return None, []


def article_view(
    article: Article,
    project: Project,
    warnings: list[Problem],
    notes: markdown.Target = "print",
    body: bool = True,
    grey: bool = False,
) -> ArticleView:
    """An article made ready for a print template; `notes` says where its footnotes go.

    Without `body` only the heading fields are filled (enough for a contents page); with `grey`
    its pictures are grey copies."""
    rules = images.policy(project)
    resolve = picture_resolver(project, article, warnings, lambda found: (rules.grey(found) if grey else found).as_uri())
    html = markdown.to_html(article.body, target=notes, resolve=resolve, prefix=f"{article.slug}-").html if body else ""
    image = resolve(article.image) if article.image and body else None
    return ArticleView(
        anchor=f"a-{article.slug}",
        slug=article.slug,
        title=article.title,
        section=article.section or project.config.edition.default_section,
        author=article.author,
        affiliation=article.affiliation,
        date=article.date.astimezone(project.config.tz),
        lead=article.lead,
        body=Markup(html),
        image=image,
        image_caption=article.image_caption if image else None,
        source_url=article.source_url,
        tags=article.tags,
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
            filter(None, [article.author, article.affiliation, article.lead, article.image_caption, article.body])
        )
        if "&" in article.body:
            body += " " + markdown.to_text(article.body)
        texts += [(article.path, "heading", heading), (article.path, "body", body)]
    if edition is not None:
        texts += [(edition.manifest, "heading", edition.title), (edition.manifest, "body", edition.note or "")]
    problems = []
    for path, role, content in texts:
        for ch in fontlib.missing_characters(content, fonts, role):
            problems.append(
                Problem(
                    f"character '{ch}' (U+{ord(ch):04X}) is not in the {role} font "
                    f"({fonts.family(role)}) and would print as an empty box",
                    path=path,
                    hint="replace it, or add a font that has it to fonts/",
                )
            )
    return problems


def style_css(style: dict[str, str], fonts: fontlib.FontSet) -> Markup:
    """The layout's style values as CSS custom properties and the page geometry."""
    body_font = style.get("body_font", fonts.family("body"))
    heading_font = style.get("heading_font", fonts.family("heading"))
    grey = style.get("grayscale") == "true"
    props = {
        "--body-font": f'"{body_font}", serif',
        "--heading-font": f'"{heading_font}", sans-serif',
        "--font-size": style.get("font_size", "10pt"),
        "--line-height": style.get("line_height", "1.4"),
        "--text-color": "#000000" if grey else style.get("text_color", "#1a1a1a"),
        "--accent-color": "#3a3a3a" if grey else style.get("accent_color", "#9b1c1c"),
        "--rule-color": "#8a8a8a" if grey else style.get("rule_color", "#8a8a8a"),
        "--columns": style.get("columns", "1"),
    }
    root = ":root { " + " ".join(f"{k}: {v};" for k, v in props.items()) + " }"
    printing = "".join(f" {key}: {style[key]};" for key in ("marks", "bleed") if key in style)
    page = (
        f"@page {{ size: {style.get('page_size', 'A5')};{printing} }}\n"
        f"@page :left {{ margin: {style.get('margin_top', '16mm')} {style.get('margin_inner', '18mm')} "
        f"{style.get('margin_bottom', '18mm')} {style.get('margin_outer', '14mm')}; }}\n"
        f"@page :right {{ margin: {style.get('margin_top', '16mm')} {style.get('margin_outer', '14mm')} "
        f"{style.get('margin_bottom', '18mm')} {style.get('margin_inner', '18mm')}; }}"
    )
    return layouts.css(f"{fontlib.font_face_css(fonts)}\n{root}\n{page}")


def _meta(project: Project, title: str, subject: str, keywords: Sequence[str], moment: datetime) -> dict[str, str]:
    return {
        "title": title,
        "author": project.config.publication.publisher,
        "description": subject,
        "keywords": ", ".join(dict.fromkeys(k for k in keywords if k)),
        "created": moment.isoformat(),
        "modified": moment.isoformat(),
    }


def _readable(project: Project, fonts: fontlib.FontSet) -> tuple[Path, ...]:
    """Folders the renderer may read: the project, the bundled layouts and fonts, and pressbook's
    own copies of pictures (downloads from allowed hosts, grey versions)."""
    folders = [project.root.resolve(), layouts.bundled_dir().resolve(), *fonts.folders]
    folders.append(images.policy(project).cache.resolve())
    return tuple(folders)


FURNITURE_LEAD = 2


@dataclass(frozen=True)
class PageFurniture:
    """What the running heads of one page of a pieced edition say."""

    section: str
    blank: bool


def section_view(
    project: Project, section: Section, layout: layouts.Layout, warnings: list[Problem], body: bool = True
) -> SectionView:
    """One section made ready for templates (see `article_view` for `body`)."""
    return SectionView(
        name=section.name,
        anchor=f"s-{text.slugify(section.name)}",
        articles=tuple(
            article_view(a, project, warnings, layout.notes, body, layout.grayscale)
            for a in section.articles
        ),
    )


def section_views(
    project: Project, edition: Edition, layout: layouts.Layout, fonts: fontlib.FontSet
) -> tuple[tuple[SectionView, ...], list[Problem]]:
    """Every section and article of an edition made ready for templates (bodies as HTML).

    A character the fonts lack stops it here, naming the article."""
    problems = glyph_problems(edition.articles, fonts, edition)
    if problems:
        raise EditionError(problems=problems)
    warnings: list[Problem] = []
    return tuple(section_view(project, s, layout, warnings) for s in edition.sections), warnings


def edition_document(
    project: Project,
    edition: Edition,
    layout: layouts.Layout,
    fonts: fontlib.FontSet,
    *,
    part: str = "full",
    pages: dict[str, str] | None = None,
    views: tuple[SectionView, ...] | None = None,
) -> Document:
    """The edition as HTML in `layout`: whole ("full"), its cover and contents ("front", with the
    contents' page numbers given in `pages`), or the sections of `views` ("chunk").

    `views` (from `section_views`) saves rendering every article again for each part; for the
    front they need only their headings."""
    if not edition.articles:
        raise EditionError(
            f"issue '{edition.id}' selects no articles",
            hint="check --issue (YYYY-MM, YYYY-Www, YYYY-MM-DD) and the articles' dates",
        )
    warnings: list[Problem] = []
    if views is None:
        views, more = section_views(project, edition, layout, fonts)
        warnings += more
    pub = project.config.publication
    cover = None
    if part != "chunk":  # the cover is on the front
        found, refused = cover_picture(project, edition)
        warnings += refused
        if found is not None:
            cover = (images.policy(project).grey(found) if layout.grayscale else found).as_uri()
    moment = release_moment(edition.date, project)
    label = i18n.label("articles", edition.language)
    context = {
        "pub": pub,
        "edition": edition,
        "part": part,
        "pages": pages,
        "sections": views,
        "cover_image": cover,
        "style_css": style_css(dict(layout.style), fonts),
        "style": layout.style,
        "layout": layout,
        "meta": _meta(
            project,
            f"{pub.name} – {edition.title}",
            f"{edition.title}: {len(edition.articles)} {label}",
            [s.name for s in edition.sections],
            moment,
        ),
    }
    html = layouts.render(layouts.environment(project), layout.template, context)
    return Document(html, project.root.resolve().as_uri() + "/", _readable(project, fonts), tuple(warnings))


def furniture_document(
    project: Project,
    edition: Edition,
    layout: layouts.Layout,
    fonts: fontlib.FontSet,
    furniture: Sequence[PageFurniture],
    first: int = 0,
) -> Document:
    """Empty pages carrying the layout's running heads and page numbers, one per edition page, for
    the edition's pages from `first` (0-based, a right-hand page) on. The document begins with
    FURNITURE_LEAD empty pages (so that its first real page is a right-hand page, and not the
    document's `:first` page), and numbers its first real page `first + 1`."""
    if first % 2:
        raise ValueError("page furniture can only begin on a right-hand page")
    context = {
        "pub": project.config.publication,
        "edition": edition,
        "pages": furniture,
        "start": first + 1,
        "lead": FURNITURE_LEAD,
        "style_css": style_css(dict(layout.style), fonts),
        "style": layout.style,
        "layout": layout,
        "meta": _meta(project, edition.title, edition.title, [], release_moment(edition.date, project)),
    }
    html = layouts.render(layouts.environment(project), "furniture.html", context)
    return Document(html, project.root.resolve().as_uri() + "/", _readable(project, fonts), ())


def articles_document(
    project: Project, articles: Sequence[Article], layout: layouts.Layout, fonts: fontlib.FontSet, printed: date
) -> Document:
    """Single articles, each starting on a new page, as the website's print view would show them."""
    problems = glyph_problems(articles, fonts)
    if problems:
        raise EditionError(problems=problems)
    warnings: list[Problem] = []
    grey = layout.grayscale
    views = tuple(article_view(a, project, warnings, layout.notes, grey=grey) for a in articles)
    pub = project.config.publication
    first = views[0]
    moment = release_moment(max(a.date for a in articles).date(), project)
    context = {
        "pub": pub,
        "articles": views,
        "printed": printed,
        "style_css": style_css(dict(layout.style), fonts),
        "style": layout.style,
        "layout": layout,
        "meta": _meta(
            project,
            first.title if len(views) == 1 else f"{pub.name} – {len(views)} {i18n.label('articles', pub.language)}",
            first.lead or first.title,
            [t for v in views for t in v.tags],
            moment,
        ),
    }
    html = layouts.render(layouts.environment(project), layout.template, context)
    return Document(html, project.root.resolve().as_uri() + "/", _readable(project, fonts), tuple(warnings))
