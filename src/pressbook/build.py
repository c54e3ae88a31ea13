"""The recipe: project, articles, edition (and, with the renderers, outputs)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .articles import load_articles
from .config import Project
from .edition import Edition, load_manifest, parse_issue, select
from .errors import ArticleError, EditionError, Problem


@dataclass(frozen=True)
class Selected:
    """An edition and the problems met while reading the articles it was chosen from."""

    edition: Edition
    problems: tuple[Problem, ...]


def load_edition(
    project: Project,
    issue: str | None,
    *,
    sections: Sequence[str] = (),
    tags: Sequence[str] = (),
    skip_invalid: bool = False,
) -> Selected:
    """Read the project's articles and select one issue; broken articles stop it unless skipped."""
    period = parse_issue(issue)
    loaded = load_articles(project.articles_dir, project.config.tz)
    if loaded.problems and not skip_invalid:
        raise ArticleError(problems=loaded.problems)
    manifest = load_manifest(project.issues_dir, period)
    edition = select(loaded.articles, project.config, period, sections=sections, tags=tags, manifest=manifest)
    return Selected(edition, loaded.problems)


def require_articles(edition: Edition) -> None:
    """Refuse to build an edition with nothing in it."""
    if not edition.articles:
        raise EditionError(
            f"issue '{edition.id}' selects no articles",
            hint="check --issue (YYYY-MM, YYYY-Www, YYYY-MM-DD) and the dates in the articles' front matter",
        )
