"""The Markdown dialect of article bodies (CommonMark, tables, strikethrough, footnotes), read as
text: the words a body holds and the pictures it names. Rendering it is `html/markdown.py`'s work."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin


def dialect(xhtml: bool = False) -> MarkdownIt:
    """A fresh parser of the body dialect (`xhtml` for self-closing tags when it renders)."""
    options = {"xhtmlOut": True} if xhtml else {}
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
