"""A Word document (.docx) as the zip archive it is, written by whoever sent it: checked before
anything is unpacked (its declared sizes, its number of parts, that it is a Word document and not
a .doc, RTF or OpenDocument file), and with no document type declaration in its XML (Word never
writes one). docx.py reads the document once this module has let it through."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path

from ..errors import ImportSourceError
from ..interface import N_, _

# What a Word file may unpack to. A real article with its photos is a few megabytes; the file
# itself is held to MAX_SOURCE_BYTES by read_source.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_XML_BYTES = 20 * 1024 * 1024  # one XML part (the text of a long book is a few megabytes)
MAX_MEMBERS = 10_000

ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 (.doc), and password-protected .docx
RTF = b"{\\rtf"
SAVE_AS_DOCX = N_("open it in Word or LibreOffice and save it as .docx (Word Document)")


def refuse(message: str, path: Path, hint: str | None = SAVE_AS_DOCX) -> ImportSourceError:
    return ImportSourceError(message, path=path, hint=_(hint) if hint else None)


def archive(data: bytes, path: Path) -> zipfile.ZipFile:
    """The document's zip archive, once it is known to be a Word document of sane size."""
    if data.startswith(OLE):
        raise refuse(_("is an old Word document (.doc) or a password-protected one, not a .docx"), path,
                     N_("open it in Word or LibreOffice and save it as .docx (Word Document), without a password"))  # fmt: skip
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(RTF):
        raise refuse(_("is an RTF document, not a .docx"), path)
    if not data.startswith(ZIP):
        raise refuse(_("is not a Word document (.docx), whatever its name says"), path)
    try:
        opened = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise refuse(_("is a damaged .docx file ({reason})").format(reason=exc), path) from None
    try:
        _check(opened, path)
    except BaseException:
        opened.close()
        raise
    return opened


def _check(archive: zipfile.ZipFile, path: Path) -> None:
    """Refuse an archive that would unpack to too much, is not a Word document, or holds XML
    with a document type declaration (entities: Word never writes one)."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise refuse(_("holds {count} files; a Word document holds far fewer").format(count=len(members)), path)
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise refuse(
            _("would unpack to {size:.0f} MB, more than the {limit} MB a Word document may hold").format(
                size=unpacked / 1024 / 1024, limit=MAX_UNPACKED_BYTES // 1024 // 1024
            ),
            path, N_("is it really an article? Make the pictures in it smaller and save it again"),
        )  # fmt: skip
    names = {member.filename for member in members}
    if "word/document.xml" not in names:
        if "mimetype" in names and _read(archive, "mimetype", path).startswith(b"application/vnd.oasis.opendocument"):
            raise refuse(_("is an OpenDocument file (.odt), not a .docx"), path)
        raise refuse(_("is a zip archive, not a Word document (it has no word/document.xml)"), path)
    for member in members:
        if not member.filename.lower().endswith((".xml", ".rels")):
            continue
        if member.file_size > MAX_XML_BYTES:
            raise refuse(
                _("has a part of {size:.0f} MB ({name}); a Word document's parts are far smaller").format(
                    size=member.file_size / 1024 / 1024, name=member.filename[:80]
                ),
                path,
            )
        if re.search(rb"<!(?:DOCTYPE|ENTITY)", _read(archive, member.filename, path)):
            raise refuse(
                _("holds a document type declaration, which Word never writes ({name})").format(
                    name=member.filename[:80]
                ),
                path,
            )


def _read(archive: zipfile.ZipFile, name: str, path: Path) -> bytes:
    try:
        with archive.open(name) as member:
            return member.read(MAX_XML_BYTES + 1)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, ValueError, OSError, EOFError) as exc:
        raise refuse(_("is a damaged .docx file ({reason})").format(reason=exc), path) from None


def created(archive: zipfile.ZipFile, path: Path) -> str | None:
    """The day Word says the file was created (the file's date, not the story's)."""
    try:
        core = _read(archive, "docProps/core.xml", path)
    except (KeyError, ImportSourceError):
        return None
    found = re.search(rb"<dcterms:created[^>]*>\s*(\d{4}-\d{2}-\d{2})", core)
    return found.group(1).decode("ascii") if found else None
