"""Vietnamese text hygiene: NFC, stray and detached tone marks, look-alike letters, odd spaces,
tone placement (hòa/hoà) and the small text measures other stages need."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from slugify import slugify as _slugify

from .interface import N_, _, ngettext

# The five tone marks as combining characters: grave, acute, tilde, hook above, dot below.
TONES = "\u0300\u0301\u0303\u0309\u0323"
BASE_VOWELS = "aăâeêioôơuưy"
VOWELS = frozenset(
    unicodedata.normalize("NFC", v + t) for v in BASE_VOWELS + BASE_VOWELS.upper() for t in ("", *TONES)
)
# 12 vowels x 6 tone forms x 2 cases + Đ/đ: the 146 letters every bundled face must have.
VIETNAMESE_LETTERS = "".join(sorted(VOWELS)) + "Đđ"

_COMBINING = re.compile("[\u0300-\u036f]")
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Finding:
    """One kind of text damage found (and possibly repaired), with a sample. `kind` is a fixed
    code ("detached tone marks"); `label` says it in an editor's words."""

    kind: str
    count: int
    sample: str
    repaired: bool

    @property
    def label(self) -> str:
        """The damage in plain words, for `count` of it, in the interface's language: "tone marks
        split from their letters"."""
        name = _NAMES.get(self.kind)
        return name(self.count) if name else self.kind

    def describe(self) -> str:
        """A short human sentence, e.g. `2 tone marks split from their letters repaired ('thi ̣' -> 'thị')`."""
        done = _("{what} repaired ({sample})") if self.repaired else _("{what} found ({sample})")
        return done.format(what=f"{self.count} {self.label}", sample=self.sample)


# Each kind of finding in an editor's words, for one of it and for several. (The codes are marked
# for the catalog too, so that one said as it is, `_(finding.kind)`, reads as plain Vietnamese;
# `label` is better: plain words in English too, in the right number.)
_NAMES: dict[str, Callable[[int], str]] = {
    N_("detached tone marks"): lambda n: ngettext(
        "tone mark split from its letter", "tone marks split from their letters", n
    ),
    N_("redundant combining marks"): lambda n: ngettext(
        "mark typed twice on one letter", "marks typed twice on one letter", n
    ),
    N_("decomposed (NFD) letters normalised to NFC"): lambda n: ngettext(
        "mark stored apart from its letter (NFD)", "marks stored apart from their letters (NFD)", n
    ),
    N_("control characters removed"): lambda n: ngettext(
        "control character (a code no page can show)", "control characters (codes no page can show)", n
    ),
    N_("invisible characters removed"): lambda n: ngettext(
        "invisible character (zero-width space, soft hyphen)", "invisible characters (zero-width spaces, soft hyphens)", n
    ),
    N_("no-break or odd spaces made plain"): lambda n: ngettext(
        "no-break or unusual space", "no-break or unusual spaces", n
    ),
    N_("look-alike letters Ð/ð (eth) for Đ/đ"): lambda n: ngettext(
        "look-alike letter Ð/ð (Icelandic eth) typed for Đ/đ", "look-alike letters Ð/ð (Icelandic eth) typed for Đ/đ", n
    ),
    N_("words with two tone marks"): lambda n: ngettext("word with two tone marks", "words with two tone marks", n),
    N_("words in mixed tone styles"): lambda n: ngettext(
        "word with its tone mark in the old or the new place (hòa, hoà)",
        "words with their tone marks in the old and the new place (hòa, hoà)",
        n,
    ),
}  # fmt: skip


def counted(count: int, one: str, many: str) -> str:
    """A count with its noun in the right number and the interface's language: "1 page",
    "2 pages", "0 pages"; "2 trang" under a Vietnamese locale."""
    return f"{count} {ngettext(one, many, count)}"


@dataclass(frozen=True)
class Cleaned:
    """Text after hygiene, and what was done to it."""

    text: str
    findings: tuple[Finding, ...]


def nfc(text: str) -> str:
    """The NFC form of `text`."""
    return unicodedata.normalize("NFC", text)


def _tone_of(syllable: str) -> str | None:
    """The combining tone mark a syllable carries, if any."""
    for ch in unicodedata.normalize("NFD", syllable):
        if ch in TONES:
            return ch
    return None


def _strip_tone(syllable: str) -> str:
    return nfc("".join(ch for ch in unicodedata.normalize("NFD", syllable) if ch not in TONES))


def _is_vowel(ch: str) -> bool:
    return ch in VOWELS


# Where each style puts the tone of an open oa, oe or uy: on its first vowel, or its second.
_OPEN_PAIR = {"old": 0, "new": 1}


def tone_position(syllable: str, style: str) -> int | None:
    """Index of the letter that carries the tone in a toneless NFC `syllable`.

    `style` only matters for open syllables ending in oa, oe, uy: "old" puts the mark on the
    first vowel (hòa, khỏe, thủy), "new" on the second (hoà, khoẻ, thuỷ).
    """
    lower = syllable.lower()
    start = 0
    if lower.startswith("qu"):
        start = 2
    elif lower.startswith("gi") and len(lower) > 2 and _is_vowel(lower[2]):
        start = 2
    while start < len(lower) and not _is_vowel(lower[start]):
        start += 1
    if start >= len(lower):
        return None  # no vowel: nowhere to put a tone
    end = start
    while end < len(lower) and _is_vowel(lower[end]):
        end += 1
    run = lower[start:end]
    shaped = [i for i, ch in enumerate(run) if ch in "ăâêôơư"]
    if shaped:
        return start + shaped[-1]
    if end < len(lower) or len(run) == 1:
        return end - 1
    if run in ("oa", "oe", "uy"):
        return start + _OPEN_PAIR[style]
    if len(run) == 3:
        return start + 1
    return start


def place_tone(syllable: str, tone: str | None, style: str) -> str:
    """`syllable` with its tone removed and `tone` (a combining mark) put where `style` wants it."""
    bare = _strip_tone(syllable)
    if tone is None:
        return bare
    index = tone_position(bare, style)
    if index is None:
        return syllable
    return nfc(bare[: index + 1] + tone + bare[index + 1 :])


def tone_style_of(word: str) -> str | None:
    """'old' for hòa/khỏe/thủy, 'new' for hoà/khoẻ/thuỷ, None where the styles agree."""
    tone = _tone_of(word)
    if tone is None:
        return None
    old, new = place_tone(word, tone, "old"), place_tone(word, tone, "new")
    if old == new:
        return None
    if word == old:
        return "old"
    if word == new:
        return "new"
    return None


def tone_styles(text: str) -> dict[str, Counter]:
    """Words written in each tone-placement style, with counts."""
    found: dict[str, Counter] = {"old": Counter(), "new": Counter()}
    for word in _WORD.findall(nfc(text)):
        style = tone_style_of(word)
        if style:
            found[style][word] += 1
    return found


def convert_tone_style(text: str, style: str) -> str:
    """`text` with every oa/oe/uy syllable's tone moved to `style` ('old' or 'new')."""

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        current = tone_style_of(word)
        if current is None or current == style:
            return word
        return place_tone(word, _tone_of(word), style)

    return _WORD.sub(fix, nfc(text))


# --- repairs -------------------------------------------------------------------------------

_ODD_SPACES = re.compile("[\u00a0\u2007\u202f]")
_INVISIBLES = re.compile("[\u200b\u200c\u2060\ufeff\u00ad]")
# Control characters and what XML forbids or calls a non-character (an EPUB cannot hold them).
_CONTROLS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
    + "|[" + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(1, 17)) + "]"
)
# A tone mark left behind after a space: "thi ̣trường", "nghiêp ̣ khai".
# The word it belongs to, the mark, and what follows: a space, or the next word ("thi ̣trường").
# (Each begins only where a word begins: started inside a long word, the search would go over the
# rest of it again from every letter, minutes for a word of 200,000 letters.)
_DETACHED = re.compile(r"(?<![^\W\d_])([^\W\d_]+)[ \u00a0]([" + TONES + r"])([ \u00a0]?)(?=(\w)?)")


def _sample(before: str, after: str) -> str:
    return f"'{before.strip()}' -> '{after.strip()}'"


def _repair_detached(text: str, findings: list[Finding]) -> str:
    count, sample = 0, ""

    def fix(match: re.Match[str]) -> str:
        nonlocal count, sample
        word, tone, space_after, following = match.groups()
        if _tone_of(word) is not None or tone_position(_strip_tone(word), "old") is None:
            return match.group(0)
        count += 1
        # The mark took the place of the space between two words: give the space back.
        fixed = place_tone(word, tone, "old") + (" " if space_after or following else "")
        if not sample:
            sample = _sample(match.group(0), fixed)
        return fixed

    text = _DETACHED.sub(fix, text)
    if count:
        findings.append(Finding("detached tone marks", count, sample, True))
    return text


def _repair_redundant_marks(text: str, findings: list[Finding]) -> str:
    """Drop a combining mark the letter before it already has ("Sơ̛n", "liề̀n")."""
    if not _COMBINING.search(text):
        return text
    out: list[str] = []
    count, sample = 0, ""
    for ch in text:
        if _COMBINING.match(ch) and out:
            base = unicodedata.normalize("NFD", out[-1])
            if ch in base[1:]:
                count += 1
                if not sample:
                    sample = f"'{out[-1]}' + U+{ord(ch):04X} -> '{out[-1]}'"
                continue
            out[-1] = nfc(out[-1] + ch)
            continue
        out.append(ch)
    if count:
        findings.append(Finding("redundant combining marks", count, sample, True))
    return "".join(out)


def _replace(text: str, pattern: re.Pattern[str], repl: str, kind: str, findings: list[Finding]) -> str:
    matches = pattern.findall(text)
    if matches:
        shown = ", ".join(f"U+{ord(m):04X}" for m in sorted(set(matches)))
        findings.append(Finding(kind, len(matches), shown, True))
        text = pattern.sub(repl, text)
    return text


# Any character one of the repairs below acts on; text without them needs no repair.
_SUSPECT = re.compile("[\u0300-\u036f\u00a0\u2007\u202f\u200b\u200c\u2060\ufeff\u00ad\u00d0\u00f0]|" + _CONTROLS.pattern)


def clean(text: str) -> Cleaned:
    """Repair the damage real pages carry and return NFC text with a list of what was done."""
    if unicodedata.is_normalized("NFC", text) and not _SUSPECT.search(text):
        doubles = double_toned(text)
        if not doubles:
            return Cleaned(text, ())
    findings: list[Finding] = []
    if not unicodedata.is_normalized("NFC", text):
        count = sum(1 for ch in text if unicodedata.combining(ch))
        findings.append(Finding("decomposed (NFD) letters normalised to NFC", count, "NFC", True))
        text = nfc(text)
    text = _replace(text, _CONTROLS, "", "control characters removed", findings)
    text = _replace(text, _INVISIBLES, "", "invisible characters removed", findings)
    text = _replace(text, _ODD_SPACES, " ", "no-break or odd spaces made plain", findings)
    eths = text.count("\u00d0") + text.count("\u00f0")
    if eths:
        findings.append(Finding("look-alike letters Ð/ð (eth) for Đ/đ", eths, "'Ð' -> 'Đ'", True))
        text = text.replace("\u00d0", "\u0110").replace("\u00f0", "\u0111")
    text = _repair_detached(text, findings)
    text = _repair_redundant_marks(text, findings)
    text = nfc(text)
    doubles = double_toned(text)
    if doubles:
        findings.append(Finding("words with two tone marks", len(doubles), f"'{doubles[0]}'", False))
    return Cleaned(text, tuple(findings))


_TONED = "".join(sorted(v for v in VOWELS if any(t in unicodedata.normalize("NFD", v) for t in TONES)))
_DOUBLE = re.compile(rf"(?<![^\W\d_])[^\W\d_]*[{_TONED}][^\W\d_]*[{_TONED}][^\W\d_]*")


def double_toned(text: str) -> list[str]:
    """Words carrying more than one tone mark ("đầỳ"): damage a human must resolve."""
    return _DOUBLE.findall(nfc(text))


def mixed_tone_styles(text: str) -> Finding | None:
    """A finding when `text` writes oa/oe/uy tones in both styles (hòa and hoà)."""
    styles = tone_styles(text)
    if styles["old"] and styles["new"]:
        old = styles["old"].most_common(1)[0][0]
        new = styles["new"].most_common(1)[0][0]
        total = sum(styles["old"].values()) + sum(styles["new"].values())
        return Finding("words in mixed tone styles", total, _("old '{old}' and new '{new}'").format(old=old, new=new), False)
    return None


# --- measures ------------------------------------------------------------------------------


def slugify(title: str, max_length: int = 60) -> str:
    """An ASCII file name from a Vietnamese title: "Mường Nhé" -> "muong-nhe". A slug too long is
    cut between words, never inside one: "...phát triển kinh tế" loses "kinh tế" whole rather
    than keep "kinh" (Vietnamese words are syllables between spaces; see words.py)."""
    title = " ".join(nfc(title).split())
    full = _slugify(title, save_order=True)
    if len(full) <= max_length:
        return full or "bai-viet"
    from .words import words

    # The title's syllables, those of one word kept together.
    spans = words(title)
    groups: list[str] = []
    for match in re.finditer(r"\S+", title):
        inside = next((span for span in spans if span[0] <= match.start() < span[1]), None)
        if groups and inside is not None and inside[0] < match.start():
            groups[-1] += " " + match.group()
        else:
            groups.append(match.group())
    slug = ""
    for group in groups:
        piece = _slugify(group, save_order=True)
        if not piece:
            continue
        longer = f"{slug}-{piece}" if slug else piece
        if len(longer) > max_length:
            break
        slug = longer
    return slug or _slugify(title, max_length=max_length, word_boundary=True, save_order=True) or "bai-viet"


def word_count(text: str) -> int:
    """Words as a Vietnamese reader counts them: space-separated syllables with a letter or digit."""
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))

