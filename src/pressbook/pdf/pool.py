"""Rendering HTML documents to PDF pieces in a pool of processes, through the cache: the tasks,
the pieces they give, and the order in which the pool gets them."""

from __future__ import annotations

import concurrent.futures
import functools
import heapq
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..cache import Cache, file_digest, html_key

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Task:
    """One HTML document to render."""

    kind: str  # "full", "front", "sections" or "furniture"
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
    loaded: tuple[Path, ...] = ()  # every local file the render read


def _render(task: Task) -> dict[str, Any]:
    """Render in whatever process runs this (a pool worker or this one)."""
    from . import weasy  # WeasyPrint is imported where rendering happens, not before

    started = time.perf_counter()
    result = weasy.render_pdf(
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
        # Every file the render read, with its digest: the piece is good while they are unchanged.
        "loaded": [[path, file_digest(Path(path))] for path in result.loaded],
        "seconds": round(time.perf_counter() - started, 3),
        # When it ran (epoch seconds): kept with the cached piece, to study a build's timeline.
        "wall": [round(time.time() - (time.perf_counter() - started), 3), round(time.time(), 3)],
        "kind": task.kind,
        "data": result.data,
    }


_settled = False


def settle() -> None:
    """Once in a worker process, before its first render: put every object the process holds so
    far out of the garbage collector's sight (`gc.freeze`). They live as long as the worker: the
    modules it imported, a Dask worker's own state, the articles a forked pool worker inherited.
    A render makes a great many objects, and each full collection it sets off would walk all of
    these again. Objects made later are collected as usual; those frozen are still freed when
    nothing refers to them (only a cycle among them stays).

    Measured on the 1,200-article year of monthly editions (benchmarks/cluster.py, 3 rounds):
    the local build's median went from 56.7 to 54.9 s, the Dask build's from 63.0 to 58.3 s."""
    global _settled
    if not _settled:
        import gc

        gc.collect()
        gc.freeze()
        _settled = True


def _worker_render(task: Task) -> dict[str, Any]:
    """`_render` in a pool worker (settled first)."""
    settle()
    return _render(task)


def worker_context() -> multiprocessing.context.BaseContext:
    """How pool workers are started. Forking this process is quickest (a worker starts with all it
    has imported) but safe only while it runs no other thread: a lock another thread holds would
    be copied into the worker, held for ever. So workers are forked when this is the only thread
    (the CLI starts the pool before its progress bars), and otherwise started from a fork server,
    a single-threaded process started for this purpose (about 0.15 s more per build, measured)."""
    methods = multiprocessing.get_all_start_methods()
    if threading.active_count() == 1 and "fork" in methods:
        return multiprocessing.get_context("fork")
    if "forkserver" not in methods:
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # The server loads the pool's module once; each worker forked from it starts with it loaded.
    context.set_forkserver_preload([__name__])
    return context


def stop_workers(pool: concurrent.futures.ProcessPoolExecutor) -> None:
    """Stop a pool's worker processes at once, even those busy with a task.

    Python has no public way to do this before 3.14, nor to end the wait of the pool's own thread
    for the rest of a result that a stopped worker was half-way through sending (that thread would
    wait for ever, and `shutdown` with it): this function is the one place that reaches into the
    pool for both, and tests/test_pieces.py fails if either stops working."""
    processes = list(pool._processes.values())  # noqa: SLF001 - see the docstring
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=10)
    # With every worker gone, closing this process's end of the result pipe leaves it with no
    # writer: a half-read result ends there instead of being waited for.
    pool._result_queue._writer.close()  # noqa: SLF001


def _worker_start(build: int, method: str) -> None:
    """Pool workers leave Ctrl-C and kill to the parent, which stops them itself; and they end
    when the build that started them ends, however it ends (see _end_with)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _end_with(build, method)


PARENT_POLL_SECONDS = 0.5


def _end_with(build: int, method: str) -> None:
    """Make this worker exit when the build process `build` dies, even by `kill -9`, which gives
    the build no chance to stop its workers (they would live on, 95 MB each, for good).

    On Linux the kernel kills the worker when its parent dies (PR_SET_PDEATHSIG): the build when
    the worker was forked from it, else the fork server. Everywhere, a watchdog thread polls that
    the worker's parent is still the one it started with and that the build is alive (the sentinel
    multiprocessing gives every child: a pipe only the build writes to); it also covers a parent
    that died before the kernel was asked to watch it. A fork server exits by itself once the
    build and all the workers it made are gone (each holds a pipe it watches), so it goes with
    them."""
    parent = build if method == "fork" else os.getppid()
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            # The kernel's "parent" is the thread that forked the worker: the pool is made, fed and
            # closed by the thread that runs the build, so it outlives every worker it forked.
            pr_set_pdeathsig = 1
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # no prctl: the watchdog alone
    origin = multiprocessing.parent_process()

    def orphaned() -> bool:
        return os.getppid() != parent or (origin is not None and not origin.is_alive())

    def watch() -> None:
        while not orphaned():
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    if orphaned():
        os._exit(1)
    threading.Thread(target=watch, name="pressbook-watch-build", daemon=True).start()


def _warm() -> None:
    """Import the renderer in a pool worker while the parent is still preparing the HTML."""
    from . import weasy  # noqa: F401


def _piece(key: str, data: bytes, meta: dict[str, Any]) -> Piece:
    return Piece(
        key=key,
        data=data,
        pages=int(meta["pages"]),
        anchors={k: tuple(v) for k, v in meta["anchors"].items()},  # type: ignore[misc]
        blanks=tuple(meta["blanks"]),
        warnings=tuple(meta["warnings"]),
        refused=tuple(meta["refused"]),
        loaded=tuple(Path(path) for path, _ in meta.get("loaded", [])),
    )


def _cached_piece(key: str, data: bytes, meta: dict[str, Any]) -> Piece | None:
    """The piece a cache record holds, if it is whole, of the right shape and still good (a
    damaged record is rendered again, never an error)."""
    try:
        piece = _piece(key, data, meta)
        shapes = (
            piece.pages >= 0
            and all(isinstance(k, str) and len(v) == 5 and all(isinstance(n, (int, float)) for n in v)
                    for k, v in piece.anchors.items())
            and all(isinstance(n, int) for n in piece.blanks)
            and all(isinstance(s, str) for s in (*piece.warnings, *piece.refused))
        )  # fmt: skip
        return piece if shapes and _still_good(meta) else None
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        return None


def _still_good(meta: dict[str, Any]) -> bool:
    """Whether every file a cached piece read is as it was (a template may name a file that is
    not in the piece's HTML, such as a logo given by a relative address)."""
    try:
        return all(file_digest(Path(path)) == digest for path, digest in meta.get("loaded", []))
    except (OSError, TypeError, ValueError):
        return False


@dataclass
class Renderer:
    """Renders tasks through the cache, in a process pool when there are several and jobs > 1."""

    cache: Cache
    jobs: int
    progress: Progress | None = None
    rendered: int = 0
    reused: int = 0
    _pool: concurrent.futures.ProcessPoolExecutor | None = field(default=None, repr=False)
    _tickets: list[tuple[Task, str]] = field(default_factory=list, repr=False)  # (task, stage)
    _done: dict[int, Piece] = field(default_factory=dict, repr=False)
    _futures: dict[int, concurrent.futures.Future] = field(default_factory=dict, repr=False)
    _waiting: list[tuple[int, int]] = field(default_factory=list, repr=False)  # (priority, ticket)
    _queued: list[int] = field(default_factory=list, repr=False)
    _totals: dict[str, int] = field(default_factory=dict, repr=False)
    _counts: dict[str, int] = field(default_factory=dict, repr=False)

    def _executor(self) -> concurrent.futures.ProcessPoolExecutor:
        if self._pool is None:
            context = worker_context()
            self._pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=self.jobs, mp_context=context, initializer=_worker_start,
                initargs=(os.getpid(), context.get_start_method()),
            )  # fmt: skip
        return self._pool

    def _pooled(self) -> bool:
        """Whether tasks go to the workers (else they are rendered here, one by one)."""
        return self.jobs > 1

    def _submit(self, task: Task) -> concurrent.futures.Future:
        """Hand one task to the workers (a cluster's renderer sends it packed, see cluster.py)."""
        return self._executor().submit(_worker_render, task)

    def _result(self, future: concurrent.futures.Future) -> dict[str, Any]:
        """A finished task's result (a cluster's renderer puts its failures in a user's words)."""
        return future.result()

    def warm(self) -> None:
        """Start the workers now, so that their start-up overlaps with preparing the HTML."""
        if self.jobs > 1:
            pool = self._executor()
            for _ in range(self.jobs):
                pool.submit(_warm)

    def close(self) -> None:
        """Stop the workers at once. Every piece asked for has been collected (or, when the
        build was interrupted, is simply lost), so a worker still starting up has nothing left
        to do."""
        if self._pool is not None:
            stop_workers(self._pool)
            # The workers are gone, so waiting for the pool's own thread is short; not waiting
            # would leave it to write to a closed pipe while the interpreter exits.
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def start(self, task: Task, stage: str = "render", priority: int = 1) -> int:
        """Begin a task (from the cache, in the pool, or queued to run here); returns its ticket.

        The pool is fed one task per worker: waiting tasks of a lower `priority` number go
        first (0 for what the build waits on at the end, 1 for sections, 2 for work that only
        fills a worker that would otherwise be idle), in the order started among equals."""
        ticket = len(self._tickets)
        key = task.key
        self._tickets.append((task, stage))
        self._totals[stage] = self._totals.get(stage, 0) + 1
        hit = self.cache.get("pdf", key)
        cached = _cached_piece(key, *hit) if hit is not None else None
        if cached is not None:
            self._done[ticket] = cached
            self.reused += 1
            self._tick(stage)
        elif self._pooled():
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
            self._futures[ticket] = self._submit(self._tickets[ticket][0])
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
        task, stage = self._tickets[ticket]
        data = result.pop("data")
        self.cache.put("pdf", task.key, data, result)
        self._done[ticket] = _piece(task.key, data, result)
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
                self._finish(running[future], self._result(future))
        for ticket in tickets:
            if ticket not in self._done:
                self._queued.remove(ticket)
                self._finish(ticket, _render(self._tickets[ticket][0]))
        return [self._done[t] for t in tickets]

    def run(self, tasks: Sequence[Task], stage: str = "render") -> list[Piece]:
        """Every task's piece, in order; cached pieces are not rendered again."""
        return self.wait([self.start(task, stage) for task in tasks])


def start_renderer(
    cache: Cache, jobs: int | None, progress: Progress | None, cluster: str | None = None
) -> Renderer:
    """A renderer for one build. Its workers start at once, so that their start-up (importing
    WeasyPrint) overlaps with reading the articles and writing the HTML.

    With `cluster` (a Dask scheduler's address, `tcp://host:port`) the pieces are rendered by
    that cluster's workers, as many at a time as they have threads (`jobs` is not used); Dask
    is imported only then (pdf/cluster.py)."""
    if cluster is not None:
        from .cluster import cluster_renderer

        renderer: Renderer = cluster_renderer(cache, cluster, progress)
        renderer.warm()
        return renderer
    renderer = Renderer(cache, max(1, jobs or os.cpu_count() or 1), progress)
    renderer.warm()
    return renderer
