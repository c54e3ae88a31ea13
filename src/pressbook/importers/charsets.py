"""Turning the bytes of a source file into text: BOMs, UTF-16 without a BOM, and the legacy
Vietnamese code pages (Windows-1258, VISCII, TCVN3), told apart by how Vietnamese they read."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from . import _charmaps
from ..text import TONES, VOWELS, place_tone

_LETTERS = frozenset(VOWELS) | set("ĐđBCDFGHJKLMNPQRSTVWXZbcdfghjklmnpqrstvwxz")
_WORD = re.compile(r"[^\W\d_]+")
_VOWEL_CLASS = "".join(sorted(VOWELS))
# Onset, one to three vowels, coda: the shape of every Vietnamese syllable.
_SYLLABLE = re.compile(
    rf"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?[{_VOWEL_CLASS}]{{1,3}}(?:ch|ng|nh|[cmnpt])?",
    re.IGNORECASE,
)
_LEGACY = ("windows-1258", "viscii", "tcvn3")


class UndecodableError(ValueError):
    """The bytes are not text in any encoding we know."""


@dataclass(frozen=True)
class Decoded:
    """Text and the encoding it was read in."""

    text: str
    encoding: str


def _decode_legacy(data: bytes, encoding: str) -> str:
    if encoding == "windows-1258":
        text = data.decode("cp1258", errors="replace")
    else:
        table = _charmaps.VISCII if encoding == "viscii" else _charmaps.TCVN3
        text = "".join(table[b] for b in data)
    return unicodedata.normalize("NFC", text)


def _plausible(word: str) -> bool:
    """A word that could be Vietnamese: known letters, one case pattern, one well-placed tone."""
    if not all(ch in _LETTERS for ch in word) or not _SYLLABLE.fullmatch(word):
        return False
    if not (word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower())):
        return False
    tones = [ch for ch in unicodedata.normalize("NFD", word) if ch in TONES]
    if len(tones) > 1:
        return False
    if tones:
        lower = word.lower()
        return lower in (place_tone(lower, tones[0], "old"), place_tone(lower, tones[0], "new"))
    return True


def vietnamese_score(text: str) -> int:
    """How much `text` reads as Vietnamese: +1 per well-formed accented word, -1 per malformed."""
    score = 0
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        score += 1 if _plausible(word) else -1
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
                raise UndecodableError(f"starts with a {name} mark but is not valid {name}: {exc.reason}") from None
    utf16 = _utf16_without_bom(data)
    if utf16:
        label = "UTF-16 LE without BOM" if utf16.endswith("le") else "UTF-16 BE without BOM"
        return Decoded(unicodedata.normalize("NFC", data.decode(utf16)), label)
    if b"\x00" in data:
        raise UndecodableError("looks like a binary file (it contains NUL bytes), not text")
    try:
        return Decoded(data.decode("utf-8"), "UTF-8")
    except UnicodeDecodeError:
        pass
    scored = sorted(
        ((vietnamese_score(_decode_legacy(data, enc)), -i, enc) for i, enc in enumerate(_LEGACY)),
        reverse=True,
    )
    best_score, _, best = scored[0]
    if best_score <= 0:
        raise UndecodableError(
            "is neither UTF-8 nor readable Vietnamese in Windows-1258, VISCII or TCVN3"
        )
    labels = {"windows-1258": "Windows-1258", "viscii": "VISCII", "tcvn3": "TCVN3 (ABC)"}
    return Decoded(_decode_legacy(data, best), labels[best])
