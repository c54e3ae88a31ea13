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
from typing import Any

import jinja2
from markupsafe import Markup

from . import i18n
from .config import Project, style_problems, style_value
from .errors import ConfigError, UsageError

LAYOUT_FILE = "layout.toml"


@dataclass(frozen=True)
class Layout:
    """A named layout: its main template, what it is, and its style defaults."""

    name: str
    template: str
    title: str
    style: Mapping[str, str]
    notes: str = "print"  # "print" (foot of the page) or "endnotes" (after the article)
    chunks: bool = False  # the template can render its parts apart (see chunks.py)

    @property
    def grayscale(self) -> bool:
        """Whether pictures are printed as grey copies (`[style] grayscale`, `--grayscale`)."""
        return self.style.get("grayscale") == "true"


def bundled_dir() -> Path:
    """The layouts shipped inside the package."""
    return Path(str(resources.files("pressbook") / "layouts"))


def environment(project: Project) -> jinja2.Environment:
    """Templates from the project's layouts/, then the bundled ones; `!default/` names the latter."""
    return _environment(project.layouts_dir, project.config.publication.language)


@lru_cache(maxsize=8)
def _environment(project_layouts: Path, language: str) -> jinja2.Environment:
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
    return env


def paragraphs(value: str) -> Markup:
    """Plain text with blank-line-separated paragraphs as escaped <p> elements."""
    parts = [" ".join(p.split()) for p in re.split(r"\n\s*\n", value or "") if p.strip()]
    return Markup("".join(Markup("<p>{}</p>").format(p) for p in parts))


def _layout_toml(project: Project, name: str) -> tuple[Path | None, str, dict[str, Any]]:
    """The layout's description file, its text and its data (None, "", {} when there is none)."""
    for folder in (project.layouts_dir / name, bundled_dir() / name):
        path = folder / LAYOUT_FILE
        if path.is_file():
            try:
                text = path.read_text(encoding="utf-8")
                return path, text, tomllib.loads(text)
            except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError(f"cannot read the layout description: {exc}", path=path) from None
    return None, "", {}


def available(project: Project) -> list[str]:
    """Names of the layouts this project can use."""
    names = set()
    for folder in (bundled_dir(), project.layouts_dir):
        if folder.is_dir():
            names |= {p.parent.name for p in folder.glob(f"*/{LAYOUT_FILE}")}
    return sorted(names)


def validate_style(values: Mapping[str, Any], source: Path | None, text: str = "") -> dict[str, str]:
    """Style values checked against what each key may hold (they go into CSS), as CSS text;
    `text` is the source's text, for line numbers."""
    problems = style_problems(dict(values), source, text)
    if problems:
        raise ConfigError(problems=problems)
    return {key: style_value(value) for key, value in values.items()}


def load_layout(project: Project, name: str | None) -> Layout:
    """The layout called `name` (default: the project's), with its style merged with the config's."""
    name = name or project.config.edition.layout
    path, text, data = _layout_toml(project, name)
    if not data:
        raise UsageError(
            f"unknown layout '{name}'", field="layout", hint="available: " + ", ".join(available(project))
        )
    style = validate_style(data.get("style", {}), path, text)
    # The config's own [style] was checked when it was read.
    style.update({key: style_value(value) for key, value in project.config.style.items()})
    notes = "endnotes" if data.get("notes") == "endnotes" else "print"
    return Layout(
        name=name,
        template=str(data.get("template", f"{name}/edition.html")),
        title=str(data.get("title", name)),
        style=style,
        notes=notes,
        chunks=bool(data.get("chunks", False)),
    )


def for_printing(layout: Layout, marks: str | None = None, bleed: str | None = None, grayscale: bool = False) -> Layout:
    """The layout with print-shop options: crop marks, bleed, grey only."""
    extra: dict[str, str] = {}
    if marks:
        extra["marks"] = marks
    if bleed:
        extra["bleed"] = bleed
    if grayscale:
        extra["grayscale"] = "true"
    if not extra:
        return layout
    try:
        checked = validate_style(extra, None)
    except ConfigError as exc:
        raise UsageError(problems=exc.problems) from None
    return dataclasses.replace(layout, style={**layout.style, **checked})


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
