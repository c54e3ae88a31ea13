"""Hostile text on the terminal and extreme dates (issue 13, items 5 and 6).

Every piece of user text pressbook prints goes through one escaping function: Rich markup and
emoji codes are printed as written, control characters, escape sequences and bidi controls are
shown as visible escapes (``\\x1b``, ``\\u202e``). The tests feed that function, and real CLI runs,
a generated list of nasty strings.

Dates outside the years pressbook accepts are content errors (front matter), ignored with a
warning (imports) or usage errors (``--issue``, ``--date``): never an OverflowError, never a
folder named ``articles/1/``."""

from __future__ import annotations

import io
import json
import os
import random
import re
import unicodedata
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from pressbook.articles import read_article
from pressbook.cli import app

runner = CliRunner()
TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# --- the oracle: what "visible" means, written independently of the code under test ----------

_JOINERS = {"\u200c", "\u200d"}  # zero-width (non-)joiners: part of emoji and of other scripts' words


def unsafe(char: str) -> bool:
    """Whether a terminal could act on `char` rather than show it."""
    return unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp") and char not in _JOINERS


def visible(value: str) -> str:
    """`value` with every unsafe character written as a Python-style escape."""
    out = []
    for char in value:
        if not unsafe(char):
            out.append(char)
        elif ord(char) < 0x100:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) < 0x10000:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return "".join(out)


def raw_controls(output: str) -> list[str]:
    """Unsafe characters in `output`, line ends apart."""
    return sorted({hex(ord(c)) for c in output if unsafe(c) and c != "\n"})


# --- the nasty strings -----------------------------------------------------------------------

FRAGMENTS = [
    "[/]", "[red]", "[/red]", "[bold]", "[/bold]", "[", "]", "[[", "]]", "[link=http://x.invalid]",
    "[on red]", "[#ff0000]", "[@click]", "\\", "\\[", "\\\\", ":fire:", ":smile:", ":red_circle:",
    "\x1b[31m", "\x1b[0m", "\x1b[2J\x1b[H", "\x1b]8;;http://evil.invalid\x1b\\", "\x1b]0;title\x07", "\x07",
    "\x08", "\r", "\n", "\t", "\x00", "\x7f", "\x9b31m", "\x85", "\x90", "\x9c", "\u202e", "\u202d",
    "\u2066", "\u2069", "\u200e", "\u200f", "\u061c", "\u2028", "\u2029", "\ufeff", "\u00ad", "\u200b",
    "\U000e0041", "Đà Nẵng", "Huế", "Tiếng Việt", "Nguyễn Thị Hồng Ngọc", "Ư ơ ữ ỹ", "«»", "½", " ",
    "\u00a0", "\u2009", "a", "x", "1", "/", "%s", "{0}", "$(id)", "'", '"', "\u200d", "👨\u200d👩",
]  # fmt: skip

KNOWN = [
    "[/]", "[red]đỏ[/red]", "x[bold]", "a[/]b", "[", "\\", "a\\", "\\[red]x",
    ":fire: Giá vàng :smile:", "\x1b[31mđỏ\x1b[0m", "\x1b]8;;http://evil.invalid\x1b\\bấm\x1b]8;;\x1b\\",
    "\x1b[2J\x1b[Hxóa màn hình", "chuông\x07", "lùi\x08\x08", "về\rđầu", "hai\ndòng", "tab\tở đây",
    "\x9b31mC1", "\x85NEL", "\u202eđảo ngược\u202c", "\u2066cô lập\u2069", "\u200fRTL", "dòng\u2028mới",
    "\ufeffBOM", "mềm\u00admại", "\U000e0041thẻ", "Tiếng Việt: Đà Nẵng, Huế, Hà Nội — «đặc biệt» ½",
]  # fmt: skip


def nasty_strings(count: int = 300, seed: int = 13) -> list[str]:
    """The known cases, then `count` strings of random fragments (a seeded, repeatable list)."""
    rng = random.Random(seed)
    made = [("".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(1, 6)))) for _ in range(count)]
    return KNOWN + made


def _yaml(value: str) -> str:
    """`value` as a YAML double-quoted scalar that spells every character as an escape."""
    return '"' + "".join(c if " " <= c <= "~" and c not in '"\\' else f"\\U{ord(c):08x}" for c in value) + '"'


# --- the escaping function -------------------------------------------------------------------


def test_the_escaping_function_shows_every_string_as_written() -> None:
    from rich.console import Console

    from pressbook.console import safe

    for value in nasty_strings():
        shown = safe(value)
        assert shown.plain == visible(value), repr(value)
        assert not raw_controls(shown.plain), repr(value)
        # Printed on the most eager console Rich has (markup, emoji, highlighting all on): nothing
        # is interpreted, nothing is dropped, nothing crashes.
        sink = io.StringIO()
        Console(file=sink, markup=True, emoji=True, highlight=True, soft_wrap=True, color_system=None).print(shown)
        assert sink.getvalue() == visible(value) + "\n", repr(value)


def test_the_escaping_function_covers_every_control_code_point() -> None:
    from pressbook.console import safe

    for point in range(0x110000):
        char = chr(point)
        if unsafe(char):
            assert safe(char).plain == visible(char), hex(point)
    # Printable text is left exactly as it is: Vietnamese, markup, backslashes, spaces.
    for value in ("Tiếng Việt có dấu: ắằẳẵặ ếềểễệ ốồổỗộ ứừửữự", "[red]x[/red] \\[y] a\\", "1\u00a02\u20093", "👨\u200d👩"):
        assert safe(value).plain == value
    # An object is shown by its text.
    assert safe(Path("a\x1b/b")).plain == "a\\x1b/b"


# --- real CLI runs ---------------------------------------------------------------------------


def _run(args: list[str]) -> tuple[int, str]:
    result = runner.invoke(app, args)
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "internal error" not in output, output
    assert result.exit_code != 3, output
    return result.exit_code, output


def _folder_safe(value: str) -> bool:
    return value not in ("", ".", "..") and "/" not in value and "\x00" not in value and len(value.encode()) < 200


@pytest.fixture
def wide(monkeypatch):
    # The `list` table wraps long cells at the terminal's width; these tests read whole titles.
    monkeypatch.setenv("COLUMNS", "5000")


def test_check_shows_hostile_values_folders_and_keys_as_written(newsroom, monkeypatch, wide) -> None:
    monkeypatch.chdir(newsroom.root)
    values = [v for v in nasty_strings(60) if _folder_safe(v)]
    for index, value in enumerate(values):
        folder = f"{index:03d}{value}"
        newsroom.write(
            f"2017/01/{folder}/a.md",
            f'---\ntitle: T\ndate: {_yaml("x" + value + "x")}\nsection: Thời sự\n{_yaml("k" + value)}: 1\n---\nx\n',
        )
    # A folder whose name is not UTF-8 at all (Python reads it with a stand-in for the bad byte).
    os.makedirs(os.fsencode(newsroom.root / "articles/2017/01") + b"/bad\xffname")
    (Path(os.fsdecode(os.fsencode(newsroom.root / "articles/2017/01") + b"/bad\xffname")) / "a.md").write_text(
        "---\ntitle: T\ndate: 32/13/2017\n---\nx\n", encoding="utf-8"
    )
    code, output = _run(["check"])
    assert code == 1
    assert not raw_controls(output), raw_controls(output)
    for index, value in enumerate(values):
        where = visible(f"articles/2017/01/{index:03d}{value}/a.md")
        assert visible(f"{where}:3: field 'date': 'x{value}x' is not a date") in output, repr(value)
        assert visible(f"{where}:5: field 'k{value}': is not a known article field") in output, repr(value)
    assert "articles/2017/01/bad\\udcffname/a.md:3: field 'date'" in output


def test_list_shows_hostile_titles_sections_and_tags_as_written(newsroom, monkeypatch, wide) -> None:
    monkeypatch.chdir(newsroom.root)
    values = nasty_strings(40)
    for index, value in enumerate(values):
        newsroom.write(
            f"2017/01/a{index:03d}.md",
            f"---\ntitle: {_yaml('T ' + value + ' T')}\ndate: 2017-01-04\nsection: {_yaml('S ' + value + ' S')}\n---\nx\n",
        )
    code, output = _run(["list", "--issue", "2017-01"])
    assert code == 0, output
    assert not raw_controls(output), raw_controls(output)
    for index in range(len(values)):
        article = read_article(newsroom.root / f"articles/2017/01/a{index:03d}.md", TZ)
        assert visible(article.title) in output, repr(article.title)
        assert visible(article.section or "") in output, repr(article.section)
    # The JSON listing is data: exactly the titles, with anything a terminal would act on escaped
    # the JSON way (so it still parses to the same text).
    code, output = _run(["list", "--issue", "2017-01", "--json"])
    assert code == 0
    assert not raw_controls(output), raw_controls(output)
    # (stderr warns of the sections pressbook.toml does not list; the data is stdout alone)
    rows = json.loads(runner.invoke(app, ["list", "--issue", "2017-01", "--json"]).stdout)
    for row in rows:
        article = read_article(newsroom.root / row["path"], TZ)
        assert (row["title"], row["section"]) == (article.title, article.section)


def test_options_echoed_back_are_shown_as_written(newsroom, monkeypatch) -> None:
    monkeypatch.chdir(newsroom.root)
    newsroom.article("2017/01/a.md")
    for value in nasty_strings(40):
        code, output = _run(["list", "--issue", f"x{value}x"])
        assert code == 2 and not raw_controls(output), (value, output)
        assert visible(f"--issue 'x{value}x' is not an issue name") in output, (value, output)
        if "," not in value and "\x00" not in value:
            code, output = _run(["build", "--issue", "2017-01", "--format", f"x{value}x"])
            assert code == 2 and not raw_controls(output), (value, output)
            assert visible(f"unknown format 'x{value}x'".lower()) in output, (value, output)
        code, output = _run(["list", "--section", value])
        assert code == 0 and not raw_controls(output), (value, output)
        if _folder_safe(value):
            code, output = _run(["preflight", f"x{value}x.pdf"])
            assert code == 2 and visible(f"error: x{value}x.pdf: does not exist") in output, (value, output)


def test_import_names_a_hostile_source_as_written(newsroom, monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    names = [v for v in nasty_strings(20) if _folder_safe(v)]
    for index, value in enumerate(names):
        (tmp_path / f"{index:02d}{value}.txt").write_bytes(b"")
    code, output = _run(["import", "-C", str(newsroom.root), *(f"{i:02d}{v}.txt" for i, v in enumerate(names))])
    assert code == 1
    assert not raw_controls(output), raw_controls(output)
    for index, value in enumerate(names):
        assert visible(f"{index:02d}{value}.txt: is empty") in output, repr(value)


def test_build_with_markup_in_a_picture_address_finishes(newsroom, monkeypatch, tmp_path, wide) -> None:
    # The known case: a web picture whose address holds markup crashed `build` after the PDF was
    # written. One small EPUB build (no WeasyPrint) shows the warnings of both kinds of picture.
    monkeypatch.chdir(newsroom.root)
    newsroom.article(
        "2017/01/a.md", title=_yaml("[red]Ảnh[/red] :fire: \u202eđảo"),
        body='Chữ <img src="http://example.com/a[/]b\x1b[31m.jpg"> và ![x](http://example.com/c[/]d.jpg)',
    )  # fmt: skip
    code, output = _run(["build", "--issue", "2017-01", "--format", "epub", "--out", str(tmp_path / "out")])
    assert code == 0, output
    assert not raw_controls(output), raw_controls(output)
    assert "image 'http://example.com/a[/]b" in output
    assert "Bản tin tháng 1/2017: 1 article\n" in output


# --- extreme dates ---------------------------------------------------------------------------

OUT_OF_RANGE = [
    "0001-01-01", "01/01/0001", "1/1/0001 00:00", "9999-12-31", "9999-12-31T23:59:59-12:00",
    "9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00-12:00",
    "1899-12-31T23:59:59-12:00", "1000-06-15", "2201-01-01T00:00:00+14:00", "31/12/9999 23:59",
    "5000-01-01 12:00",
    # In the years as written, outside them in the paper's time zone (+07:00), where no issue holds them:
    "1900-01-01T00:00:00+14:00", "2200-12-31T23:59:59-12:00",
]  # fmt: skip
EDGES = ["1900-01-01T12:00:00+07:00", "1900-01-01T00:00:00-05:00", "1900-01-01", "2200-12-31T16:59:59+00:00", "31/12/2200 23:59"]


def test_a_date_outside_the_years_is_a_content_error_everywhere(newsroom, monkeypatch, wide) -> None:
    monkeypatch.chdir(newsroom.root)
    newsroom.article("2017/01/good.md", title="Tốt")
    for index, value in enumerate(OUT_OF_RANGE):
        newsroom.article(f"2017/01/bad{index:02d}.md", date=f'"{value}"')
    for index, value in enumerate(EDGES):
        newsroom.article(f"2017/01/edge{index}.md", title=f"Biên {index}", date=f'"{value}"')
    code, output = _run(["check"])
    assert code == 1
    lines = output.splitlines()
    for index, value in enumerate(OUT_OF_RANGE):
        start = f"error: articles/2017/01/bad{index:02d}.md:3: field 'date': '{value}' "
        found = [line for line in lines if line.startswith(start)]
        assert found and "outside the years 1900 to 2200" in found[0] and "(write the real date, e.g. 2017-01-04)" in found[0], (value, output)
    assert "edge" not in output
    for command in (["list"], ["build", "--format", "epub"]):
        code, output = _run(command)
        assert code == 1 and "articles/2017/01/bad04.md:3: field 'date'" in output, (command, output)
    code, output = _run(["list", "--skip-invalid"])
    assert code == 0, output
    assert all(f"Biên {index}" in output for index in range(len(EDGES)))


@pytest.mark.parametrize(
    "spec", ["9999", "0000", "0001", "1899", "2201", "9999-12", "0001-01", "9999-W52", "0001-W01", "9999-12-31", "0001-01-01"]
)
def test_an_issue_outside_the_years_is_a_usage_error(newsroom, monkeypatch, spec) -> None:
    from pressbook.edition import parse_issue
    from pressbook.errors import UsageError

    with pytest.raises(UsageError) as caught:
        parse_issue(spec)
    assert caught.value.problem.format() == (
        f"--issue '{spec}': the year must be between 1900 and 2200 "
        "(use YYYY-MM (a month), YYYY-Www (an ISO week), YYYY-MM-DD (a day) or YYYY (a year))"
    )
    monkeypatch.chdir(newsroom.root)
    newsroom.article("2017/01/a.md")
    code, output = _run(["list", "--issue", spec])
    assert code == 2 and "out of range" not in output, output


@pytest.mark.parametrize("spec", ["1900", "2200", "2200-12", "1900-W01", "2200-12-31"])
def test_issues_at_the_edges_of_the_years_work(spec) -> None:
    from pressbook.edition import parse_issue

    assert parse_issue(spec).id == spec


DATELINE_PAGE = "Chuyên mục\n\nMột tiêu đề bình thường\n\n08:48 - Thứ Tư, {date}\nĐBP - Đoạn đầu.\n\nĐoạn hai.\n"
WEB_PAGE = (
    '<html><head><title>Một trang</title><meta property="article:published_time" content="{date}">'
    "</head><body><article><h1>Một trang</h1><p>Đoạn một của bài viết khá dài để được giữ lại.</p>"
    "<p>Đoạn hai của bài viết cũng đủ dài để được giữ lại.</p></article></body></html>"
)


@pytest.mark.parametrize(
    ("page", "name", "date"),
    [
        (DATELINE_PAGE, "a.txt", "01/01/0001"), (DATELINE_PAGE, "b.txt", "31/12/9999"),
        (DATELINE_PAGE, "c.txt", "01/01/1899"), (WEB_PAGE, "d.html", "0001-01-01T00:00:00+07:00"),
        (WEB_PAGE, "e.html", "9999-12-31T23:59:59-12:00"), (WEB_PAGE, "f.html", "2201-01-01T00:00:00+14:00"),
    ],
    ids=["scraped-0001", "scraped-9999", "scraped-1899", "page-0001", "page-9999", "page-2201"],
)  # fmt: skip
def test_an_import_ignores_a_date_outside_the_years_with_a_warning(newsroom, tmp_path, page, name, date) -> None:
    from pressbook.errors import ImportSourceError
    from pressbook.importers import ImportOptions, import_source

    source = tmp_path / name
    source.write_text(page.format(date=date), encoding="utf-8")
    # Without --date: refused as a page without a date is, saying why.
    with pytest.raises(ImportSourceError) as caught:
        import_source(source, newsroom.project)
    assert "outside the years 1900 to 2200" in caught.value.format(), caught.value.format()
    assert not list((newsroom.root / "articles").rglob("*.md"))
    # With --date: that date is used, and the one ignored is named in a note.
    done = import_source(source, newsroom.project, ImportOptions(date="2017-01-04"))
    assert done.path.parent == newsroom.root / "articles/2017/01"
    assert any("outside the years 1900 to 2200" in note for note in done.notes), done.notes
    assert read_article(done.path, TZ).date.isoformat() == "2017-01-04T00:00:00+07:00"


@pytest.mark.parametrize("value", ["01/01/0001", "9999-12-31", "31/12/9999 23:59", "1899-12-31", "32/01/2017", "hôm qua"])
def test_a_bad_import_date_option_is_a_usage_error(newsroom, monkeypatch, tmp_path, value) -> None:
    source = tmp_path / "a.txt"
    source.write_text(DATELINE_PAGE.format(date="04/01/2017"), encoding="utf-8")
    monkeypatch.chdir(newsroom.root)
    code, output = _run(["import", str(source), "--date", value])
    assert code == 2, output
    assert f"--date '{value}'" in output, output
    assert not list((newsroom.root / "articles").rglob("*.md"))


# --- smaller findings: what an import says about bytes, encodings and pictures ---------------

# VNI (the VNI-Times fonts): a base letter and a byte for the hat, breve or tone, read in cp1252.
_VNI_TONE = {"\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
_VNI_HAT = {"": "â", "\u0301": "á", "\u0300": "à", "\u0309": "å", "\u0303": "ã", "\u0323": "ä"}
_VNI_BREVE = {"": "ê", "\u0301": "é", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
_VNI_WHOLE = {"đ": "ñ", "Đ": "Ñ", "ơ": "ô", "Ơ": "Ô", "ư": "ö", "Ư": "Ö", "í": "í", "ì": "ì", "ỉ": "æ", "ĩ": "ó", "ị": "ò"}


def vni(value: str) -> bytes:
    """`value` in the VNI font encoding."""
    out = []
    for char in unicodedata.normalize("NFC", value):
        if char in _VNI_WHOLE:
            out.append(_VNI_WHOLE[char])
            continue
        base, *marks = unicodedata.normalize("NFD", char)
        tone = next((m for m in marks if m in _VNI_TONE), "")
        if not marks or not base.isascii():
            out.append(char)
        elif "\u0302" in marks:
            out.append(base + _VNI_HAT[tone])
        elif "\u0306" in marks:
            out.append(base + _VNI_BREVE[tone])
        elif "\u031b" in marks:
            out.append(_VNI_WHOLE[{"o": "ơ", "u": "ư", "O": "Ơ", "U": "Ư"}[base]] + _VNI_TONE.get(tone, ""))
        else:
            out.append(base + _VNI_TONE.get(tone, ""))
    return "".join(out).encode("cp1252")


VNI_TEXTS = [
    "Hà Nội là thủ đô của Việt Nam.",
    "Thành phố Hồ Chí Minh đông dân nhất nước.",
    "Huyện Tủa Chùa\n\nĐưa nghị quyết vào cuộc sống ở các bản vùng cao\n\n14:05 - Thứ Sáu, 13/01/2017\n"
    "ĐBP - Thời gian qua, Đảng bộ huyện đã triển khai nhiều giải pháp đưa nghị quyết đến từng bản.\n",
    "Người dân vùng cao Điện Biên chuẩn bị đón Tết Nguyên đán với nhiều niềm vui mới.",
    "Giá lúa tăng, nông dân phấn khởi; mưa lớn kéo dài gây sạt lở ở nhiều xã.",
]


@pytest.mark.parametrize("value", VNI_TEXTS)
def test_text_in_a_font_encoding_is_refused_not_saved_garbled(value) -> None:
    from pressbook.importers.charsets import UndecodableError, decode

    data = vni(value)
    try:
        decoded = decode(data)
    except UndecodableError as exc:
        assert "VNI" in str(exc) and "byte 0x" in str(exc), str(exc)
    else:  # only if it could be read for what it is
        assert decoded.text == value, (decoded.encoding, decoded.text)


def test_import_of_a_vni_file_is_read_as_vni_or_refused(newsroom, monkeypatch, tmp_path) -> None:
    source = tmp_path / "vni.txt"
    source.write_bytes(vni(VNI_TEXTS[2]))
    monkeypatch.chdir(tmp_path)
    code, output = _run(["import", "-C", str(newsroom.root), "vni.txt"])
    written = list((newsroom.root / "articles").rglob("*.md"))
    if code == 0:  # read for what it is, and said so
        assert "VNI" in output, output
        article = read_article(written[0], TZ)
        assert (article.title, article.section) == ("Đưa nghị quyết vào cuộc sống ở các bản vùng cao", "Huyện Tủa Chùa")
    else:  # or refused, naming the file and what to do, writing nothing
        assert code == 1 and "vni.txt:" in output and "VNI" in output, output
        assert not written


@pytest.mark.parametrize(
    ("before", "bad", "after"),
    [
        ("", b"\xff", "Đưa nghị quyết vào cuộc sống" * 3),
        ("Dòng một\nDòng hai\n", b"\xc3\x28", " sai" + "\nĐưa nghị quyết" * 5),
        ("Đưa nghị quyết vào cuộc sống\n" * 4 + "Vi", "ệ".encode()[:-1], ""),  # cut short at the end
        ("plain ascii text\n" * 3, b"\x80\x81\x82\x83" * 8, ""),
        ("Tiếng Việt có dấu\r\nhai dòng\r\n", b"\xed\xa0\x80", "Việt Nam" * 4),  # a surrogate in UTF-8
    ],
)  # fmt: skip
def test_bytes_that_are_not_utf8_are_located(before, bad, after) -> None:
    from pressbook.importers.charsets import UndecodableError, decode

    data = before.encode() + bad + after.encode()
    offset, line = len(before.encode()), before.count("\n") + 1
    with pytest.raises(UndecodableError) as caught:
        decode(data)
    message = str(caught.value)
    assert f"0x{bad[0]:02X}" in message and str(offset) in message and f"line {line}" in message, message
    assert (caught.value.offset, caught.value.line) == (offset, line)


def test_pictures_left_out_by_an_import_are_always_reported(newsroom, monkeypatch, tmp_path) -> None:
    page_dir = tmp_path / "trang"
    (page_dir / "files").mkdir(parents=True)
    (page_dir / "files/gia.png").write_bytes(b"not a picture at all")
    (page_dir / "files/[red]x[bold].png").write_bytes(b"not a picture either")
    paragraph = "Đoạn văn dài của bài viết, đủ dài để được giữ lại khi trích nội dung chính của trang. " * 3
    figures = "".join(
        f'<p>{paragraph}</p><figure><img src="{src}"><figcaption>Ảnh số {n}</figcaption></figure>'
        for n, src in enumerate(["files/gia.png", "files/[red]x[bold].png", "../ngoai.png"], 1)
    )
    (page_dir / "bai.html").write_text(
        '<html><head><meta property="og:title" content="Bài có ảnh">'
        '<meta property="article:published_time" content="2017-01-09T10:00:00+07:00"></head>'
        f"<body><article><h1>Bài có ảnh</h1>{figures}</article></body></html>",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    code, output = _run(["import", "-C", str(newsroom.root), "trang/bai.html"])  # no --verbose
    assert code == 0, output
    assert not raw_controls(output)
    warnings = [text for text in output.splitlines() if text.startswith("warning: trang/bai.html: image ")]
    assert len(warnings) == 3, output
    assert "image 'files/gia.png' is not a picture" in warnings[0]
    assert "../ngoai.png' is not beside the page" in warnings[2]


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1899-12-31", "2201-01-01"])
def test_a_manifest_date_outside_the_years_is_a_content_error(newsroom, monkeypatch, tmp_path, value) -> None:
    monkeypatch.chdir(newsroom.root)
    newsroom.article("2017/01/a.md")
    (newsroom.root / "issues").mkdir()
    (newsroom.root / "issues/2017-01.toml").write_text(f'title = "Số Tết"\ndate = {value}\n', encoding="utf-8")
    for command in (["list", "--issue", "2017-01"], ["build", "--issue", "2017-01", "-f", "epub", "-o", str(tmp_path)]):
        code, output = _run(command)
        assert code == 1, output
        assert f"issues/2017-01.toml:2: field 'date': '{value}' is outside the years 1900 to 2200" in output, output


def test_new_names_a_hostile_folder_as_written(monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    for value in ("x[bold]\x1b[2J", "\u202eđảo[/]", ":fire:\x9b31m"):
        code, output = _run(["new", value])
        assert code == 0 and not raw_controls(output), output
        assert visible(f"Created a newsroom in {value}. Next: cd {value} && pressbook list") in output, output
        assert visible(f"{value}/pressbook.toml") in output, output
