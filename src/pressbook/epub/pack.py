"""The only module that imports ebooklib: an `Ebook` packed as an EPUB 3 file.

ebooklib writes the package; afterwards the zip is rewritten with fixed timestamps and a fixed
order so that the same edition always gives the same bytes, and the package document gets the
edition's language (`xml:lang`), which ebooklib has no way to say and accessibility checkers
(Ace by DAISY) require."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from io import BytesIO

from ebooklib import epub
from lxml import etree

from .book import Ebook

# Zip entries carry this time (the earliest a zip can say), never the wall clock.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class _Verbatim(epub.EpubItem):
    """A package item written exactly as given (ebooklib would otherwise re-serialise XHTML)."""

    def __init__(self, uid: str, file_name: str, media_type: str, content: bytes, properties: tuple[str, ...] = ()):
        super().__init__(uid=uid, file_name=file_name, media_type=media_type, content=content)
        self.properties = list(properties)


def _book(ebook: Ebook) -> epub.EpubBook:
    book = epub.EpubBook()
    book.FOLDER_NAME = "OEBPS"
    book.set_identifier(ebook.identifier)
    book.set_title(ebook.title)
    book.set_language(ebook.language)
    book.add_author(ebook.creator)
    book.add_metadata("DC", "publisher", ebook.publisher)
    book.add_metadata("DC", "date", ebook.date)
    book.add_metadata("DC", "description", ebook.description)
    if ebook.source:
        book.add_metadata("DC", "source", ebook.source)
    for subject in ebook.subjects:
        book.add_metadata("DC", "subject", subject)
    if ebook.rights:
        book.add_metadata("DC", "rights", ebook.rights)
    for prop, value, language in ebook.accessibility:
        # A value in another language than the book's (an English summary of a French edition) says so.
        attributes = {"property": prop}
        if language not in (None, ebook.language):
            attributes[XML_LANG] = language
        book.add_metadata("OPF", "meta", value, attributes)

    book.set_cover(ebook.cover.name, ebook.cover.data, create_page=False)
    for resource in ebook.resources:
        uid = "r-" + resource.name.replace("/", "-").replace(".", "-")
        book.add_item(_Verbatim(uid, resource.name, resource.media_type, resource.data))
    spine = []
    for document in ebook.documents:
        uid = "d-" + document.name.rsplit("/", 1)[-1].removesuffix(".xhtml")
        item = _Verbatim(uid, document.name, "application/xhtml+xml", document.xhtml, document.properties)
        book.add_item(item)
        spine.append(item)
    book.spine = spine
    book.toc = [
        (epub.Section(section.name, section.href), [epub.Link(href, title, f"n-{i}-{j}") for j, (title, href) in enumerate(section.entries)])
        for i, section in enumerate(ebook.toc)
    ]
    book.add_item(epub.EpubNcx())
    return book


def _with_language(opf: bytes, language: str) -> bytes:
    """The package document with `xml:lang` on its root: the language of its metadata."""
    root = etree.fromstring(opf)
    root.set(XML_LANG, language)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True)


def _normalised(raw: bytes, rewrite: Callable[[str, bytes], bytes] = lambda name, data: data) -> bytes:
    """The same zip with fixed timestamps and permissions; `mimetype` first and stored; each
    entry's bytes passed through `rewrite(name, data)`."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(raw)) as source, zipfile.ZipFile(out, "w") as target:
        names = source.namelist()
        ordered = ["mimetype"] + [n for n in names if n != "mimetype"]
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.create_system = 3
            # Pictures are compressed already: they are stored as they are, like `mimetype`.
            stored = name == "mimetype" or name.lower().endswith((".png", ".jpeg", ".jpg"))
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            target.writestr(info, rewrite(name, source.read(name)), compresslevel=None if stored else 9)
    return out.getvalue()


def pack(ebook: Ebook) -> bytes:
    """The EPUB file of an e-book, as bytes, the same for the same e-book."""
    raw = BytesIO()
    epub.write_epub(raw, _book(ebook), {"mtime": ebook.modified.replace(tzinfo=None), "epub2_guide": False, "epub3_landmark": False, "raise_exceptions": True, "compresslevel": 0})  # compressed once, below

    def rewrite(name: str, data: bytes) -> bytes:
        return _with_language(data, ebook.language) if name.endswith(".opf") else data

    return _normalised(raw.getvalue(), rewrite)
