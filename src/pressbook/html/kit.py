"""What rendering needs from a project, resolved once into one frozen value: the layout and its
style, the fonts, the picture rules, the words and dates of the paper's language, the moment an
edition is dated. The PDF and the e-book are made from a `Kit` and an `Edition`; neither goes
back to the project."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from .. import i18n, images
from ..articles import MAX_YEAR, MIN_YEAR
from ..config import EpubSettings, Project, Publication, Style
from ..errors import UsageError
from ..interface import _
from . import fonts as fontlib
from . import layouts

if TYPE_CHECKING:
    import jinja2


@dataclass(frozen=True)
class Kit:
    """Everything the renderers take from the project, checked and resolved."""

    root: Path  # the project folder (the renderer's base URL)
    publication: Publication
    tz: ZoneInfo
    default_section: str
    layout: layouts.Layout  # the print layout, its style merged with the project's and the print options
    style: Style  # the project's own [style] over the defaults (the e-book's colours and families)
    fonts: fontlib.FontSet
    pictures: images.Policy
    layouts_dir: Path  # the project's templates, in front of the bundled ones
    epub: EpubSettings
    epoch: int | None = None  # SOURCE_DATE_EPOCH, read once: dates every output when set

    @property
    def language(self) -> str:
        """The language of the layouts' words and dates ("vi" or "en")."""
        return self.publication.language

    @property
    def labels(self) -> dict[str, str]:
        """The layouts' fixed words in the paper's language, by key."""
        return i18n.labels(self.language)

    @property
    def templates(self) -> jinja2.Environment:
        """The Jinja2 environment: the project's layouts/ before the bundled ones."""
        return layouts.environment(self.layouts_dir, self.language)

    @cached_property
    def readable(self) -> tuple[Path, ...]:
        """Folders the renderer may read: the project, the bundled layouts and fonts, and
        pressbook's own copies of pictures (downloads from allowed hosts, grey versions)."""
        return (self.root.resolve(), layouts.bundled_dir().resolve(), *self.fonts.folders, self.pictures.cache.resolve())

    @property
    def base_url(self) -> str:
        """The URL relative addresses in the print HTML are read against."""
        return self.root.resolve().as_uri() + "/"

    def moment(self, day: date) -> datetime:
        """When an output of `day` is dated: SOURCE_DATE_EPOCH when set (reproducible builds), else
        the start of that day in the paper's time zone."""
        if self.epoch is not None:
            return datetime.fromtimestamp(self.epoch, tz=timezone.utc)
        return datetime.combine(day, time(), tzinfo=self.tz)


def make_kit(
    project: Project,
    layout: str | None = None,
    *,
    marks: str | None = None,
    bleed: str | None = None,
    grayscale: bool = False,
) -> Kit:
    """The kit of a project for one layout (default: the project's) and its print options."""
    config = project.config
    chosen = layouts.load_layout(project.layouts_dir, layout or config.edition.layout, config.style)
    epoch = source_date_epoch(os.environ.get("SOURCE_DATE_EPOCH", ""))
    return Kit(
        root=project.root,
        publication=config.publication,
        tz=config.tz,
        default_section=config.edition.default_section,
        layout=layouts.for_printing(chosen, marks, bleed, grayscale),
        style=config.style,
        fonts=fontlib.load_fonts(project.fonts_dir),
        pictures=images.policy(project),
        layouts_dir=project.layouts_dir,
        epub=config.epub,
        epoch=epoch,
    )


def source_date_epoch(value: str) -> int | None:
    """SOURCE_DATE_EPOCH as seconds since 1970, None when unset; a usage error unless it is a
    whole number of seconds within the years an article may be dated in."""
    value = value.strip()
    if not value:
        return None
    first = datetime(MIN_YEAR, 1, 1, tzinfo=timezone.utc).timestamp()
    last = datetime(MAX_YEAR + 1, 1, 1, tzinfo=timezone.utc).timestamp() - 1
    if not re.fullmatch(r"-?\d{1,20}", value) or not first <= int(value) <= last:
        raise UsageError(
            _("SOURCE_DATE_EPOCH '{value}' is not a time in the years {first} to {last}").format(value=value, first=MIN_YEAR, last=MAX_YEAR),
            hint=_("give whole seconds since 1970-01-01 UTC, e.g. 1483228800 for 2017-01-01, or unset it"),
        )
    return int(value)
