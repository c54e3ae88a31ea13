"""The print edition read back as a reader would: text, order, contents numbers, outline, links,
fonts, metadata, running heads; plus layouts, overrides and the missing-glyph error."""

from __future__ import annotations

import re
import unicodedata

import pytest
from fontTools.ttLib import TTFont

from pressbook.html import fonts as fontlib
from pressbook.build import BuildOptions, build, load_edition, PrintOptions, print_articles
from pressbook.errors import ArticleError, ConfigError, EditionError, UsageError
from pressbook.text import VIETNAMESE_LETTERS

from .pdfcheck import CALL, Pdf, expected_words, figure_captions, locate

LAYOUT_CHARACTERS = "₫“”‘’–—…«»·•№§©"


@pytest.mark.parametrize("face", fontlib.load_fonts().faces, ids=lambda f: f.path.name)
def test_every_bundled_face_covers_vietnamese(face) -> None:
    with TTFont(face.path) as font:
        cmap = font.getBestCmap()
        assert "fvar" not in font, "variable fonts are not bundled"
    missing = [ch for ch in VIETNAMESE_LETTERS + LAYOUT_CHARACTERS if ord(ch) not in cmap]
    assert missing == []
    assert face.licence is not None and face.licence.is_file()


@pytest.fixture(scope="module")
def bulletin(january, sample_project):
    """The January bulletin (built once for the whole run), its edition, and the PDF read."""
    pdf = next(o.path for o in january.outputs if o.format == "pdf")
    return january, load_edition(sample_project, "2017-01").edition, Pdf.open(pdf)


def test_builds_without_a_single_warning(bulletin) -> None:
    result, _, pdf = bulletin
    assert [w.format() for w in result.warnings] == []
    assert result.outputs[0].path.name == "bao-son-nguyen-2017-01.pdf"
    assert result.outputs[0].pages == len(pdf.pages) >= 20


def test_every_article_is_in_the_text_in_edition_order(bulletin) -> None:
    _, edition, pdf = bulletin
    words = pdf.words()
    position = next(i for i, (page, _) in enumerate(words) if page == 2)  # after cover and contents
    for article in edition.articles:
        body, notes = expected_words(article.body, floats=True)
        expected = (article.title + " " + (article.lead or "")).split() + body
        assert all(unicodedata.is_normalized("NFC", w) for w in expected)
        count, at = locate(expected, words, position)
        assert count == len(expected), f"{article.slug}: word {count} not found: {expected[count:count + 8]}"
        # Each footnote is printed at the foot of the page that carries its call.
        calls = [words[i][0] for i, w in zip(at, expected) if CALL in w]
        assert len(calls) == len(notes)
        for call_page, note in zip(calls, notes):
            assert call_page in pdf.find(note), f"{article.slug}: note {note[:30]!r} not on page {call_page + 1}"
        # A figure may have floated on, but not out of its article.
        pages = {words[i][0] for i in at}
        for caption in figure_captions(article.body):
            assert set(pdf.find(caption)) & set(range(min(pages), max(pages) + 2)), f"{article.slug}: {caption!r}"
        position = at[-1] + 1


def test_contents_page_numbers_are_the_real_pages(bulletin) -> None:
    _, edition, pdf = bulletin
    contents = " ".join(pdf.pages[1].split())
    assert contents.startswith("MỤC LỤC")
    outline = {title: page for level, title, page in pdf.outline() if level == 2}
    for article in edition.articles:
        match = re.search(re.escape(" ".join(article.title.split())) + r"[ .…]*?(\d+)(?:\s|$)", contents)
        assert match, article.title
        printed = int(match.group(1))
        real = min(p for p in pdf.find(article.title) if p > 1) + 1  # 1-based, after the contents
        assert printed == real == outline[article.title] + 1, article.title
    # The contents lines are links to those pages.
    assert sorted(set(pdf.links(1))) == sorted({outline[a.title] for a in edition.articles})


def test_outline_has_sections_and_articles(bulletin) -> None:
    _, edition, pdf = bulletin
    expected = []
    for section in edition.sections:
        expected.append((1, section.name))
        expected += [(2, a.title) for a in section.articles]
    assert [(level, title) for level, title, _ in pdf.outline()] == expected


def test_fonts_are_bundled_and_embedded(bulletin) -> None:
    _, _, pdf = bulletin
    fonts = pdf.fonts()
    assert fonts and all(fonts.values()), fonts
    assert all(re.fullmatch(r"/[A-Z]{6}\+Noto-(Serif|Sans)(-Bold|-Italic|-BoldItalic)?", name) for name in fonts), fonts


def test_metadata_from_the_edition(bulletin) -> None:
    _, _, pdf = bulletin
    info = pdf.reader.metadata
    assert info["/Title"] == "Báo Sơn Nguyên – Bản tin tháng 1/2017"
    assert info["/Author"] == "Báo Sơn Nguyên – Cơ quan của Đảng bộ tỉnh Sơn Nguyên"
    assert info["/Subject"].startswith("Bản tin tháng 1/2017")
    assert "Xây dựng Đảng" in info["/Keywords"]
    assert info["/CreationDate"] == "D:20170131000000+07'00"
    assert pdf.reader.trailer["/Root"]["/Lang"] == "vi"


def test_cover_and_running_heads(bulletin) -> None:
    _, edition, pdf = bulletin
    cover = pdf.pages[0]
    assert "BÁO SƠN NGUYÊN" in cover and "Bản tin tháng 1/2017" in cover and "Số 1" in cover
    assert "Thứ Ba, ngày 31/01/2017" in cover and "LỜI TÒA SOẠN" in cover
    assert not cover.strip().endswith("1")  # no page number on the cover
    sections = {s.name for s in edition.sections}
    starts = [min(p for p in pdf.find(section.articles[0].title) if p > 1) for section in edition.sections]
    assert starts == sorted(starts) and {n % 2 for n in starts} == {0, 1}  # on either side, in order
    for number, text in enumerate(pdf.pages[2:], start=3):
        lines = [line for line in text.splitlines() if line.strip()]
        assert len(lines) > 2, (number, lines)  # no blank page: sections start on either side
        # Margin boxes come last in the text: the running head, then the page number.
        if number % 2 == 0:  # verso: the edition title
            assert lines[-2] == "Bản tin tháng 1/2017", (number, lines[-2])
        elif number - 1 in starts:  # a recto where a section opens: its heading, and no head above it
            assert lines[0] in {name.upper() for name in sections} and lines[-2] not in sections, (number, lines)
        else:  # recto: the section
            assert lines[-2] in sections, (number, lines[-2])
        assert lines[-1] == str(number)


def test_two_builds_are_byte_identical(bulletin, sample_project, tmp_path) -> None:
    result, _, _ = bulletin
    again = build(sample_project, BuildOptions(issue="2017-01", formats=("pdf",), out_dir=tmp_path, use_cache=False))  # a real second render
    assert again.outputs[0].path.read_bytes() == result.outputs[0].path.read_bytes()


def test_newspaper_layout(sample_project, tmp_path) -> None:
    result = build(sample_project, BuildOptions(issue="2017-02", formats=("pdf",), layout="newspaper", out_dir=tmp_path))
    assert [w.format() for w in result.warnings] == []
    pdf = Pdf.open(result.outputs[0].path)
    box = pdf.reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)
    assert "BÁO SƠN NGUYÊN" in pdf.pages[0]
    assert len(pdf.outline()) > 9


def test_print_one_article(sample_project, tmp_path) -> None:
    article = sample_project.articles_dir / "2017/01/muong-khoa-lua-ruong-bac-thang-duoc-mua-duoc-gia.md"
    from datetime import date

    result = print_articles(sample_project, [article], PrintOptions(out=tmp_path / "bai.pdf", printed=date(2017, 1, 12)))
    assert [w.format() for w in result.warnings] == []
    pdf = Pdf.open(tmp_path / "bai.pdf")
    first = " ".join(pdf.pages[0].split())
    assert first.startswith("BÁO SƠN NGUYÊN https://baosonnguyen.vn KINH TẾ Mường Khoa: Lúa ruộng bậc thang")
    assert "14:10 - Thứ Tư, 11/01/2017" in first
    assert "In ngày 12/01/2017 · 1/" in first
    assert "Lường Thị Thu" in pdf.pages[-1]
    assert pdf.reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.5)


def test_print_several_articles_combined_or_not(sample_project, tmp_path) -> None:
    folder = sample_project.articles_dir / "2017/01"
    paths = sorted(folder.glob("*.md"))[:2]
    separate = print_articles(sample_project, paths, PrintOptions(out=tmp_path / "each"))
    assert sorted(o.path.name for o in separate.outputs) == sorted(p.stem + ".pdf" for p in paths)
    combined = print_articles(sample_project, paths, PrintOptions(out=tmp_path / "all.pdf", combine=True))
    assert len(combined.outputs) == 1
    assert sum(o.pages for o in separate.outputs) == combined.outputs[0].pages


def test_print_refuses_articles_that_would_share_a_file(newsroom, tmp_path) -> None:
    one = newsroom.article("2017/01/tin-vui.md")
    two = newsroom.article("2017/02/tin-vui.md", title="Một bài khác")
    with pytest.raises(ArticleError) as caught:
        print_articles(newsroom.project, [one, two], PrintOptions(out=tmp_path / "each"))
    message = caught.value.problem.format(newsroom.root)
    assert message.startswith("articles/2017/02/tin-vui.md: would print to the same file as"), message
    assert not (tmp_path / "each").exists()
    combined = print_articles(newsroom.project, [one, two], PrintOptions(out=tmp_path / "both.pdf", combine=True))
    assert len(combined.outputs) == 1


def test_missing_glyph_is_an_error_naming_article_and_character(newsroom) -> None:
    newsroom.article("2017/01/a.md", title="Bài có chữ Hán", body="Chữ 漢 không có trong phông.")
    with pytest.raises(EditionError) as caught:
        build(newsroom.project, BuildOptions(issue="2017-01"))
    message = caught.value.problem.format(newsroom.root)
    assert message.startswith("articles/2017/01/a.md: character '漢' (U+6F22) is not in the body font (Noto Serif)")
    assert not (newsroom.root / "build").exists()


def test_unknown_layout(newsroom) -> None:
    newsroom.article("2017/01/a.md")
    with pytest.raises(UsageError) as caught:
        build(newsroom.project, BuildOptions(issue="2017-01", layout="tabloid"))
    assert "unknown layout 'tabloid'" in str(caught.value) and "bulletin" in str(caught.value)


def test_project_layout_overrides_and_extends_the_bundled_one(newsroom, tmp_path) -> None:
    newsroom.article("2017/01/a.md", title="Bài một")
    override = newsroom.root / "layouts" / "bulletin" / "edition.html"
    override.parent.mkdir(parents=True)
    override.write_text(
        '{% extends "!default/bulletin/edition.html" %}\n'
        '{% block cover %}<section class="cover"><p>Trang bìa riêng của tòa soạn</p></section>{% endblock %}\n',
        encoding="utf-8",
    )
    (newsroom.root / "pressbook.toml").write_text(
        (newsroom.root / "pressbook.toml").read_text(encoding="utf-8")
        + '\n[style]\npage_size = "A4"\naccent_color = "#004488"\n',
        encoding="utf-8",
    )
    result = build(newsroom.project, BuildOptions(issue="2017-01", formats=("pdf",), out_dir=tmp_path))
    pdf = Pdf.open(result.outputs[0].path)
    assert "Trang bìa riêng của tòa soạn" in pdf.pages[0]
    assert "Bài một" in "".join(pdf.pages[1:])
    assert round(float(pdf.reader.pages[0].mediabox.width)) == 595  # A4 from [style]


def test_template_error_names_file_and_line(newsroom) -> None:
    newsroom.article("2017/01/a.md")
    broken = newsroom.root / "layouts" / "bulletin" / "edition.html"
    broken.parent.mkdir(parents=True)
    broken.write_text('{% extends "!default/bulletin/edition.html" %}\n{% block cover %}{{ edition.nothing_here }}{% endblock %}\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        build(newsroom.project, BuildOptions(issue="2017-01"))
    problem = caught.value.problem
    assert problem.path == broken and problem.line == 2
    assert "nothing_here" in problem.message


def test_bad_style_value_is_refused(make_newsroom) -> None:
    from .conftest import CONFIG

    room = make_newsroom(CONFIG + '\n[style]\npage_size = "A5; } body { display: none"\n')
    room.article("2017/01/a.md")
    with pytest.raises(ConfigError) as caught:
        build(room.project, BuildOptions(issue="2017-01"))
    assert "style value" in str(caught.value) and "page_size" in str(caught.value)


def test_english_labels(make_newsroom, tmp_path) -> None:
    room = make_newsroom('[publication]\nname = "The Hill Gazette"\npublisher = "Hill Press"\nlanguage = "en"\n')
    room.article("2017/01/a.md", title="A quiet month", date="2017-01-04T08:00:00+07:00")
    pdf = Pdf.open(build(room.project, BuildOptions(issue="2017-01", formats=("pdf",), out_dir=tmp_path)).outputs[0].path)
    assert "Bulletin January 2017" in pdf.pages[0] and "Wednesday, 4 January 2017" in "".join(pdf.pages)
    assert "CONTENTS" in pdf.pages[1]


def test_the_same_edition_in_two_checkouts_gives_the_same_bytes(tmp_path) -> None:
    # Nothing of where the newsroom lives may reach the PDF (its identifier included).
    from .conftest import Newsroom

    made = []
    for place in ("mot/toa-soan", "hai/noi-khac/toa-soan"):
        room = Newsroom(tmp_path / place)
        room.article("2017/01/a.md", title="Bài thời sự", body="Nội dung[^1].\n\n[^1]: Ghi chú.")
        room.article("2017/01/b.md", title="Bài kinh tế", section="Kinh tế", date="2017-01-05")
        edition = build(room.project, BuildOptions(issue="2017-01", formats=("pdf",), out_dir=tmp_path / place / "ra", use_cache=False))
        single = print_articles(room.project, [room.root / "articles/2017/01/a.md"], PrintOptions(out=tmp_path / place / "in.pdf"))
        made.append((edition.outputs[0].path.read_bytes(), single.outputs[0].path.read_bytes()))
    assert made[0][0] == made[1][0]
    assert made[0][1] == made[1][1]


def test_blank_pages_left_for_a_forced_break_are_found() -> None:
    # pdf/weasy.py reads this from a private attribute of WeasyPrint's pages: this fails if it goes.
    from weasyprint import HTML

    from pressbook.pdf.weasy import blank_pages

    html = '<p>Một</p><p style="break-before: right">Hai</p><p style="break-before: right">Ba</p>'
    document = HTML(string=html).render()
    assert len(document.pages) == 5 and blank_pages(document) == (1, 3)


def _contents_lines(pdf_path, pages: range) -> list[str]:
    import subprocess

    text = subprocess.run(
        ["pdftotext", "-layout", "-f", str(pages.start + 1), "-l", str(pages.stop), str(pdf_path), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_contents_entries_end_with_three_dots_at_least_and_their_number(newsroom, tmp_path) -> None:
    # Titles of every length, so that some end just short of the number's place.
    for n in range(24):
        newsroom.article(f"2017/01/bai-{n:02d}.md", title="Bài " + " ".join(["chữ"] * (6 + n)), date=f"2017-01-{n + 2:02d}")
    newsroom.article("2017/01/khac.md", title="Tin kinh tế", section="Kinh tế", date="2017-01-28")
    result = build(newsroom.project, BuildOptions(issue="2017-01", formats=("pdf",), out_dir=tmp_path))
    lines = _contents_lines(result.outputs[0].path, range(1, 4))
    entries = [line for line in lines if re.search(r"\d+$", line) and "chữ" in line or re.fullmatch(r"[. ]+\d+", line)]
    assert len([line for line in lines if re.search(r"\.\s*\d+$", line)]) == 25
    for line in lines:
        if re.search(r"\.\s*\d+$", line):  # the last line of an entry
            assert re.search(r"[^\s.]\s*(\.\s*){3,}\d+$", line), line  # words, three dots or more, the number
    assert entries


def test_bulletin_contents_have_no_line_of_dots_alone(bulletin) -> None:
    result, _, _ = bulletin
    path = next(o.path for o in result.outputs if o.format == "pdf")
    for line in _contents_lines(path, range(1, 2)):
        assert not re.fullmatch(r"[. ]+\d*", line), line


def test_a_cover_without_picture_shows_the_stories_and_a_volume_its_range(sample_project, tmp_path) -> None:
    # February has no cover picture; the 2017 volume is dated by its range, not by its last article.
    february = Pdf.open(build(sample_project, BuildOptions(issue="2017-02", formats=("pdf",), out_dir=tmp_path / "f")).outputs[0].path)
    edition = load_edition(sample_project, "2017-02").edition
    cover = " ".join(february.pages[0].split())
    assert "TRONG SỐ NÀY" in cover.upper()
    for section in edition.sections[:4]:
        assert " ".join(section.articles[0].title.split()) in cover, section.articles[0].title
    volume = Pdf.open(build(sample_project, BuildOptions(issue="2017", formats=("pdf",), out_dir=tmp_path / "v")).outputs[0].path)
    cover = " ".join(volume.pages[0].split())
    assert "Năm 2017 · Số 1–3" in cover and "22/03/2017" not in cover


def test_a_combined_print_is_named_after_its_articles(newsroom, tmp_path) -> None:
    """Two combined prints of different articles into the same folder do not replace each other."""
    one = newsroom.article("2017/01/mot.md", title="Một")
    two = newsroom.article("2017/01/hai.md", title="Hai")
    three = newsroom.article("2017/01/ba.md", title="Ba")
    first = print_articles(newsroom.project, [one, two], PrintOptions(out=tmp_path, combine=True))
    second = print_articles(newsroom.project, [three, one, two], PrintOptions(out=tmp_path, combine=True))
    assert [o.path.name for o in first.outputs] == ["mot-va-1-bai.pdf"]
    assert [o.path.name for o in second.outputs] == ["ba-va-2-bai.pdf"]
