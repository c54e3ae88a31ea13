"""Every edition of a stretch of the archive in one command: `build --issue 2017 --each month`
(or week, day; or a range such as `--issue 2016-12..2017-02`), with one pool of workers and one
cache shared by all of them. A failure in one edition is reported and the others are still built."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import date, timedelta

from . import build as builder
from .cache import project_cache
from .config import Project
from .edition import Period, parse_issue
from .errors import ClusterLost, PressbookError, Problem, UsageError
from .interface import N_, _
from .options import BuildOptions

EACH = {"month": N_("month"), "week": N_("week"), "day": N_("day")}


@dataclass(frozen=True)
class Made:
    """One edition of the archive: what was built, or why it was not."""

    issue: str
    built: builder.Built | None
    problems: tuple[Problem, ...]
    seconds: float

    @property
    def failed(self) -> bool:
        return self.built is None


def span(spec: str | None) -> tuple[date, date]:
    """The days an `--issue` value covers, a range "FROM..TO" included (both ends whole)."""
    if spec and ".." in spec:
        first, _sep, last = spec.partition("..")
        start, end = parse_issue(first.strip()), parse_issue(last.strip())
        if end.end <= start.start:
            raise UsageError(_("--issue '{issue}': the range ends before it begins").format(issue=spec), hint=_("write it as FROM..TO, e.g. 2016-12..2017-02"))
        return start.start, end.end
    period: Period = parse_issue(spec)
    if period.kind == "all":
        raise UsageError(_("--each needs an --issue to divide (a year, a month, or FROM..TO)"), hint=_("e.g. --issue 2017 --each month"))
    return period.start, period.end


def issues(spec: str | None, each: str) -> list[str]:
    """The editions `each` divides the `--issue` value into, in order."""
    if each not in EACH:
        raise UsageError(_("--each must be month, week or day, not '{each}'").format(each=each))
    start, end = span(spec)
    found: list[str] = []
    day = start
    while day < end:
        if each == "month":
            found.append(f"{day:%Y-%m}")
            day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        elif each == "week":
            year, week, weekday = day.isocalendar()
            found.append(f"{year}-W{week:02d}")
            day += timedelta(days=8 - weekday)
        else:
            found.append(day.isoformat())
            day += timedelta(days=1)
    return found


def _filed_in(project: Project, problem: Problem) -> str | None:
    """The month folder (YYYY-MM) a broken article is filed in, or None when it is elsewhere."""
    if problem.path is None:
        return None
    try:
        parts = problem.path.resolve().relative_to(project.articles_dir.resolve()).parts
    except (ValueError, OSError):
        return None
    return f"{parts[0]}-{parts[1]}" if len(parts) >= 3 and parts[0].isdigit() and parts[1].isdigit() else None


def _months(period: Period) -> list[str]:
    found, day = [], period.start
    while day < period.end:
        found.append(f"{day:%Y-%m}")
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return found


def build_each(project: Project, options: BuildOptions, each: str, progress: builder.Progress | None = None) -> list[Made]:
    """Build every edition `each` divides `options.issue` into, those with articles; one pool of
    workers and one cache serve them all."""
    from .articles import load_articles

    wanted = issues(options.issue, each)
    loaded = load_articles(project.articles_dir, project.config.tz, project.root)
    dated = {a.date.astimezone(project.config.tz).date() for a in loaded.articles}
    periods = [parse_issue(issue) for issue in wanted]
    chosen = [p.id for p in periods if any(p.start <= day < p.end for day in dated)]
    renderer = None
    if "pdf" in options.formats:
        from .pdf.pool import start_renderer

        cache = project_cache(project.root, options.use_cache)
        renderer = start_renderer(cache, options.jobs, None, cluster=options.cluster or project.config.cluster.scheduler)
    made: list[Made] = []
    try:
        for number, issue in enumerate(chosen):
            if progress:
                progress("editions", number, len(chosen))
            started = time.perf_counter()
            counts = (renderer.rendered, renderer.reused) if renderer is not None else (0, 0)
            # A broken article stops its own edition (by the month folder it is filed in), not
            # the others: they are built without it, as with --skip-invalid.
            own = [p for p in loaded.problems if _filed_in(project, p) in (None, *_months(parse_issue(issue)))]
            if own and not options.skip_invalid:
                made.append(Made(issue, None, tuple(own), time.perf_counter() - started))
                continue
            try:
                built = builder.build(project, replace(options, issue=issue, skip_invalid=True), None, renderer=renderer)
            except ClusterLost:
                raise  # no edition left can be built there
            except PressbookError as exc:
                made.append(Made(issue, None, exc.problems, time.perf_counter() - started))
                continue
            if renderer is not None and not built.up_to_date:  # this edition's share of the shared pool's work
                built = replace(built, rendered=renderer.rendered - counts[0], reused=renderer.reused - counts[1])
            made.append(Made(issue, built, built.warnings, time.perf_counter() - started))
        if progress:
            progress("editions", len(chosen), len(chosen))
    finally:
        if renderer is not None:
            renderer.close()
    return made
