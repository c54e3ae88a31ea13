"""What the server shows of an article: the print layout's HTML for the screen (its files served
from the project through the server, never by file address), and its print PDF, made by a
rendering worker that keeps WeasyPrint imported between requests."""

from __future__ import annotations

import concurrent.futures
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from ..articles import Article, read_article
from ..config import Project, load_project
from ..errors import PressbookError, Problem
from ..html.kit import Kit, make_kit

# What the screen shows that paper does not need: a page's width, a margin, a grey desk around it.
SCREEN_CSS = """
@media screen {
  html { background: #e9e6df; }
  body { background: #fff; max-width: 46rem; margin: 1rem auto; padding: 2rem 2.5rem;
         box-shadow: 0 1px 4px rgba(0,0,0,.25); columns: auto !important; }
  img { max-width: 100%; height: auto; }
}
"""


@dataclass(frozen=True)
class Preview:
    """An article as its print layout sets it, for the screen."""

    html: str
    readable: tuple[Path, ...]  # the folders its files are served from, by index (/r/<n>/...)
    warnings: tuple[Problem, ...]


@lru_cache(maxsize=8)
def _kit(root: Path, layout: str, stamp: tuple[int, ...]) -> Kit:
    """The kit for a layout, made again when the config, layouts or fonts change (`stamp`)."""
    return make_kit(load_project(root), layout)


def _stamp(project: Project) -> tuple[int, ...]:
    stamps = []
    for folder in (project.config_path, project.layouts_dir, project.fonts_dir):
        try:
            stamps.append(folder.stat().st_mtime_ns)
            if folder.is_dir():
                stamps += [p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()]
        except OSError:
            stamps.append(0)
    return tuple(stamps)


def kit_for(project: Project, layout: str) -> Kit:
    return _kit(project.root, layout, _stamp(project))


def preview(project: Project, article: Article, layout: str = "article") -> Preview:
    """The article's print HTML for a browser: file addresses become the server's (/r/<n>/...)."""
    from ..pdf import documents

    kit = kit_for(project, layout)
    document = documents.articles_document(kit, [article], date.today())
    readable = tuple(kit.readable)
    html = _served(document.html, readable)
    html = html.replace("</style>", SCREEN_CSS + "</style>", 1)
    return Preview(html, readable, document.warnings)


_FILE_URL = re.compile(r"file://(/[^\s\"')<>]*)")


def _served(html: str, readable: tuple[Path, ...]) -> str:
    """Every file address in `html` as the server's address of that file, when it lies in one
    of the readable folders; any other file address is left out."""
    from urllib.parse import quote, unquote

    def served(match: re.Match[str]) -> str:
        path = Path(unquote(match.group(1)))
        for index, folder in enumerate(readable):
            try:
                inner = path.relative_to(folder)
            except ValueError:
                continue
            return f"/r/{index}/{quote(inner.as_posix())}"
        return "about:blank"

    return _FILE_URL.sub(served, html)


# --- the print PDF, in a warm worker -----------------------------------------------------------


def _warm() -> None:
    """Import what rendering needs once, when the worker starts."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from ..pdf import documents, weasy  # noqa: F401 - imported for their import time

    # A first small render loads fonts and WeasyPrint's own caches.
    weasy.render_pdf("<p>pressbook</p>", base_url="file:///", readable=())


def article_pdf(root: str, article_path: str, layout: str = "article") -> bytes:
    """The article's print PDF (what `pressbook print` makes), in the worker."""
    from ..pdf import documents, weasy

    project = load_project(Path(root))
    article = read_article(Path(article_path), project.config.tz)
    kit = kit_for(project, layout)
    document = documents.articles_document(kit, [article], date.today())
    return weasy.render_pdf(document.html, base_url=document.base_url, readable=document.readable).data


class Printer:
    """A rendering worker with WeasyPrint already imported, and the PDFs it made, kept until the
    article (or the layout, the config, a picture) changes."""

    def __init__(self) -> None:
        from ..pdf.pool import worker_context

        self.pool = concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=worker_context(), initializer=_warm)
        self.pool.submit(int, 0)  # start it now: the first print is then warm too
        self.made: dict[tuple[str, str], tuple[tuple[int, int], bytes]] = {}

    def pdf(self, project: Project, path: Path, layout: str = "article") -> bytes:
        """The article's PDF: from memory when its file has not changed since."""
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        key = (str(path), layout)
        kept = self.made.get(key)
        if kept is not None and kept[0] == stamp:
            return kept[1]
        data = self.pool.submit(article_pdf, str(project.root), str(path), layout).result()
        self.made[key] = (stamp, data)
        return data

    def forget(self) -> None:
        """Something the PDFs depend on besides the article changed: make them again."""
        self.made.clear()

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


def article_problems(project: Project, path: Path) -> tuple[Article | None, list[Problem]]:
    """The article, and what `check` says of it (its error, when it cannot be read)."""
    from ..check import picture_problems, text_findings
    from ..edition import section_problems
    from ..images import policy

    try:
        article = read_article(path, project.config.tz)
    except PressbookError as exc:
        return None, list(exc.problems)
    try:
        source = path.read_text(encoding="utf-8")
    except OSError:
        source = ""
    problems = text_findings(source, path, project.config.text.tone_style)
    problems += section_problems([article], project.config)
    problems += picture_problems(article, policy(project))
    return article, problems
