"""Words and dates as the newspaper prints them, from Babel's CLDR data plus the paper's own patterns."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime, format_skeleton

# The newspaper's own patterns on top of CLDR: "Thứ Tư, ngày 04/01/2017" rather than CLDR's
# "Thứ Tư, 4 tháng 1, 2017"; English keeps CLDR's full form.
_LONG_DATE = {"vi": "EEEE, 'ngày' dd/MM/yyyy", "en": "EEEE, d MMMM yyyy"}
_DATELINE = {"vi": "HH:mm - EEEE, dd/MM/yyyy", "en": "HH:mm, EEEE d MMMM yyyy"}

LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "contents": "Mục lục",
        "number": "Số",
        "page": "Trang",
        "editorial_note": "Lời tòa soạn",
        "notes": "Chú thích",
        "source": "Nguồn",
        "printed": "In ngày",
        "colophon": "Thông tin xuất bản",
        "publisher": "Cơ quan xuất bản",
        "cover": "Bìa",
        "edition": "Ấn phẩm",
        "articles": "bài viết",
        "words": "chữ",
        "bulletin": "Bản tin",
        "week": "tuần",
        "volume": "Tuyển tập năm",
    },
    "en": {
        "contents": "Contents",
        "number": "No.",
        "page": "Page",
        "editorial_note": "Editor's note",
        "notes": "Notes",
        "source": "Source",
        "printed": "Printed on",
        "colophon": "Colophon",
        "publisher": "Publisher",
        "cover": "Cover",
        "edition": "Edition",
        "articles": "articles",
        "words": "words",
        "bulletin": "Bulletin",
        "week": "week",
        "volume": "Volume",
    },
}


def label(key: str, language: str) -> str:
    """A fixed word of the layouts in the project's language."""
    return LABELS.get(language, LABELS["vi"])[key]


def long_date(moment: date | datetime, language: str) -> str:
    """'Thứ Tư, ngày 04/01/2017' (vi) or 'Wednesday, 4 January 2017' (en)."""
    return format_date(moment, _LONG_DATE.get(language, _LONG_DATE["vi"]), locale=language)


def dateline(moment: datetime, language: str) -> str:
    """'08:48 - Thứ Tư, 04/01/2017', the website's dateline."""
    return format_datetime(moment, _DATELINE.get(language, _DATELINE["vi"]), tzinfo=moment.tzinfo, locale=language)


def short_date(moment: date | datetime, language: str) -> str:
    """'04/01/2017' (vi) or '4 Jan 2017' (en)."""
    return format_date(moment, "dd/MM/yyyy" if language == "vi" else "d MMM yyyy", locale=language)


def month_year(moment: date, language: str) -> str:
    """'tháng 1/2017' (vi) or 'January 2017' (en)."""
    if language == "vi":
        return f"tháng {format_skeleton('yM', moment, locale='vi')}"
    return format_skeleton("yMMMM", moment, locale=language)
