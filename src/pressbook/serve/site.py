"""`pressbook serve`: the newsroom in a browser (Starlette): its editions by month, an edition's
articles and contents, each article as the print layout sets it with what `check` says of it,
live while it is edited; "In bài viết" for its print PDF; Build for an edition's PDF and EPUB.

Safe by default: only the project's own files and its outputs are served, by names the server
checks (never a path given by the browser as it is); anything that changes something is a POST
carrying the token of the page that asked."""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import threading
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from .. import build as builder
from ..articles import load_articles, read_article
from ..config import Project, load_project
from ..errors import PressbookError, Problem
from ..html import layouts
from ..interface import N_
from . import render
from .watch import Changes

_SCRIPT = Path(__file__).with_name("live.js")
# What a page's print HTML loads from the project: fonts, pictures, style sheets; nothing else.
_ASSETS = {".ttf", ".otf", ".woff", ".woff2", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".css"}

# What the pages may load: their own files only; no script but the server's own.
_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'"
)
_HEADERS = {"Content-Security-Policy": _POLICY, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}

# Words of the server's pages, in the paper's language (the catalog the layouts use).
WORDS = {
    "editions": N_("Editions"),
    "articles": N_("articles"),
    "problems": N_("problems"),
    "no_problems": N_("no problems"),
    "print": N_("Print this article"),
    "build": N_("Build PDF and EPUB"),
    "building": N_("Building…"),
    "built": N_("Built"),
    "pages": N_("Pages"),
    "back": N_("All editions"),
    "live": N_("Updates by itself when a file is saved."),
    "not_found": N_("Not found"),
    "broken": N_("This article cannot be read"),
    "contents": N_("Contents"),
}


@dataclass
class _Build:
    """One build started from the browser: its progress and outcome, told to whoever listens."""

    issue: str
    said: list[str] = field(default_factory=list)
    listeners: set[asyncio.Queue[str]] = field(default_factory=set)


class Newsroom:
    """The server's state: the project, its warm printer, its watcher, the builds in flight."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.token = secrets.token_urlsafe(24)
        self.printer: render.Printer | None = None
        self.changes: Changes | None = None
        self.builds: dict[str, _Build] = {}
        self.building = threading.Lock()
        self.loop: asyncio.AbstractEventLoop | None = None

    @property
    def project(self) -> Project:
        return load_project(self.root)  # read again each time: pressbook.toml may have changed

    def forget(self, paths: set[Path]) -> None:
        if self.printer is not None and any(p.suffix != ".md" for p in paths):
            self.printer.forget()

    # --- pages ---------------------------------------------------------------------------

    def page(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        project = self.project
        language = project.config.publication.language
        env = layouts.environment(project.layouts_dir, language)
        from .. import i18n

        words = i18n.translations(language)
        html = layouts.render(env, f"serve/{template}", {
            "pub": project.config.publication, "token": self.token,
            "words": {key: words.gettext(value) for key, value in WORDS.items()}, **context,
        })  # fmt: skip
        return HTMLResponse(html, status_code=status, headers=_HEADERS)

    def not_found(self) -> HTMLResponse:
        return self.page("error.html", status=404, problems=[])

    # --- the article a URL names ---------------------------------------------------------

    def article_path(self, rel: str) -> Path | None:
        """The article file `rel` names (2017/01/slug), only inside articles/ and never through
        a link leading out; None for anything else."""
        parts = rel.split("/")
        if not rel or any(p in ("", ".", "..") or p.startswith(".") or "\\" in p or "\x00" in p for p in parts):
            return None
        folder = self.project.articles_dir
        path = folder.joinpath(*parts).with_suffix(".md") if not rel.endswith(".md") else folder.joinpath(*parts)
        try:
            if not path.is_file() or not path.resolve().is_relative_to(folder.resolve()):
                return None
        except (OSError, RuntimeError):
            return None
        return path


def _month(article: Any, tz: Any) -> str:
    return f"{article.date.astimezone(tz):%Y-%m}"


def make_app(root: Path) -> Starlette:
    """The web application over the newsroom at `root`."""
    room = Newsroom(root)

    async def home(request: Request) -> Response:
        project = room.project
        loaded = await asyncio.to_thread(load_articles, project.articles_dir, project.config.tz, project.root)
        months: dict[str, list[Any]] = defaultdict(list)
        for article in loaded.articles:
            months[_month(article, project.config.tz)].append(article)
        broken = defaultdict(int)
        for problem in loaded.problems:
            broken[_month_of_path(project, problem.path)] += 1
        editions = [{"issue": m, "count": len(months[m]), "problems": broken.get(m, 0)} for m in sorted(months, reverse=True)]
        loose = [p.format(project.root) for p in loaded.problems if _month_of_path(project, p.path) not in months]
        return room.page("home.html", editions=editions, loose=loose)

    async def edition(request: Request) -> Response:
        issue = request.path_params["issue"]
        project = room.project
        try:
            selected = await asyncio.to_thread(builder.load_edition, project, issue, skip_invalid=True)
        except PressbookError as exc:
            return room.page("error.html", status=404, problems=[p.format(project.root) for p in exc.problems])
        edition = selected.edition
        sections = [
            {"name": s.name, "articles": [{"title": a.title, "href": _href(project, a.path)} for a in s.articles]}
            for s in edition.sections
        ]
        pdf = _output(project, issue, "pdf")
        pages = _page_count(pdf) if pdf else 0
        return room.page(
            "edition.html", issue=issue, title=edition.title, sections=sections, pages=range(1, pages + 1),
            problems=[p.format(project.root) for p in selected.problems], outputs=_outputs(project, issue),
        )  # fmt: skip

    async def article(request: Request) -> Response:
        path = room.article_path(request.path_params["rel"])
        if path is None:
            return room.not_found()
        project = room.project
        found, problems = await asyncio.to_thread(render.article_problems, project, path)
        rel = request.path_params["rel"]
        return room.page(
            "article.html", rel=rel, article=found, file=project.relative(path).as_posix(),
            problems=[_said(p, project) for p in problems],
        )  # fmt: skip

    async def preview(request: Request) -> Response:
        path = room.article_path(request.path_params["rel"])
        if path is None:
            return room.not_found()
        project = room.project
        try:  # the article alone: its checks are the article page's (run once a save)
            found = await asyncio.to_thread(read_article, path, project.config.tz)
            shown = await asyncio.to_thread(render.preview, project, found)
        except PressbookError as exc:
            return room.page("error.html", status=422, problems=[_said(p, project) for p in exc.problems])
        headers = {**_HEADERS, "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'unsafe-inline' 'self'; font-src 'self'"}
        return HTMLResponse(shown.html, headers=headers)

    async def printed(request: Request) -> Response:
        path = room.article_path(request.path_params["rel"])
        if path is None:
            return room.not_found()
        project = room.project
        if room.printer is None:
            room.printer = render.Printer()
        try:
            data = await asyncio.to_thread(room.printer.pdf, project, path)
        except PressbookError as exc:
            return room.page("error.html", status=422, problems=[_said(p, project) for p in exc.problems])
        name = quote(f"{path.stem}.pdf")
        return Response(data, media_type="application/pdf", headers={**_HEADERS, "Content-Disposition": f"inline; filename*=UTF-8''{name}"})

    async def readable(request: Request) -> Response:
        """A file the print HTML names (a font, a picture, the layout's CSS): only inside the
        folders the renderer may read for this project."""
        project = room.project
        folders = render.kit_for(project, "article").readable
        index, rel = request.path_params["n"], request.path_params["path"]
        if index >= len(folders) or Path(rel).suffix.lower() not in _ASSETS:
            return room.not_found()
        return _inside(folders[index], rel) or room.not_found()

    async def output(request: Request) -> Response:
        """An output of a build, from build/ only."""
        project = room.project
        return _inside(project.build_dir, request.path_params["path"]) or room.not_found()

    async def thumbnail(request: Request) -> Response:
        project = room.project
        pdf = _output(project, request.path_params["issue"], "pdf")
        if pdf is None:
            return room.not_found()
        try:
            png = await asyncio.to_thread(_thumbnail, pdf, request.path_params["n"])
        except (IndexError, ValueError, OSError):
            return room.not_found()
        return Response(png, media_type="image/png", headers=_HEADERS)

    async def start_build(request: Request) -> Response:
        from urllib.parse import parse_qs

        sent = parse_qs((await request.body())[:4096].decode("utf-8", "replace")).get("token", [""])[0]
        given = sent or request.headers.get("x-pressbook-token", "")
        if not secrets.compare_digest(given.encode(), room.token.encode()):
            return JSONResponse({"error": "missing or wrong token"}, status_code=403)
        issue = request.path_params["issue"]
        job = secrets.token_hex(8)
        room.builds[job] = _Build(issue)
        loop = asyncio.get_running_loop()
        threading.Thread(target=_run_build, args=(room, job, loop), daemon=True).start()
        return JSONResponse({"build": job, "events": f"/builds/{job}/events"})

    async def build_events(request: Request) -> Response:
        job = room.builds.get(request.path_params["job"])
        if job is None:
            return room.not_found()
        return StreamingResponse(_build_stream(job), media_type="text/event-stream", headers={"Cache-Control": "no-store"})

    async def script(request: Request) -> Response:
        return Response(_SCRIPT.read_text(encoding="utf-8"), media_type="text/javascript", headers=_HEADERS)

    async def events(request: Request) -> Response:
        assert room.changes is not None
        return StreamingResponse(room.changes.events(), media_type="text/event-stream", headers={"Cache-Control": "no-store"})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        room.loop = asyncio.get_running_loop()
        room.changes = Changes(room.project, room.forget)
        room.changes.start()
        room.printer = render.Printer()
        try:
            yield
        finally:
            await room.changes.close()
            room.printer.close()

    routes = [
        Route("/", home),
        Route("/e/{issue}", edition),
        Route("/e/{issue}/build", start_build, methods=["POST"]),
        Route("/e/{issue}/pages/{n:int}.png", thumbnail),
        Route("/builds/{job}/events", build_events),
        Route("/a/{rel:path}/print.pdf", printed),
        Route("/a/{rel:path}/preview", preview),
        Route("/a/{rel:path}", article),
        Route("/r/{n:int}/{path:path}", readable),
        Route("/files/{path:path}", output),
        Route("/events", events),
        Route("/static/live.js", script),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.room = room
    return app


# --- helpers -----------------------------------------------------------------------------------


def _said(problem: Problem, project: Project) -> dict[str, str]:
    return {"severity": problem.severity, "text": problem.format(project.root)}


def _href(project: Project, path: Path) -> str:
    rel = path.resolve().relative_to(project.articles_dir.resolve()).with_suffix("")
    return "/a/" + quote(rel.as_posix())


def _month_of_path(project: Project, path: Path | None) -> str:
    if path is None:
        return ""
    try:
        parts = path.resolve().relative_to(project.articles_dir.resolve()).parts
    except (ValueError, OSError):
        return ""
    return f"{parts[0]}-{parts[1]}" if len(parts) >= 3 else ""


def _inside(folder: Path, rel: str) -> FileResponse | None:
    """The file `rel` names inside `folder`, refusing '..', absolute paths, hidden files and links
    that lead out."""
    parts = rel.split("/")
    if not rel or any(p in ("", ".", "..") or p.startswith(".") or "\\" in p or "\x00" in p for p in parts):
        return None
    path = folder.joinpath(*parts)
    try:
        if not path.is_file() or not path.resolve().is_relative_to(folder.resolve()):
            return None
    except (OSError, RuntimeError):
        return None
    return FileResponse(path, headers=_HEADERS)


def _output(project: Project, issue: str, suffix: str) -> Path | None:
    folder = project.build_dir / issue
    if "/" in issue or ".." in issue or not folder.is_dir():
        return None
    stem = builder.output_stem(project, issue)
    path = folder / f"{stem}.{suffix}"
    return path if path.is_file() else None


def _outputs(project: Project, issue: str) -> list[dict[str, str]]:
    found = []
    for suffix in ("pdf", "epub"):
        path = _output(project, issue, suffix)
        if path is not None:
            rel = path.relative_to(project.build_dir).as_posix()
            found.append({"name": path.name, "href": "/files/" + quote(rel), "size": f"{path.stat().st_size / 1024:.0f} KiB"})
    return found


def _page_count(pdf: Path) -> int:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return len(document)
    finally:
        document.close()


def _thumbnail(pdf: Path, number: int) -> bytes:
    """Page `number` of a PDF as a small PNG (pypdfium2), to check page breaks at a glance."""
    import io

    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        if not 1 <= number <= len(document):
            raise IndexError(number)
        page = document[number - 1]
        width = page.get_width()
        image = page.render(scale=180 / width).to_pil()
        out = io.BytesIO()
        image.save(out, "PNG", optimize=True)
        return out.getvalue()
    finally:
        document.close()


def _tell(room: Newsroom, job: _Build, said: dict[str, Any]) -> None:
    text = json.dumps(said, ensure_ascii=False)

    def deliver() -> None:
        job.said.append(text)
        for queue in list(job.listeners):
            queue.put_nowait(text)

    assert room.loop is not None
    room.loop.call_soon_threadsafe(deliver)


def _run_build(room: Newsroom, job_id: str, loop: asyncio.AbstractEventLoop) -> None:
    """Build an edition's PDF and EPUB in a thread, telling its progress as it goes."""
    from ..options import BuildOptions

    job = room.builds[job_id]
    with room.building:  # one build at a time: they share the worker pool and the cache
        project = room.project
        try:
            result = builder.build(
                project, BuildOptions(issue=job.issue),
                lambda stage, count, total: _tell(room, job, {"stage": stage, "count": count, "total": total}),
            )  # fmt: skip
        except PressbookError as exc:
            _tell(room, job, {"done": True, "problems": [p.format(project.root) for p in exc.problems]})
            return
        except Exception as exc:  # noqa: BLE001 - told to the page; the server goes on
            _tell(room, job, {"done": True, "problems": [f"{type(exc).__name__}: {exc}"]})
            return
        files = [
            {"name": o.path.name, "href": "/files/" + quote(o.path.relative_to(project.build_dir).as_posix())}
            for o in result.outputs
            if o.path.is_relative_to(project.build_dir)
        ]
        _tell(room, job, {"done": True, "files": files, "warnings": [w.format(project.root) for w in result.warnings]})


async def _build_stream(job: _Build) -> AsyncIterator[str]:
    queue: asyncio.Queue[str] = asyncio.Queue()
    for said in job.said:
        queue.put_nowait(said)
    job.listeners.add(queue)
    try:
        while True:
            said = await queue.get()
            yield f"data: {said}\n\n"
            if json.loads(said).get("done"):
                return
    finally:
        job.listeners.discard(queue)
