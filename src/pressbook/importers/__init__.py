"""Turning foreign material (scraped text pages, saved HTML pages) into article files."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .. import images, text
from ..articles import FrontMatter, dumps, front_matter_problems, parse_date
from .charsets import UndecodableError, decode
from .wordfile import OLE, RTF, ZIP
from ..config import Project
from ..errors import ImportSourceError, UsageError
from ..files import write_atomic
from ..interface import _, reason

MAX_SOURCE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class ImportOptions:
    """What the editor told `pressbook import` beyond the sources."""

    force: bool = False
    section: str | None = None
    date: str | None = None

    def __post_init__(self) -> None:
        if self.date is not None:
            try:
                parse_date(self.date, timezone.utc)  # read again in the project's zone by the readers
            except ValueError as exc:
                raise UsageError(f"--date {exc}", hint=_("give it as YYYY-MM-DD or DD/MM/YYYY [HH:MM]")) from None


@dataclass(frozen=True)
class Draft:
    """An article made from a source, before it is written: fields, Markdown body, notes."""

    fields: dict[str, Any]
    body: str
    notes: tuple[str, ...] = ()
    images: tuple[tuple[Path, str], ...] = field(default=())  # (local file, name under images/)
    warnings: tuple[str, ...] = ()  # what the editor must hear of: pictures left out, dates ignored
    encoding: str | None = None  # an encoding other than UTF-8 that the source was read in
    confidence: float = 1.0  # how sure the import is that it read the source as a person would
    review: tuple[str, ...] = ()  # what a person should look at, when it is less sure


@dataclass(frozen=True)
class Imported:
    """An article file written by an import."""

    path: Path
    notes: tuple[str, ...]  # every note, the warnings first
    warnings: tuple[str, ...] = ()
    unchanged: bool = False  # the same article was already there: nothing was written
    encoding: str | None = None  # an encoding other than UTF-8 that the source was read in
    confidence: float = 1.0
    review: tuple[str, ...] = ()


def read_source(path: Path) -> tuple[bytes, str]:
    """The bytes of a source and a short kind ('html', 'word' or 'text')."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportSourceError(_("cannot read: {reason}").format(reason=reason(exc)), path=path) from None
    if not path.is_file():
        raise ImportSourceError(_("is not a file"), path=path)
    if size > MAX_SOURCE_BYTES:
        raise ImportSourceError(
            _("is {size:.1f} MB; sources are limited to {limit} MB").format(
                size=size / 1024 / 1024, limit=MAX_SOURCE_BYTES // 1024 // 1024
            ),
            path=path,
            hint=_("is it really a page or an article?"),
        )
    if size == 0:
        raise ImportSourceError(_("is empty"), path=path, hint=_("save the page's text into it first"))
    data = path.read_bytes()
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    looks_html = head.startswith((b"<!doctype html", b"<html"))
    # Word documents, and what is sent in their place (old Word, RTF, OpenDocument, a zip): the
    # Word reader takes them all, to import the one and say what to do with the others. A zip is
    # never text; a page saved as .doc is read as a page.
    word_suffixes = (".docx", ".docm", ".dotx", ".dotm", ".doc", ".dot", ".rtf", ".odt")
    if data.startswith((ZIP, OLE)) or head.startswith(RTF) or (path.suffix.lower() in word_suffixes and not looks_html):
        return data, "word"
    is_html = path.suffix.lower() in (".html", ".htm", ".xhtml") or looks_html
    return data, "html" if is_html else "text"


def decode_source(data: bytes, path: Path) -> tuple[str, str]:
    """Text and the name of the encoding it was found in."""
    try:
        decoded = decode(data)
    except UndecodableError as exc:
        hint = _("save it as UTF-8 text or an HTML page")
        raise ImportSourceError(str(exc), path=path, line=exc.line, hint=hint) from None
    return decoded.text, decoded.encoding


def draft_for(path: Path, project: Project, options: ImportOptions) -> Draft:
    """Read one source and make a draft article of it."""
    from . import scraped, webpage

    data, kind = read_source(path)
    reader: Callable[..., Draft] = webpage.draft if kind == "html" else scraped.draft
    if kind == "text":
        from . import markdown

        # An article already (front matter first), in whatever encoding: kept as written.
        if markdown.is_markdown(path, decode_source(data, path)[0]):
            reader = markdown.draft
    if kind == "word":
        from . import docx  # mammoth is imported only for Word documents

        reader = docx.draft
    return reader(data, path=path, project=project, options=options)


def target_path(project: Project, fields: dict[str, Any]) -> Path:
    """Where an article with these fields lives: articles/YYYY/MM/<slug>.md."""
    moment: datetime = fields["date"].astimezone(project.config.tz)
    return project.articles_dir / f"{moment:%Y}" / f"{moment:%m}" / f"{text.slugify(fields['title'])}.md"


def _validate(draft: Draft, path: Path, project: Project) -> None:
    try:
        FrontMatter.model_validate(
            {k: v for k, v in draft.fields.items() if v not in (None, "", ())}, context={"tz": project.config.tz}
        )
    except ValidationError as exc:
        raise ImportSourceError(
            problems=[
                dataclasses.replace(
                    p, message=_("the article made from it would be invalid: {problem}").format(problem=p.message)
                )
                for p in front_matter_problems(exc, path)
            ]
        ) from None


def _cleaned(draft: Draft) -> Draft:
    """The draft with every text run through the hygiene repairs (NFC, stray marks, spaces)."""

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            return text.clean(value).text
        if isinstance(value, tuple):
            return tuple(clean(v) for v in value)
        return value

    return Draft(
        fields={k: clean(v) for k, v in draft.fields.items()},
        body=text.clean(draft.body).text,
        notes=draft.notes,
        images=draft.images,
        warnings=draft.warnings,
        encoding=draft.encoding,
        confidence=draft.confidence,
        review=draft.review,
    )


def import_source(path: Path, project: Project, options: ImportOptions = ImportOptions()) -> Imported:
    """Import one source into the project; never overwrite an article unless `options.force`."""
    draft = _cleaned(draft_for(path, project, options))
    _validate(draft, path, project)
    target = target_path(project, draft.fields)
    text = dumps(draft.fields, draft.body).encode("utf-8")
    if target.exists() and not options.force:
        if _same(target, text) and all((target.parent / "images" / name).is_file() for _local, name in draft.images):
            # The same page imported again: nothing to do, and nothing wrong.
            return Imported(path=target, notes=(_("already imported, unchanged"), *draft.warnings, *draft.notes),
                            warnings=draft.warnings, unchanged=True, encoding=draft.encoding,
                            confidence=draft.confidence, review=draft.review)  # fmt: skip
        raise ImportSourceError(
            _("would overwrite {path}").format(path=project.relative(target)),
            path=path,
            hint=_("pass --force to replace it, or change the title of one of them"),
        )
    for local, name in draft.images:
        write_atomic(target.parent / "images" / name, local.read_bytes())
    write_atomic(target, text)
    return Imported(path=target, notes=draft.warnings + draft.notes, warnings=draft.warnings, encoding=draft.encoding,
                    confidence=draft.confidence, review=draft.review)  # fmt: skip


def _same(path: Path, data: bytes) -> bool:
    try:
        return path.read_bytes() == data
    except OSError:
        return False


# --- shared helpers for the readers ----------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>])")
_LINE_START = re.compile(r"^(\s*)([#>+\-]|\d+[.)])(\s)")


def escape_markdown(paragraph: str) -> str:
    """Plain text made safe to stand as one Markdown paragraph, shown exactly as written."""
    escaped = _MD_SPECIAL.sub(r"\\\1", paragraph)
    return _LINE_START.sub(lambda m: m.group(1) + re.sub(r"([#>+\-.)])", r"\\\1", m.group(2)) + m.group(3), escaped)


_BYLINE = re.compile(r"^(?P<name>[^()\[\]:;!?]{2,60}?)\s*(?:\((?P<aff>[^()]{2,120})\))?\s*$")


def parse_byline(line: str) -> tuple[str, str | None] | None:
    """('Lò Văn Minh', 'Huyện ủy Tủa Chùa') from 'Lò Văn Minh (Huyện ủy Tủa Chùa)', or None."""
    match = _BYLINE.match(line.strip())
    if not match:
        return None
    name = match.group("name").strip()
    words = name.split()
    if not words or len(words) > 7 or name.endswith((".", ",")) and not re.fullmatch(r"[A-ZĐ.\s]+", name):
        return None
    capitalised = sum(1 for w in words if w[0].isupper() or w[0].isdigit())
    if capitalised < len(words) - 1 and not name.lower().startswith("theo "):
        return None
    return name, (match.group("aff") or "").strip() or None


_TAG = re.compile(r"^(?:\([^()]{2,30}\)|[A-ZĐ][A-ZĐ0-9.]{1,9}(?:\s[A-ZĐ]{1,6})?)\s*[-–—]\s*\S")


def has_lead_tag(paragraph: str) -> bool:
    """Whether a paragraph starts with a paper's tag: 'ĐBP - ', 'SN - ', '(Dân trí) - '."""
    return bool(_TAG.match(paragraph))


def picture_beside(address: str, folder: Path, not_beside: str) -> tuple[Path | None, str | None]:
    """The picture file a relative `address` names inside `folder` (a saved page's, or an
    article's), checked to be a real picture; or, instead, the warning that leaves it out. Only
    files inside `folder` ever come along: a source names files its author chose."""
    from urllib.parse import unquote, urlsplit

    try:
        local = (folder / unquote(urlsplit(address).path)).resolve()
        if not (local.is_file() and local.is_relative_to(folder.resolve())):
            raise images.ImageRefused(not_beside)
        if local.suffix.lower() not in images.SUFFIXES:
            raise images.ImageRefused(_("is not a picture file (.png, .jpg, .gif, .webp)"))
        images.verify(local)
    except (OSError, ValueError) as refused:
        said = refused if isinstance(refused, images.ImageRefused) else _("is not a usable file name")
        return None, _("image '{src}' {reason}; left out").format(src=address[:80], reason=said)
    return local, None
