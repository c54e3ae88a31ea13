"""Files on disk: writing so that a reader never sees half of one (temporary file beside, then
rename), cleaning up only what pressbook itself left, and walking a newsroom's folders without
leaving the project or going round a loop of links."""

from __future__ import annotations

import errno
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from .errors import OutputError
from .interface import N_, _, reason


# Temporary files and folders are named `.<name>.pressbook-<pid>-<8 random>.part`: a name only
# pressbook makes, so that the clean-up never takes a user's own `.something.part` for one. The
# process id tells a later build whether the writer is still running.
_TAG = "pressbook"
_PART = re.compile(rf"^\..+\.{_TAG}-(\d+)-[a-z0-9_]{{8}}\.part$")


def _part_prefix(path: Path) -> str:
    return f".{path.name}.{_TAG}-{os.getpid()}-"


def _output_error(exc: OSError, path: Path) -> OutputError:
    """An OSError met while writing `path`, as an error that names it and says what to do."""
    said = reason(exc)
    if exc.errno == errno.ENOSPC:
        hint = _("free some space on the disk")
    elif exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        hint = _("the folder cannot be written to; choose another folder with --out")
    else:
        hint = _("choose another folder with --out")
    return OutputError(_("cannot be written: {reason}").format(reason=said), path=path, hint=hint)


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder, then rename over it.

    The old file stays whole until the new one is complete; a failure says which file and why."""
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=_part_prefix(path), suffix=".part", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            _write_all(fh, data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        _discard(tmp)
        raise _output_error(exc, path) from None
    except BaseException:
        _discard(tmp)
        raise


def _discard(tmp: str | Path | None) -> None:
    """Remove a temporary file or folder, as far as the disk lets us (it is ours, and stale)."""
    if tmp is None:
        return
    try:
        if os.path.isdir(tmp) and not os.path.islink(tmp):
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            os.unlink(tmp)
    except OSError:
        pass  # a read-only folder: the next build's clean-up removes it


def write_bundle(target: Path, data: bytes, folder: Path, contents: Mapping[str, bytes | Path]) -> None:
    """Write `target` and the folder of files it refers to (`contents`: name -> bytes, or a file
    to copy), replacing the old pair whole or not at all.

    The new folder is made beside the old one under a temporary name and swapped in, then the
    file is written atomically; on any failure the old folder is put back and the error names
    the file that could not be written."""
    tmp: Path | None = None
    old: Path | None = None
    being = folder
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=_part_prefix(folder), suffix=".part", dir=target.parent))
        for name, content in contents.items():
            being = folder / name
            if isinstance(content, Path):
                shutil.copyfile(content, tmp / name)
            else:
                with open(tmp / name, "wb") as fh:
                    _write_all(fh, content)
        os.chmod(tmp, 0o755)
        being = folder
        if folder.is_symlink() or folder.is_file():
            raise OutputError(
                _("is not a folder pressbook made (it is a link or a file)"), path=folder,
                hint=_("remove it or choose another folder with --out"),
            )  # fmt: skip
        if folder.exists():
            old = target.parent / f"{_part_prefix(folder)}{secrets.token_hex(4)}.part"
            os.rename(folder, old)
        os.rename(tmp, folder)
        tmp = None
        try:
            write_atomic(target, data)
        except BaseException:
            # Whole or not at all: the new folder goes, the old one comes back beside the old file.
            _discard(folder)
            if old is not None:
                try:
                    os.rename(old, folder)
                except OSError:
                    pass  # left where it is under its temporary name: never deleted here
                old = None
            raise
        _discard(old)
    except OSError as exc:
        raise _output_error(exc, being) from None
    finally:
        _discard(tmp)


def _write_all(fh: BinaryIO, data: bytes) -> None:
    fh.write(data)


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
    """Delete temporary files and folders a killed build left behind in `folder` (they never
    replaced anything): only names pressbook makes, never a user's own `.something.part`.

    One whose writer is still running (a second build of the same issue) is left alone."""
    removed = []
    try:
        entries = list(os.scandir(folder)) if folder.is_dir() else []
    except OSError:
        return removed
    for entry in entries:
        match = _PART.match(entry.name)
        if match is None or _running(int(match.group(1))):
            continue
        path = Path(entry.path)
        _discard(path)
        removed.append(path)
    return removed


@dataclass(frozen=True)
class Walked:
    """What a walk of a folder found: its files, and the links it did not follow because they
    lead outside the folders allowed (every link met is listed in `links`)."""

    files: tuple[Path, ...]
    outside: tuple[Path, ...]
    links: tuple[Path, ...]
    broken: tuple[Path, ...] = ()  # links that lead nowhere: a loop, or a target that is gone


def is_inside(path: Path, folders: Sequence[Path]) -> bool:
    """Whether `path`, every link in it followed, is one of `folders` or below one of them."""
    real = Path(os.path.realpath(path))
    return any(real.is_relative_to(os.path.realpath(folder)) for folder in folders)


def walk(folder: Path, inside: Sequence[Path], skip: Collection[str] = ()) -> Walked:
    """Every file below `folder` (by the path it was found at, in a stable order).

    Links are followed only where they lead inside one of the `inside` folders, and into a
    folder only once (by device and inode): a loop of links or a link to a big folder elsewhere
    cannot make a walk endless or slow. Links leading out are listed in `outside`."""
    found: list[Path] = []
    outside: list[Path] = []
    links: list[Path] = []
    broken: list[Path] = []
    try:
        stat = os.stat(folder)
    except OSError:
        return Walked((), (), ())
    if not is_inside(folder, inside):
        return Walked((), (folder,), (folder,) if folder.is_symlink() else ())
    seen = {(stat.st_dev, stat.st_ino)}
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError:
            continue
        below = []
        for entry in entries:
            if entry.name in skip:
                continue
            path = Path(entry.path)
            try:
                if entry.is_symlink():
                    links.append(path)
                    if not os.path.exists(path):
                        broken.append(path)  # reads nothing; said so by whoever expected a file
                        continue
                    if not is_inside(path, inside):
                        outside.append(path)
                        continue
                if entry.is_dir():
                    stat = entry.stat()
                    if (stat.st_dev, stat.st_ino) not in seen:
                        seen.add((stat.st_dev, stat.st_ino))
                        below.append(path)
                elif entry.is_file():
                    found.append(path)
            except OSError:
                continue
        stack.extend(reversed(below))
    return Walked(tuple(sorted(found)), tuple(sorted(outside)), tuple(sorted(links)), tuple(sorted(broken)))


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


# What a problem says of such links (marked for the catalog: say them with `_(LEADS_OUT)`).
LEADS_OUT = N_("is a link to a file outside the project; it is not read")
LEADS_NOWHERE = N_("is a link that leads nowhere (a loop of links, or its file is gone); it is not read")

