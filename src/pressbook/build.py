"""The recipe: options, kit, up to date?, articles, edition, outputs. Each step lives in its own module."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from . import text, uptodate
from .cache import Cache, html_key, project_cache
from .callbacks import Guard
from .config import Project
from .errors import ArticleError, EditionError, OutputError, Problem, UsageError
from .files import remove_stale_parts, write_atomic
from .interface import _
from .options import BuildOptions, PrintOptions

if TYPE_CHECKING:
    from .articles import Article
    from .pdf.preflight import Fault
    from .edition import Edition
    from .html.kit import Kit
    from .pdf.documents import PrintDocument
    from .pdf.pool import Progress, Renderer

# The stages below (articles, rendering, WeasyPrint, ebooklib) are imported where they are used,
# so that a build with nothing to do answers "up to date" without loading them.

@dataclass(frozen=True)
class Selected:
    """An edition and the problems met while reading the articles it was chosen from."""

    edition: Edition
    problems: tuple[Problem, ...]
    empty: Problem | None = None  # why it selects no article, and what to write instead


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
    preflight: tuple[Fault, ...] = ()  # what a print shop would send back of the PDF written


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
    from .edition import load_manifest, parse_issue, section_problems, select, why_empty

    period = parse_issue(issue)
    loaded = load_articles(project.articles_dir, project.config.tz, inside=project.root)
    if loaded.problems and not skip_invalid:
        raise ArticleError(problems=loaded.problems)
    manifest = load_manifest(project.issues_dir, period, inside=project.root)
    edition = select(loaded.articles, project.config, period, sections=sections, tags=tags, manifest=manifest)
    empty = None
    if not edition.articles and loaded.articles:  # (a newsroom with no article yet has nothing to say)
        empty = why_empty(loaded.articles, project.config, period, issue, sections=sections, tags=tags)
    return Selected(edition, (*loaded.problems, *section_problems(edition.articles, project.config)), empty)


def output_stem(project: Project, edition_id: str, options: BuildOptions | None = None, *, printed: bool = False) -> str:
    """'bao-son-nguyen-2017-01': the file name of an edition's outputs. What makes an output
    other than the whole edition as the project sets it is named after it, so that it never
    replaces that edition: chosen sections and tags (in every format), and for the printed
    outputs (`printed`) a layout other than the project's, a PDF variant, printer's marks or bleed,
    grey ('…-2017-01-thoi-su', '…-2017-01-newspaper', '…-2017-01-pdf-ua-1-print-shop-grey')."""
    parts = [text.slugify(project.config.publication.name), edition_id]
    if options is not None:
        parts += [text.slugify(name, 30) for name in (*options.sections, *options.tags)]
        if printed:
            if options.layout and options.layout != project.config.edition.layout:
                parts.append(text.slugify(options.layout))
            if options.pdf_variant:
                parts.append(text.slugify(options.pdf_variant))
            if options.marks or options.bleed:
                parts.append("print-shop")
            if options.grayscale:
                parts.append("grey")
    return "-".join(parts)


def build(
    project: Project, options: BuildOptions = BuildOptions(), progress: Progress | None = None, *, renderer: Renderer | None = None
) -> Built:
    """Build one edition in the asked formats; nothing is written if any article is broken.

    A build whose options, watched folders and every file the last identical build used are
    unchanged does nothing ("up to date"). A `renderer` given is shared (several editions built
    by one pool of workers, see archive.py): used, and left running."""
    shared = renderer
    from .html.kit import make_kit

    clock = _Clock()
    kit = make_kit(project, options.layout, marks=options.marks, bleed=options.bleed, grayscale=options.grayscale)
    cache = project_cache(project.root, options.use_cache)
    key = uptodate.fingerprint(project, options, kit)
    done = uptodate.recall(cache, key)
    if done is not None:
        clock.lap("check")
        return Built(None, tuple(Output(*o) for o in done[0]), done[1], tuple(clock.laps), up_to_date=True)
    if "pdf" in options.formats and renderer is None:
        from .pdf.pool import start_renderer

        # Before anything reports progress: a progress display may start a thread.
        renderer = start_renderer(cache, options.jobs, progress, cluster=options.cluster or project.config.cluster.scheduler)
    if progress:
        progress("load", 0, 1)
    try:
        # An interrupt that a library swallowed on the way still stops the build before it is
        # recorded as up to date (pressbook/callbacks.py).
        with _segmentations(cache), Guard():
            result, inputs = _build(project, kit, options, renderer=renderer, progress=progress, clock=clock, cache=cache)
    finally:
        if renderer is not None and renderer is not shared:
            renderer.close()
    uptodate.record(
        cache, key, [(o.path, o.format, o.size, o.pages) for o in result.outputs], [w.format() for w in result.warnings],
        inputs,
    )  # fmt: skip
    return result


@contextmanager
def _segmentations(cache: Cache) -> Iterator[None]:
    """Headlines' words as segmented by earlier builds, and those segmented now remembered: a
    rebuild after an edit does not load the segmenter for titles it has seen."""
    from . import words

    name = f"headline-words-{words.segmenter()}"
    memo = cache.recall(name) or {}
    words.recall(memo)
    try:
        yield
    finally:
        new = words.learned()
        if new:
            cache.remember(name, {**memo, **new})


def _build(
    project: Project,
    kit: Kit,
    options: BuildOptions,
    *,
    renderer: Renderer | None,
    progress: Progress | None,
    clock: _Clock,
    cache: Cache,
) -> tuple[Built, set[Path]]:
    selected = load_edition(project, options.issue, sections=options.sections, tags=options.tags, skip_invalid=options.skip_invalid)
    edition = selected.edition
    if selected.empty is not None:
        raise EditionError(problems=[selected.empty])
    folder = options.out_dir or project.build_dir / edition.id
    remove_stale_parts(folder)
    stem = output_stem(project, edition.id, options)  # the e-book is the same in every layout
    printed = output_stem(project, edition.id, options, printed=True)
    warnings = list(selected.problems)
    outputs = []
    rendered = reused = 0
    loaded: frozenset[Path] = frozenset()
    faults: tuple[Fault, ...] = ()
    if progress:
        progress("load", 1, 1)
    clock.lap("load")
    # Each format imports what it needs (the PDF joiner's pikepdf is not wanted for an e-book).
    if "html" in options.formats:
        from .pdf import documents, export

        document = documents.edition_document(kit, edition)
        warnings += document.warnings
        target = folder / f"{printed}.html"
        outputs.append(Output(target, "html", export.export(document, target)))
        clock.lap("html")
    if "pdf" in options.formats:
        from .pdf import pieces

        assert renderer is not None
        result = pieces.build_pdf(kit, edition, renderer=renderer, variant=options.pdf_variant)
        warnings += [w for w in result.warnings if w not in warnings]
        target = folder / f"{printed}.pdf"
        _write_output(target, result.data, outputs)
        outputs.append(Output(target, "pdf", len(result.data), result.pages))
        rendered, reused, loaded = result.rendered, result.reused, result.loaded
        clock.lap("pdf")
        from .pdf.preflight import preflight

        try:
            faults = tuple(preflight(target))
        except UsageError as exc:  # poppler's tools are not installed
            warnings.append(
                Problem(_("preflight skipped: {reason}").format(reason=exc.problem.message), severity="warning", hint=exc.problem.hint)
            )
        clock.lap("preflight")
        if options.impose:
            from .pdf import impose

            sheets = impose.impose(result.data, options.impose, options.signature)  # type: ignore[arg-type]
            target = folder / f"{printed}-{options.impose}.pdf"
            _write_output(target, sheets, outputs)
            outputs.append(Output(target, f"pdf-{options.impose}", len(sheets), None))
            clock.lap("impose")
    if "epub" in options.formats:
        if progress:
            progress("epub", 0, 1)
        from .epub import book, pack
        from .pdf import pagemap

        # The print edition's pages, marked in the e-book where each begins: when both are made,
        # in the paper's own layout (the e-book's name is the same in every layout).
        own = options.layout in (None, project.config.edition.layout)
        pages = pagemap.page_starts(result.data) if "pdf" in options.formats and own else ()
        source = f"{kit.publication.name} – {edition.title} ({printed}.pdf)" if pages else None
        ebook, more = book.build_ebook(kit, edition, cache=cache, print_pages=pages, print_source=source)
        warnings += [w for w in more if w not in warnings]
        data = pack.pack(ebook)
        target = folder / f"{stem}.epub"
        _write_output(target, data, outputs)
        outputs.append(Output(target, "epub", len(data)))
        if progress:
            progress("epub", 1, 1)
        clock.lap("epub")
    built = Built(edition, tuple(outputs), tuple(warnings), tuple(clock.laps), rendered, reused, preflight=faults)
    return built, uptodate.inputs(kit, edition, project.config_path) | loaded


def _write_output(target: Path, data: bytes, outputs: list[Output]) -> None:
    """Write one output; when it cannot be written, say which outputs this build has already
    written (beside them, the other formats are still an earlier build's)."""
    try:
        write_atomic(target, data)
    except OutputError as exc:
        if not outputs:
            raise
        written = [
            Problem(
                _("was written by this build, but the outputs after it were not: they are still an earlier build's"),
                path=output.path, severity="warning", hint=_("build again once the error above is put right"),
            )  # fmt: skip
            for output in outputs
        ]
        raise OutputError(problems=[*exc.problems, *written]) from None


class _Clock:
    """Wall time per stage."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.laps: list[tuple[str, float]] = []

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps.append((name, now - self.start))
        self.start = now


def _write_pdf(document: PrintDocument, target: Path) -> tuple[Output, list[Problem]]:
    from .pdf import pieces, weasy  # WeasyPrint is slow to import; only PDF builds need it

    identifier = html_key("pdf", document.html, document.readable)[:32].encode()
    result = weasy.render_pdf(document.html, base_url=document.base_url, readable=document.readable, identifier=identifier)
    write_atomic(target, result.data)
    return Output(target, "pdf", len(result.data), result.pages), pieces.renderer_warnings([result])


def print_articles(project: Project, paths: Sequence[Path], options: PrintOptions = PrintOptions()) -> Built:
    """The website's print button done properly: one PDF per article, or one for all with `combine`."""
    from .articles import read_article
    from .html.kit import make_kit

    out, combine = options.out, options.combine
    if len(paths) > 1 and out is not None and out.suffix.lower() == ".pdf" and not combine:
        raise UsageError(_("--out names one file but several articles were given"), hint=_("add --combine, or give a folder"))
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
                        _("would print to the same file as {other} ({file})").format(other=first[article.slug], file=f"{article.slug}.pdf"),
                        path=article.path,
                        hint=_("print them one at a time with --out, or add --combine"),
                    )
                )
    if problems:
        raise ArticleError(problems=problems)
    kit = make_kit(project, options.layout, marks=options.marks, bleed=options.bleed, grayscale=options.grayscale)
    with _segmentations(project_cache(project.root)):
        return _print(project, kit, articles, options)


def _print(project: Project, kit: Kit, articles: list[Article], options: PrintOptions) -> Built:
    from .pdf import documents

    out, combine = options.out, options.combine
    day = options.printed or kit.moment(date.today()).date()
    groups = [articles] if combine else [[a] for a in articles]
    outputs, warnings = [], []
    for group in groups:
        if out is not None and (combine or len(articles) == 1) and out.suffix.lower() == ".pdf":
            target = out
        else:
            folder = out or project.build_dir / "print"
            # Several articles in one PDF: named after the first and how many follow, so that two
            # combined prints of different articles do not replace each other.
            target = folder / (f"{group[0].slug}.pdf" if len(group) == 1 else f"{group[0].slug}-va-{len(group) - 1}-bai.pdf")
        document = documents.articles_document(kit, group, day)
        warnings += document.warnings
        output, more = _write_pdf(document, target)
        outputs.append(output)
        warnings += more
    return Built(None, tuple(outputs), tuple(warnings), preflight=_preflight_all([o.path for o in outputs], warnings))


def _preflight_all(paths: list[Path], warnings: list[Problem]) -> tuple[Fault, ...]:
    """The preflight of each PDF printed, as `build` gives it for its edition (each fault named
    with its file when there are several)."""
    import dataclasses

    from .pdf.preflight import preflight

    faults: list[Fault] = []
    for path in paths:
        try:
            found = preflight(path)
        except UsageError as exc:  # poppler's tools are not installed
            warnings.append(
                Problem(_("preflight skipped: {reason}").format(reason=exc.problem.message), severity="warning", hint=exc.problem.hint)
            )
            return ()
        faults += [dataclasses.replace(f, detail=f"{path.name}: {f.detail}") if len(paths) > 1 else f for f in found]
    return tuple(faults)
