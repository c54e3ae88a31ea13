"""Saved HTML pages of news sites: trafilatura finds the article body, the page's JSON-LD and
OpenGraph metadata give title, date, author and lead; what is left of the page's chrome
(related-article lists, thumbnails, app banners) is dropped here."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from .. import text
from ..articles import DateOutOfRange, in_years, parse_date
from ..config import Project
from ..errors import ImportSourceError
from ..interface import _
from . import Draft, ImportOptions, charsets, decode_source, newsrules
from .pagebody import Body, comments, key, picture_captions, poor, printed_lead, unescape, words

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_ARTICLE_TYPES = {"newsarticle", "article", "blogposting", "reportagenewsarticle", "analysisnewsarticle"}


def _decode(data: bytes, path: Path) -> str:
    """The page's text. Bytes that are UTF-8 are read as UTF-8 whatever the page declares (pages
    are often saved as UTF-8 under their old declaration, and a one-byte charset would read them
    without an error, as garbage); else the declared charset, unless it does not read as
    Vietnamese and an old Vietnamese encoding does (a page written for a VNI font declares
    Windows-1252: its bytes are, its letters are not); else pressbook's own detection."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        declared = _CHARSET.search(data[:4096])
    else:
        declared = None
    if declared:
        try:
            found = data.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
        else:
            if charsets.reads_as_vietnamese(found):
                return found
            try:
                return charsets.decode(data).text
            except charsets.UndecodableError:
                return found
    return decode_source(data, path)[0]


def _json_ld(tree: etree._Element) -> dict[str, Any]:
    """The page's NewsArticle (or Article) object from its JSON-LD, if any."""
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content(), strict=False)
        except (json.JSONDecodeError, TypeError):
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if not isinstance(item, dict):
                continue
            stack.extend(item.get("@graph", []) if isinstance(item.get("@graph"), list) else [])
            kinds = item.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if any(isinstance(k, str) and k.lower() in _ARTICLE_TYPES for k in kinds):
                return item
    return {}


def _meta(tree: etree._Element, *names: str) -> str:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            found = tree.xpath(f'//meta[@{attr}="{name}"]/@content')
            if found and (value := unescape(found[0])):
                return value
    return ""


def _person_names(author: Any) -> list[str]:
    items = author if isinstance(author, list) else [author]
    names = []
    for item in items:
        if isinstance(item, dict) and str(item.get("@type", "Person")).lower() == "person":
            name = unescape(item.get("name"))
        elif isinstance(item, str):
            name = unescape(item)
        else:
            continue
        if name and not name.startswith("http"):
            names.append(name.title() if name.isupper() else name)
    return names


def _moment(value: str, project: Project, ignored: list[str]) -> datetime | None:
    """The moment a metadata value names; None if it names none, or one outside the years
    pressbook accepts (then said in `ignored`)."""
    value = value.strip()
    if not value:
        return None
    value = re.sub(r"(\d)\s+([+-]\d{2}:?\d{2})$", r"\1\2", value)
    value = re.sub(r"\.\d+(?=[+-]\d{2}|Z|$)", "", value).replace("Z", "+00:00")
    try:
        moment = _metadata_date(value, project.config.tz)
        return in_years(moment, value) if moment else None
    except DateOutOfRange as exc:
        ignored.append(_("the date in its metadata, {problem}").format(problem=str(exc).split(" (")[0]))
        return None
    except ValueError:
        return None


def _metadata_date(value: str, tz: tzinfo) -> datetime | None:
    """A metadata value's moment as parse_date reads it; or, when a site writes its own form
    there ("31/08/2017&nbsp;&nbsp;08:30 GMT+7"), the one date it holds as a Vietnamese reader
    reads it."""
    try:
        return parse_date(value, tz)
    except DateOutOfRange:
        raise
    except ValueError:
        said = unescape(value)
        found = newsrules.dates(said, tz)
        return found[0].moment if len(found) == 1 and newsrules.is_dateline(said, tz) else None


def _captions(tree: etree._Element) -> set[str]:
    """Texts the page itself marks as image captions."""
    nodes = tree.xpath(
        "//figcaption | //*[contains(@class,'caption') or contains(@class,'Caption')"
        " or contains(@class,'desc_image') or contains(@class,'image-desc')]"
    )
    return {key(n.text_content()) for n in nodes if n.text_content().strip()}


def _headline(tree: etree._Element, ld: dict[str, Any], document: Any, page_title: str, site: str) -> str:
    """The article's headline: from its metadata, else the heading the page's <title> begins
    with, else its first heading that is not a label or the logo; never the site's name, a
    section label or SEO keywords."""
    sections = tuple(_meta(tree, "article:section").split(","))
    named = [newsrules.headline(candidate, site=site) for candidate in
             (unescape(ld.get("headline")), _meta(tree, "og:title"), unescape(getattr(document, "title", "")))]  # fmt: skip
    named = [cleaned for cleaned in named if cleaned]
    headings_text = [unescape(node.text_content()) for node in tree.xpath("//h1 | //h2")]
    for cleaned in named:
        if not newsrules.looks_like_label(cleaned, sections):
            # The page's own heading, when the metadata adds a section after it ("... - Chính trị").
            for said in headings_text:
                if len(said) >= len(cleaned) * 0.6 and newsrules.bare(cleaned).startswith(newsrules.bare(said)) and len(said.split()) >= 3:
                    return said
            return cleaned
    headings = []
    for node in tree.xpath("//h1 | //h2 | //h3"):
        said = unescape(node.text_content())
        if said and not newsrules.looks_like_label(said, sections) and len(said.split()) <= 40:
            headings.append(said)
    bare_title = newsrules.bare(page_title)
    for said in headings:
        if newsrules.bare(said) in bare_title:
            return said
    cleaned = newsrules.headline(page_title, site=site)
    if cleaned and not newsrules.looks_like_label(cleaned, sections):
        return cleaned
    # Only short names: the metadata's is the headline (a short one), else the first heading.
    return (named or headings or [cleaned])[0]


_CREDIT_CLASS = (
    "//*[contains(@class,'source') or contains(@class,'author') or contains(@class,'byline')"
    " or contains(@class,'tacgia') or contains(@class,'tac-gia') or contains(@class,'signature')]"
)


def _credit_marked(tree: etree._Element) -> tuple[newsrules.Credit | None, str]:
    """The credit an element the page marks as such holds (class "singular-source", "author",
    "byline", "tacgia"): "Theo <strong>Forbes</strong>"; and its text."""
    for node in tree.xpath(_CREDIT_CLASS):
        said = " ".join(node.text_content().split())
        if 2 <= len(said) <= 80:
            found = newsrules.credit(said)
            if found is not None and (found.author or found.source):
                return found, said
    return None, ""


def _credit_after(tree: etree._Element, last: str) -> newsrules.Credit | None:
    """The byline a page prints after the article's last paragraph, outside what the extractor
    kept ("<strong>XUÂN LONG</strong>" under the share buttons): the first short line that
    follows, if it reads as a credit."""
    start = " ".join(last.split())[:40]
    if len(start) < 20:
        return None
    seen = 0
    found_last = False
    for node in tree.iter():
        if not isinstance(node.tag, str) or node.tag in ("script", "style", "noscript", "iframe"):
            continue
        own = " ".join(((node.text or "") + "".join(
            (c.tail or "") for c in node if isinstance(c.tag, str))).split())  # fmt: skip
        if not found_last:
            found_last = start in " ".join(node.text_content().split()) and len(node.text_content()) < len(last) * 3
            continue
        if not own:
            continue
        seen += 1
        if seen > 6 or len(own) > 80:
            return None
        credit = newsrules.credit(own)
        if credit is not None and credit.author:
            return credit
    return None


_FORUM = re.compile(r"vbulletin|phpbb|xenforo|postbit|\bvb_", re.IGNORECASE)


def _printed_date(tree: etree._Element, title: str, url: str, html_text: str, project: Project) -> datetime | None:
    """The publication date as the page prints it near the headline (pages without metadata)."""
    shown = tree.find("body")
    said = (shown if shown is not None else tree).xpath(".//text()[not(ancestor::script or ancestor::style or ancestor::noscript)]")
    page = " ".join("".join(said).split())
    at = page.find(title[:40]) if title else -1
    years = re.findall(r"(?<!\d)(?:19|20)\d{2}(?!\d)", url) or re.findall(r"/(?:19|20)\d{2}(?!\d)", page)
    year = int(years[0].lstrip("/")) if years else None
    month_first = bool(_FORUM.search(html_text[:200_000]))
    return newsrules.page_date(page, project.config.tz, near=max(at, 0), year=year, month_first=month_first)


def _extraction(html_text: str, *, precise: bool) -> Any:
    """trafilatura's reading of a page: its body as XML, and its metadata."""
    import logging

    from trafilatura import bare_extraction

    # Its notes on the page's markup ("empty link: ...") are not the editor's business.
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    logging.getLogger("readability").setLevel(logging.ERROR)

    return bare_extraction(
        html_text, include_images=True, include_tables=True, include_formatting=True, include_links=True,
        with_metadata=True, favor_precision=precise, favor_recall=not precise,
    )  # fmt: skip


def _readability(html_text: str) -> Any:
    """readability-lxml's reading of a page (the block most like an article), given to
    trafilatura to be turned into the same XML body."""
    from readability import Document

    try:
        summary = Document(html_text).summary(html_partial=True)
    except Exception:  # noqa: BLE001 - any page it cannot read is one it does not rescue
        return None
    return _extraction(f"<html><body><article>{summary}</article></body></html>", precise=False)


# Under this, an import is reported with what to look at, and the article keeps the list until
# an editor has looked (its `review` field, which `check` reports).
LOW_CONFIDENCE = 0.8

def extract(html_text: str, *, path: Path, project: Project) -> dict[str, Any]:
    """Everything we take from a saved page: fields, Markdown blocks, their plain texts, images."""
    # A NUL is no character of a page's text: the parsers would turn it into U+FFFD ("�").
    html_text = html_text.replace("\x00", "")
    try:
        tree = lxml_html.fromstring(html_text)
    except (etree.ParserError, ValueError) as exc:
        raise ImportSourceError(_("is not a readable HTML page: {reason}").format(reason=exc), path=path) from None
    ld = _json_ld(tree)
    document = _extraction(html_text, precise=True)
    page_title = unescape(tree.findtext(".//title") or "")
    site = _meta(tree, "og:site_name", "application-name")
    title = _headline(tree, ld, document, page_title, site)
    if not title:
        raise ImportSourceError(_("has no title (no headline, og:title or <title>)"), path=path, field="title")
    ignored: list[str] = []
    url = _meta(tree, "og:url") or "".join(tree.xpath('//link[@rel="canonical"]/@href')[:1])
    written = str(ld.get("datePublished") or "")
    moment = _moment(written, project, ignored)
    if moment is None:
        written = _meta(tree, "article:published_time", "pubdate", "datePublished", "date")
        moment = _moment(written, project, ignored)
    dated_by = "metadata" if moment else "page"
    printed = _printed_date(tree, title, url, html_text, project)
    offset = re.search(r"([+-]\d{2}):?(\d{2})$", written.strip())
    if moment and printed and offset and printed.utcoffset() != timedelta(hours=int(offset[1]), minutes=int(offset[2])):
        hours, rest = divmod(abs((printed - moment).total_seconds()) + 90, 3600)
        wrong = 1 <= hours <= 3 and rest <= 180  # whole hours apart, to the minute the page prints
        if wrong:
            moment = printed  # the metadata's time zone is wrong (17:08 written "+08:00"): the page's is right
    if moment and printed and (moment.hour, moment.minute) == (0, 0) and moment.date() == printed.date():
        moment = printed  # the metadata gives the day only; the page prints the time too
    moment = moment or printed
    if moment is None:
        moment, dated_by = _moment(str(getattr(document, "date", "") or ""), project, ignored), "guess"
    lead = printed_lead(tree, newsrules.lead(unescape(ld.get("description")) or _meta(tree, "og:description", "description")))
    if newsrules.bare(lead).startswith(newsrules.bare(title)) or newsrules.looks_like_label(lead):
        lead = ""  # the headline again, or the site's motto
    authors = [n for n in _person_names(ld.get("author")) if newsrules.author_metadata(n, site)]
    if not authors:
        named = newsrules.author_metadata(_meta(tree, "article:author", "author"), site)
        authors = [named] if named else []
    section = unescape(ld.get("articleSection") if isinstance(ld.get("articleSection"), str) else "")
    section = section or _meta(tree, "article:section")
    keywords = _meta(tree, "news_keywords", "keywords")
    tags = tuple(dict.fromkeys(t.strip() for t in keywords.split(",") if t.strip()))[:8] if keywords else ()

    captions, pictures = _captions(tree), picture_captions(tree)

    def walked(found: Any) -> Body:
        body = Body(title=title, lead=lead, captions=captions, folder=path.parent, slug=text.slugify(title, max_length=40),
                    pictures=pictures)
        if found is not None and found.body is not None:
            body.walk(found.body)
        return body

    body, extractor = walked(document), "trafilatura"
    if poor(body, lead):
        # trafilatura, set for precision, found little or a box of comments: ask it again for
        # recall, then readability-lxml (another reading of the page); keep the best text.
        for name, again in (("trafilatura-recall", lambda: _extraction(html_text, precise=False)), ("readability", lambda: _readability(html_text))):
            other = walked(again())
            if words(other) > words(body) * 1.2 and not comments(other):
                body, extractor = other, name
            if not poor(body, lead):
                break
    body.drop_datelines(project.config.tz)
    if not lead:
        lead = body.take_lead()
    marked, said = _credit_marked(tree)
    if marked is not None and body.texts and body.texts[-1].strip(" *_") and body.texts[-1].strip(" *_") in said:
        del body.blocks[-1], body.texts[-1]  # the credit's name, kept without its "Theo"
    closing = body.take_credit() or (_credit_after(tree, body.texts[-1]) if body.texts else None)
    source = None
    if closing is not None:
        source = closing.source
        if closing.author:
            authors = [closing.author]  # the byline as printed, over the metadata
    elif marked is not None:
        # A credit in the page's own byline element: its source, and its author where the
        # metadata names none (the element often runs several names together).
        source = marked.source
        authors = authors or ([marked.author] if marked.author else [])
    return {
        "title": title,
        "date": moment,
        "lead": lead,
        "author": ", ".join(authors) or None,
        "source": source,
        "section": section.split(",")[0].strip() if section else None,
        "tags": tags,
        "source_url": url if url.startswith(("http://", "https://")) else None,
        "blocks": body.blocks,
        "texts": body.texts,
        "images": body.images,
        "notes": body.notes,
        "warnings": body.warnings,
        "ignored_dates": list(dict.fromkeys(ignored)),
        "extractor": extractor,
        "dated_by": dated_by,
    }


def draft(data: bytes, *, path: Path, project: Project, options: ImportOptions) -> Draft:
    """A draft article from a saved HTML page."""
    html_text, legacy = charsets.from_legacy_fonts(_decode(data, path))
    found = extract(html_text, path=path, project=project)
    moment = parse_date(options.date, project.config.tz) if options.date else found["date"]
    ignored = found["ignored_dates"]
    if moment is None:
        raise ImportSourceError(
            _("has no publication date in its metadata") + "".join(f"; {i}" for i in ignored), path=path,
            field="date", hint=_("give it with --date YYYY-MM-DD"),
        )  # fmt: skip
    if not found["blocks"]:
        raise ImportSourceError(
            _("has no article text that could be found"), path=path, hint=_("is it an article page?")
        )
    fields = {
        "title": found["title"],
        "date": moment,
        "section": options.section or found["section"] or project.config.edition.default_section,
        "author": found["author"],
        "source": found["source"],
        "lead": found["lead"] or None,
        "tags": found["tags"],
        "source_url": found["source_url"],
    }
    if options.date:
        instead = _("used --date {date} instead").format(date=options.date)
    else:
        instead = _("used {date} instead").format(date=moment.isoformat())
    warnings = (*found["warnings"], *(f"{i}; {instead}" for i in ignored))
    confidence, review = _confidence(found, fields, options)
    review = review if confidence < LOW_CONFIDENCE else ()  # a low one is said, and kept in the article
    if review:
        fields["review"] = review
    return Draft(
        fields=fields, body="\n\n".join(found["blocks"]), notes=(*([_("detected encoding: {encoding}").format(encoding=legacy)] if legacy else []), *found["notes"]),
        images=tuple(found["images"]),
        warnings=warnings, confidence=confidence, review=review, encoding=legacy,
    )  # fmt: skip


def _confidence(found: dict[str, Any], fields: dict[str, Any], options: ImportOptions) -> tuple[float, tuple[str, ...]]:
    """How sure the import is that it read the page as a person would, and what a person should
    look at: each doubt costs its weight."""
    doubts: list[tuple[float, str]] = []
    words = sum(len(t.split()) for t in found["texts"])
    lead_words = len((fields.get("lead") or "").split())
    if not fields.get("author") and not fields.get("source"):
        doubts.append((0.15, _("author not found")))
    if words < lead_words:
        doubts.append((0.3, _("body shorter than the lead")))
    elif words < 80:
        doubts.append((0.3, _("body only {count} words long").format(count=words)))
    if not options.date and found["dated_by"] == "page":
        doubts.append((0.1, _("date read from the page's text (no date in its metadata)")))
    elif not options.date and found["dated_by"] == "guess":
        doubts.append((0.3, _("date guessed (none in the metadata or beside the headline)")))
    if found["extractor"] != "trafilatura" or not found["blocks"]:
        doubts.append((0.1, _("text found by a second reading of the page: compare with the original")))
    confidence = max(0.0, 1.0 - sum(weight for weight, _said in doubts))
    return round(confidence, 2), tuple(said for _weight, said in doubts)
