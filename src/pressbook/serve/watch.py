"""The newsroom's files watched (watchfiles): every save is told to the open pages, which update
themselves (server-sent events)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from ..config import Project


class Changes:
    """Who listens for saved files, and the task telling them."""

    def __init__(self, project: Project, forget: Callable[[set[Path]], None]) -> None:
        self.project = project
        self.forget = forget  # what the server kept that the change makes stale
        self.listeners: set[asyncio.Queue[str]] = set()
        self.task: asyncio.Task[None] | None = None
        self.stop = asyncio.Event()

    def watched(self) -> list[Path]:
        project = self.project
        return [p for p in (project.config_path, project.articles_dir, project.layouts_dir, project.fonts_dir,
                            project.issues_dir) if p.exists()]  # fmt: skip

    async def run(self) -> None:
        from watchfiles import awatch

        # Told within a tenth of a second of the save, not watchfiles' default 1.6 s.
        async for batch in awatch(*self.watched(), debounce=50, step=20, stop_event=self.stop, recursive=True):
            paths = {Path(path) for _change, path in batch}
            self.forget(paths)
            said = json.dumps({"changed": sorted(self.project.relative(p).as_posix() for p in paths)})
            for queue in list(self.listeners):
                queue.put_nowait(said)

    def start(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self.run())

    async def close(self) -> None:
        self.stop.set()
        if self.task is not None:
            self.task.cancel()

    async def events(self) -> AsyncIterator[str]:
        """Server-sent events: one `changed` event for each batch of saved files."""
        queue: asyncio.Queue[str] = asyncio.Queue()
        self.listeners.add(queue)
        try:
            yield "retry: 500\n\n"
            while True:
                try:
                    said = await asyncio.wait_for(queue.get(), timeout=15)
                except asyncio.TimeoutError:
                    yield ": still here\n\n"  # keeps proxies and the browser from closing it
                    continue
                yield f"event: changed\ndata: {said}\n\n"
        finally:
            self.listeners.discard(queue)
