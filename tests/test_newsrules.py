"""The rules a person applies to a Vietnamese news page: headline, lead, byline and dates."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from pressbook.importers import newsrules

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    ("written", "headline"),
    [
        ("Đột nhập lò luyện thi công chức Hàn Quốc-lo luyen thi cong chuc o han", "Đột nhập lò luyện thi công chức Hàn Quốc"),
        ("Giá xăng giảm mạnh từ chiều nay - VnExpress", "Giá xăng giảm mạnh từ chiều nay"),
        ("Giá xăng giảm mạnh từ chiều nay | Báo Dân trí", "Giá xăng giảm mạnh từ chiều nay"),
        ("Mưa lớn gây ngập nhiều tuyến phố - Thời sự - Tuổi Trẻ Online", "Mưa lớn gây ngập nhiều tuyến phố"),
        ("Cầu Long Biên: 100 năm nhìn lại - baohanoimoi.com.vn", "Cầu Long Biên: 100 năm nhìn lại"),
        ("Đội tuyển Việt Nam thắng Thái Lan 2 - 1", "Đội tuyển Việt Nam thắng Thái Lan 2 - 1"),
        ("Hà Nội - Hải Phòng thông xe cao tốc", "Hà Nội - Hải Phòng thông xe cao tốc"),
    ],
)
def test_a_headline_loses_what_sites_add_after_it(written: str, headline: str) -> None:
    assert newsrules.headline(written) == headline


def test_the_sites_own_name_is_cut_wherever_it_is_written() -> None:
    assert newsrules.headline("Lễ hội hoa ban 2017 - Điện Biên Phủ Online", site="Điện Biên Phủ Online") == "Lễ hội hoa ban 2017"


@pytest.mark.parametrize(
    ("written", "lead"),
    [
        ("(Dân trí) - Sáng nay, giá xăng giảm.", "Sáng nay, giá xăng giảm."),
        ("(PLO)- Chiều 3/1, tòa xử vụ án.", "Chiều 3/1, tòa xử vụ án."),
        ("TTO - Chiều 3/1, mưa lớn.", "Chiều 3/1, mưa lớn."),
        ("VOV.VN - Sáng nay, Quốc hội họp.", "Sáng nay, Quốc hội họp."),
        ("ĐBP - Ngày 4/1, tỉnh tổ chức hội nghị. >> Xem thêm: Hội nghị năm ngoái", "Ngày 4/1, tỉnh tổ chức hội nghị."),
        ("Hà Nội - Sáng nay, trời rét đậm.", "Hà Nội - Sáng nay, trời rét đậm."),
        ("Sáng - tối trời đều rét.", "Sáng - tối trời đều rét."),
    ],
)
def test_a_lead_loses_its_dateline_tag_and_related_links(written: str, lead: str) -> None:
    assert newsrules.lead(written) == lead


@pytest.mark.parametrize(
    ("line", "author", "source"),
    [
        ("Quang Phong - Tùng Nguyên", "Quang Phong - Tùng Nguyên", None),
        ("**Lê Phương**", "Lê Phương", None),
        ("H.V.", "H.V.", None),
        ("T. Lâm", "T. Lâm", None),
        ("Theo Sầm Hoa (Vietnamnet/Reuters)", "Sầm Hoa", "Vietnamnet/Reuters"),
        ("Theo Hà Anh (Báo Tin tức)", "Hà Anh", "Báo Tin tức"),
        ("Theo TTXVN", None, "TTXVN"),
        ("Theo VnExpress", None, "VnExpress"),
        ("Hoàng Hà - Báo Điện Biên Phủ", "Hoàng Hà", "Báo Điện Biên Phủ"),
        ("Minh Anh (tổng hợp)", "Minh Anh", None),
        ("Theo Hồ Hương", "Hồ Hương", None),
        ("Theo Forbes", None, "Forbes"),
        ("Theo Forbes, Newsweek", None, "Forbes, Newsweek"),
    ],
)
def test_a_closing_byline_gives_the_people_and_the_source(line: str, author: str | None, source: str | None) -> None:
    assert newsrules.credit(line) == newsrules.Credit(author, source)


@pytest.mark.parametrize("line", ["Admin", "Nhóm PV", "Ban Biên tập", "Báo Điện Biên Phủ", "Xem thêm các bài khác của chuyên mục", "Theo", "Nguồn:", "VnEconomy"])
def test_a_credit_to_a_site_or_a_team_names_no_author(line: str) -> None:
    found = newsrules.credit(line)
    assert found is None or found.author is None


@pytest.mark.parametrize("value", ["baodantridientu", "VCCorp", "SEO; Traffic Team", "Báo Điện Biên Phủ", "https://x.vn/u/1"])
def test_metadata_naming_the_site_is_no_author(value: str) -> None:
    assert newsrules.author_metadata(value) is None


def test_metadata_naming_a_person_is_kept() -> None:
    assert newsrules.author_metadata("Nguyễn Hùng") == "Nguyễn Hùng"
    assert newsrules.author_metadata("Theo Hồ Hương") == "Hồ Hương"
    assert newsrules.author_metadata("Dân trí", site="Dân trí") is None


@pytest.mark.parametrize(
    ("printed", "moment"),
    [
        ("Thứ Ba, 25/12/2012 - 10:03", datetime(2012, 12, 25, 10, 3)),
        ("24/12/12 11:05 tối", datetime(2012, 12, 24, 23, 5)),
        ("Cập nhật lúc 19.12 10:30", datetime(2012, 12, 19, 10, 30)),
        ("08:48 - Thứ Tư, 04/01/2017", datetime(2017, 1, 4, 8, 48)),
        ("Thứ bảy, 22/9/2012, 08:05 GMT+7", datetime(2012, 9, 22, 8, 5)),
        ("10:03 AM 25/12/2012", datetime(2012, 12, 25, 10, 3)),
        ("Chủ nhật, 02/12/2012 | 14:30", datetime(2012, 12, 2, 14, 30)),
        ("ngày 5 tháng 3 năm 2013", datetime(2013, 3, 5)),
        ("Cập nhật: 13h28 ngày 04-09-2014", datetime(2014, 9, 4, 13, 28)),
    ],
)
def test_the_dates_pages_print(printed: str, moment: datetime) -> None:
    assert newsrules.page_date(printed, TZ, year=2012) == moment.replace(tzinfo=TZ)


def test_a_forum_writes_the_month_first() -> None:
    assert newsrules.page_date("03-08-2011, 09:15 PM", TZ, month_first=True) == datetime(2011, 3, 8, 21, 15, tzinfo=TZ)
    assert newsrules.page_date("03-08-2011, 09:15 PM", TZ) == datetime(2011, 8, 3, 21, 15, tzinfo=TZ)


def test_numbers_that_are_not_dates_are_not_read_as_dates() -> None:
    assert newsrules.page_date("Giá vàng 19.12 triệu đồng, tỷ số 2-1", TZ, year=2012) is None
    assert newsrules.page_date("Năm 2012 có 12/30 tỉnh đạt chỉ tiêu", TZ) is None


def test_the_surest_date_nearest_the_headline_is_taken() -> None:
    page = "Tin khác 01/01/2012 ... Tiêu đề bài báo Thứ Ba, 25/12/2012 - 10:03 ... Bình luận 26/12/2012"
    assert newsrules.page_date(page, TZ, near=page.find("Tiêu đề")) == datetime(2012, 12, 25, 10, 3, tzinfo=TZ)
