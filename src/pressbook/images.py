"""Where an article's picture is on disk, and whether pressbook may use it."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}


class ImageRefused(ValueError):
    """An image reference pressbook will not follow, with the reason as its message."""


def is_remote(src: str) -> bool:
    """Whether `src` points at the web."""
    return urlsplit(src).scheme.lower() in ("http", "https", "ftp") or src.startswith("//")


def locate(src: str, folder: Path, root: Path) -> Path:
    """The file an image reference names, relative to the article's `folder`, inside `root`."""
    if is_remote(src):
        raise ImageRefused("is on the web and will be left out of editions")
    parts = urlsplit(src)
    if parts.scheme or src.startswith("/") or parts.netloc:
        raise ImageRefused("is not a path relative to the article")
    relative = Path(unquote(parts.path))
    if ".." in relative.parts:
        raise ImageRefused("is outside the article's folder")
    path = folder / relative
    resolved = path.resolve()
    if not resolved.is_relative_to(root.resolve()):
        raise ImageRefused("leads outside the project (through a link)")
    if not resolved.is_file():
        raise ImageRefused("does not exist")
    if resolved.suffix.lower() not in SUFFIXES:
        raise ImageRefused(f"is not a picture pressbook can use ({', '.join(sorted(SUFFIXES))})")
    return resolved
