"""Reading a PDF as a reader would: text per page, fonts, outline, links, metadata (pypdf)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import Destination


@dataclass
class Pdf:
    reader: PdfReader
    pages: list[str]

    @classmethod
    def open(cls, path: Path) -> Pdf:
        reader = PdfReader(path)
        return cls(reader, [unicodedata.normalize("NFC", p.extract_text() or "") for p in reader.pages])

    def words(self) -> list[tuple[int, str]]:
        """(page, word) for every word of the document, in reading order."""
        return [(n, w) for n, text in enumerate(self.pages) for w in text.split()]

    def find(self, phrase: str) -> list[int]:
        """Pages (0-based) whose text holds `phrase`, spaces normalised."""
        wanted = " ".join(phrase.split())
        return [n for n, text in enumerate(self.pages) if wanted in " ".join(text.split())]

    def text_sizes(self, page: int) -> list[tuple[float, str]]:
        """(size in points, text) of every run of text drawn on a page, as the reader scales it."""
        runs: list[tuple[float, str]] = []

        def visit(text, cm, tm, font, size) -> None:  # noqa: ANN001 - pypdf's visitor
            if text.strip():
                runs.append((round(abs(size * (tm[3] or 1) * (cm[3] or 1)), 1), text.strip()))

        self.reader.pages[page].extract_text(visitor_text=visit)
        return runs

    def fonts(self) -> dict[str, bool]:
        """BaseFont name -> embedded?, for every font on every page."""
        found: dict[str, bool] = {}
        for page in self.reader.pages:
            resources = page.get("/Resources") or {}
            for font in (resources.get("/Font") or {}).values():
                font = font.get_object()
                descendants = font.get("/DescendantFonts")
                target = descendants[0].get_object() if descendants else font
                descriptor = target.get("/FontDescriptor")
                descriptor = descriptor.get_object() if descriptor else {}
                embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                found[str(font["/BaseFont"])] = embedded
        return found

    def outline(self) -> list[tuple[int, str, int]]:
        """(level, title, 0-based page) for every bookmark, in order."""
        items: list[tuple[int, str, int]] = []

        def walk(nodes, level: int) -> None:
            for node in nodes:
                if isinstance(node, list):
                    walk(node, level + 1)
                elif isinstance(node, Destination):
                    items.append((level, unicodedata.normalize("NFC", node.title), self.reader.get_destination_page_number(node)))

        walk(self.reader.outline, 1)
        return items

    def links(self, page: int) -> list[int]:
        """Target pages (0-based) of the internal links on a page."""
        targets = []
        for annot in self.reader.pages[page].get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            dest = annot.get("/Dest")
            if dest is None and annot.get("/A"):
                dest = annot["/A"].get("/D")
            if dest is None:
                continue
            if isinstance(dest, str) or not hasattr(dest, "__getitem__") or isinstance(dest, bytes):
                named = self.reader.named_destinations[str(dest)]
                targets.append(self.reader.get_destination_page_number(named))
            else:
                targets.append(self.reader.get_page_number(dest[0].get_object()))
        return targets


CALL = "⁂"


FIGURE = re.compile(r"^!\[([^\]]*)\]\([^)]*\)[ \t]*$", re.M)  # a picture alone in its paragraph


def figure_captions(markdown_text: str) -> list[str]:
    """The captions of a body's figures (pictures alone in a paragraph), which print may float."""
    from pressbook.body import to_text

    return [to_text(caption) for caption in FIGURE.findall(markdown_text)]


def expected_words(markdown_text: str, floats: bool = False) -> tuple[list[str], list[str]]:
    """The words a reader should see for a Markdown body, footnote calls marked with CALL,
    and the text of each footnote (which the PDF prints at the foot of a page). With `floats`,
    the figures' captions are left out: print may move a figure further on in the text."""
    from pressbook.body import to_text

    if floats:
        markdown_text = FIGURE.sub("", markdown_text)
    notes = re.findall(r"^\[\^[^\]]+\]:[ \t]*(.+)$", markdown_text, flags=re.M)
    body = re.sub(r"^\[\^[^\]]+\]:.*$", "", markdown_text, flags=re.M)
    body = re.sub(r"\[\^[^\]]+\]", CALL, body)
    return to_text(body).split(), [to_text(n) for n in notes]


def matches(expected: str, found: str) -> bool:
    """A word matches, a footnote call standing for whatever number the page gave it."""
    if CALL not in expected:
        return expected == found
    before, _, after = expected.partition(CALL)
    return re.fullmatch(re.escape(before) + r"\d{1,3}" + re.escape(after), found) is not None


def locate(needles: list[str], words: list[tuple[int, str]], start: int = 0) -> tuple[int, list[int]]:
    """Match `needles` in order against `words` from `start`: how many matched, and the index of
    each match."""
    at: list[int] = []
    position = start
    for needle in needles:
        while position < len(words) and not matches(needle, words[position][1]):
            # A hyphenated word or code may be split across lines: "Sa-" + "pô".
            following = words[position + 1][1] if position + 1 < len(words) else ""
            if words[position][1].endswith(("-", "–", "/")) and matches(needle, words[position][1] + following):
                break
            position += 1
        if position == len(words):
            break
        at.append(position)
        position += 1
    return len(at), at


@dataclass
class Line:
    """A line of text where poppler finds it: its box in points from the page's top left."""

    x0: float
    y0: float
    x1: float
    y1: float
    words: list[tuple[float, float, str]]  # (x0, x1, text)

    @property
    def text(self) -> str:
        return " ".join(word for _, _, word in self.words)


def lines(path: Path) -> list[list[Line]]:
    """Every page's lines of words, as poppler's pdftotext -bbox-layout sets them out."""
    import subprocess

    from lxml import etree

    layout = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, check=True).stdout
    tree = etree.fromstring(re.sub(rb"<!DOCTYPE[^>]*>", b"", layout))
    pages = []
    for page in tree.iter("{*}page"):
        found = []
        for line in page.iter("{*}line"):
            words = [(float(w.get("xMin")), float(w.get("xMax")), unicodedata.normalize("NFC", w.text or "")) for w in line.iter("{*}word")]
            found.append(Line(*(float(line.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")), words))
        pages.append(found)
    return pages
