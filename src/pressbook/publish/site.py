"""`pressbook site`: every edition of the newsroom as a static website readers can open anywhere
(any static host, or the files themselves): editions by year with their covers, each edition's
contents and downloads, one page per article with its "In bài viết" PDF, an OPDS 1.2 catalogue and
an OPDS 2.0 feed for reading apps, an Atom feed of new editions and a sitemap.

Incremental: the editions are built by `build` (which rebuilds only what changed), article PDFs
are printed again only when their article is newer, and no file is written whose bytes did not
change."""

from __future__ import annotations

import hashlib
import re
import shutil
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from .. import build as builder
from ..articles import Article, load_articles
from ..config import Project
from ..errors import Problem
from ..files import write_atomic
from ..html import layouts
from ..html.kit import Kit, make_kit
from ..html.views import article_view
from ..options import BuildOptions, PrintOptions
from . import feeds

Progress = Any  # a callable (stage, done, total), as `build` takes


@dataclass
class Edition:
    """One monthly edition as the site shows it."""

    issue: str
    title: str
    year: str
    articles: list[Article]
    sections: list[tuple[str, list[Article]]]
    pdf: Path | None = None  # in the site
    epub: Path | None = None
    cover: Path | None = None
    summary: str = ""
    updated: datetime | None = None


@dataclass
class Site:
    """What `site` wrote: the folder, its editions, and what it had to say."""

    out: Path
    editions: list[Edition]
    written: int = 0  # files written (changed)
    kept: int = 0  # files already as they should be
    warnings: list[Problem] = field(default_factory=list)


def _write(site: Site, path: Path, data: bytes | str) -> None:
    """Write `path` only when its bytes change (a site re-published touches nothing else)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if path.is_file() and path.stat().st_size == len(raw) and path.read_bytes() == raw:
            site.kept += 1
            return
    except OSError:
        pass
    write_atomic(path, raw)
    site.written += 1


def _copy(site: Site, source: Path, target: Path) -> None:
    try:
        if target.is_file() and target.stat().st_size == source.stat().st_size and target.stat().st_mtime >= source.stat().st_mtime:
            site.kept += 1
            return
    except OSError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
    site.written += 1


def _up(depth: int) -> str:
    return "../" * depth


_FILE_URL = re.compile(r"file://(/[^\s\"')<>]*)")


class _Media:
    """Pictures and fonts an article's HTML names by file address, copied into the site's media/
    folder (named by their content) and named by a relative address instead."""

    def __init__(self, site: Site, readable: tuple[Path, ...]) -> None:
        self.site, self.readable = site, readable
        self.names: dict[Path, str] = {}

    def rewrite(self, html: str, depth: int) -> str:
        def served(match: re.Match[str]) -> str:
            path = Path(unquote(match.group(1)))
            if not any(path.is_relative_to(folder) for folder in self.readable) or not path.is_file():
                return "about:blank"
            name = self.names.get(path)
            if name is None:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
                name = self.names[path] = f"{digest}{path.suffix.lower()}"
                _copy(self.site, path, self.site.out / "media" / name)
            return f"{_up(depth)}media/{name}"

        return _FILE_URL.sub(served, html)


def _editions(project: Project) -> tuple[list[Edition], list[Problem]]:
    """The monthly editions of every article that can be read, newest first."""
    from ..edition import parse_issue, select

    loaded = load_articles(project.articles_dir, project.config.tz, project.root)
    months: dict[str, list[Article]] = defaultdict(list)
    for article in loaded.articles:
        months[f"{article.date.astimezone(project.config.tz):%Y-%m}"].append(article)
    editions = []
    for issue in sorted(months, reverse=True):
        chosen = select(loaded.articles, project.config, parse_issue(issue))
        sections = [(s.name, list(s.articles)) for s in chosen.sections]
        editions.append(Edition(issue, chosen.title, issue[:4], list(chosen.articles), sections))
    return editions, list(loaded.problems)


def _cover_of(epub: Path) -> tuple[bytes, str] | None:
    """The cover picture an EPUB carries (its item with the cover-image property)."""
    try:
        with zipfile.ZipFile(epub) as book:
            container = book.read("META-INF/container.xml").decode("utf-8")
            opf_name = re.search(r'full-path="([^"]+)"', container).group(1)  # type: ignore[union-attr]
            opf = book.read(opf_name).decode("utf-8")
            item = re.search(r'<item\b[^>]*properties="[^"]*cover-image[^"]*"[^>]*>', opf)
            href = re.search(r'href="([^"]+)"', item.group(0)).group(1) if item else None  # type: ignore[union-attr]
            if href is None:
                return None
            folder = opf_name.rsplit("/", 1)[0] + "/" if "/" in opf_name else ""
            return book.read(folder + unquote(href)), Path(href).suffix.lower()
    except (OSError, KeyError, AttributeError, zipfile.BadZipFile):
        return None


def build_site(project: Project, out: Path | None = None, base_url: str | None = None, progress: Progress = None) -> Site:
    """Write the site of every edition of the newsroom into `out` (default build/site/)."""
    out = out or project.build_dir / "site"
    editions, problems = _editions(project)
    site = Site(out, editions, warnings=list(problems))
    kit = make_kit(project, "article")
    media = _Media(site, tuple(kit.readable))
    env = kit.templates
    from ..pdf.documents import style_css  # the paper's fonts and colours, for the screen too

    css = str(style_css(kit.layout.style, kit.fonts))
    page = lambda template, depth, **context: _page(env, template, project, css=layouts.css(media.rewrite(css, depth)), depth=depth, **context)  # noqa: E731
    base = (base_url.rstrip("/") + "/") if base_url else None
    total = len(editions)
    for number, edition in enumerate(editions, start=1):
        if progress:
            progress("site", number - 1, total)
        built = builder.build(project, BuildOptions(issue=edition.issue, formats=("pdf", "epub"), skip_invalid=True))
        site.warnings += [w for w in built.warnings if w.severity == "error"]
        folder = out / "editions" / edition.issue
        for output in built.outputs:
            target = folder / output.path.name
            _copy(site, output.path, target)
            if output.format == "pdf":
                edition.pdf = target
            elif output.format == "epub":
                edition.epub = target
        if edition.epub is not None:
            cover = _cover_of(edition.epub)
            if cover is not None:
                edition.cover = folder / f"cover{cover[1]}"
                _write(site, edition.cover, cover[0])
        edition.summary = "; ".join(a.title for a in edition.articles[:4])
        edition.updated = max(a.date for a in edition.articles)
        _articles(site, project, kit, media, edition, page)
        _write(site, folder / "index.html", page("site/edition.html", 2, edition=_shown(edition)))
    if progress:
        progress("site", total, total)
    years = defaultdict(list)
    for edition in editions:
        years[edition.year].append(_shown(edition))
    _write(site, out / "index.html", page("site/home.html", 0, years=sorted(years.items(), reverse=True)))
    for name, data in feeds.all_feeds(project, editions, out, base).items():
        _write(site, out / name, data)
    return site


def _articles(site: Site, project: Project, kit: Kit, media: _Media, edition: Edition, page: Any) -> None:
    """One page per article, and its print PDF (printed again only when the article is newer)."""
    folder = site.out / "articles" / edition.issue.replace("-", "/")
    stale = [a.path for a in edition.articles if _older(folder / f"{a.slug}.pdf", a.path)]
    if stale:
        printed = builder.print_articles(project, stale, PrintOptions(out=folder))
        site.warnings += [w for w in printed.warnings if w.severity == "error"]
    for article in edition.articles:
        warnings: list[Problem] = []
        view = article_view(article, kit, warnings, "end")
        body = media.rewrite(str(view.body), depth=3)
        image = media.rewrite(view.image, depth=3) if view.image else None
        site.warnings += warnings
        html = page("site/article.html", 3, article=view, body=body, image=image, edition=_shown(edition), pdf=f"{article.slug}.pdf")
        _write(site, folder / f"{article.slug}.html", html)


def _shown(edition: Edition) -> dict[str, Any]:
    """An edition as the templates see it: text and numbers only (they run in a sandbox)."""
    downloads = [
        {"href": quote(path.name), "label": path.suffix[1:].upper(), "size": f"{path.stat().st_size / 1024:.0f} KiB"}
        for path in (edition.epub, edition.pdf)
        if path is not None
    ]
    return {
        "issue": edition.issue, "title": edition.title, "year": edition.year, "cover": edition.cover.name if edition.cover else None,
        "downloads": downloads, "folder": edition.issue.replace("-", "/"),
        "sections": [(name, [{"title": a.title, "slug": a.slug} for a in articles]) for name, articles in edition.sections],
    }  # fmt: skip


def _older(target: Path, source: Path) -> bool:
    try:
        return target.stat().st_mtime < source.stat().st_mtime
    except OSError:
        return True


def _page(env: Any, template: str, project: Project, *, css: Any, depth: int, **context: Any) -> str:
    return layouts.render(env, template, {
        "pub": project.config.publication, "root": _up(depth), "fonts_css": css, "quote": quote, **context,
    })  # fmt: skip
