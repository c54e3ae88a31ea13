"""Whether a build can be skipped: an identical earlier build (same options, same watched folders,
same tools) whose outputs are untouched and whose every input file is unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import images
from .cache import Cache, file_digest, stamp, tool_versions, tree_fingerprint
from .config import Project
from .errors import Problem
from .interface import language

if TYPE_CHECKING:
    from .edition import Edition
    from .html.kit import Kit
    from .options import BuildOptions


def fingerprint(project: Project, options: BuildOptions, kit: Kit) -> str:
    """The key of a build: its options, the style it sets in, the tools, the language it speaks
    to the user (its recorded warnings are in it), and the name, size and time of every file in
    the project's watched folders and pressbook's own."""
    package = Path(__file__).parent
    return tree_fingerprint(
        [project.config_path, project.articles_dir, project.issues_dir, project.layouts_dir, project.fonts_dir, package],
        {
            "options": options.key(), "style": kit.layout.style.model_dump(), "epoch": kit.epoch, "tools": tool_versions(),
            "interface": language(),
        },
        inside=[project.root, package],
    )  # fmt: skip


def record(cache: Cache, key: str, outputs: list[tuple[Path, str, int, int | None]], warnings: list[str], inputs: set[Path]) -> None:
    """Remember what a build wrote and every file it used."""
    cache.remember(
        f"build-{key}",
        {
            "outputs": [[str(path), kind, size, pages, file_digest(path)] for path, kind, size, pages in outputs],
            "warnings": warnings,
            "inputs": [[str(path), *_stamp(path)] for path in sorted(inputs)],
        },
    )


def _stamp(path: Path) -> list[int]:
    """What changes when a file is touched, edited or replaced (see `cache.stamp`); [-1] when it
    is gone."""
    try:
        return list(stamp(path.stat()))
    except OSError:
        return [-1]


def recall(cache: Cache, key: str) -> tuple[list[tuple[Path, str, int, int | None]], tuple[Problem, ...]] | None:
    """The outputs (path, format, size, pages) and warnings of an identical earlier build, if its
    outputs are still there untouched and no file it used has changed since. A record that is
    not as written (a damaged cache) is no earlier build."""
    done: dict[str, Any] | None = cache.recall(f"build-{key}")
    try:
        return _recalled(done) if done is not None else None
    except (KeyError, IndexError, TypeError, ValueError, AttributeError, OSError):
        return None


def _recalled(done: dict[str, Any]) -> tuple[list[tuple[Path, str, int, int | None]], tuple[Problem, ...]] | None:
    for path, *was in done["inputs"]:
        if _stamp(Path(path)) != was:
            return None
    outputs = []
    for path, kind, size, pages, digest in done["outputs"]:
        target = Path(path)
        if not target.is_file() or file_digest(target) != digest:
            return None
        if not (isinstance(kind, str) and isinstance(size, int) and (pages is None or isinstance(pages, int))):
            return None
        outputs.append((target, kind, size, pages))
    return outputs, tuple(Problem(str(w), severity="warning") for w in done["warnings"])


def inputs(kit: Kit, edition: Edition, config_path: Path) -> set[Path]:
    """Every file an edition's outputs are made from: the config and the manifest, the articles,
    the pictures they and the cover show, the fonts."""
    found = {config_path, *(face.path for face in kit.fonts.faces), *(a.path for a in edition.articles)}
    if edition.manifest is not None:
        found.add(edition.manifest)
    for article in edition.articles:
        # A web picture is downloaded once and never changes; asking again would go online.
        for src in (src for src in article.image_paths() if not images.is_remote(src)):
            try:
                found.add(kit.pictures.locate(src, article.folder))
            except (ValueError, OSError):
                continue  # a refused picture is not used
    # The manifest's cover picture, as it names it: watched even while it is missing, so that the
    # build after it appears is not "up to date". (The e-book's fallback cover is an article's.)
    if edition.cover_image is not None:
        found.add(edition.cover_image)
    return found
