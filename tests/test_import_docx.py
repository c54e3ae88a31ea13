"""`pressbook import` of Word documents: .docx files written here with python-docx (and, where it
cannot, by editing the archive's XML), imported, and read back as articles."""

from __future__ import annotations

import io
import re
import socket
import struct
import unicodedata
import zipfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches
from PIL import Image

from pressbook.articles import read_markdown
from pressbook.body import to_text
from pressbook.errors import ImportSourceError
from pressbook.importers import ImportOptions, import_source

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes xmlns:w="{W}">
<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>
<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> Nghị quyết số 12-NQ/TW ngày 16/01/2012.</w:t></w:r></w:p></w:footnote>
</w:footnotes>"""


def _png(color: str = "red", size: tuple[int, int] = (40, 30)) -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", size, color).save(data, "PNG")
    data.seek(0)
    return data


def _footnote(document, paragraph) -> None:  # type: ignore[no-untyped-def]
    """A footnote called at the end of `paragraph` (python-docx has no API for notes: the part and
    the call are written as Word writes them)."""
    part = Part(PackURI("/word/footnotes.xml"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
                FOOTNOTES.encode("utf-8"), document.part.package)  # fmt: skip
    document.part.relate_to(part, RT.FOOTNOTES)
    reference = OxmlElement("w:footnoteReference")
    reference.set(qn("w:id"), "1")
    paragraph.add_run()._r.append(reference)


def _save(document, path: Path) -> Path:  # type: ignore[no-untyped-def]
    document.save(str(path))
    return path


def _story(tmp_path: Path, name: str = "bai-viet.docx") -> Path:
    """A correspondent's story with everything the importer reads."""
    document = Document()
    document.add_paragraph("Mường Chà vào mùa gặt", style="Title")
    document.add_paragraph("08:48 - Thứ Tư, 04/01/2017")
    document.add_paragraph("ĐBP - Những ngày này, bà con các bản vùng cao thu hoạch lúa mùa.")
    body = document.add_paragraph("Năm nay lúa được mùa, ")
    body.add_run("năng suất cao").bold = True
    body.add_run(" và ")
    body.add_run("giá bán ổn định").italic = True
    body.add_run(".")
    _footnote(document, body)
    document.add_heading("Những con số", level=1)
    document.add_paragraph("Diện tích tăng 5%", style="List Bullet")
    document.add_paragraph("Sản lượng tăng 8%", style="List Bullet")
    document.add_paragraph("Gặt lúa", style="List Number")
    document.add_paragraph("Phơi thóc", style="List Number")
    table = document.add_table(rows=3, cols=2)
    for row, cells in enumerate((("Xã", "Sản lượng (tấn)"), ("Mường Mươn", "1.200"), ("Pa Ham", "950"))):
        for column, value in enumerate(cells):
            table.cell(row, column).text = value
    document.add_picture(_png(), width=Inches(1))
    document.add_paragraph("Bà con bản Huổi Mí gặt lúa. Ảnh: Lò Văn Minh", style="Caption")
    document.add_paragraph("Mùa vàng trên những thửa ruộng bậc thang.")
    document.add_paragraph("Lò Văn Minh (Huyện ủy Mường Chà)")
    return _save(document, tmp_path / name)


def _import(newsroom, source: Path, **options) -> tuple[Path, tuple[str, ...]]:  # type: ignore[no-untyped-def]
    done = import_source(source, newsroom.project, ImportOptions(**options))
    return done.path, done.warnings


def _refused(newsroom, source: Path, **options) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(ImportSourceError) as caught:
        import_source(source, newsroom.project, ImportOptions(**options))
    message = str(caught.value.problems[0])
    assert caught.value.problems[0].path == source, message
    return message


def _rewrite(source: Path, change) -> None:  # type: ignore[no-untyped-def]
    """Rewrite the members of a .docx: `change(name, data)` gives the new bytes (or None to drop)."""
    with zipfile.ZipFile(source) as archive:
        members = [(info, archive.read(info.filename)) for info in archive.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            new = change(info.filename, data)
            if new is not None:
                archive.writestr(info.filename, new)
    source.write_bytes(out.getvalue())


# --- a whole story ---------------------------------------------------------------------------


def test_a_story_becomes_an_article_with_every_part_in_place(newsroom, tmp_path) -> None:
    path, warnings = _import(newsroom, _story(tmp_path))
    assert warnings == ()
    assert path == newsroom.root / "articles/2017/01/muong-cha-vao-mua-gat.md"
    article = read_markdown(path, TZ)
    assert article.title == "Mường Chà vào mùa gặt"
    assert article.date == datetime(2017, 1, 4, 8, 48, tzinfo=TZ)
    assert article.section == "Tin tức"  # the project's default_section
    # The lead keeps its tag, as scraped pages' leads do.
    assert article.lead == "ĐBP - Những ngày này, bà con các bản vùng cao thu hoạch lúa mùa."
    assert (article.author, article.affiliation) == ("Lò Văn Minh", "Huyện ủy Mường Chà")
    picture = "images/muong-cha-vao-mua-gat-1.png"
    assert article.body.split("\n\n") == [
        "Năm nay lúa được mùa, **năng suất cao** và *giá bán ổn định*.[^1]",
        "## Những con số",
        "- Diện tích tăng 5%\n- Sản lượng tăng 8%",
        "1. Gặt lúa\n2. Phơi thóc",
        "| Xã | Sản lượng (tấn) |\n| --- | --- |\n| Mường Mươn | 1.200 |\n| Pa Ham | 950 |",
        f"![Bà con bản Huổi Mí gặt lúa. Ảnh: Lò Văn Minh]({picture})",
        "Mùa vàng trên những thửa ruộng bậc thang.",
        "[^1]: Nghị quyết số 12-NQ/TW ngày 16/01/2012.",
    ]
    # The picture was checked and copied beside the article; it is the one in the document.
    copied = path.parent / picture
    with Image.open(copied) as image:
        assert image.format == "PNG" and image.size == (40, 30)
    # The body reads as the project's Markdown: the note is a note, the caption a caption.
    words = to_text(article.body)
    assert "Nghị quyết số 12-NQ/TW" in words and "Bà con bản Huổi Mí" in words and "**" not in words


def test_the_same_document_imported_twice_is_unchanged(newsroom, tmp_path) -> None:
    from typer.testing import CliRunner

    from pressbook.cli import app

    story = _story(tmp_path)
    runner = CliRunner()
    first = runner.invoke(app, ["import", str(story), "--project", str(newsroom.root)])
    assert first.exit_code == 0, first.output
    assert "articles/2017/01/muong-cha-vao-mua-gat.md" in first.stdout
    written = (newsroom.root / "articles/2017/01/muong-cha-vao-mua-gat.md").read_bytes()
    again = runner.invoke(app, ["import", str(story), "--project", str(newsroom.root)])
    assert again.exit_code == 0 and "already imported, unchanged" in again.stdout, again.output
    assert (newsroom.root / "articles/2017/01/muong-cha-vao-mua-gat.md").read_bytes() == written


# --- title, lead, date, byline -----------------------------------------------------------------


def test_subtitle_is_the_lead_and_a_heading_1_the_title_when_no_paragraph_is_styled_title(newsroom, tmp_path) -> None:
    document = Document()
    document.add_paragraph("Du lịch")  # a kicker: the section
    document.add_heading("Điện Biên đón khách du lịch", level=1)
    document.add_paragraph("Lượng khách tăng mạnh trong dịp Tết.", style="Subtitle")
    document.add_paragraph("10:15 - Thứ Hai, 02/01/2017")
    document.add_paragraph("Các khách sạn đều kín phòng.")
    document.add_heading("Hạ tầng", level=2)
    document.add_paragraph("Sân bay được mở rộng.")
    path, _warnings = _import(newsroom, _save(document, tmp_path / "du-lich.docx"))
    article = read_markdown(path, TZ)
    assert article.title == "Điện Biên đón khách du lịch"
    assert article.lead == "Lượng khách tăng mạnh trong dịp Tết."
    assert article.section == "Du lịch"
    assert article.date == datetime(2017, 1, 2, 10, 15, tzinfo=TZ)
    assert article.body == "Các khách sạn đều kín phòng.\n\n## Hạ tầng\n\nSân bay được mở rộng."


def test_unstyled_document_first_paragraph_is_the_title_and_a_bold_paragraph_the_lead(newsroom, tmp_path) -> None:
    document = Document()
    document.add_paragraph("Trồng cà phê ở Mường Ảng")
    document.add_paragraph("Mường Ảng, 05/01/2017")
    document.add_paragraph().add_run("Cây cà phê giúp nhiều hộ thoát nghèo.").bold = True
    document.add_paragraph("Giá cà phê năm nay cao.")
    document.add_heading("Đầu ra ổn định", level=1)  # a heading of the body, not the title
    document.add_paragraph("Thương lái thu mua tận vườn.")
    document.add_paragraph("Quang Hưng")
    path, _warnings = _import(newsroom, _save(document, tmp_path / "Document1.docx"))
    article = read_markdown(path, TZ)
    assert article.title == "Trồng cà phê ở Mường Ảng"
    assert article.date == datetime(2017, 1, 5, tzinfo=TZ)
    assert article.lead == "Cây cà phê giúp nhiều hộ thoát nghèo."
    assert article.author == "Quang Hưng" and article.affiliation is None
    assert article.body == "Giá cà phê năm nay cao.\n\n## Đầu ra ổn định\n\nThương lái thu mua tận vườn."


def test_a_first_paragraph_without_tag_or_bold_stays_in_the_body(newsroom, tmp_path) -> None:
    document = Document()
    document.add_paragraph("Tin ngắn", style="Title")
    document.add_paragraph("Bản tin sáng nay có ba tin.")
    document.add_paragraph("Theo Quang Phong (Báo Điện Biên Phủ)")
    path, _warnings = _import(newsroom, _save(document, tmp_path / "tin.docx"), date="2017-01-09")
    article = read_markdown(path, TZ)
    assert article.lead is None
    assert article.body == "Bản tin sáng nay có ba tin."
    # The closing byline as the scraped importer reads it: the name, and in brackets the paper.
    assert (article.author, article.source, article.affiliation) == ("Quang Phong", "Báo Điện Biên Phủ", None)


def test_text_before_the_title_is_kept_and_said_and_a_late_subtitle_is_no_lead(newsroom, tmp_path) -> None:
    document = Document()
    document.add_paragraph("Kính gửi Ban biên tập, tôi xin gửi bài viết sau.")
    document.add_paragraph("Người viết: Lò Văn Minh, điện thoại 0912 345 678.")
    document.add_paragraph("Chợ phiên vùng cao", style="Title")
    document.add_paragraph("Mỗi sáng Chủ nhật, chợ phiên họp từ sớm.")
    document.add_paragraph("Những món ăn lạ", style="Subtitle")
    path, warnings = _import(newsroom, _save(document, tmp_path / "cho.docx"), date="2017-01-08")
    article = read_markdown(path, TZ)
    assert article.title == "Chợ phiên vùng cao" and article.lead is None
    assert article.body.split("\n\n") == [
        "Kính gửi Ban biên tập, tôi xin gửi bài viết sau.",
        "Người viết: Lò Văn Minh, điện thoại 0912 345 678.",
        "Mỗi sáng Chủ nhật, chợ phiên họp từ sớm.",
        "Những món ăn lạ",
    ]
    assert warnings == ("the text before the title was kept at the start of the body; check it",)


def test_without_a_dateline_the_date_is_asked_for_and_the_files_own_date_only_mentioned(newsroom, tmp_path) -> None:
    document = Document()
    document.core_properties.created = datetime(2016, 12, 30, 9, 0)
    document.add_paragraph("Tin không ngày tháng", style="Title")
    document.add_paragraph("Nội dung.")
    source = _save(document, tmp_path / "khong-ngay.docx")
    message = _refused(newsroom, source)
    assert "khong-ngay.docx" in message and "has no publication date" in message
    assert "--date YYYY-MM-DD" in message and "2016-12-30" in message
    path, _warnings = _import(newsroom, source, date="2017-01-07")
    assert read_markdown(path, TZ).date == datetime(2017, 1, 7, tzinfo=TZ)


def test_date_option_wins_over_the_dateline_as_for_scraped_pages_and_says_so(newsroom, tmp_path) -> None:
    path, warnings = _import(newsroom, _story(tmp_path), date="2017-01-05")
    assert read_markdown(path, TZ).date == datetime(2017, 1, 5, tzinfo=TZ)
    assert warnings == ("the dateline says 04/01/2017; used --date 2017-01-05 instead",)


def test_a_document_of_pictures_only_is_named_after_its_file(newsroom, tmp_path) -> None:
    document = Document()
    document.add_picture(_png("green"), width=Inches(1))
    path, warnings = _import(newsroom, _save(document, tmp_path / "anh_mua_gat.docx"), date="2017-01-03")
    article = read_markdown(path, TZ)
    assert article.title == "anh mua gat"
    assert article.body == "![](images/anh-mua-gat-1.png)"
    assert any("file name became the title" in w for w in warnings)


# --- pictures ----------------------------------------------------------------------------------


def test_pictures_take_the_caption_under_them_or_their_alt_text(newsroom, tmp_path) -> None:
    document = Document()
    document.add_paragraph("Ảnh mùa gặt", style="Title")
    document.add_paragraph("08:00 - 06/01/2017")
    document.add_picture(_png("red"), width=Inches(1))
    document.add_paragraph("Ảnh minh họa: ruộng bậc thang")
    document.add_picture(_png("blue"), width=Inches(1))
    document.inline_shapes[1]._inline.docPr.set("descr", "Thóc phơi trên sân nhà văn hóa")
    document.add_picture(_png("yellow"), width=Inches(1))  # no caption, and alt text that is a file name: none
    document.inline_shapes[2]._inline.docPr.set("descr", "IMG_2031.JPG")
    document.add_paragraph("Ảnh đẹp nhất là ảnh chưa chụp.")  # not a caption: "Ảnh" is only a word here
    path, _warnings = _import(newsroom, _save(document, tmp_path / "anh.docx"))
    body = read_markdown(path, TZ).body
    assert body.split("\n\n") == [
        "![Ảnh minh họa: ruộng bậc thang](images/anh-mua-gat-1.png)",
        "![Thóc phơi trên sân nhà văn hóa](images/anh-mua-gat-2.png)",
        "![](images/anh-mua-gat-3.png)",
        "Ảnh đẹp nhất là ảnh chưa chụp.",
    ]
    colours = []
    for n in (1, 2, 3):
        with Image.open(path.parent / f"images/anh-mua-gat-{n}.png") as image:
            colours.append(image.convert("RGB").getpixel((0, 0)))
    assert colours == [(255, 0, 0), (0, 0, 255), (255, 255, 0)]


def test_the_lead_may_come_under_an_opening_picture(newsroom, tmp_path) -> None:
    document = Document()
    document.add_paragraph("Cầu treo mới ở Nậm Pồ", style="Title")
    document.add_paragraph("09:00 - 10/01/2017")
    document.add_picture(_png(), width=Inches(1))
    document.add_paragraph("Ảnh: Cầu treo bản Nậm Chua")
    document.add_paragraph("TTXVN - Cây cầu treo dài 120 mét vừa được khánh thành.")
    document.add_paragraph("Người dân không còn phải lội suối.")
    path, _warnings = _import(newsroom, _save(document, tmp_path / "cau.docx"))
    article = read_markdown(path, TZ)
    assert article.lead == "TTXVN - Cây cầu treo dài 120 mét vừa được khánh thành."
    assert article.body == (
        "![Ảnh: Cầu treo bản Nậm Chua](images/cau-treo-moi-o-nam-po-1.png)\n\nNgười dân không còn phải lội suối."
    )


def test_a_picture_that_is_not_one_is_left_out_with_a_warning(newsroom, tmp_path) -> None:
    document = Document()
    document.add_paragraph("Ảnh hỏng", style="Title")
    document.add_paragraph("08:00 - 06/01/2017")
    document.add_picture(_png(), width=Inches(1))
    document.add_paragraph("Ảnh: sẽ bị bỏ cùng ảnh")
    document.add_picture(_png("blue"), width=Inches(1))
    document.add_paragraph("Nội dung còn lại.")
    source = _save(document, tmp_path / "hong.docx")
    # The first picture's bytes: a PNG signature, then nothing a picture is made of.
    _rewrite(source, lambda name, data: b"\x89PNG\r\n\x1a\n" + b"\0" * 64 if name == "word/media/image1.png" else data)
    path, warnings = _import(newsroom, source)
    assert read_markdown(path, TZ).body == "![](images/anh-hong-1.png)\n\nNội dung còn lại."
    assert len(warnings) == 1 and re.match(r"picture 1 \('Ảnh: sẽ bị bỏ cùng ảnh'\) is .*; left out", warnings[0])


def test_a_linked_picture_is_never_fetched_and_is_left_out(newsroom, tmp_path, monkeypatch) -> None:
    asked: list[object] = []
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: asked.append(a) or [])
    monkeypatch.setattr(socket.socket, "connect", lambda self, *a: asked.append(a))
    (tmp_path / "anh-ben-canh.png").write_bytes(_png().getvalue())
    document = Document()
    document.add_paragraph("Ảnh liên kết", style="Title")
    document.add_paragraph("08:00 - 06/01/2017")
    for target in ("https://example.com/anh.png", "anh-ben-canh.png", "file:///etc/passwd"):
        document.add_picture(_png(), width=Inches(1))
        linked = document.part.relate_to(target, RT.IMAGE, is_external=True)
        blip = document.inline_shapes[-1]._inline.graphic.graphicData.pic.blipFill.blip
        del blip.attrib[qn("r:embed")]
        blip.set(qn("r:link"), linked)
    document.add_paragraph("Nội dung.")
    path, warnings = _import(newsroom, _save(document, tmp_path / "lien-ket.docx"))
    assert asked == []
    assert read_markdown(path, TZ).body == "Nội dung."
    assert not (path.parent / "images").exists()
    assert [w.split(" is linked to ")[1] for w in warnings] == [
        "'https://example.com/anh.png' instead of being saved in the document; left out",
        "'anh-ben-canh.png' instead of being saved in the document; left out",
        "'file:///etc/passwd' instead of being saved in the document; left out",
    ]
    # A document of nothing but a linked picture: refused, and the picture said to be why.
    alone = Document()
    alone.add_picture(_png(), width=Inches(1))
    blip = alone.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip
    del blip.attrib[qn("r:embed")]
    blip.set(qn("r:link"), alone.part.relate_to("https://example.com/a.png", RT.IMAGE, is_external=True))
    with pytest.raises(ImportSourceError) as caught:
        import_source(_save(alone, tmp_path / "chi-co-anh.docx"), newsroom.project, ImportOptions(date="2017-01-06"))
    said = [(p.severity, p.message) for p in caught.value.problems]
    assert said == [
        ("error", "has no article text that could be found"),
        ("warning", "picture 1 is linked to 'https://example.com/a.png' instead of being saved in the document; left out"),
    ]
    assert asked == []


def test_a_picture_in_a_format_pressbook_cannot_print_is_left_out(newsroom, tmp_path) -> None:
    document = Document()
    document.add_paragraph("Biểu đồ", style="Title")
    document.add_paragraph("08:00 - 06/01/2017")
    document.add_picture(_png(), width=Inches(1))
    document.add_paragraph("Nội dung.")
    source = _save(document, tmp_path / "bieu-do.docx")
    emf = b"\x01\x00\x00\x00" + b"\0" * 36 + b" EMF" + b"\0" * 60  # an EMF header, as Word saves charts

    def change(name: str, data: bytes) -> bytes | None:
        if name == "word/media/image1.png":
            return None  # replaced by image1.emf below
        if name == "[Content_Types].xml":
            return data.replace(b'Extension="png" ContentType="image/png"', b'Extension="emf" ContentType="image/x-emf"')
        return data.replace(b"media/image1.png", b"media/image1.emf")

    _rewrite(source, change)
    with zipfile.ZipFile(source, "a") as archive:
        archive.writestr("word/media/image1.emf", emf)
    path, warnings = _import(newsroom, source)
    assert read_markdown(path, TZ).body == "Nội dung."
    assert warnings == ("picture 1 is in EMF format, not PNG, JPEG, GIF or WebP (save it as PNG or JPEG); left out",)


# --- files that are not Word documents, and hostile ones ----------------------------------------


def test_a_text_file_renamed_docx_is_told_to_be_saved_as_docx(newsroom, tmp_path) -> None:
    source = tmp_path / "bai.docx"
    source.write_text("Tiêu đề\n\n08:48 - Thứ Tư, 04/01/2017\nĐBP - Nội dung.\n", encoding="utf-8")
    message = _refused(newsroom, source)
    assert message.startswith(str(source)) and "is not a Word document (.docx)" in message
    assert "save it as .docx" in message


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("bai.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "is an old Word document (.doc)"),
        ("bai.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "or a password-protected one"),
        ("bai.rtf", b"{\\rtf1\\ansi Ti\\'eau \\'f0\\'ea}", "is an RTF document"),
        ("bai.docx", b"PK\x03\x04" + b"\0" * 100, "is a damaged .docx file"),
        ("bai.zip", b"", "is a zip archive, not a Word document"),
        ("bai.odt", b"", "is an OpenDocument file (.odt)"),
    ],
)
def test_what_is_sent_instead_of_a_docx_gets_a_clear_error(newsroom, tmp_path, name, content, said) -> None:
    source = tmp_path / name
    if not content:  # a real zip: of web pages, or an OpenDocument text
        with zipfile.ZipFile(source, "w") as archive:
            if name.endswith(".odt"):
                archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
            archive.writestr("content.xml" if name.endswith(".odt") else "trang.html", "<p>Nội dung</p>")
    else:
        source.write_bytes(content)
    message = _refused(newsroom, source)
    assert said in message and "save it as .docx" in message, message


def test_a_web_page_saved_as_doc_is_still_read_as_a_page(newsroom, tmp_path) -> None:
    source = tmp_path / "trang.doc"
    source.write_text(
        "<!DOCTYPE html><html><head><title>Lễ hội hoa ban</title></head><body><article>"
        "<h1>Lễ hội hoa ban</h1><p>Lễ hội hoa ban năm nay thu hút hàng nghìn du khách đến với Điện Biên.</p>"
        "<p>Nhiều hoạt động văn hóa được tổ chức trong ba ngày.</p></article></body></html>",
        encoding="utf-8",
    )
    path, _warnings = _import(newsroom, source, date="2017-03-10")
    assert read_markdown(path, TZ).title == "Lễ hội hoa ban"


def test_a_cut_off_docx_is_refused_not_a_traceback(newsroom, tmp_path) -> None:
    source = _story(tmp_path)
    data = source.read_bytes()
    source.write_bytes(data[: len(data) // 2])
    message = _refused(newsroom, source)
    assert "is a damaged .docx file" in message and "save it as .docx" in message


def _declare(source: Path, member: str, size: int) -> None:
    """Make the archive's directory say that `member` unpacks to `size` bytes (its bytes stay)."""
    data = bytearray(source.read_bytes())
    name = member.encode()
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46 : at + 46 + length]) == name:
            struct.pack_into("<I", data, at + 24, size)
            break
        at += 4
    else:
        raise AssertionError(f"{member} not in the archive")
    source.write_bytes(bytes(data))


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(newsroom, tmp_path) -> None:
    source = _story(tmp_path)
    _declare(source, "word/media/image1.png", 3_000_000_000)
    message = _refused(newsroom, source)
    assert re.search(r"would unpack to 28\d\d MB, more than the 100 MB a Word document may hold", message), message
    assert not (newsroom.root / "articles" / "2017").exists()


def test_a_document_that_really_unpacks_past_the_limit_is_refused(newsroom, tmp_path) -> None:
    source = _story(tmp_path)
    with zipfile.ZipFile(source, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/padding.bin", b"\0" * (101 * 1024 * 1024))
    assert source.stat().st_size < 1024 * 1024
    assert "more than the 100 MB a Word document may hold" in _refused(newsroom, source)


def test_a_part_that_lies_about_its_size_is_a_damaged_file(newsroom, tmp_path) -> None:
    source = _story(tmp_path)
    _declare(source, "word/document.xml", 100)  # it is longer: unpacking stops short, the check fails
    message = _refused(newsroom, source)
    assert "is a damaged .docx file (Bad CRC-32 for file 'word/document.xml')" in message, message


def test_xml_with_a_document_type_declaration_is_refused(newsroom, tmp_path) -> None:
    source = _story(tmp_path)
    _rewrite(source, lambda name, data: data.replace(
        b"?>", b'?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>', 1
    ) if name == "word/document.xml" else data)  # fmt: skip
    assert "holds a document type declaration" in _refused(newsroom, source)


# --- Vietnamese ----------------------------------------------------------------------------------


def test_vietnamese_typed_decomposed_is_written_in_nfc(newsroom, tmp_path) -> None:
    title = "Những người giữ rừng ở Mường Nhé"
    lead = "ĐBP - Ông Lò Văn Thắm đã 20 năm gắn bó với rừng đặc dụng."
    text = "Mỗi tháng, tổ bảo vệ rừng tuần tra hàng chục lượt; ông nói: “Rừng là nhà của bản”."
    nfd = lambda s: unicodedata.normalize("NFD", s)  # noqa: E731
    document = Document()
    document.add_paragraph(nfd(title), style="Title")
    document.add_paragraph("07:30 - Thứ Bảy, 07/01/2017")
    document.add_paragraph(nfd(lead))
    document.add_paragraph(nfd(text))
    document.add_picture(_png(), width=Inches(1))
    document.add_paragraph(nfd("Ảnh: Tổ tuần tra ở bản Nậm Pố"))  # a caption only once it is NFC
    document.add_paragraph(nfd("Lò Văn Minh"))
    source = _save(document, tmp_path / "giu-rung.docx")
    with zipfile.ZipFile(source) as archive:
        assert nfd("Mường").encode() in archive.read("word/document.xml")
    path, _warnings = _import(newsroom, source)
    written = path.read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", written)
    article = read_markdown(path, TZ)
    picture = "![Ảnh: Tổ tuần tra ở bản Nậm Pố](images/nhung-nguoi-giu-rung-o-muong-nhe-1.png)"
    assert (article.title, article.lead, article.author) == (title, lead, "Lò Văn Minh")
    assert article.body == f"{text}\n\n{picture}"
    assert path.name == "nhung-nguoi-giu-rung-o-muong-nhe.md"


def test_line_breaks_markdown_characters_and_merged_cells(newsroom, tmp_path) -> None:
    document = Document()
    document.add_paragraph("Thơ và bảng", style="Title")
    document.add_paragraph("08:00 - 06/01/2017")
    poem = document.add_paragraph("Rừng xanh núi đỏ")
    poem.add_run().add_break()
    poem.add_run("- Ai về Tây Bắc *cùng* ta")
    document.add_paragraph("# không phải tiêu đề, 1. không phải danh sách")
    document.add_paragraph("---")  # a rule only if left as it is
    document.add_paragraph("~~~ hết ~~~")  # a code fence, swallowing the rest, if left as it is
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Gộp hai cột"
    table.cell(0, 2).text = "C | D"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "Gộp hai dòng"
    table.cell(1, 1).text, table.cell(1, 2).text = "1", "2"
    table.cell(2, 1).text, table.cell(2, 2).text = "3", "4"
    m2 = document.add_paragraph("Diện tích 20 m")
    m2.add_run("2").font.superscript = True
    path, _warnings = _import(newsroom, _save(document, tmp_path / "tho.docx"))
    body = read_markdown(path, TZ).body
    blocks = body.split("\n\n")
    assert blocks[0] == "Rừng xanh núi đỏ\\\n\\- Ai về Tây Bắc \\*cùng\\* ta"
    assert blocks[1] == "\\# không phải tiêu đề, 1. không phải danh sách"
    assert blocks[2] == "\\---"
    assert blocks[3] == "\\~~~ hết ~~~"
    assert blocks[4] == "| Gộp hai cột |  | C \\| D |\n| --- | --- | --- |\n| Gộp hai dòng | 1 | 2 |\n|  | 3 | 4 |"
    assert blocks[5] == "Diện tích 20 m²"
    words = to_text(body)
    assert "Rừng xanh núi đỏ" in words and " --- ~~~ hết ~~~ " in words and "- Ai về Tây Bắc *cùng* ta" in words and "C | D" in words
