"""Article bodies in Markdown: one dialect (CommonMark + tables + footnotes), read as text and
rendered to HTML for print (footnotes in place, for `float: footnote`) or for e-books
(EPUB 3 noterefs and footnote asides). Raw HTML inside Markdown is sanitised with nh3."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from urllib.parse import urlsplit
from typing import Any, Literal

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

# print: notes float to the foot of the page; endnotes: listed after the body (for columns);
# epub: EPUB 3 noterefs and footnote asides.
Target = Literal["print", "endnotes", "epub"]

# What raw HTML in an article may keep: text structure only. No scripts, styles, frames,
# forms, links to stylesheets, meta, base, objects or event handlers (nh3 drops those).
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "div", "dl", "dt",
    "em", "figcaption", "figure", "h2", "h3", "h4", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol",
    "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan", "scope"}, "abbr": {"title"},
    "ol": {"start"}, "*": {"lang"},
}  # fmt: skip
URL_SCHEMES = {"http", "https", "mailto"}
_NO_SOURCE = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")  # a picture whose source was refused


def sanitise(html: str, image: Callable[[str], "str | None"] | None = None) -> str:
    """Raw HTML reduced to the allow-list: safe tags, safe attributes, web links only.

    `image` maps every <img src> to the URL to use (or None to drop it), so pictures in raw HTML
    pass the same checks as Markdown pictures."""

    def attribute(element: str, name: str, value: str) -> str | None:
        if element == "img" and name == "src":
            return image(value) if image else None
        if element == "a" and name == "href":
            # Web and mail links only: a path would point into the reader's own disk.
            return value if value.startswith("#") or urlsplit(value).scheme in URL_SCHEMES else None
        return value

    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
        strip_comments=True,
        attribute_filter=attribute,
    )
    return _NO_SOURCE.sub("", cleaned)


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """The Markdown dialect of article bodies."""
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).use(footnote_plugin)


def tokens(body: str) -> list[Token]:
    """The block tokens of a body."""
    return parser().parse(body)


def _walk(tokens_: Sequence[Token]) -> Iterator[Token]:
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


# --- HTML ------------------------------------------------------------------------------------

ImageResolver = Callable[[str], "str | None"]


@dataclass
class Rendered:
    """A body as HTML, with the images it shows and the ones it had to leave out."""

    html: str
    images: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def _is_figure(tokens_: list[Token], index: int) -> bool:
    if tokens_[index].type != "paragraph_open" or index + 2 >= len(tokens_):
        return False
    inline = tokens_[index + 1]
    children = [c for c in inline.children or [] if not (c.type == "text" and not c.content.strip())]
    return inline.type == "inline" and len(children) == 1 and children[0].type == "image"


def _image(self: Any, tokens_: list[Token], idx: int, options: Any, env: dict) -> str:
    token = tokens_[idx]
    src = token.attrGet("src") or ""
    alt = self.renderInlineAsText(token.children or [], options, env)
    resolved = env["resolve"](src)
    result: Rendered = env["result"]
    caption = f"<figcaption>{self.renderInline(token.children or [], options, env)}</figcaption>"
    if resolved is None:
        result.refused.append(src)
        return caption if token.meta.get("figure") and alt else ""
    result.images.append(src)
    img = f'<img src="{escape(resolved)}" alt="{escape(alt)}"/>'
    return img + (caption if token.meta.get("figure") and alt else "")


# Codes, ranges and units that must not break across lines: "05-CT/TW", "357/2025/NĐ-CP",
# "15-25%", "đồng/kg" (short ones only: a long web address must still be able to wrap).
_UNBREAKABLE = re.compile(
    r"(?<![\w/-])(?:(?=[\w.,/–-]*\d)[\w.,%]+(?:[-–/][\w.,%]+)+|[^\W\d]{1,10}/[^\W\d]{1,10})(?![\w/])"
)


def _text(self: Any, tokens_: list[Token], idx: int, options: Any, env: dict) -> str:
    content = escape(tokens_[idx].content, quote=False)
    return _UNBREAKABLE.sub(
        lambda m: f'<span class="nobreak">{m.group(0)}</span>' if len(m.group(0)) <= 30 else m.group(0), content
    )


def _raw(self: Any, tokens_: list[Token], idx: int, options: Any, env: dict) -> str:
    result: Rendered = env["result"]

    def image(src: str) -> str | None:
        resolved = env["resolve"](src)
        (result.images if resolved else result.refused).append(src)
        return resolved

    return sanitise(tokens_[idx].content, image)


def _note_ref(self: Any, tokens_: list[Token], idx: int, options: Any, env: dict) -> str:
    number = tokens_[idx].meta["id"] + 1
    prefix = env["prefix"]
    if env["target"] == "print":
        return f'<span class="footnote">{env["notes"].get(number - 1, "")}</span>'
    if env["target"] == "endnotes":
        return f'<sup class="note-ref">{number}</sup>'
    return (
        f'<sup><a data-epub-type="noteref" role="doc-noteref" href="#{prefix}fn{number}" '
        f'id="{prefix}fnref{number}">{number}</a></sup>'
    )


def _heading(self: Any, tokens_: list[Token], idx: int, options: Any, env: dict) -> str:
    # Subheads sit below the article's own title: in print "##" becomes h4 (the title is h3).
    token = tokens_[idx]
    level = min(6, int(token.tag[1]) + env["heading_shift"])
    return f"<h{level}>" if token.nesting == 1 else f"</h{level}>\n"


@lru_cache(maxsize=3)
def _renderer(target: Target) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"xhtmlOut": True}).enable(["table", "strikethrough"]).use(footnote_plugin)
    md.add_render_rule("image", _image)
    md.add_render_rule("text", _text)
    md.add_render_rule("html_block", _raw)
    md.add_render_rule("html_inline", _raw)
    md.add_render_rule("footnote_ref", _note_ref)
    md.add_render_rule("heading_open", _heading)
    md.add_render_rule("heading_close", _heading)
    return md


def _notes(md: MarkdownIt, tokens_: list[Token], env: dict) -> tuple[list[Token], dict[int, str]]:
    """Split the footnote block off the token stream; render each note's content."""
    notes: dict[int, str] = {}
    kept: list[Token] = []
    index = 0
    while index < len(tokens_):
        token = tokens_[index]
        if token.type == "footnote_block_open":
            end = next(j for j in range(index, len(tokens_)) if tokens_[j].type == "footnote_block_close")
            start = None
            for j in range(index, end):
                if tokens_[j].type == "footnote_open":
                    start = j
                elif tokens_[j].type == "footnote_close" and start is not None:
                    inner = [t for t in tokens_[start + 1 : j] if t.type != "footnote_anchor"]
                    html = md.renderer.render(inner, md.options, env)
                    notes[tokens_[start].meta["id"]] = html
            index = end + 1
            continue
        kept.append(token)
        index += 1
    return kept, notes


def to_html(body: str, *, target: Target, resolve: ImageResolver, prefix: str = "") -> Rendered:
    """Render a body for print or for an e-book; `resolve` maps an image src to a URL or refuses it."""
    md = _renderer(target)
    result = Rendered("")
    env: dict[str, Any] = {
        "resolve": resolve, "result": result, "prefix": prefix, "target": target,
        "heading_shift": 0 if target == "epub" else 2,
    }  # fmt: skip
    parsed = md.parse(body, env)
    for index, token in enumerate(parsed):
        if _is_figure(parsed, index):
            token.tag = parsed[index + 2].tag = "figure"
            for child in parsed[index + 1].children or []:
                if child.type == "image":
                    child.meta["figure"] = True
    parsed, notes = _notes(md, parsed, env)
    if target == "print":
        # Inside a footnote span only phrasing content is valid: paragraphs become runs of text.
        env["notes"] = {k: re.sub(r"</p>\s*<p>", " ", v).replace("<p>", "").replace("</p>", "").strip()
                        for k, v in notes.items()}  # fmt: skip
    html = md.renderer.render(parsed, md.options, env)
    if target == "epub" and notes:
        asides = "".join(
            f'<aside data-epub-type="footnote" role="doc-footnote" id="{prefix}fn{k + 1}">'
            f'<p class="note-number"><a href="#{prefix}fnref{k + 1}">{k + 1}</a></p>{v}</aside>'
            for k, v in sorted(notes.items())
        )
        html += f'<section class="footnotes">{asides}</section>'
    elif target == "endnotes" and notes:
        items = "".join(f"<li>{v}</li>" for _, v in sorted(notes.items()))
        html += f'<ol class="endnotes">{items}</ol>'
    result.html = html
    return result
