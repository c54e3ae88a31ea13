"""The e-book carries the print edition's pages: a page-list with one entry per page of the PDF,
and each page-break marker at the place where that page begins in print."""

from __future__ import annotations

import re
import zipfile

from lxml import etree

from pressbook.pdf.pagemap import page_starts

XHTML = "{http://www.w3.org/1999/xhtml}"


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.replace("\u00a0", " ").casefold())


def _after(document: bytes, anchor: str, count: int) -> list[str]:
    """The first words of text after the element with id `anchor`, in reading order."""
    root = etree.fromstring(document)
    found, words = False, []
    for element in root.iter():
        if not found:
            if element.get("id") == anchor:
                found = True
                words += _words(element.tail or "")
            continue
        words += _words(element.text or "") + _words(element.tail or "") if element.tag != f"{XHTML}script" else []
        if len(words) >= count:
            break
    return words[:count]


def test_the_page_list_has_one_entry_per_pdf_page_and_each_marker_is_where_the_page_begins(january) -> None:
    pdf = next(o for o in january.outputs if o.format == "pdf")
    epub = next(o for o in january.outputs if o.format == "epub")
    starts = page_starts(pdf.path.read_bytes())
    assert len(starts) == pdf.pages
    with zipfile.ZipFile(epub.path) as book:
        nav = etree.fromstring(book.read("OEBPS/text/nav.xhtml"))
        page_list = nav.find(f".//{XHTML}nav[@id='page-list']")
        assert page_list is not None and page_list.get("{http://www.idpf.org/2007/ops}type") == "page-list"
        links = [(a.text, a.get("href")) for a in page_list.iter(f"{XHTML}a")]
        assert [number for number, _href in links] == [str(n) for n in range(1, pdf.pages + 1)]
        checked = 0
        for number, href in links:
            name, anchor = href.split("#")
            marker_words = _after(book.read(f"OEBPS/text/{name}"), anchor, 3)
            start = _words(starts[int(number) - 1] or "")
            if int(number) <= 2 or not start:  # the cover and the contents (the nav): no text to match
                continue
            assert marker_words[: len(start[:3])] == start[:3], (number, marker_words, start)
            checked += 1
        assert checked >= pdf.pages - 2
        opf = book.read("OEBPS/content.opf").decode("utf-8")
    assert "<dc:source>" in opf and "bao-son-nguyen-2017-01.pdf" in opf
    assert "pageBreakMarkers" in opf and "printPageNumbers" in opf


def test_an_ebook_without_its_print_edition_has_no_page_list(tmp_path, sample_project) -> None:
    from pressbook.build import build
    from pressbook.options import BuildOptions

    built = build(sample_project, BuildOptions(issue="2017-02", formats=("epub",), out_dir=tmp_path))
    with zipfile.ZipFile(built.outputs[0].path) as book:
        assert b'epub:type="page-list"' not in book.read("OEBPS/text/nav.xhtml")
        assert b"pageBreakMarkers" not in book.read("OEBPS/content.opf")
