"""Writing files so that a reader never sees half of one: temporary file beside, then rename."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from .errors import OutputError


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder, then rename over it.

    The old file stays whole until the new one is complete; a failure says which file and why."""
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
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


def remove_stale_parts(folder: Path) -> list[Path]:
    """Delete temporary files a killed build left behind in `folder` (they never replaced anything)."""
    removed = []
    if folder.is_dir():
        for path in folder.glob(".*.part"):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed
