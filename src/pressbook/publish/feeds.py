"""The site's catalogues for reading apps and search engines: an OPDS 1.2 catalogue (Atom: a
navigation feed by year, an acquisition feed per year whose entries carry the cover, a summary and
the EPUB and PDF), an OPDS 2.0 JSON feed, an Atom feed of new editions and a sitemap. Addresses are
relative to the feed, so the site works from any host and from its files; with a base URL they
are absolute where the formats want them (the sitemap, the feeds' self links)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from lxml import etree

from ..config import Project

if TYPE_CHECKING:
    from .site import Edition

ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/terms/"
OPDS = "http://opds-spec.org/2010/catalog"
NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
MEDIA = {".epub": "application/epub+zip", ".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


def _when(moment: datetime | None) -> str:
    return (moment or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _href(out: Path, target: Path, feed_folder: str) -> str:
    """`target` (in the site) as an address relative to a feed in `feed_folder`."""
    rel = target.relative_to(out).as_posix()
    return ("../" * feed_folder.count("/") if feed_folder else "") + quote(rel)


def _feed(project: Project, title: str, ident: str, updated: datetime | None, self_href: str, kind: str) -> etree._Element:
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM, "dc": DC, "opds": OPDS})
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", project.config.publication.language)
    etree.SubElement(feed, f"{{{ATOM}}}id").text = ident
    etree.SubElement(feed, f"{{{ATOM}}}title").text = title
    etree.SubElement(feed, f"{{{ATOM}}}updated").text = _when(updated)
    author = etree.SubElement(feed, f"{{{ATOM}}}author")
    etree.SubElement(author, f"{{{ATOM}}}name").text = project.config.publication.publisher
    _link(feed, "self", self_href, kind)
    return feed


def _link(parent: etree._Element, rel: str, href: str, kind: str, title: str | None = None) -> None:
    link = etree.SubElement(parent, f"{{{ATOM}}}link", rel=rel, href=href, type=kind)
    if title:
        link.set("title", title)


def _bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _urn(project: Project, *parts: str) -> str:
    name = quote(project.config.publication.name.encode("utf-8"), safe="")
    return "urn:pressbook:" + ":".join([name, *parts])


def opds_root(project: Project, editions: list[Edition], out: Path) -> bytes:
    """The navigation feed: one entry per year, leading to that year's acquisition feed."""
    years = sorted({e.year for e in editions}, reverse=True)
    updated = max((e.updated for e in editions if e.updated), default=None)
    feed = _feed(project, project.config.publication.name, _urn(project, "catalog"), updated, "root.xml", NAVIGATION)
    _link(feed, "start", "root.xml", NAVIGATION)
    _link(feed, "alternate", "../index.html", "text/html")
    for year in years:
        entry = etree.SubElement(feed, f"{{{ATOM}}}entry")
        etree.SubElement(entry, f"{{{ATOM}}}title").text = year
        etree.SubElement(entry, f"{{{ATOM}}}id").text = _urn(project, "year", year)
        etree.SubElement(entry, f"{{{ATOM}}}updated").text = _when(max((e.updated for e in editions if e.year == year and e.updated), default=None))
        count = sum(1 for e in editions if e.year == year)
        etree.SubElement(entry, f"{{{ATOM}}}content", type="text").text = f"{count} × EPUB, PDF"
        _link(entry, "subsection", f"{year}.xml", ACQUISITION)
    return _bytes(feed)


def opds_year(project: Project, year: str, editions: list[Edition], out: Path) -> bytes:
    """The acquisition feed of a year: each edition with its cover, summary, EPUB and PDF."""
    chosen = [e for e in editions if e.year == year]
    updated = max((e.updated for e in chosen if e.updated), default=None)
    feed = _feed(project, f"{project.config.publication.name} · {year}", _urn(project, "year", year), updated, f"{year}.xml", ACQUISITION)
    _link(feed, "start", "root.xml", NAVIGATION)
    _link(feed, "up", "root.xml", NAVIGATION)
    for edition in chosen:
        entry = etree.SubElement(feed, f"{{{ATOM}}}entry")
        etree.SubElement(entry, f"{{{ATOM}}}title").text = edition.title
        etree.SubElement(entry, f"{{{ATOM}}}id").text = _urn(project, "edition", edition.issue)
        etree.SubElement(entry, f"{{{ATOM}}}updated").text = _when(edition.updated)
        author = etree.SubElement(entry, f"{{{ATOM}}}author")
        etree.SubElement(author, f"{{{ATOM}}}name").text = project.config.publication.publisher
        etree.SubElement(entry, f"{{{DC}}}language").text = project.config.publication.language
        etree.SubElement(entry, f"{{{DC}}}issued").text = edition.issue
        etree.SubElement(entry, f"{{{ATOM}}}summary", type="text").text = edition.summary
        if edition.cover is not None:
            kind = MEDIA.get(edition.cover.suffix, "image/png")
            _link(entry, "http://opds-spec.org/image", _href(out, edition.cover, "opds/"), kind)
            _link(entry, "http://opds-spec.org/image/thumbnail", _href(out, edition.cover, "opds/"), kind)
        for path in (edition.epub, edition.pdf):
            if path is not None:
                _link(entry, "http://opds-spec.org/acquisition", _href(out, path, "opds/"), MEDIA[path.suffix], path.suffix[1:].upper())
        _link(entry, "alternate", _href(out, out / "editions" / edition.issue / "index.html", "opds/"), "text/html")
    return _bytes(feed)


def opds2(project: Project, editions: list[Edition], out: Path) -> bytes:
    """The OPDS 2.0 feed (JSON): the same editions as publications."""
    publications = []
    for edition in editions:
        links = [
            {"rel": "http://opds-spec.org/acquisition/open-access", "href": _href(out, path, "opds/"), "type": MEDIA[path.suffix]}
            for path in (edition.epub, edition.pdf)
            if path is not None
        ]
        images = [{"href": _href(out, edition.cover, "opds/"), "type": MEDIA.get(edition.cover.suffix, "image/png")}] if edition.cover else []
        publications.append({
            "metadata": {
                "@type": "http://schema.org/Periodical", "identifier": _urn(project, "edition", edition.issue),
                "title": edition.title, "language": project.config.publication.language,
                "publisher": project.config.publication.publisher, "published": edition.issue,
                "modified": _when(edition.updated), "description": edition.summary,
            },
            "links": links,
            "images": images,
        })  # fmt: skip
    feed = {
        "metadata": {"title": project.config.publication.name, "numberOfItems": len(publications)},
        "links": [{"rel": "self", "href": "catalog.json", "type": "application/opds+json"}],
        "publications": publications,
    }
    return json.dumps(feed, ensure_ascii=False, indent=2).encode("utf-8")


def atom_new(project: Project, editions: list[Edition], out: Path, base: str | None) -> bytes:
    """An Atom feed of the newest editions, for feed readers."""
    updated = max((e.updated for e in editions if e.updated), default=None)
    feed = _feed(project, project.config.publication.name, _urn(project, "new"), updated, "feed.xml", "application/atom+xml")
    _link(feed, "alternate", "index.html", "text/html")
    for edition in editions[:20]:
        entry = etree.SubElement(feed, f"{{{ATOM}}}entry")
        etree.SubElement(entry, f"{{{ATOM}}}title").text = edition.title
        etree.SubElement(entry, f"{{{ATOM}}}id").text = _urn(project, "edition", edition.issue)
        etree.SubElement(entry, f"{{{ATOM}}}updated").text = _when(edition.updated)
        etree.SubElement(entry, f"{{{ATOM}}}summary", type="text").text = edition.summary
        page = _href(out, out / "editions" / edition.issue / "index.html", "")
        _link(entry, "alternate", (base or "") + page, "text/html")
    return _bytes(feed)


def sitemap(editions: list[Edition], out: Path, base: str) -> bytes:
    """The site's pages for search engines (a sitemap wants whole addresses: only with a base URL)."""
    urlset = etree.Element("{http://www.sitemaps.org/schemas/sitemap/0.9}urlset", nsmap={None: "http://www.sitemaps.org/schemas/sitemap/0.9"})
    pages = [out / "index.html"]
    for edition in editions:
        pages.append(out / "editions" / edition.issue / "index.html")
        folder = out / "articles" / edition.issue.replace("-", "/")
        pages += [folder / f"{a.slug}.html" for a in edition.articles]
    for page in pages:
        url = etree.SubElement(urlset, "{http://www.sitemaps.org/schemas/sitemap/0.9}url")
        etree.SubElement(url, "{http://www.sitemaps.org/schemas/sitemap/0.9}loc").text = base + _href(out, page, "")
    return _bytes(urlset)


def all_feeds(project: Project, editions: list[Edition], out: Path, base: str | None) -> dict[str, bytes]:
    """Every catalogue and feed of the site, by its path in the site."""
    feeds = {"opds/root.xml": opds_root(project, editions, out), "opds/catalog.json": opds2(project, editions, out),
             "feed.xml": atom_new(project, editions, out, base)}  # fmt: skip
    for year in dict.fromkeys(edition.year for edition in editions):
        feeds[f"opds/{year}.xml"] = opds_year(project, year, editions, out)
    if base:
        feeds["sitemap.xml"] = sitemap(editions, out, base)
    return feeds
