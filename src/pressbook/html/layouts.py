"""The Jinja2 environment: the project's `layouts/` first, the bundled layouts behind it, and
`!default/...` to reach a bundled template from the project's override of it."""

from __future__ import annotations

import dataclasses
import functools
import re
import tomllib
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path, PurePath
from types import ModuleType
from typing import Any, Literal

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup
from pydantic import ValidationError

from .. import i18n
from .headlines import headline
from ..config import LayoutFile, Style, toml_key_line
from ..errors import ConfigError, PressbookError, UsageError, validation_problems
from ..files import LEADS_OUT, is_inside
from ..interface import N_, _

LAYOUT_FILE = "layout.toml"
# Layouts are shared and downloaded: they are rendered in Jinja2's sandbox, which refuses
# Python's internals (`__class__`, `__globals__`, ...) and methods that change data, and here
# also files (paths), modules, and sizes no edition needs (a huge power, repeat or argument).
MAX_LAYOUT_SIZE = 1_000_000  # the largest number a layout may pass as an argument or exponent base
MAX_LAYOUT_TEXT = 10_000_000  # characters (or items) a layout may make by repeating with `*`
_UNNEEDED_GLOBALS = ("cycler", "joiner", "lipsum")
_HINT = N_("check this layout template; layouts run in a sandbox and see only the data pressbook gives them (README 'Making a layout')")


class LayoutSandbox(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox, which also keeps layouts away from files and modules and from
    numbers and repetitions that would stall a build."""

    intercepted_binops = frozenset(["*", "**"])

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """No attribute of a path (it could read or write any file), a module or a class."""
        if isinstance(obj, (PurePath, type, ModuleType)) or isinstance(value, ModuleType):
            return False
        return super().is_safe_attribute(obj, attr, value)

    def is_safe_callable(self, obj: Any) -> bool:
        """No method of a path, module or class, whoever holds it."""
        owner = getattr(obj, "__self__", None)
        if isinstance(owner, (PurePath, type, ModuleType)) or isinstance(obj, ModuleType):
            return False
        return super().is_safe_callable(obj)

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        """`a ** b` and `text * n` within sizes an edition can need."""
        if operator == "**" and _number(right) and abs(right) > 64 and _number(left) and abs(left) > 1:
            raise SecurityError(_("'{left} ** {right}' is too large a number for a layout").format(left=left, right=right))
        if operator == "*":
            for items, times in ((left, right), (right, left)):
                if isinstance(items, (str, list, tuple)) and _number(times) and len(items) * times > MAX_LAYOUT_TEXT:
                    raise SecurityError(
                        _("repeating {count} characters or items {times} times is too much for a layout").format(count=len(items), times=times)
                    )
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        """A call with no number argument larger than a layout can need."""
        _check_sizes(args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_sizes(args: Any, kwargs: Mapping[str, Any]) -> None:
    for value in (*args, *kwargs.values()):
        if _number(value) and abs(value) > MAX_LAYOUT_SIZE:
            raise SecurityError(_("the number {value} is larger than a layout may use ({limit:,})").format(value=value, limit=MAX_LAYOUT_SIZE))


def _sized(function: Any) -> Any:
    """A filter that refuses arguments (after the value it filters) larger than a layout can need."""
    passes = getattr(function, "jinja_pass_arg", None)
    skip = 2 if passes is not None else 1

    @functools.wraps(function)
    def checked(*args: Any, **kwargs: Any) -> Any:
        _check_sizes(args[skip:], kwargs)
        return function(*args, **kwargs)

    return checked


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
        loaders.append(_ProjectLoader(project_layouts))
    loaders += [bundled, jinja2.PrefixLoader({"!default": bundled})]
    env = LayoutSandbox(
        loader=jinja2.ChoiceLoader(loaders),
        extensions=["jinja2.ext.i18n"],
        autoescape=jinja2.select_autoescape(["html", "xhtml", "xml"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=True,
    )
    for name in _UNNEEDED_GLOBALS:
        env.globals.pop(name, None)
    env.filters = {name: _sized(function) for name, function in env.filters.items()}
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


def _outside(path: Path, project_layouts: Path) -> ConfigError | None:
    """The error for a project layout file that is a link to a file outside the project."""
    if is_inside(path, [project_layouts.parent]):
        return None
    return ConfigError(
        _(LEADS_OUT), path=path,
        hint=_("copy the layout's files into layouts/ and remove the link"),
    )  # fmt: skip


class _ProjectLoader(jinja2.FileSystemLoader):
    """The project's templates, read only where they resolve inside the project."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.folder = folder

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None, Any]:
        source, filename, uptodate = super().get_source(environment, template)
        refused = _outside(Path(filename), self.folder) if filename else None
        if refused is not None:
            raise refused
        return source, filename, uptodate


def paragraphs(value: str) -> Markup:
    """Plain text with blank-line-separated paragraphs as escaped <p> elements."""
    parts = [" ".join(p.split()) for p in re.split(r"\n\s*\n", value or "") if p.strip()]
    return Markup("".join(Markup("<p>{}</p>").format(p) for p in parts))


def _layout_file(project_layouts: Path, name: str) -> tuple[Path, LayoutFile] | None:
    """The layout's description file and what it says (the project's before the bundled one)."""
    for folder in (project_layouts / name, bundled_dir() / name):
        path = folder / LAYOUT_FILE
        if path.is_file():
            if folder.parent == project_layouts and (refused := _outside(path, project_layouts)):
                raise refused
            try:
                text = path.read_text(encoding="utf-8")
                data = tomllib.loads(text)
            except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError(_("cannot read the layout description: {reason}").format(reason=exc), path=path) from None
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
            _("unknown layout '{name}'").format(name=name), field="layout",
            hint=_("available: {layouts}").format(layouts=", ".join(available(project_layouts))),
        )
    _path, spec = found
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


_TEMPLATE_SUFFIXES = (".html", ".css", ".xhtml", ".xml", ".txt")


def render(env: jinja2.Environment, template: str, context: Mapping[str, Any]) -> str:
    """Render a template, turning template mistakes into errors that name the file and line."""
    try:
        return env.get_template(template).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise ConfigError(
            _("template error: {error}").format(error=exc.message), path=Path(exc.filename) if exc.filename else None, line=exc.lineno
        ) from None
    except jinja2.TemplateNotFound as exc:
        raise ConfigError(
            _("template '{name}' not found").format(name=exc.name), hint=_("check the layout's files and {% extends %} names")
        ) from None
    except PressbookError:
        raise  # a filter's own clear error (an article's headline, a picture)
    except Exception as exc:  # noqa: BLE001 - what a layout does wrong is the layout's error
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(_TEMPLATE_SUFFIXES)]
        if not frames and not isinstance(exc, jinja2.TemplateError):
            raise  # not raised by a template: pressbook's own bug
        where = frames[-1] if frames else None
        said = _("refused by the sandbox: {error}") if isinstance(exc, SecurityError) else _("template error: {error}")
        text = str(exc) if isinstance(exc, jinja2.TemplateError) else f"{type(exc).__name__}: {exc}"
        raise ConfigError(
            said.format(error=text),
            path=Path(where.filename) if where else None,
            line=where.lineno if where else None,
            hint=_(_HINT),
        ) from None


def css(text: str) -> Markup:
    """CSS text to insert into a <style> element as is (it is built by pressbook, not by articles)."""
    return Markup(text.replace("</", "<\\/"))
