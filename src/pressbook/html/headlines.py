"""Headlines set as a Vietnamese compositor sets them: never broken inside a word, never ending on
a line of one syllable.

Vietnamese writes its words as syllables between spaces ("vùng cao", "Giao thừa", "ruộng bậc
thang"), so a line may not break at every space. Where the words are is found by underthesea's
word segmenter; each word of several syllables is bound (`white-space: nowrap`), and so are the
last two syllables, so that no headline leaves one syllable alone on its last line."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from html import escape

from markupsafe import Markup

_BOUND = '<span class="bound">{}</span>'


def _skeleton(text: str) -> str:
    """Letters and digits without marks, lower case: how the segmenter's words are found again
    in the headline (it may move a tone mark: "Hoà" comes back as "Hòa")."""
    return "".join(ch for ch in unicodedata.normalize("NFD", text.casefold()) if ch.isalnum() and not unicodedata.combining(ch))


# Titles segmented by earlier builds (kept in the project's cache by the build): loading the
# segmenter takes about 0.7 s and 150 MiB, which a rebuild after an edit need not pay.
_known: dict[str, tuple[tuple[int, int], ...]] = {}
_learned: dict[str, tuple[tuple[int, int], ...]] = {}


def segmenter() -> str:
    """The segmenter and its version: what a remembered segmentation was made with."""
    from importlib.metadata import version

    return f"underthesea-{version('underthesea')}"


def recall(memo: dict[str, object]) -> None:
    """Take segmentations remembered by earlier builds (from `learned`); anything malformed is skipped."""
    for title, spans in memo.items():
        try:
            _known[title] = tuple((int(a), int(b)) for a, b in spans)  # type: ignore[attr-defined]
        except (TypeError, ValueError):
            continue


def learned() -> dict[str, list[list[int]]]:
    """The titles segmented since the last call, to remember for later builds."""
    out = {title: [list(span) for span in spans] for title, spans in _learned.items()}
    _learned.clear()
    return out


@lru_cache(maxsize=4096)
def words(title: str) -> tuple[tuple[int, int], ...]:
    """Where the words of several syllables stand in `title`: (start, end) character offsets."""
    if title in _known:
        return _known[title]
    _learned[title] = spans = _segment(title)
    return spans


def _segment(title: str) -> tuple[tuple[int, int], ...]:
    from underthesea import word_tokenize  # loaded only when a headline is set

    # Each character of the title that the skeleton keeps, by its place in the title.
    places = [i for i, ch in enumerate(title) if _skeleton(ch)]
    letters = "".join(_skeleton(title[i]) for i in places)
    spans, cursor = [], 0
    for token in word_tokenize(title):
        wanted = _skeleton(token)
        if not wanted:
            continue
        found = letters.find(wanted, cursor)
        if found < 0:
            continue  # the segmenter changed more than marks: leave this word free
        start, end = places[found], places[found + len(wanted) - 1] + 1
        cursor = found + len(wanted)
        if " " in title[start:end]:
            spans.append((start, end))
    return tuple(spans)


def bound_words(text: str) -> Markup:
    """Text as HTML whose words of several syllables cannot be broken apart (spaces kept as they are)."""
    out, cursor = [], 0
    for start, end in words(text) if text.strip() else ():
        out.append(escape(text[cursor:start], quote=False))
        out.append(_BOUND.format(escape(text[start:end], quote=False)))
        cursor = end
    out.append(escape(text[cursor:], quote=False))
    return Markup("".join(out))


def headline(title: str, tail: str = "") -> Markup:
    """A headline as HTML whose words, and last two syllables, cannot be broken apart; `tail`
    (HTML, such as a contents entry's dots and page number) is bound to its last syllables."""
    title = " ".join(title.split())
    if not title:
        return Markup(tail)
    spans = list(words(title))
    # The last two syllables go together (with the words they belong to), and with the tail.
    last = [m.span() for m in re.finditer(r"\S+", title)][-2:]
    end = (last[0][0], last[-1][1])
    overlapping = [s for s in spans if s[1] > end[0]]
    spans = [s for s in spans if s[1] <= end[0]] + [(min([end[0], *(s[0] for s in overlapping)]), end[1])]
    out, cursor = [], 0
    for start, stop in sorted(spans):
        out.append(escape(title[cursor:start], quote=False))
        text = escape(title[start:stop], quote=False)
        if (start, stop) == spans[-1] and (stop > start + len(title[start:stop].split()[0]) or tail):
            out.append(_BOUND.format(text + tail))
        elif " " in title[start:stop]:
            out.append(_BOUND.format(text))
        else:
            out.append(text)
        cursor = stop
    out.append(escape(title[cursor:], quote=False))
    return Markup("".join(out))
