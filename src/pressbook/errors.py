"""Errors that name the file, line and field at fault and say what to do."""

from __future__ import annotations

import os

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .interface import N_, _

if TYPE_CHECKING:
    from pydantic import ValidationError


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
        """Return the one-line form: `file:line: field 'x': message (hint)`, in the interface's
        language (a message or hint given as a marked constant, e.g. `files.LEADS_OUT`, is
        translated here; one already translated is left as it is)."""
        where = ""
        if self.path is not None:
            shown = self.path
            if root is not None:
                # The path as written, made absolute without following links: a problem with a
                # link names the link (and a loop of links cannot stop the message).
                try:
                    shown = Path(os.path.abspath(self.path)).relative_to(os.path.abspath(root))
                except ValueError:
                    try:
                        shown = Path(os.path.abspath(self.path)).relative_to(root.resolve())
                    except (ValueError, OSError, RuntimeError):
                        shown = self.path
            where = str(shown)
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        what = _("field '{field}': ").format(field=self.field) if self.field else ""
        text = f"{where}{what}{_(self.message)}"
        if self.hint:
            text += f" ({_(self.hint)})"
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
                Problem(message or _("unknown error"), path=path, line=line, field=field, hint=hint),
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


class ClusterError(PressbookError):
    """A piece could not be rendered on the Dask cluster the build was sent to."""


class ClusterLost(ClusterError):
    """The Dask scheduler went away during a build: nothing more can be rendered there, so an
    archive build stops rather than failing every edition left."""


# pydantic's error types in an editor's words: what is wrong, and what to write instead (marked
# for the catalog; translated where a problem is made).
_WORDS = {
    "missing": (N_("is missing"), N_("add it")),
    "extra_forbidden": (N_("is not a known key"), N_("check its spelling")),  # worded with `noun` below
    "string_type": (N_("expected text"), N_("write it in quotes")),
    "string_too_short": (N_("must not be empty"), N_("write the text in quotes")),
    "int_type": (N_("expected a whole number"), N_("write digits only, e.g. 3")),
    "int_parsing": (N_("expected a whole number"), N_("write digits only, e.g. 3")),
    "int_from_float": (N_("expected a whole number"), N_("write digits only, e.g. 3")),
    "bool_type": (N_("expected true or false"), None),
    "bool_parsing": (N_("expected true or false"), None),
    "tuple_type": (N_("expected a list like [a, b]"), None),
    "list_type": (N_("expected a list like [a, b]"), None),
    "date_type": (N_("expected a date"), N_("write it as YYYY-MM-DD")),
    "date_parsing": (N_("expected a date"), N_("write it as YYYY-MM-DD")),
    "date_from_datetime_parsing": (N_("expected a date"), N_("write it as YYYY-MM-DD")),
    "date_from_datetime_inexact": (N_("expected a date without a time"), N_("write it as YYYY-MM-DD")),
    "model_type": (N_("expected a table of keys"), N_("write it as a [table] of 'key = value' lines")),
    "model_attributes_type": (N_("expected a table of keys"), N_("write it as a [table] of 'key = value' lines")),
    "dict_type": (N_("expected a table of keys"), N_("write it as a [table] of 'key = value' lines")),
}

# An unknown key, and the keys that could have been meant, by the `noun` the caller calls them.
_UNKNOWN = {
    "key": (N_("is not a known key"), N_("known keys: {names}")),
    "article field": (N_("is not a known article field"), N_("known article fields: {names}")),
}


def _keys_at(model: type, loc: tuple[str | int, ...]) -> list[str]:
    """The keys a pydantic model (or the model of one of its fields, along `loc`) takes."""
    for part in loc[:-1]:
        fields = {field.alias or name: field for name, field in model.model_fields.items()}  # type: ignore[attr-defined]
        inner = fields[str(part)].annotation if str(part) in fields else None
        if not hasattr(inner, "model_fields"):
            return []
        model = inner  # type: ignore[assignment]
    return [field.alias or name for name, field in model.model_fields.items()]  # type: ignore[attr-defined]


def validation_problems(
    exc: ValidationError,
    *,
    path: Path | None,
    line_of: Callable[[tuple[str | int, ...]], int | None] = lambda loc: None,
    model: type | None = None,
    known: Sequence[str] = (),
    noun: str = "key",
    docs: str | None = None,
) -> list[Problem]:
    """Every error of a pydantic validation as a Problem naming the file, the line (`line_of`
    finds it from the error's location) and the field, in words rather than Python's.

    An unknown key's hint lists the keys that could have been meant: those of the (pydantic)
    `model` where it stands, or `known`, called `noun`s; `docs` names the README section that
    explains them."""
    problems = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        kind = err["type"]
        words = _WORDS.get(kind, (None, None))
        message, hint = (_(words[0]) if words[0] else None), (_(words[1]) if words[1] else None)
        if kind in ("string_type", "int_type", "bool_type", "tuple_type", "list_type", "date_type") and err.get(
            "input"
        ) is None:
            message, hint = _("has no value"), _("give it a value, or remove it")
        if message is None:
            # pydantic's own words (or those of our validators, already translated).
            message = str(err["msg"]).removeprefix("Value error, ").replace("Input should be", "must be")
        if kind == "extra_forbidden":
            import difflib

            unknown, listed = _UNKNOWN.get(noun, (None, None))
            message = _(unknown) if unknown else _("is not a known {noun}").format(noun=noun)
            names = _keys_at(model, loc) if model is not None else list(known)
            close = difflib.get_close_matches(str(loc[-1]).casefold() if loc else "", names, n=1, cutoff=0.75)
            if names:
                meant = _("did you mean '{name}'?").format(name=close[0]) + " " if close else ""
                others = (
                    _(listed).format(names=", ".join(names))
                    if listed
                    else _("known {noun}s: {names}").format(noun=noun, names=", ".join(names))
                )
                hint = meant + others
        if docs and kind in ("missing", "extra_forbidden"):
            see = _("see README '{section}'").format(section=docs)
            hint = f"{hint}; {see}" if hint else see
        field = ".".join(str(part) for part in loc) or None
        problems.append(Problem(message, path=path, line=line_of(loc), field=field, hint=hint))
    return problems
