"""The project: where a newsroom lives on disk and its validated `pressbook.toml`."""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from .errors import ConfigError, validation_problems
from .interface import N_, _, reason

CONFIG_NAME = "pressbook.toml"


def no_controls(value: Any) -> Any:
    """A text value (or list of them) with no control character in it: a page cannot show one,
    and the XML of the e-book and of poppler's reading cannot hold one (tabs and newlines pass)."""
    import unicodedata

    strings = [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)] if isinstance(value, (list, tuple)) else []
    for string in strings:
        bad = next((c for c in string if unicodedata.category(c) in ("Cc", "Cs") and c not in "\t\n\r" or c in "\ufffe\uffff"), None)
        if bad is not None:
            raise ValueError(
                _("holds the control character U+{code:04X}, which no page can show (remove it)").format(code=ord(bad))
            )
    return value


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    @field_validator("*")
    @classmethod
    def _printable(cls, value: Any) -> Any:
        return no_controls(value)


class Publication(_Frozen):
    """Who publishes: shown on covers, in PDF metadata and in the EPUB."""

    name: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    language: Literal["vi", "en"] = "vi"
    timezone: str = "Asia/Ho_Chi_Minh"
    lead_tag: str | None = None
    website: str | None = None
    licence: str | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(_("'{value}' is not a known time zone (e.g. 'Asia/Ho_Chi_Minh')").format(value=value)) from None
        return value


class EditionSettings(_Frozen):
    """How editions are put together by default."""

    layout: str = "bulletin"
    sections: tuple[str, ...] = ()
    default_section: str = "Tin tức"


class TextSettings(_Frozen):
    """Vietnamese text rules the newsroom keeps."""

    tone_style: Literal["keep", "old", "new"] = "keep"


class ImportSettings(_Frozen):
    """Extra knowledge for `pressbook import`."""

    chrome: tuple[str, ...] = ()


class SecuritySettings(_Frozen):
    """What pressbook may reach beyond the project folder."""

    allow_hosts: tuple[str, ...] = ()  # web hosts whose pictures may be downloaded

    @field_validator("allow_hosts")
    @classmethod
    def _host_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        hosts = tuple(host.strip().lower() for host in value)
        for host in hosts:
            if not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?", host):
                raise ValueError(
                    _("'{host}' is not a host name such as 'anh.baodienbienphu.info.vn' (or 'host:8080')").format(host=host)
                )
        return hosts


class EpubSettings(_Frozen):
    """How e-books are made."""

    subset_fonts: bool = True


class ClusterSettings(_Frozen):
    """Where a build's pages are rendered when not on this machine: a Dask scheduler."""

    scheduler: str | None = None  # tcp://HOST:PORT; --cluster overrides it


def _toml(value: object) -> str:
    """A value as it is written in TOML, for messages: "9.5pt", 3, true."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (str, bool, int, float)) else repr(value)


def _css(pattern: str, example: str) -> Any:
    """A style value that goes into CSS: TOML text or a number, matching `pattern`, as text."""

    def check(value: object, info: ValidationInfo) -> str:
        text = str(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else None
        if text is None or not re.fullmatch(pattern, text):
            raise ValueError(
                _("style value {value} is not valid for '{key}' (write it like {example})").format(
                    value=_toml(value), key=info.field_name, example=_(example)
                )
            )
        return text

    return BeforeValidator(check)


def _switch(value: object, info: ValidationInfo) -> bool:
    """true or false, in TOML or as the words."""
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise ValueError(
        _("style value {value} is not valid for '{key}' (write true or false)").format(value=_toml(value), key=info.field_name)
    )


_LENGTH = r"\d+(\.\d+)?(mm|cm|in|pt)"
_COLOUR = r"#[0-9a-fA-F]{3,8}|[a-z]+"
_FAMILY = r"[\w \-]+"


class Style(_Frozen):
    """Page geometry, type and colours, checked before they reach the CSS. The one set of
    defaults: a layout's `layout.toml` sets some values over them, the project's `[style]`
    over those, and print options (`--marks`, `--bleed`, `--grayscale`) last."""

    page_size: Annotated[str, _css(r"(A[3-6]|B5|letter|legal|\d+(\.\d+)?mm \d+(\.\d+)?mm)( landscape| portrait)?", N_('"A5", "A4 landscape" or "148mm 210mm"'))] = "A5"
    margin_top: Annotated[str, _css(_LENGTH, '"15mm"')] = "16mm"
    margin_bottom: Annotated[str, _css(_LENGTH, '"17mm"')] = "18mm"
    margin_inner: Annotated[str, _css(_LENGTH, '"17mm"')] = "18mm"  # the spine side
    margin_outer: Annotated[str, _css(_LENGTH, '"13mm"')] = "14mm"
    font_size: Annotated[str, _css(r"\d+(\.\d+)?pt", '"9.5pt"')] = "10pt"
    line_height: Annotated[str, _css(r"\d+(\.\d+)?", '"1.38"')] = "1.4"
    columns: Annotated[str, _css(r"[1-4]", N_('"1", "2", "3" or "4"'))] = "1"
    text_color: Annotated[str, _css(_COLOUR, '"#1a1a1a"')] = "#1a1a1a"
    accent_color: Annotated[str, _css(_COLOUR, '"#9b1c1c"')] = "#9b1c1c"
    rule_color: Annotated[str, _css(_COLOUR, '"#8a8a8a"')] = "#8a8a8a"
    section_break: Annotated[str, _css(r"right|page|auto", N_('"page", "right" or "auto"'))] = "page"
    body_font: Annotated[str | None, _css(_FAMILY, '"Noto Serif"')] = None  # None: the fonts' body family
    heading_font: Annotated[str | None, _css(_FAMILY, '"Noto Sans"')] = None  # None: the fonts' heading family
    marks: Annotated[str | None, _css(r"none|crop|cross|crop cross", N_('"crop", "cross" or "crop cross"'))] = None
    bleed: Annotated[str | None, _css(_LENGTH, '"3mm"')] = None
    grayscale: Annotated[bool, BeforeValidator(_switch)] = False

    def over(self, base: Style) -> Style:
        """These values where they were set, `base`'s elsewhere."""
        return Style.model_validate({**base.model_dump(exclude_unset=True), **self.model_dump(exclude_unset=True)})

    def get(self, key: str, default: str | None = None) -> str | None:
        """A value as CSS text, or `default` for a key that has none (layouts written before the
        style was typed read it so: `style.get("columns", "1")`)."""
        value = getattr(self, key, None) if key in Style.model_fields else None
        if value is None:
            return default
        return ("true" if value else "false") if isinstance(value, bool) else value


class LayoutFile(_Frozen):
    """A layout's `layout.toml`: what it is, its main template, and its style over the defaults."""

    title: str = ""  # what the layout is for, for people reading the file
    template: str | None = None  # default: "<name>/edition.html"
    notes: Literal["print", "endnotes"] = "print"  # foot of the page, or after each article
    pieces: bool = False  # the template can render the edition in pieces (see pdf/pieces.py)
    style: Style = Style()


class Config(_Frozen):
    """The whole of `pressbook.toml`, validated once."""

    publication: Publication
    edition: EditionSettings = EditionSettings()
    text: TextSettings = TextSettings()
    imports: ImportSettings = Field(default=ImportSettings(), alias="import")
    style: Style = Style()
    epub: EpubSettings = EpubSettings()
    security: SecuritySettings = SecuritySettings()
    cluster: ClusterSettings = ClusterSettings()

    @property
    def tz(self) -> ZoneInfo:
        """The project's time zone, in which dates without an offset are read."""
        return ZoneInfo(self.publication.timezone)


@dataclass(frozen=True)
class Project:
    """A newsroom folder: its config and the folders it keeps articles, layouts and fonts in."""

    root: Path
    config: Config

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def articles_dir(self) -> Path:
        return self.root / "articles"

    @property
    def layouts_dir(self) -> Path:
        return self.root / "layouts"

    @property
    def fonts_dir(self) -> Path:
        return self.root / "fonts"

    @property
    def issues_dir(self) -> Path:
        return self.root / "issues"

    @cached_property
    def build_dir(self) -> Path:
        return self.root / "build"

    def relative(self, path: Path) -> Path:
        """`path` relative to the project root when it is inside it, else unchanged."""
        try:
            return path.resolve().relative_to(self.root.resolve())
        except ValueError:
            return path


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` holding a `pressbook.toml`."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return None


def load_project(project: Path | None = None, cwd: Path | None = None) -> Project:
    """Load the project named by `project`, or the one around `cwd`."""
    if project is not None:
        root = project.resolve()
        if not (root / CONFIG_NAME).is_file():
            raise ConfigError(
                _("no {config} in {project}").format(config=CONFIG_NAME, project=project),
                path=project,
                hint=_("point --project at a newsroom folder, or create one with 'pressbook new DIR'"),
            )
    else:
        here = cwd or Path.cwd()
        found = find_root(here)
        if found is None:
            raise ConfigError(
                _("no {config} here or in any parent folder of {folder}").format(config=CONFIG_NAME, folder=here),
                hint=_("run inside a newsroom folder, pass --project DIR, or create one with 'pressbook new DIR'"),
            )
        root = found
    return Project(root=root, config=load_config(root / CONFIG_NAME))


def load_config(path: Path) -> Config:
    """Read and validate `pressbook.toml`, reporting every bad key at once."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            _("not UTF-8 text (byte {byte})").format(byte=exc.start), path=path, hint=_("save it as UTF-8")
        ) from None
    except OSError as exc:
        raise ConfigError(_("cannot read: {reason}").format(reason=reason(exc)), path=path) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"at line (\d+)", str(exc))
        raise ConfigError(
            _("not valid TOML: {reason}").format(reason=exc), path=path, line=int(match.group(1)) if match else None
        ) from None
    return parse_config(data, path=path, text=text)


def parse_config(data: dict, path: Path | None = None, text: str = "") -> Config:
    """Validate already-parsed config data (the `[style]` values too), reporting every problem."""
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(
            problems=validation_problems(
                exc, path=path, line_of=lambda loc: toml_key_line(text, [str(p) for p in loc]), model=Config,
                docs="Configuration",
            )
        ) from None


def toml_key_line(text: str, loc: list[str]) -> int | None:
    """Best-effort line of a dotted key in TOML text: the key itself, else its nearest table."""
    best, best_len = None, 0
    table: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.match(r"^\[+\s*([^\]]+?)\s*\]+", stripped)
        key = re.match(r'^"?([A-Za-z0-9_\-]+)"?\s*=', stripped)
        if header:
            table = [part.strip().strip('"') for part in header.group(1).split(".")]
            full = table
        elif key:
            full = [*table, key.group(1)]
        else:
            continue
        if full == loc[: len(full)] and len(full) > best_len:
            best, best_len = number, len(full)
    return best
