"""Where each page of a print edition begins, in words: read back from the PDF (pypdfium2) so
that the e-book can mark the same places ("page 7 begins at 'Năm 2017, Đảng bộ huyện…'")."""

from __future__ import annotations

import unicodedata

# A running head sits in the top margin, a page number in the bottom one: neither begins a page.
HEAD = 0.95  # of the page's height, from the bottom
FOOT = 0.07
WORDS = 8  # words kept of each page's first line


def _lines(page: object) -> list[tuple[float, str]]:
    """The page's lines, top to bottom: text runs on one baseline joined left to right."""
    text = page.get_textpage()  # type: ignore[attr-defined]
    runs = []
    for index in range(text.count_rects()):
        left, bottom, right, top = text.get_rect(index)
        said = text.get_text_bounded(left, bottom, right, top).strip()
        if said:
            runs.append((top, left, said))
    runs.sort(key=lambda run: (-run[0], run[1]))
    lines: list[tuple[float, list[tuple[float, str]]]] = []
    for top, left, said in runs:
        if lines and abs(lines[-1][0] - top) <= 4:
            lines[-1][1].append((left, said))
        else:
            lines.append((top, [(left, said)]))
    return [(top, " ".join(s for _left, s in sorted(parts))) for top, parts in lines]


def page_starts(pdf: bytes) -> list[str | None]:
    """For each page, the first words of its text under the running head (None for a page
    without any, such as a blank one)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        starts: list[str | None] = []
        for page in document:
            height = page.get_height()
            body = [said for top, said in _lines(page) if FOOT * height < top < HEAD * height]
            first = " ".join(unicodedata.normalize("NFC", body[0]).split()[:WORDS]) if body else None
            starts.append(first)
        return starts
    finally:
        document.close()
