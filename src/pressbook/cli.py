"""The `pressbook` command: Typer options in, library calls, messages and exit codes out.

Exit codes: 0 success, 1 content or configuration errors (every one listed), 2 usage errors,
3 an internal error (a bug), 130 interrupted.
"""

from __future__ import annotations

import dataclasses
import functools
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.table import Table
from rich.text import Text

from . import __version__
from .config import load_project
from .console import Bars, err, guide, line, out, report, safe, show, shown, write_json
from .errors import PressbookError, Problem, UsageError
from .interface import N_, _, reason
from .text import counted

# Commands import what they use when they run: `pressbook build` with nothing to do stays quick.

class _Flags:
    """Help in words, not Python types: a flag shown as a flag (`--quiet`, not `--quiet <bool>`)
    and an argument by its name alone (`ARTICLE.md...`, not `<list[Path]>` beside it); and help,
    usage and usage errors in the terminal's language (see `interface`)."""

    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            param.help = _(param.help) if param.help else param.help
            param.metavar = _(param.metavar) if param.metavar else param.metavar
            if getattr(param, "is_flag", False) and param.metavar is None:
                param.metavar = ""
            elif isinstance(param, typer.core.TyperArgument) and param.metavar:
                # (Typer's own names for these columns: test_cli's help test fails if they change.)
                param.display_type_rich = lambda ctx: None
                param._usage_display_name = lambda name=param.metavar: name
        return params

    def get_usage(self, ctx: Any) -> str:
        usage: str = super().get_usage(ctx)  # type: ignore[misc]
        return usage.replace("Usage:", _("Usage:"), 1)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)  # type: ignore[misc, no-any-return]
        except _CLICK_USAGE_ERROR as exc:
            if not exc.format_message():
                raise  # "no arguments: here is the help" (Click shows the help, and no error)
            raise _CLICK_USAGE_ERROR(_said(exc.format_message()), exc.ctx) from None


class _Group(_Flags, typer.core.TyperGroup):
    def main(self, *args: Any, **kwargs: Any) -> Any:
        _speak(self)
        return super().main(*args, **kwargs)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except _CLICK_USAGE_ERROR as exc:
            if not exc.format_message():
                raise  # "no arguments: here is the help" (Click shows the help, and no error)
            raise _CLICK_USAGE_ERROR(_said(exc.format_message()), exc.ctx) from None


class _Command(_Flags, typer.core.TyperCommand):
    pass


# Click's (or Typer's copy of Click's) usage error, whichever this Typer uses: BadParameter's base.
_CLICK_USAGE_ERROR = typer.BadParameter.__mro__[1]

# Typer's words around help and errors, and the usage errors Click says, in English: each is
# shown in the terminal's language (`_speak`, `_said`).
_TYPER_WORDS = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "ABORTED_TEXT": N_("Aborted."),
    "RICH_HELP": N_("Try [blue]'{command_path} {help_option}'[/] for help."),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "DEFAULT_STRING": N_("[default: {}]"),
}
_USAGE_ERRORS = (
    (r"No such option: (?P<name>\S+)(?: \(Possible options: (?P<options>.*)\))?$", N_("No such option: {name}"),
     N_("(possible options: {options})")),
    (r"No such command (?P<name>'.*?')\.(?: Did you mean (?P<options>.*)\?)?$", N_("No such command {name}."),
     N_("Did you mean {options}?")),
    (r"Missing argument (?P<name>'.*')\.$", N_("Missing argument {name}."), None),
    (r"Missing option (?P<name>'.*')\.$", N_("Missing option {name}."), None),
    (r"Got unexpected extra arguments? ?(?:\(s\))? \((?P<name>.*)\)$", N_("Got unexpected extra arguments ({name})"), None),
    (r"Option (?P<name>'.*?') requires an argument\.$", N_("Option {name} requires an argument."), None),
    (r"Option (?P<name>'.*?') does not take a value\.$", N_("Option {name} does not take a value."), None),
    (r"Invalid value for (?P<name>.*?): (?P<options>.*)$", N_("Invalid value for {name}: {options}"), None),
)  # fmt: skip
_HELP_OPTION = N_("Show this message and exit.")


def _speak(group: Any) -> None:
    """The command tree's help and Typer's fixed words in the terminal's language (the help is
    written in English, marked for the catalog, and said here, when the command runs)."""
    from typer import rich_utils

    for name, english in _TYPER_WORDS.items():
        if hasattr(rich_utils, name):
            setattr(rich_utils, name, _(english))
    group.subcommand_metavar = _(N_("COMMAND [ARGS]..."))
    for cmd in (group, *group.commands.values()):
        cmd.help = _(cmd.help) if cmd.help else cmd.help
        cmd.short_help = _(cmd.short_help) if cmd.short_help else cmd.short_help
        cmd.options_metavar = _(N_("[OPTIONS]"))


def _said(message: str) -> str:
    """One of Click's usage errors in the terminal's language (as Click says it in English)."""
    import re

    from .interface import language

    if language() == "en":
        return message

    for pattern, said, more in _USAGE_ERRORS:
        found = re.match(pattern, message)
        if found:
            words = _(said).format(name=found["name"], options=found.groupdict().get("options"))
            if more and found.groupdict().get("options"):
                words += " " + _(more).format(options=found["options"])
            return words
    return message


def _at_least_one(value: str | None) -> int | None:
    """A count of 1 or more (--jobs, --signature), said in words when it is not one."""
    if value is None:
        return None
    if not value.strip().isdigit() or int(value) < 1:
        raise typer.BadParameter(_("write a whole number, 1 or more (not '{value}')").format(value=value))
    return int(value)


app = typer.Typer(
    name="pressbook",
    cls=_Group,
    help=N_(
        "Turn a newsroom's articles into print editions (PDF) and e-books (EPUB).\n\n"
        "Run inside a newsroom folder (one with pressbook.toml) or pass --project DIR.\n\n"
        "Exit codes: 0 success, 1 content or configuration errors (each listed with its file, line and "
        "what to do), 2 usage errors, 3 a bug in pressbook (--verbose shows the traceback), 130 interrupted."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)

command = functools.partial(app.command, cls=_Command)

ProjectOption = Annotated[
    Path | None,
    typer.Option(
        "--project", "-C", help=N_("The newsroom folder (default: the one around the current folder)."),
        file_okay=False, show_default=False, metavar=N_("DIR"),
    ),
]  # fmt: skip
IssueOption = Annotated[
    str | None,
    typer.Option(
        "--issue", "-i", help=N_("YYYY-MM (month), YYYY-Www (ISO week), YYYY-MM-DD (day), YYYY (year), or all (every article, the default)."),
        show_default=False, metavar=N_("ISSUE"),
    ),
]  # fmt: skip
SectionOption = Annotated[list[str], typer.Option("--section", "-s", help=N_("Only this section (repeatable)."), metavar=N_("SECTION"))]
TagOption = Annotated[list[str], typer.Option("--tag", "-t", help=N_("Only articles with this tag (repeatable)."), metavar=N_("TAG"))]
VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", help=N_("Show more detail, and tracebacks."))]
MarksOption = Annotated[
    str | None, typer.Option("--marks", help=N_("Printer's marks for a print shop: crop, cross or 'crop cross'."), metavar=N_("MARKS"))
]
BleedOption = Annotated[str | None, typer.Option("--bleed", help=N_("Bleed around each page for a print shop, e.g. 3mm."), metavar=N_("SIZE"))]
GreyOption = Annotated[
    bool, typer.Option("--grayscale", help=N_("Pictures and colours in grey, for black-and-white printers."))
]

F = TypeVar("F", bound=Callable[..., Any])
# The options whose problems are named by the option ("--layout: unknown layout ...").
_OPTIONS = {"issue", "format", "layout", "out", "section", "tag", "jobs", "pdf-variant", "impose", "signature",
            "marks", "bleed", "grayscale", "mode", "date", "project", "combine"}  # fmt: skip


def reports_errors(command: F) -> F:
    """Turn pressbook's errors into red lines and exit codes; no traceback unless --verbose."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except PressbookError as exc:
            problems = exc.problems
            if isinstance(exc, UsageError):
                # An option's problem is named by the option the editor typed: "--layout", not "field 'layout'".
                problems = tuple(
                    dataclasses.replace(p, field=None, message=f"--{p.field.replace('_', '-')}: {p.message}")
                    if p.field and p.path is None and p.field.replace("_", "-") in _OPTIONS else p
                    for p in problems
                )
            show(problems, Path.cwd())
            if len(exc.problems) > 1:
                err.print(counted(len(exc.problems), "problem", "problems") + ".", style="red")
            if command.__name__ == "build" and any(p.path is not None and p.path.suffix == ".md" for p in exc.problems):
                err.print(_("Nothing was written: correct the articles above and build again, or leave them out with --skip-invalid."))
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            err.print(_("interrupted; nothing was half-written."), style="yellow")
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:  # a bug in pressbook, not the user's fault
            if kwargs.get("verbose"):
                for text in traceback.format_exc().splitlines():
                    err.print(safe(text))
            err.print(line(Text(_("internal error:"), style="red"), " ", safe(f"{type(exc).__name__}: {exc}")))
            err.print(_("This is a bug in pressbook; run again with --verbose for the traceback and report it."))
            raise typer.Exit(3) from None

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        out.print(f"pressbook {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help=N_("Print the version and exit."))
    ] = False,
    project: ProjectOption = None,
) -> None:
    # `pressbook -C DIR list` as well as `pressbook list -C DIR`: the command's own wins.
    _chosen["project"] = project


_chosen: dict[str, Path | None] = {"project": None}


def _project(project: Path | None) -> Any:
    """The newsroom a command works on: its own --project, else the one given before the command,
    else the one around the current folder."""
    return load_project(project if project is not None else _chosen["project"])


@command("list", help=N_(
        "List the articles an issue selects, in edition order."
    ))
@reports_errors
def list_(
    issue: IssueOption = None,
    section: SectionOption = [],  # noqa: B006 - Typer needs a literal default
    tag: TagOption = [],  # noqa: B006
    as_json: Annotated[bool, typer.Option("--json", help=N_("Print a JSON array instead of a table."))] = False,
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help=N_("List the readable articles even if others are broken."))
    ] = False,
    project: ProjectOption = None,
    verbose: VerboseOption = False,
) -> None:
    from . import i18n
    from .build import load_edition

    proj = _project(project)
    selected = load_edition(proj, issue, sections=section, tags=tag, skip_invalid=skip_invalid)
    edition = selected.edition
    language = proj.config.publication.language
    show(selected.problems, Path.cwd())
    if selected.empty is not None:
        show([dataclasses.replace(selected.empty, severity="warning")], Path.cwd())
    if as_json:
        rows = [
            {
                "path": proj.relative(a.path).as_posix(),
                "slug": a.slug,
                "title": a.title,
                "date": a.date.isoformat(),
                "section": a.section or proj.config.edition.default_section,
                "author": a.author,
                "affiliation": a.affiliation,
                "tags": list(a.tags),
                "words": a.words,
            }
            for a in edition.articles
        ]
        write_json(rows)
        return
    table = Table(title=line(safe(edition.title), f" — {len(edition.articles)} {i18n.label('articles', language)}"))
    for name, justify in (("date", "left"), ("section", "left"), ("title", "left"), ("words", "right")):
        table.add_column(i18n.label(f"column_{name}", language), justify=justify)  # type: ignore[arg-type]
    from babel.numbers import format_decimal

    tz = proj.config.tz
    when = "%d/%m/%Y %H:%M" if language == "vi" else "%Y-%m-%d %H:%M"  # as the paper writes dates
    for sec in edition.sections:
        for article in sec.articles:
            table.add_row(
                f"{article.date.astimezone(tz):{when}}", safe(sec.name), safe(article.title),
                format_decimal(article.words, locale=language),
            )  # fmt: skip
    out.print(table)


@command(help=N_(
        "Build an edition: build/<issue>/<paper>-<issue>.pdf and .epub (and .html on "
        "request).\n\nSections are rendered in parallel and remembered in .cache/pressbook/, so a "
        "rebuild renders only what changed."
    ))
@reports_errors
def build(
    issue: IssueOption = None,
    format: Annotated[str, typer.Option("--format", "-f", help=N_("Comma-separated: pdf, epub, html."), metavar=N_("FORMATS"))] = "pdf,epub",
    layout: Annotated[
        str | None, typer.Option("--layout", "-l", help=N_("bulletin, newspaper, large-print, article, or one in layouts/."), metavar=N_("NAME"))
    ] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", "-o", help=N_("Output folder (default: build/<issue>/)."), file_okay=False, metavar=N_("DIR"))
    ] = None,
    section: SectionOption = [],  # noqa: B006
    tag: TagOption = [],  # noqa: B006
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help=N_("Build without broken articles instead of stopping."))
    ] = False,
    jobs: Annotated[
        str | None, typer.Option("--jobs", "-j", callback=_at_least_one, help=N_("Processes rendering at once (default: all CPUs)."), metavar=N_("N"))
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help=N_("Render everything again, ignoring .cache/."))] = False,
    pdf_variant: Annotated[
        str | None,
        typer.Option("--pdf-variant", help=N_("pdf/a-3b (archival), pdf/ua-1 (tagged, accessible), pdf/x-4, ..."), metavar=N_("VARIANT")),
    ] = None,
    impose: Annotated[
        str | None,
        typer.Option("--impose", help=N_("Also write the PDF imposed for printing: booklet (fold and staple) or 2up."), metavar=N_("MODE")),
    ] = None,
    signature: Annotated[
        str | None, typer.Option("--signature", callback=_at_least_one, help=N_("With --impose booklet: folded groups of N sheets."), metavar=N_("N"))
    ] = None,
    marks: MarksOption = None,
    bleed: BleedOption = None,
    grayscale: GreyOption = False,
    cluster: Annotated[
        str | None,
        typer.Option("--cluster", help=N_("Render the pages on a Dask cluster: its scheduler's address, tcp://HOST:PORT (needs pressbook[cluster])."), metavar=N_("ADDRESS")),
    ] = None,
    each: Annotated[
        str | None,
        typer.Option("--each", help=N_("Build every edition of the --issue: month, week or day (e.g. --issue 2017 --each month, --issue 2016-12..2017-02 --each month)."), metavar=N_("PERIOD")),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=N_("Print only problems."))] = False,
    project: ProjectOption = None,
    verbose: VerboseOption = False,
) -> None:
    from .options import BuildOptions, parse_formats
    from .build import build as build_edition

    options = BuildOptions(
        issue=issue, formats=parse_formats(format), layout=layout, out_dir=out_dir, sections=tuple(section),
        tags=tuple(tag), skip_invalid=skip_invalid, pdf_variant=pdf_variant, impose=impose, signature=signature,
        marks=marks, bleed=bleed, grayscale=grayscale, jobs=jobs, use_cache=not no_cache, cluster=cluster,
    )  # fmt: skip
    proj = _project(project)
    if each is not None or (issue and ".." in issue):
        _build_each(proj, options, each or "month", quiet)
        return
    with Bars(err.is_terminal and not quiet) as bars:
        result = build_edition(proj, options, bars)
    report(result, quiet)
    if impose and not quiet:
        guide(impose, signature)


def _build_each(proj: Any, options: Any, each: str, quiet: bool) -> None:
    """Every edition of the range, one pool of workers for all; a summary table; exit 1 if one failed."""
    from .archive import build_each

    with Bars(err.is_terminal and not quiet) as bars:
        made = build_each(proj, options, each, bars)
    table = Table(title=counted(len(made), "edition", "editions"))
    for name, justify in ((N_("Edition"), "left"), (N_("Articles"), "right"), (N_("Pages"), "right"),
                          (N_("Time"), "right"), (N_("From cache"), "right")):  # fmt: skip
        table.add_column(_(name), justify=justify)  # type: ignore[arg-type]
    for one in made:
        if one.built is None:
            show(one.problems, Path.cwd())
            table.add_row(safe(one.issue), "–", "–", f"{one.seconds:.1f} s", "", style="red")
            continue
        built = one.built
        pages = sum(o.pages or 0 for o in built.outputs if o.format == "pdf")
        articles = str(len(built.edition.articles)) if built.edition is not None else "="
        cache = _("up to date") if built.up_to_date else f"{built.reused}/{built.reused + built.rendered}"
        table.add_row(safe(one.issue), articles, str(pages or "="), f"{one.seconds:.1f} s", cache)
    if not quiet:
        out.print(table)
    failed = [one for one in made if one.failed]
    if failed:
        err.print(_("{failed} of {count} not built (above); the others were.").format(
            failed=len(failed), count=counted(len(made), "edition", "editions")), style="red")  # fmt: skip
        raise typer.Exit(1)


@command("print", help=N_(
        "Print single articles on A4, like the website's \"In bài viết\" button, typeset."
    ))
@reports_errors
def print_(
    articles: Annotated[list[Path], typer.Argument(help=N_("Article files (.md), in any newsroom (found from each file's folder)."), show_default=False, metavar=N_("ARTICLE.md..."))],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help=N_("A .pdf file, or a folder (default: build/print/)."), metavar=N_("PATH"))
    ] = None,
    combine: Annotated[bool, typer.Option("--combine", help=N_("All articles in one PDF."))] = False,
    layout: Annotated[str, typer.Option("--layout", "-l", help=N_("The layout to print with."), metavar=N_("NAME"))] = "article",
    marks: MarksOption = None,
    bleed: BleedOption = None,
    grayscale: GreyOption = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=N_("Print only problems."))] = False,
    project: ProjectOption = None,
    verbose: VerboseOption = False,
) -> None:
    from .build import print_articles
    from .options import PrintOptions

    options = PrintOptions(out=out, combine=combine, layout=layout, marks=marks, bleed=bleed, grayscale=grayscale)
    given = project if project is not None else _chosen["project"]
    proj = load_project(given) if given is not None else _project_of(articles)
    result = print_articles(proj, articles, options)
    report(result, quiet)


def _project_of(articles: list[Path]) -> Any:
    """The newsroom the articles sit in (found from their own folders, wherever the command is
    run); the one around the current folder for articles outside any newsroom."""
    from .config import find_root

    roots = {find_root(path.resolve().parent) for path in articles}
    if len(roots) > 1:
        found = sorted(str(root) for root in roots if root is not None)
        raise UsageError(
            _("the articles belong to different newsrooms ({folders})").format(folders=", ".join(found) or "-"),
            hint=_("print each newsroom's articles on their own, or pass --project DIR"),
        )
    root = roots.pop() if roots else None
    return load_project(root) if root is not None else load_project()


@command("preflight", help=N_(
        "Check a PDF as a print shop does before accepting it.\n\nIt reports, with their pages: blank "
        "pages, pages without a number, holes left by a picture that moved on, headlines ending on one "
        "word or at the foot of a page, one-line widows and orphans, text outside the page, pictures "
        "under 150 dpi, fonts not embedded, RGB in a PDF/X file.\n\nExit 1 when it finds a fault (0 with "
        "--warn-only). Every build ends with the same summary."
    ))
@reports_errors
def preflight_(
    pdf: Annotated[Path, typer.Argument(help=N_("A PDF edition."), show_default=False, dir_okay=False, metavar=N_("FILE.pdf"))],
    warn_only: Annotated[bool, typer.Option("--warn-only", help=N_("Report faults, but exit 0."))] = False,
    verbose: VerboseOption = False,
) -> None:
    from .console import preflight_summary
    from .pdf.preflight import preflight

    if not pdf.is_file():
        raise UsageError(_("does not exist"), path=pdf)
    faults = preflight(pdf)
    preflight_summary(faults)
    if faults and not warn_only:
        raise typer.Exit(1)


@command("impose", help=N_(
        "Lay a PDF's pages two to a sheet side: a saddle-stitched booklet, or 2-up for cutting."
    ))
@reports_errors
def impose_(
    source: Annotated[Path, typer.Argument(help=N_("A PDF edition (e.g. the A5 bulletin)."), show_default=False, dir_okay=False, metavar=N_("FILE.pdf"))],
    mode: Annotated[str, typer.Option("--mode", "-m", help=N_("booklet (fold and staple) or 2up (cut)."), metavar=N_("MODE"))] = "booklet",
    signature: Annotated[
        str | None, typer.Option("--signature", callback=_at_least_one, help=N_("Booklet in folded groups of N sheets."), metavar=N_("N"))
    ] = None,
    out_file: Annotated[
        Path | None, typer.Option("--out", "-o", help=N_("Output PDF (default: beside the source, -booklet.pdf)."), metavar=N_("FILE.pdf"))
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=N_("Print only problems."))] = False,
    verbose: VerboseOption = False,
) -> None:
    from .files import write_atomic
    from .pdf.impose import impose, looks_imposed, sheets

    try:
        data = source.read_bytes()
    except OSError as exc:
        raise UsageError(_("cannot read {path}: {reason}").format(path=source, reason=reason(exc)), path=source) from None
    if looks_imposed(data):
        show([Problem(_("its pages are wider than tall: is it imposed already? (imposing it again sets two sheets side by side)"),
                      path=source, severity="warning", hint=_("give the edition's own PDF, with its pages as they are read"))], Path.cwd())  # fmt: skip
    imposed = impose(data, mode, signature, source=source)  # type: ignore[arg-type]
    target = out_file or source.with_name(f"{source.stem}-{mode}.pdf")
    write_atomic(target, imposed)
    if not quiet:
        count, paper = sheets(imposed)
        said = _("wrote {path} ({size:.0f} KiB): {sheets} of {paper}, printed on both sides")
        out.print(safe(said.format(path=shown(target), size=len(imposed) / 1024, sheets=counted(count, "sheet", "sheets"), paper=paper)))
        guide(mode, signature)


@command(help=N_(
        "Check every article: front matter, duplicate slugs, images, Vietnamese text hygiene."
    ))
@reports_errors
def check(
    fix: Annotated[
        bool, typer.Option("--fix", help=N_("Repair what can be repaired safely (NFC, stray marks, spaces, tone style, a section's case), and list each repair."))
    ] = False,
    project: ProjectOption = None,
    verbose: VerboseOption = False,
) -> None:
    from .check import check_project

    proj = _project(project)
    report = check_project(proj, fix=fix)
    for path in report.fixed:
        out.print(safe(_("repaired {path}").format(path=proj.relative(path))))
        for said in report.repairs.get(path, ()):
            out.print(line("  ", safe(said)), style="dim")
    show(report.problems, Path.cwd())
    unread = report.files - len(report.articles)
    summary = (
        _("{articles} read").format(articles=counted(len(report.articles), "article", "articles"))
        + (_(" ({unread} of {files} could not be)").format(unread=unread, files=counted(report.files, "file", "files")) if unread > 0 else "")
        + ", " + counted(len(report.errors), "error", "errors") + ", " + counted(len(report.warnings), "warning", "warnings") + "."
    )
    if report.errors:
        err.print(summary, style="red")
        raise typer.Exit(1)
    out.print(summary)


@command("import", help=N_(
        "Turn scraped text pages, saved HTML pages, Word documents and Markdown articles into article files under articles/YYYY/MM/."
    ))
@reports_errors
def import_(
    sources: Annotated[list[Path], typer.Argument(help=N_("Scraped text pages, saved HTML pages, Word documents (.docx) or Markdown articles."), show_default=False, metavar=N_("SOURCE..."))],
    force: Annotated[bool, typer.Option("--force", help=N_("Replace an existing article file."))] = False,
    section: Annotated[str | None, typer.Option(help=N_("Section for the new articles."), metavar=N_("SECTION"))] = None,
    date: Annotated[
        str | None, typer.Option(help=N_("Date for sources without one (YYYY-MM-DD or DD/MM/YYYY [HH:MM])."), metavar=N_("DATE"))
    ] = None,
    project: ProjectOption = None,
    verbose: VerboseOption = False,
) -> None:
    from .importers import ImportOptions, import_source

    proj = _project(project)
    options = ImportOptions(force=force, section=section, date=date)
    failed: list[Problem] = []
    for source in sources:
        try:
            done = import_source(source, proj, options)
        except PressbookError as exc:
            failed.extend(exc.problems)
            continue
        out.print(line(safe(proj.relative(done.path)), _(" (already imported, unchanged)") if done.unchanged else ""))
        if done.review:
            doubts = _("imported with doubts (confidence {confidence:.0%}): {doubts}").format(
                confidence=done.confidence, doubts="; ".join(done.review))
            show([Problem(doubts, path=done.path, severity="warning",
                          hint=_("compare it with the original page, correct it, then remove the 'review' field"))], Path.cwd())  # fmt: skip
        # Pictures left out and dates ignored always, one line each; the other notes on request.
        show([Problem(warning, path=source, severity="warning") for warning in done.warnings], Path.cwd())
        if verbose or done.encoding:
            for note in done.notes:
                if note not in done.warnings:
                    err.print(line("  ", safe(f"{source.name}: {note}")), style="dim")
    if failed:
        show(failed, Path.cwd())
        err.print(_("{failed} of {sources} not imported.").format(failed=len(failed), sources=counted(len(sources), "source", "sources")), style="red")
        raise typer.Exit(1)


@command("site", help=N_(
        "Write a static website of every edition: covers by year, each edition's contents and downloads, a page "
        "per article with its \"In bài viết\" PDF, an OPDS catalogue for reading apps, an Atom feed and a sitemap.\n\n"
        "Put the folder on any static host, or open its index.html. Only what changed is made again."
    ))
@reports_errors
def site_(
    out_dir: Annotated[Path | None, typer.Option("--out", "-o", help=N_("The site's folder (default: build/site/)."), file_okay=False, metavar=N_("DIR"))] = None,
    base_url: Annotated[str | None, typer.Option("--base-url", help=N_("The address the site will have, e.g. https://baosonnguyen.vn/ban-in/ (for the sitemap)."), metavar=N_("URL"))] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=N_("Print only problems."))] = False,
    project: ProjectOption = None,
    verbose: VerboseOption = False,
) -> None:
    from .publish.site import build_site

    proj = _project(project)
    with Bars(err.is_terminal and not quiet) as bars:
        site = build_site(proj, out_dir, base_url, bars)
    show(site.warnings, Path.cwd())
    if not quiet:
        said = _("wrote {path}: {editions}, {written} files changed, {kept} unchanged").format(
            path=shown(site.out / "index.html"), editions=counted(len(site.editions), "edition", "editions"),
            written=site.written, kept=site.kept)  # fmt: skip
        out.print(safe(said))


@command("serve", help=N_(
        "Open the newsroom in a browser: its editions, each article as the print layout sets it (updated "
        "when its file is saved), an \"In bài viết\" PDF for each article, and a Build button.\n\n"
        "Serves 127.0.0.1 (this computer only) unless --host says otherwise."
    ))
@reports_errors
def serve_(
    host: Annotated[str, typer.Option("--host", help=N_("The address to listen on."), metavar=N_("HOST"))] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", help=N_("The port to listen on."), metavar=N_("PORT"))] = 8000,
    project: ProjectOption = None,
    verbose: VerboseOption = False,
) -> None:
    from .serve import LOCAL_HOSTS, serve

    proj = _project(project)
    if host not in LOCAL_HOSTS:
        show([Problem(_("listening on {host}: anyone who can reach this computer can read the newsroom and start builds").format(host=host),
                      severity="warning", hint=_("use --host 127.0.0.1 unless the network is trusted"))], Path.cwd())  # fmt: skip
    shown_host = f"[{host}]" if ":" in host else host
    out.print(safe(_("Serving {name} at http://{host}:{port}/ (Ctrl-C to stop)").format(name=proj.config.publication.name, host=shown_host, port=port)))
    serve(proj.root, host, port)


@command(help=N_(
        "Create a fresh newsroom: pressbook.toml, articles/, layouts/, fonts/, issues/."
    ))
@reports_errors
def new(
    folder: Annotated[Path, typer.Argument(help=N_("Folder to create the newsroom in."), show_default=False, metavar=N_("DIR"))],
    name: Annotated[str, typer.Option(help=N_("The publication's name."), metavar=N_("NAME"))] = "Báo Mẫu",
    publisher: Annotated[str | None, typer.Option(help=N_("The publisher (default: the name)."), metavar=N_("NAME"))] = None,
    verbose: VerboseOption = False,
) -> None:
    from .scaffold import create

    written = create(folder, name=name, publisher=publisher)
    for path in written:
        out.print(safe(path))
    out.print(safe(_("Created a newsroom in {folder}. Next: {command}").format(folder=folder, command=f"cd {folder} && {_command()} list")))


def _command() -> str:
    """How to call pressbook again from a shell: `pressbook` when that is the one on PATH, else
    its full path (a virtualenv not activated)."""
    import shlex
    import shutil
    import sys

    running = Path(sys.argv[0]).resolve() if sys.argv and sys.argv[0] else None
    found = shutil.which("pressbook")
    if running is None or running.name != "pressbook" or (found and Path(found).resolve() == running):
        return "pressbook"
    return shlex.quote(str(running))


def main() -> None:
    """Entry point of the console script."""
    import signal

    from .callbacks import interrupt

    # A kill (SIGTERM) unwinds like Ctrl-C, so temporary files are removed and nothing is left
    # half-written; both are counted, so that one a library swallowed still stops the build.
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    app()
