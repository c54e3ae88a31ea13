"""Article bodies rendered to HTML for print (footnotes in place, for `float: footnote`) or for e-books
(EPUB 3 noterefs and footnote asides). Raw HTML inside Markdown is sanitised with nh3."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from typing import Any, Literal
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..body import dialect
from ..callbacks import Guard

# print: notes float to the foot of the page; endnotes: listed after the body (for columns);
# epub: EPUB 3 noterefs and footnote asides.
Target = Literal["print", "endnotes", "epub"]

# What raw HTML in an article may keep: text structure only. No scripts, styles, frames,
# forms, links to stylesheets, meta, base, objects or event handlers (nh3 drops those).
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "div", "dl", "dt",
    "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol",
    "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan", "style"}, "th": {"colspan", "rowspan", "scope", "style"}, "abbr": {"title"},
    "ol": {"start"}, "*": {"lang"},
}  # fmt: skip
URL_SCHEMES = {"http", "https", "mailto"}
# pressbook's own markup, which the sanitiser lets through with these values only.
_OWN_TAGS = {"aside", "section"}
_OWN_VALUES = {
    "class": {"nobreak", "footnote", "note-ref", "endnotes", "footnotes", "note-number"},
    "role": {"doc-noteref", "doc-footnote"},
    "data-epub-type": {"noteref", "footnote"},
}
_OWN_ATTRIBUTES = {"span": {"class"}, "sup": {"class"}, "ol": {"class"}, "p": {"class"},
                   "section": {"class"}, "a": {"role", "data-epub-type", "id"},
                   "aside": {"role", "data-epub-type", "id"}}  # fmt: skip
_ALIGNMENT = re.compile(r"text-align:\s*(left|center|right);?")
_NO_SOURCE = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")  # a picture whose source was refused
# A figure left with nothing but its caption (its picture refused): the caption goes with it.
_CAPTION_ALONE = re.compile(r"<figure>\s*(?:<figcaption>(?:(?!</?figure).)*?</figcaption>)?\s*</figure>", re.S)


def safe_href(value: str) -> str | None:
    """A link target an article may use: web and mail addresses and in-page anchors.

    A path or file: address would point into the build machine's or the reader's own disk."""
    value = value.strip()
    if value.startswith("#"):
        return value
    try:
        scheme = urlsplit(value).scheme
    except ValueError:
        return None
    return value if scheme in URL_SCHEMES else None


def sanitise(
    html: str,
    image: Callable[[str], "str | None"] | None = None,
    own: Callable[[str, str, str], "str | None"] | None = None,
) -> str:
    """HTML reduced to the allow-list: safe tags, safe attributes, web links only.

    `image` maps every <img src> to the URL to use (or None to drop it), so pictures in raw HTML
    pass the same checks as Markdown pictures. `own` decides the attributes of pressbook's own
    markup (classes, ids, roles); without it they are dropped."""

    def attribute(element: str, name: str, value: str) -> str | None:
        if element == "img" and name == "src":
            return image(value) if image else None
        if element == "a" and name == "href":
            return safe_href(value)
        if name == "style":
            # Only a table cell's alignment (Markdown's `:---:`), never a free style.
            return value if _ALIGNMENT.fullmatch(value) else None
        if name in ("class", "role", "data-epub-type", "id"):
            return own(element, name, value) if own else None
        return value

    attributes = {tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()}
    if own:
        for tag, names in _OWN_ATTRIBUTES.items():
            attributes.setdefault(tag, set()).update(names)
    # nh3 prints and ignores what its attribute filter raises (even Ctrl-C): the guard raises it
    # again once nh3 returns, so a failing picture check fails the build, never drops the picture.
    with Guard() as guard:
        cleaned = nh3.clean(
            html,
            tags=ALLOWED_TAGS | (_OWN_TAGS if own else set()),
            attributes=attributes,
            url_schemes=URL_SCHEMES | ({"pressbook"} if own else set()),
            link_rel=None,
            strip_comments=True,
            attribute_filter=guard(attribute, failed=None),
        )
    return _CAPTION_ALONE.sub("", _NO_SOURCE.sub("", cleaned))


# --- HTML ------------------------------------------------------------------------------------

ImageResolver = Callable[[str], "str | None"]


@dataclass(frozen=True)
class BodyHtml:
    """A body as HTML, with the pictures it shows and the ones it had to leave out."""

    html: str
    images: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()


def _is_figure(tokens_: list[Token], index: int) -> bool:
    if tokens_[index].type != "paragraph_open" or index + 2 >= len(tokens_):
        return False
    inline = tokens_[index + 1]
    children = [c for c in inline.children or [] if not (c.type == "text" and not c.content.strip())]
    return inline.type == "inline" and len(children) == 1 and children[0].type == "image"


def _image(self: Any, tokens_: list[Token], idx: int, options: Any, env: dict) -> str:
    # The picture is resolved later, with those of raw HTML, when the whole body is sanitised;
    # here it gets a numbered stand-in address that raw HTML cannot guess.
    token = tokens_[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    pictures: list[str] = env["pictures"]
    pictures.append(token.attrGet("src") or "")
    caption = ""
    if token.meta.get("figure") and alt:
        caption = f"<figcaption>{self.renderInline(token.children or [], options, env)}</figcaption>"
    return f'<img src="pressbook:{env["nonce"]}:{len(pictures) - 1}" alt="{escape(alt)}"/>' + caption


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


def _note_ref(self: Any, tokens_: list[Token], idx: int, options: Any, env: dict) -> str:
    meta = tokens_[idx].meta
    number, again = meta["id"] + 1, meta.get("subId", 0)
    prefix = env["prefix"]
    if env["target"] == "print":
        if env["inside_note"]:
            # A note that cites another note: in print the other note's words go in brackets.
            words = env["note"](meta["id"])
            return f" ({words})" if words else ""
        # Printed note calls are numbered by the renderer: a second call of the same note
        # would print it twice, so only the first one places it.
        return "" if again else f'<span class="footnote">{env["note"](meta["id"])}</span>'
    if env["target"] == "endnotes":
        return f'<sup class="note-ref">{number}</sup>'
    suffix = f"-{again}" if again else ""
    return (
        f'<sup><a data-epub-type="noteref" role="doc-noteref" href="#{prefix}fn{number}" '
        f'id="{env["nonce"]}:{prefix}fnref{number}{suffix}">{number}</a></sup>'
    )


def _heading(self: Any, tokens_: list[Token], idx: int, options: Any, env: dict) -> str:
    # Subheads sit below the article's own title: in print "##" becomes h4 (the title is h3).
    token = tokens_[idx]
    level = min(6, int(token.tag[1]) + env["heading_shift"])
    return f"<h{level}>" if token.nesting == 1 else f"</h{level}>\n"


@lru_cache(maxsize=3)
def _renderer(target: Target) -> MarkdownIt:
    md = dialect(xhtml=True)
    md.add_render_rule("image", _image)
    md.add_render_rule("text", _text)
    md.add_render_rule("footnote_ref", _note_ref)
    md.add_render_rule("heading_open", _heading)
    md.add_render_rule("heading_close", _heading)
    return md


def _split_notes(tokens_: list[Token]) -> tuple[list[Token], dict[int, list[Token]]]:
    """Split the footnote block off the token stream: the body's tokens and each note's."""
    notes: dict[int, list[Token]] = {}
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
                    notes[tokens_[start].meta["id"]] = [
                        t for t in tokens_[start + 1 : j] if t.type != "footnote_anchor"
                    ]
            index = end + 1
            continue
        kept.append(token)
        index += 1
    return kept, notes


def _note_renderer(md: MarkdownIt, notes: dict[int, list[Token]], env: dict) -> Callable[[int], str]:
    """Render notes on demand, once each; a note that (indirectly) cites itself stops there."""
    done: dict[int, str] = {}
    busy: set[int] = set()

    def note(key: int) -> str:
        if key in done:
            return done[key]
        if key in busy or key not in notes:
            return ""
        busy.add(key)
        outer = env["inside_note"]
        env["inside_note"] = True
        html = md.renderer.render(notes[key], md.options, env)
        env["inside_note"] = outer
        busy.discard(key)
        if env["target"] == "print":
            # Inside a footnote span only phrasing content is valid: paragraphs become runs of text.
            html = re.sub(r"</p>\s*<p>", " ", html).replace("<p>", "").replace("</p>", "").strip()
        done[key] = html
        return html

    return note


def to_html(body: str, *, target: Target, resolve: ImageResolver, prefix: str = "") -> BodyHtml:
    """Render a body for print or for an e-book; `resolve` maps an image src to a URL or refuses it.

    Markdown and raw HTML are rendered together, then the whole body is sanitised once (so
    inline tags such as `<b>…</b>` keep their content) and every picture, of Markdown or of raw
    HTML, is resolved through `resolve`."""
    md = _renderer(target)
    # pressbook's own ids and pictures carry this until sanitising, which accepts no other.
    nonce = secrets.token_hex(8)
    pictures: list[str] = []
    env: dict[str, Any] = {
        "pictures": pictures, "prefix": prefix, "nonce": nonce, "target": target, "inside_note": False,
        "heading_shift": 0 if target == "epub" else 2,
    }  # fmt: skip
    parsed = md.parse(body, env)
    for index, token in enumerate(parsed):
        if _is_figure(parsed, index):
            token.tag = parsed[index + 2].tag = "figure"
            for child in parsed[index + 1].children or []:
                if child.type == "image":
                    child.meta["figure"] = True
    parsed, note_tokens = _split_notes(parsed)
    env["note"] = note = _note_renderer(md, note_tokens, env)
    html = md.renderer.render(parsed, md.options, env)
    if target == "epub" and note_tokens:
        asides = "".join(
            f'<aside data-epub-type="footnote" role="doc-footnote" id="{nonce}:{prefix}fn{k + 1}">'
            f'<p class="note-number"><a href="#{prefix}fnref{k + 1}">{k + 1}</a></p>{note(k)}</aside>'
            for k in sorted(note_tokens)
        )
        html += f'<section class="footnotes">{asides}</section>'
    elif target == "endnotes" and note_tokens:
        items = "".join(f"<li>{note(k)}</li>" for k in sorted(note_tokens))
        html += f'<ol class="endnotes">{items}</ol>'

    shown: list[str] = []
    refused: list[str] = []

    def picture(src: str) -> str | None:
        own = re.fullmatch(rf"pressbook:{nonce}:(\d+)", src)
        if src.startswith("pressbook:") and not own:
            return None
        source = pictures[int(own.group(1))] if own else src
        resolved = resolve(source)
        (shown if resolved else refused).append(source)
        return resolved

    def own_attribute(element: str, name: str, value: str) -> str | None:
        if name == "id":
            # pressbook's note ids only (raw HTML cannot add or repeat one).
            return value.removeprefix(f"{nonce}:") if value.startswith(f"{nonce}:") else None
        return value if value in _OWN_VALUES.get(name, ()) else None

    clean = sanitise(html, picture, own_attribute)
    if "<table" in clean and target != "epub":
        clean = set_tables(clean)
    return BodyHtml(clean, tuple(shown), tuple(refused))


_NUMBER = re.compile(r"[+\-−–]?\d[\d.,  ]*%?")


def set_tables(html: str) -> str:
    """Tables set for print: columns of numbers aligned right (where the author gave no
    alignment), cell words never broken inside, and the sentence that introduces a table kept
    on its page (a paragraph ending with ':' just before it)."""
    from lxml import html as lxml_html

    from markupsafe import Markup

    from .headlines import bound_words, headline

    def bind(text: str | None, whole: bool) -> tuple[str | None, list]:
        """Text and the elements that follow it, its words bound (and its last two syllables,
        when it is a cell's whole text)."""
        if not text or " " not in text.strip():
            return text, []
        if whole and len(text.split()) <= 3:  # a short cell ("Cộng 6 xã") on one line
            marked = Markup('<span class="bound">{}</span>').format(" ".join(text.split()))
        else:
            marked = headline(text) if whole else bound_words(text)
        holder = lxml_html.fragment_fromstring(f"<span>{marked}</span>")
        return holder.text, list(holder)

    root = lxml_html.fragment_fromstring(html, create_parent="div")
    for table in root.iter("table"):
        rows = [row.findall("./*") for row in table.iter("tr")]
        body = [row for row in rows[1:] if row and all(cell.tag == "td" for cell in row)]
        for column in range(max((len(row) for row in rows), default=0)):
            cells = [row[column] for row in body if column < len(row)]
            if cells and all(_NUMBER.fullmatch(cell.text_content().strip()) for cell in cells):
                for row in rows:
                    if column < len(row) and not row[column].get("style"):
                        row[column].set("class", "num")
        for cell in (cell for row in rows for cell in row):
            everything = cell.text_content()
            for element in list(cell.iter()):
                # A run that is the cell's whole text (a plain cell, or one in bold) also keeps
                # its last two syllables together: "Cộng / 6 xã", never "Cộng 6 / xã".
                whole = not len(element) and element.text_content() == everything
                element.text, added = bind(element.text, whole)
                for position, child in enumerate(added):
                    element.insert(position, child)
                if element is not cell and element.tail:
                    parent = element.getparent()
                    element.tail, added = bind(element.tail, False)
                    for offset, child in enumerate(added, start=1):
                        parent.insert(parent.index(element) + offset, child)
        previous = table.getprevious()
        if previous is not None and previous.tag == "p" and previous.text_content().rstrip().endswith(":"):
            previous.set("class", " ".join(filter(None, [previous.get("class"), "lead-in"])))
    return "".join(lxml_html.tostring(child, encoding="unicode") for child in root) if len(root) else html
