"""Preflight: a rendered PDF read as a print shop reads it before accepting a file. Blank pages,
pages without a page number, holes (a page left part empty by a picture that moved on), headlines
that end on one word or stand at the foot of a page, widows and orphans of one line, text outside
the page, pictures under 150 dpi at their printed size, fonts not embedded, RGB colour in a PDF/X.

The words and their boxes come from poppler's `pdftotext -bbox-layout`, the pictures' resolutions
and colours from `pdfimages -list`; where pictures stand on the page, the fonts and the PDF's
declarations are read with pikepdf."""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from lxml import etree

from ..errors import UsageError
from ..interface import N_, _

MIN_DPI = 150
TOOLS = ("pdftotext", "pdfimages")


@dataclass(frozen=True)
class Fault:
    """One thing a print shop would send back, on a page (1-based) or for the whole file (None).

    `detail` is in English; `said` keeps the message it was made from (marked for translation)
    and the values put into it, so that `str` says it in the interface's language (see `_fault`)."""

    kind: str
    page: int | None
    detail: str
    said: tuple[str, tuple[tuple[str, object], ...]] | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        detail = self.detail
        if self.said is not None:
            message, values = self.said
            english = message.format(**dict(values))
            # `detail` as made, or with the file's name before it (build names it so)
            if detail.endswith(english):
                detail = detail[: len(detail) - len(english)] + _(message).format(**dict(values))
        return _("page {page}: {detail}").format(page=self.page, detail=detail) if self.page else detail


def _fault(kind: str, page: int | None, message: str, **values: object) -> Fault:
    """A fault whose detail is `message` (English, marked with N_) with `values` put in."""
    return Fault(kind, page, message.format(**values), (message, tuple(values.items())))


@dataclass
class _Line:
    x0: float
    y0: float
    x1: float
    y1: float
    words: list[str]

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass
class _Page:
    number: int
    width: float
    height: float
    lines: list[_Line] = field(default_factory=list)
    pictures: list[tuple[float, float, float, float]] = field(default_factory=list)  # x0, top, x1, bottom

    @property
    def words(self) -> list[str]:
        return [word for line in self.lines for word in line.words]


def _need_tools() -> None:
    for tool in TOOLS:
        if shutil.which(tool) is None:
            raise UsageError(
                _("preflight needs poppler's {tool}, which is not installed").format(tool=tool),
                hint=_("install poppler-utils (Debian, Ubuntu: sudo apt-get install poppler-utils)"),
            )


def _start(command: list[str], into: Path | None = None) -> subprocess.Popen[bytes]:
    """Start one of poppler's tools; its output is read with `_output` (or written `into` a file,
    so that a long one never waits for its reader)."""
    if into is None:
        return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    with into.open("wb") as sink:
        return subprocess.Popen(command, stdout=sink, stderr=subprocess.PIPE)


def _output(process: subprocess.Popen[bytes]) -> bytes:
    out, err = process.communicate()
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, process.args, out, err)
    return out


# How far beyond every page poppler is asked to look: it reads no text outside a page's boxes.
_AROUND = 72.0


def _widen(document: pikepdf.Pdf, scratch: Path) -> Path:
    """A copy of the file whose pages reach `_AROUND` points further on every side, so that
    poppler reads text standing outside a page too."""
    widened = pikepdf.new()
    for page in document.pages:
        widened.pages.append(page)
        copy = widened.pages[-1]
        x0, y0, x1, y1 = (float(v) for v in page.mediabox)
        copy.obj.MediaBox = [x0 - _AROUND, y0 - _AROUND, x1 + _AROUND, y1 + _AROUND]
        for box in ("/CropBox", "/TrimBox", "/BleedBox", "/ArtBox"):
            if box in copy.obj:
                del copy.obj[box]
    widened.save(scratch)
    return scratch


def _read_text(widened: Path, count: int) -> list[tuple[subprocess.Popen[bytes], Path]]:
    """pdftotext started on the widened copy, in two halves that run side by side, each writing
    its words and their boxes to a file beside the copy."""
    half = max(1, (count + 1) // 2)
    ranges = [(1, half), (half + 1, count)] if count > 1 else [(1, count)]
    return [
        (_start(["pdftotext", "-f", str(a), "-l", str(b), "-bbox-layout", str(widened), "-"], into=target), target)
        for a, b in ranges
        for target in [widened.with_name(f"words-{a}.xml")]
    ]


def _pages(readings: list[tuple[subprocess.Popen[bytes], Path]]) -> list[_Page]:
    """Every page's lines of words, as poppler read them, in points from the page's top left.

    Read a page at a time: the words of a 1,000-page volume make 50 MB of XML, ten times that
    as a tree."""
    pages: list[_Page] = []
    for process, target in readings:
        _output(process)
        parser = etree.iterparse(str(target), events=("end",), tag="{*}page", load_dtd=False, no_network=True, huge_tree=True)
        for _event, page in parser:
            found = _Page(len(pages) + 1, float(page.get("width")) - 2 * _AROUND, float(page.get("height")) - 2 * _AROUND)
            for line in page.iter("{*}line"):
                words = [w.text or "" for w in line.iter("{*}word")]
                box = [float(line.get(k)) - _AROUND for k in ("xMin", "yMin", "xMax", "yMax")]
                found.lines.append(_Line(*box, words))
            found.lines.sort(key=lambda line: (round(line.y0), line.x0))
            pages.append(found)
            page.clear()
            while page.getprevious() is not None:
                del page.getparent()[0]
    return pages


def _draws_pictures(resources, memo: dict[tuple[int, int], bool], depth: int = 0) -> bool:  # noqa: ANN001 - a pikepdf dictionary
    """Whether these resources hold a picture, or a form that does (reading every page's
    drawing operators is slow; most pages have no picture). `memo` keeps the answer for each
    form, which many pages share."""
    for xobject in (resources.get("/XObject", {}) if resources is not None else {}).values():
        if xobject.get("/Subtype") == "/Image":
            return True
        if xobject.get("/Subtype") == "/Form" and depth < 6 and _form_draws_pictures(xobject, memo, depth + 1):
            return True
    return False


def _form_draws_pictures(form, memo: dict[tuple[int, int], bool], depth: int) -> bool:  # noqa: ANN001
    if not form.is_indirect:
        return _draws_pictures(form.get("/Resources"), memo, depth)
    if form.objgen not in memo:
        memo[form.objgen] = _draws_pictures(form.get("/Resources"), memo, depth)
    return memo[form.objgen]


def _picture_boxes(page: pikepdf.Page, height: float, memo: dict[tuple[int, int], bool] | None = None) -> Iterator[tuple[float, float, float, float]]:
    """Where the page draws its pictures: (x0, top, x1, bottom) in points from the top left."""
    memo = {} if memo is None else memo

    def walk(stream_owner, resources, matrix: tuple[float, ...], depth: int) -> Iterator[tuple[float, ...]]:
        stack: list[tuple[float, ...]] = []
        current = matrix
        xobjects = resources.get("/XObject", {}) if resources is not None else {}
        for operands, operator in pikepdf.parse_content_stream(stream_owner, "q Q cm Do"):
            name = str(operator)
            if name == "q":
                stack.append(current)
            elif name == "Q" and stack:
                current = stack.pop()
            elif name == "cm":
                current = _multiply(tuple(float(v) for v in operands), current)
            elif name == "Do":
                xobject = xobjects.get(operands[0])
                if xobject is None:
                    continue
                if xobject.get("/Subtype") == "/Image":
                    corners = [_apply(current, x, y) for x, y in ((0, 0), (1, 0), (0, 1), (1, 1))]
                    yield (min(c[0] for c in corners), min(c[1] for c in corners),
                           max(c[0] for c in corners), max(c[1] for c in corners))  # fmt: skip
                elif xobject.get("/Subtype") == "/Form" and depth < 6 and _form_draws_pictures(xobject, memo, depth + 1):
                    inner = tuple(float(v) for v in xobject.get("/Matrix", [1, 0, 0, 1, 0, 0]))
                    yield from walk(xobject, xobject.get("/Resources"), _multiply(inner, current), depth + 1)

    if not _draws_pictures(page.obj.get("/Resources"), memo):
        return
    for x0, y0, x1, y1 in walk(page, page.obj.get("/Resources"), (1, 0, 0, 1, 0, 0), 0):
        box = page.mediabox
        yield x0 - float(box[0]), height - (y1 - float(box[1])), x1 - float(box[0]), height - (y0 - float(box[1]))


def _multiply(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, ...]:
    """The PDF matrix product a × b (a applied first)."""
    a0, a1, a2, a3, a4, a5 = a
    b0, b1, b2, b3, b4, b5 = b
    return (a0 * b0 + a1 * b2, a0 * b1 + a1 * b3, a2 * b0 + a3 * b2, a2 * b1 + a3 * b3,
            a4 * b0 + a5 * b2 + b4, a4 * b1 + a5 * b3 + b5)  # fmt: skip


def _apply(m: tuple[float, ...], x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def preflight(pdf: Path) -> list[Fault]:
    """Every fault a print shop would find in `pdf`."""
    _need_tools()
    try:
        document = pikepdf.open(pdf)
    except pikepdf.PikepdfError:
        raise UsageError(_("is not a PDF pressbook can read"), path=pdf, hint=_("give a PDF file")) from None
    with document, tempfile.TemporaryDirectory(prefix="pressbook-preflight-") as scratch:
        # poppler reads the text and lists the pictures while the pictures' places are found here
        images = _start(["pdfimages", "-list", str(pdf)])
        reading = _read_text(_widen(document, Path(scratch) / "widened.pdf"), len(document.pages))
        memo: dict[tuple[int, int], bool] = {}
        boxes = [list(_picture_boxes(source, float(source.mediabox[3]) - float(source.mediabox[1]), memo)) for source in document.pages]
        pages = _pages(reading)
        for page, found in zip(pages, boxes):
            page.pictures = found
        faults = _page_faults(pages)
        faults += _font_faults(document)
        faults += _picture_faults(_output(images).decode("utf-8", "replace"), document)
        faults += _outside_faults(pages, document)
    return sorted(faults, key=lambda f: (f.page or 0, f.kind))


def pictures(pdf: Path) -> list[tuple[int, tuple[float, float, float, float]]]:
    """Every picture drawn in `pdf`: its page (1-based) and box (x0, top, x1, bottom) in points."""
    memo: dict[tuple[int, int], bool] = {}
    with pikepdf.open(pdf) as document:
        return [
            (number, box)
            for number, page in enumerate(document.pages, start=1)
            for box in _picture_boxes(page, float(page.mediabox[3]), memo)
        ]


def _body_height(pages: list[_Page]) -> float:
    """The height of a line of body text: the height most words stand in."""
    heights: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            heights[round(line.height, 1)] += len(line.words)
    return heights.most_common(1)[0][0] if heights else 0.0


def _page_faults(pages: list[_Page]) -> list[Fault]:
    faults: list[Fault] = []
    body = _body_height(pages)
    bottoms = sorted(max([l.y1 for l in p.lines] + [b[3] for b in p.pictures], default=0) for p in pages)
    full = bottoms[int(len(bottoms) * 0.9)] if bottoms else 0.0  # where a full page's content ends
    for index, page in enumerate(pages):
        following = pages[index + 1] if index + 1 < len(pages) else None
        if not _content(page, body) and not page.pictures:
            faults.append(_fault("blank page", page.number, N_("is blank")))
            continue
        if page.number > 1 and not _numbered(page):
            faults.append(_fault("no page number", page.number, N_("has no page number")))
        faults += _hole(page, following, full, body)
        faults += _headline_faults(page, following, body)
        faults += _widows_and_orphans(page, following, body)
    return faults


def _numbered(page: _Page) -> bool:
    """Whether the page's number stands in its top or bottom margin."""
    label = re.compile(rf"{page.number}(/\d+)?")  # "7", or "7/12" as the print view writes it
    return any(
        any(label.fullmatch(word) for word in line.words) and (line.y0 > page.height * 0.85 or line.y1 < page.height * 0.12)
        for line in page.lines
    )


def _content(page: _Page, body: float) -> list[_Line]:
    """The page's lines but its running head and page number: the small ones in its margins,
    and a number alone at its foot."""

    def furniture(line: _Line) -> bool:
        in_margin = line.y1 < page.height * 0.12 or line.y0 > page.height * 0.88
        return in_margin and (line.height < body * 0.9 or (len(line.words) == 1 and line.words[0].isdigit()))

    return [line for line in page.lines if not furniture(line)]


def _hole(page: _Page, following: _Page | None, full: float, body: float) -> list[Fault]:
    """A page left part empty because the picture at the top of the next one did not fit."""
    if following is None or not following.pictures:
        return []
    lines = _content(page, body)
    bottom = max([line.y1 for line in lines] + [box[3] for box in page.pictures], default=0.0)
    top = min([line.y0 for line in lines] + [box[1] for box in page.pictures], default=0.0)
    text_after = _content(following, body)
    first_text = min((line.y0 for line in text_after), default=following.height)
    picture_first = min(box[1] for box in following.pictures) < first_text
    if picture_first and full > top and (full - bottom) > 0.3 * (full - top):
        empty = round(100 * (full - bottom) / (full - top))
        return [_fault(
            "hole", page.number, N_("is {empty}% empty at the foot: the picture at the top of page {following} did not fit"),
            empty=empty, following=following.number,
        )]  # fmt: skip
    return []


def _headlines(page: _Page, body: float) -> list[list[_Line]]:
    """Runs of lines set larger than the body text: headlines."""
    groups: list[list[_Line]] = []
    for line in _content(page, body):
        if body and line.height > body * 1.3:
            if groups and groups[-1][-1].y1 + body >= line.y0 and groups[-1][-1] is not line:
                groups[-1].append(line)
            else:
                groups.append([line])
    return groups


def _headline_faults(page: _Page, following: _Page | None, body: float) -> list[Fault]:
    faults = []
    lines = _content(page, body)
    for group in _headlines(page, body):
        if len(group) > 1 and len(group[-1].words) == 1:
            word = group[-1].words[0]
            faults.append(_fault("headline runt", page.number, N_("a headline ends on one word: '{word}'"), word=word))
        after = [line for line in lines if line.y0 > group[-1].y1 and line.height <= body * 1.3]
        if following is not None and len(after) < 2 and group[-1].y1 > page.height * 0.6:
            title = " ".join(w for line in group for w in line.words)[:60]
            said = N_("the headline '{title}' stands at the foot of the page")
            faults.append(_fault("headline at foot", page.number, said, title=title))
    return faults


_LEADER = re.compile(r"\.\s?\.\s?\.")


def _contents(page: _Page) -> bool:
    """Whether the page is part of a table of contents (its entries' dots)."""
    return sum(1 for line in page.lines if _LEADER.search(" ".join(line.words))) >= 3


def _body_lines(page: _Page, body: float) -> list[_Line]:
    # Body text, but for headings set in capitals and lines of a table (several numbers).
    return [
        line for line in _content(page, body)
        if body and abs(line.height - body) < body * 0.12 and not _LEADER.search(" ".join(line.words))
        and not _capitals(" ".join(line.words))
    ]


def _capitals(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) > 1 and all(ch.isupper() for ch in letters)


def _starts(lines: list[_Line], body: float, after: tuple[_Line, float] | None = None) -> list[bool]:
    """For each body line, whether it begins a paragraph: indented, or after a gap. The first
    line begins one if it is indented or the line before it (`after`, on the page before, with
    the right edge of its measure) stops well short of the measure."""
    left = min(line.x0 for line in lines)
    pitch = statistics.median([b.y0 - a.y0 for a, b in zip(lines, lines[1:]) if b.y0 > a.y0] or [body * 1.4])
    found = []
    for index, line in enumerate(lines):
        indented = line.x0 > left + 3
        if index:
            found.append(indented or line.y0 - lines[index - 1].y0 > pitch * 1.35)
        else:
            found.append(indented or (after is not None and after[0].x1 < after[1] - 2 * body))
    return found


def _widows_and_orphans(page: _Page, following: _Page | None, body: float) -> list[Fault]:
    """A paragraph's first line alone at the foot of a page (an orphan), or its last line alone at
    the top of the next (a widow). Single-column pages only."""
    if following is None or _contents(page) or _contents(following):
        return []  # a contents entry is no paragraph: its second line hangs, its first does not
    here, there = _body_lines(page, body), _body_lines(following, body)
    if len(here) < 2 or len(there) < 2 or _columns(here) > 1 or _columns(there) > 1:
        return []
    here_starts = _starts(here, body)
    there_starts = _starts(there, body, after=(here[-1], max(line.x1 for line in here)))
    faults = []
    if here_starts[-1] and not there_starts[0] and here[-1].y0 > page.height * 0.6:
        said = N_("a paragraph's first line is alone at the foot: '{line}'")
        faults.append(_fault("orphan", page.number, said, line=" ".join(here[-1].words)[:50]))
    if not there_starts[0] and there_starts[1]:
        said = N_("a paragraph's last line is alone at the top: '{line}'")
        faults.append(_fault("widow", following.number, said, line=" ".join(there[0].words)[:50]))
    return faults


def _columns(lines: list[_Line]) -> int:
    """How many columns the lines stand in (by where they begin)."""
    lefts = sorted({round(line.x0 / 20) for line in lines})
    return len([x for i, x in enumerate(lefts) if i == 0 or x - lefts[i - 1] > 3])


def _font_faults(document: pikepdf.Pdf) -> list[Fault]:
    faults, seen, read, forms = [], set(), set(), set()
    for number, page in enumerate(document.pages, start=1):
        for font in _fonts(page.obj.get("/Resources"), forms):
            if font.is_indirect:  # pages share their fonts: each is read once
                if font.objgen in read:
                    continue
                read.add(font.objgen)
            name = str(font.get("/BaseFont", "?"))
            if name in seen or font.get("/Subtype") == "/Type3":
                continue
            target = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = target.get("/FontDescriptor", {})
            if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                seen.add(name)
                faults.append(_fault("font not embedded", number, N_("the font {name} is not embedded"), name=name.lstrip("/")))
    return faults


def _fonts(resources, forms: set[tuple[int, int]], depth: int = 0) -> Iterator[pikepdf.Dictionary]:  # noqa: ANN001
    """The fonts these resources name, and those of their forms (each form once: pages share them)."""
    if resources is None:
        return
    yield from (resources.get("/Font") or {}).values()
    if depth < 6:
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.get("/Subtype") == "/Form":
                if xobject.is_indirect:
                    if xobject.objgen in forms:
                        continue
                    forms.add(xobject.objgen)
                yield from _fonts(xobject.get("/Resources"), forms, depth + 1)


def _is_pdf_x(document: pikepdf.Pdf) -> bool:
    """Whether the file says it is a PDF/X (by an output intent, or in its XMP metadata)."""
    intents = document.Root.get("/OutputIntents", [])
    if any(intent.get("/S") == "/GTS_PDFX" for intent in intents):
        return True
    try:
        return bool(document.open_metadata().get("pdfxid:GTS_PDFXVersion"))
    except (pikepdf.PikepdfError, ValueError):
        return False


def _picture_faults(listing_text: str, document: pikepdf.Pdf) -> list[Fault]:
    """Pictures under MIN_DPI at their printed size (`pdfimages -list` says); in a PDF/X,
    pictures in RGB."""
    listing = listing_text.splitlines()[2:]
    pdf_x = _is_pdf_x(document)
    faults = []
    for row in listing:
        cells = row.split()
        if len(cells) < 14 or cells[2] not in ("image", "stencil"):
            continue
        page, width, height, colour = int(cells[0]), int(cells[3]), int(cells[4]), cells[5]
        dpi = min(float(cells[12]), float(cells[13]))
        if dpi < MIN_DPI:
            faults.append(_fault(
                "low resolution", page, N_("a {width}×{height} picture prints at {dpi:.0f} dpi (under {minimum})"),
                width=width, height=height, dpi=dpi, minimum=MIN_DPI,
            ))  # fmt: skip
        if pdf_x and colour == "rgb":
            faults.append(_fault(
                "rgb colour", page, N_("a {width}×{height} picture is in RGB in a PDF/X file (print shops want CMYK or grey)"),
                width=width, height=height,
            ))  # fmt: skip
    if pdf_x:
        for number, page in enumerate(document.pages, start=1):
            if any(str(op) in ("rg", "RG") for _operands, op in pikepdf.parse_content_stream(page)):
                faults.append(_fault("rgb colour", number, N_("text or rules are in RGB in a PDF/X file")))
    return faults


def _outside_faults(pages: list[_Page], document: pikepdf.Pdf) -> list[Fault]:
    faults = []
    for page, source in zip(pages, document.pages):
        media = [float(v) for v in source.mediabox]
        trim = [float(v) for v in source.obj.get("/TrimBox", source.mediabox)]
        left, right = trim[0] - media[0], trim[2] - media[0]
        top, bottom = (media[3] - trim[3]), (media[3] - trim[1])
        for line in page.lines:
            if line.x0 < left - 0.5 or line.x1 > right + 0.5 or line.y0 < top - 0.5 or line.y1 > bottom + 0.5:
                said = N_("text stands outside the page: '{line}'")
                faults.append(_fault("outside the page", page.number, said, line=" ".join(line.words)[:50]))
    return faults
