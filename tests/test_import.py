"""Importers: scraped text pages (invented here) and the real saved pages of the shared corpus."""

from __future__ import annotations

import difflib
import json
import unicodedata
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pressbook.articles import read_markdown
from pressbook.importers import ImportOptions, import_source
from pressbook.importers.webpage import extract
from pressbook.body import to_text

TZ = ZoneInfo("Asia/Ho_Chi_Minh")

PAGE = """\
Huyện Tủa Chùa

Đưa nghị quyết vào cuộc sống ở các bản vùng cao

14:05 - Thứ Sáu, 13/01/2017 Lượt xem: 1203 In bài viết
ĐBP - Thời gian qua, Đảng bộ huyện đã triển khai nhiều giải pháp đưa nghị quyết đến từng bản.
Năm 2016, toàn huyện có 1.488 hộ thoát nghèo; các chi bộ sinh hoạt đều đặn.
“Cán bộ phải nói cho dân hiểu, làm cho dân tin”, đồng chí Bí thư nhấn mạnh.
* Ghi chú có dấu sao và _gạch dưới_ không phải Markdown.
Lò Văn Minh (Huyện ủy Tủa Chùa)
Bình luận
Back To Top
"""


def _import(newsroom, tmp_path: Path, content: bytes | str, name: str = "trang.txt", **options) -> Path:
    source = tmp_path / name
    source.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    done = import_source(source, newsroom.project, ImportOptions(**options))
    return done.path


def test_saved_page_in_utf8_wins_over_its_declared_charset(tmp_path) -> None:
    from pressbook.importers.webpage import _decode

    page = '<html><head><meta charset="windows-1252"></head><body><p>Đảng bộ huyện</p></body></html>'
    assert "Đảng bộ huyện" in _decode(page.encode("utf-8"), tmp_path / "a.html")
    # Bytes that are not UTF-8 are read in the charset the page declares.
    legacy = '<html><head><meta charset="windows-1252"></head><body><p>Café</p></body></html>'
    assert "Café" in _decode(legacy.encode("cp1252"), tmp_path / "b.html")


def test_scraped_page_fields_and_body(newsroom, tmp_path) -> None:
    path = _import(newsroom, tmp_path, PAGE)
    assert path == newsroom.root / "articles/2017/01/dua-nghi-quyet-vao-cuoc-song-o-cac-ban-vung-cao.md"
    article = read_markdown(path, TZ)
    assert article.title == "Đưa nghị quyết vào cuộc sống ở các bản vùng cao"
    assert article.section == "Huyện Tủa Chùa"
    assert article.date == datetime(2017, 1, 13, 14, 5, tzinfo=TZ)
    assert article.lead == "ĐBP - Thời gian qua, Đảng bộ huyện đã triển khai nhiều giải pháp đưa nghị quyết đến từng bản."
    assert article.author == "Lò Văn Minh"
    assert article.affiliation == "Huyện ủy Tủa Chùa"
    assert article.views == 1203
    assert to_text(article.body) == (
        "Năm 2016, toàn huyện có 1.488 hộ thoát nghèo; các chi bộ sinh hoạt đều đặn. "
        "“Cán bộ phải nói cho dân hiểu, làm cho dân tin”, đồng chí Bí thư nhấn mạnh. "
        "* Ghi chú có dấu sao và _gạch dưới_ không phải Markdown."
    )
    for chrome in ("Bình luận", "Back To Top", "In bài viết", "Lượt xem"):
        assert chrome not in path.read_text(encoding="utf-8")


def test_same_source_twice_is_byte_identical(newsroom, tmp_path) -> None:
    first = _import(newsroom, tmp_path, PAGE)
    before = first.read_bytes()
    again = _import(newsroom, tmp_path, PAGE, force=True)
    assert again == first and again.read_bytes() == before


VARIANT = """\



Quốc phòng - An ninh
Biên phòng Mường Khoa tuần tra mùa khô


7:30 - Chủ nhật, 5/2/2017
Lượt xem: 87
Chia sẻ
Facebook
(SN) - Đồn Biên phòng Mường Khoa phối hợp với dân quân các bản tuần tra biên giới.

Các tổ tuần tra đi bộ hơn 40 km đường mòn.
Từ khóa: biên phòng, tuần tra
Quàng Thị Hoa
Back To Top
"""


def test_scraped_page_with_irregular_spacing_and_tags(newsroom, tmp_path) -> None:
    article = read_markdown(_import(newsroom, tmp_path, VARIANT), TZ)
    assert article.section == "Quốc phòng - An ninh"
    assert article.title == "Biên phòng Mường Khoa tuần tra mùa khô"
    assert article.date == datetime(2017, 2, 5, 7, 30, tzinfo=TZ)
    assert article.views == 87
    assert article.lead.startswith("(SN) - Đồn Biên phòng")
    assert article.author == "Quàng Thị Hoa" and article.affiliation is None
    assert article.tags == ("biên phòng", "tuần tra")
    assert article.body == "Các tổ tuần tra đi bộ hơn 40 km đường mòn."


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-8-sig"])
def test_scraped_page_in_other_encodings(newsroom, tmp_path, encoding) -> None:
    article = read_markdown(_import(newsroom, tmp_path, PAGE.encode(encoding)), TZ)
    assert article.title == "Đưa nghị quyết vào cuộc sống ở các bản vùng cao"
    assert "1.488 hộ" in article.body


def test_damaged_text_is_repaired_on_import(newsroom, tmp_path) -> None:
    damaged = PAGE.replace("giải pháp", "giải pha\u0301p").replace("1.488 hộ", "1.488\u00a0hô \u0323")
    article_path = _import(newsroom, tmp_path, damaged)
    stored = article_path.read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", stored)
    assert "giải pháp" in stored and "1.488 hộ" in stored and "\u00a0" not in stored


def test_scraped_page_without_dateline_needs_a_date(newsroom, tmp_path) -> None:
    page = "Tin ngắn về mùa màng\n\nSN - Vụ đông xuân năm nay được mùa.\n\nCác xã gieo cấy đúng khung thời vụ.\n\nP.V\n"
    article = read_markdown(_import(newsroom, tmp_path, page, date="2017-01-09", section="Kinh tế"), TZ)
    assert article.date == datetime(2017, 1, 9, tzinfo=TZ)
    assert article.section == "Kinh tế"
    assert article.lead == "SN - Vụ đông xuân năm nay được mùa."
    assert article.author == "P.V"


def test_corpus_text_crawl_formats(newsroom, tmp_path, corpus) -> None:
    """The crawl layouts of the corpus: title, sapo, paragraphs, byline; sapo repeated at the end."""
    for name in ("025.txt", "029.txt", "034.txt", "004.txt"):
        raw = (corpus / "text" / name).read_text(encoding="utf-8")
        article_text = raw.split("# ---- end of heldout header; article text follows verbatim ----\n", 1)[1]
        title = article_text.splitlines()[0].strip()
        path = _import(newsroom, tmp_path, article_text, name=name, date="2024-09-20")
        article = read_markdown(path, TZ)
        assert article.title == title
        assert title not in article.body
        # Every paragraph of the article survives, once and in order, in the lead or the body;
        # only the title and the byline leave the text.
        kept = [article.lead or "", *(to_text(p) for p in article.body.split("\n\n"))]
        byline = {article.author, f"{article.author} ({article.affiliation})"} if article.author else set()
        paragraphs = [" ".join(line.split()) for line in article_text.splitlines()[1:] if line.strip()]
        expected = [p for p in paragraphs if p not in byline]
        assert kept == expected, name


# --- saved HTML pages ---------------------------------------------------------------------------


def test_every_corpus_page_imports(newsroom, corpus) -> None:
    pages = sorted((corpus / "html").glob("*.html"))
    assert len(pages) == 10
    for page in pages:
        done = import_source(page, newsroom.project)
        article = read_markdown(done.path, TZ)
        assert article.title and article.date.year >= 2025, page.name
        assert len(to_text(article.body).split()) > 100, page.name
        stored = done.path.read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", stored), page.name
        assert "&#" not in stored and "&amp;" not in stored and "\ufeff" not in stored, page.name
        for chrome in ("Tải ứng dụng", "TIN LIÊN QUAN", "BÁO ĐIỆN TỬ CHÍNH PHỦ", "thumb_x160"):
            assert chrome not in stored, (page.name, chrome)


def test_fundus_page_matches_expected_extraction(newsroom, corpus) -> None:
    expected = json.loads((corpus / "html" / "fundus_vnexpress_2025-10-22.expected.json").read_text())["V1"]
    page = corpus / "html" / "fundus_vnexpress_2025-10-22.html"
    found = extract(page.read_text(encoding="utf-8"), path=page, project=newsroom.project)
    assert found["title"] == expected["title"]
    assert found["author"] == ", ".join(expected["authors"])
    assert found["lead"] == expected["body"]["summary"][0]
    assert found["date"].isoformat() == "2025-10-22T19:25:52+07:00"
    paragraphs = [p for s in expected["body"]["sections"] for p in s["paragraphs"]]
    ratio = difflib.SequenceMatcher(None, "\n".join(found["texts"]), "\n".join(paragraphs)).ratio()
    assert ratio > 0.97, ratio
    assert found["texts"] == paragraphs  # block for block, the photo caption included


@pytest.mark.parametrize(
    ("name", "title", "author", "lead_start"),
    [
        ("tnmcp_tuoitre_article.html", "Chiến sự đẩy giá hoa nhập khẩu dịp 8-3 tăng mạnh", "Nhật Xuân, Nghi Vũ", "Xung đột ở khu vực Trung Đông"),
        ("tnmcp_dantri_article.html", "Giá vàng giảm, vẫn cao hơn thế giới gần 20 triệu đồng/lượng", "Tri Túc", "Giá vàng trong nước"),
        ("tnmcp_baochinhphu_article.html", "Chính sách mới có hiệu lực từ tháng 3/2026", None, "Tháng 3/2026 có nhiều"),
        ("tnmcp_vietnamnet_article.html", "Cổ phiếu FLC được giao dịch trở lại", "Duy Anh", "CTCP Tập đoàn FLC"),
        ("tnmcp_vnexpress_article.html", "Cách các nước đối phó cú sốc năng lượng từ Trung Đông", "Hà Thu", "Trung Quốc, Nhật Bản"),
    ],
)
def test_corpus_page_metadata(newsroom, corpus, name, title, author, lead_start) -> None:
    page = corpus / "html" / name
    found = extract(page.read_text(encoding="utf-8"), path=page, project=newsroom.project)
    assert found["title"] == title
    assert found["author"] == author
    assert found["lead"].startswith(lead_start)
    # The lead is not repeated as the first paragraph, nor the title anywhere in the body.
    assert found["texts"][0] != found["lead"]
    assert title not in found["texts"]


def test_saved_page_brings_only_real_pictures_from_its_folder(newsroom, tmp_path) -> None:
    from PIL import Image

    page_dir = tmp_path / "trang"
    (page_dir / "files").mkdir(parents=True)
    Image.new("RGB", (50, 40), "teal").save(page_dir / "files/anh-that.png")
    (page_dir / "files/gia.png").write_bytes(b"not a picture at all")
    (page_dir / "files/ghi-chu.txt").write_text("bí mật", encoding="utf-8")
    (tmp_path / "ngoai.png").write_bytes((page_dir / "files/anh-that.png").read_bytes())
    paragraph = "Đoạn văn dài của bài viết, đủ dài để được giữ lại khi trích nội dung chính của trang. " * 3
    figures = "".join(
        f'<p>{paragraph}</p><figure><img src="{src}" alt="Ảnh {n}"><figcaption>Ảnh số {n}</figcaption></figure>'
        for n, src in enumerate(["files/anh-that.png", "files/gia.png", "files/ghi-chu.txt", "../ngoai.png"], 1)
    )
    page = page_dir / "bai.html"
    page.write_text(
        '<html><head><meta property="og:title" content="Bài có ảnh">'
        '<meta property="article:published_time" content="2017-01-09T10:00:00+07:00"></head>'
        f"<body><article><h1>Bài có ảnh</h1>{figures}</article></body></html>",
        encoding="utf-8",
    )
    done = import_source(page, newsroom.project)
    copied = sorted(p.name for p in (done.path.parent / "images").iterdir())
    assert len(copied) == 1 and copied[0].endswith("-1.png"), copied
    notes = " | ".join(done.notes)
    assert "files/gia.png' is not a picture" in notes, notes
    assert "ghi-chu" not in done.path.read_text(encoding="utf-8")  # (the extractor drops it first)
    assert "../ngoai.png' is not beside the page" in notes, notes


def test_scraped_page_with_a_photo_caption_before_the_lead(newsroom, tmp_path) -> None:
    page = (
        "Kinh tế\n\nMường Khoa được mùa\n\n08:48 - Thứ Tư, 04/01/2017\n"
        "Bà con bản Pá Lau gặt lúa trên ruộng bậc thang. Ảnh: Quang Long\n"
        "ĐBP - Vụ mùa năm nay, xã Mường Khoa thu hoạch hơn 300 tấn thóc.\n"
        "Nhiều hộ đã bán lúa giống cho các xã lân cận.\n"
        "Quang Long\n"
    )
    article = read_markdown(_import(newsroom, tmp_path, page), TZ)
    assert (article.section, article.title) == ("Kinh tế", "Mường Khoa được mùa")
    assert article.lead == "ĐBP - Vụ mùa năm nay, xã Mường Khoa thu hoạch hơn 300 tấn thóc."
    assert article.author == "Quang Long"
    # The caption is kept (nothing is lost), in the body, before the body's own text.
    assert to_text(article.body) == (
        "Bà con bản Pá Lau gặt lúa trên ruộng bậc thang. Ảnh: Quang Long "
        "Nhiều hộ đã bán lúa giống cho các xã lân cận."
    )


def test_importing_the_same_page_again_is_not_a_failure(newsroom, tmp_path, monkeypatch) -> None:
    from typer.testing import CliRunner

    from pressbook.cli import app

    page = tmp_path / "trang.txt"
    page.write_text("Thời sự\n\nĐón Tết an toàn\n\n09:00 - Thứ Hai, 02/01/2017\nĐBP - Sa-pô.\nThân bài.\n", encoding="utf-8")
    monkeypatch.chdir(newsroom.root)
    runner = CliRunner()
    first = runner.invoke(app, ["import", str(page)])
    again = runner.invoke(app, ["import", str(page)])
    assert first.exit_code == 0 and again.exit_code == 0, again.output
    assert "already imported, unchanged" in again.stdout and "error" not in again.output
    # A different page of the same title is still refused without --force.
    page.write_text(page.read_text(encoding="utf-8").replace("Thân bài.", "Thân bài khác."), encoding="utf-8")
    changed = runner.invoke(app, ["import", str(page)])
    assert changed.exit_code == 1 and "would overwrite" in changed.stderr
