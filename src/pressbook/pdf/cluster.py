"""Rendering a build's PDF pieces on a Dask distributed cluster (`dask scheduler`, `dask worker`).

The workers have pressbook installed but no copy of the newsroom: everything a piece needs
travels with its task. `pack` (here) collects the bytes of every local file the task's HTML
names inside its `readable` folders (fonts, pictures, linked stylesheets and what they name);
`render_packed` (on a worker) writes them into a private temporary folder that mirrors their
absolute paths, points the HTML at that copy, renders it as `pool._render` renders locally, and
maps the paths in the result back to this machine's: the piece is the same, byte for byte, as a
local render (a render does not depend on the folder it is made in, see weasy.py).

This is the only module that imports Dask, and only when a build asks for a cluster."""

from __future__ import annotations

import concurrent.futures
import html as markup
import re
import secrets
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import url2pathname

from ..cache import Cache, file_digest
from ..errors import ClusterError, ClusterLost, UsageError
from ..interface import _
from .pool import Progress, Renderer, Task, _render, _warm, settle

if TYPE_CHECKING:
    from distributed import Client

CONNECT_SECONDS = 10.0
RETRIES = 2  # a task whose worker dies is run again elsewhere (Dask also reschedules on its own)

# Where an HTML document names a file: `src`/`href` attributes, `url()` in `<style>` blocks and
# `style` attributes; in a stylesheet, `url()` and `@import "…"` (the same places files.py reads).
_TAG = re.compile(r"<[a-zA-Z][^<>]*>")
_ATTRIBUTE = re.compile(r'(\s(?:src|href)=")([^"]+)(")')
_STYLE_ATTRIBUTE = re.compile(r'(\sstyle=")([^"]*)(")')
_STYLE = re.compile(r"(<style\b[^>]*>)(.*?)(</style>)", re.S)
_CSS_URL = re.compile(r"""(url\(\s*['"]?)([^'")\s]+)""")
_CSS_IMPORT = re.compile(r"""(@import\s+['"])([^'"]+)""")


def connect(address: str, timeout: float = CONNECT_SECONDS) -> Client:
    """A client of the Dask scheduler at `address` (`tcp://host:port`); a UsageError naming the
    address when it cannot be reached within `timeout` seconds."""
    from distributed import Client

    hint = _("start it with `dask scheduler`, or check the address")
    try:
        # Reached first without a Client: a Client that fails to connect leaves its event loop's
        # thread running in this process for good.
        _reach(address, timeout)
        return Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        raise UsageError(
            _("cannot reach the Dask scheduler at {address} within {seconds:g} s").format(address=address, seconds=timeout),
            hint=hint,
        ) from exc


def _reach(address: str, timeout: float) -> None:
    """Open and close one connection to `address` (OSError when it cannot be made in time)."""
    import asyncio

    from distributed.comm import connect as open_comm

    async def knock() -> None:
        comm = await open_comm(address, timeout=timeout)
        await comm.close()

    try:
        asyncio.get_running_loop()
    except RuntimeError:  # the usual case: no event loop in this thread
        asyncio.run(knock())
        return
    failure: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(knock())
        except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread
            failure.append(exc)

    thread = threading.Thread(target=run, name="pressbook-reach-scheduler")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


def _path_of(url: str) -> Path:
    return Path(url2pathname(unquote(urlsplit(url).path)))


def _inside(path: Path, folders: tuple[Path, ...]) -> bool:
    """Below one of the folders and not in a hidden folder of it (weasy.ProjectFetcher's rule)."""
    return any(
        path.is_relative_to(folder)
        and not any(part.startswith(".") for part in path.relative_to(folder).parts[:-1])
        for folder in folders
    )


def _mirror_url(token: str, path: str, fragment: str = "") -> str:
    """The address of this machine's file `path` in a worker's mirror: `token` stands for the
    mirror's folder, filled in by the worker once it has made it."""
    url = "file://" + token + Path(path).as_uri().removeprefix("file://")
    return f"{url}#{fragment}" if fragment else url


class _Packer:
    """Collects the files a document names and rewrites their addresses to the mirror's."""

    def __init__(self, readable: tuple[Path, ...], token: str) -> None:
        self.readable = readable
        self.token = token
        self.files: dict[str, bytes] = {}  # this machine's resolved path -> bytes
        self.digests: dict[str, str] = {}  # the same paths -> their digests (file_digest)

    def address(self, url: str, base: str) -> str:
        """The address to write instead of `url` (read against `base`): the mirror's copy of a
        file inside the readable folders, packed; any other local file's address made absolute
        (the worker refuses it as this machine's renderer would, in the same words); anything
        else unchanged."""
        if url.startswith(("#", "data:")) or self.token in url:
            return url
        absolute = urljoin(base, url)
        parts = urlsplit(absolute)
        if parts.scheme.lower() != "file":
            return url
        try:
            path = _path_of(absolute).resolve()
            found = path.is_file()
        except (OSError, ValueError, RuntimeError):
            return url
        if not found or not _inside(path, self.readable):
            return absolute
        key = str(path)
        if key not in self.files:
            data = path.read_bytes()
            self.digests[key] = file_digest(path)
            if path.suffix.lower() == ".css":
                self.files[key] = b""  # (a stylesheet that names itself)
                # Its own addresses rewritten too; bytes that are not UTF-8 are kept as they are.
                text = self.css(data.decode("utf-8", "surrogateescape"), path.as_uri())
                data = text.encode("utf-8", "surrogateescape")
            self.files[key] = data
        return _mirror_url(self.token, key, parts.fragment)

    def written(self, text: str, base: str) -> str:
        """`address` of an address written in HTML (with character references)."""
        url = markup.unescape(text)
        new = self.address(url, base)
        return text if new == url else markup.escape(new)

    def css(self, text: str, base: str, *, written: bool = False) -> str:
        """A stylesheet with its addresses rewritten (`written` in an HTML attribute)."""
        address = self.written if written else self.address
        text = _CSS_URL.sub(lambda m: m[1] + address(m[2], base), text)
        return _CSS_IMPORT.sub(lambda m: m[1] + address(m[2], base), text)

    def html(self, html: str, base: str) -> str:
        def tag(match: re.Match[str]) -> str:
            text = _ATTRIBUTE.sub(lambda m: m[1] + self.written(m[2], base) + m[3], match[0])
            return _STYLE_ATTRIBUTE.sub(lambda m: m[1] + self.css(m[2], base, written=True) + m[3], text)

        html = _STYLE.sub(lambda m: m[1] + self.css(m[2], base) + m[3], html)
        return _TAG.sub(tag, html)


def pack(task: Task) -> dict[str, Any]:
    """Everything a worker without the newsroom needs to render `task`: its HTML with the
    addresses of local files made the mirror's, and those files' bytes. Only files inside the
    task's `readable` folders are packed; an address of any other file is left as it is, so the
    worker refuses it as a local render does."""
    readable = tuple(folder.resolve() for folder in task.readable)
    token = "pressbook-mirror-" + secrets.token_hex(8)  # text no document holds
    packer = _Packer(readable, token)
    html = packer.html(task.html, task.base_url)
    return {
        "kind": task.kind,
        "key": task.key,
        "token": token,
        "html": html,
        # Kept: every local address is absolute now, and one missed (a worker has no copy of its
        # file) is refused in the same words as here.
        "base_url": task.base_url,
        "readable": [str(folder) for folder in readable],
        "furniture": task.furniture,
        "bookmarks": task.bookmarks,
        "variant": task.variant,
        "files": packer.files,
        "digests": packer.digests,
    }


def render_packed(packed: dict[str, Any]) -> dict[str, Any]:
    """Render a packed task on this machine (a worker): the files in a private temporary folder
    that mirrors their paths, then the result as `pool._render` gives it on the machine that
    packed it (its paths, its files' digests)."""
    folder = Path(tempfile.mkdtemp(prefix="pressbook-piece-")).resolve()
    try:
        mirror = folder.as_uri().removeprefix("file://")
        token = packed["token"]
        for path, data in packed["files"].items():
            target = folder / path.lstrip("/")
            if not target.resolve().is_relative_to(folder):
                raise ValueError(f"a packed file outside the mirror: {path}")
            target.parent.mkdir(parents=True, exist_ok=True)
            stylesheet = path.lower().endswith(".css")
            target.write_bytes(data.replace(token.encode(), mirror.encode()) if stylesheet else data)
        readable = tuple(folder / path.lstrip("/") for path in packed["readable"])
        for path in readable:
            path.mkdir(parents=True, exist_ok=True)
        task = Task(
            packed["kind"], packed["html"].replace(token, mirror), packed["base_url"],
            readable, packed["furniture"], packed["bookmarks"], packed["variant"],
        )  # fmt: skip
        task.__dict__["key"] = packed["key"]  # the key (and the PDF identifier) of the original
        result = _render(task)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    def back(text: str) -> str:
        return text.replace("file://" + mirror, "file://").replace(str(folder), "")

    loaded = []
    for path, digest in result["loaded"]:
        original = "/" + str(Path(path).relative_to(folder)) if Path(path).is_relative_to(folder) else path
        loaded.append([original, packed["digests"].get(original, digest)])
    result["loaded"] = loaded
    result["warnings"] = [back(message) for message in result["warnings"]]
    result["refused"] = [back(url) for url in result["refused"]]
    return result


def worker_render_packed(packed: dict[str, Any]) -> dict[str, Any]:
    """`render_packed` in a Dask worker (settled first, as a local pool's worker is)."""
    settle()
    return render_packed(packed)


@dataclass
class ClusterRenderer(Renderer):
    """A renderer whose workers are a Dask cluster's: as many tasks at a time as they have
    threads; a task whose worker dies is run again on another."""

    client: Any = field(default=None, repr=False)
    address: str = ""
    _remote: concurrent.futures.Executor | None = field(default=None, repr=False)

    def _pooled(self) -> bool:
        return True  # even with one worker thread: nothing is rendered here

    def _executor(self) -> concurrent.futures.Executor:  # type: ignore[override]
        if self._remote is None:
            self._remote = self.client.get_executor(retries=RETRIES, pure=False)
        return self._remote

    def _submit(self, task: Task) -> concurrent.futures.Future:
        return self._executor().submit(worker_render_packed, pack(task))

    def _result(self, future: concurrent.futures.Future) -> dict[str, Any]:
        """The result, or the two ways a cluster fails a build said as what happened and what to
        do: every worker that took the piece died (Dask's KilledWorker, after its retries and
        ours), or the scheduler went away (Dask cancels every future it held)."""
        from distributed import KilledWorker

        try:
            return future.result()
        except KilledWorker as exc:
            raise ClusterError(
                _("a piece could not be rendered on the Dask cluster at {address}: every worker that took it died")
                .format(address=self.address),
                hint=_("look in the workers' logs for why (often memory: give them more with `dask worker --memory-limit`); "
                       "this edition was not written"),
            ) from exc
        except concurrent.futures.CancelledError as exc:
            raise ClusterLost(
                _("lost the Dask scheduler at {address} during the build").format(address=self.address),
                hint=_("this edition was not written; start the scheduler again and run the build again "
                       "(the pieces already made are in the cache)"),
            ) from exc

    def warm(self) -> None:
        """Import the renderer in every worker now (they may have just started)."""
        pool = self._executor()
        for _worker in range(self.jobs):
            pool.submit(_warm)

    def close(self) -> None:
        """Let go of the cluster: the client closes (what it still asked for is cancelled), the
        scheduler and workers keep running for the next build."""
        if self.client is not None:
            self.client.close()
            self.client = None
            self._remote = None


def cluster_renderer(cache: Cache, address: str, progress: Progress | None) -> ClusterRenderer:
    """A renderer on the cluster at `address`, as wide as its workers' threads."""
    client = connect(address)
    try:
        threads = sum(client.nthreads().values())
        if threads < 1:
            try:
                client.wait_for_workers(1, timeout=CONNECT_SECONDS)
            except (OSError, TimeoutError) as exc:
                raise UsageError(
                    _("the Dask scheduler at {address} has no workers").format(address=address),
                    hint=_("start one with `dask worker {address}`").format(address=address),
                ) from exc
            threads = sum(client.nthreads().values())
    except BaseException:
        client.close()
        raise
    return ClusterRenderer(cache, max(1, threads), progress, client=client, address=address)

