"""Imposition with pikepdf: an edition's pages laid two to a sheet side, as a saddle-stitched
booklet (fold the stack and staple) or two consecutive pages per side (cut and stack). Pages stay
vector: each is placed as a form, so text stays text and fonts are embedded once."""

from __future__ import annotations

import math
import re
from io import BytesIO
from pathlib import Path
from typing import Literal, get_args

import pikepdf

from ..errors import UsageError
from ..interface import N_, _

Mode = Literal["booklet", "2up"]
MODES: tuple[str, ...] = get_args(Mode)
Side = tuple["int | None", "int | None"]  # (left page, right page), 0-based; None is blank

PRINTING_GUIDE = {
    "booklet": N_(
        "Print two-sided, flip on short edge; landscape paper; scale 100% (actual size). "
        "Stack the sheets in the order they come out, fold the stack in half and staple on the fold."
    ),
    "signatures": N_(
        "Print two-sided, flip on short edge; landscape paper; scale 100% (actual size). "
        "Take the sheets in groups of {sheets} as they come out, fold each group in half, lay the folded "
        "groups on top of each other in order and bind them along the folds (sew, glue, or staple through the side)."
    ),
    "2up": N_(
        "Print two-sided, flip on short edge; landscape paper; scale 100% (actual size). "
        "Cut each sheet in half down the middle, then lay the left halves on top of the right halves."
    ),
}


def booklet_sides(pages: int, signature: int | None = None) -> list[Side]:
    """Sheet sides (front, back, front, back, ...) of a saddle-stitched booklet of `pages` pages.

    Blank pages pad the count to a multiple of four and go before the back cover. With
    `signature`, the booklet is made of folded groups of that many sheets."""
    if pages < 1:
        raise UsageError(_("there are no pages to impose"))
    padded = -(-pages // 4) * 4
    order: list[int | None]
    if pages == 1:
        order = [0, None, None, None]
    else:
        order = [*range(pages - 1), *([None] * (padded - pages)), pages - 1]
    group = 4 * signature if signature else padded
    sides: list[Side] = []
    for start in range(0, padded, group):
        part = order[start : start + group]
        count = len(part)
        for sheet in range(count // 4):
            sides.append((part[count - 1 - 2 * sheet], part[2 * sheet]))
            sides.append((part[2 * sheet + 1], part[count - 2 - 2 * sheet]))
    return sides


def two_up_sides(pages: int) -> list[Side]:
    """Two consecutive pages on every side: 1|2, 3|4, ...; an odd last page stands alone."""
    if pages < 1:
        raise UsageError(_("there are no pages to impose"))
    return [(index, index + 1 if index + 1 < pages else None) for index in range(0, pages, 2)]


MM = 72 / 25.4
# Standard papers (landscape, points): two A5 pages are 296 mm wide, an A4 sheet 297 mm.
PAPERS = {"A3": (420, 297), "A4": (297, 210), "A5": (210, 148), "A6": (148, 105), "Letter": (279.4, 215.9),
          "Tabloid": (431.8, 279.4)}  # fmt: skip


def _sheet(width: float, height: float) -> tuple[float, float]:
    """The standard paper the two pages fit on (within 3 mm), else exactly their size."""
    for paper_width, paper_height in PAPERS.values():
        if -0.5 <= paper_width * MM - width <= 3 * MM and -0.5 <= paper_height * MM - height <= 3 * MM:
            return paper_width * MM, paper_height * MM
    return width, height


PDF_SIDE = (3.0, 14400.0)  # the smallest and largest side of a PDF page, in points


def _media_box(page: pikepdf.Page) -> object:
    """The page's /MediaBox, inherited from its page tree if need be; None if none is set."""
    node, seen = page.obj, 0
    while isinstance(node, pikepdf.Dictionary) and seen < 64:
        if "/MediaBox" in node:
            return node.MediaBox
        node, seen = node.get("/Parent"), seen + 1
    return None


def page_boxes(pdf: pikepdf.Pdf, source: Path | None = None) -> list[tuple[float, float, float, float]]:
    """Every page's size (left, bottom, right, top in points); a UsageError naming the first page
    whose size is missing, malformed or too small or large to lay two of side by side."""
    boxes = []
    pages = list(pdf.pages)
    # qpdf gives a page whose MediaBox is missing or not four numbers the US Letter size, and
    # says so only in a warning naming the page's object.
    lettered = {
        (int(number), int(generation))
        for number, generation in re.findall(
            r"object (\d+) (\d+)\D[^\n]*?MediaBox is undefined", "\n".join(pdf.get_warnings())
        )
    }
    for number, page in enumerate(pages, start=1):
        raw = _media_box(page)
        if raw is None or page.objgen in lettered:
            problem = _("has no usable page size (its MediaBox is missing or is not four numbers)")
        else:
            try:
                values = [float(v) for v in raw] if isinstance(raw, pikepdf.Array) else []
            except (TypeError, ValueError):
                values = []
            shown = f"{raw!r}"[:80]
            if len(values) != 4 or not all(math.isfinite(v) for v in values):
                problem = _("has a broken page size (MediaBox {box}; expected four numbers)").format(box=shown)
            else:
                left, right = sorted(values[0::2])
                bottom, top = sorted(values[1::2])
                width, height = right - left, top - bottom
                if not (PDF_SIDE[0] <= width and 2 * width <= PDF_SIDE[1] and PDF_SIDE[0] <= height <= PDF_SIDE[1]):
                    problem = _(
                        "has a page size of {width:.7g} × {height:.7g} pt, which cannot be imposed (a page must be "
                        "{smallest:g} to {largest:g} pt a side, and two side by side at most {largest:g} pt)"
                    ).format(width=width, height=height, smallest=PDF_SIDE[0], largest=PDF_SIDE[1])
                else:
                    boxes.append((left, bottom, right, top))
                    continue
        raise UsageError(
            _("page {number} {problem}").format(number=number, problem=problem), path=source,
            hint=_("give a PDF whose pages have a usable size"),
        )  # fmt: skip
    return boxes


def check_mode(mode: str) -> None:
    """A UsageError unless `mode` is one of MODES."""
    if mode not in MODES:
        raise UsageError(
            _("unknown imposition '{mode}'").format(mode=mode), field="impose",
            hint=_("choose {modes}").format(modes=_(" or ").join(MODES)),
        )  # fmt: skip


def impose(data: bytes, mode: Mode = "booklet", signature: int | None = None, *, source: Path | None = None) -> bytes:
    """The PDF `data` (read from `source`, for messages) imposed two pages to a side on sheets
    twice as wide as its pages."""
    check_mode(mode)
    if signature is not None and signature < 1:
        raise UsageError(_("--signature must be at least 1 sheet"), field="signature")
    try:
        pdf = pikepdf.open(BytesIO(data))
    except pikepdf.PasswordError:
        raise UsageError(_("is protected by a password"), path=source, hint=_("give a copy without a password")) from None
    except pikepdf.PikepdfError:
        raise UsageError(_("is not a PDF pressbook can read"), path=source, hint=_("give a PDF file")) from None
    count = len(pdf.pages)
    sides = booklet_sides(count, signature) if mode == "booklet" else two_up_sides(count)
    box = page_boxes(pdf, source)[0]
    width, height = box[2] - box[0], box[3] - box[1]
    sheet_width, sheet_height = _sheet(2 * width, height)
    left, bottom = (sheet_width - 2 * width) / 2, (sheet_height - height) / 2
    forms = [pdf.make_indirect(page.as_form_xobject()) for page in pdf.pages]
    for side in sides:
        xobjects = pikepdf.Dictionary()
        content = []
        for slot, index in enumerate(side):
            if index is None:
                continue
            name = pikepdf.Name(f"/Page{index + 1}")
            xobjects[name] = forms[index]
            content.append(f"q 1 0 0 1 {left + slot * width - box[0]:.4f} {bottom - box[1]:.4f} cm {name} Do Q")
        sheet = pdf.add_blank_page(page_size=(sheet_width, sheet_height))
        sheet.obj.Resources = pikepdf.Dictionary(XObject=xobjects)
        sheet.obj.Contents = pdf.make_stream("\n".join(content).encode("ascii"))
    del pdf.pages[:count]
    for key in ("/Outlines", "/PageLabels", "/OpenAction"):  # they pointed at the single pages
        if key in pdf.Root:
            del pdf.Root[key]
    pdf.remove_unreferenced_resources()
    out = BytesIO()
    pdf.save(out, deterministic_id=True, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    pdf.close()
    return out.getvalue()


def sheets(data: bytes) -> tuple[int, str]:
    """What an imposed PDF asks of the printer: how many sheets, printed on both sides, of which
    paper ("A4", or its size in mm)."""
    with pikepdf.open(BytesIO(data)) as pdf:
        sides = len(pdf.pages)
        box = [float(v) for v in pdf.pages[0].mediabox] if sides else [0, 0, 0, 0]
    width, height = box[2] - box[0], box[3] - box[1]
    paper = next(
        (name for name, (w, h) in PAPERS.items() if abs(w * MM - width) < 1 and abs(h * MM - height) < 1),
        f"{width / MM:.0f} × {height / MM:.0f} mm",
    )
    return (sides + 1) // 2, paper


def looks_imposed(data: bytes) -> bool:
    """Whether a PDF's pages are wider than tall, as imposed sheets are (imposing them again puts
    two sheets side by side)."""
    try:
        with pikepdf.open(BytesIO(data)) as pdf:
            if not len(pdf.pages):
                return False
            box = [float(v) for v in pdf.pages[0].mediabox]
    except (pikepdf.PikepdfError, ValueError, TypeError):
        return False  # `impose` says what is wrong with it
    return box[2] - box[0] > box[3] - box[1]

