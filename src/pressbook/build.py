"""The recipe: project, articles, edition, HTML, outputs. Each step lives in its own module."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from . import layouts, text
from .cache import (
    Cache,
    file_digest,
    html_key,
    project_cache,
    tool_versions,
    tree_fingerprint,
)
from .config import Project
from .errors import ArticleError, Problem, UsageError
from .files import remove_stale_parts, write_atomic

if TYPE_CHECKING:
    from .articles import Article
    from .edition import Edition
    from .pool import Progress, Renderer

# The stages below (articles, rendering, WeasyPrint, ebooklib) are imported where they are used,
# so that a build with nothing to do answers "up to date" without loading them.

FORMATS = ("pdf", "epub", "html")
# WeasyPrint's PDF variants that pressbook passes through (archival, accessible, print).
PDF_VARIANTS = (
    "pdf/a-1b", "pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u", "pdf/a-4u", "pdf/ua-1", "pdf/ua-2", "pdf/x-4",
)  # fmt: skip
DEFAULT_FORMATS = ("pdf", "epub")


@dataclass(frozen=True)
class Selected:
    """An edition and the problems met while reading the articles it was chosen from."""

    edition: Edition
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class Output:
    """A file written by a build."""

    path: Path
    format: str
    size: int
    pages: int | None = None


@dataclass(frozen=True)
class Built:
    """What a build wrote, the warnings met on the way, and what it cost."""

    edition: Edition | None
    outputs: tuple[Output, ...]
    warnings: tuple[Problem, ...]
    timings: tuple[tuple[str, float], ...] = ()
    rendered: int = 0  # documents WeasyPrint rendered
    reused: int = 0  # rendered documents found in the cache
    up_to_date: bool = False  # nothing had changed since the same build; nothing was done


def load_edition(
    project: Project,
    issue: str | None,
    *,
    sections: Sequence[str] = (),
    tags: Sequence[str] = (),
    skip_invalid: bool = False,
) -> Selected:
    """Read the project's articles and select one issue; broken articles stop it unless skipped."""
    from .articles import load_articles
    from .edition import load_manifest, parse_issue, select

    period = parse_issue(issue)
    loaded = load_articles(project.articles_dir, project.config.tz)
    if loaded.problems and not skip_invalid:
        raise ArticleError(problems=loaded.problems)
    manifest = load_manifest(project.issues_dir, period)
    edition = select(loaded.articles, project.config, period, sections=sections, tags=tags, manifest=manifest)
    return Selected(edition, loaded.problems)


def parse_formats(value: str | Sequence[str]) -> tuple[str, ...]:
    """'pdf,epub' -> ('pdf', 'epub'), refusing unknown formats."""
    items = value.split(",") if isinstance(value, str) else list(value)
    formats = tuple(dict.fromkeys(f.strip().lower() for f in items if f.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UsageError(f"unknown format '{','.join(unknown) or value}'", field="format", hint=f"choose from {', '.join(FORMATS)}")
    return formats


def output_stem(project: Project, edition_id: str) -> str:
    """'bao-son-nguyen-2017-01': the file name of an edition's outputs."""
    return f"{text.slugify(project.config.publication.name)}-{edition_id}"


def _write_pdf(document, target: Path) -> tuple[Output, list[Problem]]:
    from . import chunks, pdf  # WeasyPrint is slow to import; only PDF builds need it

    identifier = html_key("pdf", document.html, document.readable)[:32].encode()
    result = pdf.render_pdf(document.html, base_url=document.base_url, readable=document.readable, identifier=identifier)
    write_atomic(target, result.data)
    return Output(target, "pdf", len(result.data), result.pages), chunks.renderer_warnings([result])


def build(
    project: Project,
    issue: str | None,
    *,
    formats: Sequence[str] = DEFAULT_FORMATS,
    layout: str | None = None,
    out_dir: Path | None = None,
    sections: Sequence[str] = (),
    tags: Sequence[str] = (),
    skip_invalid: bool = False,
    jobs: int | None = None,
    use_cache: bool = True,
    progress: Progress | None = None,
    pdf_variant: str | None = None,
    impose: str | None = None,
    signature: int | None = None,
    marks: str | None = None,
    bleed: str | None = None,
    grayscale: bool = False,
) -> Built:
    """Build one edition in the given formats; nothing is written if any article is broken.

    `impose` ("booklet" or "2up") also writes the PDF imposed on sheets for printing; `marks`,
    `bleed` and `grayscale` prepare it for a print shop or a black-and-white printer."""
    if impose is not None:  # checked before anything is rendered
        from .impose import check_mode

        check_mode(impose)
    if pdf_variant is not None and pdf_variant not in PDF_VARIANTS:
        raise UsageError(
            f"unknown PDF variant '{pdf_variant}'", field="pdf-variant", hint="choose from " + ", ".join(PDF_VARIANTS)
        )
    clock = _Clock()
    if progress:
        progress("load", 0, 1)
    chosen = layouts.for_printing(layouts.load_layout(project, layout), marks, bleed, grayscale)
    cache = project_cache(project.root, use_cache)
    fingerprint = tree_fingerprint(
        [project.config_path, project.articles_dir, project.issues_dir, project.layouts_dir, project.fonts_dir,
         Path(__file__).parent],
        {"issue": issue, "formats": sorted(formats), "layout": chosen.name, "out": out_dir, "sections": sorted(sections),
         "tags": sorted(tags), "skip_invalid": skip_invalid, "epoch": os.environ.get("SOURCE_DATE_EPOCH"),
         "variant": pdf_variant, "impose": impose, "signature": signature, "style": dict(chosen.style),
         "tools": tool_versions()},
    )  # fmt: skip
    done = _up_to_date(cache, fingerprint)
    if done is not None:
        clock.lap("check")
        return Built(None, done[0], done[1], tuple(clock.laps), up_to_date=True)
    renderer = None
    if "pdf" in formats:
        from .pool import start_renderer

        renderer = start_renderer(cache, jobs, progress)
    try:
        result = _build(
            project, issue, formats, chosen, out_dir=out_dir, sections=sections, tags=tags, skip_invalid=skip_invalid,
            renderer=renderer, progress=progress, clock=clock, pdf_variant=pdf_variant, impose=impose,
            signature=signature, cache=cache,
        )
    except BaseException:
        if renderer is not None:
            renderer.close(interrupted=True)
        raise
    if renderer is not None:
        renderer.close()
    cache.remember(
        f"build-{fingerprint}",
        {
            "outputs": [[str(o.path), o.format, o.size, o.pages, file_digest(o.path)] for o in result.outputs],
            "warnings": [w.format() for w in result.warnings],
        },
    )
    return result


def _up_to_date(cache, fingerprint: str) -> tuple[tuple[Output, ...], tuple[Problem, ...]] | None:
    """The outputs of an identical earlier build, if they are still there untouched."""
    record = cache.recall(f"build-{fingerprint}")
    if record is None:
        return None
    outputs = []
    for path, kind, size, pages, digest in record["outputs"]:
        target = Path(path)
        if not target.is_file() or file_digest(target) != digest:
            return None
        outputs.append(Output(target, kind, size, pages))
    warnings = tuple(Problem(w, severity="warning") for w in record["warnings"])
    return tuple(outputs), warnings


def _build(
    project: Project,
    issue: str | None,
    formats: Sequence[str],
    chosen: layouts.Layout,
    *,
    out_dir: Path | None,
    sections: Sequence[str],
    tags: Sequence[str],
    skip_invalid: bool,
    renderer: Renderer | None,
    progress: Progress | None,
    clock: _Clock,
    pdf_variant: str | None,
    impose: str | None,
    signature: int | None,
    cache: Cache,
) -> Built:
    from . import fonts as fontlib

    selected = load_edition(project, issue, sections=sections, tags=tags, skip_invalid=skip_invalid)
    edition = selected.edition
    fonts = fontlib.load_fonts(project.fonts_dir)
    folder = out_dir or project.build_dir / edition.id
    remove_stale_parts(folder)
    stem = output_stem(project, edition.id)
    warnings = list(selected.problems)
    outputs = []
    rendered = reused = 0
    if progress:
        progress("load", 1, 1)
    clock.lap("load")
    # Each format imports what it needs (the PDF joiner's pikepdf is not wanted for an e-book).
    if "html" in formats:
        from . import bundle, render

        document = render.edition_document(project, edition, chosen, fonts)
        warnings += document.warnings
        target = folder / f"{stem}.html"
        outputs.append(Output(target, "html", bundle.export(document, target)))
        clock.lap("html")
    if "pdf" in formats:
        from . import chunks

        result = chunks.build_pdf(project, edition, chosen, fonts, renderer=renderer, variant=pdf_variant)
        warnings += [w for w in result.warnings if w not in warnings]
        target = folder / f"{stem}.pdf"
        write_atomic(target, result.data)
        outputs.append(Output(target, "pdf", len(result.data), result.pages))
        rendered, reused = result.rendered, result.reused
        clock.lap("pdf")
        if impose:
            from . import impose as imposition

            sheets = imposition.impose(result.data, impose, signature)
            target = folder / f"{stem}-{impose}.pdf"
            write_atomic(target, sheets)
            outputs.append(Output(target, f"pdf-{impose}", len(sheets), None))
            clock.lap("impose")
    if "epub" in formats:
        if progress:
            progress("epub", 0, 1)
        from . import ebook

        book, more = ebook.build_ebook(
            project, edition, fonts, subset_fonts=project.config.epub.subset_fonts, cache=cache
        )
        warnings += [w for w in more if w not in warnings]
        from . import epub

        data = epub.pack(book)
        target = folder / f"{stem}.epub"
        write_atomic(target, data)
        outputs.append(Output(target, "epub", len(data)))
        if progress:
            progress("epub", 1, 1)
        clock.lap("epub")
    return Built(edition, tuple(outputs), tuple(warnings), tuple(clock.laps), rendered, reused)


class _Clock:
    """Wall time per stage."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.laps: list[tuple[str, float]] = []

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps.append((name, now - self.start))
        self.start = now


def print_articles(
    project: Project,
    paths: Sequence[Path],
    *,
    out: Path | None = None,
    combine: bool = False,
    layout: str = "article",
    printed: date | None = None,
    marks: str | None = None,
    bleed: str | None = None,
    grayscale: bool = False,
) -> Built:
    """The website's print button done properly: one PDF per article, or one for all with `combine`."""
    from . import fonts as fontlib
    from . import render
    from .articles import read_article

    if len(paths) > 1 and out is not None and out.suffix.lower() == ".pdf" and not combine:
        raise UsageError("--out names one file but several articles were given", hint="add --combine, or give a folder")
    articles: list[Article] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            articles.append(read_article(path, project.config.tz))
        except ArticleError as exc:
            problems.extend(exc.problems)
    if not combine:
        # One PDF per article, named after it: two articles of the same name would overwrite each other.
        first: dict[str, Path] = {}
        for article in articles:
            if first.setdefault(article.slug, article.path) != article.path:
                problems.append(
                    Problem(
                        f"would print to the same file as {first[article.slug]} ({article.slug}.pdf)",
                        path=article.path,
                        hint="print them one at a time with --out, or add --combine",
                    )
                )
    if problems:
        raise ArticleError(problems=problems)
    chosen = layouts.for_printing(layouts.load_layout(project, layout), marks, bleed, grayscale)
    fonts = fontlib.load_fonts(project.fonts_dir)
    day = printed or render.release_moment(date.today(), project).date()
    groups = [articles] if combine else [[a] for a in articles]
    outputs, warnings = [], []
    for group in groups:
        if out is not None and (combine or len(articles) == 1) and out.suffix.lower() == ".pdf":
            target = out
        else:
            folder = out or project.build_dir / "print"
            target = folder / (f"{group[0].slug}.pdf" if len(group) == 1 else "bai-viet.pdf")
        document = render.articles_document(project, group, chosen, fonts, day)
        warnings += document.warnings
        output, more = _write_pdf(document, target)
        outputs.append(output)
        warnings += more
    return Built(None, tuple(outputs), tuple(warnings))
