"""Word documents (.docx) sent by correspondents. mammoth turns the document into HTML, with the
paragraph styles that matter named in STYLE_MAP; that HTML is read here block by block into
Markdown. Title, dateline, lead and byline are found as in a scraped page (scraped.py's rules);
embedded pictures are checked like any other picture and copied into images/.

A .docx is a zip archive written by whoever sent it: wordfile.py checks it before anything is
unpacked; here, pictures it only links to are never fetched, and no name inside it is ever used
as a path."""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import mammoth
from lxml import etree
from mammoth.docx.files import InvalidFileReferenceError

from .. import images, text
from ..articles import parse_date
from ..cache import cache_dir
from ..config import Project
from ..errors import ImportSourceError, PressbookError, Problem
from ..files import write_atomic
from ..interface import N_, _
from . import Draft, ImportOptions, charsets, escape_markdown, has_lead_tag, newsrules, parse_byline, wordfile
from .scraped import _KEYWORDS, is_dateline, read_dateline


# The paragraph styles that carry meaning, by name (Word writes the English names of its own
# styles into the file whatever the language of its menus; mammoth compares them ignoring case).
# mammoth's own map (headings, lists, notes) applies after these.
STYLE_MAP = """
p[style-name='Title'] => h1.title:fresh
p[style-name='Subtitle'] => p.subtitle:fresh
p[style-name='Caption'] => p.caption:fresh
p[style-name='Quote'] => blockquote > p:fresh
p[style-name='Intense Quote'] => blockquote > p:fresh
"""

_BREAK = "\x00"  # a line break inside a paragraph, until the paragraph is written out
_CALL = "\x01"  # around the id of a footnote called from the text, until notes are numbered
_NOTE_ID = re.compile(r"^(?:footnote|endnote)-(-?\d+)$")
_CAPTION = re.compile(r"^Ảnh\s*:|^Ảnh minh h(?:ọa|oạ)", re.IGNORECASE)
# Alt text that only repeats a file name, or was written by Word rather than a person.
_MACHINE_ALT = re.compile(
    r"\.(?:jpe?g|png|gif|webp|bmp|tiff?|emf|wmf)$|description automatically generated|mô tả được tạo tự động",
    re.IGNORECASE,
)
_SUPERSCRIPTS = str.maketrans("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ")
_SUBSCRIPTS = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", ".png"), (b"\xff\xd8\xff", ".jpg"), (b"GIF87a", ".gif"), (b"GIF89a", ".gif"))


# --- the pictures ----------------------------------------------------------------------------


@dataclass
class _Picture:
    """A picture of the document: a checked copy in the cache, or why it was left out."""

    local: Path | None = None
    alt: str = ""
    refused: tuple[str, dict[str, object]] | None = None  # an English reason and its values


class _Pictures:
    """mammoth's image converter: each picture is read from the archive (never from a link),
    checked with images.verify and kept in the project's cache until the import copies it."""

    def __init__(self, project: Project) -> None:
        self.folder = cache_dir(project.root) / "docx-pictures"
        self.found: list[_Picture] = []

    def __call__(self, image) -> dict[str, str]:  # type: ignore[no-untyped-def]
        alt = " ".join((image.alt_text or "").split())
        picture = _Picture(alt="" if _MACHINE_ALT.search(alt) else alt)
        self.found.append(picture)
        try:
            with image.open() as stream:
                data = stream.read(images.MAX_IMAGE_BYTES + 1)
        except InvalidFileReferenceError as exc:
            target = re.search(r"'([^']*)'", str(exc))
            picture.refused = (N_("is linked to '{target}' instead of being saved in the document"),
                               {"target": (target.group(1) if target else "?")[:80]})  # fmt: skip
            return {"src": f"picture:{len(self.found) - 1}"}
        except Exception as exc:  # noqa: BLE001 - a damaged part raises whatever zipfile and zlib raise
            picture.refused = (N_("cannot be read from the document ({reason})"), {"reason": str(exc)[:120]})
            return {"src": f"picture:{len(self.found) - 1}"}
        picture.refused = self._keep(picture, data, image.content_type or "")
        return {"src": f"picture:{len(self.found) - 1}"}

    def _keep(self, picture: _Picture, data: bytes, content_type: str) -> tuple[str, dict[str, object]] | None:
        if len(data) > images.MAX_IMAGE_BYTES:
            return N_("is larger than {limit} MB"), {"limit": images.MAX_IMAGE_BYTES // 1024 // 1024}
        suffix = next((s for magic, s in _SIGNATURES if data.startswith(magic)), None)
        if suffix is None and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            suffix = ".webp"
        if suffix is None:
            kind = content_type.rpartition("/")[2].removeprefix("x-").upper()
            if not kind or kind in ("PNG", "JPEG", "JPG", "GIF", "WEBP"):
                return N_("is not a picture (its content is not PNG, JPEG, GIF or WebP)"), {}
            return N_("is in {kind} format, not PNG, JPEG, GIF or WebP (save it as PNG or JPEG)"), {"kind": kind[:20]}
        # Named by its content, never by the name it has inside the archive; written each time
        # (what is in the cache is never trusted).
        local = self.folder / f"{hashlib.sha256(data).hexdigest()}{suffix}"
        write_atomic(local, data)
        try:
            images.verify(local)
        except images.ImageRefused as refused:
            local.unlink(missing_ok=True)
            return refused.message, refused.values
        picture.local = local
        return None


# --- the body --------------------------------------------------------------------------------


@dataclass
class _Run:
    markdown: str
    plain: str


@dataclass
class _Block:
    kind: str  # title, heading, subtitle, caption, paragraph, quote, list, table, picture
    markdown: str = ""
    plain: str = ""
    level: int = 0  # of a heading
    bold: bool = False  # every letter of the paragraph is bold
    picture: int = -1  # of a picture block: its index among the document's pictures
    caption: str = ""


def _finish(markdown: str, *, breaks: bool = True) -> str:
    """One paragraph's Markdown: spaces collapsed, line breaks made hard breaks (or spaces)."""
    markdown = re.sub(rf"\s*{_BREAK}[\s{_BREAK}]*", _BREAK, " ".join(markdown.split())).strip(f"{_BREAK} ")
    lines = markdown.split(_BREAK) if breaks else [" ".join(markdown.split(_BREAK))]
    return "\\\n".join(_plain_line(line) for line in lines)


def _plain_line(line: str) -> str:
    """A line of text that Markdown would take for something else (a rule, a heading underline,
    an empty list item or heading, a code fence) made to stand as text."""
    if re.fullmatch(r"[-=+#]+|-(?:\s*-){2,}|~~~.*", line.strip()):
        return "\\" + line
    return re.sub(r"^(\s*\d+)([.)])\s*$", r"\1\\\2", line)


def _merge(runs: list[_Run | int]) -> list[_Run | int]:
    merged: list[_Run | int] = []
    for run in runs:
        if isinstance(run, _Run) and merged and isinstance(merged[-1], _Run):
            merged[-1] = _Run(merged[-1].markdown + run.markdown, merged[-1].plain + run.plain)
        elif not isinstance(run, _Run) or run.markdown:
            merged.append(run)
    return merged


def _wrapped(runs: list[_Run | int], mark: str) -> list[_Run | int]:
    """Runs set in bold, italic or struck out, the marks inside the spaces around them."""
    out: list[_Run | int] = []
    for run in runs:
        if isinstance(run, _Run) and run.plain.strip():
            inner = run.markdown.strip(f" \t\n{_BREAK}")
            start = run.markdown.index(inner[0]) if inner else 0
            before, after = run.markdown[:start], run.markdown[start + len(inner) :]
            run = _Run(f"{before}{mark}{inner}{mark}{after}", run.plain)
        out.append(run)
    return out


def _scripted(runs: list[_Run | int], table: dict[int, int]) -> list[_Run | int]:
    """Superscript or subscript: 'm<sup>2</sup>' is 'm²' where Unicode has the characters."""
    out: list[_Run | int] = []
    for run in runs:
        if isinstance(run, _Run) and run.plain.strip() and run.plain.translate(table) != run.plain:
            moved = run.plain.strip().translate(table)
            if all(ord(c) > 127 for c in moved):
                run = _Run(moved, moved)
        out.append(run)
    return out


def _classes(element: etree._Element) -> set[str]:
    return set((element.get("class") or "").split())


def _all_bold(element: etree._Element) -> bool:
    letters = "".join(t for t in element.xpath(".//text()[not(ancestor::sup)]")).split()
    bold = "".join(t for t in element.xpath(".//text()[ancestor::strong][not(ancestor::sup)]")).split()
    return bool(letters) and "".join(letters) == "".join(bold)


class _Reader:
    """Walks mammoth's HTML and keeps each block as Markdown and plain text."""

    def __init__(self) -> None:
        self.blocks: list[_Block] = []
        self.notes: dict[str, str] = {}  # note id -> its Markdown

    # inline ---------------------------------------------------------------------------------

    def runs(self, element: etree._Element, skip: tuple[str, ...] = ()) -> list[_Run | int]:
        out: list[_Run | int] = []
        if element.text:
            out.append(_Run(escape_markdown(element.text), element.text))
        for child in element:
            if child.tag not in skip:
                out += self._inline(child)
            if child.tail:
                out.append(_Run(escape_markdown(child.tail), child.tail))
        return _merge(out)

    def _inline(self, child: etree._Element) -> list[_Run | int]:
        tag = child.tag
        if tag == "img":
            index = re.fullmatch(r"picture:(\d+)", child.get("src") or "")
            return [int(index.group(1))] if index else []
        if tag == "br":
            return [_Run(_BREAK, " ")]
        if tag in ("strong", "b"):
            return _wrapped(self.runs(child), "**")
        if tag in ("em", "i"):
            return _wrapped(self.runs(child), "*")
        if tag in ("s", "del", "strike"):
            return _wrapped(self.runs(child), "~~")
        if tag == "sup":
            call = child.find("a")
            note = _NOTE_ID.match((call.get("href") or "").lstrip("#")) if call is not None else None
            if note:
                return [_Run(f"{_CALL}{note.group(0)}{_CALL}", "")]
            return _scripted(self.runs(child), _SUPERSCRIPTS)
        if tag == "sub":
            return _scripted(self.runs(child), _SUBSCRIPTS)
        if tag == "a" and (child.get("href") or "").startswith("#") and "".join(child.itertext()).strip() == "↑":
            return []  # mammoth's way back from a note to its call
        if tag in ("p", "li", "ul", "ol", "table", "tr", "td", "th", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"):
            return [_Run(" ", " "), *self.runs(child), _Run(" ", " ")]  # blocks inside a cell or a note
        return self.runs(child)

    # blocks ---------------------------------------------------------------------------------

    def walk(self, parent: etree._Element) -> None:
        for element in parent:
            tag, classes = element.tag, _classes(element)
            if tag == "h1" and "title" in classes:
                self._paragraph(element, "title")
            elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                self._paragraph(element, "heading", level=int(tag[1]))
            elif tag == "p":
                kind = "subtitle" if "subtitle" in classes else "caption" if "caption" in classes else "paragraph"
                self._paragraph(element, kind)
            elif tag == "blockquote":
                self._quote(element)
            elif tag in ("ul", "ol"):
                if self._is_notes(element):
                    self._notes(element)
                else:
                    self._list(element)
            elif tag == "table":
                self._table(element)
            elif isinstance(tag, str):
                self._paragraph(element, "paragraph")

    def _paragraph(self, element: etree._Element, kind: str, level: int = 0) -> None:
        runs = self.runs(element)
        bold = not any(isinstance(r, int) for r in runs) and _all_bold(element)
        for run in runs:
            if isinstance(run, int):
                self.blocks.append(_Block("picture", picture=run))
                continue
            plain = " ".join(run.plain.split())
            markdown = _finish(run.markdown, breaks=kind in ("paragraph", "quote", "caption"))
            if plain or markdown.strip(f"{_CALL} "):
                self.blocks.append(_Block(kind, markdown, plain, level=level, bold=bold))

    def _quote(self, element: etree._Element) -> None:
        start = len(self.blocks)
        self.walk(element)
        inside, self.blocks[start:] = self.blocks[start:], []
        texts = [b for b in inside if b.kind != "picture"]
        if texts:
            markdown = "\n>\n".join("> " + b.markdown.replace("\n", "\n> ") for b in texts)
            self.blocks.append(_Block("quote", markdown, " ".join(b.plain for b in texts)))
        self.blocks += [b for b in inside if b.kind == "picture"]

    @staticmethod
    def _is_notes(element: etree._Element) -> bool:
        items = [li for li in element if li.tag == "li"]
        return bool(items) and all(_NOTE_ID.match(li.get("id") or "") for li in items)

    def _notes(self, element: etree._Element) -> None:
        for item in element:
            words = [r for r in self.runs(item) if isinstance(r, _Run)]
            markdown = _finish("".join(r.markdown for r in words), breaks=False)
            self.notes[item.get("id") or ""] = re.sub(rf"{_CALL}[^{_CALL}]*{_CALL}", "", markdown).strip()

    def _list(self, element: etree._Element) -> None:
        pictures: list[int] = []
        lines, plain = self._list_lines(element, "", pictures)
        if lines:
            self.blocks.append(_Block("list", "\n".join(lines), plain))
        self.blocks += [_Block("picture", picture=p) for p in pictures]

    def _list_lines(self, element: etree._Element, indent: str, pictures: list[int]) -> tuple[list[str], str]:
        ordered = element.tag == "ol"
        number = 1
        lines: list[str] = []
        plains: list[str] = []
        for item in element:
            if item.tag != "li":
                continue
            runs = self.runs(item, skip=("ul", "ol"))
            pictures += [r for r in runs if isinstance(r, int)]
            words = [r for r in runs if isinstance(r, _Run)]
            markdown = _finish("".join(r.markdown for r in words))
            nested = [child for child in item if child.tag in ("ul", "ol")]
            if not markdown and not nested:
                continue
            marker = f"{number}. " if ordered else "- "
            number += 1
            hang = indent + " " * len(marker)
            lines.append(indent + marker + markdown.replace("\n", "\n" + hang))
            plains.append(" ".join("".join(r.plain for r in words).split()))
            for child in nested:
                more, plain = self._list_lines(child, hang, pictures)
                lines += more
                plains.append(plain)
        return lines, " ".join(p for p in plains if p)

    def _table(self, element: etree._Element) -> None:
        rows = element.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")
        grid: list[list[etree._Element | None]] = []
        spans: dict[int, tuple[int, etree._Element | None]] = {}  # column -> rows still covered
        for row in rows:
            cells: list[etree._Element | None] = []
            for cell in row.xpath("./td | ./th"):
                while len(cells) in spans:
                    cells.append(None)
                    self._shorten(spans, len(cells) - 1)
                width = _span(cell.get("colspan"))
                height = _span(cell.get("rowspan"))
                for extra in range(width):
                    if height > 1:
                        spans[len(cells)] = (height - 1, None)
                    cells.append(cell if extra == 0 else None)
            while len(cells) in spans:
                cells.append(None)
                self._shorten(spans, len(cells) - 1)
            grid.append(cells)
        width = max((len(r) for r in grid), default=0)
        grid = [r + [None] * (width - len(r)) for r in grid]
        if width < 2 or element.xpath(".//img"):
            # A table that only lays out a picture and its caption, or text in one column:
            # its cells are read as blocks, column by column (a picture above its caption).
            for column in range(width):
                for row in grid:
                    if row[column] is not None:
                        self.walk(row[column])  # type: ignore[arg-type]
            return
        table = [[self._cell(c) for c in row] for row in grid]
        table = [row for row in table if any(cell[0] for cell in row)]
        if not table:
            return
        lines = ["| " + " | ".join(c[0] for c in table[0]) + " |", "|" + " --- |" * width]
        lines += ["| " + " | ".join(c[0] for c in row) + " |" for row in table[1:]]
        self.blocks.append(_Block("table", "\n".join(lines), " ".join(c[1] for row in table for c in row if c[1])))

    @staticmethod
    def _shorten(spans: dict[int, tuple[int, etree._Element | None]], column: int) -> None:
        left, cell = spans[column]
        if left <= 1:
            del spans[column]
        else:
            spans[column] = (left - 1, cell)

    def _cell(self, cell: etree._Element | None) -> tuple[str, str]:
        if cell is None:
            return "", ""
        words = [r for r in self.runs(cell) if isinstance(r, _Run)]
        markdown = _finish("".join(r.markdown for r in words), breaks=False).replace("|", "\\|")
        return markdown, " ".join("".join(r.plain for r in words).split())


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 64))
    except ValueError:
        return 1


# --- the article -----------------------------------------------------------------------------


def _convert(data: bytes, path: Path, pictures: _Pictures, notes: list[str]) -> etree._Element:
    """mammoth's HTML for the document, cleaned (NFC, stray marks: said in `notes`), as an
    element tree."""
    try:
        result = mammoth.convert_to_html(
            io.BytesIO(data), style_map=STYLE_MAP, convert_image=mammoth.images.img_element(pictures),
            include_embedded_style_map=False, external_file_access=False, id_prefix="",
        )  # fmt: skip
    except PressbookError:
        raise  # a picture that could not be kept in the cache (a full disk): said as it is
    except Exception as exc:  # noqa: BLE001 - a damaged document makes mammoth raise all kinds
        reason = f"{type(exc).__name__}: {exc}"[:160]
        raise wordfile.refuse(_("cannot be read as a Word document ({reason})").format(reason=reason), path) from None
    # Text typed for a legacy font (.VnTime, VNI-Times) reads as Latin letters: said in Unicode.
    converted, legacy = charsets.from_legacy_fonts(result.value)
    if legacy:
        notes.append(_("detected encoding: {encoding}").format(encoding=legacy))
    cleaned = text.clean(converted)
    notes += [finding.describe() for finding in cleaned.findings]
    html = cleaned.text
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(f"<body>{html}</body>".encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        raise wordfile.refuse(_("cannot be read as a Word document ({reason})").format(reason=exc), path) from None


def _is_dateline(block: _Block) -> bool:
    return block.kind in ("paragraph", "subtitle", "heading", "caption") and is_dateline(block.plain)


def _title_at(blocks: list[_Block], dateline: int | None) -> int | None:
    """Where the title is: the paragraph styled Title; else a Heading 1 that opens the document;
    else the first paragraph."""
    styled = next((i for i, b in enumerate(blocks) if b.kind == "title"), None)
    if styled is not None:
        return styled
    texts = [i for i, b in enumerate(blocks) if b.kind != "picture" and b.plain and i != dateline]
    first_heading = next((i for i in texts if blocks[i].kind == "heading" and blocks[i].level == 1), None)
    if first_heading is not None and texts.index(first_heading) <= 1:  # after a kicker, at most
        return first_heading
    lines = [i for i in texts if blocks[i].kind in ("paragraph", "heading", "quote", "caption")]
    return (lines or texts or [None])[0]


def draft(data: bytes, *, path: Path, project: Project, options: ImportOptions) -> Draft:
    """A draft article from the bytes of a Word document (.docx)."""
    config = project.config
    with wordfile.archive(data, path) as archive:
        created = wordfile.created(archive, path)
    pictures = _Pictures(project)
    warnings: list[str] = []
    notes: list[str] = []
    reader = _Reader()
    reader.walk(_convert(data, path, pictures, notes))
    blocks = reader.blocks

    # Each picture takes the caption under it: a paragraph styled Caption, or one starting "Ảnh:".
    paired: list[_Block] = []
    for block in blocks:
        last = paired[-1] if paired else None
        if (
            last is not None and last.kind == "picture" and not last.caption and block.plain
            and (block.kind == "caption" or block.kind == "paragraph" and _CAPTION.match(block.plain))
        ):  # fmt: skip
            last.caption = block.plain
            continue
        paired.append(block)
    blocks = paired
    for block in blocks:
        if block.kind == "picture":
            picture = pictures.found[block.picture]
            block.caption = block.caption or picture.alt
            if picture.refused:
                message, values = picture.refused
                label = f"{block.picture + 1}" + (f" ('{block.caption[:60]}')" if block.caption else "")
                reason = _(message).format(**values) if values else _(message)
                warnings.append(_("picture {picture} {reason}; left out").format(picture=label, reason=reason))
    blocks = [b for b in blocks if b.kind != "picture" or pictures.found[b.picture].local is not None]

    if not any(b.kind != "picture" and b.plain for b in blocks):
        if not any(b.kind == "picture" for b in blocks):
            # Said with what was left out: a document of linked pictures is not "empty".
            raise ImportSourceError(problems=[
                Problem(_("has no article text that could be found"), path=path, hint=_("is it the right file?")),
                *(Problem(warning, path=path, severity="warning") for warning in warnings),
            ])  # fmt: skip
        title = " ".join(path.stem.replace("_", " ").split())
        warnings.append(_("has no text; its file name became the title"))
        title_at = dateline_at = None
    else:
        dateline_at = next((i for i, b in enumerate(blocks[:7]) if b.kind != "title" and _is_dateline(b)), None)
        title_at = _title_at(blocks, dateline_at)
        assert title_at is not None
        title = blocks[title_at].plain
        if blocks[title_at].kind not in ("title", "heading") and (
            len(title) > 300 or title.endswith((".", ";")) and len(title.split()) > 30
        ):
            raise ImportSourceError(
                _("has no title line: its first line is a paragraph"), path=path,
                hint=_("put the article's title on the first line"),
            )  # fmt: skip

    # A short line alone before the title is its kicker: the section.
    before = [i for i in range(title_at or 0) if i != dateline_at]
    kicker = None
    if len(before) == 1 and blocks[before[0]].kind == "paragraph" and len(blocks[before[0]].plain.split()) <= 8:
        kicker = blocks[before[0]].plain
    elif any(blocks[i].kind != "picture" for i in before):
        warnings.append(_("the text before the title was kept at the start of the body; check it"))
    used = {title_at, dateline_at, *(before if kicker else ())}
    rest = [b for i, b in enumerate(blocks) if i not in used]

    moment, views = _date(blocks[dateline_at].plain if dateline_at is not None else None, path=path,
                          project=project, options=options, created=created, warnings=warnings)  # fmt: skip

    tags: list[str] = []
    kept: list[_Block] = []
    for block in rest:
        keywords = _KEYWORDS.match(block.plain) if block.kind == "paragraph" else None
        if keywords:
            tags += [t.strip() for t in re.split(r"[,;]", keywords.group(1)) if t.strip()]
        else:
            kept.append(block)
    rest = kept

    # The byline: the last paragraph, or a name right under the title (scraped.py's rules).
    author = affiliation = source = None
    texts = [i for i, b in enumerate(rest) if b.kind != "picture"]
    last = rest[texts[-1]] if texts else None
    if last is not None and last.kind == "paragraph" and texts[-1] == len(rest) - 1:
        byline = parse_byline(last.plain)
        credit = newsrules.credit(last.plain) if re.match(r"(?i)(?:theo|nguồn)\b", last.plain) else None
        if credit is not None:  # "Theo Quang Phong (Báo Điện Biên Phủ)": a writer and a source
            author, source, rest = credit.author, credit.source, rest[:-1]
        elif byline and not has_lead_tag(last.plain):
            (author, affiliation), rest = byline, rest[:-1]
    if author is None and rest and rest[0].kind == "paragraph" and 2 <= len(rest[0].plain.split()) <= 4:
        byline = parse_byline(rest[0].plain)
        if byline and not has_lead_tag(rest[0].plain) and not re.search(r"\d", rest[0].plain):
            (author, affiliation), rest = byline, rest[1:]

    # The lead: a paragraph styled Subtitle, else the first paragraph when it starts with a tag
    # such as 'ĐBP - ' (kept as written) or is bold throughout.
    lead = None
    opening = next((b for b in rest if b.kind not in ("picture", "caption", "subtitle")), None)
    subtitle = next((b for b in rest[: rest.index(opening) if opening else None] if b.kind == "subtitle"), None)
    first = next((b for b in rest if b.kind != "picture"), None)
    if subtitle is not None:
        lead = subtitle.plain
        rest = [b for b in rest if b is not subtitle]
    elif first is not None and first.kind == "paragraph" and (has_lead_tag(first.plain) or first.bold):
        lead = first.plain
        rest = [b for b in rest if b is not first]

    body, images_ = _body(rest, pictures.found, reader.notes, title=title, warnings=warnings)
    fields = {
        "title": title,
        "date": moment,
        "section": options.section or kicker or config.edition.default_section,
        "author": author,
        "affiliation": affiliation,
        "source": source,
        "lead": lead,
        "tags": tuple(dict.fromkeys(tags)),
        "views": views,
    }
    return Draft(fields=fields, body=body, notes=tuple(notes), images=tuple(images_), warnings=tuple(warnings))


def _date(
    dateline: str | None, *, path: Path, project: Project, options: ImportOptions, created: str | None,
    warnings: list[str],
) -> tuple[datetime, int | None]:
    """The article's moment (scraped.py's rules: --date, when given, is the date) and views."""
    tz = project.config.tz
    moment = views = ignored = None
    if dateline is not None:
        moment, views, ignored, weekday = read_dateline(dateline)
        if weekday:
            warnings.append(weekday)
    if options.date:
        given = parse_date(options.date, tz)
        if ignored:
            warnings.append(_("{ignored}; used --date {date} instead").format(ignored=ignored, date=options.date))
        elif moment is not None and moment.date() != given.date():
            warnings.append(_("the dateline says {written}; used --date {date} instead").format(
                written=f"{moment:%d/%m/%Y}", date=options.date))  # fmt: skip
        return given, views
    if ignored:
        raise ImportSourceError(
            ignored, path=path, hint=_("correct the dateline, or give the real date with --date YYYY-MM-DD")
        )
    if moment is None:
        hint = _("give it with --date YYYY-MM-DD")
        if created:
            hint = _("give it with --date YYYY-MM-DD; Word says the file was created on {created}, which need not be the story's date").format(created=created)  # fmt: skip
        raise ImportSourceError(
            _("has no publication date: no dateline like '08:48 - Thứ Tư, 04/01/2017' in its text"), path=path,
            field="date", hint=hint,
        )  # fmt: skip
    return moment.replace(tzinfo=tz), views


def _body(
    blocks: list[_Block], pictures: list[_Picture], notes: dict[str, str], *, title: str, warnings: list[str]
) -> tuple[str, list[tuple[Path, str]]]:
    """The Markdown body: headings under the title, pictures in images/, notes numbered at the end."""
    slug = text.slugify(title, max_length=40)
    kept: list[tuple[Path, str]] = []
    levels = sorted({b.level for b in blocks if b.kind in ("heading", "title")})
    parts: list[str] = []
    for block in blocks:
        if block.kind == "picture":
            local = pictures[block.picture].local
            assert local is not None
            name = f"{slug}-{len(kept) + 1}{local.suffix}"
            kept.append((local, name))
            parts.append(f"![{escape_markdown(block.caption)}](images/{name})")
        elif block.kind in ("heading", "title"):
            depth = min(2 + levels.index(block.level), 4)
            parts.append("#" * depth + " " + block.markdown)
        else:
            parts.append(block.markdown)
    body = "\n\n".join(p for p in parts if p.strip())

    numbers: dict[str, int] = {}  # notes that have words, numbered in the order they are called
    for call in re.finditer(rf"{_CALL}([^{_CALL}]*){_CALL}", body):
        if notes.get(call.group(1)):
            numbers.setdefault(call.group(1), len(numbers) + 1)
    body = re.sub(rf"{_CALL}([^{_CALL}]*){_CALL}", lambda m: f"[^{numbers[m.group(1)]}]" if m.group(1) in numbers else "", body)  # fmt: skip
    definitions = [f"[^{n}]: {notes[note]}" for note, n in numbers.items()]
    for note, words in notes.items():
        if words and note not in numbers:
            # Called from the title, the lead or the byline: kept, at the end, as text.
            warnings.append(_("a note on the title, lead or byline was put at the end of the body: '{note}'").format(note=words[:60]))  # fmt: skip
            body += "\n\n" + words
    if definitions:
        body += "\n\n" + "\n".join(definitions)
    return body, kept
