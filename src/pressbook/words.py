"""Where Vietnamese words stand in a line of text: Vietnamese writes its words as syllables between
spaces ("vùng cao", "Giao thừa", "ruộng bậc thang"), so a line may not be cut at every space.
The words are found by underthesea's segmenter (loaded only when a title needs it); titles seen
by earlier builds are remembered in the project's cache (see build.py)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache


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
    # (one place per letter of the skeleton: "ß" keeps two, "ss", both at the place of the ß)
    places = [i for i, ch in enumerate(title) for _letter in _skeleton(ch)]
    letters = "".join(_skeleton(ch) for ch in title)
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
