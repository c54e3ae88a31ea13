"""How Vietnamese news pages write their fields, in rules a person would apply: a headline
without the site's name or SEO keywords after it, a lead without its dateline tag ("(Dân trí) -",
"TTO -"), a byline that names people rather than the site ("Theo X (Y)": author X, source Y),
and the dates the pages print ("Thứ Ba, 25/12/2012 - 10:03", "24/12/12 11:05 tối", "19.12")."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, tzinfo

# --- headlines -------------------------------------------------------------------------------

_SEPARATORS = re.compile(r"\s+(?:[-|–—:»]|::)\s+|\s*\|\s*")
_SITE_WORDS = re.compile(
    r"\.(?:vn|com|net|org|info)\b|^(?:báo|tạp chí|tin tức|trang tin|cổng thông tin|đài|truyền hình)\b"
    r"|\b(?:online|news|điện tử|việt nam ?net|vnexpress|dân trí|tuổi trẻ|thanh niên|zing|kênh ?14|24h)\b",
    re.IGNORECASE,
)


def bare(value: str) -> str:
    """Text without tone marks or case: "đột nhập" -> "dot nhap"."""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _has_marks(value: str) -> bool:
    return any(ord(c) > 0x7F and c.isalpha() for c in value)


def _is_seo(tail: str, head: str) -> bool:
    """An unaccented copy of (part of) the headline's words, as sites append for search engines."""
    if _has_marks(tail) or not _has_marks(head):
        return False
    words = bare(tail).split()
    known = set(bare(head).split())
    return len(words) >= 2 and sum(w in known for w in words) >= len(words) * 0.6


def headline(title: str, *, site: str = "") -> str:
    """The headline without what sites add after it: their name, a section, SEO keywords."""
    title = " ".join(title.split())
    cut_site = False
    # "Tiêu đề-tieu de khong dau": keywords glued on with a hyphen.
    glued = re.match(r"^(.{12,}?[^\x00-\x7f][^-]*?)\s*-\s*([\x00-\x7f]{6,})$", title)
    if glued and _is_seo(glued.group(2), glued.group(1)):
        title = glued.group(1).strip()
    while True:
        parts = _SEPARATORS.split(title)
        if len(parts) < 2:
            return title
        head, tail = title[: title.rfind(parts[-1])].rstrip(" -|–—:»"), parts[-1]
        site_key = bare(site).replace(" ", "") if site else ""
        if len(head.split()) < 3:
            return title
        if cut_site and len(tail.split()) <= 3 and not tail.isdigit():
            title = head.strip()  # the section the site files it under: "... - Thời sự - Tuổi Trẻ"
            cut_site = False
            continue
        if (
            _is_seo(tail, head)
            or (site_key and site_key in bare(tail).replace(" ", ""))
            or (_SITE_WORDS.search(tail) and len(tail.split()) <= 6)
        ):
            title, cut_site = head.strip(), True
            continue
        return title


def looks_like_label(value: str, sections: tuple[str, ...] = ()) -> bool:
    """A section label or a site name rather than a headline: one to three words, or a name the
    site calls a section, or written in capitals as labels are."""
    words = value.split()
    return (
        len(words) <= 3
        or bare(value) in {bare(s) for s in sections}
        or (value.isupper() and len(words) <= 6)
        or bool(_SITE_WORDS.search(value) and len(words) <= 5)
    )


# --- leads ----------------------------------------------------------------------------------

# "(Dân trí) -", "(PLO)-", "(Chinhphu.vn) –", "TTO -", "VOV.VN -", "ĐBP -", "SGGP -", "VTV.vn -",
# "GDVN -", "Infonet -", "VietNamNet -": a paper's tag, then a dash. A place ("Hà Nội -") is not
# one: it is part of the story.
_LEAD_TAG = re.compile(
    r"^\s*(?:\((?P<paren>[^()]{2,40})\)|(?P<tag>[A-ZĐ][A-Za-zĐđ0-9.]{1,20}))\s*[-–—:]\s*(?=\S)"
)
_RELATED = re.compile(r"\s*(?:>>|»|Xem thêm|Tin liên quan|Đọc thêm|Bài liên quan)\s*:?.*$", re.IGNORECASE | re.S)


def lead_tag(text: str) -> str | None:
    """The paper's tag a lead starts with ("TTO", "(Dân trí)"), if any."""
    match = _LEAD_TAG.match(text)
    if not match:
        return None
    tag = match.group("tag")
    if tag is not None and sum(c.isupper() for c in tag) < 2:
        return None  # "Sáng -", a word, not a tag
    return match.group(0).strip().rstrip("-–—:").strip()


def lead(text: str) -> str:
    """A lead without the paper's tag before it and the related links after it."""
    text = " ".join(text.split())
    if lead_tag(text):
        text = text[_LEAD_TAG.match(text).end() :]  # type: ignore[union-attr]
    text = _RELATED.sub("", text).strip()
    return text


# --- bylines --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Credit:
    """Who wrote an article and where it was taken from, as a byline says."""

    author: str | None
    source: str | None = None


# Credits that name no person: the site, its staff, a team, an agency.
_NOT_A_PERSON = re.compile(
    r"\b(?:admin|administrator|team|corp|vccorp|seo|traffic|ban biên tập|bbt|btv|ctv|nhóm pv|nhóm phóng viên|"
    r"phóng viên|pv|tòa soạn|toà soạn|biên tập viên|tổng hợp|sưu tầm|st|ttxvn|tin tức|tổng hợp)\b|"
    r"\.(?:vn|com|net|org)\b|^báo\b|^tạp chí\b|^đài\b",
    re.IGNORECASE,
)
_OUTLETS = re.compile(
    r"\b(?:báo|tạp chí|đài|ttxvn|vnexpress|dân trí|dantri|vietnamnet|vnn|tuổi trẻ|tto|thanh niên|zing|kenh14|"
    r"kênh 14|vov|vtv|vtc|reuters|afp|ap|bbc|cnn|xinhua|tân hoa xã|ria novosti|bloomberg|nyt|guardian|yonhap|"
    r"kyodo|sina|sohu|cctv|nhân dân|quân đội nhân dân|qđnd|lao động|tiền phong|người lao động|nld|sggp|plo|"
    r"pháp luật|an ninh|công an|cand|vietnamplus|infonet|soha|cafef|genk|ngôi sao|eva|afamily|24h|"
    r"petrotimes|giáo dục|gdvn|dân việt|kiến thức|đời sống|thời báo|tin tức|news|times|post|online)\b"
    r"|\.(?:vn|com|net|org)\b",
    re.IGNORECASE,
)
# A person's name: capitalised syllables ("Quang Phong"), initials ("H.V.", "T. Lâm"), a pen name
# with a hyphen between people ("Quang Phong - Tùng Nguyên").
_NAME_WORD = r"(?:[A-ZĐÂĂÊÔƠƯÁÀẢÃẠÉÈẺẼẸÍÌỈĨỊÓÒỎÕỌÚÙỦŨỤÝỲỶỸỴ][\wÀ-ỹ']*\.?|[A-ZĐ]\.(?:[A-ZĐ]\.)*)"
_NAME = re.compile(rf"^{_NAME_WORD}(?:[\s.]+{_NAME_WORD}){{0,5}}$")


def is_person(name: str) -> bool:
    """Whether a credit names a person (or people), not a site, a team or "Admin"."""
    name = name.strip(" .,;*")
    if not name or _NOT_A_PERSON.search(name) or re.fullmatch(r"[a-z0-9_.]+", name):
        return False
    people = [p.strip() for p in re.split(r"\s+[-–—&,]\s+|\s+và\s+|\s*,\s*", name) if p.strip()]
    return bool(people) and all(_NAME.match(p) for p in people)


def credit(line: str) -> Credit | None:
    """The credit a closing line gives: "Quang Phong - Tùng Nguyên", "H.V.", "Theo Sầm Hoa
    (Vietnamnet/Reuters)" (author and source), "Theo TTXVN" (a source only); None when the line
    is no byline."""
    line = " ".join(line.strip().strip("*_").split()).strip(" ")
    if not re.search(r"(?:^|[\s.])[A-ZĐ]\.$", line):
        line = line.rstrip(" .")  # a full stop, not an initial's ("H.V.")
    if not line or len(line) > 120 or line.casefold().rstrip(":") in ("theo", "nguồn", "tác giả", "nguồn tin"):
        return None
    theo = re.match(r"^(?:theo|nguồn|nguồn tin|nguồn:)\s*:?\s*(?P<rest>.+)$", line, re.IGNORECASE)
    if theo:
        rest = theo.group("rest").strip(" .")
        paren = re.match(r"^(?P<who>[^()]+?)\s*\((?P<where>[^()]+)\)$", rest)
        if paren:
            who, where = paren.group("who").strip(), paren.group("where").strip()
            if is_person(who) and not _OUTLETS.search(who):
                return Credit(who, where)
            return Credit(None, rest)
        split = re.match(r"^(?P<who>.+?)\s*[-–—/]\s*(?P<where>[^-–—/]+)$", rest)
        if split and is_person(split.group("who")) and _OUTLETS.search(split.group("where")):
            return Credit(split.group("who").strip(), split.group("where").strip())
        if is_person(rest) and not _OUTLETS.search(rest) and _full_name(rest):
            return Credit(rest, None)  # "Theo Hồ Hương": the writer of a story taken from elsewhere
        return Credit(None, rest)
    paren = re.match(r"^(?P<who>[^()]+?)\s*\((?P<where>[^()]+)\)$", line)
    who = paren.group("who").strip() if paren else line
    if is_person(who) and not _OUTLETS.search(who) and _full_name(who):
        return Credit(who, None)
    # "Hoàng Hà - Báo Điện Biên Phủ": a writer, then the paper the story comes from.
    split = re.match(r"^(?P<who>.+?)\s+[-–—]\s+(?P<where>[^-–—]+)$", line)
    if split and is_person(split.group("who")) and _OUTLETS.search(split.group("where")):
        return Credit(split.group("who").strip(), split.group("where").strip())
    return None


def _full_name(name: str) -> bool:
    """A Vietnamese name has two syllables or more, or is written in initials ("H.V."); one word
    alone ("Forbes", "VnEconomy") is an outlet more often than a person."""
    return all(len(p.split()) >= 2 or "." in p for p in re.split(r"\s+[-–—&,]\s+|\s+và\s+|\s*,\s*", name) if p.strip())


def author_metadata(value: str, site: str = "") -> str | None:
    """An author named in a page's metadata, or None when it names the site, a company or a team
    ("baodantridientu", "VCCorp", "SEO; Traffic Team"); "Theo Hồ Hương" names Hồ Hương."""
    value = " ".join(value.split()).strip(" ,;")
    if not value or value.startswith("http"):
        return None
    if re.match(r"(?i)theo\b", value):
        found = credit(value)
        return found.author if found else None
    if site and bare(site).replace(" ", "") in bare(value).replace(" ", ""):
        return None
    return value if is_person(value) and not _OUTLETS.search(value) else None


# --- dates ----------------------------------------------------------------------------------

def _time(n: int) -> str:
    return (
        rf"(?P<hour{n}>[01]?\d|2[0-3])\s*[:hg]\s*(?P<minute{n}>[0-5]\d)(?:\s*:\s*[0-5]\d)?"
        rf"(?:\s*(?P<half{n}>AM|PM|SA|CH|sáng|trưa|chiều|tối|đêm)\b)?"
    )


def _day(n: int) -> str:
    numeric = rf"(?P<day{n}>[0-3]?\d)\s*(?P<sep{n}>[/.-])\s*(?P<month{n}>[01]?\d)(?:\s*(?P=sep{n})\s*(?P<year{n}>(?:19|20)?\d{{2}}))?(?![\d/.-]\d)"
    words = rf"(?P<lday{n}>[0-3]?\d)\s+tháng\s+(?P<lmonth{n}>[01]?\d)(?:\s*(?:,|năm)\s*(?P<lyear{n}>(?:19|20)\d{{2}}))?"
    weekday = rf"(?:(?P<weekday{n}>thứ\s*(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s*nhật|CN|T[2-7])\s*,?\s*)?"
    return rf"{weekday}(?:ngày\s+)?(?:{numeric}|{words})"


# A date with its time after it ("Thứ Ba, 25/12/2012 - 10:03", "24/12/12 11:05 tối"), or before it
# ("10:03 AM 25/12/2012", "08:48 - Thứ Tư, 04/01/2017").
_ONE_DATE = re.compile(
    rf"(?<![\d/.])(?:{_day(1)}(?:\s*(?:[-|,]|lúc|\(|\s)\s*(?:lúc\s*)?{_time(1)})?"
    rf"|{_time(2)}\s*(?:[-|,]\s*|\s+)(?:ngày\s+)?{_day(2)})",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Found:
    """A date a page prints, where it was in the text, and how sure the reading is."""

    moment: datetime
    at: int
    weight: int  # higher is surer: a weekday, a time, a full year


def _groups(match: re.Match[str]) -> dict[str, str | None]:
    """The match's groups under one name each (the pattern repeats its parts in two orders)."""
    found: dict[str, str | None] = {}
    for name, index in match.re.groupindex.items():
        value = match.group(index)
        if value is not None:
            found.setdefault(re.sub(r"\d+$", "", name), value)
    return found


def dates(text: str, tz: tzinfo, *, year: int | None = None, month_first: bool = False) -> list[Found]:
    """Every date `text` prints, read as a Vietnamese reader would: day before month (unless the
    page is one that writes month first, such as a forum's "03-08-2011"), a two-digit year in this
    century, "tối"/"chiều" after noon, and a date without a year in `year` (from the page's other
    dates or its address)."""
    found = []
    for match in _ONE_DATE.finditer(unicodedata.normalize("NFC", text)):
        parts = _groups(match)
        day = parts.get("day") or parts.get("lday")
        month = parts.get("month") or parts.get("lmonth")
        written_year = parts.get("year") or parts.get("lyear")
        if day is None or month is None:
            continue
        if month_first and parts.get("month"):
            day, month = month, day
        if written_year is None:
            if year is None or not parts.get("hour"):
                continue  # "19.12" alone could be anything: a score, a price
            full_year = year
        else:
            full_year = int(written_year) + (2000 if len(written_year) == 2 else 0)
        hour, minute = int(parts.get("hour") or 0), int(parts.get("minute") or 0)
        half = (parts.get("half") or "").casefold()
        if half in ("pm", "ch", "chiều", "tối") and hour < 12:
            hour += 12
        elif half in ("am", "sa") and hour == 12:
            hour = 0
        elif half == "đêm" and 6 <= hour < 12:
            hour += 12
        try:
            moment = datetime(full_year, int(month), int(day), hour, minute, tzinfo=tz)
        except ValueError:
            continue
        if not 1990 <= moment.year <= 2100:
            continue
        # A publication line has a time; a site's "today" in its header has a weekday, no time.
        weight = bool(parts.get("weekday")) + bool(parts.get("hour")) * 3 + bool(written_year and len(written_year) == 4)
        found.append(Found(moment, match.start(), weight))
    return found


def page_date(text: str, tz: tzinfo, *, near: int = 0, year: int | None = None, month_first: bool = False) -> datetime | None:
    """The date a page was published on, from the dates it prints: the surest reading, and of
    those the one nearest the headline (at `near` in `text`)."""
    # A date in the story ("từ ngày 06/01/2023") is not when it was published: only a date with
    # a time or a weekday, or one printed close to the headline, says that.
    found = [f for f in dates(text, tz, year=year, month_first=month_first) if f.weight >= 3 or abs(f.at - near) <= NEAR]
    if not found:
        return None
    best = max(found, key=lambda f: (f.weight, -abs(f.at - near)))
    return best.moment


NEAR = 400  # characters from the headline within which a bare date may be its date


def is_dateline(text: str, tz: tzinfo) -> bool:
    """Whether a line is only a date and a few words around it ("Cập nhật: Thứ Năm, 27/12/2012 -
    09:15", "(GMT+7)"), as pages print above or under the headline: not part of the story."""
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    if not text or len(text) > 90:
        return False
    spans = [m.span() for m in _ONE_DATE.finditer(text)]
    if not spans or not dates(text, tz, year=2000):
        return False
    rest = text
    for start, end in reversed(spans):
        rest = rest[:start] + " " + rest[end:]
    return len(re.findall(r"[^\W\d_]{2,}", rest)) <= 4
