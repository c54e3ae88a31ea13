"""Article bodies in Markdown: one parser (CommonMark + tables + footnotes) and what we read from it."""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """The Markdown dialect of article bodies."""
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).use(footnote_plugin)


def tokens(body: str) -> list[Token]:
    """The block tokens of a body."""
    return parser().parse(body)


def _walk(tokens_: list[Token]):
    for token in tokens_:
        yield token
        if token.children:
            yield from _walk(token.children)


def to_text(body: str) -> str:
    """The words of a body without Markdown syntax: paragraphs, list items, cells, footnotes."""
    parts: list[str] = []
    for token in _walk(tokens(body)):
        if token.type in ("text", "code_inline", "code_block", "fence"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif token.type == "inline":
            parts.append("\n")
    return " ".join("".join(parts).split())


def image_sources(body: str) -> list[str]:
    """The `src` of every image in a body, in order."""
    return [t.attrGet("src") or "" for t in _walk(tokens(body)) if t.type == "image"]
