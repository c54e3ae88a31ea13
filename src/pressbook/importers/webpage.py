"""Saved HTML pages of news sites: trafilatura finds the article body, the page's JSON-LD and
OpenGraph metadata give title, date, author and lead; what is left of the page's chrome
(related-article lists, thumbnails, app banners) is dropped here."""

from __future__ import annotations

import html as htmllib
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from lxml import etree
from lxml import html as lxml_html

from .. import images, text
from ..articles import DateOutOfRange, parse_date
from ..config import Project
from ..errors import ImportSourceError
from ..interface import _
from . import Draft, ImportOptions, charsets, decode_source, escape_markdown, parse_byline
from .scraped import CHROME

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_ARTICLE_TYPES = {"newsarticle", "article", "blogposting", "reportagenewsarticle", "analysisnewsarticle"}
# Thumbnail sizes in image URLs: related-article teasers and author avatars, not article photos.
_THUMB = re.compile(r"(?:thumb_x|zoom/|thumb_w/|/w)(\d{2,3})(?:[x_](\d{2,3}))?/", re.IGNORECASE)
PAGE_CHROME = (*CHROME, "tải ứng dụng", "tin liên quan", "đọc tiếp", "bài liên quan", "có thể bạn quan tâm")


def _decode(data: bytes, path: Path) -> str:
    """The page's text. Bytes that are UTF-8 are read as UTF-8 whatever the page declares (pages
    are often saved as UTF-8 under their old declaration, and a one-byte charset would read them
    without an error, as garbage); else the declared charset, unless it does not read as
    Vietnamese and an old Vietnamese encoding does (a page written for a VNI font declares
    Windows-1252: its bytes are, its letters are not); else pressbook's own detection."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        declared = _CHARSET.search(data[:4096])
    else:
        declared = None
    if declared:
        try:
            found = data.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
        else:
            if charsets.reads_as_vietnamese(found):
                return found
            try:
                return charsets.decode(data).text
            except charsets.UndecodableError:
                return found
    return decode_source(data, path)[0]


def _unescape(value: Any) -> str:
    """Text from metadata, with entities decoded (some sites escape them twice) and cleaned."""
    if not isinstance(value, str):
        return ""
    for _time in range(3):
        unescaped = htmllib.unescape(value)
        if unescaped == value:
            break
        value = unescaped
    return " ".join(text.clean(value).text.split())


def _json_ld(tree: etree._Element) -> dict[str, Any]:
    """The page's NewsArticle (or Article) object from its JSON-LD, if any."""
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content(), strict=False)
        except (json.JSONDecodeError, TypeError):
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if not isinstance(item, dict):
                continue
            stack.extend(item.get("@graph", []) if isinstance(item.get("@graph"), list) else [])
            kinds = item.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if any(isinstance(k, str) and k.lower() in _ARTICLE_TYPES for k in kinds):
                return item
    return {}


def _meta(tree: etree._Element, *names: str) -> str:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            found = tree.xpath(f'//meta[@{attr}="{name}"]/@content')
            if found and (value := _unescape(found[0])):
                return value
    return ""


def _person_names(author: Any) -> list[str]:
    items = author if isinstance(author, list) else [author]
    names = []
    for item in items:
        if isinstance(item, dict) and str(item.get("@type", "Person")).lower() == "person":
            name = _unescape(item.get("name"))
        elif isinstance(item, str):
            name = _unescape(item)
        else:
            continue
        if name and not name.startswith("http"):
            names.append(name.title() if name.isupper() else name)
    return names


def _moment(value: str, project: Project, ignored: list[str]) -> datetime | None:
    """The moment a metadata value names; None if it names none, or one outside the years
    pressbook accepts (then said in `ignored`)."""
    value = value.strip()
    if not value:
        return None
    value = re.sub(r"(\d)\s+([+-]\d{2}:?\d{2})$", r"\1\2", value)
    value = re.sub(r"\.\d+(?=[+-]\d{2}|Z|$)", "", value).replace("Z", "+00:00")
    try:
        return parse_date(value, project.config.tz)
    except DateOutOfRange as exc:
        ignored.append(_("the date in its metadata, {problem}").format(problem=str(exc).split(" (")[0]))
        return None
    except ValueError:
        return None


def _key(value: str) -> str:
    return " ".join(text.nfc(value).casefold().split()).strip(" .:")


def _captions(tree: etree._Element) -> set[str]:
    """Texts the page itself marks as image captions."""
    nodes = tree.xpath(
        "//figcaption | //*[contains(@class,'caption') or contains(@class,'Caption')"
        " or contains(@class,'desc_image') or contains(@class,'image-desc')]"
    )
    return {_key(n.text_content()) for n in nodes if n.text_content().strip()}


# --- the body --------------------------------------------------------------------------------


def _inline(element: etree._Element) -> str:
    """Markdown for the text of an element: bold and italic kept, links reduced to their text."""
    parts = [escape_markdown(element.text or "") if element.text else ""]
    for child in element:
        inner = _inline(child)
        rend = child.get("rend", "")
        if child.tag == "hi" and inner.strip():
            mark = "**" if "b" in rend else "*" if "i" in rend else ""
            stripped = inner.strip()
            inner = f"{mark}{stripped}{mark}" if mark else stripped
            inner = (" " if child.text and child.text[0].isspace() else "") + inner
        elif child.tag == "lb":
            inner = " "
        elif child.tag == "graphic":
            inner = ""
        parts.append(inner)
        if child.tail:
            parts.append(escape_markdown(child.tail))
    return " ".join("".join(parts).split())


def _plain(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _link_share(element: etree._Element) -> float:
    total = len(_plain(element))
    linked = sum(len(_plain(ref)) for ref in element.iter("ref"))
    return linked / total if total else 1.0


def _is_thumbnail(src: str) -> bool:
    match = _THUMB.search(src)
    return bool(match) and all(int(g) < 300 for g in match.groups() if g)


class _Body:
    """Walks trafilatura's XML body and keeps the article's own blocks as Markdown."""

    def __init__(self, *, title: str, lead: str, captions: set[str], folder: Path, slug: str) -> None:
        self.title, self.lead, self.captions = _key(title), _key(lead), captions
        self.folder, self.slug = folder, slug
        self.blocks: list[str] = []
        self.texts: list[str] = []  # plain text of each kept block, for tests and bylines
        self.images: list[tuple[Path, str]] = []
        self.notes: list[str] = []
        self.warnings: list[str] = []  # pictures left out

    def _keep(self, markdown: str, plain: str) -> None:
        self.blocks.append(markdown)
        self.texts.append(plain)

    def _image(self, graphic: etree._Element, caption: str) -> None:
        src = (graphic.get("src") or "").strip()
        if not src or _is_thumbnail(src):
            return
        alt = _unescape(graphic.get("alt") or graphic.get("title") or "")
        alt = re.sub(r"\s*-\s*Ảnh \d+\.?$", "", alt)  # CMS filler: "<title> - Ảnh 1."
        if _key(alt) == self.title:
            alt = ""
        caption = caption or (alt if not re.search(r"\.(?:jpe?g|png|gif|webp)$", alt, re.I) else "")
        parts = urlsplit(src)
        if not parts.scheme:
            # Only real pictures from the page's own folder (a saved page names files that
            # its author chose: never copy anything else into the newsroom).
            try:
                local = (self.folder / unquote(parts.path)).resolve()
                if not (local.is_file() and local.is_relative_to(self.folder.resolve())):
                    raise images.ImageRefused(_("is not beside the page"))
                if local.suffix.lower() not in images.SUFFIXES:
                    raise images.ImageRefused(_("is not a picture file (.png, .jpg, .gif, .webp)"))
                images.verify(local)
            except (OSError, ValueError) as refused:
                reason = refused if isinstance(refused, images.ImageRefused) else _("is not a usable file name")
                self.warnings.append(_("image '{src}' {reason}; left out").format(src=src[:80], reason=reason))
                return
            name = f"{self.slug}-{len(self.images) + 1}{local.suffix.lower()}"
            self.images.append((local, name))
            src = f"images/{name}"
        elif parts.scheme not in ("http", "https"):
            if parts.scheme == "data":
                self.warnings.append(_("image '{src}' is written into the page; left out").format(src=src[:80]))
            else:
                self.warnings.append(
                    _("image '{src}' is neither on the web nor beside the page; left out").format(src=src[:80])
                )
            return
        self._keep(f"![{escape_markdown(caption)}]({src.replace(' ', '%20').replace(')', '%29')})", caption)

    @staticmethod
    def _is_teaser(element: etree._Element) -> bool:
        """A paragraph that is nothing but a link to another article."""
        return _link_share(element) > 0.8 and len(_plain(element).split()) < 30

    def _is_caption(self, element: etree._Element | None) -> bool:
        if element is None or element.tag != "p":
            return False
        plain = _plain(element)
        return bool(plain) and (_key(plain) in self.captions or len(plain.split()) <= 40 and "Ảnh:" in plain)

    def walk(self, body: etree._Element) -> None:
        children = list(body)
        skip: set[int] = set()
        for index, element in enumerate(children):
            if index in skip:
                continue
            plain = _plain(element)
            key = _key(plain)
            if element.tag == "graphic":
                following = children[index + 1] if index + 1 < len(children) else None
                caption = ""
                if following is not None and following.tag == "p" and self._is_teaser(following):
                    skip.add(index + 1)  # a photo and a link to another article
                    continue
                if self._is_caption(following):
                    caption = _plain(following)  # type: ignore[arg-type]
                    skip.add(index + 1)
                self._image(element, caption)
            elif element.tag in ("p", "head", "quote"):
                if not key or key in (self.title, self.lead) or key in PAGE_CHROME or key in self.captions:
                    continue
                if self._is_teaser(element):
                    continue
                if plain.isupper() and len(plain.split()) <= 6:
                    continue  # a site label such as "BÁO ĐIỆN TỬ CHÍNH PHỦ"
                for graphic in element.iter("graphic"):
                    self._image(graphic, "")
                markdown = _inline(element)
                bullet = re.match(r"^(?:\\-|[–•+])\s+", markdown)
                if element.tag == "p" and bullet:
                    item = "- " + markdown[bullet.end() :]
                    if self.blocks and self.blocks[-1].startswith("- "):
                        self.blocks[-1] += "\n" + item
                        self.texts[-1] += " " + plain
                    else:
                        self._keep(item, plain)
                elif element.tag == "head":
                    self._keep(f"## {markdown}", plain)
                elif element.tag == "quote":
                    self._keep(f"> {markdown}", plain)
                else:
                    self._keep(markdown, plain)
            elif element.tag == "list":
                self._list(element)
            elif element.tag == "table":
                self._table(element)

    def _list(self, element: etree._Element) -> None:
        items = [i for i in element if i.tag == "item" and _plain(i)]
        if not items or sum(_link_share(i) > 0.6 for i in items) >= len(items) / 2:
            return  # a list of links: related articles, tags, navigation
        ordered = element.get("rend", "") in ("ol", "numbered")
        lines = [f"{n}. {_inline(i)}" if ordered else f"- {_inline(i)}" for n, i in enumerate(items, start=1)]
        self._keep("\n".join(lines), " ".join(_plain(i) for i in items))

    def _table(self, element: etree._Element) -> None:
        rows = [[_inline(cell) for cell in row if cell.tag == "cell"] for row in element if row.tag == "row"]
        rows = [r for r in rows if any(r)]
        graphics = list(element.iter("graphic"))
        if graphics and all(len(r) <= 1 for r in rows):
            # A layout table holding a photo and its caption.
            self._image(graphics[0], " ".join(r[0] for r in rows if r and r[0]))
            return
        width = max((len(r) for r in rows), default=0)
        if width < 2:
            for row in rows:
                if row and row[0]:
                    self._keep(row[0], row[0])
            return
        rows = [r + [""] * (width - len(r)) for r in rows]
        lines = ["| " + " | ".join(c.replace("|", "\\|") for c in rows[0]) + " |", "|" + " --- |" * width]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows[1:]]
        self._keep("\n".join(lines), " ".join(" ".join(r) for r in rows))

    def take_byline(self) -> str | None:
        """Remove and return a closing byline paragraph such as '**Lê Phương**'."""
        if not self.blocks:
            return None
        last = self.blocks[-1]
        match = re.fullmatch(r"\*\*([^*]{2,60})\*\*(?:\s*\*?\(([^()*]{2,60})\)\*?)?", last)
        if match and parse_byline(match.group(1)):
            self.blocks.pop()
            self.texts.pop()
            return match.group(1).strip()
        return None


def extract(html_text: str, *, path: Path, project: Project) -> dict[str, Any]:
    """Everything we take from a saved page: fields, Markdown blocks, their plain texts, images."""
    from trafilatura import bare_extraction

    # A NUL is no character of a page's text: the parsers would turn it into U+FFFD ("�").
    html_text = html_text.replace("\x00", "")
    try:
        tree = lxml_html.fromstring(html_text)
    except (etree.ParserError, ValueError) as exc:
        raise ImportSourceError(_("is not a readable HTML page: {reason}").format(reason=exc), path=path) from None
    ld = _json_ld(tree)
    document = bare_extraction(
        html_text, include_images=True, include_tables=True, include_formatting=True,
        include_links=True, with_metadata=True, favor_precision=True,
    )  # fmt: skip
    page_title = _unescape(tree.findtext(".//title") or "")
    title = _unescape(ld.get("headline")) or _meta(tree, "og:title") or _unescape(getattr(document, "title", ""))
    title = title or re.split(r"\s+[-|–]\s+(?=[^-|–]+$)", page_title)[0]
    if not title:
        raise ImportSourceError(_("has no title (no headline, og:title or <title>)"), path=path, field="title")
    ignored: list[str] = []
    moment = (
        _moment(str(ld.get("datePublished") or ""), project, ignored)
        or _moment(_meta(tree, "article:published_time", "pubdate", "datePublished", "date"), project, ignored)
        or _moment(str(getattr(document, "date", "") or ""), project, ignored)
    )
    lead = _unescape(ld.get("description")) or _meta(tree, "og:description", "description")
    authors = _person_names(ld.get("author"))
    if not authors:
        named = _meta(tree, "article:author")
        authors = _person_names(named) if named and "." not in named else []
    section = _unescape(ld.get("articleSection") if isinstance(ld.get("articleSection"), str) else "")
    section = section or _meta(tree, "article:section")
    keywords = _meta(tree, "news_keywords", "keywords")
    tags = tuple(dict.fromkeys(t.strip() for t in keywords.split(",") if t.strip()))[:8] if keywords else ()
    url = _meta(tree, "og:url") or "".join(tree.xpath('//link[@rel="canonical"]/@href')[:1])

    body = _Body(
        title=title, lead=lead, captions=_captions(tree), folder=path.parent,
        slug=text.slugify(title, max_length=40),
    )  # fmt: skip
    if document is not None and document.body is not None:
        body.walk(document.body)
    closing = body.take_byline()
    if not authors and closing:
        authors = [closing]
    return {
        "title": title,
        "date": moment,
        "lead": lead,
        "author": ", ".join(authors) or None,
        "section": section.split(",")[0].strip() if section else None,
        "tags": tags,
        "source_url": url if url.startswith(("http://", "https://")) else None,
        "blocks": body.blocks,
        "texts": body.texts,
        "images": body.images,
        "notes": body.notes,
        "warnings": body.warnings,
        "ignored_dates": list(dict.fromkeys(ignored)),
    }


def draft(data: bytes, *, path: Path, project: Project, options: ImportOptions) -> Draft:
    """A draft article from a saved HTML page."""
    found = extract(_decode(data, path), path=path, project=project)
    moment = parse_date(options.date, project.config.tz) if options.date else found["date"]
    ignored = found["ignored_dates"]
    if moment is None:
        raise ImportSourceError(
            _("has no publication date in its metadata") + "".join(f"; {i}" for i in ignored), path=path,
            field="date", hint=_("give it with --date YYYY-MM-DD"),
        )  # fmt: skip
    if not found["blocks"]:
        raise ImportSourceError(
            _("has no article text that could be found"), path=path, hint=_("is it an article page?")
        )
    fields = {
        "title": found["title"],
        "date": moment,
        "section": options.section or found["section"] or project.config.edition.default_section,
        "author": found["author"],
        "lead": found["lead"] or None,
        "tags": found["tags"],
        "source_url": found["source_url"],
    }
    if options.date:
        instead = _("used --date {date} instead").format(date=options.date)
    else:
        instead = _("used {date} instead").format(date=moment.isoformat())
    warnings = (*found["warnings"], *(f"{i}; {instead}" for i in ignored))
    return Draft(
        fields=fields, body="\n\n".join(found["blocks"]), notes=tuple(found["notes"]), images=tuple(found["images"]),
        warnings=warnings,
    )  # fmt: skip
