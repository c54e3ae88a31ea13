"""Errors that name the file, line and field at fault and say what to do."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input, located as precisely as we can."""

    message: str
    path: Path | None = None
    line: int | None = None
    field: str | None = None
    hint: str | None = None
    severity: str = "error"  # "error" | "warning"

    def format(self, root: Path | None = None) -> str:
        """Return the one-line form: `file:line: field 'x': message (hint)`."""
        where = ""
        if self.path is not None:
            shown = self.path
            if root is not None:
                try:
                    shown = self.path.resolve().relative_to(root.resolve())
                except ValueError:
                    shown = self.path
            where = str(shown)
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        what = f"field '{self.field}': " if self.field else ""
        text = f"{where}{what}{self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    def __str__(self) -> str:
        return self.format()


class PressbookError(Exception):
    """Base of every error pressbook reports to a user; carries one or more problems."""

    exit_code = 1

    def __init__(
        self,
        message: str | None = None,
        *,
        path: Path | None = None,
        line: int | None = None,
        field: str | None = None,
        hint: str | None = None,
        problems: Sequence[Problem] | None = None,
    ) -> None:
        if problems:
            self.problems: tuple[Problem, ...] = tuple(problems)
        else:
            self.problems = (
                Problem(message or "unknown error", path=path, line=line, field=field, hint=hint),
            )
        super().__init__("\n".join(p.format() for p in self.problems))

    @property
    def problem(self) -> Problem:
        """The first (often the only) problem."""
        return self.problems[0]

    def format(self, root: Path | None = None) -> str:
        """All problems, one per line, paths shown relative to `root` where possible."""
        return "\n".join(p.format(root) for p in self.problems)


class ConfigError(PressbookError):
    """`pressbook.toml` or a manifest is missing, unreadable or invalid."""


class UsageError(PressbookError):
    """An option or argument the user gave cannot be used."""

    exit_code = 2


class ArticleError(PressbookError):
    """An article file cannot be read or does not follow the article format."""


class ImportSourceError(PressbookError):
    """A source given to `pressbook import` cannot be turned into an article."""


class OutputError(PressbookError):
    """An output cannot be written (folder not writable, disk full, ...)."""


class EditionError(PressbookError):
    """An edition cannot be selected or assembled."""


def validation_message(err: Mapping[str, Any], docs: str) -> str:
    """One pydantic validation error in words; `docs` names the README section that lists the keys."""
    kind = err["type"]
    if kind == "extra_forbidden":
        return f"unknown key (check its spelling; see README '{docs}')"
    if kind == "missing":
        return "is required"
    return str(err["msg"]).removeprefix("Value error, ")
