"""The e-book edition as plain data: XHTML content documents from the `epub/` templates, pictures
sized for screens, the fonts (subset to the edition's characters), the cover, the table of
contents and the metadata. `pack.py` packs it; nothing here knows about ebooklib."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import functools
import os
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from lxml import etree
from lxml import html as lxml_html
from markupsafe import Markup

from .. import i18n, images
from . import pagebreaks
from ..articles import Article
from ..cache import Cache, code_digest, file_digest
from ..config import Publication
from ..edition import Edition
from ..errors import EditionError, Problem
from ..interface import _
from ..html import fonts as fontlib
from ..html import layouts, markdown
from ..html.kit import Kit
from ..html.views import article_view, cover_picture, glyph_problems, issue_line, picture_resolver
from . import cover as coverlib

TEXT = "text"
MEDIA_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "ttf": "font/ttf", "otf": "font/otf", "css": "text/css"}


@dataclass(frozen=True)
class ContentDocument:
    """One XHTML file of the book, in reading order."""

    name: str  # path inside the package, e.g. "text/a-slug.xhtml"
    title: str
    xhtml: bytes
    properties: tuple[str, ...] = ()


@dataclass(frozen=True)
class Resource:
    """A stylesheet, font or picture inside the package."""

    name: str
    media_type: str
    data: bytes


@dataclass(frozen=True)
class TocSection:
    """A section of the table of contents and its articles: (title, href) pairs."""

    name: str
    href: str
    entries: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Ebook:
    """Everything an EPUB of the edition holds."""

    identifier: str
    title: str
    language: str
    creator: str
    publisher: str
    date: str
    modified: datetime
    description: str
    subjects: tuple[str, ...]
    rights: str | None
    documents: tuple[ContentDocument, ...]
    toc: tuple[TocSection, ...]
    resources: tuple[Resource, ...]
    cover: Resource
    # (property, value, language of the value when it is not the book's) for the package's <meta>
    accessibility: tuple[tuple[str, str, str | None], ...]
    source: str | None = None  # the print edition whose pages the book marks (dc:source)


@dataclass
class _Pictures:
    """Pictures the chapters use, converted for screens once each."""

    rules: images.Policy
    cache: Cache = field(default_factory=lambda: Cache(None))
    resources: dict[Path, Resource] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    pending: dict[Path, concurrent.futures.Future] = field(default_factory=dict)

    def resolver(self, article: Article) -> Callable[[str], str | None]:
        return picture_resolver(self.rules, article, self.warnings, self._resource)

    def _convert(self, path: Path) -> tuple[bytes, dict[str, Any]]:
        def convert() -> tuple[bytes, dict[str, str]]:
            data, kind = images.for_screen(path)
            return data, {"kind": kind}

        # Converted once per picture content, not once per build.
        key = [file_digest(path), images.MAX_SCREEN_SIDE, code_digest("images.py"), _pillow()]
        return self.cache.made("screen", key, convert)

    def prefetch(self, articles: Sequence[Article], pool: concurrent.futures.Executor) -> None:
        """Start converting the articles' pictures in `pool` (Pillow works outside the GIL)
        while the chapters are written; the resolver then collects them."""
        for article in articles:
            for src in article.image_paths():
                try:
                    path = self.rules.locate(src, article.folder)
                except (images.ImageRefused, OSError):
                    continue  # the resolver says why, in order
                if path not in self.pending:
                    self.pending[path] = pool.submit(self._convert, path)

    def _resource(self, path: Path) -> str:
        if path not in self.resources:
            data, meta = self.pending[path].result() if path in self.pending else self._convert(path)
            kind = meta["kind"]
            # Numbered names: a file name's spaces or brackets would break hrefs and ids.
            name = f"images/{len(self.resources) + 1:03d}.{'jpg' if kind == 'jpeg' else 'png'}"
            self.resources[path] = Resource(name, MEDIA_TYPES[kind], data)
        return "../" + self.resources[path].name


def identifier(publication: Publication, edition: Edition) -> str:
    """A stable identifier: the same publication and issue always get the same one."""
    source = publication.website or publication.name
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{source}/pressbook/{edition.id}')}"


def to_xhtml(fragment: str) -> Markup:
    """An HTML fragment (from Markdown and sanitised raw HTML) as well-formed XHTML."""
    if not fragment.strip():
        return Markup("")
    parts = lxml_html.fragments_fromstring(fragment)
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(Markup.escape(part))
            continue
        for element in part.iter():
            if isinstance(element.tag, str):
                element.tag = element.tag.lower()
                if element.tag == "img" and element.get("alt") is None:
                    element.set("alt", "")
        out.append(etree.tostring(part, method="xml", encoding="unicode"))
    text = "".join(str(o) for o in out)
    # markdown.py marks EPUB semantics as data-epub-type, which survives the HTML parser.
    return Markup(text.replace(' data-epub-type="', ' epub:type="'))


def _chapter_name(article: Article) -> str:
    # "a-" keeps chapters apart from the book's own pages (an article may be called "cover").
    return f"{TEXT}/a-{article.slug}.xhtml"


def _visible_text(documents: list[ContentDocument]) -> str:
    """Every character the documents show: what the embedded fonts must keep."""
    return "".join("".join(etree.fromstring(d.xhtml).itertext()) for d in documents)


@functools.lru_cache(maxsize=1)
def _pillow() -> str:
    from importlib.metadata import version

    return version("pillow")


def _fonts(fonts: fontlib.FontSet, text: str, subset: bool, cache: Cache) -> tuple[list[Resource], str]:
    resources = []
    characters = "".join(sorted(set(text)))
    for face in fonts.faces:
        if subset:
            key = [file_digest(face.path), characters, code_digest("html/fonts.py")]
            data = cache.made("font", key, lambda face=face: (fontlib.subset(face, characters), {}))[0]
        else:
            data = face.path.read_bytes()
        kind = face.path.suffix.lower().lstrip(".")
        resources.append(Resource(f"fonts/{face.path.name}", MEDIA_TYPES.get(kind, "font/ttf"), data))
    return resources, fontlib.font_face_css(fonts, url=lambda face: f"../fonts/{face.path.name}")


def _chapters(
    kit: Kit, edition: Edition, context_base: dict[str, Any], pictures: _Pictures
) -> tuple[list[ContentDocument], list[TocSection]]:
    """One XHTML chapter per article, and the contents by section."""
    chapters: list[ContentDocument] = []
    toc: list[TocSection] = []
    for section in edition.sections:
        entries = []
        for article in section.articles:
            resolve = pictures.resolver(article)
            body = markdown.to_html(article.body, target="epub", resolve=resolve, prefix=f"{article.slug}-")
            image = resolve(article.image) if article.image else None
            view = article_view(article, kit, [], "epub", body=False)
            context = {
                **context_base, "a": view, "title": article.title, "body": to_xhtml(body.html), "image": image,
                "image_caption": article.image_caption if image else None,
            }  # fmt: skip
            xhtml = layouts.render(kit.templates, "epub/article.xhtml", context)
            name = _chapter_name(article)
            chapters.append(ContentDocument(name, article.title, xhtml.encode("utf-8")))
            entries.append((article.title, name))
        toc.append(TocSection(section.name, entries[0][1], tuple(entries)))
    return chapters, toc


def _cover(kit: Kit, edition: Edition, cache: Cache) -> tuple[bytes, str, list[Problem]]:
    """The cover picture (PNG), the issue line it shows, and why its picture was refused, if it was."""
    pub, fonts = kit.publication, kit.fonts
    picture, refused = cover_picture(kit, edition, fallback=True)
    line = issue_line(edition, kit)
    cover_text = coverlib.CoverText(pub.name, pub.publisher, edition.title, line, pub.website or pub.name)
    accent = kit.style.accent_color
    cover_key = [
        list(dataclasses.astuple(cover_text)), accent, file_digest(picture) if picture else None,
        [file_digest(face.path) for face in fonts.faces], code_digest("epub/cover.py"), _pillow(),
    ]  # fmt: skip
    png = cache.made("cover", cover_key, lambda: (coverlib.draw_cover(cover_text, fonts, picture, accent=accent), {}))[0]
    return png, line, refused


def build_ebook(
    kit: Kit, edition: Edition, *, cache: Cache | None = None, print_pages: Sequence[str | None] = (), print_source: str | None = None
) -> tuple[Ebook, list[Problem]]:
    """The whole e-book of an edition, as data; `cache` keeps converted pictures, font subsets
    and the cover between builds. With `print_pages` (the first words of each page of the print
    edition `print_source`) it marks where each print page begins, and lists them in the nav."""
    if not edition.articles:
        raise EditionError(_("issue '{issue}' selects no articles").format(issue=edition.id))
    problems = glyph_problems(edition.articles, kit.fonts, edition)
    if problems:
        raise EditionError(problems=problems)
    env = kit.templates
    pub = kit.publication
    language = edition.language
    labels = i18n.labels(language)
    pictures = _Pictures(kit.pictures, cache or Cache(None))
    moment = kit.moment(edition.date)
    context_base = {"pub": pub, "edition": edition, "lang": language, "labels": labels}
    book_id = identifier(pub, edition)
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        pictures.prefetch(edition.articles, pool)
        cover_future = pool.submit(_cover, kit, edition, pictures.cache)
        chapters, toc = _chapters(kit, edition, context_base, pictures)
        cover_png, line, refused = cover_future.result()
    pictures.warnings.extend(refused)
    cover = Resource("images/cover.png", "image/png", cover_png)
    book_title = f"{pub.name} – {edition.title}"

    def page(template: str, name: str, title: str, **extra: object) -> ContentDocument:
        xhtml = layouts.render(env, template, {**context_base, "title": title, **extra})
        return ContentDocument(name, title, xhtml.encode("utf-8"))

    first_href = toc[0].href.removeprefix(f"{TEXT}/")
    documents = [
        page("epub/cover.xhtml", f"{TEXT}/cover.xhtml", labels["cover"], cover_src="../images/cover.png", book_title=book_title),
        page("epub/title.xhtml", f"{TEXT}/title.xhtml", edition.title, line=line),
        *chapters,
        page("epub/colophon.xhtml", f"{TEXT}/colophon.xhtml", labels["colophon"], line=line, moment=moment,
             count=len(edition.articles), identifier=book_id),  # fmt: skip
    ]
    page_list: list[dict[str, str]] = []
    if print_pages:
        # The print edition's pages: a marker where each begins, and the nav's page-list.
        documents, breaks = pagebreaks.mark(documents, print_pages)
        page_list = [{"number": str(b.number), "href": f"{b.document.removeprefix(TEXT + '/')}#{b.anchor}"} for b in breaks]
    nav = ContentDocument(
        f"{TEXT}/nav.xhtml",
        labels["contents"],
        layouts.render(
            env, "epub/nav.xhtml",
            {**context_base, "title": labels["contents"], "toc": toc, "first": first_href, "strip": TEXT + "/", "page_list": page_list},
        ).encode("utf-8"),  # fmt: skip
        ("nav",),
    )
    documents.insert(2, nav)
    fonts = kit.fonts
    font_resources, font_css = _fonts(fonts, _visible_text(documents), kit.epub.subset_fonts, pictures.cache)
    # The families the fonts folder names (or [style] chooses), as in print.
    families = {
        "body_font": kit.style.body_font or fonts.family("body"),
        "heading_font": kit.style.heading_font or fonts.family("heading"),
    }
    css = layouts.render(env, "epub/book.css", {**context_base, **families, "font_css": layouts.css(font_css)})
    resources = [Resource("styles/book.css", "text/css", css.encode("utf-8")), *font_resources]
    resources += sorted(pictures.resources.values(), key=lambda r: r.name)

    accessibility = _accessibility(language, pub.publisher, has_images=bool(pictures.resources), print_pages=bool(page_list))
    documents, outside = _own_files_only(documents, {r.name for r in resources} | {cover.name} | {d.name for d in documents})
    pictures.warnings.extend(outside)
    ebook = Ebook(
        identifier=book_id,
        title=book_title,
        language=language,
        creator=pub.publisher,
        publisher=pub.publisher,
        date=edition.date.isoformat(),
        modified=moment.astimezone(timezone.utc),
        description=f"{edition.title}: {len(edition.articles)} {labels['articles']}",
        subjects=tuple(s.name for s in edition.sections),
        rights=pub.licence,
        documents=tuple(documents),
        toc=tuple(toc),
        resources=tuple(resources),
        cover=cover,
        accessibility=accessibility,
        source=print_source if page_list else None,
    )
    return ebook, pictures.warnings


# The accessibility the e-book claims (EPUB Accessibility 1.1), which Ace by DAISY checks
# (tests/test_ace.py): every page has its language, title, headings in order, ARIA roles matching
# its epub:type, pictures with alternative text; the nav has the contents and landmarks.
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"
_SUMMARY = {
    "vi": "Văn bản đầy đủ theo thứ tự đọc, có mục lục, mốc điều hướng và tiêu đề phân cấp; ảnh có chú thích làm "
    "văn bản thay thế; người đọc có thể đổi cỡ chữ, phông chữ và màu nền. "
    "Ấn phẩm đáp ứng EPUB Accessibility 1.1 và WCAG 2.1 mức AA.",
    "en": "Full text in reading order with a table of contents, landmarks and headings; pictures carry their "
    "captions as alternative text; readers can change the type size, typeface and colours. "
    "This publication meets EPUB Accessibility 1.1 and WCAG 2.1 Level AA.",
}


def _accessibility(
    language: str, certifier: str, *, has_images: bool, print_pages: bool = False
) -> tuple[tuple[str, str, str | None], ...]:
    """The package's accessibility metadata: how the book can be read, what helps, its hazards
    (none), a summary in the edition's language (English where there is none in it), and the
    conformance the publisher claims."""
    modes = ["textual", "visual"] if has_images else ["textual"]
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
    if has_images:
        features.append("alternativeText")
    if print_pages:
        features += ["pageBreakMarkers", "printPageNumbers", "pageNavigation"]
    base = language.split("-")[0].lower()
    summary, summary_language = (_SUMMARY[base], None) if base in _SUMMARY else (_SUMMARY["en"], "en")
    return (
        *(("schema:accessMode", mode, None) for mode in modes),
        ("schema:accessModeSufficient", "textual", None),
        *(("schema:accessibilityFeature", feature, None) for feature in features),
        ("schema:accessibilityHazard", "none", None),
        ("schema:accessibilitySummary", summary, summary_language),
        ("dcterms:conformsTo", CONFORMS_TO, None),
        ("a11y:certifiedBy", certifier, None),
    )


# What a page of the book may refer to: its own files. Layouts are not trusted (they are shared
# and downloaded), so a template's reference to anything else is taken out, as in print.
_NEVER = {"object", "embed", "iframe", "script", "form", "frame", "frameset", "applet", "base", "meta"}
_SUSPECT = re.compile(rb"<(?:object|embed|iframe|script|form|frame|applet|base|meta)\b|(?:src|data|poster|href)\s*=\s*[\"'](?:[a-z][a-z0-9+.-]*:|/|\.\./\.\./)", re.I)


def _own_files_only(documents: list[ContentDocument], names: set[str]) -> tuple[list[ContentDocument], list[Problem]]:
    """The pages with every reference to a file outside the book taken out (a link to the web
    stays a link), and a warning for each (the bundled layouts have none: their pages pass as they are)."""
    kept, problems = [], []
    for document in documents:
        if not _SUSPECT.search(document.xhtml):
            kept.append(document)
            continue
        tree = etree.fromstring(document.xhtml)
        folder = Path(document.name).parent
        changed = []
        for element in list(tree.iter("{*}*")):
            tag = etree.QName(element).localname
            harmless_meta = tag == "meta" and (element.get("charset") is not None or element.get("name") is not None)
            if tag in _NEVER and not harmless_meta:
                changed.append(f"<{tag}>")
                element.getparent().remove(element)
                continue
            for attribute in ("src", "data", "poster", "href", "{http://www.w3.org/1999/xlink}href"):
                value = element.get(attribute)
                if value is None or _inside_book(value, folder, names, link=tag == "a" and attribute == "href"):
                    continue
                changed.append(value)
                if tag in ("a", "area"):
                    del element.attrib[attribute]  # the words stay, without the link
                else:
                    element.getparent().remove(element)
                break
        if changed:
            problems.append(Problem(
                _("the e-book page {page} refers to {references}, which is not in the book; left out").format(
                    page=document.name, references=", ".join(repr(c) for c in changed[:3])
                ),
                severity="warning", hint=_("a layout may refer only to the book's own pictures, styles and pages"),
            ))  # fmt: skip
            xhtml = etree.tostring(tree, xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>")
            document = dataclasses.replace(document, xhtml=xhtml)
        kept.append(document)
    return kept, problems


def _inside_book(reference: str, folder: Path, names: set[str], *, link: bool) -> bool:
    """Whether a reference stays inside the book (or is a web link, for `<a href>`)."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(reference)
    if parts.scheme:
        return link and parts.scheme in ("http", "https", "mailto")
    if not parts.path:
        return True  # "#anchor": this page
    target = os.path.normpath(folder / unquote(parts.path)).replace(os.sep, "/")
    return target in names

