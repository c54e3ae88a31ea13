"""`pressbook new DIR`: a fresh newsroom from the bundled template."""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path
from string import Template

from .config import CONFIG_NAME
from .errors import OutputError, UsageError
from .interface import _, reason


def template_dir() -> Path:
    """The bundled newsroom template."""
    return Path(str(resources.files("pressbook") / "scaffold"))


def create(target: Path, name: str = "Báo Mẫu", publisher: str | None = None) -> list[Path]:
    """Create a newsroom in `target`; refuse to touch an existing one, or anything that is not a
    folder (a file, a link to one, a path through a file)."""
    if target.is_symlink() and not target.is_dir():
        raise UsageError(_("is a link, not a folder"), path=target, hint=_("choose a new folder"))
    if target.exists() and not target.is_dir():
        raise UsageError(_("exists and is not a folder"), path=target, hint=_("choose a new folder"))
    if any(parent.exists() and not parent.is_dir() for parent in target.parents):
        raise UsageError(_("cannot be made: a part of its path is a file"), path=target, hint=_("choose a new folder"))
    if (target / CONFIG_NAME).exists():
        raise UsageError(
            _("{folder} already holds a newsroom ({config})").format(folder=target, config=CONFIG_NAME),
            path=target / CONFIG_NAME,
        )
    if target.exists() and any(target.iterdir()):
        raise UsageError(
            _("{folder} exists and is not empty").format(folder=target), path=target, hint=_("choose a new folder")
        )
    try:
        return _copy_template(target, name, publisher)
    except OSError as exc:
        where = Path(exc.filename) if exc.filename else target
        raise OutputError(
            _("cannot be written: {reason}").format(reason=reason(exc)), path=where, hint=_("choose another folder")
        ) from None


def _copy_template(target: Path, name: str, publisher: str | None) -> list[Path]:
    written = []
    source = template_dir()
    values = {"name": name, "publisher": publisher or name}
    for path in sorted(source.rglob("*")):
        if path.is_dir() or "__pycache__" in path.parts:
            continue
        dest = target / path.relative_to(source)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix in (".toml", ".md"):
            # In TOML the names sit inside "...": escaped as a TOML basic string (JSON's escapes).
            filled = values if path.suffix == ".md" else {k: json.dumps(v, ensure_ascii=False)[1:-1] for k, v in values.items()}
            dest.write_text(Template(path.read_text(encoding="utf-8")).safe_substitute(filled), encoding="utf-8")
        else:
            shutil.copyfile(path, dest)
        written.append(dest)
    return written
