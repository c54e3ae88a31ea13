"""Scraped text pages of the newspaper's website: kicker, title, dateline, lead, body, byline,
and page chrome to drop."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from .. import text
from ..articles import DateOutOfRange, in_years, parse_date
from ..config import Project
from ..errors import ImportSourceError
from ..interface import _
from . import (
    Draft,
    ImportOptions,
    decode_source,
    escape_markdown,
    has_lead_tag,
    parse_byline,
)

# Buttons and labels of the website that are never part of an article.
CHROME = (
    "bình luận", "back to top", "về đầu trang", "lên đầu trang", "in bài viết", "in bài", "bản in",
    "chia sẻ", "share", "tweet", "facebook", "zalo", "email", "gửi email", "gửi bài viết", "gửi cho bạn bè",
    "lưu bài viết", "quay lại", "trở về", "trở lại", "xem thêm", "đọc thêm", "tin liên quan", "các tin khác",
    "tin khác", "tin cùng chuyên mục", "ý kiến bạn đọc", "gửi ý kiến", "play", "like", "top",
)  # fmt: skip
_CHROME_TAIL = re.compile(
    r"\s*(?:lượt xem:?\s*[\d.,]+|in bài viết|chia sẻ|bình luận)\s*", re.IGNORECASE
)
_DATELINE = re.compile(
    r"(?:(?P<h>\d{1,2})[:h](?P<m>\d{2})\s*(?:[-–|,]\s*)?)?"
    r"(?:(?:thứ\s+\w+|chủ\s+nhật|cn)\s*,?\s*)?(?:ngày\s+)?"
    r"(?P<d>\d{1,2})/(?P<mo>\d{1,2})/(?P<y>\d{4})",
    re.IGNORECASE,
)
_VIEWS = re.compile(r"lượt xem:?\s*([\d.,]+)", re.IGNORECASE)
_KEYWORDS = re.compile(r"^(?:từ khóa|từ khoá|tags?)\s*:\s*(.+)$", re.IGNORECASE)


def _is_chrome(line: str, extra: tuple[str, ...]) -> bool:
    folded = line.strip().casefold().rstrip(":")
    return folded in CHROME or folded in extra or bool(re.fullmatch(r"lượt xem:?\s*[\d.,]+", folded))


def _dateline(line: str) -> tuple[datetime, int | None] | None:
    """The moment and view count of a dateline like '08:48 - Thứ Tư, 04/01/2017 Lượt xem: 1203'."""
    match = _DATELINE.search(line)
    if not match:
        return None
    rest = (line[: match.start()] + " " + line[match.end() :]).strip()
    rest = _CHROME_TAIL.sub(" ", rest).strip(" -|,")
    if len(rest.split()) > 3:  # a sentence that merely mentions a date
        return None
    try:
        moment = datetime(
            int(match.group("y")), int(match.group("mo")), int(match.group("d")),
            int(match.group("h") or 0), int(match.group("m") or 0),
        )  # fmt: skip
    except ValueError:
        raise _NotADate(
            _("the dateline '{dateline}' gives no real date and time").format(dateline=match.group(0).strip())
        ) from None
    views = _VIEWS.search(line)
    return moment, int(re.sub(r"[.,]", "", views.group(1))) if views else None


class _NotADate(ValueError):
    """A dateline whose date cannot be (32/01/2017, 25:00)."""


_WEEKDAYS = ("thứ hai", "thứ ba", "thứ tư", "thứ năm", "thứ sáu", "thứ bảy", "chủ nhật")


def _weekday_note(line: str, moment: datetime) -> str | None:
    """A note when the dateline's day of the week is not that of its date (a typo in one of them)."""
    written = re.search(r"thứ\s+\w+|chủ\s+nhật", line, re.IGNORECASE)
    if not written:
        return None
    said = " ".join(written.group(0).casefold().split())
    if said in _WEEKDAYS and _WEEKDAYS.index(said) != moment.weekday():
        return _("the dateline says {written} but {date} was a {weekday}; kept the date, check it").format(
            written=written.group(0), date=f"{moment:%d/%m/%Y}", weekday=_WEEKDAYS[moment.weekday()].title()
        )
    return None


def read_dateline(line: str) -> tuple[datetime | None, int | None, str | None, str | None]:
    """What a dateline line says: the moment and the views (None when the line gives no date it
    can use), why its date cannot be used (impossible, or outside the years pressbook accepts), and
    a note when its weekday disagrees with its date."""
    try:
        moment, views = _dateline(line)  # type: ignore[misc]
        in_years(moment, f"{moment:%d/%m/%Y}")
    except _NotADate as exc:
        return None, None, str(exc), None
    except DateOutOfRange as exc:
        return None, None, _("the dateline's date {problem}").format(problem=str(exc).split(" (")[0]), None
    return moment, views, None, _weekday_note(line, moment)


def is_dateline(line: str) -> bool:
    try:
        return _dateline(line) is not None
    except _NotADate:
        return True


def parse(
    source: str, *, path: Path, project: Project, options: ImportOptions, warnings: list[str] | None = None
) -> tuple[dict, list[str], list[str]]:
    """Fields, body paragraphs and notes from the text of a scraped page; what the editor must hear
    of (a dateline's date that was ignored) goes to `warnings` when given, else to the notes."""
    config = project.config
    extra = tuple(c.casefold() for c in config.imports.chrome)
    cleaned = text.clean(source)
    notes = [f.describe() for f in cleaned.findings]
    lines = [" ".join(line.split()) for line in cleaned.text.splitlines()]
    tags: list[str] = []
    kept: list[str] = []
    counted: int | None = None
    for line in lines:
        alone = _VIEWS.fullmatch(line.strip())
        if alone:
            counted = int(re.sub(r"[.,]", "", alone.group(1)))
        if not line or _is_chrome(line, extra):
            continue
        keywords = _KEYWORDS.match(line)
        if keywords:
            tags += [t.strip() for t in re.split(r"[,;]", keywords.group(1)) if t.strip()]
            continue
        kept.append(line)
    if not kept:
        raise ImportSourceError(_("has no text once page chrome is dropped"), path=path, line=1)

    date_at = next((i for i, line in enumerate(kept[:6]) if is_dateline(line)), None)
    views = None
    ignored = None  # a dateline's date that cannot be used: impossible, or outside the years pressbook accepts
    if date_at is not None:
        header, rest = kept[:date_at], kept[date_at + 1 :]
        moment, views, ignored, weekday = read_dateline(kept[date_at])
        if weekday:
            (warnings if warnings is not None else notes).append(weekday)
    else:
        moment = None
        header, rest = kept[:1], kept[1:]
    if not header:
        raise ImportSourceError(
            _("has no title line before the dateline"), path=path, line=1,
            hint=_("a scraped page starts with the kicker and the title, then a dateline like '08:48 - Thứ Tư, 04/01/2017'"),
        )  # fmt: skip
    kicker = None
    if len(header) >= 2 and len(header[0].split()) <= 8:
        kicker, title = header[0], " ".join(header[1:])
    else:
        title = " ".join(header)
    if len(title) > 300 or title.endswith((".", ";")) and len(title.split()) > 30:
        raise ImportSourceError(
            _("has no title line: its first line is a paragraph"), path=path, line=1,
            hint=_("put the article's title on the first line"),
        )  # fmt: skip

    if options.date:
        moment = parse_date(options.date, config.tz)
        if ignored:
            (warnings if warnings is not None else notes).append(
                _("{ignored}; used --date {date} instead").format(ignored=ignored, date=options.date)
            )
    elif ignored:
        raise ImportSourceError(
            f"{ignored}", path=path, hint=_("correct the dateline, or give the real date with --date YYYY-MM-DD")
        )
    elif moment is None:
        raise ImportSourceError(
            _("has no dateline like '08:48 - Thứ Tư, 04/01/2017' under the title"), path=path,
            hint=_("add one, or give the date with --date YYYY-MM-DD"),
        )  # fmt: skip
    else:
        moment = moment.replace(tzinfo=config.tz)

    author = affiliation = None
    byline = parse_byline(rest[-1]) if rest else None
    if byline and not has_lead_tag(rest[-1]):
        author, affiliation = byline
        rest = rest[:-1]
    elif rest and len(rest[0].split()) <= 4 and not has_lead_tag(rest[0]) and (byline := parse_byline(rest[0])):
        # Short crawls put the byline right under the title.
        author, affiliation = byline
        rest = rest[1:]
    lead = None
    tagged = next((i for i, p in enumerate(rest[:3]) if has_lead_tag(p)), None)
    if tagged is not None:
        lead = rest.pop(tagged)
    elif rest:
        lead = rest.pop(0)
        notes.append(_("no lead tag like 'ĐBP - ' found; the first paragraph became the lead"))
    # Some crawls repeat the lead as the last paragraph.
    if rest and lead and rest[-1] == lead:
        rest.pop()
    fields = {
        "title": title,
        "date": moment,
        "section": options.section or kicker or config.edition.default_section,
        "author": author,
        "affiliation": affiliation,
        "lead": lead,
        "tags": tuple(tags),
        "views": views if views is not None else counted,
    }
    return fields, rest, notes


def draft(data: bytes, *, path: Path, project: Project, options: ImportOptions) -> Draft:
    """A draft article from the bytes of a scraped text page (any supported encoding)."""
    source, encoding = decode_source(data, path)
    warnings: list[str] = []
    fields, paragraphs, notes = parse(source, path=path, project=project, options=options, warnings=warnings)
    if encoding != "UTF-8":
        notes.insert(0, _("detected encoding: {encoding}").format(encoding=encoding))
    body = "\n\n".join(escape_markdown(p) for p in paragraphs)
    return Draft(fields=fields, body=body, notes=tuple(notes), warnings=tuple(warnings),
                 encoding=encoding if encoding != "UTF-8" else None)  # fmt: skip
