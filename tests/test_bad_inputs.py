"""The bad-input table: each broken input gives one clear line naming the file (and line and
field where there is one), exit code 1, and never a traceback; the good articles still load."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pressbook.cli import app

runner = CliRunner()


def _png(path: Path) -> None:
    # The smallest valid PNG, so that image cases differ only in what they test.
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
        )
    )


def empty(room) -> str:
    room.write("2017/01/bad.md", b"")
    return "articles/2017/01/bad.md:1: the file is empty"


def binary(room) -> str:
    room.write("2017/01/bad.md", bytes(range(256)))
    return "articles/2017/01/bad.md: is a binary file"


def no_front_matter(room) -> str:
    room.write("2017/01/bad.md", "Chỉ có nội dung, không có phần đầu.\n")
    return "articles/2017/01/bad.md:1: no front matter"


def yaml_object(room) -> str:
    room.write("2017/01/bad.md", '---\ntitle: !!python/object/apply:os.system ["touch /tmp/pwned"]\ndate: 2017-01-04\n---\nx\n')
    return "articles/2017/01/bad.md:2: front matter is not valid YAML: uses a YAML tag that builds objects"


def missing_title(room) -> str:
    room.write("2017/01/bad.md", "---\ndate: 2017-01-04\n---\nx\n")
    return "articles/2017/01/bad.md:1: field 'title': is missing (add 'title: ...' to the front matter)"


def impossible_date(room) -> str:
    room.write("2017/01/bad.md", "---\ntitle: T\ndate: 2017-02-30\n---\nx\n")
    return "articles/2017/01/bad.md:3: field 'date': '2017-02-30' is not a real date: day is out of range for month"


def not_a_date(room) -> str:
    room.write("2017/01/bad.md", "---\ntitle: T\ndate: 32/01/2017\n---\nx\n")
    return "articles/2017/01/bad.md:3: field 'date': '32/01/2017' is not a real date"


def unknown_field(room) -> str:
    room.write("2017/01/bad.md", "---\ntitle: T\ndate: 2017-01-04\nauthors: A\n---\nx\n")
    return "articles/2017/01/bad.md:4: field 'authors': is not an article field (known fields: title, date"


def wrong_type(room) -> str:
    room.write("2017/01/bad.md", "---\ntitle: T\ndate: 2017-01-04\nviews: nhiều\n---\nx\n")
    return "articles/2017/01/bad.md:4: field 'views': expected a whole number"


def duplicate_key(room) -> str:
    room.write("2017/01/bad.md", "---\ntitle: T\ntitle: U\ndate: 2017-01-04\n---\nx\n")
    return "articles/2017/01/bad.md:3: field 'title': given twice (first on line 2)"


def unclosed(room) -> str:
    room.write("2017/01/bad.md", "---\ntitle: T\ndate: 2017-01-04\n")
    return "articles/2017/01/bad.md:1: front matter is not closed"


def bad_yaml(room) -> str:
    room.write("2017/01/bad.md", "---\ntitle: T\nlead: Sa-pô: có dấu hai chấm\ndate: 2017-01-04\n---\nx\n")
    return "articles/2017/01/bad.md:3: front matter is not valid YAML"


def duplicate_slug(room) -> str:
    room.article("2017/02/ok.md", title="Bài trùng tên")
    return "articles/2017/02/ok.md: slug 'ok' is already used by"


def missing_image(room) -> str:
    room.article("2017/01/bad.md", body="![Chú thích ảnh](images/khong-co.png)")
    return "articles/2017/01/bad.md: image 'images/khong-co.png' does not exist"


def image_outside(room) -> str:
    _png(room.root / "secret.png")
    room.article("2017/01/bad.md", image="../../../secret.png", image_caption="Ảnh")
    return "articles/2017/01/bad.md: field 'image': image '../../../secret.png' is outside the article's folder"


def latin1(room) -> str:
    room.write("2017/01/bad.md", "---\ntitle: Café\ndate: 2017-01-04\n---\nCrème brûlée\n".encode("latin-1"))
    return "articles/2017/01/bad.md:2: is not UTF-8 text (byte 0xE9 cannot be read) (save it as UTF-8"


def huge(room) -> str:
    path = room.write("2017/01/bad.md", "---\ntitle: T\ndate: 2017-01-04\n---\n")
    with path.open("ab") as fh:
        fh.write(b"a" * (20 * 1024 * 1024))
    return "articles/2017/01/bad.md: file is 20.0 MB; articles are limited to 2 MB"


CHECK_CASES: list[Callable] = [
    empty, binary, no_front_matter, yaml_object, missing_title, impossible_date, not_a_date,
    unknown_field, wrong_type, duplicate_key, unclosed, bad_yaml, duplicate_slug, missing_image,
    image_outside, latin1, huge,
]  # fmt: skip


@pytest.mark.parametrize("case", CHECK_CASES, ids=lambda c: c.__name__)
def test_check_reports_one_clear_line(newsroom, monkeypatch, case) -> None:
    newsroom.article("2017/01/ok.md", title="Bài tốt")
    expected = case(newsroom)
    monkeypatch.chdir(newsroom.root)
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert expected in errors[0]
    assert "Traceback" not in result.output
    assert not Path("/tmp/pwned").exists()
    # The other article is still read (and listable with --skip-invalid).
    listed = runner.invoke(app, ["list", "--skip-invalid", "--json"])
    assert listed.exit_code == 0, listed.output
    assert "Bài tốt" in listed.stdout


def _import_case(tmp_path: Path, name: str, data: bytes) -> Path:
    source = tmp_path / name
    source.write_bytes(data)
    return source


IMPORT_CASES = {
    "no_title_line": (b"\n\n14:05 - Th\xe1\xbb\xa9 S\xc3\xa1u, 13/01/2017\n\xc4\x90BP - Tin.\n", "has no title line before the dateline"),
    "no_dateline": ("Tiêu đề\nĐBP - Sa-pô.\nThân bài.\n".encode(), "has no dateline like '08:48 - Thứ Tư, 04/01/2017' under the title"),
    "empty_source": (b"", "is empty"),
    "binary_source": (bytes(range(256)) * 8, "looks like a binary file"),
    "french_latin1": ("Crème brûlée à la française, où êtes-vous?".encode("latin-1"), "is neither UTF-8 nor readable Vietnamese"),
    "html_no_title": (b"<html><body><p>Kh\xc3\xb4ng c\xc3\xb3 ti\xc3\xaau \xc4\x91\xe1\xbb\x81.</p></body></html>", "has no title"),
}


@pytest.mark.parametrize("name", sorted(IMPORT_CASES))
def test_import_reports_one_clear_line(newsroom, tmp_path, monkeypatch, name) -> None:
    data, expected = IMPORT_CASES[name]
    source = _import_case(tmp_path, f"{name}.html" if name.startswith("html") else f"{name}.txt", data)
    monkeypatch.chdir(newsroom.root)
    result = runner.invoke(app, ["import", str(source)])
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert str(source) in errors[0] and expected in errors[0]
    assert "Traceback" not in result.output
    assert not list((newsroom.root / "articles").rglob("*.md"))


def test_import_never_overwrites_without_force(newsroom, tmp_path, monkeypatch) -> None:
    page = "Thời sự\n\nĐón Tết an toàn\n\n09:00 - Thứ Hai, 02/01/2017\nĐBP - Sa-pô.\nThân bài.\n"
    source = _import_case(tmp_path, "trang.txt", page.encode())
    monkeypatch.chdir(newsroom.root)
    first = runner.invoke(app, ["import", str(source)])
    assert first.exit_code == 0, first.output
    target = newsroom.root / "articles/2017/01/don-tet-an-toan.md"
    before = target.read_bytes()
    target.write_text(target.read_text(encoding="utf-8") + "\nSửa tay của biên tập viên.\n", encoding="utf-8")
    edited = target.read_bytes()
    second = runner.invoke(app, ["import", str(source)])
    assert second.exit_code == 1
    assert "would overwrite articles/2017/01/don-tet-an-toan.md (pass --force" in second.stderr
    assert target.read_bytes() == edited
    forced = runner.invoke(app, ["import", "--force", str(source)])
    assert forced.exit_code == 0
    assert target.read_bytes() == before


def test_bad_config_names_the_key(make_newsroom, monkeypatch) -> None:
    room = make_newsroom('[publication]\nname = "X"\npublisher = "Y"\ntimezone = "Mars/Olympus"\ncolour = 1\n')
    monkeypatch.chdir(room.root)
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert any("pressbook.toml:4: config value 'publication.timezone': 'Mars/Olympus' is not a known time zone" in line for line in lines)
    assert any("pressbook.toml:5: config value 'publication.colour': unknown key" in line for line in lines)


def test_no_project_is_a_clear_error(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 1
    assert "no pressbook.toml here or in any parent folder" in result.stderr


def test_bad_issue_is_a_usage_error(newsroom, monkeypatch) -> None:
    monkeypatch.chdir(newsroom.root)
    result = runner.invoke(app, ["list", "--issue", "2017-13"])
    assert result.exit_code == 2
    assert "--issue '2017-13' is not a real date" in result.stderr
