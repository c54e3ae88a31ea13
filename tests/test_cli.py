"""The command line: list (table and JSON), new, --project, --help, and an installed wheel."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import venv
import zipfile

import pytest
from typer.testing import CliRunner

from pressbook.cli import app

from .conftest import REPO
from .pdfcheck import Pdf

runner = CliRunner()


def test_list_json_and_table(newsroom, monkeypatch) -> None:
    newsroom.article("2017/01/mot.md", title="Bài một", section="Kinh tế", date="2017-01-03T07:00:00+07:00",
                     lead='"SN - Sa-pô bài một."', body="Thân bài có năm chữ.")  # fmt: skip
    newsroom.article("2017/01/hai.md", title="Bài hai", section="Thời sự", date="2017-01-09T07:00:00+07:00")
    newsroom.article("2017/02/ba.md", title="Bài ba", date="2017-02-01T07:00:00+07:00")
    result = runner.invoke(app, ["list", "--issue", "2017-01", "--json", "--project", str(newsroom.root)])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["title"] for r in rows] == ["Bài hai", "Bài một"]  # Thời sự before Kinh tế, as configured
    assert rows[1] == {
        "path": "articles/2017/01/mot.md", "slug": "mot", "title": "Bài một",
        "date": "2017-01-03T07:00:00+07:00", "section": "Kinh tế", "author": "Lò Văn Minh",
        "affiliation": None, "tags": [], "words": 4 + 5,
    }  # fmt: skip
    monkeypatch.chdir(newsroom.root / "articles" / "2017")  # found by walking up to pressbook.toml
    table = runner.invoke(app, ["list", "--issue", "2017-01"])
    assert table.exit_code == 0
    assert "Bản tin tháng 1/2017 — 2 bài viết" in table.stdout
    assert "09/01/2017 07:00" in table.stdout and "Bài một" in table.stdout and "Bài ba" not in table.stdout


def test_help_lists_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    listed = set(re.findall(r"^│ (\w+) ", result.stdout, re.M))
    assert listed == {"build", "print", "impose", "preflight", "list", "check", "import", "serve", "site", "new"}, result.stdout


def test_new_scaffolds_a_working_newsroom(tmp_path, monkeypatch) -> None:
    target = tmp_path / "toa-soan"
    result = runner.invoke(app, ["new", str(target), "--name", "Báo Lưng Chừng"])
    assert result.exit_code == 0, result.output
    assert 'name = "Báo Lưng Chừng"' in (target / "pressbook.toml").read_text(encoding="utf-8")
    # A name with quotes and a backslash still makes valid TOML, read back as written.
    quoted = tmp_path / "ngoac-kep"
    assert runner.invoke(app, ["new", str(quoted), "--name", 'Báo "Lưng" \\ Chừng']).exit_code == 0
    from pressbook.config import load_project

    assert load_project(quoted).config.publication.name == 'Báo "Lưng" \\ Chừng'
    for folder in ("articles", "layouts", "fonts", "issues"):
        assert (target / folder).is_dir()
    checked = runner.invoke(app, ["check", "--project", str(target)])
    assert checked.exit_code == 0, checked.output
    assert "1 article read, 0 errors, 0 warnings." in checked.stdout
    again = runner.invoke(app, ["new", str(target)])
    assert again.exit_code == 2 and "already holds a newsroom" in again.stderr


@pytest.mark.slow
def test_installed_wheel_works_from_another_folder(tmp_path) -> None:
    """Not editable, not run from the repository: the bundled template must travel in the wheel."""
    wheel_dir = tmp_path / "wheel"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheel_dir), str(REPO)],
        check=True,
    )
    wheel = next(wheel_dir.glob("pressbook-*.whl"))
    env_dir = tmp_path / "env"
    venv.create(env_dir, system_site_packages=False, with_pip=False)
    # The test venv's packages provide the dependencies; only pressbook comes from the wheel.
    site = subprocess.run(
        [str(env_dir / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", site, str(wheel)], check=True
    )
    deps = [p for p in sys.path if p.endswith("site-packages")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([site, *deps])}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = [str(env_dir / "bin" / "python"), "-m", "pressbook"]
    created = subprocess.run([*run, "new", "toa-soan"], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert created.returncode == 0, created.stderr
    imported_from = subprocess.run(
        [str(env_dir / "bin" / "python"), "-c", "import pressbook; print(pressbook.__file__)"],
        cwd=elsewhere, env=env, capture_output=True, text=True,
    ).stdout  # fmt: skip
    assert imported_from.startswith(site), imported_from
    listed = subprocess.run([*run, "list", "--json"], cwd=elsewhere / "toa-soan", env=env, capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)[0]["title"] == "Chào mừng đến với tòa soạn mới"
    built = subprocess.run([*run, "build", "--issue", "2025-01"], cwd=elsewhere / "toa-soan", env=env, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    # The wheel carries the layouts, fonts and words: the article is set in the bundled faces.
    pdf = Pdf.open(elsewhere / "toa-soan" / "build" / "2025-01" / "bao-mau-2025-01.pdf")
    assert pdf.find("Chào mừng đến với tòa soạn mới") and pdf.find("Đây là bài viết mẫu")
    fonts = pdf.fonts()
    assert fonts and all(fonts.values()) and any("Noto-Serif" in name for name in fonts), fonts
    with zipfile.ZipFile(elsewhere / "toa-soan" / "build" / "2025-01" / "bao-mau-2025-01.epub") as book:
        assert any(name.endswith("NotoSerif-Regular.ttf") for name in book.namelist())


def test_help_is_in_words_not_python_types() -> None:
    """Every command's --help names values by what to write (ISSUE, DIR, N, ARTICLE.md...), shows
    flags as flags, and no Python type (<bool>, <list[str]>, <int range>, {articles}...)."""
    import re

    commands = ["list", "build", "print", "preflight", "impose", "check", "import", "new"]
    for args in [[], *([c] for c in commands)]:
        result = runner.invoke(app, [*args, "--help"], env={"COLUMNS": "80"})
        assert result.exit_code == 0, result.output
        shown = result.output.replace("<issue>", "").replace("<paper>", "")
        assert not re.search(r"<[a-z][a-z \[\]]*>|\{\w[^}]*\}|x>=", shown), (args, shown)
    top = runner.invoke(app, ["--help"], env={"COLUMNS": "80"}).output
    assert "Exit codes" in top and "130 interrupted" in top
    assert "all" in runner.invoke(app, ["build", "--help"], env={"COLUMNS": "80"}).output
    assert "-f" not in runner.invoke(app, ["import", "--help"], env={"COLUMNS": "80"}).output.replace("--force", "")


@pytest.mark.parametrize("count, one, many, expected", [(0, "page", "pages", "0 pages"), (1, "page", "pages", "1 page"),
                                                        (2, "article", "articles", "2 articles"), (21, "error", "errors", "21 errors")])
def test_counts_agree_with_their_nouns(count: int, one: str, many: str, expected: str) -> None:
    from pressbook.text import counted

    assert counted(count, one, many) == expected


def test_print_finds_the_newsroom_from_the_article(newsroom, tmp_path, monkeypatch) -> None:
    """`pressbook print` run outside any newsroom prints an article by its own newsroom."""
    path = newsroom.article("2017/01/a.md", title="Chợ phiên vùng cao")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = runner.invoke(app, ["print", str(path)])
    assert result.exit_code == 0, result.output
    assert (newsroom.root / "build" / "print" / "a.pdf").is_file()
    # Articles of two newsrooms at once: a usage error saying what to do.
    other = newsroom.root.parent / "other"
    other.mkdir()
    (other / "pressbook.toml").write_text((newsroom.root / "pressbook.toml").read_text(encoding="utf-8"), encoding="utf-8")
    stray = other / "b.md"
    stray.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    mixed = runner.invoke(app, ["print", str(path), str(stray)])
    assert mixed.exit_code == 2 and "different newsrooms" in mixed.stderr, mixed.output


def test_list_speaks_the_language_of_its_heading(newsroom, monkeypatch) -> None:
    """The table's columns are in the edition's language, like the heading above them."""
    newsroom.article("2017/01/a.md")
    monkeypatch.chdir(newsroom.root)
    listed = runner.invoke(app, ["list", "--issue", "2017-01"], env={"COLUMNS": "120"})
    assert listed.exit_code == 0 and "bài viết" in listed.stdout
    assert all(word in listed.stdout for word in ("Ngày", "Chuyên mục", "Tiêu đề", "Số chữ"))
    assert not any(f" {word} " in listed.stdout for word in ("date", "section", "title", "words"))
    config = newsroom.root / "pressbook.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('language = "vi"', 'language = "en"'), encoding="utf-8")
    english = runner.invoke(app, ["list", "--issue", "2017-01"], env={"COLUMNS": "120"})
    assert english.exit_code == 0 and all(word in english.stdout for word in ("Date", "Section", "Title", "Words"))


def test_the_newsroom_can_be_named_before_the_command_too(newsroom, tmp_path, monkeypatch) -> None:
    newsroom.article("2017/01/a.md", title="Chợ phiên vùng cao")
    monkeypatch.chdir(tmp_path)
    for args in (["-C", str(newsroom.root), "list"], ["list", "-C", str(newsroom.root)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0 and "Chợ phiên vùng cao" in result.stdout, (args, result.output)
    alone = runner.invoke(app, ["list"])  # the next command does not inherit it
    assert alone.exit_code == 1 and "no pressbook.toml" in alone.stderr


@pytest.mark.parametrize(
    "args, shown",
    [(["build", "--layout", "nope"], "error: --layout: unknown layout 'nope'"),
     (["build", "--bleed", "3xx"], "error: --bleed: "),
     (["build", "--pdf-variant", "x"], "error: --pdf-variant: unknown PDF variant 'x'")],
)  # fmt: skip
def test_an_option_error_names_the_option_typed(newsroom, monkeypatch, args, shown) -> None:
    newsroom.article("2017/01/a.md")
    monkeypatch.chdir(newsroom.root)
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and shown in result.stderr and "field '" not in result.stderr, result.output
