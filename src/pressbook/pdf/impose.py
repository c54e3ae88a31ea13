"""Imposition with pikepdf: an edition's pages laid two to a sheet side, as a saddle-stitched
booklet (fold the stack and staple) or two consecutive pages per side (cut and stack). Pages stay
vector: each is placed as a form, so text stays text and fonts are embedded once."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Literal, get_args

import pikepdf

from ..errors import UsageError

Mode = Literal["booklet", "2up"]
MODES: tuple[str, ...] = get_args(Mode)
Side = tuple["int | None", "int | None"]  # (left page, right page), 0-based; None is blank

PRINTING_GUIDE = {
    "booklet": (
        "In hai mặt, lật theo cạnh ngắn (two-sided, flip on short edge); giấy ngang; tỉ lệ 100% (actual size). "
        "Xếp các tờ theo thứ tự in, gấp đôi cả xấp và đóng ghim ở nếp gấp."
    ),
    "2up": (
        "In hai mặt, lật theo cạnh ngắn (two-sided, flip on short edge); giấy ngang; tỉ lệ 100% (actual size). "
        "Cắt đôi mỗi tờ theo chiều dọc rồi xếp chồng nửa trái lên trên nửa phải."
    ),
}


def booklet_sides(pages: int, signature: int | None = None) -> list[Side]:
    """Sheet sides (front, back, front, back, ...) of a saddle-stitched booklet of `pages` pages.

    Blank pages pad the count to a multiple of four and go before the back cover. With
    `signature`, the booklet is made of folded groups of that many sheets."""
    if pages < 1:
        raise UsageError("there are no pages to impose")
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
        raise UsageError("there are no pages to impose")
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


def check_mode(mode: str) -> None:
    """A UsageError unless `mode` is one of MODES."""
    if mode not in MODES:
        raise UsageError(f"unknown imposition '{mode}'", field="impose", hint="choose " + " or ".join(MODES))


def impose(data: bytes, mode: Mode = "booklet", signature: int | None = None, *, source: Path | None = None) -> bytes:
    """The PDF `data` (read from `source`, for messages) imposed two pages to a side on sheets
    twice as wide as its pages."""
    check_mode(mode)
    if signature is not None and signature < 1:
        raise UsageError("--signature must be at least 1 sheet", field="signature")
    try:
        pdf = pikepdf.open(BytesIO(data))
    except pikepdf.PasswordError:
        raise UsageError("is protected by a password", path=source, hint="give a copy without a password") from None
    except pikepdf.PikepdfError:
        raise UsageError("is not a PDF pressbook can read", path=source, hint="give a PDF file") from None
    count = len(pdf.pages)
    sides = booklet_sides(count, signature) if mode == "booklet" else two_up_sides(count)
    box = [float(v) for v in pdf.pages[0].mediabox]
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

