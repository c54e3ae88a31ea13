"""Headlines never break inside a Vietnamese word nor leave one syllable alone on their last line."""

from __future__ import annotations

import re

import pytest

from pressbook.html.headlines import headline


def _groups(html: str) -> list[str]:
    """The pieces a line may break between: bound spans whole, other syllables one by one."""
    found = []
    for bound, free in re.findall(r'<span class="bound">(.*?)</span>|(\S+)', html):
        found.append(bound or free)
    return found


@pytest.mark.parametrize(
    ("title", "bound"),
    [
        ("Nâng cao chất lượng sinh hoạt chi bộ ở vùng cao", ["chất lượng", "sinh hoạt", "chi bộ", "vùng cao"]),
        ("Đón Giao thừa ở bản vùng cao", ["Giao thừa", "vùng cao"]),
        ("Mường Khoa: lúa ruộng bậc thang được mùa, được giá", ["Mường Khoa", "ruộng bậc thang", "được mùa", "được giá"]),
        # The segmenter writes tone marks its own way (hòa, thủy): the headline keeps the author's.
        ("Hoà bình và thuỷ lợi ở Mường Nhé", ["Hoà bình", "thuỷ lợi", "Mường Nhé"]),
    ],
)
def test_words_of_several_syllables_are_bound(title: str, bound: list[str]) -> None:
    html = str(headline(title))
    assert re.findall(r'<span class="bound">(.*?)</span>', html) == bound
    assert re.sub(r"<[^>]+>", "", html) == title  # nothing else changes


@pytest.mark.parametrize(
    "title",
    ["Khởi tố 2 đối tượng vận chuyển trái phép 2 bánh heroin", "Tổng kết công tác năm 2017", "Lúa được mùa ở xã Pá"],
)
def test_the_last_two_syllables_go_together(title: str) -> None:
    last = _groups(str(headline(title)))[-1]
    assert len(last.split()) >= 2 and title.endswith(last)


def test_short_and_odd_headlines() -> None:
    assert str(headline("Tết")) == "Tết"
    assert str(headline("  Xuân   về  ")) == '<span class="bound">Xuân về</span>'
    assert str(headline("A <b> & \"x\"")) == 'A &lt;b&gt; <span class="bound">&amp; "x"</span>'  # text, not markup
    assert str(headline("")) == ""
