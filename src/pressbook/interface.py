"""The language pressbook speaks to the person at the terminal: Vietnamese when their locale is
Vietnamese (`LANG=vi_VN.UTF-8`), English otherwise.

The interface's words live in the same gettext catalog as the layouts' words
(locale/<language>/LC_MESSAGES/pressbook.po, read by `i18n.translations`), with English msgids
written in the code and marked for extraction:

    _("cannot read {path}").format(path=...)   # translated where it is said
    N_("Only this section (repeatable).")      # marked only; translated when shown
    counted(3, "page", "pages")                # "3 pages" / "3 trang" (text.counted)

`scripts/messages` extracts the marked words with Babel and merges them into the catalog; a test
fails while any of them has no Vietnamese translation. The language is read from the environment
each time a word is said, so one process (a test, a server) can speak either.
"""

from __future__ import annotations

import os

# gettext's order: LANGUAGE (a list of preferences), then LC_ALL, LC_MESSAGES, LANG.
_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def language() -> str:
    """'vi' when the first locale setting found names Vietnamese, else 'en'."""
    for name in _VARIABLES:
        value = os.environ.get(name, "")
        first = value.split(":")[0].strip()
        if first:
            return "vi" if first.casefold().startswith("vi") else "en"
    return "en"


def _translations():  # type: ignore[no-untyped-def]
    from .i18n import translations

    return translations(language())


def _(message: str) -> str:
    """`message` (English) in the interface's language."""
    if not message or language() == "en":
        return message
    return _translations().gettext(message)


def N_(message: str) -> str:  # noqa: N802 - gettext's own name for "mark, translate later"
    """Mark `message` for the catalog without translating it here (module-level constants,
    option help): `_` translates it when it is shown."""
    return message


def ngettext(one: str, many: str, count: int) -> str:
    """The noun for `count` in the interface's language: Vietnamese nouns do not change."""
    if language() == "en":
        return one if count == 1 else many
    return _translations().ngettext(one, many, count)


# Python's own words for a date that does not exist, which pressbook's messages quote: said in
# the interface's language (English keeps Python's words).
_PYTHON_SAYS = {
    "month must be in 1..12": N_("month must be in 1..12"),
    "day is out of range for month": N_("day is out of range for month"),
    "year 0 is out of range": N_("year 0 is out of range"),
    "hour must be in 0..23": N_("hour must be in 0..23"),
    "minute must be in 0..59": N_("minute must be in 0..59"),
    "second must be in 0..59": N_("second must be in 0..59"),
}


def reason(exc: BaseException) -> str:
    """Why Python refused a value (a date, above all), in the interface's language."""
    said = str(exc)
    return _(_PYTHON_SAYS[said]) if said in _PYTHON_SAYS else said
