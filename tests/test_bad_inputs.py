"""The bad-input table: each broken input gives one clear line naming the file (and line and
field where there is one), exit code 1, and never a traceback; the good articles still load."""

from __future__ import annotations

import re
import shutil
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
    room.write("2017/01/bad.md", '---\ntitle: !!python/object/apply:os.system ["touch pwned"]\ndate: 2017-01-04\n---\nx\n')
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
    return "articles/2017/01/bad.md:4: field 'authors': is not a known article field (did you mean 'author'? known article fields: title, date"


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
    unknown_field, wrong_type, duplicate_key, unclosed, bad_yaml, duplicate_slug, latin1, huge,
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
    assert "internal error" not in result.output
    assert not (newsroom.root / "pwned").exists()  # the YAML payload would make it in the working folder
    # The other article is still read (and listable with --skip-invalid).
    listed = runner.invoke(app, ["list", "--skip-invalid", "--json"])
    assert listed.exit_code == 0, listed.output
    assert "Bài tốt" in listed.stdout


@pytest.mark.parametrize("case", [missing_image, image_outside], ids=lambda c: c.__name__)
def test_a_picture_that_cannot_be_used_is_a_warning_in_check_and_in_build(newsroom, monkeypatch, case) -> None:
    """One rule for pictures everywhere: the article prints without it, `check` and `build` both
    warn (naming the article and the picture) and both exit 0."""
    newsroom.article("2017/01/ok.md", title="Bài tốt")
    expected = case(newsroom)
    monkeypatch.chdir(newsroom.root)
    checked = runner.invoke(app, ["check"])
    built = runner.invoke(app, ["build", "--issue", "2017-01", "--format", "epub"])
    for result in (checked, built):
        assert result.exit_code == 0, result.output
        warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
        def bare(text: str) -> str:
            return re.sub(r"\.md:\d+:", ".md:", text.replace("field 'image': ", ""))

        assert any(bare(expected) in bare(line) for line in warnings), result.stderr
        assert not [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert "the article prints without it" in checked.stderr


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
    assert "internal error" not in result.output
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
    assert any("pressbook.toml:4: field 'publication.timezone': 'Mars/Olympus' is not a known time zone" in line for line in lines)
    assert any("pressbook.toml:5: field 'publication.colour': is not a known key" in line for line in lines)


def test_no_project_is_a_clear_error(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 1
    assert "no pressbook.toml here or in any parent folder" in result.stderr


def test_bad_issue_is_a_usage_error(newsroom, monkeypatch) -> None:
    monkeypatch.chdir(newsroom.root)
    result = runner.invoke(app, ["list", "--issue", "2017-13"])
    assert result.exit_code == 2
    assert "--issue '2017-13' is not a real month, week or day" in result.stderr


# --- build: each case is (arguments, exit code, expected text in the one error line) ------------


def _unknown_layout(room) -> tuple[list[str], int, str]:
    room.article("2017/01/a.md")
    return ["build", "--issue", "2017-01", "--layout", "tabloid"], 2, "unknown layout 'tabloid' (available: article, bulletin, large-print, newspaper)"


def _template_error(room):
    room.article("2017/01/a.md")
    path = room.root / "layouts/bulletin/edition.html"
    path.parent.mkdir(parents=True)
    path.write_text('{% extends "!default/bulletin/edition.html" %}\n{% block cover %}{% if %}{% endblock %}\n', encoding="utf-8")
    return ["build", "--issue", "2017-01"], 1, "layouts/bulletin/edition.html:2: template error"


def _missing_font(room):
    room.article("2017/01/a.md")
    (room.root / "fonts").mkdir()
    (room.root / "fonts/fonts.toml").write_text(
        '[[face]]\nfamily = "Thiếu"\nrole = "body"\nfile = "Thieu-Regular.ttf"\n', encoding="utf-8"
    )
    return ["build", "--issue", "2017-01"], 1, "fonts/fonts.toml: field 'file': face 1: font file 'Thieu-Regular.ttf' is missing"


def _unwritable_output(room):
    room.article("2017/01/a.md")
    (room.root / "khong-phai-thu-muc").write_text("x", encoding="utf-8")
    return ["build", "--issue", "2017-01", "--format", "epub", "--out", "khong-phai-thu-muc/ra"], 1, "cannot be written"


def _no_articles(room):
    room.article("2017/01/a.md")
    return ["build", "--issue", "2030-01"], 1, "--issue 2030-01: no article is dated in it (the articles run from 2017-01-04 to 2017-01-04"


def _manifest_missing_article(room):
    room.article("2017/01/a.md")
    (room.root / "issues").mkdir()
    (room.root / "issues/2017-01.toml").write_text('articles = ["a", "khong-co"]\n', encoding="utf-8")
    return ["build", "--issue", "2017-01"], 1, "issues/2017-01.toml:1: field 'articles': names article 'khong-co'"


def _bad_format(room):
    room.article("2017/01/a.md")
    return ["build", "--issue", "2017-01", "--format", "docx"], 2, "unknown format 'docx'"


def _bad_variant(room):
    room.article("2017/01/a.md")
    return ["build", "--issue", "2017-01", "--pdf-variant", "pdf/z-9"], 2, "unknown PDF variant 'pdf/z-9'"


def _broken_config(room):
    room.article("2017/01/a.md")
    (room.root / "pressbook.toml").write_text('[publication]\nname = "X\npublisher = "Y"\n', encoding="utf-8")
    return ["build", "--issue", "2017-01"], 1, "pressbook.toml:2: not valid TOML"


def _missing_glyph(room):
    room.article("2017/01/a.md", body="Một ký tự lạ: \U0001F600.")
    return ["build", "--issue", "2017-01"], 1, "articles/2017/01/a.md: character '\U0001F600' (U+1F600) is not in the body font"


def _broken_article_stops_build(room):
    room.article("2017/01/a.md")
    room.write("2017/01/b.md", "---\ntitle: B\ndate: 2017-02-30\n---\nx\n")
    return ["build", "--issue", "2017-01"], 1, "articles/2017/01/b.md:3: field 'date': '2017-02-30' is not a real date"


def _manifest_lists_twice(room):
    room.article("2017/01/a.md")
    room.article("2017/01/b.md", title="Bài B")
    (room.root / "issues").mkdir()
    (room.root / "issues/2017-01.toml").write_text('articles = [\n  "a",\n  "b",\n  "2017/01/a",\n]\n', encoding="utf-8")
    return ["build", "--issue", "2017-01"], 1, "issues/2017-01.toml:4: field 'articles': names article '2017/01/a' a second time"


def _bad_style_value(room):
    room.article("2017/01/a.md")
    config = room.root / "pressbook.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[style]\ngrayscale = true\nfont_size = "to"\n', encoding="utf-8")
    line = len(config.read_text(encoding="utf-8").splitlines())
    return ["list"], 1, f"pressbook.toml:{line}: field 'style.font_size': style value \"to\" is not valid for 'font_size' (write it like \"9.5pt\")"


def _bad_layout_style(room):
    room.article("2017/01/a.md")
    (room.root / "layouts/mine").mkdir(parents=True)
    (room.root / "layouts/mine/layout.toml").write_text('title = "Mine"\n\n[style]\ncolumns = "9"\n', encoding="utf-8")
    return (
        ["build", "--issue", "2017-01", "--layout", "mine"], 1,
        "layouts/mine/layout.toml:4: field 'style.columns': style value \"9\" is not valid for 'columns' (write it like \"1\", \"2\", \"3\" or \"4\")",
    )  # fmt: skip


def _glyph_in_manifest(room):
    room.article("2017/01/a.md")
    (room.root / "issues").mkdir()
    (room.root / "issues/2017-01.toml").write_text('title = "Số Tết \U0001F9E7"\n', encoding="utf-8")
    return ["build", "--issue", "2017-01"], 1, "issues/2017-01.toml: character '\U0001F9E7' (U+1F9E7) is not in the heading font"


def _glyph_as_character_reference(room):
    room.article("2017/01/a.md", body="Một ký tự viết dạng mã: &#x1F600;.")
    return ["build", "--issue", "2017-01"], 1, "articles/2017/01/a.md: character '\U0001F600' (U+1F600) is not in the body font"


BUILD_CASES = [
    _unknown_layout, _template_error, _missing_font, _unwritable_output, _no_articles, _manifest_missing_article,
    _bad_format, _bad_variant, _broken_config, _missing_glyph, _broken_article_stops_build, _manifest_lists_twice,
    _bad_style_value, _bad_layout_style, _glyph_in_manifest, _glyph_as_character_reference,
]  # fmt: skip


@pytest.mark.parametrize("case", BUILD_CASES, ids=lambda c: c.__name__.strip("_"))
def test_build_reports_one_clear_line(newsroom, monkeypatch, case) -> None:
    arguments, code, expected = case(newsroom)
    monkeypatch.chdir(newsroom.root)
    result = runner.invoke(app, arguments)
    assert result.exit_code == code, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors and expected in errors[0], result.stderr
    assert "internal error" not in result.output
    written = [p for p in (newsroom.root / "build").rglob("*") if p.is_file()]
    assert written == [], written


def test_full_disk_keeps_the_old_output(newsroom, monkeypatch) -> None:
    import errno

    from pressbook import files

    newsroom.article("2017/01/a.md")
    monkeypatch.chdir(newsroom.root)
    assert runner.invoke(app, ["build", "--issue", "2017-01", "--format", "epub"]).exit_code == 0
    target = newsroom.root / "build/2017-01/bao-thu-nghiem-2017-01.epub"
    before = target.read_bytes()
    newsroom.article("2017/01/b.md", title="Bài mới")

    def full(fh, data):
        fh.write(data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files, "_write_all", full)
    result = runner.invoke(app, ["build", "--issue", "2017-01", "--format", "epub"])
    assert result.exit_code == 1
    assert "build/2017-01/bao-thu-nghiem-2017-01.epub: cannot be written: No space left on device (free some space on the disk)" in result.stderr
    assert target.read_bytes() == before
    assert not list(target.parent.glob(".*.part"))


def test_skip_invalid_builds_the_rest(newsroom, monkeypatch) -> None:
    newsroom.article("2017/01/a.md", title="Bài tốt")
    newsroom.write("2017/01/b.md", "---\ntitle: B\n---\nx\n")
    monkeypatch.chdir(newsroom.root)
    result = runner.invoke(app, ["build", "--issue", "2017-01", "--format", "epub", "--skip-invalid"])
    assert result.exit_code == 0, result.output
    assert "articles/2017/01/b.md:1: field 'date': is missing" in result.stderr
    assert "1 article\n" in result.stdout


def test_verbose_shows_a_traceback_only_for_a_bug(newsroom, monkeypatch) -> None:
    newsroom.article("2017/01/a.md")
    monkeypatch.chdir(newsroom.root)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("pressbook.build.build", broken)
    quiet = runner.invoke(app, ["build", "--issue", "2017-01"])
    assert quiet.exit_code == 3 and "internal error: RuntimeError: boom" in quiet.stderr
    assert "Traceback" not in quiet.output  # without --verbose the message is one line
    loud = runner.invoke(app, ["build", "--issue", "2017-01", "--verbose"])
    assert loud.exit_code == 3 and "Traceback" in loud.output


def test_stale_temporary_files_of_running_builds_are_left_alone(tmp_path) -> None:
    import subprocess
    import sys

    from pressbook.files import remove_stale_parts

    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    try:
        live = tmp_path / f".a.pdf.pressbook-{running.pid}-x1abcdef.part"
        dead = tmp_path / f".a.pdf.pressbook-{finished.pid}-x2abcdef.part"
        # Not a name pressbook makes (a user's own, or an older pressbook's): never deleted.
        not_ours = tmp_path / ".a.pdf.x3.part"
        for path in (live, dead, not_ours):
            path.write_bytes(b"half")
        assert sorted(remove_stale_parts(tmp_path)) == [dead]
        assert live.exists() and not_ours.exists()
    finally:
        running.kill()
        running.wait()


def test_check_warns_of_a_font_without_vietnamese_letters(newsroom, monkeypatch) -> None:
    from fontTools import subset

    from pressbook.html.fonts import bundled_dir

    newsroom.article("2017/01/a.md")
    fonts = newsroom.root / "fonts"
    fonts.mkdir()
    # A body face cut down to ASCII: a font made for English only.
    options = subset.Options()
    font = subset.load_font(str(bundled_dir() / "NotoSerif-Regular.ttf"), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(chr(c) for c in range(0x20, 0x7F)))
    subsetter.subset(font)
    subset.save_font(font, str(fonts / "Latin-Regular.ttf"), options)
    font.close()
    shutil.copyfile(bundled_dir() / "NotoSans-Regular.ttf", fonts / "NotoSans-Regular.ttf")
    (fonts / "fonts.toml").write_text(
        '[[face]]\nfamily = "Latin"\nrole = "body"\nfile = "Latin-Regular.ttf"\n\n'
        '[[face]]\nfamily = "Noto Sans"\nrole = "heading"\nfile = "NotoSans-Regular.ttf"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(newsroom.root)
    result = runner.invoke(app, ["check"])
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert any("fonts/fonts.toml: the body font (Latin) lacks 134 of the 146 Vietnamese letters" in w for w in warnings), result.stderr
    assert not any("heading font" in w for w in warnings), result.stderr


@pytest.mark.parametrize(
    ("layout_toml", "expected"),
    [
        ('title = "Của tôi"\ncolumns = 2\n',
         "layouts/mine/layout.toml:2: field 'columns': is not a known key (known keys: title, template, notes, pieces, style; see README 'Making a layout')"),
        ('title = "Của tôi"\n\n[style]\npage_colour = "red"\n',
         "layouts/mine/layout.toml:4: field 'style.page_colour': is not a known key (known keys: page_size, margin_top"),
        ('notes = "cuối bài"\n', "layouts/mine/layout.toml:1: field 'notes': must be 'print' or 'endnotes'"),
        ('[style]\ngrayscale = "có"\n', "layouts/mine/layout.toml:2: field 'style.grayscale': style value \"có\" is not valid for 'grayscale' (write true or false)"),
    ],
)  # fmt: skip
def test_a_layout_file_is_checked_key_by_key(newsroom, monkeypatch, layout_toml, expected) -> None:
    newsroom.article("2017/01/a.md")
    (newsroom.root / "layouts" / "mine").mkdir(parents=True)
    (newsroom.root / "layouts" / "mine" / "layout.toml").write_text(layout_toml, encoding="utf-8")
    monkeypatch.chdir(newsroom.root)
    result = runner.invoke(app, ["build", "--issue", "2017-01", "--layout", "mine"])
    assert result.exit_code == 1, result.output
    assert expected in result.stderr, result.stderr


PUBLICATION = '[publication]\nname = "Báo Thử"\npublisher = "Tòa soạn Thử"\n'


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (PUBLICATION + '[style]\npage_colour = "red"\n', "field 'style.page_colour': is not a known key (known keys: page_size, margin_top,"),
        ('style = "to"\n' + PUBLICATION, "field 'style': expected a table of keys (write it as a [table] of 'key = value' lines)"),
        (PUBLICATION + '[edition]\nsections = "Thời sự"\n', "field 'edition.sections': expected a list like [a, b]"),
        (PUBLICATION + '[style]\nbody_font = true\n', "field 'style.body_font': style value true is not valid for 'body_font' (write it like \"Noto Serif\")"),
    ],
)  # fmt: skip
def test_config_mistakes_are_worded_for_an_editor(make_newsroom, monkeypatch, config, expected) -> None:
    room = make_newsroom(config)
    monkeypatch.chdir(room.root)
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 1
    assert expected in result.stderr, result.stderr  # "[a, b]" and "[table]" printed as written


@pytest.mark.parametrize("char", ["\\u001b", "\\u0007", "\\u0000", "\\u007f", "\\u0085"])
@pytest.mark.parametrize(
    "where, before, after",
    [("pressbook.toml", 'name = "Báo Thử Nghiệm"', 'name = "Báo {c} Thử"'),
     ("pressbook.toml", 'publisher = "Tòa soạn Thử Nghiệm"', 'publisher = "Tòa {c} soạn"'),
     ("pressbook.toml", 'default_section = "Tin tức"', 'default_section = "Tin {c} tức"'),
     ("pressbook.toml", '"Kinh tế"', '"Kinh {c} tế"'),
     ("issues/2017-01.toml", None, 'title = "Số {c} đặc biệt"'),
     ("issues/2017-01.toml", None, 'note = "Lời {c} tòa soạn"')],
)  # fmt: skip
def test_a_control_character_in_the_config_or_a_manifest_is_a_clear_error(newsroom, monkeypatch, where, before, after, char) -> None:
    """Text the layouts print (names, titles, notes, sections) may not hold control characters:
    the e-book's XML and poppler's reading cannot, and they crashed the build with exit 3."""
    newsroom.article("2017/01/a.md")
    path = newsroom.root / where
    if before is None:
        path.parent.mkdir(exist_ok=True)
        path.write_text(after.format(c=char) + "\n", encoding="utf-8")
    else:
        path.write_text(path.read_text(encoding="utf-8").replace(before, after.format(c=char)), encoding="utf-8")
    monkeypatch.chdir(newsroom.root)
    for args in (["check"], ["build", "--issue", "2017-01", "--format", "epub"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1, (args, result.output)
        assert f"{where}:" in result.stderr and "control character" in result.stderr, result.stderr


def test_counts_tell_files_not_read_and_articles_left_out(newsroom, monkeypatch) -> None:
    """check says how many files it could not read; a build with --skip-invalid says how many
    articles it left out, and does not count their errors as warnings."""
    newsroom.article("2017/01/ok.md", title="Bài tốt")
    newsroom.write("2017/01/bad1.md", "---\ntitle:\ndate: 2017-01-04\n---\nx\n")
    newsroom.write("2017/01/bad2.md", "---\ntitle: T\ndate: 32/01/2017\n---\nx\n")
    monkeypatch.chdir(newsroom.root)
    checked = runner.invoke(app, ["check"])
    assert checked.exit_code == 1 and "1 article read (2 of 3 files could not be), 2 errors, 0 warnings." in checked.output
    built = runner.invoke(app, ["build", "--issue", "2017-01", "--format", "epub", "--skip-invalid"])
    assert built.exit_code == 0, built.output
    assert "2 articles left out for 2 errors (above)" in built.stdout and "warning" not in built.stdout


def test_a_build_stopped_by_broken_articles_says_what_to_do(newsroom, monkeypatch) -> None:
    args, code, _line = _broken_article_stops_build(newsroom)
    monkeypatch.chdir(newsroom.root)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == code
    said = " ".join(result.stderr.split())
    assert "Nothing was written: correct the articles above and build again, or leave them out with --skip-invalid." in said
    listed = CliRunner().invoke(app, ["list", "--issue", "2099-01"])
    assert "Nothing was written" not in listed.stderr
