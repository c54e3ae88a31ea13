"""The only module that imports WeasyPrint: an HTML document in, PDF bytes out.

Everything the renderer loads goes through `ProjectFetcher`: files inside the folders it is
given (the project, the bundled layouts and fonts) and `data:` URLs; nothing else, and never
the network. WeasyPrint's own warnings are collected and returned, not lost in a log."""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint import CSS, HTML, LOGGER, URLFetcher
from weasyprint.urls import URLFetcherResponse


class ProjectFetcher(URLFetcher):
    """Reads only files below the `readable` folders and data: URLs; records what it read and
    what it refused."""

    def __init__(self, readable: Sequence[Path]) -> None:
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, timeout=1)
        self.readable = tuple(p.resolve() for p in readable)
        self.refused: list[str] = []
        self.loaded: list[str] = []

    @staticmethod
    def _inside(path: Path, folder: Path) -> bool:
        # Below the folder, and not in a hidden folder of it (.git, .cache, .venv).
        return path.is_relative_to(folder) and not any(
            part.startswith(".") for part in path.relative_to(folder).parts[:-1]
        )

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(url2pathname(unquote(urlsplit(url).path))).resolve()
            if path.is_file() and any(self._inside(path, folder) for folder in self.readable):
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                self.loaded.append(str(path))
                return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": kind})
        self.refused.append(url)
        raise ValueError(f"pressbook does not load {url[:120]}")


@dataclass(frozen=True)
class RenderedPdf:
    """A PDF and what happened while making it.

    `anchors` maps element ids to (page index, left, top, right, bottom) in CSS pixels;
    `blanks` lists the pages WeasyPrint left blank for a forced break; `loaded` the local files
    it read (pictures, fonts, anything a template names)."""

    data: bytes
    pages: int
    warnings: tuple[str, ...]
    refused: tuple[str, ...]
    anchors: dict[str, tuple[int, float, float, float, float]] = field(default_factory=dict)
    blanks: tuple[int, ...] = ()
    loaded: tuple[str, ...] = ()


MARGIN_BOXES = (
    "top-left-corner", "top-left", "top-center", "top-right", "top-right-corner", "bottom-left-corner",
    "bottom-left", "bottom-center", "bottom-right", "bottom-right-corner", "left-top", "left-middle",
    "left-bottom", "right-top", "right-middle", "right-bottom",
)  # fmt: skip
# A piece of an edition is rendered without page furniture (pressbook adds heads and numbers once
# the page numbers are known) and without bookmarks (the outline is built for the whole edition).
# Nor printer's marks: a piece's pages may be moved sideways when joined (see join.py), and the
# marks are drawn with the furniture, where they stay put.
NO_FURNITURE = (
    "@page { marks: none !important; "
    + " ".join(f"@{box} {{ content: none !important; }}" for box in MARGIN_BOXES)
    + " }"
)
NO_BOOKMARKS = "* { bookmark-level: none !important; }"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


# Elements a page may end on; given a marker id so we can see which page each one lands on.
_BLOCKS = {"p", "li", "figure", "blockquote", "table", "h2", "h3", "h4", "h5", "header", "ul", "ol"}
_MARK = "pb-"
_PASSES = 6


def _mark(root) -> None:
    """Give blocks and footnote calls marker ids (removed again before the PDF is written)."""
    count = 0
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
        if tag in _BLOCKS and not element.get("id"):
            element.set("id", f"{_MARK}b{count}")
            count += 1
    for parent in list(root.iter()):
        for child in list(parent):
            if "footnote" in (child.get("class") or "").split():
                count += 1
                child.set("id", child.get("id") or f"{_MARK}n{count}")
                marker = parent.makeelement(child.tag.replace("span", "a"), {"id": f"{_MARK}c{count}"})
                parent.insert(list(parent).index(child), marker)
                marker.set("data-note", child.get("id"))


def _placement(document) -> dict[str, tuple[int, float]]:
    """The page (and height on it) where each marked element first appears."""
    found: dict[str, tuple[int, float]] = {}
    for number, page in enumerate(document.pages):
        for name, position in page.anchors.items():
            found.setdefault(name, (number, position[1]))
    return found


def _deferred_notes(document, root) -> list[tuple[str, str]]:
    """(call marker, note id) of every footnote printed on a later page than its call."""
    where = _placement(document)
    late = []
    for marker in root.iter():
        note = marker.get("data-note")
        call = marker.get("id")
        if note in where and call in where and where[note][0] > where[call][0]:
            late.append((call, note))
    return late


def _pushes(document, root, late: list[tuple[str, str]], pushed: list[str]) -> list[str]:
    """Blocks to start on the next page so that each late footnote fits beside its call.

    WeasyPrint moves a note to the next page when it wants the room for one more line of the
    paragraph at the foot of the page (keeping that paragraph's orphans together). Starting the
    last block of the call's page on the next page gives the note its room, as a compositor would."""
    where = _placement(document)
    parents = {child: parent for parent in root.iter() for child in parent}
    calls = {marker.get("id"): marker for marker in root.iter() if marker.get("data-note")}
    more = []
    for call, _note in late:
        page, _ = where[call]
        blocks = sorted(
            (y, name) for name, (p, y) in where.items()
            if p == page and name.startswith(f"{_MARK}b") and name not in pushed
        )  # fmt: skip
        top = min((y for name, (p, y) in where.items() if p == page), default=0.0)
        candidates = [name for y, name in blocks if y > top + 1]
        if candidates:
            more.append(candidates[-1])
            continue
        block = parents.get(calls[call])
        while block is not None and not (block.get("id") or "").startswith(f"{_MARK}b"):
            block = parents.get(block)
        if block is not None and block.get("id") not in pushed and where.get(block.get("id"), (page, 0))[1] > top + 1:
            more.append(block.get("id"))
    return sorted(set(more))


def blank_pages(document) -> tuple[int, ...]:  # noqa: ANN001 - a WeasyPrint Document
    """The pages WeasyPrint left blank for a forced break (a section starting on a right-hand page).

    WeasyPrint says so only on a private attribute of its pages: this is the one place that reads
    it, and tests/test_pdf.py fails if it goes."""
    return tuple(n for n, page in enumerate(document.pages) if page._page_box.page_type.blank)  # noqa: SLF001


def render_pdf(
    html: str,
    *,
    base_url: str,
    readable: Sequence[Path],
    variant: str | None = None,
    identifier: bytes | None = None,
    furniture: bool = True,
    bookmarks: bool = True,
) -> RenderedPdf:
    """Typeset `html` to PDF bytes; only files below `readable` may be loaded."""
    fetcher = ProjectFetcher(readable)
    collector = _Collect()
    LOGGER.addHandler(collector)
    previous = LOGGER.level
    if LOGGER.level == logging.NOTSET or LOGGER.level > logging.WARNING:
        LOGGER.setLevel(logging.WARNING)
    try:
        source = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
        root = source.etree_element
        _mark(root)
        extra = ([] if furniture else [NO_FURNITURE]) + ([] if bookmarks else [NO_BOOKMARKS])
        document = source.render(stylesheets=[CSS(string=rule) for rule in extra])
        pushed: list[str] = []
        for _ in range(_PASSES):
            late = _deferred_notes(document, root)
            more = _pushes(document, root, late, pushed) if late else []
            if not more:
                break
            pushed += more
            rules = "\n".join(f'[id="{n}"] {{ break-before: page; }}' for n in pushed)
            document = source.render(stylesheets=[CSS(string=rule) for rule in [*extra, rules]])
        if _deferred_notes(document, root):
            collector.messages.append("a footnote is printed one page after its call")
        anchors: dict[str, tuple[int, float, float, float, float]] = {}
        for number, page in enumerate(document.pages):
            for name in [n for n in page.anchors if n.startswith(_MARK)]:
                del page.anchors[name]
            for name, box in page.anchors.items():
                anchors.setdefault(name, (number, *box))
        blanks = blank_pages(document)
        data = document.write_pdf(
            pdf_variant=variant,
            pdf_identifier=identifier,
            # Attachments are never wanted: an article must not be able to embed a file.
            attachments=[],
        )
    finally:
        LOGGER.removeHandler(collector)
        LOGGER.setLevel(previous)
    return RenderedPdf(
        data, len(document.pages), tuple(collector.messages), tuple(fetcher.refused), anchors, blanks,
        tuple(dict.fromkeys(fetcher.loaded)),
    )
