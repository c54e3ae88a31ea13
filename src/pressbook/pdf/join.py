"""Joining rendered pieces into one PDF with pikepdf: pages in order, blank pages where a section
must start on a right-hand page, page furniture laid over the pages, one outline, the contents'
links, and each font embedded once per face."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from io import BytesIO

import pikepdf
from fontTools.ttLib import TTFont

from ..html import fonts as fontlib

PT_PER_PX = 0.75  # WeasyPrint lays out in CSS pixels (1/96 in); PDF speaks points (1/72 in)


@dataclass(frozen=True)
class Bookmark:
    """An outline entry: title, page (0-based), height on the page (points from the top), children."""

    title: str
    page: int
    top: float
    children: tuple[Bookmark, ...] = field(default=())


@dataclass(frozen=True)
class Link:
    """A link area on a page (points from the top-left) to a place on another page."""

    page: int
    rect: tuple[float, float, float, float]
    target_page: int
    target_top: float
    target_left: float


@dataclass(frozen=True)
class Furniture:
    """Rendered page furniture for the edition's pages from `first` (0-based) on: the edition's
    page `first + i` is this document's page `lead + i`."""

    data: bytes
    first: int
    lead: int


@dataclass(frozen=True)
class Plan:
    """How the pieces make the edition: `layout[i]` is ("front", page), ("blank", None) or
    ("section", (index of the section's piece, page))."""

    layout: tuple[tuple[str, object], ...]


def _face_names(fonts: fontlib.FontSet) -> dict[str, fontlib.Face]:
    names = {}
    for face in fonts.faces:
        with TTFont(face.path, lazy=True) as font:
            names[str(font["name"].getDebugName(6))] = face
    return names


def _gids(widths: pikepdf.Array) -> set[int]:
    """Glyph ids listed in a CIDFont /W array (CID = glyph id with an Identity map)."""
    found: set[int] = set()
    items = list(widths)
    index = 0
    while index < len(items):
        first = int(items[index])
        following = items[index + 1]
        if isinstance(following, pikepdf.Array):
            found.update(range(first, first + len(following)))
            index += 2
        else:
            found.update(range(first, int(following) + 1))
            index += 3
    return found


def merge_fonts(pdf: pikepdf.Pdf, fonts: fontlib.FontSet) -> None:
    """Give every font of the same face one shared embedded program holding all glyphs used."""
    names = _face_names(fonts)
    identified: dict[tuple[int, int], fontlib.Face | None] = {}
    groups: dict[fontlib.Face, list[pikepdf.Dictionary]] = {}
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != "/Font" or obj.get("/Subtype") != "/Type0":
            continue
        descendant = obj.DescendantFonts[0]
        program = descendant.get("/FontDescriptor", {}).get("/FontFile2")
        if program is None or "/W" not in descendant:
            continue
        if program.objgen not in identified:
            with TTFont(BytesIO(program.read_bytes()), lazy=True) as font:
                identified[program.objgen] = names.get(str(font["name"].getDebugName(6)))
        face = identified[program.objgen]
        if face is not None:
            groups.setdefault(face, []).append(obj)
    for face, members in groups.items():
        glyphs: set[int] = set()
        for font in members:
            glyphs |= _gids(font.DescendantFonts[0].W)
        data = fontlib.subset_by_glyphs(face, glyphs)
        stream = pikepdf.Stream(pdf, data)
        stream.Length1 = len(data)
        shared = members[0].DescendantFonts[0].FontDescriptor
        shared.FontFile2 = stream
        base = members[0].BaseFont
        for font in members:
            font.BaseFont = base
            font.DescendantFonts[0].BaseFont = base
            font.DescendantFonts[0].FontDescriptor = shared


def merge_images(pdf: pikepdf.Pdf) -> None:
    """Point every use of the same picture (e.g. the cover picture and the article's) at one copy."""
    seen: dict[tuple, pikepdf.Object] = {}
    holders = [page.obj.get("/Resources") for page in pdf.pages]
    holders += [obj.get("/Resources") for obj in pdf.objects if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Form"]
    for resources in holders:
        xobjects = resources.get("/XObject") if resources is not None else None
        if xobjects is None:
            continue
        for name in list(xobjects.keys()):
            image = xobjects[name]
            if not isinstance(image, pikepdf.Stream) or image.get("/Subtype") != "/Image":
                continue
            key = (bytes(image.read_raw_bytes()), repr(sorted((k, repr(v)) for k, v in image.items() if k != "/Length")))
            if key in seen:
                xobjects[name] = seen[key]
            else:
                seen[key] = image


def drop_embedded_files(pdf: pikepdf.Pdf) -> None:
    """Remove every embedded file: the document's list and file-attachment annotations (the
    renderer is told to embed none; this holds for any piece, cached ones included)."""
    names = pdf.Root.get("/Names")
    if names is not None and "/EmbeddedFiles" in names:
        del names["/EmbeddedFiles"]
    if "/AF" in pdf.Root:
        del pdf.Root["/AF"]
    for page in pdf.pages:
        annotations = page.obj.get("/Annots")
        if annotations is None:
            continue
        kept = [a for a in annotations if a.get("/Subtype") != "/FileAttachment"]
        if len(kept) != len(annotations):
            page.obj.Annots = pdf.make_indirect(pikepdf.Array(kept))


def _outline(pdf: pikepdf.Pdf, bookmarks: Sequence[Bookmark], height: float) -> None:
    def item(mark: Bookmark) -> pikepdf.OutlineItem:
        entry = pikepdf.OutlineItem(
            mark.title, mark.page, pikepdf.PageLocation.XYZ, left=0, top=height - mark.top, zoom=0
        )
        entry.children.extend(item(child) for child in mark.children)
        return entry

    with pdf.open_outline() as outline:
        outline.root.extend(item(mark) for mark in bookmarks)


def _links(pdf: pikepdf.Pdf, links: Sequence[Link], height: float) -> None:
    for link in links:
        x1, y1, x2, y2 = link.rect
        annotation = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.Link,
                Rect=[x1, height - y2, x2, height - y1],
                Border=[0, 0, 0],
                Dest=[pdf.pages[link.target_page].obj, pikepdf.Name.XYZ, link.target_left, height - link.target_top, 0],
            )
        )
        page = pdf.pages[link.page]
        if "/Annots" not in page.obj:
            page.obj.Annots = pdf.make_indirect(pikepdf.Array())
        page.obj.Annots.append(annotation)


def _lay_over(pdf: pikepdf.Pdf, page: pikepdf.Page, furniture: pikepdf.Page, number: int) -> None:
    """Draw a furniture page over a page. (pikepdf's add_overlay names the form at random, which
    would make two builds differ; the name carries the page number because pages of one piece
    share their resources.)"""
    form = pdf.copy_foreign(furniture.as_form_xobject())
    name = page.add_resource(form, pikepdf.Name.XObject, pikepdf.Name(f"/PbFurniture{number}"))
    page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
    page.contents_add(pikepdf.Stream(pdf, b"\nQ\nq " + bytes(name.unparse()) + b" Do Q\n"), prepend=False)


def _mirror(pdf: pikepdf.Pdf, page: pikepdf.Page, dx: float) -> None:
    """Move a page's text block `dx` points sideways, and its link areas with it."""
    page.contents_add(pikepdf.Stream(pdf, f"q 1 0 0 1 {dx:.4f} 0 cm\n".encode()), prepend=True)
    page.contents_add(pikepdf.Stream(pdf, b"\nQ\n"), prepend=False)
    for annotation in page.obj.get("/Annots", []):
        rect = [float(v) for v in annotation.Rect]
        annotation.Rect = [rect[0] + dx, rect[1], rect[2] + dx, rect[3]]


def assemble(
    front: bytes,
    sections: Sequence[bytes],
    plan: Plan,
    furniture: Sequence[Furniture],
    bookmarks: Sequence[Bookmark],
    links: Sequence[Link],
    fonts: fontlib.FontSet,
    mirror: float = 0.0,
) -> bytes:
    """One PDF from the front matter, the sections' pieces and the furniture, as `plan` lays them out.

    Each piece was set as if its first page were a right-hand page. A piece that lands on a
    left-hand page has its sides the other way round: its text blocks move sideways by `mirror`
    points (the outer margin less the inner one) on left-hand pages, back on right-hand ones."""
    pdf = pikepdf.open(BytesIO(front))
    sources = [pikepdf.open(BytesIO(data)) for data in sections]
    overlays = sorted(furniture, key=lambda overlay: overlay.first)
    opened = [pikepdf.open(BytesIO(overlay.data)) for overlay in overlays]

    def furniture_page(number: int) -> pikepdf.Page:
        index = bisect.bisect_right([overlay.first for overlay in overlays], number) - 1
        return opened[index].pages[overlays[index].lead + number - overlays[index].first]

    front_pages = sum(1 for kind, _ in plan.layout if kind == "front")
    del pdf.pages[front_pages:]
    box = pdf.pages[0].mediabox
    height = float(box[3]) - float(box[1])
    for number, (kind, where) in enumerate(plan.layout[front_pages:], start=front_pages):
        if kind == "blank":
            # The furniture's page for it is an empty page of the same geometry (and crop marks).
            pdf.pages.append(furniture_page(number))
        else:
            index, page = where  # type: ignore[misc]
            pdf.pages.append(sources[index].pages[page])
            if mirror and (number - page) % 2:  # set for the other side
                _mirror(pdf, pdf.pages[-1], mirror if number % 2 else -mirror)
    for number, (kind, _) in enumerate(plan.layout):
        if kind == "section":
            _lay_over(pdf, pdf.pages[number], furniture_page(number), number)
    _links(pdf, links, height)
    _outline(pdf, bookmarks, height)
    merge_fonts(pdf, fonts)
    merge_images(pdf)
    drop_embedded_files(pdf)
    out = BytesIO()
    pdf.save(
        out,
        deterministic_id=True,
        compress_streams=True,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
    )
    for source in (*sources, *opened, pdf):
        source.close()
    return out.getvalue()
