"""Markdown articles written elsewhere: in an old Vietnamese encoding (Windows-1258, VNI, TCVN3,
VISCII: what `check` advises importing), or in another folder. The front matter is kept as
written, the text converted to Unicode NFC, and the pictures it names beside it come along."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from .. import frontmatter, text
from ..articles import DateOutOfRange, parse_date
from ..config import Project
from ..errors import ArticleError, ImportSourceError
from ..interface import _
from . import Draft, ImportOptions, decode_source, picture_beside

# A picture in Markdown: ![alt](address "title").
_PICTURE = re.compile(r"!\[(?P<alt>[^\]\n]*)\]\((?P<src>[^)\s]+)(?P<title>\s+\"[^\"\n]*\")?\)")


def is_markdown(path: Path, text_: str) -> bool:
    """Whether a text source is an article already (front matter first), not a scraped page."""
    first = text_.lstrip("\ufeff").split("\n", 1)[0].rstrip()
    return path.suffix.lower() in (".md", ".markdown") or first == "---"


def draft(data: bytes, *, path: Path, project: Project, options: ImportOptions) -> Draft:
    """A draft article from a Markdown file in any encoding pressbook reads."""
    source, encoding = decode_source(data, path)
    source = source.lstrip("\ufeff")
    try:
        split = frontmatter.split(source, path)
        fields, _lines = frontmatter.parse(split.front, path, split.front_line)
    except ArticleError as exc:
        raise ImportSourceError(problems=exc.problems) from None
    fields = {key: value for key, value in fields.items() if value not in (None, "")}
    if options.section:
        fields["section"] = options.section
    written = options.date or fields.get("date")
    if written is None:
        raise ImportSourceError(
            _("has no date in its front matter"), path=path, field="date", hint=_("give it with --date YYYY-MM-DD")
        )
    try:
        fields["date"] = parse_date(written, project.config.tz)
    except (DateOutOfRange, ValueError) as exc:
        raise ImportSourceError(str(exc), path=path, field="date") from None
    fields.setdefault("section", project.config.edition.default_section)
    slug = text.slugify(str(fields.get("title") or path.stem), max_length=40)
    body, pictures, warnings = _pictures(split.body, path.parent, slug)
    return Draft(
        fields=fields, body=body.strip("\n"), images=tuple(pictures), warnings=tuple(warnings),
        encoding=encoding if encoding != "UTF-8" else None,
    )  # fmt: skip


def _pictures(body: str, folder: Path, slug: str) -> tuple[str, list[tuple[Path, str]], list[str]]:
    """The body with each picture beside the file copied under images/ (verified as a picture),
    and warnings for those that cannot come along. Web addresses are left as written."""
    pictures: list[tuple[Path, str]] = []
    warnings: list[str] = []
    taken: dict[Path, str] = {}

    def bring(match: re.Match[str]) -> str:
        src = match["src"]
        parts = urlsplit(src)
        if parts.scheme or src.startswith("#"):
            return match.group(0)
        local, refused = picture_beside(src, folder, _("is not beside the article"))
        if local is None:
            warnings.append(refused or "")
            return ""
        if local not in taken:
            taken[local] = f"{slug}-{len(pictures) + 1}{local.suffix.lower()}"
            pictures.append((local, taken[local]))
        return f"![{match['alt']}](images/{taken[local]}{match['title'] or ''})"

    return _PICTURE.sub(bring, body), pictures, warnings

