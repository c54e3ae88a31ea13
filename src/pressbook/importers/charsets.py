"""Turning the bytes of a source file into text: BOMs, UTF-16 without a BOM, and the legacy
Vietnamese encodings (Windows-1258, VISCII, TCVN3, VNI), told apart by how Vietnamese they read.

Any single-byte text decodes without an error in every legacy code page, so an encoding is only
claimed when nearly every accented word it gives is a well-formed Vietnamese syllable. Text in an
encoding pressbook does not know (another language's code page, a damaged file) is refused with
the first byte that is not UTF-8, never saved as the garbage the closest code page makes of it."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from . import _charmaps
from ..interface import N_, _
from ..text import TONES, VOWELS, place_tone

_LETTERS = frozenset(VOWELS) | set("ĐđBCDFGHJKLMNPQRSTVWXZbcdfghjklmnpqrstvwxz")
_WORD = re.compile(r"[^\W\d_]+")
_ONSET = r"(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
_CODA = r"(ch|ng|nh|[cmnpt])?"
# A toneless syllable in lower case: onset, one to three vowels, coda.
_SYLLABLE = re.compile(_ONSET + r"([aăâeêioôơuưy]{1,3})" + _CODA)
# The vowel groups Vietnamese has, and those of them ending in a glide (-i -y -u -o), which take
# no final consonant.
_NUCLEI = frozenset(
    "a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi oo ôi ơi ua uâ uê ui uô uơ uy ưa ưi "
    "ươ ưu yê iêu oai oao oay oeo uây uôi uya uyê uyu ươi ươu yêu".split()
)
_OPEN_ONLY = frozenset(n for n in _NUCLEI if len(n) > 1 and n[-1] in "iyuo" and n not in ("oo", "uô", "uơ", "ươ"))

_LEGACY = ("windows-1258", "viscii", "tcvn3", "vni")
_LABELS = {"windows-1258": "Windows-1258", "viscii": "VISCII", "tcvn3": "TCVN3 (ABC)", "vni": "VNI"}
KNOWN = N_("Windows-1258, VISCII, TCVN3 or VNI")  # said with `_`
# How much of a text must read as Vietnamese for a legacy encoding to be claimed: at least this
# many accented words, this share of them well formed, and at least half of them in each line
# (a file in two encodings is in neither).
MIN_WORDS = 3
MIN_SHARE = 0.8
MIN_LINE_SHARE = 0.5

# VNI-Windows: Windows-1252 bytes; đ, ơ, ư and the i's with a tone are letters of their own, every
# other mark (circumflex, breve, tone) is a letter after its vowel.
_VNI_LETTERS = str.maketrans("ñÑôÔöÖæÆóÓòÒ", "đĐơƠưƯỉỈĩĨịỊ")
_TONE_MARKS = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
_CIRCUMFLEX_MARKS = {"â": "", "á": "\u0301", "à": "\u0300", "å": "\u0309", "ã": "\u0303", "ä": "\u0323"}
_BREVE_MARKS = {"ê": "", "é": "\u0301", "è": "\u0300", "ú": "\u0309", "ü": "\u0303", "ë": "\u0323"}


def _both_cases(marks: dict[str, str]) -> dict[str, str]:
    return marks | {mark.upper(): combining for mark, combining in marks.items()}


_VNI_TONES = _both_cases(_TONE_MARKS)
_VNI_CIRCUMFLEX = _both_cases({mark: "\u0302" + tone for mark, tone in _CIRCUMFLEX_MARKS.items()})
_VNI_BREVE = _both_cases({mark: "\u0306" + tone for mark, tone in _BREVE_MARKS.items()})
_VNI_MARKS = {
    "aA": _VNI_TONES | _VNI_CIRCUMFLEX | _VNI_BREVE,
    "eoEO": _VNI_TONES | _VNI_CIRCUMFLEX,
    "iuyơưIUYƠƯ": _VNI_TONES,
}
_VNI_PAIR = re.compile("|".join(f"[{bases}][{''.join(marks)}]" for bases, marks in _VNI_MARKS.items()))


class UndecodableError(ValueError):
    """The bytes are not text in any encoding we know; `offset` and `line` name the first byte
    that is not UTF-8, where there is one."""

    def __init__(self, message: str, *, offset: int | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.offset = offset
        self.line = line


@dataclass(frozen=True)
class Decoded:
    """Text and the encoding it was read in."""

    text: str
    encoding: str


def _vni(text: str) -> str:
    """Windows-1252 text written for a VNI font, as the Vietnamese it shows."""

    def compose(match: re.Match[str]) -> str:
        vowel, mark = match.group()
        marks = next(table for bases, table in _VNI_MARKS.items() if vowel in bases)
        return vowel + marks[mark]

    return _VNI_PAIR.sub(compose, text.translate(_VNI_LETTERS))


def _decode_legacy(data: bytes, encoding: str) -> str:
    if encoding == "windows-1258":
        text = data.decode("cp1258", errors="replace")
    elif encoding == "vni":
        text = _vni(data.decode("cp1252", errors="replace"))
    else:
        table = _charmaps.VISCII if encoding == "viscii" else _charmaps.TCVN3
        text = "".join(table[b] for b in data)
    return unicodedata.normalize("NFC", text)


@functools.lru_cache(maxsize=1 << 16)  # a text repeats its words: each is judged once
def _plausible(word: str) -> bool:
    """A word that could be Vietnamese: known letters, one case pattern, vowels Vietnamese has,
    one well-placed tone."""
    if not all(ch in _LETTERS for ch in word):
        return False
    if not (word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower())):
        return False
    lower = word.lower()
    tones = [ch for ch in unicodedata.normalize("NFD", lower) if ch in TONES]
    if len(tones) > 1:
        return False
    bare = place_tone(lower, None, "old")
    parts = _SYLLABLE.fullmatch(bare)
    if not parts:
        return False
    _onset, nucleus, coda = parts.groups()
    if nucleus not in _NUCLEI or (coda and nucleus in _OPEN_ONLY) or (nucleus == "oo" and coda not in ("c", "ng")):
        return False
    if tones:
        return lower in (place_tone(lower, tones[0], "old"), place_tone(lower, tones[0], "new"))
    return True


def _readings(text: str) -> list[tuple[int, int]]:
    """How each line of `text` reads as Vietnamese: (well-formed accented words, accented words)."""
    readings = []
    for line in text.splitlines():
        words = [word for word in _WORD.findall(line) if not word.isascii()]
        if words:
            readings.append((sum(1 for word in words if _plausible(word)), len(words)))
    return readings


def _total(readings: list[tuple[int, int]]) -> tuple[int, int]:
    return sum(good for good, _words in readings), sum(words for _good, words in readings)


def reading(text: str) -> tuple[int, int]:
    """How `text` reads as Vietnamese: (well-formed accented words, accented words)."""
    return _total(_readings(text))


def _reads_as_vietnamese(text: str, readings: list[tuple[int, int]]) -> bool:
    good, words = _total(readings)
    if good < MIN_WORDS or good < MIN_SHARE * words or "\ufffd" in text:
        return False
    return all(good >= MIN_LINE_SHARE * words for good, words in readings if words >= MIN_WORDS)


def reads_as_vietnamese(text: str) -> bool:
    """Whether `text` is plainly Vietnamese: enough accented words, nearly all well formed, in
    every line."""
    return _reads_as_vietnamese(text, _readings(text))


def vietnamese_score(text: str, counted: tuple[int, int] | None = None) -> int:
    """How much `text` reads as Vietnamese: +1 per well-formed accented word, -1 per malformed
    (`counted`: its `reading`, when known)."""
    good, words = counted or reading(text)
    score = good - (words - good)
    score -= 3 * sum(1 for ch in text if unicodedata.category(ch) in ("Cc", "Co", "Cn") and ch not in "\t\n\r")
    score -= 3 * text.count("\ufffd")
    return score


def _utf16_without_bom(data: bytes) -> str | None:
    if len(data) < 4 or len(data) % 2:
        return None
    even_nuls = data[0::2].count(0)
    odd_nuls = data[1::2].count(0)
    half = len(data) // 2
    for codec, nuls in (("utf-16-le", odd_nuls), ("utf-16-be", even_nuls)):
        if nuls >= 0.3 * half:
            try:
                return codec if "\x00" not in data.decode(codec) else None
            except UnicodeDecodeError:
                return None
    return None


def _bad_byte(data: bytes, exc: UnicodeDecodeError) -> tuple[str, int, int]:
    """Where a decoding failed, in words, and the byte offset and line (counted from 1)."""
    offset = exc.start + len(data) - len(exc.object)  # utf-8-sig reports offsets after its BOM
    line = data[:offset].count(b"\n") + 1
    where = _("byte {offset} (line {line}) is 0x{byte:02X}, which cannot stand there").format(
        offset=offset, line=line, byte=data[offset]
    )
    return where, offset, line


def decode(data: bytes) -> Decoded:
    """Decode `data`, detecting the encoding; raise UndecodableError for binary or unknown bytes."""
    for bom, codec, name in (
        (b"\xef\xbb\xbf", "utf-8-sig", "UTF-8 with BOM"),
        (b"\xff\xfe\x00\x00", "utf-32", "UTF-32 with BOM"),
        (b"\xff\xfe", "utf-16", "UTF-16 LE with BOM"),
        (b"\xfe\xff", "utf-16", "UTF-16 BE with BOM"),
    ):
        if data.startswith(bom):
            try:
                return Decoded(unicodedata.normalize("NFC", data.decode(codec)), name)
            except UnicodeDecodeError as exc:
                where, offset, line = _bad_byte(data, exc)
                raise UndecodableError(
                    _("starts with a {name} mark but is not valid {name}: {where}").format(name=name, where=where),
                    offset=offset, line=line,
                ) from None  # fmt: skip
    utf16 = _utf16_without_bom(data)
    if utf16:
        label = "UTF-16 LE without BOM" if utf16.endswith("le") else "UTF-16 BE without BOM"
        return Decoded(unicodedata.normalize("NFC", data.decode(utf16)), label)
    if b"\x00" in data:
        raise UndecodableError(_("looks like a binary file (it contains NUL bytes), not text"))
    try:
        return Decoded(data.decode("utf-8"), "UTF-8")
    except UnicodeDecodeError as exc:
        where, offset, line = _bad_byte(data, exc)
    candidates = []
    for encoding in _LEGACY:
        text = _decode_legacy(data, encoding)
        readings = _readings(text)
        if _reads_as_vietnamese(text, readings):
            candidates.append((vietnamese_score(text, _total(readings)), encoding, text))
    candidates.sort(reverse=True)
    if not candidates or candidates[0][0] <= 0:
        raise UndecodableError(
            _("is neither UTF-8 nor readable Vietnamese in {known}: {where}").format(known=_(KNOWN), where=where),
            offset=offset, line=line,
        )  # fmt: skip
    _score, best, text = candidates[0]
    return Decoded(text, _LABELS[best])


# Text typed for a legacy font and stored as its bytes' Latin letters: "<font face=".VnTime">"
# (TCVN3) or "VNI-Times" (VNI) over "Ch÷ Quèc ng÷".
_LEGACY_FONT = re.compile(r"""(?:face\s*=\s*["']?|font-family\s*:\s*["']?)\s*\.?vn|VNI[- ]""", re.IGNORECASE)
_TEXT = re.compile(r">([^<]+)<")


def _as_legacy(segment: str) -> tuple[str, str] | None:
    """A text segment as the Vietnamese its legacy font showed, if it reads as Vietnamese so, and
    the encoding of that font."""
    for codec in ("cp1252", "latin-1"):
        try:
            data = segment.encode(codec)
        except UnicodeEncodeError:
            continue
        for encoding in ("tcvn3", "vni"):
            converted = _decode_legacy(data, encoding)
            if converted != segment and reads_as_vietnamese(converted):
                return converted, _LABELS[encoding]
    return None


def from_legacy_fonts(html_text: str) -> tuple[str, str | None]:
    """A page whose text was typed for a legacy Vietnamese font (TCVN3's .VnTime, VNI-Times), with
    that text in Unicode NFC; and the encoding found, or None when the page needed nothing."""
    import html as htmllib

    if not _LEGACY_FONT.search(html_text) and reads_as_vietnamese(_TEXT.sub(" ", html_text)[:20000]):
        return html_text, None
    found: list[str] = []

    def convert(match: re.Match[str]) -> str:
        segment = htmllib.unescape(match.group(1))
        if not segment.strip() or reads_as_vietnamese(segment):
            return match.group(0)
        legacy = _as_legacy(segment)
        if legacy is None:
            return match.group(0)
        found.append(legacy[1])
        return ">" + htmllib.escape(legacy[0], quote=False) + "<"

    text = _TEXT.sub(convert, html_text)
    return text, (max(set(found), key=found.count) if found else None)
