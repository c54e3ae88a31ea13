"""Writing files so that a reader never sees half of one: temporary file beside, then rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder, then rename over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_stale_parts(folder: Path) -> list[Path]:
    """Delete temporary files a killed build left behind in `folder` (they never replaced anything)."""
    removed = []
    if folder.is_dir():
        for path in folder.glob(".*.part"):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed
