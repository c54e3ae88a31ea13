"""The print HTML: an edition (whole, its front, or some of its sections), the page furniture laid
over pieces, or single articles, through the layout's templates. What WeasyPrint renders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from markupsafe import Markup

from .. import i18n
from ..articles import Article
from ..config import Style
from ..edition import Edition
from ..errors import EditionError, Problem
from ..html import fonts as fontlib
from ..html import layouts
from ..html.kit import Kit
from ..html.views import SectionView, article_view, cover_picture, glyph_problems, issue_line, section_view
from ..interface import _

# Which piece of an edition a document holds: all of it, its cover and contents, or sections.
PieceKind = Literal["full", "front", "sections"]


@dataclass(frozen=True)
class PrintDocument:
    """One HTML document for the renderer, the folders it may read, and what was left out."""

    html: str
    base_url: str
    readable: tuple[Path, ...]
    warnings: tuple[Problem, ...]


def style_css(style: Style, fonts: fontlib.FontSet) -> Markup:
    """The layout's style values as CSS custom properties and the page geometry."""
    grey = style.grayscale
    props = {
        "--body-font": f'"{style.body_font or fonts.family("body")}", serif',
        "--heading-font": f'"{style.heading_font or fonts.family("heading")}", sans-serif',
        "--font-size": style.font_size,
        "--line-height": style.line_height,
        "--text-color": "#000000" if grey else style.text_color,
        "--accent-color": "#3a3a3a" if grey else style.accent_color,
        "--rule-color": "#8a8a8a" if grey else style.rule_color,
        "--columns": style.columns,
    }
    root = ":root { " + " ".join(f"{k}: {v};" for k, v in props.items()) + " }"
    printing = "".join(f" {key}: {value};" for key, value in (("marks", style.marks), ("bleed", style.bleed)) if value)
    page = (
        f"@page {{ size: {style.page_size};{printing} }}\n"
        f"@page :left {{ margin: {style.margin_top} {style.margin_inner} {style.margin_bottom} {style.margin_outer}; }}\n"
        f"@page :right {{ margin: {style.margin_top} {style.margin_outer} {style.margin_bottom} {style.margin_inner}; }}"
    )
    return layouts.css(f"{fontlib.font_face_css(fonts)}\n{root}\n{page}")


def _meta(kit: Kit, title: str, subject: str, keywords: Sequence[str], moment: datetime) -> dict[str, str]:
    return {
        "title": title,
        "author": kit.publication.publisher,
        "description": subject,
        "keywords": ", ".join(dict.fromkeys(k for k in keywords if k)),
        "created": moment.isoformat(),
        "modified": moment.isoformat(),
    }


def _document(kit: Kit, template: str, context: dict, warnings: Sequence[Problem] = ()) -> PrintDocument:
    layout = kit.layout
    context = {**context, "style_css": style_css(layout.style, kit.fonts), "style": layout.style, "layout": layout}
    html = layouts.render(kit.templates, template, context)
    return PrintDocument(html, kit.base_url, kit.readable, tuple(warnings))


def furniture_lead(first: int) -> int:
    """Empty pages a page-furniture document begins with, so that its first real page is the
    edition's page `first` on its side (right-hand for an even index) and not the document's
    `:first` page."""
    return 2 + first % 2


@dataclass(frozen=True)
class PageFurniture:
    """What the running heads of one page of a pieced edition say: its section (named where the
    section opens, where the head stays empty, as over a whole render's section heading), and
    whether the page is blank."""

    section: str
    blank: bool
    opening: bool = False


def section_views(kit: Kit, edition: Edition) -> tuple[tuple[SectionView, ...], list[Problem]]:
    """Every section and article of an edition made ready for templates (bodies as HTML).

    A character the fonts lack stops it here, naming the article."""
    problems = glyph_problems(edition.articles, kit.fonts, edition)
    if problems:
        raise EditionError(problems=problems)
    warnings: list[Problem] = []
    return tuple(section_view(s, kit, warnings) for s in edition.sections), warnings


def edition_document(
    kit: Kit,
    edition: Edition,
    *,
    piece: PieceKind = "full",
    pages: dict[str, str] | None = None,
    views: tuple[SectionView, ...] | None = None,
) -> PrintDocument:
    """The edition as HTML in the kit's layout: whole ("full"), its cover and contents ("front",
    with the contents' page numbers given in `pages`), or the sections of `views` ("sections").

    `views` (from `section_views`) saves rendering every article again for each piece; for the
    front they need only their headings."""
    if not edition.articles:
        raise EditionError(
            _("issue '{issue}' selects no articles").format(issue=edition.id),
            hint=_("check --issue (YYYY-MM, YYYY-Www, YYYY-MM-DD) and the articles' dates"),
        )
    warnings: list[Problem] = []
    if views is None:
        views, more = section_views(kit, edition)
        warnings += more
    pub = kit.publication
    cover = None
    if piece != "sections":  # the cover is on the front
        found, refused = cover_picture(kit, edition)
        warnings += refused
        if found is not None:
            cover = (kit.pictures.grey(found) if kit.layout.grayscale else found).as_uri()
    label = i18n.label("articles", edition.language)
    context = {
        "pub": pub,
        "edition": edition,
        "piece": piece,
        "pages": pages,
        "sections": views,
        "cover_image": cover,
        "issue_line": issue_line(edition, kit),
        "toc_digits": contents_digits(edition),
        "meta": _meta(
            kit,
            f"{pub.name} – {edition.title}",
            f"{edition.title}: {len(edition.articles)} {label}",
            [s.name for s in edition.sections],
            kit.moment(edition.date),
        ),
    }
    return _document(kit, kit.layout.template, context, warnings)


def contents_digits(edition: Edition) -> int:
    """How many digits the contents' page numbers are set in: those of the edition's last page,
    reckoned at a page and a half an article after the front matter. A number that turns out
    longer still prints (its entry is a little longer, which pieces.py finds and renders again)."""
    return len(str(4 + (3 * len(edition.articles) + 1) // 2))


def number(page: int, digits: int) -> str:
    """A page number as the contents print it: figure spaces before it up to `digits` digits."""
    return str(page).rjust(digits, "\u2007")


def furniture_document(kit: Kit, edition: Edition, furniture: Sequence[PageFurniture], first: int = 0) -> PrintDocument:
    """Empty pages carrying the layout's running heads and page numbers, one per edition page, for
    the edition's pages from `first` (0-based) on. The document begins with `furniture_lead(first)`
    empty pages and numbers its first real page `first + 1`."""
    context = {
        "pub": kit.publication,
        "edition": edition,
        "pages": furniture,
        "start": first + 1,
        "lead": furniture_lead(first),
        "meta": _meta(kit, edition.title, edition.title, [], kit.moment(edition.date)),
    }
    return _document(kit, "furniture.html", context)


def articles_document(kit: Kit, articles: Sequence[Article], printed: date) -> PrintDocument:
    """Single articles, each starting on a new page, as the website's print view would show them."""
    problems = glyph_problems(articles, kit.fonts)
    if problems:
        raise EditionError(problems=problems)
    warnings: list[Problem] = []
    layout = kit.layout
    views = tuple(article_view(a, kit, warnings, layout.notes, grey=layout.grayscale) for a in articles)
    pub = kit.publication
    first = views[0]
    context = {
        "pub": pub,
        "articles": views,
        "printed": printed,
        "meta": _meta(
            kit,
            first.title if len(views) == 1 else f"{pub.name} – {len(views)} {i18n.label('articles', pub.language)}",
            first.lead or first.title,
            [t for v in views for t in v.tags],
            kit.moment(max(a.date for a in articles).date()),
        ),
    }
    return _document(kit, layout.template, context, warnings)
