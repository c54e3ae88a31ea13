"""A content-addressed disk cache for rendered pieces: same inputs, same key, no second render.

Entries live in `<project>/.cache/pressbook/<kind>/<key[:2]>/<key>.{bin,json}`; deleting the folder
is always safe, and so is damaging it: a record that cannot be read, or is not what was written,
is a miss (the thing is made again), never an error."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from .errors import OutputError
from .files import referenced_files, walk, write_atomic


@lru_cache(maxsize=4096)
def _digest(path: str, stamp: tuple[int, ...]) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def stamp(stat: os.stat_result) -> tuple[int, int, int, int]:
    """What changes when a file is touched, edited or replaced: size, modification time, and
    the inode and change time (a copy that keeps the old size and time, `cp -p`, `rsync -t`, an
    archive unpacked, still changes those; no tool sets them back)."""
    return stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes (remembered while its `stamp` stays the same)."""
    return _digest(str(path), stamp(path.stat()))


@lru_cache(maxsize=1)
def tool_versions() -> str:
    """The versions whose change must invalidate every rendered piece."""
    parts = []
    for name in ("pressbook", "weasyprint", "pydyf", "tinycss2", "fonttools", "uharfbuzz", "pikepdf"):
        try:
            parts.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name}=?")
    # The code that renders, records and joins pieces is part of the key too (an edited checkout
    # must not reuse pieces made by older code).
    parts.append(code_digest("pdf/weasy.py", "pdf/passes.py", "pdf/tags.py", "pdf/pool.py", "pdf/join.py", "pdf/pieces.py", "html/fonts.py"))
    return ";".join(parts)


@lru_cache(maxsize=16)
def code_digest(*modules: str) -> str:
    """A digest of pressbook's own modules (by path in the package), for keys of what their code makes."""
    here = Path(__file__).parent
    return hashlib.sha256(b"".join((here / module).read_bytes() for module in modules)).hexdigest()[:16]


def html_key(kind: str, html: str, readable: Sequence[Path], options: dict[str, Any] | None = None) -> str:
    """The key of an HTML document's render: its text, the bytes of every local file it loads,
    tool versions.

    Addresses inside the `readable` folders are keyed relative to their folder, so the same
    edition in another checkout (or on another machine) has the same key, and the PDF identifier
    made from it is the same."""
    # Numbered in the order given (the same in every copy of a project), matched longest first:
    # numbered by length, a project in a folder shorter than the bundled layouts' would differ.
    given = list(dict.fromkeys(folder.resolve().as_uri() for folder in readable))
    folders = sorted(given, key=len, reverse=True)

    def portable(url: str) -> str:
        for folder in folders:
            if url.startswith(folder + "/"):
                return f"@{given.index(folder)}{url[len(folder):]}"
        return url

    files = referenced_files(html, readable)
    for folder in folders:
        html = html.replace(folder + "/", f"@{given.index(folder)}/")
    sha = hashlib.sha256()
    sha.update(f"{kind}\n{tool_versions()}\n{json.dumps(options or {}, sort_keys=True)}\n".encode())
    sha.update(html.encode("utf-8"))
    for url, path in sorted(files.items()):
        sha.update(portable(url).encode())
        sha.update(file_digest(path).encode())
    return sha.hexdigest()


@dataclass(frozen=True)
class Cache:
    """The cache of one project; a `None` root disables it."""

    root: Path | None

    def _paths(self, kind: str, key: str) -> tuple[Path, Path]:
        assert self.root is not None
        folder = self.root / kind / key[:2]
        return folder / f"{key}.bin", folder / f"{key}.json"

    def get(self, kind: str, key: str) -> tuple[bytes, dict[str, Any]] | None:
        """The data and metadata stored under `key`, if any."""
        if self.root is None:
            return None
        data_path, meta_path = self._paths(kind, key)
        try:
            meta = json.loads(_read(meta_path, MAX_RECORD))
            data = _read(data_path, MAX_DATA)
        except (OSError, ValueError):
            return None
        meta = _unsealed(meta)
        if meta is None or hashlib.sha256(data).hexdigest() != meta.get("sha256"):
            return None
        return data, meta

    def put(self, kind: str, key: str, data: bytes, meta: dict[str, Any]) -> None:
        """Store data and its metadata (written atomically, data first)."""
        if self.root is None:
            return
        data_path, meta_path = self._paths(kind, key)
        try:
            write_atomic(data_path, data)
            write_atomic(meta_path, _sealed({**meta, "sha256": hashlib.sha256(data).hexdigest()}))
        except OutputError:
            pass  # a cache that cannot be written only makes the next build slower

    def made(
        self, kind: str, parts: list[Any], make: Callable[[], tuple[bytes, dict[str, Any]]]
    ) -> tuple[bytes, dict[str, Any]]:
        """What `make` returns for these key `parts` (JSON values), made once and then reused."""
        key = hashlib.sha256(json.dumps([kind, *parts], sort_keys=True, default=str).encode()).hexdigest()
        hit = self.get(kind, key)
        if hit is not None:
            return hit
        data, meta = make()
        self.put(kind, key, data, meta)
        return data, meta

    def remember(self, name: str, value: dict[str, Any]) -> None:
        """Record a small fact (e.g. which key produced an output file)."""
        if self.root is not None:
            try:
                write_atomic(self.root / "outputs" / f"{name}.json", _sealed(value))
            except OutputError:
                pass

    def recall(self, name: str) -> dict[str, Any] | None:
        """A fact recorded with `remember`."""
        if self.root is None:
            return None
        try:
            value = json.loads(_read(self.root / "outputs" / f"{name}.json", MAX_RECORD))
        except (OSError, ValueError):
            return None
        return _unsealed(value)


_SEAL = "record-sha256"
MAX_RECORD = 64 << 20  # a record's JSON (a build's record lists every file it used)
MAX_DATA = 1 << 30  # a rendered piece, a picture, a font subset


def _read(path: Path, limit: int) -> bytes:
    """A cache file's bytes, if it is a regular file of at most `limit` bytes: anything else put
    in its place (a pipe, a device, a link to /dev/zero, a huge file) raises OSError and is a
    miss, never a hang."""
    import stat

    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            raise OSError(f"{path} is not a cache file")
        with os.fdopen(os.dup(fd), "rb") as fh:
            data = fh.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise OSError(f"{path} is not a cache file")
    return data


def _sealed(value: dict[str, Any]) -> bytes:
    """A record as JSON with a digest of itself: any later change to it shows."""
    text = json.dumps(value, sort_keys=True)
    return json.dumps({**json.loads(text), _SEAL: hashlib.sha256(text.encode()).hexdigest()}, sort_keys=True).encode()


def _unsealed(value: object) -> dict[str, Any] | None:
    """A record read back, if it is exactly what `_sealed` wrote (not of another shape, not
    edited, not from a version of pressbook that wrote no seal)."""
    if not isinstance(value, dict) or not isinstance(value.get(_SEAL), str):
        return None
    record = {k: v for k, v in value.items() if k != _SEAL}
    if hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest() != value[_SEAL]:
        return None
    return record


def cache_dir(root: Path) -> Path:
    """Where a project's cache lives: `.cache/pressbook/` in it, or PRESSBOOK_CACHE."""
    override = os.environ.get("PRESSBOOK_CACHE")
    return Path(override) if override else root / ".cache" / "pressbook"


def project_cache(root: Path, enabled: bool = True) -> Cache:
    """The cache of a project (none when not `enabled`)."""
    return Cache(cache_dir(root) if enabled else None)


def tree_fingerprint(roots: list[Path], extra: dict[str, Any], inside: Sequence[Path] = ()) -> str:
    """A key that changes when any file below `roots` changes (by name and `stamp`), a link is
    made or pointed elsewhere, or `extra` changes.

    Cheap enough to take before every build: it reads no file, it only looks at them. Links are
    followed only into the `inside` folders (default: the roots), and into each folder once."""
    bounds = list(inside) or [root for root in roots if root.is_dir()]
    sha = hashlib.sha256(json.dumps(extra, sort_keys=True, default=str).encode())
    for root in roots:
        sha.update(f"\n#{root}".encode())
        if root.is_file():
            sha.update(repr(stamp(root.stat())).encode())
            continue
        walked = walk(root, bounds, skip=("__pycache__", ".git"))
        for link in walked.links:
            try:
                sha.update(f"\n{link} -> {os.readlink(link)}".encode())
            except OSError:
                continue
        for path in walked.files:
            try:
                sha.update(f"\n{path}:{stamp(path.stat())}".encode())
            except OSError:
                continue
    return sha.hexdigest()
