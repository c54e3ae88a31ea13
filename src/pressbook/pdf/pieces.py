"""The print edition in pieces: each section rendered on its own, in a pool of processes and
remembered in the cache, then joined into one PDF that reads exactly like a single render.

In layouts that start each section on a new page, a section's pages do not depend on anything
before it: only their page numbers, running heads and left/right margins do. Sections start on
either side; the text block is symmetric, and a piece that lands on the other side is mirrored
when the pieces are joined, with the page numbers and running heads laid over the pages afterwards
(the layout's own @page rules, rendered once the numbers are known). Layouts without such breaks
are rendered whole (and still cached)."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..cache import tool_versions
from ..edition import Edition
from ..errors import EditionError, Problem
from ..html.kit import Kit
from ..html.views import glyph_problems, section_view
from ..interface import _
from . import documents, join, passes
from .pool import Piece, Renderer, Task

if TYPE_CHECKING:
    from .weasy import RenderedPdf
PX = join.PT_PER_PX


@dataclass(frozen=True)
class Result:
    """The edition's PDF, its page count, what was said on the way, and every local file the
    renderer read for it."""

    data: bytes
    pages: int
    warnings: tuple[Problem, ...]
    rendered: int
    reused: int
    loaded: frozenset[Path] = frozenset()


_LEADER = re.compile(r"leader\([^)]*\)")
# About this many pages of page furniture are rendered as one document, as soon as their sections are.
FURNITURE_PAGES = 32


def stand_in(document: documents.PrintDocument) -> documents.PrintDocument:
    """The front matter to measure the contents' length with, before the page numbers are known
    (given as 8s as wide as the real ones): one leader's dot and space instead of each leader,
    as WeasyPrint measures a leader when it breaks lines, and not filling the line, which is
    slow. It is as long as the real contents, page for page."""
    return dataclasses.replace(document, html=_LEADER.sub(lambda _match: '".\\00a0"', document.html))


def in_pieces(kit: Kit, edition: Edition) -> bool:
    """Whether the layout starts every section on a new page (so sections can be pieces)."""
    layout = kit.layout
    return layout.pieces and layout.style.section_break in ("page", "right") and len(edition.sections) > 1


_UNITS = {"mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0, "pt": 1.0}


def _points(length: str) -> float:
    """A checked style length ("17mm") in PDF points."""
    return float(length[:-2]) * _UNITS[length[-2:]]


def mirror(kit: Kit) -> float:
    """How far a page's text block moves from a right-hand to a left-hand page: the outer margin
    less the inner one, in points."""
    style = kit.layout.style
    return _points(style.margin_outer) - _points(style.margin_inner)


def renderer_warnings(pieces: Sequence[Piece | RenderedPdf]) -> list[Problem]:
    """What the renderer refused or complained about while making `pieces`, as warnings."""
    found = []
    for piece in pieces:
        # Pictures are checked before the HTML is made; anything refused here slipped past that.
        for url in dict.fromkeys(piece.refused):
            found.append(Problem(
                _("the renderer was refused '{url}' (outside the project)").format(url=url[:100]), severity="warning"
            ))  # fmt: skip
        for message in piece.warnings:
            if not any(url[:60] in message for url in piece.refused):
                # WeasyPrint's own warnings as it said them; pressbook's (passes.LATE_NOTE) translated
                said = _(message) if message == passes.LATE_NOTE else message
                found.append(Problem(_("renderer: {message}").format(message=said), severity="warning"))
    return found


def _plan(
    front_pages: int, sections: Sequence[Piece], front_used: int | None = None, right: bool = False
) -> tuple[join.Plan, list[int]]:
    """Where every page comes from, and the first page (0-based) of each section's piece. With
    `right` (the layout's sections start on a right-hand page) a blank page goes before a
    section that would start on a left-hand one.

    The front matter has `front_pages` places; when its final render is shorter (`front_used`),
    the places it leaves are blank pages."""
    used = front_pages if front_used is None else front_used
    layout: list[tuple[str, object]] = [("front", i) if i < used else ("blank", None) for i in range(front_pages)]
    starts = []
    for index, piece in enumerate(sections):
        if right and len(layout) % 2 == 1:  # the next page would be a left-hand page
            layout.append(("blank", None))
        starts.append(len(layout))
        layout += [("section", (index, page)) for page in range(piece.pages)]
    return join.Plan(tuple(layout)), starts


def build_pdf(kit: Kit, edition: Edition, *, renderer: Renderer, variant: str | None = None) -> Result:
    """The edition's PDF, rendered in pieces where the layout allows it (the caller closes `renderer`)."""
    cache = renderer.cache
    problems = glyph_problems(edition.articles, kit.fonts, edition)
    if problems:
        raise EditionError(problems=problems)
    warnings: list[Problem] = []

    def task(kind: str, document: documents.PrintDocument, furniture: bool = True, bookmarks: bool = True) -> Task:
        return Task(kind, document.html, document.base_url, document.readable, furniture, bookmarks, variant)

    # An archival or tagged variant is made by WeasyPrint from the whole document at once.
    if variant or not in_pieces(kit, edition):
        document = documents.edition_document(kit, edition)
        warnings += document.warnings
        whole = renderer.run([task("full", document)])[0]
        return Result(
            whole.data, whole.pages, tuple(warnings + renderer_warnings([whole])), renderer.rendered, renderer.reused,
            frozenset(whole.loaded),
        )  # fmt: skip

    headings = tuple(section_view(s, kit, [], body=False) for s in edition.sections)
    right = kit.layout.style.section_break == "right"  # else sections start on either side
    shift = mirror(kit)

    def front(pages: dict[str, str], guess: bool = False) -> Task:
        document = documents.edition_document(kit, edition, piece="front", pages=pages, views=headings)
        warnings.extend(w for w in document.warnings if w not in warnings)
        if guess:
            document = stand_in(document)
        return task("front", document, bookmarks=False)

    # The contents with stand-in numbers first (its length is needed to number the pages),
    # then each section as soon as its articles are ready, so the pool starts at once.
    digits = documents.contents_digits(edition)
    guess_ticket = renderer.start(front({a.anchor: "8" * digits for s in headings for a in s.articles}, guess=True))
    tickets, views = [], []
    for section in edition.sections:
        view = section_view(section, kit, warnings)
        views.append(view)
        document = documents.edition_document(kit, edition, piece="sections", views=(view,))
        tickets.append(renderer.start(task("sections", document, furniture=False, bookmarks=False)))
    front_pages = renderer.wait([guess_ticket])[0].pages

    def furniture_task(plan: join.Plan, starts: list[int], group: tuple[int, int]) -> tuple[int, Task]:
        """The page furniture of sections first..last: their pages, and the blank page before
        the next section if there is one. Returns its first page and the task."""
        first, last = group
        low = 0 if first == 0 else starts[first]
        end = starts[last] + sections[last].pages
        # ... and the blank page a right-hand start puts before the next section.
        high = len(plan.layout) if last == len(tickets) - 1 else end + (end % 2 if right else 0)
        furniture = []
        for kind, where in plan.layout[low:high] + (("blank", None),) * (high - len(plan.layout)):
            if kind == "section":
                index, page = where  # type: ignore[misc]
                furniture.append(
                    documents.PageFurniture(views[index].name, page in sections[index].blanks, opening=page == 0)
                )
            else:
                furniture.append(documents.PageFurniture("", True))
        document = documents.furniture_document(kit, edition, furniture, first=low)
        return low, task("furniture", document, bookmarks=False)

    # The page furniture of every FURNITURE_PAGES or so is asked for as soon as its sections
    # are done, numbered after the estimated contents; a worker with no section left to
    # render makes it while the other sections finish. The rest is done once the last section
    # is, alongside the contents' final numbers.
    sections: list[Piece] = []
    groups: list[tuple[int, int]] = []
    made: dict[tuple[int, int], tuple[int, int, int]] = {}  # group: (front pages, first page, ticket)

    def furnish(plan: join.Plan, starts: list[int]) -> None:
        for group in groups:
            if group not in made or made[group][0] != front_pages:
                low, furniture = furniture_task(plan, starts, group)
                made[group] = (front_pages, low, renderer.start(furniture, stage="contents", priority=2))

    first = 0
    for index, ticket in enumerate(tickets):
        sections += renderer.wait([ticket])
        if sum(piece.pages for piece in sections[first:]) >= FURNITURE_PAGES or index == len(tickets) - 1:
            groups.append((first, index))
            first = index + 1
            if renderer.unfinished(tickets):  # else the final contents go first
                furnish(*_plan(front_pages, sections, right=right))

    # The contents' final numbers. If they change the length of the contents (rare), the
    # contents and the furniture are done again; should they still not settle after three
    # tries, the contents only get more room from then on, and room they leave is blank
    # pages, so this always ends.
    tries = 0
    while True:
        plan, starts = _plan(front_pages, sections, right=right)
        numbers = {
            article.anchor: documents.number(start + piece.anchors[article.anchor][0] + 1, digits)
            for view, piece, start in zip(views, sections, starts)
            for article in view.articles
        }
        front_ticket = renderer.start(front(numbers), stage="contents", priority=0)
        furnish(plan, starts)
        front_piece = renderer.wait([front_ticket])[0]
        if front_piece.pages == front_pages:
            break
        tries += 1
        if front_piece.pages < front_pages and tries >= 3:
            plan, starts = _plan(front_pages, sections, front_piece.pages, right=right)
            break
        front_pages = front_piece.pages
    overlays = renderer.wait([made[group][2] for group in groups])
    furniture = [
        join.Furniture(piece.data, made[group][1], documents.furniture_lead(made[group][1]))
        for group, piece in zip(groups, overlays)
    ]
    all_pieces = [*sections, front_piece, *overlays]

    bookmarks, links = [], []
    for view, piece, start in zip(views, sections, starts):
        children = []
        for article in view.articles:
            page, left, top, _right, _bottom = piece.anchors[article.anchor]
            children.append(join.Bookmark(article.title, start + page, top * PX))
            if f"toc-{article.anchor}" in front_piece.anchors:
                toc_page, x1, y1, x2, y2 = front_piece.anchors[f"toc-{article.anchor}"]
                links.append(
                    join.Link(
                        toc_page, (x1 * PX, y1 * PX, x2 * PX, y2 * PX), start + page, top * PX,
                        left * PX + (shift if start % 2 and (start + page) % 2 else -shift if start % 2 else 0.0),
                    )  # fmt: skip
                )
        page, _left, top, _right, _bottom = piece.anchors.get(view.anchor, (0, 0.0, 0.0, 0.0, 0.0))
        bookmarks.append(join.Bookmark(view.name, start + page, top * PX, tuple(children)))

    # Keyed by what the pieces hold, not by their HTML: a piece made again because a file it read
    # changed has the same HTML.
    joined = hashlib.sha256(tool_versions().encode())
    for piece in all_pieces:
        joined.update(hashlib.sha256(piece.data).digest())
    joined_key = joined.hexdigest()
    hit = cache.get("merged", joined_key)
    if renderer.progress:
        renderer.progress("merge", 0, 1)
    if hit is not None:
        data = hit[0]
    else:
        data = join.assemble(
            front_piece.data, [p.data for p in sections], plan, furniture, bookmarks, links, kit.fonts, shift
        )
        cache.put("merged", joined_key, data, {"pages": len(plan.layout)})
    if renderer.progress:
        renderer.progress("merge", 1, 1)
    return Result(
        data, len(plan.layout), tuple(warnings + renderer_warnings(all_pieces)), renderer.rendered, renderer.reused,
        frozenset(path for piece in all_pieces for path in piece.loaded),
    )  # fmt: skip
