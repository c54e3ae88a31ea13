"""The project: where a newsroom lives on disk and its validated `pressbook.toml`."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import ConfigError, Problem, validation_message

CONFIG_NAME = "pressbook.toml"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


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
            raise ValueError(f"'{value}' is not a known time zone (e.g. 'Asia/Ho_Chi_Minh')") from None
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
                    f"'{host}' is not a host name such as 'anh.baodienbienphu.info.vn' (or 'host:8080')"
                )
        return hosts


class EpubSettings(_Frozen):
    """How e-books are made."""

    subset_fonts: bool = True


# What `[style]` (in pressbook.toml or a layout's layout.toml) may set: each value goes into CSS,
# so each key has the pattern its value must match.
STYLE_KEYS = {
    "page_size": r"(A[3-6]|B5|letter|legal|\d+(\.\d+)?mm \d+(\.\d+)?mm)( landscape| portrait)?",
    "margin_top": r"\d+(\.\d+)?(mm|cm|in|pt)",
    "margin_bottom": r"\d+(\.\d+)?(mm|cm|in|pt)",
    "margin_inner": r"\d+(\.\d+)?(mm|cm|in|pt)",
    "margin_outer": r"\d+(\.\d+)?(mm|cm|in|pt)",
    "font_size": r"\d+(\.\d+)?pt",
    "line_height": r"\d+(\.\d+)?",
    "columns": r"[1-4]",
    "text_color": r"#[0-9a-fA-F]{3,8}|[a-z]+",
    "accent_color": r"#[0-9a-fA-F]{3,8}|[a-z]+",
    "rule_color": r"#[0-9a-fA-F]{3,8}|[a-z]+",
    "section_break": r"right|page|auto",
    "body_font": r"[\w \-]+",
    "heading_font": r"[\w \-]+",
    "marks": r"none|crop|cross|crop cross",
    "bleed": r"\d+(\.\d+)?(mm|cm|in|pt)",
    "grayscale": r"true|false",
}


def style_value(value: object) -> str:
    """A style value as CSS-ready text (TOML's true/false as 'true'/'false')."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def style_problems(values: object, path: Path | None, text: str = "") -> list[Problem]:
    """Every unknown key or invalid value in a `[style]` table, with its line."""
    if not isinstance(values, dict):
        return []
    problems = []
    for key, value in values.items():
        pattern = STYLE_KEYS.get(key)
        if pattern is None:
            message, hint = f"style key '{key}' is unknown", "known keys: " + ", ".join(sorted(STYLE_KEYS))
        elif not re.fullmatch(pattern, style_value(value)):
            message = f"style value {value!r} is not valid for '{key}'"
            hint = "see README 'Configuration' for what each style key takes"
        else:
            continue
        line = toml_key_line(text, ["style", str(key)]) if text else None
        problems.append(Problem(message, path=path, line=line, field=f"style.{key}", hint=hint))
    return problems


class Config(_Frozen):
    """The whole of `pressbook.toml`, validated once."""

    publication: Publication
    edition: EditionSettings = EditionSettings()
    text: TextSettings = TextSettings()
    imports: ImportSettings = Field(default=ImportSettings(), alias="import")
    style: dict[str, bool | str | int | float] = Field(default_factory=dict)
    epub: EpubSettings = EpubSettings()
    security: SecuritySettings = SecuritySettings()

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
                f"no {CONFIG_NAME} in {project}",
                path=project,
                hint="point --project at a newsroom folder, or create one with 'pressbook new DIR'",
            )
    else:
        here = cwd or Path.cwd()
        found = find_root(here)
        if found is None:
            raise ConfigError(
                f"no {CONFIG_NAME} here or in any parent folder of {here}",
                hint="run inside a newsroom folder, pass --project DIR, or create one with 'pressbook new DIR'",
            )
        root = found
    return Project(root=root, config=load_config(root / CONFIG_NAME))


def load_config(path: Path) -> Config:
    """Read and validate `pressbook.toml`, reporting every bad key at once."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text (byte {exc.start})", path=path, hint="save it as UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", path=path) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"at line (\d+)", str(exc))
        raise ConfigError(
            f"not valid TOML: {exc}", path=path, line=int(match.group(1)) if match else None
        ) from None
    return parse_config(data, path=path, text=text)


def parse_config(data: dict, path: Path | None = None, text: str = "") -> Config:
    """Validate already-parsed config data (the `[style]` values too), reporting every problem."""
    problems = style_problems(data.get("style"), path, text)
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            dotted = ".".join(str(part) for part in err["loc"])
            message = validation_message(err, "Configuration")
            problems.append(
                Problem(
                    f"config value '{dotted}': {message}",
                    path=path,
                    line=toml_key_line(text, [str(p) for p in err["loc"]]),
                )
            )
        raise ConfigError(problems=problems) from None
    if problems:
        raise ConfigError(problems=problems)
    return config


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
