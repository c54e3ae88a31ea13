"""The Markdown dialect of article bodies (CommonMark, tables, strikethrough, footnotes), read as
text: the words a body holds and the pictures it names. Rendering it is `html/markdown.py`'s work."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from .errors import Problem
from .interface import N_, _, language

# What one article may hold. The renderers recurse into nested elements (WeasyPrint failed at
# 160 nested <div>s, the e-book's XML tools soon after) and slow down with notes and cells (10,000
# footnotes took five minutes): an article past one of these is refused when it is read, so it
# can never stall or break a whole edition. Real articles stay far below them.
MAX_DEPTH = 32  # elements inside one another: quotes, lists, tables, raw HTML tags
MAX_NOTE_DEPTH = 8  # footnotes citing footnotes citing footnotes...
MAX_NOTES = 500  # footnotes
MAX_TABLE_CELLS = 5_000  # cells of all its tables
MAX_PICTURES = 200  # pictures in the body
MAX_ELEMENTS = 20_000  # paragraphs, list items, cells, emphasis, links, raw HTML tags...
MAX_WORD = 1_000  # characters without a space: a page cannot break it, and the renderer stalls on it
# markdown-it stops parsing (and drops the rest of a block) past its own nesting limit: set above
# MAX_DEPTH, so that an article is refused rather than silently cut.
_PARSER_NESTING = MAX_DEPTH + 16


def dialect(xhtml: bool = False) -> MarkdownIt:
    """A fresh parser of the body dialect (`xhtml` for self-closing tags when it renders)."""
    options: dict[str, object] = {"maxNesting": _PARSER_NESTING}
    if xhtml:
        options["xhtmlOut"] = True
    return MarkdownIt("commonmark", options).enable(["table", "strikethrough"]).use(footnote_plugin)


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """The shared parser of article bodies (reading only)."""
    return dialect()


def tokens(body: str) -> list[Token]:
    """The block tokens of a body."""
    return parser().parse(body)


def walk(tokens_: Sequence[Token]) -> Iterator[Token]:
    """Every token, inline children included, in document order."""
    for token in tokens_:
        yield token
        if token.children:
            yield from walk(token.children)


def to_text(body: str) -> str:
    """The words of a body without Markdown syntax: paragraphs, list items, cells, footnotes."""
    parts: list[str] = []
    for token in walk(tokens(body)):
        if token.type in ("text", "code_inline", "code_block", "fence"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif token.type == "inline":
            parts.append("\n")
    return " ".join("".join(parts).split())


def image_sources(body: str) -> list[str]:
    """The `src` of every image in a body, in order."""
    return [t.attrGet("src") or "" for t in walk(tokens(body)) if t.type == "image"]


# --- limits ----------------------------------------------------------------------------------

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
# Each limit: what was passed (its `{limit}` filled in, grouped as the interface's language writes
# numbers: 5,000 / 5.000), what to do, and the limit.
_LIMITS = {
    "depth": (
        N_("quotes, lists and HTML tags are nested past the limit of {limit} levels"),
        N_("flatten it: close the HTML tags, use fewer '>' or list levels"),
        MAX_DEPTH,
    ),
    "note-depth": (
        N_("footnotes cite footnotes past the limit of {limit} levels"),
        N_("let a note cite at most a few others"),
        MAX_NOTE_DEPTH,
    ),
    "notes": (
        N_("more footnotes than the limit of {limit}"),
        N_("split the article, or list the sources at its end"),
        MAX_NOTES,
    ),
    "cells": (
        N_("its tables have more cells than the limit of {limit}"),
        N_("split the table, or publish the data as a file beside the article"),
        MAX_TABLE_CELLS,
    ),
    "pictures": (N_("more pictures than the limit of {limit}"), N_("split the article into several"), MAX_PICTURES),
    "word": (
        N_("a word past the limit of {limit} characters without a space (no line can hold it)"),
        N_("put spaces in it, or give a long address as a link: [words](address)"),
        MAX_WORD,
    ),
    "elements": (
        N_("more paragraphs, cells and other elements than the limit of {limit}"),
        N_("split the article into several"),
        MAX_ELEMENTS,
    ),
}  # fmt: skip


_MAXIMA = {"notes": MAX_NOTES, "cells": MAX_TABLE_CELLS, "pictures": MAX_PICTURES, "elements": MAX_ELEMENTS}


class _Limits:
    """Counts what an article holds as it is walked; the first line past each limit is kept."""

    def __init__(self) -> None:
        self.counts = dict.fromkeys(_MAXIMA, 0)
        self.past: dict[str, int] = {}

    def element(self, tag: str, depth: int, line: int) -> None:
        self.add("elements", line)
        if tag in ("td", "th"):
            self.add("cells", line)
        elif tag == "img":
            self.add("pictures", line)
        if depth > MAX_DEPTH:
            self.past.setdefault("depth", line)

    def add(self, kind: str, line: int) -> None:
        """One more of a kind ("notes", "cells", "pictures", "elements"), on this line."""
        self.counts[kind] += 1
        if self.counts[kind] > _MAXIMA[kind]:
            self.past.setdefault(kind, line)


class _RawHtml(HTMLParser):
    """Raw HTML in a body, fed a piece at a time: its open elements, counted as they open."""

    def __init__(self, limits: _Limits) -> None:
        super().__init__(convert_charrefs=False)
        self.limits = limits
        self.open: list[str] = []
        self.base = 0  # the Markdown depth of the piece being fed
        self.line = 1

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.limits.element(tag, self.base + len(self.open) + 1, self.line)
        if tag not in _VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: object) -> None:
        self.limits.element(tag, self.base + len(self.open) + 1, self.line)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag) :]

    def feed_at(self, html: str, base: int, line: int) -> None:
        self.base, self.line = base, line
        # In pieces, to stop soon in a huge block once the article is refused anyway.
        for start in range(0, len(html), 1 << 16):
            if "elements" in self.limits.past:
                return
            self.feed(html[start : start + (1 << 16)])


def _note_depth(cites: dict[int, set[int]]) -> int:
    """The longest chain of notes citing notes (a note citing itself, directly or not, ends it)."""
    deepest: dict[int, int] = {}
    for start in cites:
        if start in deepest:
            continue
        stack: list[tuple[int, Iterator[int]]] = [(start, iter(cites.get(start, ())))]
        on_path = {start}
        while stack:
            note, pending = stack[-1]
            nxt = next(pending, None)
            if nxt is None:
                stack.pop()
                on_path.discard(note)
                deepest[note] = 1 + max((deepest.get(n, 0) for n in cites.get(note, ()) if n not in on_path), default=0)
            elif nxt not in deepest and nxt not in on_path:
                on_path.add(nxt)
                stack.append((nxt, iter(cites.get(nxt, ()))))
    return max(deepest.values(), default=0)


def _long_runs(text: str) -> Iterator[str]:
    """The runs of characters without a space longer than MAX_WORD (cheap: most text has none).
    A link's address in Markdown does not count (it is not printed): only its words do."""
    if len(text) <= MAX_WORD:
        return iter(())
    text = re.sub(r"\]\([^)\s]*\)|<https?://[^>\s]*>", "] ", text)
    return (word for word in text.split() if len(word) > MAX_WORD)


def limit_problems(body: str, path: Path | None = None, first_line: int = 1) -> list[Problem]:
    """What in a body goes past the limits the renderers can take (nesting, notes, cells,
    pictures, elements): one problem per limit, on the line where it is first passed
    (`first_line` is the body's line in its file)."""
    limits = _Limits()
    raw = _RawHtml(limits)
    cites: dict[int, set[int]] = {}
    note: int | None = None
    line = 0
    for token in tokens(body):
        if token.map:
            line = token.map[0]
        if token.type == "footnote_open":
            note = token.meta["id"]
            cites.setdefault(note, set())
            limits.add("notes", line)
        elif token.type == "footnote_close":
            note = None
        elif token.type == "html_block":
            raw.feed_at(token.content, token.level, line)
        elif token.nesting == 1 and token.tag:
            limits.element(token.tag, token.level + 1 + len(raw.open), line)
        if token.type in ("inline", "code_block", "fence", "html_block") and "word" not in limits.past:
            if any(len(word) > MAX_WORD for word in _long_runs(token.content)):
                limits.past["word"] = line
        for child in token.children or ():
            depth = token.level + child.level + 1 + len(raw.open)
            if child.type == "html_inline":
                raw.feed_at(child.content, token.level + child.level, line)
            elif child.type == "footnote_ref" and note is not None:
                cites[note].add(child.meta["id"])
            elif (child.nesting == 1 or child.type == "image") and child.tag:
                limits.element(child.tag, depth, line)
        if "elements" in limits.past:
            break  # refused anyway; counting on would only take time
    if _note_depth(cites) > MAX_NOTE_DEPTH:
        limits.past.setdefault("note-depth", line)
    from babel.numbers import format_decimal

    problems = []
    for kind, at in sorted(limits.past.items(), key=lambda item: item[1]):
        message, hint, limit = _LIMITS[kind]
        shown = format_decimal(limit, locale=language())
        problems.append(Problem(_(message).format(limit=shown), path=path, line=first_line + at, hint=_(hint)))
    return problems
