"""The only module that imports WeasyPrint: an HTML document in, PDF bytes out.

Everything the renderer loads goes through `ProjectFetcher`: files inside the folders it is
given (the project, the bundled layouts and fonts) and `data:` URLs; nothing else, and never
the network. WeasyPrint's own warnings are collected and returned, not lost in a log."""

from __future__ import annotations

import logging
import mimetypes
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint import CSS, HTML, LOGGER, URLFetcher
from weasyprint.urls import URLFetcherResponse

from ..callbacks import Guard


class ProjectFetcher(URLFetcher):
    """Reads only files below the `readable` folders and data: URLs; records what it read and
    what it refused."""

    def __init__(self, readable: Sequence[Path]) -> None:
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, timeout=1)
        self.readable = tuple(p.resolve() for p in readable)
        self.refused: list[str] = []
        self.loaded: list[str] = []
        # WeasyPrint logs and ignores what a fetcher raises: anything but a refusal (ValueError)
        # is kept and raised again after rendering (pressbook/callbacks.py).
        self.guard = Guard(expected=(ValueError,))
        self.fetch = self.guard(self.fetch)  # type: ignore[method-assign]

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
        elif tag == "img" and not element.get("id"):
            element.set("id", f"{_MARK}i{count}")
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


def _foot(page) -> float:  # noqa: ANN001 - a WeasyPrint page
    """Where the page's text area ends: its content box, less the footnotes at its foot."""
    box = page._page_box  # noqa: SLF001 - the laid-out page box; WeasyPrint has no public API for it
    foot = box.content_box_y() + box.height
    notes = [child for child in box.children if type(child).__name__ == "FootnoteAreaBox" and child.children]
    return min([foot] + [child.position_y for child in notes])


@dataclass
class _Hole:
    """A figure at the top of a page whose previous page ends `room` px before its foot."""

    parent: object
    figure: object
    room: float
    height: float  # the figure's, caption and all
    picture: float  # its picture's
    following: bool  # whether a block follows it that it could move behind


def _holes(document, root, moved: dict[str, int]) -> list[_Hole]:  # noqa: ANN001 - WeasyPrint's document, an etree
    """Figures that left a hole: each at the top of a page whose previous page ends a quarter of
    its text area or more before the foot."""
    bottoms: dict[int, float] = {}
    tops: dict[int, float] = {}
    boxes: dict[str, tuple[float, float, float, float]] = {}
    for number, page in enumerate(document.pages):
        for name, box in page.anchors.items():
            boxes.setdefault(name, box)
            # The blocks pressbook marked (paragraphs, items, figures, tables): not their containers.
            if name.startswith(f"{_MARK}b"):
                bottoms[number] = max(bottoms.get(number, 0.0), box[3])
                tops[number] = min(tops.get(number, box[1]), box[1])
    if not bottoms:
        return []
    where = _placement(document)
    parents = {child: parent for parent in root.iter() for child in parent}
    found = []
    for figure in root.iter():
        if not isinstance(figure.tag, str) or figure.tag.rsplit("}", 1)[-1] != "figure":
            continue
        name = figure.get("id")
        picture = next((i.get("id") for i in figure.iter() if isinstance(i.tag, str) and i.tag.endswith("img")), None)
        if name not in where or picture not in boxes or moved.get(name, 0) >= 3 or figure not in parents:
            continue
        page, top = where[name]
        if page == 0 or page - 1 not in bottoms or abs(top - tops.get(page, top)) > 1:
            continue  # not at the top of a page
        foot = _foot(document.pages[page - 1])
        room = foot - bottoms[page - 1]
        if room > 0.25 * (foot - tops.get(page - 1, 0.0)):
            siblings = list(parents[figure])
            found.append(_Hole(
                parents[figure], figure, room, boxes[name][3] - boxes[name][1],
                boxes[picture][3] - boxes[picture][1], siblings.index(figure) + 1 < len(siblings),
            ))  # fmt: skip
    return found


def _fill(hole: _Hole, moved: dict[str, int]) -> bool:
    """Close a hole as a typesetter would: a picture that nearly fits the space left is made a
    little smaller; one that does not moves on behind the block that followed it, which fills the
    page instead; failing that, at the end of its article, it is made up to half as small."""
    figure = hole.figure
    name = figure.get("id")
    fitted = hole.picture - (hole.height - hole.room) - 24  # a line and a half to spare
    picture = next(i for i in figure.iter() if isinstance(i.tag, str) and i.tag.endswith("img"))
    if fitted >= 0.75 * hole.picture or (not hole.following and fitted >= 0.5 * hole.picture):
        picture.set("style", f"max-height: {fitted:.0f}px")
        moved[name] = 3  # fitted: leave it where it is
        return True
    if hole.following:
        place = list(hole.parent).index(figure)
        hole.parent.remove(figure)
        hole.parent.insert(place + 1, figure)  # behind the block that followed it
        moved[name] = moved.get(name, 0) + 1
        return True
    return False


def _blocks(box):  # noqa: ANN001, ANN202 - a WeasyPrint box
    """The box and the block boxes inside it, not their lines."""
    yield box
    if type(box).__name__ != "LineBox":
        for child in getattr(box, "children", None) or ():
            yield from _blocks(child)


def _lines(box):  # noqa: ANN001, ANN202 - a WeasyPrint box
    """The lines and pictures that stand in the box."""
    for child in getattr(box, "children", None) or ():
        if type(child).__name__ in ("LineBox", "BlockReplacedBox"):
            yield child
        else:
            yield from _lines(child)


@dataclass
class _Columns:
    """An element set in columns, wholly on one page: how high each column is filled (px)."""

    element: object
    count: int
    filled: list[float]
    above: float  # from the element's top to its columns' (its headline spans them)
    line: float


def _column_sets(document) -> list[_Columns]:  # noqa: ANN001 - WeasyPrint's document
    """The elements set in columns that stand wholly on one page."""
    found: dict[object, list[_Columns]] = {}
    for page in document.pages:
        for box in _blocks(page._page_box):  # noqa: SLF001 - WeasyPrint has no public layout tree
            count = box.style["column_count"]
            columns = [child for child in getattr(box, "children", ()) if child.element is box.element]
            if count == "auto" or count < 2 or box.element is None or not columns:
                continue
            lines = [b.height for c in columns for b in _lines(c) if type(b).__name__ == "LineBox"]

            def filled(column) -> float:  # noqa: ANN001 - a WeasyPrint box
                """How high the column is filled: to the foot of its last line or picture (a block
                split between columns may reach lower than its text)."""
                feet = [b.position_y + b.margin_height() for b in _lines(column)]
                return max(feet, default=column.position_y) - column.position_y

            found.setdefault(box.element, []).append(_Columns(
                box.element, count, [filled(c) for c in columns], columns[0].position_y - box.content_box_y(),
                statistics.median(lines) if lines else 0.0,
            ))  # fmt: skip
    return [sets[0] for sets in found.values() if len(sets) == 1 and sets[0].line]


@dataclass
class _Trial:
    """The search for the least column height at which an element's text fits its columns."""

    low: float  # known too low, or the height of its text shared out evenly
    high: float  # fits when set as the height, if `fits`; else what WeasyPrint's balance came to
    above: float  # the height of what spans the columns
    height: float = 0.0  # tried in the current render
    fits: bool = False
    done: bool = False

    def settle(self, element) -> None:  # noqa: ANN001 - an etree element
        """Give the element the least height known to fit."""
        self.height, self.done = self.high, True
        element.set("style", f"height: {self.above + self.height:.2f}px; column-fill: auto")


def _balance(document, trials: dict[object, _Trial]) -> bool:  # noqa: ANN001 - WeasyPrint's document
    """Even out the columns of elements whose last column is short by more than a line and a half,
    as a make-up editor would (WeasyPrint balances in steps of whole paragraphs): search for the
    least height at which the text fits in its columns, filled one after another. True when an
    element was given a height to render with."""
    changed = False
    seen = set()
    for columns in _column_sets(document):
        element = columns.element
        seen.add(element)
        trial = trials.get(element)
        if trial is None:
            if max(columns.filled) - columns.filled[-1] <= 1.5 * columns.line:
                continue
            trial = trials[element] = _Trial(sum(columns.filled) / columns.count, max(columns.filled), columns.above)
        elif trial.done:
            continue
        elif len(columns.filled) <= columns.count:  # too low a height makes more columns
            trial.high, trial.fits = trial.height, True
        else:
            trial.low = trial.height
        if trial.high - trial.low < 0.5 * columns.line and not trial.fits:
            element.attrib.pop("style", None)  # filled one after another, it does not fit: balanced it is best
            trial.done = True
        elif trial.high - trial.low < 0.5 * columns.line:
            trial.settle(element)
        else:
            trial.height = (trial.low + trial.high) / 2
            element.set("style", f"height: {columns.above + trial.height:.2f}px; column-fill: auto")
        changed = True
    for element, trial in trials.items():
        if element not in seen and not trial.done:  # it moved across a page: leave it to WeasyPrint
            element.attrib.pop("style", None)
            trial.done = changed = True
    return changed


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


def _stranded(document, root, pushed: list[str]) -> list[str]:  # noqa: ANN001 - WeasyPrint's document, an etree
    """Articles to start on the next page because their header (headline, date, lead) stands at
    the foot of one and their text begins on the next: WeasyPrint does not always keep a header
    that spans columns with the columns below it."""
    where = _placement(document)
    tops = {}
    for name, (page, y) in where.items():
        tops[page] = min(tops.get(page, y), y)
    parents = {child: parent for parent in root.iter() for child in parent}
    marked = [e for e in root.iter() if (e.get("id") or "").startswith(f"{_MARK}b")]
    more = []
    for index, header in enumerate(marked):
        if header.tag.rsplit("}", 1)[-1] != "header" or header.get("id") not in where:
            continue
        inside = set(header.iter())
        following = next((e for e in marked[index + 1 :] if e not in inside), None)
        page, y = where[header.get("id")]
        if following is None or where.get(following.get("id"), (page, 0))[0] <= page or y <= tops[page] + 1:
            continue
        parent = parents.get(header)
        first = parent is not None and next((c for c in parent if isinstance(c.tag, str)), None) is header
        target = parent.get("id") if first and parent.get("id") else header.get("id")
        if target not in pushed:
            more.append(target)
    return more


def blank_pages(document) -> tuple[int, ...]:  # noqa: ANN001 - a WeasyPrint Document
    """The pages WeasyPrint left blank for a forced break (a section starting on a right-hand page).

    WeasyPrint says so only on a private attribute of its pages: this is the one place that reads
    it, and tests/test_pdf.py fails if it goes."""
    return tuple(n for n, page in enumerate(document.pages) if page._page_box.page_type.blank)  # noqa: SLF001


def _no_attachments(root) -> None:  # noqa: ANN001 - an etree
    """Take the `attachment` link type off every element: WeasyPrint embeds the file an
    `<a rel=attachment>` or a `<link rel=attachment>` names, and the PDF never embeds a file
    (a layout could otherwise carry pressbook.toml, or any file of the project, away in it)."""
    for element in root.iter():
        rel = element.get("rel") if isinstance(element.tag, str) else None
        if rel is not None and "attachment" in rel.lower().split():
            kept = [token for token in rel.split() if token.lower() != "attachment"]
            if kept:
                element.set("rel", " ".join(kept))
            else:
                del element.attrib["rel"]


def _no_attachment_or_file_links(document) -> None:  # noqa: ANN001 - a WeasyPrint Document
    """Drop any attachment the laid-out document still holds (document-level or on a page), so
    that whatever way one got in, none reaches the PDF; and links to local files (a layout's
    relative link), which lead a reader nowhere and would write the project's folder into it."""
    document.metadata.attachments = []
    for page in document.pages:
        page.links[:] = [
            link for link in page.links
            if link[0] != "attachment" and not (link[0] == "external" and str(link[1]).lower().startswith("file:"))
        ]  # fmt: skip


def _portable_picture_names(pictures: dict, readable: Sequence[Path]) -> None:
    """Name each picture after its address relative to the folder it was read from.

    WeasyPrint names a picture in the PDF after the MD5 of its address, an absolute file: URL,
    so the same edition built in two folders would differ in its bytes. The name only has to be
    one per address; its address relative to the `readable` folder holding it (the deepest, which
    the folders' order makes the same everywhere) is that, and does not depend on the folder."""
    import hashlib

    from weasyprint.images import RasterImage

    folders = sorted(enumerate(readable), key=lambda item: len(item[1].parts), reverse=True)
    for url, picture in pictures.items():
        if not isinstance(picture, RasterImage) or not isinstance(url, str):
            continue
        name = url
        if url.lower().startswith("file:"):
            path = Path(url2pathname(unquote(urlsplit(url).path))).resolve()
            for number, folder in folders:
                if path.is_relative_to(folder):
                    name = f"@{number}/{path.relative_to(folder).as_posix()}"
                    break
        picture.id = hashlib.md5(name.encode(), usedforsecurity=False).hexdigest()


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
        _no_attachments(root)
        extra = ([] if furniture else [NO_FURNITURE]) + ([] if bookmarks else [NO_BOOKMARKS])
        pictures: dict = {}  # WeasyPrint's pictures by address, kept across the passes below
        document = source.render(cache=pictures, stylesheets=[CSS(string=rule) for rule in extra])
        # A picture that did not fit and left its page part empty is made a little smaller or
        # moves on in the flow (see _fill), as a typesetter would.
        moved: dict[str, int] = {}
        for _ in range(_PASSES):
            filled = [hole for hole in _holes(document, root, moved) if _fill(hole, moved)]
            if not filled:
                break
            document = source.render(cache=pictures, stylesheets=[CSS(string=rule) for rule in extra])
        trials: dict[object, _Trial] = {}
        for _ in range(_PASSES):
            if not _balance(document, trials):
                break
            document = source.render(cache=pictures, stylesheets=[CSS(string=rule) for rule in extra])
        else:
            for element, trial in trials.items():
                if not trial.done and trial.fits:
                    trial.settle(element)
                elif not trial.done:
                    element.attrib.pop("style", None)
            document = source.render(cache=pictures, stylesheets=[CSS(string=rule) for rule in extra])
        pushed: list[str] = []
        for _ in range(_PASSES):
            late = _deferred_notes(document, root)
            more = _pushes(document, root, late, pushed) if late else []
            more += [name for name in _stranded(document, root, pushed) if name not in more]
            if not more:
                break
            pushed += more
            rules = "\n".join(f'[id="{n}"] {{ break-before: page; }}' for n in pushed)
            document = source.render(cache=pictures, stylesheets=[CSS(string=rule) for rule in [*extra, rules]])
        fetcher.guard.check()
        if _deferred_notes(document, root):
            collector.messages.append("a footnote is printed one page after its call")
        anchors: dict[str, tuple[int, float, float, float, float]] = {}
        for number, page in enumerate(document.pages):
            for name in [n for n in page.anchors if n.startswith(_MARK)]:
                del page.anchors[name]
            for name, box in page.anchors.items():
                anchors.setdefault(name, (number, *box))
        blanks = blank_pages(document)
        _no_attachment_or_file_links(document)
        _portable_picture_names(pictures, fetcher.readable)
        data = document.write_pdf(
            pdf_variant=variant,
            pdf_identifier=identifier,
            # Attachments are never wanted: neither an article nor a layout may embed a file.
            attachments=[],
        )
    finally:
        LOGGER.removeHandler(collector)
        LOGGER.setLevel(previous)
    return RenderedPdf(
        data, len(document.pages), tuple(collector.messages), tuple(fetcher.refused), anchors, blanks,
        tuple(dict.fromkeys(fetcher.loaded)),
    )
