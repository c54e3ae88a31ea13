"""Words and dates as the newspaper prints them, from Babel's CLDR data plus the paper's own patterns."""

from __future__ import annotations

import gettext
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from io import BytesIO

from babel.dates import format_date, format_datetime, format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from .interface import N_

# The newspaper's own patterns on top of CLDR: "Thứ Tư, ngày 04/01/2017" rather than CLDR's
# "Thứ Tư, 4 tháng 1, 2017"; English keeps CLDR's full form.
_LONG_DATE = {"vi": "EEEE, 'ngày' dd/MM/yyyy", "en": "EEEE, d MMMM yyyy"}
_DATELINE = {"vi": "HH:mm - EEEE, dd/MM/yyyy", "en": "HH:mm, EEEE d MMMM yyyy"}

# The fixed words of the layouts, by key, as English message ids; their translations live in
# gettext catalogs (locale/<language>/LC_MESSAGES/pressbook.po) read with Babel.
MESSAGES = {
    "contents": N_("Contents"),
    "number": N_("No."),
    "page": N_("Page"),
    "editorial_note": N_("Editor's note"),
    "notes": N_("Notes"),
    "source": N_("Source"),
    "printed": N_("Printed on"),
    "colophon": N_("Colophon"),
    "publisher": N_("Publisher"),
    "cover": N_("Cover"),
    "edition": N_("Edition"),
    "articles": N_("articles"),
    "words": N_("words"),
    "bulletin": N_("Bulletin"),
    "week": N_("week"),
    "volume": N_("Volume"),
    "year": N_("Year"),
    "highlights": N_("In this issue"),
    # The columns of `pressbook list`, under the edition's title in the same language.
    "column_date": N_("Date"),
    "column_section": N_("Section"),
    "column_title": N_("Title"),
    "column_words": N_("Words"),
}


@lru_cache(maxsize=8)
def translations(language: str) -> gettext.NullTranslations:
    """Babel translations of pressbook's words for a language (English needs none)."""
    catalog_path = resources.files("pressbook") / "locale" / language / "LC_MESSAGES" / "pressbook.po"
    if language == "en" or not catalog_path.is_file():
        return gettext.NullTranslations()
    with catalog_path.open("rb") as source:
        catalog = read_po(source, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


@lru_cache(maxsize=8)
def labels(language: str) -> dict[str, str]:
    """Every fixed word of the layouts in `language`, by key."""
    words = translations(language)
    return {key: words.gettext(message) for key, message in MESSAGES.items()}


def label(key: str, language: str) -> str:
    """A fixed word of the layouts in the project's language."""
    return labels(language)[key]


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
