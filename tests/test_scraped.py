"""Scraped text pages, read line by line: what becomes the title, the date, the lead, the byline and
the body, where the page's chrome goes, and what a page that cannot be an article is told."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pressbook.errors import ImportSourceError
from pressbook.importers import ImportOptions, scraped

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PAGE = Path("trang.txt")
DATELINE = "08:48 - Thứ Tư, 04/01/2017"


def _parse(newsroom, *lines: str, **options):
    return scraped.parse("\n".join(lines) + "\n", path=PAGE, project=newsroom.project, options=ImportOptions(**options))


def test_every_field_and_nothing_more(newsroom) -> None:
    fields, body, notes = _parse(
        newsroom, "Kinh tế", "Mường Khoa được mùa", DATELINE + " Lượt xem: 1.203 In bài viết",
        "SN - Vụ mùa năm nay được mùa.", "Bà con phấn khởi.", "Từ khóa: lúa, ruộng bậc thang", "Tags: mùa vụ",
        "Quang Long (Trạm khuyến nông)", "Bình luận:",
    )  # fmt: skip
    assert fields == {
        "title": "Mường Khoa được mùa", "date": datetime(2017, 1, 4, 8, 48, tzinfo=TZ), "section": "Kinh tế",
        "author": "Quang Long", "affiliation": "Trạm khuyến nông", "lead": "SN - Vụ mùa năm nay được mùa.",
        "tags": ("lúa", "ruộng bậc thang", "mùa vụ"), "views": 1203,
    }  # fmt: skip
    assert body == ["Bà con phấn khởi."]
    assert notes == []


def test_a_page_without_byline_lead_or_kicker_has_none(newsroom) -> None:
    fields, body, notes = _parse(newsroom, "Mưa to ở Mường Nhé, nhiều bản bị cô lập trong hai ngày liền", DATELINE)
    assert fields["title"] == "Mưa to ở Mường Nhé, nhiều bản bị cô lập trong hai ngày liền"
    assert (fields["author"], fields["affiliation"], fields["lead"], fields["views"]) == (None, None, None, None)
    assert fields["section"] == "Tin tức"  # the project's default section
    assert body == [] and notes == []


def test_a_short_lead_with_a_tag_is_not_taken_for_a_byline(newsroom) -> None:
    fields, body, _ = _parse(newsroom, "Thời sự", "Mưa to", DATELINE, "SN - Mưa Lớn")
    assert (fields["lead"], fields["author"], body) == ("SN - Mưa Lớn", None, [])


def test_a_byline_under_the_title_is_four_words_at_most(newsroom) -> None:
    fields, body, _ = _parse(newsroom, "Thời sự", "Mưa to", DATELINE, "Lò Văn Minh Tuấn", "SN - Mưa lớn.", "Đoạn một.")
    assert (fields["author"], fields["lead"], body) == ("Lò Văn Minh Tuấn", "SN - Mưa lớn.", ["Đoạn một."])
    fields, body, _ = _parse(newsroom, "Thời sự", "Mưa to", DATELINE, "Nguyễn Văn An Bình Minh", "SN - Mưa.", "Đoạn.")
    assert fields["author"] is None and body == ["Nguyễn Văn An Bình Minh", "Đoạn."]


def test_the_lead_is_looked_for_in_the_first_three_paragraphs(newsroom) -> None:
    fields, body, notes = _parse(newsroom, "Thời sự", "Mưa to", DATELINE, "Một.", "Hai.", "Ba.", "SN - Bốn.")
    assert fields["lead"] == "Một." and body == ["Hai.", "Ba.", "SN - Bốn."]
    assert notes == ["no lead tag like 'ĐBP - ' found; the first paragraph became the lead"]
    fields, body, _ = _parse(newsroom, "Thời sự", "Mưa to", DATELINE, "Một.", "Hai.", "SN - Ba.")
    assert fields["lead"] == "SN - Ba." and body == ["Một.", "Hai."]


def test_a_lead_repeated_at_the_end_is_kept_once(newsroom) -> None:
    _, body, _ = _parse(newsroom, "Thời sự", "Mưa to", DATELINE, "SN - Mưa lớn.", "Đoạn.", "SN - Mưa lớn.")
    assert body == ["Đoạn."]


@pytest.mark.parametrize(
    ("header", "section", "title"),
    [
        (["Văn hóa - Xã hội", "Lễ hội", "hoa ban"], "Văn hóa - Xã hội", "Lễ hội hoa ban"),  # a title on two lines
        (["Một hai ba bốn năm sáu bảy tám", "Tiêu đề"], "Một hai ba bốn năm sáu bảy tám", "Tiêu đề"),  # 8 words: a kicker
        (["Một hai ba bốn năm sáu bảy tám chín", "Tiêu đề"], "Tin tức", "Một hai ba bốn năm sáu bảy tám chín Tiêu đề"),
    ],
)
def test_kicker_and_title_above_the_dateline(newsroom, header, section, title) -> None:
    fields, _, _ = _parse(newsroom, *header, DATELINE, "SN - Tin.")
    assert (fields["section"], fields["title"]) == (section, title)


@pytest.mark.parametrize(
    ("line", "moment", "views"),
    [
        ("08:48 - Thứ Tư, 04/01/2017", datetime(2017, 1, 4, 8, 48), None),
        ("Thứ Tư, ngày 04/01/2017", datetime(2017, 1, 4), None),  # no time: midnight
        ("7h05 | 4/1/2017 Lượt xem: 1,203 Chia sẻ", datetime(2017, 1, 4, 7, 5), 1203),
        ("Đăng lúc sáng 04/01/2017", datetime(2017, 1, 4), None),  # three words beside the date: a dateline
        ("Cập nhật lúc sáng 04/01/2017", None, None),  # four: a sentence
        ("Ngày 04/01/2017 huyện tổ chức hội nghị", None, None),  # a sentence that mentions a date
        ("08:48 - 31/02/2017", "no such day", None),  # a dateline, but no such day: said so
    ],
)
def test_datelines(line, moment, views) -> None:
    if moment == "no such day":
        with pytest.raises(ValueError, match="gives no real date"):
            scraped._dateline(line)
        return
    found = scraped._dateline(line)
    assert found == ((moment, views) if moment else None)


def test_the_dateline_is_looked_for_in_the_first_six_lines(newsroom) -> None:
    # A date further down is the body's, not the page's: the page needs --date.
    lines = ["Thời sự", "Tiêu đề", "Một.", "Hai.", "Ba.", "Bốn.", DATELINE, "Năm."]
    fields, body, _ = _parse(newsroom, *lines, date="2017-01-09")
    assert fields["date"] == datetime(2017, 1, 9, tzinfo=TZ) and DATELINE in body


def test_a_date_given_on_the_command_line_wins_and_is_read_in_the_project_time_zone(newsroom) -> None:
    fields, _, _ = _parse(newsroom, "Thời sự", "Tiêu đề", DATELINE, "SN - Tin.", date="2017-01-09 07:30")
    assert fields["date"] == datetime(2017, 1, 9, 7, 30, tzinfo=TZ)
    assert fields["date"].tzinfo is not None


def test_chrome_is_dropped_in_any_case_and_with_a_colon(newsroom) -> None:
    _, body, _ = _parse(
        newsroom, "Thời sự", "Tiêu đề", DATELINE, "SN - Tin.", "BÌNH LUẬN:", "Back To Top", "Lượt xem: 12",
        "Đoạn cuối có chữ chia sẻ ở giữa.", "quảng cáo riêng",
    )  # fmt: skip
    assert body == ["Đoạn cuối có chữ chia sẻ ở giữa.", "quảng cáo riêng"]


def test_the_projects_own_chrome_is_dropped(make_newsroom) -> None:
    from .conftest import CONFIG

    room = make_newsroom(CONFIG + '\n[import]\nchrome = ["Quảng cáo riêng"]\n')
    _, body, _ = _parse(room, "Thời sự", "Tiêu đề", DATELINE, "SN - Tin.", "quảng cáo riêng:", "Đoạn.")
    assert body == ["Đoạn."]


def test_views_on_a_line_of_their_own(newsroom) -> None:
    fields, body, _ = _parse(newsroom, "Thời sự", "Tiêu đề", DATELINE, "Lượt xem: 2.048", "SN - Tin.")
    assert fields["views"] == 2048 and body == []


@pytest.mark.parametrize(
    ("lines", "message", "line", "hint"),
    [
        (["Bình luận", "Back To Top", ""], "has no text once page chrome is dropped", 1, None),
        ([DATELINE, "SN - Tin."], "has no title line before the dateline", 1,
         "a scraped page starts with the kicker and the title, then a dateline like '08:48 - Thứ Tư, 04/01/2017'"),
        (["Tiêu đề", "SN - Tin."], "has no dateline like '08:48 - Thứ Tư, 04/01/2017' under the title", None,
         "add one, or give the date with --date YYYY-MM-DD"),
        (["Đây là " + "một câu dài " * 50 + "hết.", DATELINE], "has no title line: its first line is a paragraph", 1,
         "put the article's title on the first line"),
    ],
)  # fmt: skip
def test_what_a_page_that_is_not_an_article_is_told(newsroom, lines, message, line, hint) -> None:
    with pytest.raises(ImportSourceError) as caught:
        _parse(newsroom, *lines)
    (problem,) = caught.value.problems
    assert (problem.path, problem.message, problem.line, problem.hint) == (PAGE, message, line, hint)


@pytest.mark.parametrize(
    ("title", "refused"),
    [
        ("a" * 300, False),
        ("a" * 301, True),
        (" ".join(["chữ"] * 30) + ".", False),  # thirty words and a full stop: still a title
        (" ".join(["chữ"] * 31) + ".", True),  # a sentence
        (" ".join(["chữ"] * 31) + ";", True),
        (" ".join(["chữ"] * 31), False),  # long, but not a sentence
    ],
)
def test_where_a_title_becomes_a_paragraph(newsroom, title: str, refused: bool) -> None:
    if refused:
        with pytest.raises(ImportSourceError):
            _parse(newsroom, title, DATELINE)
    else:
        assert _parse(newsroom, title, DATELINE)[0]["title"] == title


def test_draft_says_which_encoding_it_read_first(newsroom) -> None:
    from .test_charsets import _cp1258

    page = _cp1258("\n".join(["Thời sự", "Tiêu đề", DATELINE, "Đoạn không có thẻ."]))
    draft = scraped.draft(page, path=PAGE, project=newsroom.project, options=ImportOptions())
    assert draft.notes[0] == "detected encoding: Windows-1258"
    assert draft.notes[1].startswith("no lead tag")
    assert draft.fields["title"] == "Tiêu đề"
    utf8 = scraped.draft("\n".join(["Thời sự", "Tiêu đề", DATELINE, "Đoạn không có thẻ."]).encode("utf-8"), path=PAGE,
                         project=newsroom.project, options=ImportOptions())  # fmt: skip
    assert utf8.notes == ("no lead tag like 'ĐBP - ' found; the first paragraph became the lead",)


def test_draft_names_the_source_of_its_problems(newsroom) -> None:
    for data in (b"\x00\x01binary", "Tiêu đề\n".encode("utf-8")):
        with pytest.raises(ImportSourceError) as caught:
            scraped.draft(data, path=PAGE, project=newsroom.project, options=ImportOptions())
        assert caught.value.problem.path == PAGE


@pytest.mark.parametrize("dateline", ["08:48 - Thứ Tư, 32/01/2017", "08:48 - Thứ Tư, 29/02/2017", "25:10 - Thứ Tư, 04/01/2017", "08:48 - 04/13/2017"])
def test_an_impossible_dateline_is_named_not_called_missing(newsroom, tmp_path, dateline) -> None:
    from pressbook.errors import ImportSourceError
    from pressbook.importers import import_source

    page = tmp_path / "trang.txt"
    page.write_text(f"Thời sự\n\nĐón Tết an toàn\n\n{dateline}\nĐBP - Sa-pô.\nThân bài.\n", encoding="utf-8")
    with pytest.raises(ImportSourceError) as caught:
        import_source(page, newsroom.project)
    assert f"the dateline '{dateline}' gives no real date and time" in str(caught.value)
    assert "--date" in (caught.value.problem.hint or "")


def test_a_dateline_whose_weekday_is_not_its_dates_is_a_warning(newsroom, tmp_path) -> None:
    from pressbook.importers import import_source

    page = tmp_path / "trang.txt"
    page.write_text("Thời sự\n\nĐón Tết an toàn\n\n08:48 - Thứ Tư, 05/01/2017\nĐBP - Sa-pô.\nThân bài.\n", encoding="utf-8")
    done = import_source(page, newsroom.project)
    assert any("Thứ Tư" in w and "Thứ Năm" in w for w in done.warnings), done.warnings
    page.write_text("Thời sự\n\nĐón Tết an toàn\n\n08:48 - Thứ Năm, 05/01/2017\nĐBP - Sa-pô.\nThân bài.\n", encoding="utf-8")
    assert not import_source(page, newsroom.project, ImportOptions(force=True)).warnings
