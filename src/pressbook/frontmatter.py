"""YAML front matter: splitting it from an article's body, reading it safely with the line of
every field, and writing it back in a stable form."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import ArticleError
from .interface import _, reason

_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: same rules, faster


class _Loader(_SafeBase):  # type: ignore[misc, valid-type]
    """Safe YAML that leaves dates as text (we parse them ourselves, with good errors)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Split:
    """A file's front matter text, its body, and the line the front matter starts on."""

    front: str
    body: str
    front_line: int


def split(source: str, path: Path) -> Split:
    """Separate the YAML front matter from the Markdown body."""
    lines = source.splitlines(keepends=True)
    if not lines or not source.strip():
        raise ArticleError(
            _("the file is empty"), path=path, line=1,
            hint=_("an article starts with front matter between '---' lines; see README 'The article format'"),
        )  # fmt: skip
    if lines[0].rstrip() != "---":
        raise ArticleError(
            _("no front matter: the first line must be '---'"), path=path, line=1,
            hint=_("add title, date, section, author and lead between '---' lines at the top"),
        )  # fmt: skip
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return Split(
                front="".join(lines[1:index]),
                body="".join(lines[index + 1 :]),
                front_line=2,
            )
    raise ArticleError(
        _("front matter is not closed"), path=path, line=1, hint=_("add a '---' line after the last field")
    )


def _key_lines(node: yaml.Node | None, offset: int, path: Path) -> dict[str, int]:
    """Line of every top-level key; duplicate keys are an error."""
    lines: dict[str, int] = {}
    if not isinstance(node, yaml.MappingNode):
        return lines
    for key, _value in node.value:
        name = str(key.value)
        line = key.start_mark.line + offset
        if name in lines:
            raise ArticleError(
                _("given twice (first on line {line})").format(line=lines[name]), path=path, line=line, field=name,
                hint=_("keep one"),
            )  # fmt: skip
        lines[name] = line
    return lines


def parse(front: str, path: Path, first_line: int) -> tuple[dict[str, Any], dict[str, int]]:
    """The front matter as a mapping, and the line each field is on."""
    loader = _Loader(front)
    try:
        node = loader.get_single_node()
        lines = _key_lines(node, first_line, path)
        data = loader.construct_document(node) if node is not None else None
    except yaml.reader.ReaderError as exc:  # a character YAML refuses, before any parsing
        raise ArticleError(
            _("front matter holds a control character (U+{code:04X}), which YAML does not allow").format(code=exc.character),
            path=path, line=front[: exc.position].count("\n") + first_line,
            hint=_("remove it, or run 'pressbook check --fix'"),
        ) from None  # fmt: skip
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        if "constructor" in problem:
            problem = _("uses a YAML tag that builds objects, which articles may not do")
        raise ArticleError(
            _("front matter is not valid YAML: {problem}").format(problem=reason(problem)),
            path=path,
            line=(mark.line + first_line) if mark else first_line,
            hint=_("fields are 'name: value' lines; quote values containing ': ' or starting with a symbol"),
        ) from None
    finally:
        loader.dispose()
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ArticleError(
            _("front matter must be 'name: value' fields"), path=path, line=first_line,
            hint=_("see README '{section}'").format(section="The article format"),
        )  # fmt: skip
    return data, lines


class _Dumper(yaml.SafeDumper):
    """YAML out without quoting ISO dates (we read them as text anyway)."""


_Dumper.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


def _represent_list(dumper: yaml.SafeDumper, value: list) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(list, _represent_list)


def dump(fields: dict[str, Any]) -> str:
    """`fields` as front matter lines (without the '---' around them), in the order given."""
    return yaml.dump(fields, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000)
