"""pressbook speaks Vietnamese under a Vietnamese locale and English otherwise, one language per
screen, from the catalog the layouts use (src/pressbook/locale/vi/LC_MESSAGES/pressbook.po)."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from typer.testing import CliRunner

from pressbook import interface
from pressbook.cli import app
from pressbook.text import counted

SOURCE = Path(__file__).resolve().parents[1] / "src" / "pressbook"
CATALOG = SOURCE / "locale" / "vi" / "LC_MESSAGES" / "pressbook.po"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "counted": (2, 3)}
VI = {"LANG": "vi_VN.UTF-8", "LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "COLUMNS": "80"}
EN = {"LANG": "C.UTF-8", "LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "COLUMNS": "80"}
COMMANDS = ["list", "build", "print", "preflight", "impose", "check", "import", "serve", "site", "new"]

# English words that are never Vietnamese (so not "in", "to", "an", "a": those are) and never
# part of a name, a path or a format pressbook shows as written.
ENGLISH = {"the", "and", "of", "with", "for", "is", "are", "this", "not", "from", "each", "every", "only",
           "your", "was", "were", "has", "have", "been", "which", "when", "than", "into", "should", "could",
           "cannot", "must", "write", "articles", "page", "pages", "file", "folder", "error",
           "warning", "missing", "usage", "options", "commands", "show", "read", "wrote"}  # fmt: skip


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _marked() -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for _file, _line, message, _comments, _context in extract_from_dir(
        SOURCE, method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        ids = message if isinstance(message, tuple) else (message,)
        found[ids[0]] = ids
    return found


def test_every_marked_word_has_a_vietnamese_translation_with_the_same_placeholders() -> None:
    with CATALOG.open("rb") as source:
        catalog = read_po(source, locale="vi")
    marked = _marked()
    assert len(marked) > 300  # the CLI's help, the messages, the reports, the layouts' words
    untranslated, unknown, mismatched = [], [], []
    for msgid, ids in marked.items():
        entry = catalog.get(msgid)
        if entry is None:
            unknown.append(msgid)
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not all(strings) or entry.fuzzy:
            untranslated.append(msgid)
            continue
        for translated in strings:
            if _fields(translated) != _fields(ids[-1]):
                mismatched.append((msgid, translated))
    assert not unknown, f"not in the catalog (run scripts/messages): {unknown[:5]}"
    assert not untranslated, f"no Vietnamese yet: {untranslated[:5]}"
    assert not mismatched, f"placeholders differ: {mismatched[:5]}"


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"LANG": "vi_VN.UTF-8"}, "vi"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "vi_VN.UTF-8"}, "vi"),
        ({"LANG": "vi_VN.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8", "LANGUAGE": "vi:en"}, "vi"),
    ],
)
def test_the_language_follows_the_locale_as_gettext_reads_it(monkeypatch, environment, expected) -> None:
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert interface.language() == expected


def test_counts_and_words_follow_the_locale(monkeypatch) -> None:
    monkeypatch.setenv("LANG", "vi_VN.UTF-8")
    assert counted(1, "page", "pages") == "1 trang"
    assert counted(3, "page", "pages") == "3 trang"
    assert interface._("Usage:") == "Cách dùng:"
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert counted(1, "page", "pages") == "1 page"
    assert counted(3, "page", "pages") == "3 pages"


def _english_words(text: str) -> set[str]:
    # Leave out what is shown as written: options, metavars, paths, file names, examples.
    text = re.sub(r"--?[\w-]+|\b[A-Z][A-Z0-9_.]+\b|\S*[/.]\S*|'[^']*'|\[[^\]]*\]", " ", text)
    return {word for word in re.findall(r"[A-Za-z]+", text.casefold()) if word in ENGLISH}


@pytest.mark.parametrize("command", [[], *([name] for name in COMMANDS)])
def test_help_is_in_one_language_and_fits_80_columns(command: list[str]) -> None:
    runner = CliRunner()
    vi = runner.invoke(app, [*command, "--help"], env=VI)
    en = runner.invoke(app, [*command, "--help"], env=EN)
    assert vi.exit_code == 0 and en.exit_code == 0
    assert "Cách dùng:" in vi.output and "Tùy chọn" in vi.output
    assert "Usage:" in en.output and "Options" in en.output
    assert not _english_words(vi.output), vi.output
    assert max(len(line) for line in vi.output.splitlines()) <= 80
    assert vi.output != en.output


@pytest.mark.parametrize(
    ("args", "vietnamese", "english"),
    [
        (["biuld"], "không có lệnh 'biuld'. Có phải ý bạn là 'build'?", "No such command 'biuld'"),
        (["build", "--jbos", "2"], "không có tùy chọn --jbos (các tùy chọn gần giống: --jobs", "No such option: --jbos"),
        (["build", "--jobs", "x"], "hãy viết một số nguyên từ 1 trở lên", "write a whole number, 1 or more"),
        (["print"], "thiếu đối số 'BÀI.md...'", "Missing argument 'ARTICLE.md...'"),
        (["build", "--layout"], "tùy chọn '--layout' cần một giá trị", "Option '--layout' requires an argument"),
    ],
)
def test_usage_errors_are_said_in_the_terminals_language(args, vietnamese, english) -> None:
    runner = CliRunner()
    vi = runner.invoke(app, args, env=VI)
    en = runner.invoke(app, args, env=EN)
    assert vi.exit_code == en.exit_code == 2
    flat = lambda text: " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())  # noqa: E731
    assert vietnamese in flat(vi.output), vi.output
    assert "Lỗi" in vi.output
    assert english in flat(en.output), en.output


def test_a_first_days_mistakes_are_told_in_vietnamese(make_newsroom) -> None:
    """check, list and build on a newsroom with the usual mistakes: every line in Vietnamese."""
    room = make_newsroom()
    room.article("2017/01/a.md", title="Chợ phiên", section="Thời Sự")
    room.article("2017/01/b.md", title="Cầu mới", body="Giá thi \u0323trường.\n\n![Ảnh cầu](images/khong-co.jpg)")
    room.write("2017/01/c.md", "---\ntitle:\ndate: 2017-01-31\n---\nThân bài.\n")
    room.write("2017/01/d.md", "---\ntitle: Ngày lạ\ndate: 2017-02-30\n---\nThân bài.\n")
    room.write("2017/01/ghi-chu.txt", "ghi chú\n")
    runner = CliRunner()
    seen = []
    for args in (["check"], ["list", "--issue", "2017-01", "--skip-invalid"], ["list", "--issue", "2017-13"],
                 ["build", "--issue", "2017-01", "--format", "epub", "--skip-invalid"]):  # fmt: skip
        result = runner.invoke(app, [*args, "--project", str(room.root)], env=VI)
        said = result.stdout + result.stderr
        seen.append(said)
        assert not _english_words(said), said
    every = "\n".join(seen)
    for words in ("trường 'title'", "chuyên mục", "cảnh báo:", "lỗi:", "tháng này không có ngày đó", "tháng phải từ 1 đến 12"):
        assert words in every, every


def test_no_command_shows_the_help_and_no_empty_error() -> None:
    result = CliRunner().invoke(app, [], env=VI)
    assert "Cách dùng:" in result.output and "Lỗi" not in result.output


def test_the_systems_and_pythons_reasons_are_said_in_vietnamese(monkeypatch) -> None:
    import errno

    monkeypatch.setenv("LANG", "vi_VN.UTF-8")
    assert interface.reason(FileNotFoundError(errno.ENOENT, "No such file or directory")) == "không có tệp hay thư mục này"
    assert interface.reason(ValueError("Invalid week: 60")).startswith("năm đó không có tuần 60")
    assert interface.reason("mapping values are not allowed here").startswith("có ': ' nằm giữa giá trị")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert interface.reason(FileNotFoundError(errno.ENOENT, "No such file or directory")) == "No such file or directory"


def test_metavars_and_usage_in_vietnamese() -> None:
    result = CliRunner().invoke(app, ["build", "--help"], env=VI)
    assert "pressbook build [TÙY_CHỌN]" in result.output and "KỲ" in result.output and "ISSUE" not in result.output


def test_a_builds_report_in_vietnamese(make_newsroom) -> None:
    room = make_newsroom()
    room.article("2017/01/a.md", title="Chợ phiên")
    result = CliRunner().invoke(app, ["build", "--issue", "2017-01", "--format", "epub", "--project", str(room.root)], env=VI)
    assert result.exit_code == 0, result.output
    assert re.search(r"thời gian: đọc bài \d+,\d giây · EPUB \d+,\d giây", result.stdout), result.stdout
    assert "đã ghi " in result.stdout and "1 bài viết" in result.stdout
