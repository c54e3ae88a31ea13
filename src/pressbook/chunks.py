"""The print edition in pieces: each section rendered on its own, in a pool of processes and
remembered in the cache, then joined into one PDF that reads exactly like a single render.

Sections start on a right-hand page in layouts that allow pieces, so a section's pages do not
depend on anything before it: only their page numbers and running heads do, and those are laid
over the pages afterwards (the layout's own @page rules, rendered once the numbers are known).
Layouts without such breaks are rendered whole (and still cached)."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import functools
import hashlib
import heapq
import multiprocessing
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import fonts as fontlib
from . import layouts, merge, render
from .cache import Cache, html_key, tool_versions
from .config import Project
from .edition import Edition
from .errors import EditionError, Problem

if TYPE_CHECKING:
    from . import pdf

Progress = Callable[[str, int, int], None]
PX = merge.PT_PER_PX


@dataclass(frozen=True)
class Task:
    """One HTML document to render."""

    kind: str  # "full", "front", "chunk" or "furniture"
    html: str
    base_url: str
    readable: tuple[Path, ...]
    furniture: bool = True
    bookmarks: bool = True
    variant: str | None = None  # a WeasyPrint PDF variant such as "pdf/a-3b"

    @functools.cached_property
    def key(self) -> str:
        """The cache key of this render (computed once, and sent along to the worker)."""
        options = {"furniture": self.furniture, "bookmarks": self.bookmarks, "variant": self.variant}
        return html_key(self.kind, self.html, self.readable, options)


@dataclass(frozen=True)
class Piece:
    """A rendered document and what the joining needs to know about it."""

    key: str
    data: bytes
    pages: int
    anchors: dict[str, tuple[int, float, float, float, float]]
    blanks: tuple[int, ...]
    warnings: tuple[str, ...]
    refused: tuple[str, ...]
    cached: bool = False


def _render(task: Task) -> dict[str, Any]:
    """Render in whatever process runs this (a pool worker or this one)."""
    from . import pdf  # WeasyPrint is imported where rendering happens, not before

    started = time.perf_counter()
    result = pdf.render_pdf(
        task.html,
        base_url=task.base_url,
        readable=task.readable,
        identifier=task.key[:32].encode(),
        furniture=task.furniture,
        bookmarks=task.bookmarks,
        variant=task.variant,
    )
    return {
        "pages": result.pages,
        "anchors": result.anchors,
        "blanks": list(result.blanks),
        "warnings": list(result.warnings),
        "refused": list(result.refused),
        "seconds": round(time.perf_counter() - started, 3),
        # When it ran (epoch seconds): kept with the cached piece, to study a build's timeline.
        "wall": [round(time.time() - (time.perf_counter() - started), 3), round(time.time(), 3)],
        "kind": task.kind,
        "data": result.data,
    }


def _worker_start() -> None:
    """Pool workers leave Ctrl-C and kill to the parent, which stops them itself."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _warm() -> None:
    """Import the renderer in a pool worker while the parent is still preparing the HTML."""
    from . import pdf  # noqa: F401


def _piece(key: str, data: bytes, meta: dict[str, Any], cached: bool) -> Piece:
    return Piece(
        key=key,
        data=data,
        pages=int(meta["pages"]),
        anchors={k: tuple(v) for k, v in meta["anchors"].items()},  # type: ignore[misc]
        blanks=tuple(meta["blanks"]),
        warnings=tuple(meta["warnings"]),
        refused=tuple(meta["refused"]),
        cached=cached,
    )


@dataclass
class Renderer:
    """Renders tasks through the cache, in a process pool when there are several and jobs > 1."""

    cache: Cache
    jobs: int
    progress: Progress | None = None
    rendered: int = 0
    reused: int = 0
    _pool: concurrent.futures.ProcessPoolExecutor | None = field(default=None, repr=False)
    _tickets: list[tuple[Task, str, str]] = field(default_factory=list, repr=False)
    _done: dict[int, Piece] = field(default_factory=dict, repr=False)
    _futures: dict[int, concurrent.futures.Future] = field(default_factory=dict, repr=False)
    _waiting: list[tuple[int, int]] = field(default_factory=list, repr=False)  # (priority, ticket)
    _queued: list[int] = field(default_factory=list, repr=False)
    _totals: dict[str, int] = field(default_factory=dict, repr=False)
    _counts: dict[str, int] = field(default_factory=dict, repr=False)

    def _executor(self) -> concurrent.futures.ProcessPoolExecutor:
        if self._pool is None:
            # fork: workers start at once and share what is already imported; WeasyPrint itself
            # is imported only inside them.
            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            self._pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=self.jobs, mp_context=multiprocessing.get_context(method), initializer=_worker_start
            )
        return self._pool

    def warm(self) -> None:
        """Start the workers now, so that their start-up overlaps with preparing the HTML."""
        if self.jobs > 1:
            pool = self._executor()
            for _ in range(self.jobs):
                pool.submit(_warm)

    def close(self, interrupted: bool = False) -> None:
        """Stop the workers at once. Every piece asked for has been collected (or, when
        interrupted, is simply lost), so a worker still starting up has nothing left to do."""
        if self._pool is not None:
            for process in list(getattr(self._pool, "_processes", {}).values()):
                process.terminate()
            self._pool.shutdown(wait=not interrupted, cancel_futures=True)
            self._pool = None

    def start(self, task: Task, stage: str = "render", priority: int = 1) -> int:
        """Begin a task (from the cache, in the pool, or queued to run here); returns its ticket.

        The pool is fed a few tasks at a time: waiting tasks of a lower `priority` number go
        first (0 for what the build waits on at the end, 1 for sections, 2 for work that only
        fills a worker that would otherwise be idle), in the order started among equals."""
        ticket = len(self._tickets)
        key = task.key
        self._tickets.append((task, key, stage))
        self._totals[stage] = self._totals.get(stage, 0) + 1
        hit = self.cache.get("pdf", key)
        if hit is not None:
            self._done[ticket] = _piece(key, hit[0], hit[1], True)
            self.reused += 1
            self._tick(stage)
        elif self.jobs > 1:
            heapq.heappush(self._waiting, (priority, ticket))
            self._feed()
        else:
            self._queued.append(ticket)
        return ticket

    def _feed(self) -> None:
        """Hand waiting tasks to the pool until every worker has one (no more: a task started
        later with a lower priority number must not wait behind one queued early)."""
        busy = sum(1 for future in self._futures.values() if not future.done())
        while self._waiting and busy < self.jobs:
            *_, ticket = heapq.heappop(self._waiting)
            self._futures[ticket] = self._executor().submit(_render, self._tickets[ticket][0])
            busy += 1

    def unfinished(self, tickets: Sequence[int]) -> int:
        """How many of these tickets are still waiting or rendering."""
        return sum(
            1 for t in tickets if t not in self._done and not (t in self._futures and self._futures[t].done())
        )

    def _tick(self, stage: str) -> None:
        self._counts[stage] = self._counts.get(stage, 0) + 1
        if self.progress:
            self.progress(stage, self._counts[stage], self._totals[stage])

    def _finish(self, ticket: int, result: dict[str, Any]) -> None:
        task, key, stage = self._tickets[ticket]
        data = result.pop("data")
        self.cache.put("pdf", key, data, result)
        self._done[ticket] = _piece(key, data, result, False)
        self.rendered += 1
        self._tick(stage)

    def wait(self, tickets: Sequence[int]) -> list[Piece]:
        """The pieces of these tickets, once rendered."""
        while any(t not in self._done and t not in self._queued for t in tickets):
            self._feed()
            running = {future: ticket for ticket, future in self._futures.items()}
            finished, _ = concurrent.futures.wait(running, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in sorted(finished, key=running.__getitem__):
                del self._futures[running[future]]
                self._finish(running[future], future.result())
        for ticket in tickets:
            if ticket not in self._done:
                self._queued.remove(ticket)
                self._finish(ticket, _render(self._tickets[ticket][0]))
        return [self._done[t] for t in tickets]

    def run(self, tasks: Sequence[Task], stage: str = "render") -> list[Piece]:
        """Every task's piece, in order; cached pieces are not rendered again."""
        return self.wait([self.start(task, stage) for task in tasks])


@dataclass(frozen=True)
class Result:
    """The edition's PDF, its page count, and what was said on the way."""

    data: bytes
    pages: int
    warnings: tuple[Problem, ...]
    rendered: int
    reused: int


def start_renderer(cache: Cache, jobs: int | None, progress: Progress | None) -> Renderer:
    """A renderer for one build. Its workers start at once, so that their start-up (importing
    WeasyPrint) overlaps with reading the articles and writing the HTML."""
    renderer = Renderer(cache, max(1, jobs or os.cpu_count() or 1), progress)
    renderer.warm()
    return renderer


_LEADER = re.compile(r"leader\([^)]*\)")
# About this many pages of page furniture are rendered as one document, as soon as their sections are.
FURNITURE_PAGES = 32


def chunkable(layout: layouts.Layout, edition: Edition) -> bool:
    """Whether the layout starts every section on a right-hand page (so sections can be pieces)."""
    return layout.chunks and layout.style.get("section_break") == "right" and len(edition.sections) > 1


def renderer_warnings(pieces: Sequence[Piece | pdf.Rendered]) -> list[Problem]:
    """What the renderer refused or complained about while making `pieces`, as warnings."""
    found = []
    for piece in pieces:
        # Pictures are checked before the HTML is made; anything refused here slipped past that.
        for url in dict.fromkeys(piece.refused):
            found.append(Problem(f"the renderer was refused '{url[:100]}' (outside the project)", severity="warning"))
        for message in piece.warnings:
            if not any(url[:60] in message for url in piece.refused):
                found.append(Problem(f"renderer: {message}", severity="warning"))
    return found


def _plan(front_pages: int, chunks: Sequence[Piece], front_used: int | None = None) -> tuple[merge.Plan, list[int]]:
    """Where every page comes from, and the first page (0-based) of each chunk.

    The front matter has `front_pages` places; when its final render is shorter (`front_used`),
    the places it leaves are blank pages."""
    used = front_pages if front_used is None else front_used
    layout: list[tuple[str, object]] = [("front", i) if i < used else ("blank", None) for i in range(front_pages)]
    starts = []
    for index, chunk in enumerate(chunks):
        if len(layout) % 2 == 1:  # the next page would be a left-hand page
            layout.append(("blank", None))
        starts.append(len(layout))
        layout += [("chunk", (index, page)) for page in range(chunk.pages)]
    return merge.Plan(tuple(layout)), starts


def build_pdf(
    project: Project,
    edition: Edition,
    layout: layouts.Layout,
    fonts: fontlib.FontSet,
    *,
    renderer: Renderer,
    variant: str | None = None,
) -> Result:
    """The edition's PDF, rendered in pieces where the layout allows it (the caller closes `renderer`)."""
    cache = renderer.cache
    problems = render.glyph_problems(edition.articles, fonts, edition)
    if problems:
        raise EditionError(problems=problems)
    warnings: list[Problem] = []

    def task(kind: str, document: render.Document, furniture: bool = True, bookmarks: bool = True) -> Task:
        return Task(kind, document.html, document.base_url, document.readable, furniture, bookmarks, variant)

    try:
        # An archival or tagged variant is made by WeasyPrint from the whole document at once.
        if variant or not chunkable(layout, edition):
            views = tuple(render.section_view(project, s, layout, warnings) for s in edition.sections)
            document = render.edition_document(project, edition, layout, fonts, views=views)
            warnings += document.warnings
            piece = renderer.run([task("full", document)])[0]
            return Result(piece.data, piece.pages, tuple(warnings + renderer_warnings([piece])), renderer.rendered, renderer.reused)

        headings = tuple(render.section_view(project, s, layout, [], body=False) for s in edition.sections)

        def front(pages: dict[str, str], guess: bool = False) -> Task:
            document = render.edition_document(
                project, edition, layout, fonts, part="front", pages=pages, views=headings
            )
            warnings.extend(w for w in document.warnings if w not in warnings)
            if guess:
                # Only its length is wanted: dots of fixed width instead of leaders, which
                # WeasyPrint lays out slowly (half the time of a long contents, the same pages).
                document = dataclasses.replace(document, html=_LEADER.sub('". . "', document.html))
            return task("front", document, bookmarks=False)

        # The contents with stand-in numbers first (its length is needed to number the pages),
        # then each section as soon as its articles are ready, so the pool starts at once.
        digits = 4 if len(edition.articles) > 150 else 3
        guess_ticket = renderer.start(front({a.anchor: "8" * digits for s in headings for a in s.articles}, guess=True))
        tickets, views = [], []
        for section in edition.sections:
            view = render.section_view(project, section, layout, warnings)
            views.append(view)
            document = render.edition_document(
                project, edition, layout, fonts, part="chunk", sections=[view.name], views=(view,)
            )
            tickets.append(renderer.start(task("chunk", document, furniture=False, bookmarks=False)))
        front_pages = renderer.wait([guess_ticket])[0].pages

        def furniture_task(plan: merge.Plan, starts: list[int], group: tuple[int, int]) -> tuple[int, Task]:
            """The page furniture of sections first..last: their pages, and the blank page before
            the next section if there is one. Returns its first page and the task."""
            first, last = group
            low = 0 if first == 0 else starts[first]
            end = starts[last] + chunks[last].pages
            high = len(plan.layout) if last == len(tickets) - 1 else end + end % 2
            furniture = []
            for kind, where in plan.layout[low:high] + (("blank", None),) * (high - len(plan.layout)):
                if kind == "chunk":
                    chunk, page = where  # type: ignore[misc]
                    furniture.append(render.PageFurniture(views[chunk].name, page in chunks[chunk].blanks))
                else:
                    furniture.append(render.PageFurniture("", True))
            document = render.furniture_document(project, edition, layout, fonts, furniture, first=low)
            return low, task("furniture", document, bookmarks=False)

        # The page furniture of every FURNITURE_PAGES or so is asked for as soon as its sections
        # are done, numbered after the estimated contents; a worker with no section left to
        # render makes it while the other sections finish. The rest is done once the last section
        # is, alongside the contents' final numbers.
        chunks: list[Piece] = []
        groups: list[tuple[int, int]] = []
        made: dict[tuple[int, int], tuple[int, int, int]] = {}  # group: (front pages, first page, ticket)

        def furnish(plan: merge.Plan, starts: list[int]) -> None:
            for group in groups:
                if group not in made or made[group][0] != front_pages:
                    low, furniture = furniture_task(plan, starts, group)
                    made[group] = (front_pages, low, renderer.start(furniture, stage="contents", priority=2))

        first = 0
        for index, ticket in enumerate(tickets):
            chunks += renderer.wait([ticket])
            if sum(c.pages for c in chunks[first:]) >= FURNITURE_PAGES or index == len(tickets) - 1:
                groups.append((first, index))
                first = index + 1
                if renderer.unfinished(tickets):  # else the final contents go first
                    furnish(*_plan(front_pages, chunks))

        # The contents' final numbers. If they change the length of the contents (rare), the
        # contents and the furniture are done again; should they still not settle after three
        # tries, the contents only get more room from then on, and room they leave is blank
        # pages, so this always ends.
        tries = 0
        while True:
            plan, starts = _plan(front_pages, chunks)
            numbers = {
                article.anchor: str(start + chunk.anchors[article.anchor][0] + 1)
                for section, chunk, start in zip(views, chunks, starts)
                for article in section.articles
            }
            front_ticket = renderer.start(front(numbers), stage="contents", priority=0)
            furnish(plan, starts)
            front_piece = renderer.wait([front_ticket])[0]
            if front_piece.pages == front_pages:
                break
            tries += 1
            if front_piece.pages < front_pages and tries >= 3:
                plan, starts = _plan(front_pages, chunks, front_piece.pages)
                break
            front_pages = front_piece.pages
        overlays = renderer.wait([made[group][2] for group in groups])
        furniture = [
            merge.Furniture(piece.data, made[group][1], render.FURNITURE_LEAD if made[group][1] else 0)
            for group, piece in zip(groups, overlays)
        ]
        all_pieces = [*chunks, front_piece, *overlays]

        bookmarks, links = [], []
        for section, chunk, start in zip(views, chunks, starts):
            children = []
            for article in section.articles:
                page, left, top, _, _ = chunk.anchors[article.anchor]
                children.append(merge.Bookmark(article.title, start + page, top * PX))
                if f"toc-{article.anchor}" in front_piece.anchors:
                    toc_page, x1, y1, x2, y2 = front_piece.anchors[f"toc-{article.anchor}"]
                    links.append(
                        merge.Link(toc_page, (x1 * PX, y1 * PX, x2 * PX, y2 * PX), start + page, top * PX, left * PX)
                    )
            page, _, top, _, _ = chunk.anchors.get(section.anchor, (0, 0.0, 0.0, 0.0, 0.0))
            bookmarks.append(merge.Bookmark(section.name, start + page, top * PX, tuple(children)))

        merged_key = hashlib.sha256(("\n".join([tool_versions(), *(p.key for p in all_pieces)])).encode()).hexdigest()
        hit = cache.get("merged", merged_key)
        if renderer.progress:
            renderer.progress("merge", 0, 1)
        if hit is not None:
            data = hit[0]
        else:
            data = merge.assemble(front_piece.data, [c.data for c in chunks], plan, furniture, bookmarks, links, fonts)
            cache.put("merged", merged_key, data, {"pages": len(plan.layout)})
        if renderer.progress:
            renderer.progress("merge", 1, 1)
        return Result(data, len(plan.layout), tuple(warnings + renderer_warnings(all_pieces)), renderer.rendered, renderer.reused)
    except BaseException:
        renderer.close(interrupted=True)
        raise
