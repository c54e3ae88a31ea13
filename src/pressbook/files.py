"""Writing files so that a reader never sees half of one: temporary file beside, then rename."""

from __future__ import annotations

import errno
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from .errors import OutputError


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder, then rename over it.

    The old file stays whole until the new one is complete; a failure says which file and why."""
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # The process id in the name tells a later build whether the writer is still running.
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}-", suffix=".part", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            _write_all(fh, data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        reason = exc.strerror or str(exc)
        hint = "free some space on the disk" if exc.errno == errno.ENOSPC else "choose another folder with --out"
        raise OutputError(f"cannot be written: {reason}", path=path, hint=hint) from None
    except BaseException:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        raise


def _write_all(fh: BinaryIO, data: bytes) -> None:
    fh.write(data)


_PART = re.compile(r"\.(\d+)-[^.]*\.part$")


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's process, or a number we cannot check: leave its file alone
    return True


def remove_stale_parts(folder: Path) -> list[Path]:
    """Delete temporary files a killed build left behind in `folder` (they never replaced anything).

    A file whose writer is still running (a second build of the same issue) is left alone."""
    removed = []
    if folder.is_dir():
        for path in folder.glob(".*.part"):
            match = _PART.search(path.name)
            if match and _running(int(match.group(1))):
                continue
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


_ATTRIBUTE_URL = re.compile(r'<[a-zA-Z][^<>]*?\s(?:src|href)="(file://[^"]+)"')
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.S)
_CSS_URL = re.compile(r"""url\(\s*['"]?(file://[^'")\s]+)""")


def referenced_files(html: str, readable: Sequence[Path]) -> dict[str, Path]:
    """The local files an HTML document loads: `src`/`href` attributes and `url()` in its
    `<style>` blocks, kept only when they exist below one of the `readable` folders.

    Text that merely mentions a file:// address is not a reference (a `<` in text is always
    escaped, and articles cannot write `<style>`)."""
    urls = _ATTRIBUTE_URL.findall(html)
    for style in _STYLE.findall(html):
        urls.extend(_CSS_URL.findall(style))
    folders = tuple(folder.resolve() for folder in readable)
    found: dict[str, Path] = {}
    for url in dict.fromkeys(urls):
        try:
            path = Path(url2pathname(unquote(urlsplit(url).path))).resolve()
        except (OSError, ValueError):
            continue
        if any(path.is_relative_to(folder) for folder in folders) and path.is_file():
            found[url] = path
    return found
