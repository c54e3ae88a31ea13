"""The article format: the frozen `Article` model, reading it from a file and writing it back.

An article is one Markdown file with YAML front matter (see README "The article format").
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date as Date
from datetime import datetime, time, tzinfo
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from . import frontmatter, text
from .body import image_sources, limit_problems, to_text
from .errors import ArticleError, Problem, validation_problems
from .files import LEADS_NOWHERE, walk
from .interface import N_, _, reason

MAX_ARTICLE_BYTES = 2 * 1024 * 1024
FIELD_ORDER = (
    "title", "date", "section", "author", "affiliation", "source", "lead", "tags",
    "image", "image_caption", "source_url", "views", "review",
)  # fmt: skip
# The ways a date may be written (marked for the catalog: `date_help` says them in the
# interface's language).
DATE_FORMS = N_("YYYY-MM-DD, YYYY-MM-DDTHH:MM+07:00 or DD/MM/YYYY, optionally with HH:MM")
# The years a date may fall in. Outside them a date is a typo (0001, 9999), and its arithmetic
# breaks: 9999-12-31T23:59-12:00 is in the year 10000 anywhere east of it, and zoneinfo gives years
# before time zones existed the local mean time of the place (+07:06:40).
MIN_YEAR, MAX_YEAR = 1900, 2200


def date_help() -> str:
    """What a date may look like, in the interface's language: "expected YYYY-MM-DD, ..."."""
    return _("expected {forms}").format(forms=_(DATE_FORMS))


_DMY = re.compile(
    r"^(?:(?P<h1>\d{1,2})[:h](?P<m1>\d{2})\s*-\s*)?(?:[^\d,]+,\s*)?(?:ngày\s+)?"
    r"(?P<d>\d{1,2})/(?P<mo>\d{1,2})/(?P<y>\d{4})(?:\s+(?P<h2>\d{1,2})[:h](?P<m2>\d{2}))?$",
    re.IGNORECASE,
)


class DateOutOfRange(ValueError):
    """A real date, but outside MIN_YEAR..MAX_YEAR."""


def in_years(moment: datetime, written: str) -> datetime:
    """`moment` if its year is within MIN_YEAR..MAX_YEAR, else DateOutOfRange quoting `written`."""
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise DateOutOfRange(
            _("'{written}' is outside the years {first} to {last} (write the real date, e.g. 2017-01-04)").format(
                written=written, first=MIN_YEAR, last=MAX_YEAR
            )
        )
    return moment


def parse_date(value: object, tz: tzinfo) -> datetime:
    """An aware datetime from what an editor writes; times without an offset are read in `tz`.
    A date outside MIN_YEAR..MAX_YEAR raises DateOutOfRange (a ValueError)."""
    if isinstance(value, datetime):
        moment, written = value, value.isoformat()
    elif isinstance(value, Date):
        moment, written = datetime.combine(value, time()), value.isoformat()
    elif isinstance(value, str):
        moment, written = _parse_date_text(value.strip()), value.strip()
    elif value is None:
        raise ValueError(_("has no value (write the date as {forms})").format(forms=_(DATE_FORMS)))
    else:
        raise ValueError(_("{value} is not a date ({help})").format(value=repr(value), help=date_help()))
    # Checked before a time zone is attached: years outside the range are where it overflows.
    in_years(moment, written)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=tz)
    local = moment.astimezone(tz)
    if not MIN_YEAR <= local.year <= MAX_YEAR:
        # 2200-12-31T23:59-14:00 is already 2201 in the paper's time zone, where no issue can hold it.
        raise DateOutOfRange(
            _(
                "'{written}' falls in {year} in the paper's time zone, outside the years {first} to {last}"
                " (write the real date, e.g. 2017-01-04)"
            ).format(written=written, year=local.year, first=MIN_YEAR, last=MAX_YEAR)
        )
    return moment


def _parse_date_text(value: str) -> datetime:
    match = _DMY.match(value)
    try:
        if match:
            hour = match.group("h1") or match.group("h2") or 0
            minute = match.group("m1") or match.group("m2") or 0
            return datetime(
                int(match.group("y")), int(match.group("mo")), int(match.group("d")), int(hour), int(minute)
            )
        if re.match(r"^\d{4}-\d{2}-\d{2}", value):
            return datetime.fromisoformat(value.replace(" ", "T", 1) if "T" not in value else value)
    except ValueError as exc:
        raise ValueError(_("'{value}' is not a real date: {reason}").format(value=value, reason=reason(exc))) from None
    raise ValueError(_("'{value}' is not a date ({help})").format(value=value, help=date_help()))


class FrontMatter(BaseModel):
    """The fields an article file may carry, validated."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1)
    date: datetime
    section: str | None = None
    author: str | None = None
    affiliation: str | None = None
    source: str | None = None  # the outlet the article is taken from ("Theo X (Y)": Y)
    lead: str | None = None
    tags: tuple[str, ...] = ()
    image: str | None = None
    image_caption: str | None = None
    source_url: str | None = None
    views: int | None = Field(default=None, ge=0)
    review: tuple[str, ...] = ()  # what an import asks a person to look at; removed when done

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, value: object, info: ValidationInfo) -> datetime:
        if isinstance(value, datetime) and value.tzinfo is not None:
            return in_years(value, value.isoformat())
        tz = (info.context or {}).get("tz")
        if tz is None:
            raise ValueError(_("no time zone given to read the date in"))
        return parse_date(value, tz)

    @field_validator("title", "section", "author", "affiliation", "source", "lead", "image_caption", mode="after")
    @classmethod
    def _nfc(cls, value: str | None) -> str | None:
        return text.clean(value).text if value else value

    @field_validator("tags", "review", mode="before")
    @classmethod
    def _tags(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("source_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value and not re.match(r"^https?://[^\s/]+", value):
            raise ValueError(_("'{value}' is not a web address (expected http:// or https://...)").format(value=value))
        return value

    @field_validator("image_caption")
    @classmethod
    def _caption_needs_image(cls, value: str | None, info: ValidationInfo) -> str | None:
        # (image is validated first: it comes first in the model)
        if value and not info.data.get("image"):
            raise ValueError(_("is set but image is not (add 'image: images/<file>' above it, or remove the caption)"))
        return value


class Article(FrontMatter):
    """One article, read whole from its file: front matter, Markdown body and where it came from."""

    path: Path
    slug: str
    body: str = ""

    @property
    def folder(self) -> Path:
        """The folder relative image paths are resolved against."""
        return self.path.parent

    @property
    def words(self) -> int:
        """Words in the lead and body, as shown by `pressbook list`."""
        return text.word_count(self.lead or "") + text.word_count(to_text(self.body))

    def image_paths(self) -> list[str]:
        """Every image the article refers to: the front-matter image, then those in the body."""
        found = [self.image] if self.image else []
        return found + image_sources(self.body)


# --- reading -------------------------------------------------------------------------------


# What a required field looks like, for the hint when one is left empty.
_EXAMPLES = {"title": "Chợ phiên vùng cao ngày giáp Tết", "date": "2017-01-04"}


def front_matter_problems(
    exc: ValidationError, path: Path, lines: Mapping[str, int] | None = None, first_line: int = 2
) -> list[Problem]:
    """The front matter's validation errors, each on the line of its field (`lines`)."""
    found = validation_problems(
        exc,
        path=path,
        line_of=lambda loc: (lines or {}).get(str(loc[0]), first_line - 1) if lines is not None and loc else None,
        known=FIELD_ORDER,
        noun="article field",
        docs="The article format",
    )
    worded = []
    # (one problem for each of pydantic's errors, in its order)
    for problem, error in zip(found, exc.errors(), strict=True):
        if problem.message == _("is missing"):
            problem = dataclasses.replace(
                problem, hint=_("add '{field}: ...' to the front matter").format(field=problem.field)
            )
        elif (problem.message == _("has no value") or error["type"] == "string_too_short") and problem.field in _EXAMPLES:
            # A field every article needs: say what to write, not to remove it.
            problem = dataclasses.replace(
                problem,
                hint=_("write it after the colon, e.g. '{field}: {example}'").format(
                    field=problem.field, example=_EXAMPLES[problem.field]
                ),
            )
        elif problem.field == "date" and error["type"] == "value_error" and date_help() not in problem.message:
            # A date that does not exist ("2017-02-30"): say how to write one that does.
            problem = dataclasses.replace(problem, hint=_("write the real date, e.g. {example}").format(example="2017-01-04"))
        elif problem.field == "date" and error["type"] != "value_error" and "date" not in problem.message:
            # A date the reader could not understand: say which forms it knows. (The date reader's
            # own words, a value error, always do.)
            problem = dataclasses.replace(problem, message=f"{problem.message} ({date_help()})")
        worded.append(problem)
    return worded


def read_bytes(path: Path) -> str:
    """The UTF-8 text of an article file, refusing what cannot be an article."""
    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            raise ArticleError(
                _("file is {size:.1f} MB; articles are limited to {limit} MB").format(
                    size=size / 1024 / 1024, limit=MAX_ARTICLE_BYTES // 1024 // 1024
                ),
                path=path,
                hint=_("check it is really an article; split very long texts"),
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleError(_("cannot read the file: {reason}").format(reason=reason(exc)), path=path) from None
    if b"\x00" in data:
        raise ArticleError(
            _("is a binary file, not a Markdown article"), path=path, hint=_("remove it from articles/")
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ArticleError(
            _("is not UTF-8 text (byte 0x{byte:02X} cannot be read)").format(byte=data[exc.start]),
            path=path,
            line=line,
            hint=_("save it as UTF-8, or turn it into an article with 'pressbook import FILE'"),
        ) from None


def read_markdown(path: Path, tz: tzinfo) -> Article:
    """Read one Markdown article, raising ArticleError with every problem in it."""
    source = read_bytes(path)
    split = frontmatter.split(source, path)
    data, lines = frontmatter.parse(split.front, path, split.front_line)
    try:
        front = FrontMatter.model_validate(data, context={"tz": tz})
    except ValidationError as exc:
        raise ArticleError(problems=front_matter_problems(exc, path, lines, split.front_line)) from None
    body = text.clean(split.body).text
    # Nesting and counts the renderers cannot take stop the article here (body.py), where
    # --skip-invalid can leave it out, rather than the whole edition later.
    too_much = limit_problems(body, path, source.count("\n", 0, len(source) - len(split.body)) + 1)
    if too_much:
        raise ArticleError(problems=too_much)
    return Article(
        **front.model_dump(),
        path=path,
        slug=text.slugify(path.stem, max_length=200),
        body=body,
    )


READERS: dict[str, Callable[[Path, tzinfo], Article]] = {".md": read_markdown, ".markdown": read_markdown}


def read_article(path: Path, tz: tzinfo) -> Article:
    """Read an article with the reader registered for its suffix."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ArticleError(
            _("'{suffix}' files are not articles").format(suffix=path.suffix), path=path,
            hint=_("articles are .md files; turn other material into one with 'pressbook import'"),
        )  # fmt: skip
    return reader(path, tz)


@dataclass(frozen=True)
class Loaded:
    """Every article that could be read, and every problem met on the way."""

    articles: tuple[Article, ...]
    problems: tuple[Problem, ...]


def article_files(folder: Path, inside: Path | None = None) -> list[Path]:
    """Article files below `folder`, in a stable order: never through a link leading outside
    the project (`inside`, by default the folder that holds `folder`), nor round a loop."""
    return [p for p in walk(folder, [inside or folder.parent]).files if p.suffix.lower() in READERS]


def _links_out(links: tuple[Path, ...]) -> list[Problem]:
    """An error for each link to an article or a folder outside the project: its text would be
    published from a file the newsroom does not hold."""
    problems = []
    for link in links:
        if link.suffix.lower() in READERS or link.is_dir():
            problems.append(
                Problem(
                    _("is a link to a folder outside the project; it is not read")
                    if link.is_dir()
                    else _("is a link to a file outside the project; it is not read"),
                    path=link,
                    hint=_("copy what it points to into the project (articles/...) and remove the link"),
                )
            )
    return problems


def load_articles(folder: Path, tz: tzinfo, inside: Path | None = None) -> Loaded:
    """Read every article below `folder`, collecting problems instead of stopping at the first.

    Every file read is inside the project (`inside`, by default the folder holding `folder`)."""
    articles: list[Article] = []
    walked = walk(folder, [inside or folder.parent])
    problems: list[Problem] = _links_out(walked.outside) + [
        Problem(
            _(LEADS_NOWHERE), path=link,
            hint=_("remove the link, or point it at the article file"),
        )
        for link in walked.broken
        if link.suffix.lower() in READERS
    ]
    seen: dict[str, Path] = {}
    for path in (p for p in walked.files if p.suffix.lower() in READERS):
        try:
            article = read_article(path, tz)
        except ArticleError as exc:
            problems.extend(exc.problems)
            continue
        if article.slug in seen:
            problems.append(
                Problem(
                    _("slug '{slug}' is already used by {path}").format(slug=article.slug, path=seen[article.slug]),
                    path=path,
                    hint=_("rename one of the files; slugs name chapters and links and must be unique"),
                )
            )
            continue
        seen[article.slug] = path
        articles.append(article)
    return Loaded(tuple(articles), tuple(problems))


# --- writing -------------------------------------------------------------------------------


def dumps(fields: Mapping[str, Any], body: str) -> str:
    """The article file text for `fields` and a Markdown `body`, in a stable form."""
    ordered: dict[str, Any] = {}
    for name in FIELD_ORDER:
        value = fields.get(name)
        if value in (None, "", (), []):
            continue
        if isinstance(value, datetime):
            value = value.isoformat()
        if isinstance(value, tuple):
            value = list(value)
        ordered[name] = value
    unknown = set(fields) - set(FIELD_ORDER)
    if unknown:
        raise ValueError(f"not article fields: {sorted(unknown)}")
    front = frontmatter.dump(ordered)
    body = body.strip("\n")
    return f"---\n{front}---\n{body}\n" if body else f"---\n{front}---\n"

