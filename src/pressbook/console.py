"""What pressbook prints on a terminal: problems, the end-of-build report, progress bars."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.text import Text

from .errors import Problem
from .interface import N_, _
from .text import counted

if TYPE_CHECKING:
    from .build import Built
    from .pdf.preflight import Fault

# Neither markup nor emoji codes: pressbook's own colours are given as styles, and user text is
# printed through `safe`, so a title or a folder written "[bold]", "[/]" or ":fire:" is printed
# as it is written.
out = Console(highlight=False, soft_wrap=True, markup=False, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)

# Zero-width (non-)joiners are format characters too, but they belong to emoji and to other
# scripts' words and move no cursor.
_JOINERS = frozenset("\u200c\u200d")


def _acts_on_terminal(char: str) -> bool:
    """Whether a terminal could act on `char` instead of showing it: C0 and C1 controls (ESC,
    CSI, BEL, CR, ...), bidi overrides and other format characters, line and paragraph
    separators, and lone surrogates (the stand-ins for a file name's bytes that are not UTF-8)."""
    return unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp") and char not in _JOINERS


def _escaped(char: str) -> str:
    point = ord(char)
    return f"\\x{point:02x}" if point < 0x100 else f"\\u{point:04x}" if point < 0x10000 else f"\\U{point:08x}"


def safe(value: object, style: str = "") -> Text:
    """User text (a title, a value, a file name, a message quoting them) as the terminal shows it:
    markup and emoji codes as written, and every character a terminal would act on (escape
    sequences, controls, bidi overrides) written as a visible escape such as \\x1b or \\u202e.

    Everything pressbook prints that holds user text goes through here."""
    text = str(value)
    if not text.isprintable():  # isprintable is False for spaces other than ' ' too: look closer
        text = "".join(_escaped(c) if _acts_on_terminal(c) else c for c in text)
    return Text(text, style=style)


def write_json(data: object) -> None:
    """`data` as JSON on stdout: the same data, with every character a terminal would act on
    written as a JSON escape (\\u001b, \\u202e) so that the text parses back unchanged."""

    def escape(match: re.Match[str]) -> str:
        units = match.group().encode("utf-16-le", "surrogatepass")
        return "".join(f"\\u{int.from_bytes(units[i:i + 2], 'little'):04x}" for i in range(0, len(units), 2))

    dumped = json.dumps(data, ensure_ascii=False, indent=2)
    # json.dumps escapes the C0 controls inside strings itself; a raw newline is indentation.
    risky = "".join(sorted({c for c in dumped if c != "\n" and _acts_on_terminal(c)}))
    if risky:
        dumped = re.sub(f"[{re.escape(risky)}]", escape, dumped)
    out.file.write(dumped + "\n")


def line(*parts: Text | str) -> Text:
    """One line of pressbook's words (plain strings, never user text) and `safe` user text."""
    return Text.assemble(*parts)


def _seconds(value: float) -> str:
    """A time as the interface's language writes it: "1.4 s", "1,4 giây"."""
    from babel.numbers import format_decimal

    from .interface import language

    return _("{seconds} s").format(seconds=format_decimal(value, "0.0", locale=language()))


# The build's stages as the time line names them.
_LAPS = {"check": N_("check"), "load": N_("load"), "html": N_("html"), "pdf": N_("pdf"),
         "preflight": N_("preflight"), "impose": N_("impose"), "epub": N_("epub")}  # fmt: skip


def show(problems: tuple[Problem, ...] | list[Problem], root: Path | None) -> None:
    """Each problem on its own line of stderr: red errors, yellow warnings."""
    for problem in problems:
        style = "red" if problem.severity == "error" else "yellow"
        label = _("error:") if problem.severity == "error" else _("warning:")
        err.print(line(Text(label, style=style), " ", safe(problem.format(root))))


def report(result: Built, quiet: bool) -> None:
    """A build's warnings, then (unless quiet) what it wrote, with sizes and times."""
    show(result.warnings, Path.cwd())
    if quiet:
        return
    if result.up_to_date:
        for output in result.outputs:
            out.print(safe(_("{path} is up to date").format(path=shown(output.path))))
        return
    if result.edition is not None:
        pages = sum(o.pages or 0 for o in result.outputs if o.format == "pdf")
        size = counted(len(result.edition.articles), "article", "articles") + (", " + counted(pages, "page", "pages") if pages else "")
        out.print(line(safe(result.edition.title), f": {size}"))
    for output in result.outputs:
        pages = ", " + counted(output.pages, "page", "pages") if output.pages else ""
        out.print(safe(_("wrote {path} ({size:.0f} KiB{pages})").format(path=shown(output.path), size=output.size / 1024, pages=pages)))
    if result.timings:
        laps = " · ".join(f"{_(_LAPS.get(name, name))} {_seconds(seconds)}" for name, seconds in result.timings)
        cache = (
            " · " + _("{rendered} rendered, {reused} from cache").format(rendered=result.rendered, reused=result.reused)
            if result.rendered or result.reused else ""
        )  # fmt: skip
        out.print(_("time: {laps}{cache}").format(laps=laps, cache=cache), style="dim")
    if any(o.format == "pdf" for o in result.outputs):
        preflight_summary(result.preflight)
    errors = [w for w in result.warnings if w.severity == "error"]  # articles --skip-invalid left out
    warnings = [w for w in result.warnings if w.severity != "error"]
    if errors:
        left = len({e.path for e in errors})
        said = _("{articles} left out for {errors} (above)")
        out.print(said.format(articles=counted(left, "article", "articles"), errors=counted(len(errors), "error", "errors")), style="yellow")
    if warnings:
        out.print(counted(len(warnings), "warning", "warnings"), style="yellow")


def preflight_summary(faults: Sequence[Fault]) -> None:
    """What `preflight` found: each fault on a line, then how many, or that there are none."""
    for fault in faults:
        err.print(line(Text(_("preflight:"), style="yellow"), " ", safe(fault)))
    if faults:
        said = _("preflight: {faults} a print shop would send back")
        out.print(said.format(faults=counted(len(faults), "fault", "faults")), style="yellow")
    else:
        out.print(_("preflight: no faults"), style="dim")


class Bars:
    """A rich progress bar per build stage; silent when stderr is not a terminal."""

    LABELS = {"load": N_("reading articles"), "render": N_("rendering sections"), "contents": N_("contents pages"),
              "furniture": N_("page numbers and heads"), "merge": N_("joining the PDF"), "epub": N_("e-book")}  # fmt: skip

    def __init__(self, enabled: bool) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.progress = (
            Progress(TextColumn("{task.description:<24}", markup=False), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err, transient=False)
            if enabled
            else None
        )
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> Bars:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress and self.tasks:
            self.progress.stop()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.progress:
            return
        if not self.tasks:
            # Shown from the first report on (its refresh thread starts here, after the build
            # has started its worker processes): a build with nothing to do shows no bars.
            self.progress.start()
        if stage not in self.tasks:
            self.tasks[stage] = self.progress.add_task(safe(_(self.LABELS.get(stage, stage))).plain, total=total)
        self.progress.update(self.tasks[stage], completed=done, total=total)


def shown(path: Path) -> str:
    """`path` relative to the current folder when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):  # (RuntimeError: a loop of links)
        return str(path)


def guide(mode: str, signature: int | None = None) -> None:
    """How to print and fold an imposed PDF, in the interface's language (a booklet in folded
    groups of sheets is folded group by group, not as one)."""
    from .pdf.impose import PRINTING_GUIDE

    out.print(line(Text(_("How to print:"), style="bold"), " ", _(PRINTING_GUIDE["signatures" if mode == "booklet" and signature else mode]).format(sheets=signature)))
