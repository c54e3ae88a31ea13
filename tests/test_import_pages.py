"""Saved pages from other sites and older layouts, written for the tests: each rule of the web
page importer on a page a person can read at a glance."""

from __future__ import annotations

from pathlib import Path

import pytest

from pressbook.articles import read_markdown
from pressbook.importers import import_source, pagebody, webpage

BODY = (
    "<p>Từ sáng sớm, đồng bào các dân tộc đã đổ về chợ, mang theo nông sản, thổ cẩm và gia súc để trao đổi, "
    "mua bán sắm Tết. Những gian hàng thổ cẩm rực rỡ sắc màu thu hút đông đảo du khách dừng chân.</p>"
    "<p>Theo các tiểu thương, năm nay lượng khách về chợ đông hơn mọi năm, hàng hóa phong phú, giá cả ổn định, "
    "nhiều mặt hàng nông sản của bà con bán hết ngay trong buổi sáng.</p>"
    "<p>Chính quyền địa phương đã bố trí lực lượng giữ gìn trật tự, hướng dẫn giao thông, bảo đảm an toàn cho "
    "người dân và du khách trong những ngày chợ phiên cuối năm.</p>"
)
OLD_PAGE = (
    '<html><head><title>Chợ phiên ngày Tết - baodienbienphu.info.vn</title>'
    '<meta name="author" content="baodienbienphu"></head><body>'
    '<h1><a href="/"><img src="logo.png" alt="Báo Điện Biên Phủ"></a></h1>'
    "<table><tr><td>T2</td><td>T3</td><td>T4</td><td>T5</td><td>T6</td><td>T7</td><td>CN</td></tr>"
    "<tr><td>1</td><td>2</td><td>3</td><td>4</td><td>5</td><td>6</td><td>7</td></tr>"
    "<tr><td>8</td><td>9</td><td>10</td><td>11</td><td>12</td><td>13</td><td>14</td></tr></table>"
    '<div class="date">Thứ Ba, 25/12/2012 - 10:03</div><h3 class="title">Chợ phiên ngày Tết</h3>'
    "<p>ĐBP - Chợ phiên vùng cao những ngày giáp Tết đông vui, nhộn nhịp người mua kẻ bán.</p>"
    f"{BODY}<p>Theo Hoàng Hà (Báo Điện Biên Phủ)</p></body></html>"
)


def _page(tmp_path: Path, html: str, name: str = "trang.html") -> Path:
    path = tmp_path / "tai-ve" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path


def test_an_old_layout_without_metadata_is_read_as_a_person_would(newsroom, tmp_path) -> None:
    done = import_source(_page(tmp_path, OLD_PAGE), newsroom.project)
    article = read_markdown(done.path, newsroom.project.config.tz)
    assert article.title == "Chợ phiên ngày Tết"  # the <h3>, not the logo's <h1> nor the site in <title>
    assert article.date.isoformat() == "2012-12-25T10:03:00+07:00"  # printed above the headline
    assert article.lead == "Chợ phiên vùng cao những ngày giáp Tết đông vui, nhộn nhịp người mua kẻ bán."
    assert (article.author, article.source) == ("Hoàng Hà", "Báo Điện Biên Phủ")  # not "baodienbienphu"
    assert article.body.startswith("Từ sáng sớm")
    assert "| T2 |" not in article.body and "Theo Hoàng Hà" not in article.body  # no calendar, no byline
    # One small doubt (the date came from the page's text): confident enough, nothing to review.
    assert done.confidence == 0.9 and not done.review and not article.review


WORD_PAGE = """<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>
<meta http-equiv=Content-Type content="text/html; charset=utf-8"><title>Hội nghị tổng kết công tác năm 2012</title></head>
<body lang=VI><div class=WordSection1>
<p class=MsoNormal align=center><b><span style='font-size:14.0pt'>Hội nghị tổng kết công tác năm 2012<o:p></o:p></span></b></p>
<p class=MsoNormal><i>Thứ Năm, 27/12/2012 - 09:15<o:p></o:p></i></p>
<p class=MsoNormal><b>ĐBP - Sáng 26/12, Ban Thường vụ Tỉnh ủy tổ chức hội nghị tổng kết công tác năm 2012.<o:p></o:p></b></p>
<p class=MsoNormal><span>Dự hội nghị có các đồng chí lãnh đạo tỉnh, đại diện các sở, ban, ngành và các huyện, thị xã trong tỉnh.<o:p></o:p></span></p>
<p class=MsoNormal><span>Năm 2012, tỉnh đã hoàn thành 18 trên 20 chỉ tiêu chủ yếu, tốc độ tăng trưởng kinh tế đạt 11,5%.<o:p></o:p></span></p>
<p class=MsoNormal align=right><b><span>Quang Hưng<o:p></o:p></span></b></p>
</div></body></html>"""


def test_a_page_of_word_markup_is_an_article(newsroom, tmp_path) -> None:
    done = import_source(_page(tmp_path, WORD_PAGE), newsroom.project)
    article = read_markdown(done.path, newsroom.project.config.tz)
    assert article.title == "Hội nghị tổng kết công tác năm 2012"
    assert article.date.isoformat() == "2012-12-27T09:15:00+07:00"
    assert article.lead.startswith("Sáng 26/12, Ban Thường vụ")
    assert article.author == "Quang Hưng"
    assert article.body.startswith("Dự hội nghị") and "27/12/2012" not in article.body


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Đột nhập lò luyện thi công chức Hàn Quốc-lo luyen thi cong chuc o han", "Đột nhập lò luyện thi công chức Hàn Quốc"),
        ("Mưa lớn gây ngập nhiều tuyến phố - Thời sự - Tuổi Trẻ Online", "Mưa lớn gây ngập nhiều tuyến phố"),
    ],
)
def test_seo_and_site_suffixes_leave_the_headline(newsroom, tmp_path, title, expected) -> None:
    page = (
        f'<html><head><meta property="og:title" content="{title}">'
        '<meta property="article:published_time" content="2012-12-19T08:00:00+07:00">'
        '<meta property="article:author" content="VCCorp"></head>'
        f"<body><article><h1>{expected}</h1>{BODY}<p><strong>Quang Phong - Tùng Nguyên</strong></p></article></body></html>"
    )
    article = read_markdown(import_source(_page(tmp_path, page), newsroom.project).path, newsroom.project.config.tz)
    assert article.title == expected
    assert article.author == "Quang Phong - Tùng Nguyên"  # the byline, not the company in the metadata
    assert not article.review  # sure of everything: nothing to look at


def test_a_poor_first_reading_is_rescued_by_a_second_extractor(newsroom, tmp_path, monkeypatch) -> None:
    real = webpage._extraction
    # trafilatura finds nothing on the page itself; readability-lxml's block of it is read.
    monkeypatch.setattr(webpage, "_extraction", lambda html, precise: real(html, precise=False) if "<article>" in html else None)
    page = (
        '<html><head><meta property="og:title" content="Chợ phiên vùng cao ngày giáp Tết đông vui">'
        '<meta property="article:published_time" content="2012-12-19T08:00:00+07:00"></head>'
        f"<body><div class='detail'>{BODY}<p>Lò Văn Minh</p></div></body></html>"
    )
    done = import_source(_page(tmp_path, page), newsroom.project)
    article = read_markdown(done.path, newsroom.project.config.tz)
    assert article.body.startswith("Từ sáng sớm") and "trật tự" in article.body
    assert done.confidence == 0.9  # a second reading is one small doubt


def test_comments_are_not_taken_for_the_article() -> None:
    body = pagebody.Body(title="t", lead="", captions=set(), folder=Path("."), slug="t")
    body.texts = ["Nguyễn An - 5 phút trước: Bài hay quá. Trả lời · Thích", "Minh - 2 giờ trước Thích", "Hà: đồng ý. Trả lời"]
    body.blocks = list(body.texts)
    assert pagebody.comments(body) and pagebody.poor(body, "")


def test_doubts_are_reported_by_import_and_by_check(newsroom, tmp_path) -> None:
    from typer.testing import CliRunner

    from pressbook.cli import app

    runner = CliRunner()
    unsigned = OLD_PAGE.replace("<p>Theo Hoàng Hà (Báo Điện Biên Phủ)</p>", "")
    result = runner.invoke(app, ["import", str(_page(tmp_path, unsigned)), "--project", str(newsroom.root)])
    assert result.exit_code == 0
    assert "imported with doubts (confidence 75%): author not found; date read from the page's text" in result.stderr
    checked = runner.invoke(app, ["check", "--project", str(newsroom.root)])
    assert "field 'review': imported with doubts" in checked.stderr


def test_a_teaser_heading_above_the_headline_is_not_taken_for_it(newsroom, tmp_path) -> None:
    page = OLD_PAGE.replace(
        '<div class="date">', "<h2><a href='/tin'>Giá xăng giảm mạnh từ chiều nay ở các tỉnh</a></h2><div class=\"date\">"
    )
    article = read_markdown(import_source(_page(tmp_path, page), newsroom.project).path, newsroom.project.config.tz)
    assert article.title == "Chợ phiên ngày Tết"


def _tcvn3(text: str) -> str:
    """Vietnamese typed for the .VnTime font: TCVN3 bytes, stored as the Latin letters they are."""
    import unicodedata

    from pressbook.importers import _charmaps

    code = {ch: i for i, ch in enumerate(_charmaps.TCVN3)}
    return bytes(code[ch] for ch in unicodedata.normalize("NFC", text)).decode("latin-1")


def test_a_page_typed_for_the_vntime_font_is_converted(newsroom, tmp_path) -> None:
    title = "Chợ phiên vùng cao ngày giáp Tết"
    paragraphs = "".join(f'<p><font face=".VnTime">{_tcvn3(p)}</font></p>' for p in (
        "Từ sáng sớm, đồng bào các dân tộc đã đổ về chợ, mang theo nông sản, thổ cẩm và gia súc để trao đổi, mua bán sắm Tết.",
        "Theo các tiểu thương, năm nay lượng khách về chợ đông hơn mọi năm, hàng hóa phong phú, giá cả ổn định, nhiều mặt hàng bán hết.",
        "Chính quyền địa phương đã bố trí lực lượng giữ gìn trật tự, hướng dẫn giao thông, bảo đảm an toàn cho người dân trong những ngày chợ phiên.",
    ))  # fmt: skip
    page = (
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
        f"<title>{_tcvn3(title)}</title></head><body>"
        f'<h1><font face=".VnTimeH">{_tcvn3(title)}</font></h1><p>Thứ Ba, 25/12/2012 - 10:03</p>{paragraphs}</body></html>'
    ).replace("Thứ Ba", _tcvn3("Thứ Ba"))
    done = import_source(_page(tmp_path, page), newsroom.project)
    article = read_markdown(done.path, newsroom.project.config.tz)
    assert done.encoding == "TCVN3 (ABC)"
    assert article.title == title
    assert "đồng bào các dân tộc đã đổ về chợ" in article.body and "Chính quyền địa phương" in article.body
    assert article.date.isoformat() == "2012-12-25T10:03:00+07:00"


def test_the_extractors_own_log_lines_do_not_reach_the_editor(newsroom, tmp_path) -> None:
    """trafilatura warns of the markup it meets ("empty link: ..."), which Python prints on
    stderr when nothing else handles it: silenced while pages are read."""
    import logging

    logging.getLogger("trafilatura").setLevel(logging.NOTSET)
    import_source(_page(tmp_path, OLD_PAGE), newsroom.project)
    assert not logging.getLogger("trafilatura").isEnabledFor(logging.WARNING)
    assert not logging.getLogger("readability").isEnabledFor(logging.WARNING)


def test_a_writer_over_the_paper_it_comes_from_gives_author_and_source(newsroom, tmp_path) -> None:
    page = OLD_PAGE.replace("<p>Theo Hoàng Hà (Báo Điện Biên Phủ)</p>", '<p style="text-align:right">Theo <strong>Thanh Xuân</strong></p><p><em>VnEconomy</em></p>')
    article = read_markdown(import_source(_page(tmp_path, page), newsroom.project).path, newsroom.project.config.tz)
    assert (article.author, article.source) == ("Thanh Xuân", "VnEconomy")
    assert article.body.rstrip().endswith("những ngày chợ phiên cuối năm.")


def test_a_credit_in_the_pages_own_source_element(newsroom, tmp_path) -> None:
    page = OLD_PAGE.replace("<p>Theo Hoàng Hà (Báo Điện Biên Phủ)</p>", '<div class="singular-source">Theo <strong>Forbes</strong></div>')
    article = read_markdown(import_source(_page(tmp_path, page), newsroom.project).path, newsroom.project.config.tz)
    assert (article.author, article.source) == (None, "Forbes")
    assert "Forbes" not in article.body


def test_a_date_inside_the_story_is_not_its_publication_date() -> None:
    from zoneinfo import ZoneInfo

    from pressbook.importers import newsrules

    text = "Tiêu đề bài báo. " + "Nội dung dài của bài báo. " * 40 + "Quy định có hiệu lực từ ngày 06/01/2023."
    assert newsrules.page_date(text, ZoneInfo("Asia/Ho_Chi_Minh"), near=0) is None


def _metadata_page(description: str, printed: str, extra: str = "") -> str:
    return (
        '<html><head><title>Mở làn riêng cho xe buýt</title>'
        f'<meta property="og:title" content="Mở làn riêng cho xe buýt"><meta name="description" content="{description}">'
        '<meta property="article:published_time" content="2026-10-07T08:30:00+07:00"></head><body>'
        f'<h1>Mở làn riêng cho xe buýt</h1>{extra}{printed}{BODY}</body></html>'
    )


LEAD_WRITTEN = "Sau một tháng miễn phí vé, thu hút khoảng 8,5 triệu lượt khách, thành phố nghiên cứu mở làn riêng cho xe buýt."
LEAD_METADATA = "Sau một tháng miễn phí hút khoảng 8,5 triệu lượt khách, thành phố tính mở làn đường riêng giúp xe buýt chạy nhanh."


@pytest.mark.parametrize(
    ("description", "printed", "extra", "lead"),
    [
        # The metadata's earlier wording: the lead marked "sapo" on the page is the one printed.
        (LEAD_METADATA, f'<h2 class="content-detail-sapo">{LEAD_WRITTEN}</h2>', "", LEAD_WRITTEN),
        # Unmarked, but nearly the same words: the printed one, without the dash after a logo.
        (LEAD_WRITTEN.replace("thu hút", "hút"), f"<p><img src='logo.gif' alt=''>- {LEAD_WRITTEN}</p>", "", LEAD_WRITTEN),
        # A caption that repeats the lead is not the lead.
        (LEAD_WRITTEN, f"<p>{LEAD_WRITTEN}</p>",
         f"<figure><img src='xe.jpg'><figcaption><p>{LEAD_WRITTEN.replace('thành phố', 'TP HCM')}</p></figcaption></figure>",
         LEAD_WRITTEN),
        # A place name stamped before the printed lead: the metadata's (the lead itself) stays.
        (LEAD_WRITTEN, f'<p class="description"><span class="location-stamp">TP HCM</span>{LEAD_WRITTEN}</p>', "",
         LEAD_WRITTEN),
    ],
    ids=["sapo", "unmarked", "caption", "place-stamp"],
)
def test_the_lead_is_the_one_the_page_prints(newsroom, tmp_path, description, printed, extra, lead) -> None:
    done = import_source(_page(tmp_path, _metadata_page(description, printed, extra)), newsroom.project)
    article = read_markdown(done.path, newsroom.project.config.tz)
    assert article.lead == lead


def test_a_printed_lead_far_from_the_metadata_is_not_taken() -> None:
    """Only a block much like the metadata's lead replaces it: a different paragraph never does."""
    from lxml import html

    tree = html.fromstring(f"<html><body><p class='sapo'>{BODY[3:200]}</p><p>{LEAD_WRITTEN}</p></body></html>")
    assert pagebody.printed_lead(tree, LEAD_WRITTEN) == LEAD_WRITTEN
    assert pagebody.printed_lead(tree, "Ngắn quá.") == "Ngắn quá."


PHOTO_STORY = (
    "<html><body><article>"
    "<figure><img src='https://anh.example.vn/1.jpg' data-src='https://anh.example.vn/1-lon.jpg'>"
    "<figcaption><p>Dòng xe nối dài trên đường Điện Biên Phủ sáng nay.</p></figcaption></figure>"
    "<figure><img src='https://anh.example.vn/2.jpg'><figcaption><p>Đến 9h30, hiện trường được thu dọn.</p>"
    "<p>Xe qua lại bình thường.</p></figcaption></figure>"
    "</article></body></html>"
)


def test_a_caption_the_extractor_dropped_is_taken_from_the_page() -> None:
    """A photo story: the extractor gave a picture without its caption and left the caption's text
    out altogether; the page's own caption is put back. A caption it kept as paragraphs is not
    said twice."""
    from lxml import etree, html

    pictures = pagebody.picture_captions(html.fromstring(PHOTO_STORY))
    assert pictures["https://anh.example.vn/1-lon.jpg"] == "Dòng xe nối dài trên đường Điện Biên Phủ sáng nay."
    assert pictures["https://anh.example.vn/2.jpg"] == "Đến 9h30, hiện trường được thu dọn. Xe qua lại bình thường."
    extracted = etree.fromstring(
        "<main><graphic src='https://anh.example.vn/1-lon.jpg'/>"
        "<graphic src='https://anh.example.vn/2.jpg'/><p>Đến 9h30, hiện trường được thu dọn.</p>"
        "<p>Xe qua lại bình thường.</p></main>"
    )
    body = pagebody.Body(title="t", lead="", captions=set(), folder=Path("."), slug="t", pictures=pictures)
    body.walk(extracted)
    assert body.blocks[0] == "![Dòng xe nối dài trên đường Điện Biên Phủ sáng nay.](https://anh.example.vn/1-lon.jpg)"
    assert body.blocks[1] == "![](https://anh.example.vn/2.jpg)"  # its caption is the two paragraphs after it
    assert body.texts[2:] == ["Đến 9h30, hiện trường được thu dọn.", "Xe qua lại bình thường."]


def test_a_video_players_countdown_and_a_topic_list_are_not_the_article() -> None:
    from lxml import etree

    extracted = etree.fromstring(
        "<main><p>Người dân thích thú đi xe buýt miễn phí trong buổi sáng đầu tiên.</p>"
        "<head rend='h2'>Khám phá thêm chủ đề</head><p>60 giây nữa.</p><p>Còn 60 giây nữa là đến bến.</p></main>"
    )
    body = pagebody.Body(title="t", lead="", captions=set(), folder=Path("."), slug="t")
    body.walk(extracted)
    assert body.texts == ["Người dân thích thú đi xe buýt miễn phí trong buổi sáng đầu tiên.", "Còn 60 giây nữa là đến bến."]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("31/08/2017&nbsp;&nbsp;08:30 GMT+7", "2017-08-31T08:30:00+07:00"),
        ("Thứ Năm, 31/8/2017 - 08:30", "2017-08-31T08:30:00+07:00"),
        ("2017-08-31T08:30:00+07:00", "2017-08-31T08:30:00+07:00"),
    ],
    ids=["site-form", "weekday-form", "iso"],
)
def test_a_metadata_date_in_the_sites_own_form_is_read(newsroom, tmp_path, written, expected) -> None:
    # The page's header shows a clock (when the page was saved), nearer the top than the article's
    # date: the metadata's date, in whatever Vietnamese form it is written, is the one taken.
    ld = f'{{"@type": "NewsArticle", "headline": "Lịch thi đấu vòng loại", "datePublished": "{written}"}}'
    page = (
        '<html><head><title>Lịch thi đấu vòng loại</title>'
        f'<script type="application/ld+json">{ld}</script></head><body>'
        "<div class='clock'>Thời gian 01/09/2017 10:06:57 (GMT+7)</div>"
        f"<h1>Lịch thi đấu vòng loại</h1>{BODY}</body></html>"
    )
    done = import_source(_page(tmp_path, page), newsroom.project)
    article = read_markdown(done.path, newsroom.project.config.tz)
    assert article.date.isoformat() == expected
