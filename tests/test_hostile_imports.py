"""Broken and foreign sources given to `import` (issue 13, smaller findings).

- The encoding detection never claims an encoding the bytes are not in: text in an encoding it
  does not know (VNI, or another language's code page) is refused with a clear message, never
  saved as garbage; VNI, the other old Vietnamese encoding, is read.
- Bytes that are not UTF-8 are named: their offset, line and value.
- Every picture an import leaves out is reported as a warning, one line each, without --verbose.
"""

from __future__ import annotations

import random
from datetime import date
import re
import unicodedata
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from pressbook.cli import app
from pressbook.importers import _charmaps
from pressbook.importers.charsets import UndecodableError, decode
from pressbook.text import TONES

from .conftest import REPO

runner = CliRunner()

# --- encoders written from the code pages' definitions, independently of the decoder ------------

_VNI_TONE = {"\u0301": 0, "\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0323": 4}


def vni(text: str) -> bytes:
    """`text` in VNI-Windows: base letters with the marks as following Windows-1252 letters."""
    plain, i_tones, circumflex, breve = "ùøûõï", "íìæóò", "áàåãä", "éèúüë"
    out = []
    for char in unicodedata.normalize("NFC", text):
        nfd = unicodedata.normalize("NFD", char)
        base, marks = nfd[0], nfd[1:]
        case = str.upper if base.isupper() else str.lower
        tone = next((_VNI_TONE[m] for m in marks if m in _VNI_TONE), None)
        if char in "đĐ":
            out.append(case("ñ"))
        elif not marks or base.lower() not in "aeiouy":
            out.append(char)
        elif "\u031b" in marks:  # horn: ơ ư are letters of their own
            out.append(case("ô" if base.lower() == "o" else "ö") + ("" if tone is None else case(plain[tone])))
        elif "\u0302" in marks:
            out.append(base + case("â" if tone is None else circumflex[tone]))
        elif "\u0306" in marks:
            out.append(base + case("ê" if tone is None else breve[tone]))
        elif base.lower() == "i":
            out.append(case(i_tones[tone]))  # type: ignore[index]
        else:
            out.append(base + case(plain[tone]))  # type: ignore[index]
    return "".join(out).encode("cp1252")


def _table_encoder(table: str):
    inverse = {char: bytes([index]) for index, char in enumerate(table)}
    return lambda text: b"".join(inverse[c] for c in unicodedata.normalize("NFC", text))


def cp1258(text: str) -> bytes:
    """Windows-1258: letters it has whole, others as base letter and tone mark."""
    out = b""
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            nfd = unicodedata.normalize("NFD", char)
            tone = next(c for c in nfd if c in TONES)
            out += unicodedata.normalize("NFC", nfd.replace(tone, "")).encode("cp1258") + tone.encode("cp1258")
    return out


ENCODERS = {
    "Windows-1258": cp1258, "VISCII": _table_encoder(_charmaps.VISCII), "TCVN3 (ABC)": _table_encoder(_charmaps.TCVN3),
    "VNI": vni,
}  # fmt: skip


def _vietnamese_texts() -> list[str]:
    """Paragraphs of the sample newsroom's articles, each long enough to tell an encoding by."""
    texts = []
    for path in sorted((REPO / "articles").rglob("*.md")):
        for paragraph in path.read_text(encoding="utf-8").split("---", 2)[-1].split("\n\n"):
            paragraph = re.sub(r"[*_#>\[\]()!`\\]", "", paragraph).strip()
            if len([w for w in paragraph.split() if not w.isascii()]) >= 8:
                texts.append(paragraph)
    return texts


TEXTS = _vietnamese_texts()

FOREIGN = [
    ("cp1252", "Crème brûlée à la française, où êtes-vous? Ça coûte très cher, l'été était très chaud."),
    ("cp1252", "Größere Übungen für die Schüler wären schön, aber müßig, sagte der Lehrer im März."),
    ("cp1252", "El niño comió años después en la montaña, ¿qué pasó? Está allí, según él."),
    ("cp1252", "Não há informações sobre a votação na região, disse o ministério à imprensa."),
    ("cp1252", "Hyvää päivää, kävin äsken kaupassa ostamassa jäätelöä ja leipää."),
    ("cp1252", "Þú ert góður maður og ég þakka þér fyrir hjálpina í gær."),
    ("cp1250", "Zażółć gęślą jaźń, proszę państwa, wiele się zmieniło w naszym mieście."),
    ("cp1250", "Příliš žluťoučký kůň úpěl ďábelské ódy, řekl pan Novák."),
    ("cp1251", "Съешь же ещё этих мягких французских булок, да выпей чаю."),
    ("koi8_r", "Съешь же ещё этих мягких французских булок, да выпей чаю."),
    ("cp1254", "Pijamalı hasta yağız şoföre çabucak güvendi, dedi öğretmen."),
    ("cp1253", "Ξεσκεπάζω την ψυχοφθόρα βδελυγμία, είπε ο δάσκαλος."),
    ("cp1255", "דג סקרן שט בים מאוכזב ולפתע מצא חברה"),
    ("cp1257", "Įlinkdama fechtuotojo špaga sublykčiojusi pragręžė apvalų arbūzą."),
]  # fmt: skip


def _random_bytes(seed: int) -> bytes:
    rng = random.Random(seed)
    ascii_words = [b"the", b"news", b"Hanoi", b"2017", b"-", b"page", b"Dien", b"Bien"]
    out = b""
    while len(out) < 400:
        out += rng.choice(ascii_words) if rng.random() < 0.6 else bytes(rng.randrange(0x80, 0x100) for _ in range(2))
        out += b" "
    return out


def test_every_vietnamese_encoding_is_read_exactly() -> None:
    assert len(TEXTS) >= 20
    for label, encode in ENCODERS.items():
        for text in TEXTS:
            try:
                data = encode(text)
            except (KeyError, UnicodeEncodeError, StopIteration):
                continue  # a letter this code page does not have
            decoded = decode(data)
            assert (decoded.encoding, decoded.text) == (label, unicodedata.normalize("NFC", text)), (label, text)


def _refused_or_exact(data: bytes, original: str | None) -> None:
    try:
        decoded = decode(data)
    except UndecodableError as exc:
        message = str(exc)
        assert "is neither UTF-8 nor readable Vietnamese" in message, message
        assert "VNI" in message and "TCVN3" in message, message
        return
    assert original is not None and decoded.text == unicodedata.normalize("NFC", original), (decoded, original)


def test_text_in_an_encoding_pressbook_does_not_know_is_refused_not_garbled() -> None:
    for codec, text in FOREIGN:
        _refused_or_exact(text.encode(codec), None)
    for seed in range(40):
        _refused_or_exact(_random_bytes(seed), None)
    # Vietnamese in one legacy encoding with a few lines of another is not any one encoding.
    for first, second in zip(TEXTS[:10], TEXTS[10:20]):
        try:
            _refused_or_exact(vni(first) + b"\n" + _table_encoder(_charmaps.TCVN3)(second.lower()), None)
        except KeyError:
            continue  # a letter TCVN3 does not have
    # And every known encoding, cut to a few words, is read exactly or refused: never guessed.
    for label, encode in ENCODERS.items():
        for text in TEXTS[:10]:
            for words in (2, 3, 5):
                short = " ".join(text.split()[:words])
                try:
                    data = encode(short)
                except (KeyError, UnicodeEncodeError, StopIteration):
                    continue
                if not data.isascii():
                    _refused_or_exact(data, short)


def test_a_vni_file_is_imported_as_vietnamese(newsroom, tmp_path, monkeypatch) -> None:
    head = "Thời sự\nĐón Tết an toàn ở Điện Biên Phủ\n08:48 - Thứ Tư, 04/01/2017\n"
    page = f"{head}ĐBP - {TEXTS[0]}\n\n{TEXTS[1]}\n"
    source = tmp_path / "vni.txt"
    source.write_bytes(vni(page))
    monkeypatch.chdir(newsroom.root)
    result = runner.invoke(app, ["import", str(source)])
    assert result.exit_code == 0, result.output
    written = (newsroom.root / result.stdout.strip()).read_text(encoding="utf-8")
    assert "title: Đón Tết an toàn ở Điện Biên Phủ" in written
    assert unicodedata.normalize("NFC", TEXTS[1]) in written
    assert "VNI" in result.stderr  # "detected encoding: VNI"


def _page(title: str, paragraphs: list[str], charset: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<html><head><meta charset="{charset}"><meta property="og:title" content="{title}">'
        '<meta property="article:published_time" content="2017-01-09T10:00:00+07:00"></head>'
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    )


@pytest.mark.parametrize("charset", ["windows-1252", "iso-8859-1", "windows-1258"])
def test_a_page_for_a_vni_font_is_read_whatever_it_declares(newsroom, tmp_path, monkeypatch, charset) -> None:
    # A page written for a VNI font declares a Western code page: its bytes are Windows-1252, its
    # letters are not. A page that really is in what it declares is read as declared.
    monkeypatch.chdir(newsroom.root)
    vietnamese = tmp_path / "vni.html"
    lines = [text for text in TEXTS if "\n" not in text][:3]
    vietnamese.write_bytes(vni(_page("Bài ở Điện Biên Phủ", lines, charset)))
    french = tmp_path / "fr.html"
    paragraphs = [text for _, text in FOREIGN[:4]] * 2
    french.write_bytes(_page("Crème brûlée à la française", paragraphs, charset).encode("cp1252"))
    cases = ((vietnamese, "Bài ở Điện Biên Phủ", lines[1]), (french, "Crème brûlée à la française", paragraphs[1]))
    for source, title, paragraph in cases:
        result = runner.invoke(app, ["import", str(source)])
        assert result.exit_code == 0, result.output
        written = (newsroom.root / result.stdout.strip()).read_text(encoding="utf-8")
        assert f"title: {title}" in written
        assert unicodedata.normalize("NFC", paragraph) in written


def test_a_foreign_file_is_refused_with_what_to_do(newsroom, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(newsroom.root)
    for index, (codec, text) in enumerate(FOREIGN):
        source = tmp_path / f"ngoai-{index}.txt"
        source.write_bytes(f"Tiêu đề\n08:48 - Thứ Tư, 04/01/2017\n{text}\n".encode(codec, errors="replace"))
        result = runner.invoke(app, ["import", str(source)])
        assert result.exit_code == 1, (codec, result.output)
        assert "readable Vietnamese" in result.stderr and "save it as UTF-8" in result.stderr
    assert not list((newsroom.root / "articles").rglob("*.md"))


# --- bytes that are not UTF-8 are named -----------------------------------------------------------

_GOOD = "Điện Biên Phủ, ngày 4 tháng 1 năm 2017.\nĐBP - Sáng nay, tỉnh tổ chức hội nghị.\n".encode()


@pytest.mark.parametrize(
    ("data", "offset", "line"),
    [
        (_GOOD + b"Th\xff\xfe c\xc3\xa1i\n", len(_GOOD) + 2, 3),  # a stray byte
        (_GOOD * 3 + b"ng\xe1\xbb", len(_GOOD) * 3 + 2, 7),  # a letter cut short at the end
        (b"Tin \xc0\xaf" + _GOOD, 4, 1),  # an over-long form
        (_GOOD + b"x\xed\xa0\x80y" + _GOOD, len(_GOOD) + 1, 3),  # a surrogate written in UTF-8
        (b"\xef\xbb\xbf" + _GOOD + b"\n\n\x80" + _GOOD, 3 + len(_GOOD) + 2, 5),  # after a BOM
    ],
    ids=["stray", "cut-short", "over-long", "surrogate", "after-bom"],
)
def test_bytes_that_are_not_utf8_are_named(newsroom, tmp_path, monkeypatch, data, offset, line) -> None:
    with pytest.raises(UndecodableError) as caught:
        decode(data)
    message = str(caught.value)
    assert f"byte {offset} " in message and f"line {line}" in message and f"0x{data[offset]:02X}" in message, message
    assert caught.value.line == line
    source = tmp_path / "hong.txt"
    source.write_bytes(data)
    monkeypatch.chdir(newsroom.root)
    result = runner.invoke(app, ["import", str(source)])
    assert result.exit_code == 1, result.output
    assert f"hong.txt:{line}: " in result.stderr and f"byte {offset} " in result.stderr, result.stderr


# --- pictures left out are reported -------------------------------------------------------------


def test_every_picture_left_out_is_a_warning_without_verbose(newsroom, tmp_path, monkeypatch) -> None:
    folder = tmp_path / "trang"
    (folder / "files").mkdir(parents=True)
    Image.new("RGB", (40, 30), "red").save(folder / "files" / "that.png")
    (folder / "files" / "gia.png").write_bytes(b"not a picture at all")
    (folder / "files" / "ghi-chu.png").write_text("chỉ là chữ", encoding="utf-8")
    (tmp_path / "ngoai.png").write_bytes((folder / "files" / "that.png").read_bytes())
    # (The extractor itself drops some pictures before pressbook sees them, e.g. SVG files and
    # data: addresses; these are the ones it passes on.)
    sources = ["files/that.png", "files/gia.png", "files/ghi-chu.png", "../ngoai.png", "files/khong-co.jpg",
               "ftp://example.com/anh.jpg", "files/ten%00la.png", "http://example.com/tren-mang.jpg"]  # fmt: skip
    paragraph = "<p>Đoạn văn khá dài của bài báo để trình trích xuất giữ lại, có đủ chữ để được coi là nội dung.</p>"
    figures = "".join(
        f'{paragraph}<figure><img src="{src}" alt="Ảnh {n}"><figcaption>Ảnh số {n}</figcaption></figure>'
        for n, src in enumerate(sources, 1)
    )
    page = folder / "bai.html"
    page.write_text(
        '<html><head><meta property="og:title" content="Bài có ảnh">'
        '<meta property="article:published_time" content="2017-01-09T10:00:00+07:00"></head>'
        f"<body><article><h1>Bài có ảnh</h1>{figures}</article></body></html>",
        encoding="utf-8",
    )
    monkeypatch.chdir(newsroom.root)
    result = runner.invoke(app, ["import", str(page)])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    article = (newsroom.root / result.stdout.strip()).read_text(encoding="utf-8")
    for src in sources[1:]:
        if src.split("/")[-1] in article or src in article:
            continue  # kept (as a web address) rather than left out
        named = [w for w in warnings if f"'{src}" in w]
        assert len(named) == 1, (src, result.stderr)
        assert "bai.html" in named[0] and "left out" in named[0]
    assert "that.png" not in result.stderr
    assert "tren-mang.jpg" in article and len(warnings) == len(sources) - 2, result.stderr


# --- SOURCE_DATE_EPOCH outside the years pressbook accepts ---------------------------------------


@pytest.mark.parametrize(
    "epoch", ["253402300800", "7289654400", "99999999999999999999", "-2208988801", "-99999999999", "1e9", "soon"]
)
def test_source_date_epoch_outside_the_years_is_a_usage_error(newsroom, tmp_path, monkeypatch, epoch) -> None:
    # 253402300800 is the year 10000, 7289654400 the first second of 2201, -2208988801 the last of
    # 1899; the last two are not whole numbers of seconds at all.
    newsroom.article("2017/01/mot.md")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    result = runner.invoke(app, ["build", "-f", "epub", "--out", str(tmp_path / "out"), "--project", str(newsroom.root)])
    assert result.exit_code == 2, result.output
    assert "internal error" not in result.output
    assert f"SOURCE_DATE_EPOCH '{epoch}'" in result.stderr and "1900" in result.stderr and "2200" in result.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_source_date_epoch_in_the_years_dates_the_book(newsroom, monkeypatch) -> None:
    from pressbook.html.kit import make_kit

    for epoch, year in (("0", 1970), ("1483228800", 2017), ("-2208988800", 1900), ("7289654399", 2200), ("", 2017)):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        assert make_kit(newsroom.project).moment(date(2017, 1, 1)).year == year
