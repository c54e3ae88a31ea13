"""What pressbook prints on a terminal: problems, the end-of-build report, progress bars."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape

from .errors import Problem

if TYPE_CHECKING:
    from .build import Built
    from .pdf.preflight import Fault

# No markup unless a call asks for it, and then user text is escaped: a title or a file name
# written "[bold]" or "[a, b]" is printed as it is.
out = Console(highlight=False, soft_wrap=True, markup=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)


def show(problems: tuple[Problem, ...] | list[Problem], root: Path | None) -> None:
    """Each problem on its own line of stderr: red errors, yellow warnings."""
    for problem in problems:
        style = "red" if problem.severity == "error" else "yellow"
        label = "error" if problem.severity == "error" else "warning"
        err.print(f"[{style}]{label}:[/{style}] {escape(problem.format(root))}", markup=True, highlight=False)


def report(result: Built, quiet: bool) -> None:
    """A build's warnings, then (unless quiet) what it wrote, with sizes and times."""
    show(result.warnings, Path.cwd())
    if quiet:
        return
    if result.up_to_date:
        for output in result.outputs:
            out.print(f"{shown(output.path)} is up to date")
        return
    if result.edition is not None:
        pages = sum(o.pages or 0 for o in result.outputs if o.format == "pdf")
        size = f"{len(result.edition.articles)} articles" + (f", {pages} pages" if pages else "")
        out.print(f"{result.edition.title}: {size}")
    for output in result.outputs:
        pages = f", {output.pages} pages" if output.pages else ""
        out.print(f"wrote {shown(output.path)} ({output.size / 1024:.0f} KiB{pages})")
    if result.timings:
        laps = " · ".join(f"{name} {seconds:.1f} s" for name, seconds in result.timings)
        cache = f" · {result.rendered} rendered, {result.reused} from cache" if result.rendered or result.reused else ""
        out.print(f"time: {laps}{cache}", style="dim")
    if any(o.format == "pdf" for o in result.outputs):
        preflight_summary(result.preflight)
    if result.warnings:
        out.print(f"{len(result.warnings)} warnings", style="yellow")


def preflight_summary(faults: Sequence[Fault]) -> None:
    """What `preflight` found: each fault on a line, then how many, or that there are none."""
    for fault in faults:
        err.print(f"[yellow]preflight:[/yellow] {escape(str(fault))}", markup=True)
    if faults:
        out.print(f"preflight: {len(faults)} {'fault' if len(faults) == 1 else 'faults'} a print shop would send back", style="yellow")
    else:
        out.print("preflight: no faults", style="dim")


class Bars:
    """A rich progress bar per build stage; silent when stderr is not a terminal."""

    LABELS = {"load": "reading articles", "render": "rendering sections", "contents": "contents pages",
              "furniture": "page numbers and heads", "merge": "joining the PDF", "epub": "e-book"}  # fmt: skip

    def __init__(self, enabled: bool) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.progress = (
            Progress(TextColumn("{task.description:<24}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err, transient=False)
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
            self.tasks[stage] = self.progress.add_task(self.LABELS.get(stage, stage), total=total)
        self.progress.update(self.tasks[stage], completed=done, total=total)


def shown(path: Path) -> str:
    """`path` relative to the current folder when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def guide(mode: str) -> None:
    """How to print and fold an imposed PDF, in Vietnamese and English."""
    from .pdf.impose import PRINTING_GUIDE

    out.print(f"[bold]Cách in / how to print:[/bold] {PRINTING_GUIDE[mode]}", markup=True)
