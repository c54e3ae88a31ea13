"""Where an article's picture is on disk, and whether pressbook may use it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urlsplit

from .interface import N_, _

if TYPE_CHECKING:
    from .config import Project

SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}
FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}  # what Pillow must find inside, whatever the name says
MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel picture is already more than any page needs
# A download from an allowed host: MAX_IMAGE_BYTES at most, and DOWNLOAD_SECONDS for the whole of
# it (connecting, headers, body), however the host spreads its bytes out; READ_SECONDS of silence
# end it sooner. A refused address is not asked again for REFUSAL_MEMORY seconds (one build asks
# for a picture from several stages: the PDF, the e-book, the cover, `check`).
DOWNLOAD_SECONDS = 30.0
READ_SECONDS = 10.0
REFUSAL_MEMORY = 600.0


class ImageRefused(ValueError):
    """An image reference pressbook will not follow, with the reason as its message.

    The reason is kept in English (`message`, a catalog msgid, and the `values` of its
    placeholders) and said in the interface's language when it is shown: refusals are remembered
    (`_verified`, `_REFUSED`) across whatever language a later message is said in."""

    def __init__(self, message: str, values: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.values = dict(values or {})

    def __str__(self) -> str:
        said = _(self.message)
        return said.format(**self.values) if self.values else said

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return type(self), (self.message, self.values)


def is_remote(src: str) -> bool:
    """Whether `src` points at the web."""
    return urlsplit(src).scheme.lower() in ("http", "https", "ftp") or src.startswith("//")


@lru_cache(maxsize=1024)
def _verified(path: str, size: int, mtime_ns: int) -> tuple[str, dict[str, object]] | None:
    """Why the file is not a usable picture (an English message and its values), or None
    (remembered while it does not change)."""
    import warnings

    from PIL import Image, UnidentifiedImageError

    if size > MAX_IMAGE_BYTES:
        return N_("is {size:.0f} MB; pictures are limited to {limit} MB"), {"size": size / 1024 / 1024, "limit": MAX_IMAGE_BYTES // 1024 // 1024}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                if image.format not in FORMATS:
                    return N_("is a {format} file, not a PNG, JPEG, GIF or WebP picture"), {"format": image.format}
                width, height = image.size
                if width * height > MAX_PIXELS:
                    return N_("is {width}×{height} pixels, more than pressbook will decode"), {"width": width, "height": height}
                image.verify()
            # verify() checks little for some formats (a truncated JPEG passes): decode it too,
            # so a picture that cannot be drawn is refused here, not halfway through a build.
            with Image.open(path) as image:
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return N_("is a decompression bomb (far more pixels than its size suggests)"), {}
    except UnidentifiedImageError:
        return N_("is not a picture (its content is not PNG, JPEG, GIF or WebP)"), {}
    except (OSError, SyntaxError, ValueError) as exc:
        return N_("is a damaged picture ({reason})"), {"reason": str(exc)}
    return None


def _intact(path: Path) -> bool:
    """Whether a picture pressbook made earlier is still there, whole (the cache is never trusted)."""
    try:
        verify(path)
    except (OSError, ImageRefused):
        return False
    return path.is_file()


def verify(path: Path) -> None:
    """Refuse files that are not real, sane pictures: checked by content, not by name."""
    stat = path.stat()
    reason = _verified(str(path), stat.st_size, stat.st_mtime_ns)
    if reason:
        raise ImageRefused(*reason)


@dataclass(frozen=True)
class Policy:
    """Which pictures a project may use: files inside it, and web pictures only from the hosts
    its config allows (downloaded once into the cache, never fetched by the renderer)."""

    root: Path
    cache: Path  # the project's cache folder: downloaded pictures and grey copies live there
    allow_hosts: tuple[str, ...] = ()

    @property
    def downloads(self) -> Path:
        return self.cache / "downloads"

    def locate(self, src: str, folder: Path) -> Path:
        """The checked file an image reference names, relative to the article's `folder`."""
        if is_remote(src):
            return self._download(src)
        try:
            parts = urlsplit(src)
            if parts.scheme or src.startswith("/") or parts.netloc:
                raise ImageRefused(N_("is not a path relative to the article"))
            relative = Path(unquote(parts.path))
            if ".." in relative.parts:
                raise ImageRefused(N_("is outside the article's folder"))
            resolved = (folder / relative).resolve()
            if not resolved.is_relative_to(self.root.resolve()):
                raise ImageRefused(N_("leads outside the project (through a link)"))
            if not resolved.is_file():
                raise ImageRefused(N_("does not exist"))
        except (OSError, ValueError) as exc:
            if isinstance(exc, ImageRefused):
                raise
            raise ImageRefused(N_("is not a usable file name")) from None
        if resolved.suffix.lower() not in SUFFIXES:
            raise ImageRefused(N_("is not a picture pressbook can use ({suffixes})"), {"suffixes": ", ".join(sorted(SUFFIXES))})
        verify(resolved)
        return resolved

    def grey(self, path: Path) -> Path:
        """A grey copy of a picture, for black-and-white printing (made once, kept in the cache)."""
        from io import BytesIO

        from PIL import Image

        from .cache import file_digest
        from .files import write_atomic

        folder = self.cache / "grey"
        target = folder / f"{file_digest(path)}.png"
        if not _intact(target):  # missing, or damaged in the cache: made again
            from PIL import ImageOps

            with Image.open(path) as image:
                out = BytesIO()
                ImageOps.exif_transpose(image).convert("L").save(out, format="PNG", optimize=True)
            write_atomic(target, out.getvalue())
        return target

    def _download(self, url: str) -> Path:
        try:
            parts = urlsplit(url if "://" in url else "https:" + url)
            port = parts.port
        except ValueError:
            raise ImageRefused(N_("is not a web address pressbook can read")) from None
        # A host on the usual ports, or "host:port" exactly as the config lists it.
        allowed = {host.lower() for host in self.allow_hosts}
        host_allowed = (parts.hostname in allowed and port in (None, 80, 443)) or f"{parts.hostname}:{port}" in allowed
        if parts.scheme not in ("http", "https") or not host_allowed:
            raise ImageRefused(N_("is on the web and will be left out of editions"))
        import hashlib

        url = parts.geturl()
        target = self.downloads / (hashlib.sha256(url.encode()).hexdigest() + Path(parts.path).suffix.lower()[:6])
        key = f"{self.downloads}\n{url}"
        with _one_at_a_time(key):
            if not _intact(target):  # not downloaded yet, or damaged in the cache since
                when, reason, values = _REFUSED.get(key, (0.0, "", {}))
                if reason and time.monotonic() - when < REFUSAL_MEMORY:
                    raise ImageRefused(reason, values)
                try:
                    data = _fetch(parts)
                    from .files import write_atomic

                    write_atomic(target, data)
                    verify(target)
                except ImageRefused as refused:
                    target.unlink(missing_ok=True)  # what is not a usable picture is not kept
                    _REFUSED[key] = (time.monotonic(), refused.message, refused.values)
                    raise
        verify(target)
        return target


# Addresses refused in this process (when, why), and a lock per address, so that stages asking for
# the same picture at once (the e-book converts pictures in threads) make one request between them.
_REFUSED: dict[str, tuple[float, str, dict[str, object]]] = {}
_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_LOCK = threading.Lock()


@contextmanager
def _one_at_a_time(key: str) -> Iterator[None]:
    with _LOCKS_LOCK:
        lock = _LOCKS.setdefault(key, threading.Lock())
    with lock:
        yield


def _fetch(parts) -> bytes:  # noqa: ANN001 - a urllib SplitResult
    """The body of an allowed http(s) address, within DOWNLOAD_SECONDS and MAX_IMAGE_BYTES."""
    import http.client
    import socket

    limit_mb = MAX_IMAGE_BYTES // 1024 // 1024
    seconds = DOWNLOAD_SECONDS
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(parts.hostname, parts.port, timeout=min(READ_SECONDS, seconds))
    # A socket's timeout bounds each wait, not the whole: a host sending a byte every few seconds
    # would never time out. At the deadline this timer shuts the connection, whatever it waits for.
    sockets: list[socket.socket] = []
    expired = threading.Event()

    def cut() -> None:
        expired.set()
        for sock in [connection.sock, *sockets]:
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    timer = threading.Timer(seconds, cut)
    timer.daemon = True
    started = time.monotonic()
    timer.start()
    too_slow = ImageRefused(N_("took longer than {seconds:g} s to download (the limit for a picture)"), {"seconds": seconds})
    response = None
    try:
        connection.connect()
        sockets.append(connection.sock)  # the response keeps reading from it after `connection` lets go
        path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=~") + (f"?{parts.query}" if parts.query else "")
        connection.request("GET", path, headers={"User-Agent": "pressbook"})
        response = connection.getresponse()
        if 300 <= response.status < 400:
            raise ImageRefused(N_("could not be downloaded: the host redirects it elsewhere (pressbook follows no redirect)"))
        if response.status != 200:
            raise ImageRefused(
                N_("could not be downloaded: HTTP {status} {reason}"), {"status": response.status, "reason": f"{response.reason!s:.80}"}
            )
        declared = response.getheader("Content-Length", "")
        if declared.strip().isdigit() and int(declared) > MAX_IMAGE_BYTES:
            raise ImageRefused(
                N_("is larger than {limit} MB (the host says {size:.0f} MB)"), {"limit": limit_mb, "size": int(declared) / 1024 / 1024}
            )
        chunks: list[bytes] = []
        size = 0
        while chunk := response.read1(65536):
            size += len(chunk)
            if size > MAX_IMAGE_BYTES:
                raise ImageRefused(N_("is larger than {limit} MB"), {"limit": limit_mb})
            if time.monotonic() - started > seconds:
                raise too_slow
            chunks.append(chunk)
        if expired.is_set():  # the connection was shut: what came is not the whole picture
            raise too_slow
        return b"".join(chunks)
    except (OSError, http.client.HTTPException, ValueError) as exc:
        if isinstance(exc, ImageRefused):
            raise
        if expired.is_set() or time.monotonic() - started > seconds:
            raise too_slow from None
        if isinstance(exc, TimeoutError):
            wait = min(READ_SECONDS, seconds)
            raise ImageRefused(N_("could not be downloaded: the host took longer than {seconds:g} s to answer"), {"seconds": wait}) from None
        raise ImageRefused(N_("could not be downloaded: {reason}"), {"reason": f"{exc!s:.200}"}) from None
    finally:
        timer.cancel()
        if response is not None:
            response.close()
        connection.close()
        for sock in sockets:
            sock.close()


def policy(project: "Project") -> Policy:
    """The picture policy of a project (its `[security] allow_hosts`)."""
    from .cache import cache_dir

    return Policy(project.root, cache_dir(project.root), project.config.security.allow_hosts)


MAX_SCREEN_SIDE = 1400


def for_screen(path: Path, max_side: int = MAX_SCREEN_SIDE) -> tuple[bytes, str]:
    """The picture resized for phones and e-readers and compressed: (bytes, 'png' or 'jpeg').

    Drawings with few colours stay PNG (palette, optimised); photographs, black-and-white ones
    too, become JPEG."""
    from io import BytesIO

    from PIL import Image, ImageOps

    with Image.open(path) as opened:
        # Phone photographs are stored sideways with an orientation tag: turn the pixels instead,
        # as the PDF renderer does, since the re-encoded copy keeps no tag.
        image = ImageOps.exif_transpose(opened)
        if max(image.size) > max_side:
            image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        out = BytesIO()
        palette = image.mode in ("P", "1") or (image.mode in ("RGB", "RGBA", "L") and _few_colours(image))
        if palette or image.mode in ("RGBA", "LA", "PA"):
            if image.mode not in ("P", "1", "L"):
                image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "PA") else "RGB")
                image = image.quantize(colors=256, method=Image.Quantize.FASTOCTREE)
            image.save(out, format="PNG", optimize=True)
            return out.getvalue(), "png"
        photo = image if image.mode == "L" else image.convert("RGB")
        photo.save(out, format="JPEG", quality=80, optimize=True, progressive=False)
        return out.getvalue(), "jpeg"


def _few_colours(image) -> bool:
    """A drawing rather than a photograph: at most 256 colours (64 shades of grey, since a grey
    picture never has more than 256)."""
    return image.getcolors(maxcolors=64 if image.mode == "L" else 256) is not None
