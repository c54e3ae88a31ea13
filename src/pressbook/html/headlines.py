"""Headlines set as a Vietnamese compositor sets them: never broken inside a word, never ending on
a line of one syllable.

Vietnamese writes its words as syllables between spaces ("vùng cao", "Giao thừa", "ruộng bậc
thang"), so a line may not break at every space. Where the words are is found by underthesea's
word segmenter; each word of several syllables is bound (`white-space: nowrap`), and so are the
last two syllables, so that no headline leaves one syllable alone on its last line."""

from __future__ import annotations

import re
from html import escape

from markupsafe import Markup

from ..words import words

_BOUND = '<span class="bound">{}</span>'


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
