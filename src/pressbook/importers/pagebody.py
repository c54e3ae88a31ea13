"""The article's own blocks in a page, as Markdown: trafilatura's (or readability-lxml's) XML
body walked block by block, leaving out what is the page's and not the article's (related-article
teasers, thumbnails, captions said twice, datelines, calendars, readers' comments, a closing
byline taken as a field)."""

from __future__ import annotations

import html as htmllib
import re
from datetime import tzinfo
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from .. import text
from ..interface import _
from . import escape_markdown, newsrules, picture_beside
from .scraped import CHROME

# Thumbnail sizes in image URLs: related-article teasers and author avatars, not article photos.
_THUMB = re.compile(r"(?:thumb_x|zoom/|thumb_w/|/w)(\d{2,3})(?:[x_](\d{2,3}))?/", re.IGNORECASE)
PAGE_CHROME = (
    *CHROME, "tải ứng dụng", "tin liên quan", "đọc tiếp", "bài liên quan", "có thể bạn quan tâm", "quan tâm",
    "tin đọc nhiều", "đọc nhiều", "tin mới", "tin mới nhất", "tin khác", "tin cùng chuyên mục", "ý kiến bạn đọc",
    "bình luận", "gửi bình luận", "chia sẻ", "in bài viết", "về đầu trang", "khám phá thêm chủ đề", "khám phá thêm",
)
# A video player's countdown to the next video ("60 giây nữa.").
_COUNTDOWN = re.compile(r"\d{1,3} giây nữa\W*")


def unescape(value: Any) -> str:
    """Text from metadata, with entities decoded (some sites escape them twice) and cleaned."""
    if not isinstance(value, str):
        return ""
    for _time in range(3):
        unescaped = htmllib.unescape(value)
        if unescaped == value:
            break
        value = unescaped
    return " ".join(text.clean(value).text.split())


def key(value: str) -> str:
    return " ".join(text.nfc(value).casefold().split()).strip(" .:")


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
            inner += " " if "".join(child.itertext())[-1:].isspace() else ""  # "<em>VnExpress </em>hồi"
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


class Body:
    """Walks trafilatura's XML body and keeps the article's own blocks as Markdown."""

    def __init__(
        self, *, title: str, lead: str, captions: set[str], folder: Path, slug: str,
        pictures: dict[str, str] | None = None,
    ) -> None:  # fmt: skip
        self.title, self.lead, self.captions = key(title), key(lead), captions
        # The page's own caption of each picture (by address): for a picture the extractor gave
        # without its caption, and whose caption it left out altogether (picture_captions).
        self.pictures = pictures or {}
        self._uncaptioned: list[tuple[int, str, str]] = []  # (block, caption, address)
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
        alt = unescape(graphic.get("alt") or graphic.get("title") or "")
        alt = re.sub(r"\s*-\s*Ảnh \d+\.?$", "", alt)  # CMS filler: "<title> - Ảnh 1."
        if key(alt) == self.title:
            alt = ""
        caption = caption or (alt if not re.search(r"\.(?:jpe?g|png|gif|webp)$", alt, re.I) else "")
        parts = urlsplit(src)
        if not parts.scheme:
            # Only real pictures from the page's own folder (a saved page names files that
            # its author chose: never copy anything else into the newsroom).
            local, refused = picture_beside(src, self.folder, _("is not beside the page"))
            if local is None:
                self.warnings.append(refused or "")
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
        address = src.replace(" ", "%20").replace(")", "%29")
        if not caption and self.pictures.get(graphic.get("src") or ""):
            self._uncaptioned.append((len(self.blocks), self.pictures[graphic.get("src") or ""], address))
        self._keep(f"![{escape_markdown(caption)}]({address})", caption)

    @staticmethod
    def _is_teaser(element: etree._Element) -> bool:
        """A paragraph that is nothing but a link to another article."""
        return _link_share(element) > 0.8 and len(_plain(element).split()) < 30

    def _is_caption(self, element: etree._Element | None) -> bool:
        if element is None or element.tag != "p":
            return False
        plain = _plain(element)
        return bool(plain) and (key(plain) in self.captions or len(plain.split()) <= 40 and "Ảnh:" in plain)

    @staticmethod
    def _is_media_credit(plain: str) -> bool:
        """The caption of a video or a photo the page plays or shows ("... Video: Đồn biên phòng")."""
        return len(plain.split()) <= 40 and bool(re.search(r"\b(?:Video|Clip|Nguồn video|Đồ họa)\s*:", plain))

    def walk(self, body: etree._Element) -> None:
        children = list(body)
        skip: set[int] = set()
        for index, element in enumerate(children):
            if index in skip:
                continue
            plain = _plain(element)
            found = key(plain)
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
                if not found or found in (self.title, self.lead) or found in PAGE_CHROME or found in self.captions or _COUNTDOWN.fullmatch(found) or (
                    self.lead and key(newsrules.lead(plain)) == self.lead
                ):
                    continue
                if self._is_teaser(element) or self._is_media_credit(plain):
                    continue
                if plain.isupper() and len(plain.split()) <= 6 and not newsrules.credit(plain):
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
        self._restore_captions()

    def _restore_captions(self) -> None:
        """Give a picture its caption from the page where the extractor dropped the caption's
        text altogether (a photo story loses a reader's text so); a caption it kept as
        paragraphs is not said again."""
        said = key(" ".join(self.texts))
        for index, caption, address in self._uncaptioned:
            if key(caption)[:60] not in said:
                self.blocks[index] = f"![{escape_markdown(caption)}]({address})"
                self.texts[index] = caption
        self._uncaptioned.clear()

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
        cells = [c for r in rows for c in r if c]
        if len(cells) >= 14 and sum(bool(_CALENDAR.fullmatch(c)) for c in cells) >= len(cells) * 0.6:
            return  # a calendar widget: days and weekdays, no article's table
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

    def take_credit(self) -> newsrules.Credit | None:
        """Remove and return the closing byline: '**Lê Phương**', 'Quang Phong - Tùng Nguyên',
        'Theo Sầm Hoa (Vietnamnet/Reuters)'."""
        for back in (1, 2):
            if len(self.texts) < back:
                return None
            found = newsrules.credit(self.texts[-back])
            if found is not None and (found.author or found.source):
                outlet = self.texts[-1].strip(" *_") if back == 2 else ""
                if back == 2 and found.source is None and len(outlet.split()) <= 3 and not outlet.endswith("."):
                    # "Theo Thanh Xuân" over "VnEconomy": the writer, then where it was first printed.
                    found = newsrules.Credit(found.author, outlet)
                    del self.blocks[-2:], self.texts[-2:]
                    return found
                del self.blocks[-back], self.texts[-back]
                return found
        return None

    def drop_datelines(self, tz: tzinfo) -> None:
        """Leave out the date lines printed above or under the headline (the date is a field)."""
        while self.texts and newsrules.is_dateline(self.texts[0], tz):
            del self.blocks[0], self.texts[0]

    def take_lead(self) -> str:
        """The first block as the lead, when it reads as one: it starts with the paper's tag
        ("TTO - ...") or is set in bold as a whole."""
        if not self.blocks or not self.texts[0]:
            return ""
        first, plain = self.blocks[0], self.texts[0]
        if newsrules.lead_tag(plain) or re.fullmatch(r"\*\*[^*]+\*\*", first):
            del self.blocks[0], self.texts[0]
            return newsrules.lead(plain)
        return ""


# A calendar widget's cells: days of the month and weekday names.
_CALENDAR = re.compile(r"\d{1,2}|T[2-7]|CN|Th[ứu]\s*\w+|Chủ nhật|[«»<>‹›]|Mo|Tu|We|Th|Fr|Sa|Su", re.IGNORECASE)


def words(body: Body) -> int:
    return sum(len(t.split()) for t in body.texts)


# What readers' comments look like: a name, a time, "Trả lời", "Thích".
_COMMENT = re.compile(r"\b(?:trả lời|thích|bình luận|gửi bởi|báo vi phạm|\d+ (?:phút|giờ|ngày) trước)\b", re.IGNORECASE)


def comments(body: Body) -> bool:
    """Whether the text found is a box of readers' comments rather than the article."""
    marked = sum(bool(_COMMENT.search(t)) for t in body.texts)
    return len(body.texts) >= 3 and marked >= len(body.texts) / 3


def poor(body: Body, lead: str) -> bool:
    """Whether the text found is too little to be the article, or is something else."""
    count = words(body)
    return count < 80 or count < len(lead.split()) * 1.5 or comments(body)


def picture_captions(tree: etree._Element) -> dict[str, str]:
    """Each picture's caption as the page prints it, by every address its <img> gives (src,
    data-src, data-original...): the text of the <figcaption> of the <figure> it is in."""
    found: dict[str, str] = {}
    for caption in tree.iter("figcaption"):
        figure = caption.getparent()
        while figure is not None and figure.tag != "figure":
            figure = figure.getparent()
        paragraphs = [_plain(paragraph) for paragraph in caption.iter("p")] or [_plain(caption)]
        said = " ".join(" ".join(paragraphs).split())
        if figure is None or not said:
            continue
        for picture in figure.iter("img"):
            for name, value in picture.attrib.items():
                if (name == "src" or name.startswith("data-")) and value.strip().startswith(("http", "/")):
                    found.setdefault(value.strip(), said)
    return found


# What news sites call the printed lead in their markup ("sapo" in Vietnamese newsrooms).
_LEAD_MARK = re.compile(r"sapo|lead|summary|chapeau|excerpt|intro", re.IGNORECASE)


def printed_lead(tree: etree._Element, lead: str) -> str:
    """The lead as the page prints it, where the metadata's differs from it (an earlier wording, a
    slip: "miễn phí hút" for the printed "miễn phí vé, thu hút"): the block marked as the lead
    ("sapo") that is at least half the same, else an unmarked block at least 85% the same and of
    about the same length; else `lead`. A block that only adds to it (a place name stamped before
    it) leaves `lead` as it is."""
    wanted = " ".join(lead.split())
    if len(wanted) < 40:
        return lead
    best: tuple[bool, float, str] = (False, 0.0, "")
    seen: set[tuple[bool, str]] = set()
    for element in tree.iter("p", "h2", "h3", "h4", "div", "span", "strong", "em", "section"):
        if any(a.tag in ("figure", "figcaption") or "caption" in (a.get("class") or "").lower()
               for a in (element, *element.iterancestors())):
            continue  # a picture's caption may repeat the lead
        marked = bool(_LEAD_MARK.search(f"{element.get('class', '')} {element.get('id', '')}"))
        found = " ".join(_plain(element).split()).lstrip("-–—: ")
        low, high, enough = (0.5, 2.0, 0.5) if marked else (0.8, 1.25, 0.85)
        if (marked, found) in seen or not low * len(wanted) <= len(found) <= high * len(wanted):
            continue
        seen.add((marked, found))
        if wanted.casefold() in found.casefold() or found.casefold() in wanted.casefold():
            continue  # the same words, with something around them (or fewer)
        matcher = SequenceMatcher(None, wanted.casefold(), found.casefold(), autojunk=False)
        if matcher.real_quick_ratio() >= enough and matcher.quick_ratio() >= enough:
            ratio = matcher.ratio()
            if ratio >= enough and (marked, ratio) > best[:2]:
                best = (marked, ratio, found)
    return newsrules.lead(best[2]) if best[2] else lead
