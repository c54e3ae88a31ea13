"""The layout passes over a rendered document, as a compositor would make them: pictures that
leave a hole shrink or float on, newspaper columns are balanced, a headline is never stranded at
a page's foot, footnotes WeasyPrint pushed on are followed. Each pass reads WeasyPrint's boxes
(without importing it) and marks the HTML for the next render, which `weasy.render_pdf` runs."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from ..interface import N_

_BLOCKS = {"p", "li", "figure", "blockquote", "table", "h2", "h3", "h4", "h5", "header", "ul", "ol"}
MARK = "pb-"
PASSES = 6
# Said among the renderer's warnings (in English: they are kept in the render cache; translated
# where they are shown, pieces.renderer_warnings).
LATE_NOTE = N_("a footnote is printed one page after its call")


def mark(root) -> None:
    """Give blocks and footnote calls marker ids (removed again before the PDF is written)."""
    count = 0
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
        if tag in _BLOCKS and not element.get("id"):
            element.set("id", f"{MARK}b{count}")
            count += 1
        elif tag == "img" and not element.get("id"):
            element.set("id", f"{MARK}i{count}")
            count += 1
    for parent in list(root.iter()):
        for child in list(parent):
            if "footnote" in (child.get("class") or "").split():
                count += 1
                child.set("id", child.get("id") or f"{MARK}n{count}")
                marker = parent.makeelement(child.tag.replace("span", "a"), {"id": f"{MARK}c{count}"})
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


def holes(document, root, moved: dict[str, int]) -> list[_Hole]:  # noqa: ANN001 - WeasyPrint's document, an etree
    """Figures that left a hole: each at the top of a page whose previous page ends a quarter of
    its text area or more before the foot."""
    bottoms: dict[int, float] = {}
    tops: dict[int, float] = {}
    boxes: dict[str, tuple[float, float, float, float]] = {}
    for number, page in enumerate(document.pages):
        for name, box in page.anchors.items():
            boxes.setdefault(name, box)
            # The blocks pressbook marked (paragraphs, items, figures, tables): not their containers.
            if name.startswith(f"{MARK}b"):
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


def fill(hole: _Hole, moved: dict[str, int]) -> bool:
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
class Trial:
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


def balance(document, trials: dict[object, Trial]) -> bool:  # noqa: ANN001 - WeasyPrint's document
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
            trial = trials[element] = Trial(sum(columns.filled) / columns.count, max(columns.filled), columns.above)
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


def deferred_notes(document, root) -> list[tuple[str, str]]:
    """(call marker, note id) of every footnote printed on a later page than its call."""
    where = _placement(document)
    late = []
    for marker in root.iter():
        note = marker.get("data-note")
        call = marker.get("id")
        if note in where and call in where and where[note][0] > where[call][0]:
            late.append((call, note))
    return late


def pushes(document, root, late: list[tuple[str, str]], pushed: list[str]) -> list[str]:
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
            if p == page and name.startswith(f"{MARK}b") and name not in pushed
        )  # fmt: skip
        top = min((y for name, (p, y) in where.items() if p == page), default=0.0)
        candidates = [name for y, name in blocks if y > top + 1]
        if candidates:
            more.append(candidates[-1])
            continue
        block = parents.get(calls[call])
        while block is not None and not (block.get("id") or "").startswith(f"{MARK}b"):
            block = parents.get(block)
        if block is not None and block.get("id") not in pushed and where.get(block.get("id"), (page, 0))[1] > top + 1:
            more.append(block.get("id"))
    return sorted(set(more))


def stranded(document, root, pushed: list[str]) -> list[str]:  # noqa: ANN001 - WeasyPrint's document, an etree
    """Articles to start on the next page because their header (headline, date, lead) stands at
    the foot of one and their text begins on the next: WeasyPrint does not always keep a header
    that spans columns with the columns below it."""
    where = _placement(document)
    tops = {}
    for name, (page, y) in where.items():
        tops[page] = min(tops.get(page, y), y)
    parents = {child: parent for parent in root.iter() for child in parent}
    marked = [e for e in root.iter() if (e.get("id") or "").startswith(f"{MARK}b")]
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
