"""What a build or a print is asked to do, as one frozen value each, checked when made."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .errors import UsageError
from .interface import _

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
        raise UsageError(
            _("unknown format '{format}'").format(format=",".join(unknown) or value),
            field="format",
            hint=_("choose from {choices}").format(choices=", ".join(FORMATS)),
        )
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
    cluster: str | None = None  # a Dask scheduler (tcp://HOST:PORT) rendering the pages instead

    def __post_init__(self) -> None:
        object.__setattr__(self, "formats", parse_formats(self.formats))
        object.__setattr__(self, "sections", tuple(self.sections))
        object.__setattr__(self, "tags", tuple(self.tags))
        if self.pdf_variant is not None and self.pdf_variant not in PDF_VARIANTS:
            raise UsageError(
                _("unknown PDF variant '{variant}'").format(variant=self.pdf_variant),
                field="pdf-variant",
                hint=_("choose from {choices}").format(choices=", ".join(PDF_VARIANTS)),
            )
        if self.impose is not None:
            from .pdf.impose import check_mode

            check_mode(self.impose)
        if self.jobs is not None and self.jobs < 1:
            raise UsageError(_("--jobs must be at least 1"), field="jobs")

    def key(self) -> dict[str, Any]:
        """What decides the outputs' bytes (every option but how the work is done: `jobs`,
        `use_cache`, `cluster`; a cluster makes the same bytes)."""
        values = dataclasses.asdict(self)
        for how in ("jobs", "use_cache", "cluster"):
            del values[how]
        for unordered in ("formats", "sections", "tags"):  # --format epub,pdf builds what pdf,epub does
            values[unordered] = sorted(values[unordered])
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
