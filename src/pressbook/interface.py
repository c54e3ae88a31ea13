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


# The operating system's words for why a file could not be read or written, by error number.
_OS_SAYS = {
    "ENOENT": N_("no such file or folder"),
    "EACCES": N_("permission denied"),
    "EPERM": N_("operation not permitted"),
    "EISDIR": N_("it is a folder"),
    "ENOTDIR": N_("a part of the path is not a folder"),
    "ENOSPC": N_("no space left on the disk"),
    "EROFS": N_("the disk is read-only"),
    "EEXIST": N_("it already exists"),
    "ELOOP": N_("a loop of links"),
    "ENAMETOOLONG": N_("the name is too long"),
    "EDQUOT": N_("the disk quota is used up"),
}
# Python's and YAML's words with a number or a name in them.
_PATTERNS = (
    (r"Invalid week: (?P<value>\d+)", N_("there is no week {value} in that year (weeks run from 1 to 52 or 53)")),
    (r"year (?P<value>-?\d+) is out of range", N_("year {value} is out of range")),
    (r"mapping values are not allowed (?:here|in this context)", N_("a ': ' inside a value (put the value in quotes)")),
    (r"could not find expected ':'", N_("a line without 'name: value' (or a value broken over lines)")),
    (r"found character '\\t' that cannot start any token", N_("a tab character (indent with spaces)")),
    (r"found undefined alias.*", N_("a '*' at the start of a value (put the value in quotes)")),
    (r"found character '(?P<value>.)' that cannot start any token", N_("a value starting with '{value}' (put the value in quotes)")),
)


def reason(exc: BaseException | str) -> str:
    """Why Python, the operating system or YAML refused something (a date, a file, a line), in
    the interface's language: English keeps their own words."""
    import errno
    import re

    said = exc if isinstance(exc, str) else (exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc))
    if language() == "en":
        return said
    if isinstance(exc, OSError) and exc.errno is not None:
        name = errno.errorcode.get(exc.errno, "")
        if name in _OS_SAYS:
            return _(_OS_SAYS[name])
    if said in _PYTHON_SAYS:
        return _(_PYTHON_SAYS[said])
    for pattern, words in _PATTERNS:
        found = re.fullmatch(pattern, said.strip())
        if found:
            return _(words).format(**found.groupdict())
    return said
