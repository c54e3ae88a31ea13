"""The print edition's pages in the e-book: a page-break marker at the place in the text where
each page of the PDF begins (found from the first words of that page, pdf/pagemap.py), and the
nav's page-list that leads to them. A reader citing "page 7 of the bulletin" finds it in the
e-book too."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace

from lxml import etree

XHTML = "http://www.w3.org/1999/xhtml"
EPUB = "http://www.idpf.org/2007/ops"
_WORD = re.compile(r"[^\W_]+")
# Words of a page's start compared at most, and at least, to place its marker.
MOST, LEAST = 6, 3


@dataclass(frozen=True)
class PageBreak:
    """Page `number` of the print edition begins in `document` at the marker `anchor`."""

    number: int
    document: str
    anchor: str


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").casefold()
    return _WORD.findall(text)


@dataclass
class _Spot:
    """Where a word of the book's text is: its document, text node and offset in it."""

    document: int
    node: int
    offset: int


def _text_nodes(root: etree._Element) -> list[tuple[etree._Element, str]]:
    """The text of the body in reading order, as (element, "text" | "tail") places."""
    body = root.find(f"{{{XHTML}}}body")
    found: list[tuple[etree._Element, str]] = []
    if body is None:
        return found

    def walk(element: etree._Element) -> None:
        if element.text:
            found.append((element, "text"))
        for child in element:
            if isinstance(child.tag, str):
                walk(child)
            if child.tail:
                found.append((child, "tail"))

    walk(body)
    return found


def mark(documents: Sequence, starts: Sequence[str | None], *, skip: frozenset[str] = frozenset()) -> tuple[list, list[PageBreak]]:
    """Put a page-break marker in `documents` (ContentDocuments in reading order; those named in
    `skip`, such as the nav, are left alone) where each print page begins, by the first words
    of each page (`starts`, one per page; None for a page without text). A page whose words are
    not found is marked where the previous one was, so that every page has its marker."""
    trees = []
    nodes: list[list[tuple[etree._Element, str]]] = []
    stream: list[tuple[str, _Spot]] = []
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    for index, document in enumerate(documents):
        if document.name in skip:
            trees.append(None)
            nodes.append([])
            continue
        root = etree.fromstring(document.xhtml, parser)
        trees.append(root)
        places = _text_nodes(root)
        nodes.append(places)
        for number, (element, where) in enumerate(places):
            text = element.text if where == "text" else element.tail
            for match in _WORD.finditer(unicodedata.normalize("NFC", text or "").replace("\u00a0", " ")):
                stream.append((match.group().casefold(), _Spot(index, number, match.start())))
    words = [word for word, _spot in stream]
    breaks: list[tuple[int, _Spot]] = []
    at = 0
    for number, start in enumerate(starts, start=1):
        wanted = _words(start or "")
        found = None
        for size in range(min(MOST, len(wanted)), LEAST - 1, -1) if len(wanted) >= LEAST else ():
            probe = wanted[:size]
            found = next((i for i in range(at, len(words) - size + 1) if words[i : i + size] == probe), None)
            if found is not None:
                break
        if found is None and len(wanted) in (1, 2) and wanted:  # a page that begins with a short heading
            found = next((i for i in range(at, len(words) - len(wanted) + 1) if words[i : i + len(wanted)] == wanted), None)
        if found is not None:
            at = found
        spot = stream[at][1] if stream else None
        if spot is not None:
            breaks.append((number, spot))
            at = min(at + 1, len(words) - 1) if found is not None else at
    # Insert from the last to the first, so that earlier offsets in a text node stay right.
    result: list[PageBreak] = []
    for number, spot in sorted(breaks, key=lambda b: (b[1].document, b[1].node, b[1].offset, b[0]), reverse=True):
        element, where = nodes[spot.document][spot.node]
        marker = etree.Element(f"{{{XHTML}}}span", nsmap=None)
        marker.set(f"{{{EPUB}}}type", "pagebreak")
        marker.set("role", "doc-pagebreak")
        marker.set("id", f"page-{number}")
        marker.set("aria-label", str(number))
        text = (element.text if where == "text" else element.tail) or ""
        cut = _offset_in(text, spot.offset)
        if where == "text":
            element.text, marker.tail = text[:cut], text[cut:]
            element.insert(0, marker)
        else:
            element.tail, marker.tail = text[:cut], text[cut:]
            element.addnext(marker)
        result.append(PageBreak(number, documents[spot.document].name, f"page-{number}"))
    changed = list(documents)
    for index, root in enumerate(trees):
        if root is not None:
            xhtml = etree.tostring(root.getroottree(), xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>")
            changed[index] = replace(documents[index], xhtml=xhtml)
    return changed, sorted(result, key=lambda b: b.number)


def _offset_in(text: str, offset: int) -> int:
    """`offset` (in the NFC text with no-break spaces made plain) as an offset in `text`."""
    if unicodedata.is_normalized("NFC", text):
        return offset
    # (the book's text is NFC already: cleaned when the articles were read)
    return min(offset, len(text))
