"""The Jinja2 environment: the project's `layouts/` first, the bundled layouts behind it, and
`!default/...` to reach a bundled template from the project's override of it."""

from __future__ import annotations

import dataclasses
import re
import tomllib
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import jinja2
from markupsafe import Markup
from pydantic import ValidationError

from .. import i18n
from .headlines import headline
from ..config import LayoutFile, Style, toml_key_line
from ..errors import ConfigError, UsageError, validation_problems

LAYOUT_FILE = "layout.toml"


@dataclass(frozen=True)
class Layout:
    """A named layout: its main template, where its notes go, whether it renders in pieces, and
    its style (the defaults, the layout's own values, then the project's)."""

    name: str
    template: str
    style: Style
    notes: Literal["print", "endnotes"] = "print"  # foot of the page, or after each article
    pieces: bool = False  # the template can render the edition in pieces (see pdf/pieces.py)

    @property
    def grayscale(self) -> bool:
        """Whether pictures are printed as grey copies (`[style] grayscale`, `--grayscale`)."""
        return self.style.grayscale


def bundled_dir() -> Path:
    """The layouts shipped inside the package."""
    return Path(str(resources.files("pressbook") / "layouts"))


@lru_cache(maxsize=8)
def environment(project_layouts: Path, language: str) -> jinja2.Environment:
    """Templates from the project's layouts/, then the bundled ones; `!default/` names the latter."""
    bundled = jinja2.FileSystemLoader(bundled_dir())
    loaders: list[jinja2.BaseLoader] = []
    if project_layouts.is_dir():
        loaders.append(jinja2.FileSystemLoader(project_layouts))
    loaders += [bundled, jinja2.PrefixLoader({"!default": bundled})]
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        extensions=["jinja2.ext.i18n"],
        autoescape=jinja2.select_autoescape(["html", "xhtml", "xml"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=True,
    )
    env.globals["labels"] = i18n.labels(language)
    # Layouts may also write {{ _("Contents") }}: the same Babel catalogs, through Jinja's i18n.
    env.install_gettext_translations(i18n.translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.globals["lang"] = language
    env.filters["long_date"] = lambda d: i18n.long_date(d, language)
    env.filters["dateline"] = lambda d: i18n.dateline(d, language)
    env.filters["short_date"] = lambda d: i18n.short_date(d, language)
    env.filters["paragraphs"] = paragraphs
    env.filters["headline"] = headline
    return env


def paragraphs(value: str) -> Markup:
    """Plain text with blank-line-separated paragraphs as escaped <p> elements."""
    parts = [" ".join(p.split()) for p in re.split(r"\n\s*\n", value or "") if p.strip()]
    return Markup("".join(Markup("<p>{}</p>").format(p) for p in parts))


def _layout_file(project_layouts: Path, name: str) -> tuple[Path, LayoutFile] | None:
    """The layout's description file and what it says (the project's before the bundled one)."""
    for folder in (project_layouts / name, bundled_dir() / name):
        path = folder / LAYOUT_FILE
        if path.is_file():
            try:
                text = path.read_text(encoding="utf-8")
                data = tomllib.loads(text)
            except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError(f"cannot read the layout description: {exc}", path=path) from None
            try:
                return path, LayoutFile.model_validate(data)
            except ValidationError as exc:
                raise ConfigError(
                    problems=validation_problems(
                        exc, path=path, line_of=lambda loc: toml_key_line(text, [str(p) for p in loc]),
                        model=LayoutFile, docs="Making a layout",
                    )  # fmt: skip
                ) from None
    return None


def available(project_layouts: Path) -> list[str]:
    """Names of the layouts a project with these `layouts/` can use."""
    names = set()
    for folder in (bundled_dir(), project_layouts):
        if folder.is_dir():
            names |= {p.parent.name for p in folder.glob(f"*/{LAYOUT_FILE}")}
    return sorted(names)


def load_layout(project_layouts: Path, name: str, project_style: Style) -> Layout:
    """The layout called `name`, its style the layout's values with the project's over them."""
    found = _layout_file(project_layouts, name)
    if found is None:
        raise UsageError(
            f"unknown layout '{name}'", field="layout", hint="available: " + ", ".join(available(project_layouts))
        )
    _, spec = found
    return Layout(
        name=name,
        template=spec.template or f"{name}/edition.html",
        style=project_style.over(spec.style),
        notes=spec.notes,
        pieces=spec.pieces,
    )


def for_printing(layout: Layout, marks: str | None = None, bleed: str | None = None, grayscale: bool = False) -> Layout:
    """The layout with print-shop options: crop marks, bleed, grey only."""
    extra: dict[str, object] = {}
    if marks:
        extra["marks"] = marks
    if bleed:
        extra["bleed"] = bleed
    if grayscale:
        extra["grayscale"] = True
    if not extra:
        return layout
    try:
        printing = Style.model_validate(extra)
    except ValidationError as exc:
        raise UsageError(problems=validation_problems(exc, path=None)) from None
    return dataclasses.replace(layout, style=printing.over(layout.style))


def render(env: jinja2.Environment, template: str, context: Mapping[str, Any]) -> str:
    """Render a template, turning template mistakes into errors that name the file and line."""
    try:
        return env.get_template(template).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise ConfigError(
            f"template error: {exc.message}", path=Path(exc.filename) if exc.filename else None, line=exc.lineno
        ) from None
    except jinja2.TemplateNotFound as exc:
        raise ConfigError(f"template '{exc.name}' not found", hint="check the layout's files and {% extends %} names") from None
    except jinja2.TemplateError as exc:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith((".html", ".css", ".xhtml"))]
        where = frames[-1] if frames else None
        raise ConfigError(
            f"template error: {exc}",
            path=Path(where.filename) if where else None,
            line=where.lineno if where else None,
        ) from None


def css(text: str) -> Markup:
    """CSS text to insert into a <style> element as is (it is built by pressbook, not by articles)."""
    return Markup(text.replace("</", "<\\/"))
