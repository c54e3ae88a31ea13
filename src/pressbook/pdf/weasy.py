"""The only module that imports WeasyPrint: an HTML document in, PDF bytes out.

Everything the renderer loads goes through `ProjectFetcher`: files inside the folders it is
given (the project, the bundled layouts and fonts) and `data:` URLs; nothing else, and never
the network. WeasyPrint's own warnings are collected and returned, not lost in a log."""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint import CSS, HTML, LOGGER, URLFetcher
from weasyprint.urls import URLFetcherResponse

from ..callbacks import Guard
from . import passes, tags


class ProjectFetcher(URLFetcher):
    """Reads only files below the `readable` folders and data: URLs; records what it read and
    what it refused."""

    def __init__(self, readable: Sequence[Path]) -> None:
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, timeout=1)
        self.readable = tuple(p.resolve() for p in readable)
        self.refused: list[str] = []
        self.loaded: list[str] = []
        # WeasyPrint logs and ignores what a fetcher raises: anything but a refusal (ValueError)
        # is kept and raised again after rendering (pressbook/callbacks.py).
        self.guard = Guard(expected=(ValueError,))
        self.fetch = self.guard(self.fetch)  # type: ignore[method-assign]

    @staticmethod
    def _inside(path: Path, folder: Path) -> bool:
        # Below the folder, and not in a hidden folder of it (.git, .cache, .venv).
        return path.is_relative_to(folder) and not any(
            part.startswith(".") for part in path.relative_to(folder).parts[:-1]
        )

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(url2pathname(unquote(urlsplit(url).path))).resolve()
            if path.is_file() and any(self._inside(path, folder) for folder in self.readable):
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                self.loaded.append(str(path))
                return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": kind})
        self.refused.append(url)
        raise ValueError(f"pressbook does not load {url[:120]}")


@dataclass(frozen=True)
class RenderedPdf:
    """A PDF and what happened while making it.

    `anchors` maps element ids to (page index, left, top, right, bottom) in CSS pixels;
    `blanks` lists the pages WeasyPrint left blank for a forced break; `loaded` the local files
    it read (pictures, fonts, anything a template names)."""

    data: bytes
    pages: int
    warnings: tuple[str, ...]
    refused: tuple[str, ...]
    anchors: dict[str, tuple[int, float, float, float, float]] = field(default_factory=dict)
    blanks: tuple[int, ...] = ()
    loaded: tuple[str, ...] = ()


MARGIN_BOXES = (
    "top-left-corner", "top-left", "top-center", "top-right", "top-right-corner", "bottom-left-corner",
    "bottom-left", "bottom-center", "bottom-right", "bottom-right-corner", "left-top", "left-middle",
    "left-bottom", "right-top", "right-middle", "right-bottom",
)  # fmt: skip
# A piece of an edition is rendered without page furniture (pressbook adds heads and numbers once
# the page numbers are known) and without bookmarks (the outline is built for the whole edition).
# Nor printer's marks: a piece's pages may be moved sideways when joined (see join.py), and the
# marks are drawn with the furniture, where they stay put.
NO_FURNITURE = (
    "@page { marks: none !important; "
    + " ".join(f"@{box} {{ content: none !important; }}" for box in MARGIN_BOXES)
    + " }"
)
NO_BOOKMARKS = "* { bookmark-level: none !important; }"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


# Elements a page may end on; given a marker id so we can see which page each one lands on.
def blank_pages(document) -> tuple[int, ...]:  # noqa: ANN001 - a WeasyPrint Document
    """The pages WeasyPrint left blank for a forced break (a section starting on a right-hand page).

    WeasyPrint says so only on a private attribute of its pages: this is the one place that reads
    it, and tests/test_pdf.py fails if it goes."""
    return tuple(n for n, page in enumerate(document.pages) if page._page_box.page_type.blank)  # noqa: SLF001


def _no_attachments(root) -> None:  # noqa: ANN001 - an etree
    """Take the `attachment` link type off every element: WeasyPrint embeds the file an
    `<a rel=attachment>` or a `<link rel=attachment>` names, and the PDF never embeds a file
    (a layout could otherwise carry pressbook.toml, or any file of the project, away in it)."""
    for element in root.iter():
        rel = element.get("rel") if isinstance(element.tag, str) else None
        if rel is not None and "attachment" in rel.lower().split():
            kept = [token for token in rel.split() if token.lower() != "attachment"]
            if kept:
                element.set("rel", " ".join(kept))
            else:
                del element.attrib["rel"]


def _no_attachment_or_file_links(document) -> None:  # noqa: ANN001 - a WeasyPrint Document
    """Drop any attachment the laid-out document still holds (document-level or on a page), so
    that whatever way one got in, none reaches the PDF; and links to local files (a layout's
    relative link), which lead a reader nowhere and would write the project's folder into it."""
    document.metadata.attachments = []
    for page in document.pages:
        page.links[:] = [
            link for link in page.links
            if link[0] != "attachment" and not (link[0] == "external" and str(link[1]).lower().startswith("file:"))
        ]  # fmt: skip


def _portable_picture_names(pictures: dict, readable: Sequence[Path]) -> None:
    """Name each picture after its address relative to the folder it was read from.

    WeasyPrint names a picture in the PDF after the MD5 of its address, an absolute file: URL,
    so the same edition built in two folders would differ in its bytes. The name only has to be
    one per address; its address relative to the `readable` folder holding it (the deepest, which
    the folders' order makes the same everywhere) is that, and does not depend on the folder."""
    import hashlib

    from weasyprint.images import RasterImage

    folders = sorted(enumerate(readable), key=lambda item: len(item[1].parts), reverse=True)
    for url, picture in pictures.items():
        if not isinstance(picture, RasterImage) or not isinstance(url, str):
            continue
        name = url
        if url.lower().startswith("file:"):
            path = Path(url2pathname(unquote(urlsplit(url).path))).resolve()
            for number, folder in folders:
                if path.is_relative_to(folder):
                    name = f"@{number}/{path.relative_to(folder).as_posix()}"
                    break
        picture.id = hashlib.md5(name.encode(), usedforsecurity=False).hexdigest()


# Tagged PDF (pdf/ua-1, pdf/ua-2, the "a" levels of PDF/A): what WeasyPrint's tags leave to do.
# A picture with an empty `alt` is decorative (HTML's own rule): in a tagged PDF that is an
# artifact, not a figure without alternative text; WeasyPrint's complaint about it goes too.
_NO_ALT = 'Image "{src}" has no required alt description'


def _decorative_pictures(document) -> set[tuple[int, tuple[float, float, float, float]]]:  # noqa: ANN001
    """The page and box (the `/BBox` WeasyPrint gives its figure tag, in CSS pixels) of every
    picture whose `alt` is empty, as laid out (private attributes, as in `blank_pages`)."""
    from weasyprint.formatting_structure.boxes import ReplacedBox

    found = set()
    for number, page in enumerate(document.pages):
        boxes = [page._page_box]  # noqa: SLF001
        while boxes:
            box = boxes.pop()
            box = getattr(box, "_box", box)  # an absolutely placed box's placeholder
            if isinstance(box, ReplacedBox) and box.element is not None and box.element_tag == "img":
                alt = box.element.get("alt")
                if alt is not None and not alt.strip():
                    x, y = box.content_box_x(), box.content_box_y()
                    found.add((number, (x, y, x + box.width, y + box.height)))
            boxes.extend(getattr(box, "children", ()))
    return found


def render_pdf(
    html: str,
    *,
    base_url: str,
    readable: Sequence[Path],
    variant: str | None = None,
    identifier: bytes | None = None,
    furniture: bool = True,
    bookmarks: bool = True,
) -> RenderedPdf:
    """Typeset `html` to PDF bytes; only files below `readable` may be loaded."""
    fetcher = ProjectFetcher(readable)
    collector = _Collect()
    LOGGER.addHandler(collector)
    previous = LOGGER.level
    if LOGGER.level == logging.NOTSET or LOGGER.level > logging.WARNING:
        LOGGER.setLevel(logging.WARNING)
    try:
        source = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
        root = source.etree_element
        passes.mark(root)
        _no_attachments(root)
        extra = ([] if furniture else [NO_FURNITURE]) + ([] if bookmarks else [NO_BOOKMARKS])
        pictures: dict = {}  # WeasyPrint's pictures by address, kept across the passes below
        document = source.render(cache=pictures, stylesheets=[CSS(string=rule) for rule in extra])
        # A picture that did not fit and left its page part empty is made a little smaller or
        # moves on in the flow (see passes.fill), as a typesetter would.
        moved: dict[str, int] = {}
        for _ in range(passes.PASSES):
            filled = [hole for hole in passes.holes(document, root, moved) if passes.fill(hole, moved)]
            if not filled:
                break
            document = source.render(cache=pictures, stylesheets=[CSS(string=rule) for rule in extra])
        trials: dict[object, passes.Trial] = {}
        for _ in range(passes.PASSES):
            if not passes.balance(document, trials):
                break
            document = source.render(cache=pictures, stylesheets=[CSS(string=rule) for rule in extra])
        else:
            for element, trial in trials.items():
                if not trial.done and trial.fits:
                    trial.settle(element)
                elif not trial.done:
                    element.attrib.pop("style", None)
            document = source.render(cache=pictures, stylesheets=[CSS(string=rule) for rule in extra])
        pushed: list[str] = []
        for _ in range(passes.PASSES):
            late = passes.deferred_notes(document, root)
            more = passes.pushes(document, root, late, pushed) if late else []
            more += [name for name in passes.stranded(document, root, pushed) if name not in more]
            if not more:
                break
            pushed += more
            rules = "\n".join(f'[id="{n}"] {{ break-before: page; }}' for n in pushed)
            document = source.render(cache=pictures, stylesheets=[CSS(string=rule) for rule in [*extra, rules]])
        fetcher.guard.check()
        if passes.deferred_notes(document, root):
            collector.messages.append(passes.LATE_NOTE)
        anchors: dict[str, tuple[int, float, float, float, float]] = {}
        for number, page in enumerate(document.pages):
            for name in [n for n in page.anchors if n.startswith(passes.MARK)]:
                del page.anchors[name]
            for name, box in page.anchors.items():
                anchors.setdefault(name, (number, *box))
        blanks = blank_pages(document)
        _no_attachment_or_file_links(document)
        _portable_picture_names(pictures, fetcher.readable)
        decorative = _decorative_pictures(document) if variant else set()
        data = document.write_pdf(
            pdf_variant=variant,
            pdf_identifier=identifier,
            # Attachments are never wanted: neither an article nor a layout may embed a file.
            attachments=[],
        )
        if variant:  # a tagged variant is finished here (the others have no structure tree)
            data = tags.finish_tags(data, decorative)
            empty = {img.get("src") for img in root.iter("img") if not (img.get("alt") or "").strip()}
            empty -= {img.get("src") for img in root.iter("img") if img.get("alt") is None}
            said = {_NO_ALT.format(src=src) for src in empty}
            collector.messages[:] = [m for m in collector.messages if m not in said]
    finally:
        LOGGER.removeHandler(collector)
        LOGGER.setLevel(previous)
    return RenderedPdf(
        data, len(document.pages), tuple(collector.messages), tuple(fetcher.refused), anchors, blanks,
        tuple(dict.fromkeys(fetcher.loaded)),
    )
