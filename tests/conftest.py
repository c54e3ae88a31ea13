"""Shared fixtures: a throwaway newsroom, the sample newsroom (and a copy of it to change), its
January edition built once for the tests that only read it, EPUBCheck, and the third-party corpus."""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pressbook.build import BuildOptions, Built, build
from pressbook.config import Project, load_project

pytest_plugins = ["tests.browser"]  # `browser` and `page`: Debian's chromium through Playwright
REPO = Path(__file__).resolve().parent.parent
# PRESSBOOK_CORPUS names it where the tests run from a copy of the repository (mutation testing).
CORPUS = Path(os.environ.get("PRESSBOOK_CORPUS") or REPO.parent / "shared" / "corpus")

CONFIG = """\
[publication]
name = "Báo Thử Nghiệm"
publisher = "Tòa soạn Thử Nghiệm"
language = "vi"
timezone = "Asia/Ho_Chi_Minh"
lead_tag = "TN"

[edition]
layout = "bulletin"
sections = ["Thời sự", "Kinh tế", "Văn hóa - Xã hội"]
default_section = "Tin tức"
"""


@pytest.fixture
def corpus() -> Path:
    """The shared third-party corpus; tests using it skip where it is absent."""
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not here")
    return CORPUS


@pytest.fixture(scope="session")
def sample_project() -> Project:
    """The sample newsroom at the repository root (read only: copy it with `sample_copy`)."""
    return load_project(REPO)


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A copy of the sample newsroom that a test may change."""
    root = tmp_path / "newsroom"
    root.mkdir()
    for name in ("pressbook.toml", "articles", "issues", "layouts", "fonts"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copyfile)(source, root / name)
    return root


@pytest.fixture(scope="session")
def january(sample_project: Project, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The sample's January 2017 bulletin, PDF and EPUB, built once for every test that reads it."""
    return build(sample_project, BuildOptions(issue="2017-01", out_dir=tmp_path_factory.mktemp("january")))


@pytest.fixture(scope="session")
def epubcheck() -> Iterator:
    """EPUBCheck, started once for the whole run."""
    from .epubcheck_run import EpubCheck

    checker = EpubCheck()
    yield checker
    checker.close()


class Newsroom:
    """A newsroom in a temporary folder, with a helper to write articles into it."""

    def __init__(self, root: Path, config: str = CONFIG) -> None:
        self.root = root
        root.mkdir(parents=True)
        (root / "pressbook.toml").write_text(config, encoding="utf-8")
        (root / "articles").mkdir()

    def write(self, rel: str, content: str | bytes) -> Path:
        path = self.root / "articles" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
        return path

    def article(self, rel: str, *, title: str = "Tiêu đề", date: str = "2017-01-04T08:48:00+07:00",
                section: str = "Thời sự", body: str = "Nội dung bài viết.", **extra: str) -> Path:
        lines = [f"title: {title}", f"date: {date}", f"section: {section}", "author: Lò Văn Minh"]
        lines += [f"{k}: {v}" for k, v in extra.items()]
        return self.write(rel, "---\n" + "\n".join(lines) + "\n---\n" + body + "\n")

    @property
    def project(self) -> Project:
        return load_project(self.root)


@pytest.fixture
def newsroom(tmp_path: Path) -> Newsroom:
    return Newsroom(tmp_path / "newsroom")


@pytest.fixture
def make_newsroom(tmp_path: Path) -> Callable[[str], Newsroom]:
    def make(config: str = CONFIG) -> Newsroom:
        return Newsroom(tmp_path / "newsroom", config)

    return make


@pytest.fixture(autouse=True, scope="session")
def _cache_outside_the_repository(tmp_path_factory):
    """Rendered pieces are cached; in tests, in a temporary folder rather than the checkout."""
    previous = os.environ.get("PRESSBOOK_CACHE")
    os.environ["PRESSBOOK_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if previous is None:
        os.environ.pop("PRESSBOOK_CACHE", None)
    else:
        os.environ["PRESSBOOK_CACHE"] = previous


@pytest.fixture(autouse=True, scope="session")
def _english_interface():
    """pressbook speaks the terminal's language (Vietnamese under LANG=vi_VN.UTF-8); the tests
    read its English words unless a test asks for Vietnamese (tests/test_interface.py)."""
    names = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
    previous = {name: os.environ.get(name) for name in names}
    for name in names:
        os.environ.pop(name, None)
    os.environ["LANG"] = "C.UTF-8"
    yield
    for name, value in previous.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
