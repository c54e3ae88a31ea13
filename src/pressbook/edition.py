"""An `Edition` and the pure selection of articles into it: period, sections, order, manifest."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from datetime import date as Date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from . import i18n
from .articles import MAX_YEAR, MIN_YEAR, Article, in_years
from .config import Config, no_controls, toml_key_line
from .errors import ConfigError, EditionError, Problem, UsageError, validation_problems
from .files import LEADS_NOWHERE, LEADS_OUT, is_inside
from .interface import N_, _, reason

PeriodKind = Literal["all", "year", "month", "week", "day"]
ISSUE_HELP = N_("use YYYY-MM (a month), YYYY-Www (an ISO week), YYYY-MM-DD (a day) or YYYY (a year)")


@dataclass(frozen=True)
class Period:
    """The dates an issue covers: [start, end) in the project's time zone."""

    id: str
    kind: PeriodKind
    start: date
    end: date

    def contains(self, moment: datetime, tz: tzinfo) -> bool:
        """Whether `moment` falls inside the period, read in `tz`."""
        return self.kind == "all" or self.start <= moment.astimezone(tz).date() < self.end


ALL = Period("all", "all", date.min, date.max)


def parse_issue(spec: str | None) -> Period:
    """The period an `--issue` value names."""
    if spec is None or spec == "all":
        return ALL
    # Digits of other scripts are digits ("２０１７-01" is 2017-01); nothing else is changed.
    spec = "".join(str(unicodedata.decimal(c)) if not c.isascii() and unicodedata.decimal(c, None) is not None else c for c in spec).strip()
    if (year := re.match(r"\d{4}(?=$|-)", spec)) and not MIN_YEAR <= int(year.group()) <= MAX_YEAR:
        raise UsageError(
            _("--issue '{issue}': the year must be between {first} and {last}").format(issue=spec, first=MIN_YEAR, last=MAX_YEAR),
            hint=_(ISSUE_HELP),
        )
    try:
        if m := re.fullmatch(r"(\d{4})", spec):
            year = int(m.group(1))
            return Period(spec, "year", date(year, 1, 1), date(year + 1, 1, 1))
        if m := re.fullmatch(r"(\d{4})-(\d{2})", spec):
            year, month = int(m.group(1)), int(m.group(2))
            start = date(year, month, 1)
            end = date(year + (month == 12), month % 12 + 1, 1)
            return Period(spec, "month", start, end)
        if m := re.fullmatch(r"(\d{4})-[Ww](\d{1,2})", spec):
            start = date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
            return Period(f"{m.group(1)}-W{int(m.group(2)):02d}", "week", start, start + timedelta(days=7))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", spec):
            day = date.fromisoformat(spec)
            return Period(spec, "day", day, day + timedelta(days=1))
    except ValueError as exc:
        raise UsageError(_("--issue '{issue}' is not a real month, week or day: {reason}").format(issue=spec, reason=reason(exc)), hint=_(ISSUE_HELP)) from None
    meant = _issue_meant(spec)
    raise UsageError(
        _("--issue '{issue}' is not an issue name").format(issue=spec),
        hint=(_("did you mean --issue {issue}?").format(issue=meant) + " " if meant else "") + _(ISSUE_HELP),
    )


def _issue_meant(spec: str) -> str | None:
    """The issue name a date written the everyday way probably means: '2017-1' and '01/2017'
    (tháng 1/2017) are 2017-01, '4/1/2017' is 2017-01-04, '2017/01' is 2017-01."""
    spec = re.sub(r"^(?:tháng|thang|ngày|ngay)\s+", "", spec.casefold())
    forms = [
        (r"(\d{4})[-/.](\d{1,2})", lambda y, m: f"{y}-{int(m):02d}"),
        (r"(\d{1,2})[-/.](\d{4})", lambda m, y: f"{y}-{int(m):02d}"),
        (r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", lambda y, m, d: f"{y}-{int(m):02d}-{int(d):02d}"),
        (r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", lambda d, m, y: f"{y}-{int(m):02d}-{int(d):02d}"),
        (r"(\d{4})-?w(\d{1,2})", lambda y, w: f"{y}-W{int(w):02d}"),
    ]
    for pattern, name in forms:
        if match := re.fullmatch(pattern, spec):
            guess = name(*match.groups())
            try:
                parse_issue(guess)
            except UsageError:
                return None
            return guess
    return None


class Manifest(BaseModel):
    """`issues/<id>.toml`: what an editor fixes by hand about one issue."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str | None = None
    number: int | None = None
    date: Date | None = None
    note: str | None = None
    cover_image: str | None = None
    sections: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()

    @field_validator("*")
    @classmethod
    def _printable(cls, value: object) -> object:
        return no_controls(value)

    @field_validator("date")
    @classmethod
    def _in_years(cls, value: Date | None) -> Date | None:
        if value is not None:  # else the edition's dates overflow (EPUB metadata, the cover)
            in_years(datetime(value.year, value.month, value.day), value.isoformat())
        return value


@dataclass(frozen=True)
class LoadedManifest:
    """A manifest and the file it came from (for error messages)."""

    manifest: Manifest
    path: Path
    text: str


def load_manifest(issues_dir: Path, period: Period, inside: Path | None = None) -> LoadedManifest | None:
    """The manifest for `period`, if the project has one; it must be a file inside the project
    (`inside`, by default the folder holding `issues_dir`), not a link to one elsewhere."""
    path = issues_dir / f"{period.id}.toml"
    if path.is_symlink() and not path.exists():
        raise ConfigError(
            _(LEADS_NOWHERE), path=path,
            hint=_("remove the link, or copy the manifest into issues/"),
        )  # fmt: skip
    if not path.is_file():
        return None
    return read_manifest(path, inside or issues_dir.parent)


def read_manifest(path: Path, inside: Path) -> LoadedManifest:
    """One manifest file, checked: inside the project (`inside`), valid TOML, known keys."""
    if not is_inside(path, [inside]):
        raise ConfigError(
            _(LEADS_OUT), path=path,
            hint=_("copy the manifest into issues/ and remove the link"),
        )  # fmt: skip
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(_("cannot read the issue manifest: {reason}").format(reason=exc), path=path) from None
    try:
        manifest = Manifest.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(
            problems=validation_problems(
                exc, path=path, line_of=lambda loc: toml_key_line(text, [str(loc[0])]),
                model=Manifest, docs="Issues and manifests",
            )  # fmt: skip
        ) from None
    if "articles" in manifest.model_fields_set and not manifest.articles:
        # An empty list would otherwise mean "choose by date", which the editor did not write.
        raise ConfigError(
            _("lists no articles"), path=path, line=toml_key_line(text, ["articles"]), field="articles",
            hint=_("name the issue's articles by slug, or remove the line to choose them by date"),
        )  # fmt: skip
    return LoadedManifest(manifest, path, text)


@dataclass(frozen=True)
class Section:
    """A named run of articles inside an edition."""

    name: str
    articles: tuple[Article, ...]


@dataclass(frozen=True)
class Edition:
    """The articles of one issue, grouped and ordered, with what the cover and metadata need."""

    id: str
    title: str
    number: int | None
    date: date
    note: str | None
    cover_image: Path | None
    language: str
    sections: tuple[Section, ...]
    manifest: Path | None = None  # the issues/<issue>.toml it was made with, if any
    kind: PeriodKind = "month"  # what the issue covers: a year's volume is dated by its range

    @property
    def articles(self) -> tuple[Article, ...]:
        """Every article in edition order."""
        return tuple(a for s in self.sections for a in s.articles)


def _key(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold().strip()


def default_title(period: Period, language: str) -> str:
    """'Bản tin tháng 1/2017' and its kin, from the period."""
    bulletin = i18n.label("bulletin", language)
    if period.kind == "month":
        return f"{bulletin} {i18n.month_year(period.start, language)}"
    if period.kind == "week":
        year, week, _weekday = period.start.isocalendar()
        return f"{bulletin} {i18n.label('week', language)} {week}/{year}"
    if period.kind == "day":
        return f"{bulletin} {i18n.short_date(period.start, language)}"
    if period.kind == "year":
        return f"{i18n.label('volume', language)} {period.start.year}"
    return bulletin


def _default_number(period: Period) -> int | None:
    if period.kind == "month":
        return period.start.month
    if period.kind == "week":
        return period.start.isocalendar()[1]
    return None


def _resolve(ref: str, articles: Sequence[Article]) -> Article | None:
    wanted = ref.strip().removesuffix(".md")
    for article in articles:
        rel = article.path.with_suffix("").as_posix()
        if article.slug == wanted or rel.endswith("/" + wanted.lstrip("/")) or rel == wanted:
            return article
    return None


def _explicit(loaded: LoadedManifest, articles: Sequence[Article]) -> list[Article]:
    chosen: list[Article] = []
    problems: list[Problem] = []
    named: dict[Path, str] = {}
    for ref in loaded.manifest.articles:
        found = _resolve(ref, articles)
        if found is None:
            message = _("names article '{ref}', which does not exist (or could not be read)").format(ref=ref)
            hint = _("use the article's slug (file name without .md) or its path below articles/")
        elif found.path in named:
            message = _("names article '{ref}' a second time (first as '{first}')").format(ref=ref, first=named[found.path])
            hint = _("list each article once; remove one of the two lines")
        else:
            named[found.path] = ref
            chosen.append(found)
            continue
        # The line of the reference: the last one naming it (a repeat comes after the first).
        lines = [n for n, text in enumerate(loaded.text.splitlines(), 1) if f'"{ref}"' in text or f"'{ref}'" in text]
        line = lines[-1] if lines else None
        problems.append(Problem(message, path=loaded.path, line=line, field="articles", hint=hint))
    if problems:
        raise EditionError(problems=problems)
    return chosen


def select(
    articles: Iterable[Article],
    config: Config,
    period: Period,
    *,
    sections: Sequence[str] = (),
    tags: Sequence[str] = (),
    manifest: LoadedManifest | None = None,
) -> Edition:
    """Choose and order the articles of one issue."""
    pool = sorted(articles, key=lambda a: (a.date, a.slug))
    tz = config.tz
    default_section = config.edition.default_section
    if manifest and manifest.manifest.articles:
        chosen = _explicit(manifest, pool)
    else:
        chosen = [a for a in pool if period.contains(a.date, tz)]
    if sections:
        wanted = {_key(s) for s in sections}
        chosen = [a for a in chosen if _key(a.section or default_section) in wanted]
    if tags:
        wanted_tags = {_key(t) for t in tags}
        chosen = [a for a in chosen if wanted_tags & {_key(t) for t in a.tags}]

    m = manifest.manifest if manifest else Manifest()
    explicit = bool(m.articles)
    # An explicit article list keeps its own order; otherwise sections follow the manifest, then
    # the config, then any other section by the date of its first article.
    order = list(m.sections) + ([] if explicit else list(config.edition.sections))
    rank: dict[str, int] = {}
    for name in order:
        rank.setdefault(_key(name), len(rank))
    groups: dict[str, list[Article]] = {}
    names: dict[str, str] = {}
    for article in chosen:
        name = article.section or default_section
        groups.setdefault(_key(name), []).append(article)
        names.setdefault(_key(name), name)

    def section_order(key: str) -> tuple:
        return (rank.get(key, len(rank)),) if explicit else (rank.get(key, len(rank)), groups[key][0].date, key)

    section_list = tuple(Section(names[k], tuple(groups[k])) for k in sorted(groups, key=section_order))

    language = config.publication.language
    dates = [a.date.astimezone(tz).date() for a in chosen]
    latest = max(dates, default=period.start)  # an edition of no articles is refused later
    cover = (manifest.path.parent / m.cover_image) if manifest and m.cover_image else None
    return Edition(
        id=period.id,
        title=m.title or default_title(period, language),
        number=m.number if m.number is not None else _default_number(period),
        date=m.date or latest,
        note=m.note,
        cover_image=cover,
        language=language,
        sections=section_list,
        manifest=manifest.path if manifest else None,
        kind=period.kind,
    )


# --- sections an article names -------------------------------------------------------------


def _section_key(name: str) -> str:
    """How a section's name is compared for near-duplicates: NFC, one tone-mark style, no case,
    one space, one kind of dash ("Thời Sự", "thời  sự", "Văn hoá – Xã hội" all match their own)."""
    from . import text

    name = text.convert_tone_style(unicodedata.normalize("NFC", name), "new").casefold()
    return " ".join(re.sub(r"[\u2010-\u2015\u2212]", "-", name).split())


def _bare(key: str) -> str:
    """A section key without its marks: "thoi su"."""
    return "".join(c for c in unicodedata.normalize("NFD", key.replace("đ", "d")) if not unicodedata.combining(c))


def listed_section(section: str, config: Config) -> str | None:
    """The section pressbook.toml lists that `section` writes differently only in case, spacing,
    dashes or tone-mark style ("Thời Sự", "thời  sự" for "Thời sự"): safe for `check --fix` to
    write instead. None when it is listed as written, or when the match is only a guess."""
    known = [*config.edition.sections, config.edition.default_section]
    if not config.edition.sections or section in known:
        return None
    key = _section_key(section)
    return next((name for name in known if _section_key(name) == key), None)


def section_problems(articles: Iterable[Article], config: Config) -> list[Problem]:
    """A warning for each article whose section pressbook.toml does not list (it would make a
    section of its own), naming the listed one it probably means."""
    import difflib

    listed = list(config.edition.sections)
    if not listed:
        return []  # the project keeps no list: every section is welcome
    known = [*listed, config.edition.default_section]
    keys = {_section_key(name): name for name in known}
    problems = []
    for article in articles:
        if not article.section or article.section in known:
            continue
        key = _section_key(article.section)
        meant = (
            keys.get(key)
            or next((name for k, name in keys.items() if _bare(k) == _bare(key)), None)  # written without marks
            or next((keys[k] for k in difflib.get_close_matches(key, keys, n=1, cutoff=0.8)), None)  # a typo
        )
        if meant:
            message = _("'{section}' is not one of the sections pressbook.toml lists; probably '{meant}'").format(
                section=article.section, meant=meant
            )
            hint = _("write 'section: {meant}'").format(meant=meant)
        else:
            message = _(
                "'{section}' is not one of the sections pressbook.toml lists, so it will be printed as a section of its own"
            ).format(section=article.section)
            hint = _("use one of {sections}, or add it to [edition] sections in pressbook.toml").format(sections=", ".join(listed))
        problems.append(
            Problem(message, path=article.path, line=field_line(article.path, "section"), field="section", severity="warning", hint=hint)
        )
    return problems


def field_line(path: Path, field: str) -> int | None:
    """The line of the front matter on which `field` is written."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return next((n for n, line in enumerate(lines, start=1) if line.startswith(f"{field}:")), None)


def why_empty(articles: Sequence[Article], config: Config, period: Period, issue: str | None, *, sections: Sequence[str] = (), tags: Sequence[str] = ()) -> Problem:
    """What to say when a selection has no article: the option that emptied it, and what it could
    have been (the sections or tags this issue has, the dates the articles run from and to)."""
    import difflib

    issue = issue or "all"
    in_issue = select(articles, config, period).articles
    if not in_issue:
        dates = sorted(a.date.astimezone(config.tz).date() for a in articles)
        span = (
            _("the articles run from {first} to {last}").format(first=f"{dates[0]:%Y-%m-%d}", last=f"{dates[-1]:%Y-%m-%d}")
            if dates
            else _("there are no articles yet")
        )
        return Problem(
            _("--issue {issue}: no article is dated in it").format(issue=issue),
            hint=f"{span}; " + _("write --issue as YYYY-MM, YYYY-Www, YYYY-MM-DD or YYYY"),
        )  # fmt: skip
    if sections:
        have = list(dict.fromkeys(a.section or config.edition.default_section for a in in_issue))
        names = {_bare(_section_key(h)): h for h in have}
        guess = [names[m[0]] for s in sections if (m := difflib.get_close_matches(_bare(_section_key(s)), names, n=1, cutoff=0.6))]
        hint = (_("did you mean {names}?").format(names=", ".join(repr(g) for g in guess)) + " " if guess else "") + _(
            "this issue's sections: {sections}"
        ).format(sections=", ".join(have))
        return Problem(
            (_("--section: issue '{issue}' has no article in section {sections}") if issue != "all"
             else _("--section: no article is in section {sections}")).format(
                issue=issue, sections=", ".join(repr(s) for s in sections)
            ),
            hint=hint,
        )
    have_tags = sorted({t for a in in_issue for t in a.tags})
    return Problem(
        (_("--tag: issue '{issue}' has no article tagged {tags}") if issue != "all"
         else _("--tag: no article is tagged {tags}")).format(issue=issue, tags=", ".join(repr(t) for t in tags)),
        hint=_("this issue's tags: {tags}").format(tags=", ".join(have_tags)) if have_tags else _("no article of this issue has tags"),
    )  # fmt: skip
