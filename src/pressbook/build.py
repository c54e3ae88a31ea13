"""The recipe: project, articles, edition, HTML, outputs. Each step lives in its own module."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import images, text
from .cache import Cache, file_digest, html_key, project_cache, tool_versions, tree_fingerprint
from .config import Project
from .errors import ArticleError, Problem, UsageError
from .files import remove_stale_parts, write_atomic

if TYPE_CHECKING:
    from .articles import Article
    from .edition import Edition
    from .html.kit import Kit
    from .pdf.documents import PrintDocument
    from .pdf.pool import Progress, Renderer

# The stages below (articles, rendering, WeasyPrint, ebooklib) are imported where they are used,
# so that a build with nothing to do answers "up to date" without loading them.

FORMATS = ("pdf", "epub", "html")
# WeasyPrint's PDF variants that pressbook passes through (archival, accessible, print).
PDF_VARIANTS = (
    "pdf/a-1b", "pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u", "pdf/a-4u", "pdf/ua-1", "pdf/ua-2", "pdf/x-4",
)  # fmt: skip


def parse_formats(value: str | Sequence[str]) -> tuple[str, ...]:
    """'pdf,epub' -> ('pdf', 'epub'), refusing unknown formats."""
    items = value.split(",") if isinstance(value, str) else list(value)
    formats = tuple(dict.fromkeys(f.strip().lower() for f in items if f.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UsageError(f"unknown format '{','.join(unknown) or value}'", field="format", hint=f"choose from {', '.join(FORMATS)}")
    return formats


@dataclass(frozen=True)
class BuildOptions:
    """Everything a build is asked to do, as one value: checked when made, hashed whole for the
    "up to date" check."""

    issue: str | None = None  # YYYY-MM, YYYY-Www, YYYY-MM-DD, YYYY; None or "all": every article
    formats: tuple[str, ...] = ("pdf", "epub")
    layout: str | None = None  # default: the project's
    out_dir: Path | None = None  # default: build/<issue>/
    sections: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    skip_invalid: bool = False
    pdf_variant: str | None = None
    impose: str | None = None  # "booklet" or "2up": also the PDF imposed on sheets
    signature: int | None = None  # booklet in folded groups of this many sheets
    marks: str | None = None
    bleed: str | None = None
    grayscale: bool = False
    # How the work is done, not what it makes: left out of the output's key.
    jobs: int | None = None  # processes rendering at once (default: every CPU)
    use_cache: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "formats", parse_formats(self.formats))
        object.__setattr__(self, "sections", tuple(self.sections))
        object.__setattr__(self, "tags", tuple(self.tags))
        if self.pdf_variant is not None and self.pdf_variant not in PDF_VARIANTS:
            raise UsageError(
                f"unknown PDF variant '{self.pdf_variant}'", field="pdf-variant", hint="choose from " + ", ".join(PDF_VARIANTS)
            )
        if self.impose is not None:
            from .pdf.impose import check_mode

            check_mode(self.impose)
        if self.jobs is not None and self.jobs < 1:
            raise UsageError("--jobs must be at least 1", field="jobs")

    def key(self) -> dict[str, Any]:
        """What decides the outputs' bytes (every option but `jobs` and `use_cache`)."""
        values = dataclasses.asdict(self)
        for how in ("jobs", "use_cache"):
            del values[how]
        return values


@dataclass(frozen=True)
class PrintOptions:
    """What `pressbook print` is asked to do."""

    out: Path | None = None  # a .pdf file, or a folder (default: build/print/)
    combine: bool = False
    layout: str = "article"
    printed: date | None = None  # the print date in the footer (default: today)
    marks: str | None = None
    bleed: str | None = None
    grayscale: bool = False


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


def output_stem(project: Project, edition_id: str) -> str:
    """'bao-son-nguyen-2017-01': the file name of an edition's outputs."""
    return f"{text.slugify(project.config.publication.name)}-{edition_id}"


def build(project: Project, options: BuildOptions = BuildOptions(), progress: Progress | None = None) -> Built:
    """Build one edition in the asked formats; nothing is written if any article is broken.

    A build whose options, watched folders and every file the last identical build used are
    unchanged does nothing ("up to date")."""
    from .html.kit import make_kit

    clock = _Clock()
    kit = make_kit(project, options.layout, marks=options.marks, bleed=options.bleed, grayscale=options.grayscale)
    cache = project_cache(project.root, options.use_cache)
    fingerprint = tree_fingerprint(
        [project.config_path, project.articles_dir, project.issues_dir, project.layouts_dir, project.fonts_dir,
         Path(__file__).parent],
        {"options": options.key(), "style": kit.layout.style.model_dump(), "epoch": kit.epoch, "tools": tool_versions()},
    )  # fmt: skip
    done = _up_to_date(cache, fingerprint)
    if done is not None:
        clock.lap("check")
        return Built(None, done[0], done[1], tuple(clock.laps), up_to_date=True)
    renderer = None
    if "pdf" in options.formats:
        from .pdf.pool import start_renderer

        # Before anything reports progress: a progress display may start a thread.
        renderer = start_renderer(cache, options.jobs, progress)
    if progress:
        progress("load", 0, 1)
    try:
        result, inputs = _build(project, kit, options, renderer=renderer, progress=progress, clock=clock, cache=cache)
    finally:
        if renderer is not None:
            renderer.close()
    cache.remember(
        f"build-{fingerprint}",
        {
            "outputs": [[str(o.path), o.format, o.size, o.pages, file_digest(o.path)] for o in result.outputs],
            "warnings": [w.format() for w in result.warnings],
            "inputs": [[str(path), *_stamp(path)] for path in sorted(inputs)],
        },
    )
    return result


def _stamp(path: Path) -> tuple[int, int]:
    """A file's size and modification time (-1, -1 when it is gone)."""
    try:
        stat = path.stat()
    except OSError:
        return -1, -1
    return stat.st_size, stat.st_mtime_ns


def _up_to_date(cache: Cache, fingerprint: str) -> tuple[tuple[Output, ...], tuple[Problem, ...]] | None:
    """The outputs of an identical earlier build, if they are still there untouched and no file
    it used has changed since."""
    record = cache.recall(f"build-{fingerprint}")
    if record is None:
        return None
    for path, size, mtime in record.get("inputs", [None]):
        if path is None or _stamp(Path(path)) != (size, mtime):
            return None
    outputs = []
    for path, kind, size, pages, digest in record["outputs"]:
        target = Path(path)
        if not target.is_file() or file_digest(target) != digest:
            return None
        outputs.append(Output(target, kind, size, pages))
    warnings = tuple(Problem(w, severity="warning") for w in record["warnings"])
    return tuple(outputs), warnings


def edition_inputs(kit: Kit, edition: Edition, config_path: Path) -> set[Path]:
    """Every file an edition's outputs are made from: the config and the manifest, the articles,
    the pictures they and the cover show, the fonts."""
    from .html.views import cover_picture

    found = {config_path, *(face.path for face in kit.fonts.faces), *(a.path for a in edition.articles)}
    if edition.manifest is not None:
        found.add(edition.manifest)
    for article in edition.articles:
        # A web picture is downloaded once and never changes; asking again would go online.
        for src in (src for src in article.image_paths() if not images.is_remote(src)):
            try:
                found.add(kit.pictures.locate(src, article.folder))
            except (ValueError, OSError):
                continue  # a refused picture is not used
    cover, _ = cover_picture(kit, edition, fallback=True)
    if cover is not None:
        found.add(cover)
    return found


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
    folder = options.out_dir or project.build_dir / edition.id
    remove_stale_parts(folder)
    stem = output_stem(project, edition.id)
    warnings = list(selected.problems)
    outputs = []
    rendered = reused = 0
    if progress:
        progress("load", 1, 1)
    clock.lap("load")
    # Each format imports what it needs (the PDF joiner's pikepdf is not wanted for an e-book).
    if "html" in options.formats:
        from .pdf import documents, export

        document = documents.edition_document(kit, edition)
        warnings += document.warnings
        target = folder / f"{stem}.html"
        outputs.append(Output(target, "html", export.export(document, target)))
        clock.lap("html")
    if "pdf" in options.formats:
        from .pdf import pieces

        assert renderer is not None
        result = pieces.build_pdf(kit, edition, renderer=renderer, variant=options.pdf_variant)
        warnings += [w for w in result.warnings if w not in warnings]
        target = folder / f"{stem}.pdf"
        write_atomic(target, result.data)
        outputs.append(Output(target, "pdf", len(result.data), result.pages))
        rendered, reused = result.rendered, result.reused
        clock.lap("pdf")
        if options.impose:
            from .pdf import impose

            sheets = impose.impose(result.data, options.impose, options.signature)  # type: ignore[arg-type]
            target = folder / f"{stem}-{options.impose}.pdf"
            write_atomic(target, sheets)
            outputs.append(Output(target, f"pdf-{options.impose}", len(sheets), None))
            clock.lap("impose")
    if "epub" in options.formats:
        if progress:
            progress("epub", 0, 1)
        from .epub import book, pack

        ebook, more = book.build_ebook(kit, edition, cache=cache)
        warnings += [w for w in more if w not in warnings]
        data = pack.pack(ebook)
        target = folder / f"{stem}.epub"
        write_atomic(target, data)
        outputs.append(Output(target, "epub", len(data)))
        if progress:
            progress("epub", 1, 1)
        clock.lap("epub")
    built = Built(edition, tuple(outputs), tuple(warnings), tuple(clock.laps), rendered, reused)
    return built, edition_inputs(kit, edition, project.config_path)


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
    from .pdf import documents

    out, combine = options.out, options.combine
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
    kit = make_kit(project, options.layout, marks=options.marks, bleed=options.bleed, grayscale=options.grayscale)
    day = options.printed or kit.moment(date.today()).date()
    groups = [articles] if combine else [[a] for a in articles]
    outputs, warnings = [], []
    for group in groups:
        if out is not None and (combine or len(articles) == 1) and out.suffix.lower() == ".pdf":
            target = out
        else:
            folder = out or project.build_dir / "print"
            target = folder / (f"{group[0].slug}.pdf" if len(group) == 1 else "bai-viet.pdf")
        document = documents.articles_document(kit, group, day)
        warnings += document.warnings
        output, more = _write_pdf(document, target)
        outputs.append(output)
        warnings += more
    return Built(None, tuple(outputs), tuple(warnings))
