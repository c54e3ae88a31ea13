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


MAX_SCREEN_SIDE = 1400


def for_screen(path: Path, max_side: int = MAX_SCREEN_SIDE) -> tuple[bytes, str]:
    """The picture resized for phones and e-readers and compressed: (bytes, 'png' or 'jpeg').

    Drawings with few colours stay PNG (palette, optimised); photographs become JPEG."""
    from io import BytesIO

    from PIL import Image

    with Image.open(path) as image:
        image.load()
        if max(image.size) > max_side:
            image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        out = BytesIO()
        palette = image.mode in ("P", "1", "L") or (image.mode in ("RGB", "RGBA") and _few_colours(image))
        if palette or image.mode in ("RGBA", "LA", "PA"):
            if image.mode not in ("P", "1", "L"):
                image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "PA") else "RGB")
                image = image.quantize(colors=256, method=Image.Quantize.FASTOCTREE)
            image.save(out, format="PNG", optimize=True)
            return out.getvalue(), "png"
        image.convert("RGB").save(out, format="JPEG", quality=80, optimize=True, progressive=False)
        return out.getvalue(), "jpeg"


def _few_colours(image) -> bool:
    return image.getcolors(maxcolors=256) is not None
