"""The shape of the package: import-linter's contracts (pyproject.toml) hold, and they catch a
module that breaks them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import REPO

LINT = Path(sys.executable).with_name("lint-imports")


def _lint(package_parent: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if package_parent is not None:  # analyse this copy of pressbook instead of the installed one
        env["PYTHONPATH"] = str(package_parent)
    return subprocess.run(
        [str(LINT), "--no-cache", "--config", str(REPO / "pyproject.toml")],
        cwd=REPO, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_every_import_contract_is_kept() -> None:
    result = _lint()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_an_ebook_module_importing_the_print_side_breaks_a_contract(tmp_path) -> None:
    copy = tmp_path / "src"
    shutil.copytree(REPO / "src" / "pressbook", copy / "pressbook", ignore=shutil.ignore_patterns("__pycache__"))
    book = copy / "pressbook" / "epub" / "book.py"
    book.write_text(book.read_text(encoding="utf-8") + "\nfrom ..pdf import documents  # noqa: E402,F401\n", encoding="utf-8")
    result = _lint(copy)
    assert result.returncode != 0, result.stdout
    assert "BROKEN" in result.stdout and "pressbook.epub.book -> pressbook.pdf.documents" in result.stdout, result.stdout


def test_a_model_importing_a_renderer_breaks_a_contract(tmp_path) -> None:
    copy = tmp_path / "src"
    shutil.copytree(REPO / "src" / "pressbook", copy / "pressbook", ignore=shutil.ignore_patterns("__pycache__"))
    edition = copy / "pressbook" / "edition.py"
    edition.write_text(edition.read_text(encoding="utf-8") + "\nimport weasyprint  # noqa: E402,F401\n", encoding="utf-8")
    result = _lint(copy)
    assert result.returncode != 0, result.stdout
    assert "The models and text rules import nothing that renders BROKEN" in result.stdout, result.stdout
    assert "WeasyPrint is imported in pdf/weasy.py only BROKEN" in result.stdout, result.stdout
