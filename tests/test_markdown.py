"""Article bodies to HTML: raw HTML and Markdown sanitised together, links and pictures filtered,
footnotes in every target (print, endnotes, EPUB) including notes that cite notes."""

from __future__ import annotations

import re

import pytest
from lxml import html as lxml_html

from pressbook.html import markdown

TARGETS = ("print", "endnotes", "epub")


def resolve(src: str) -> str | None:
    """A stand-in picture policy: names starting with 'bad' are refused."""
    return None if src.startswith("bad") else f"file:///project/articles/{src}"


def render(body: str, target: str = "print") -> markdown.Rendered:
    return markdown.to_html(body, target=target, resolve=resolve, prefix="bai-")


@pytest.mark.parametrize("target", TARGETS)
def test_inline_raw_html_keeps_its_words(target):
    html = render('Diện tích 25 km<sup>2</sup>, <b>rất</b> rộng; <a href="https://baodienbienphu.info.vn/">báo</a>.', target).html
    assert "km<sup>2</sup>" in html
    assert "<b>rất</b>" in html
    assert '<a href="https://baodienbienphu.info.vn/">báo</a>' in html


def test_raw_table_with_blank_lines_stays_one_table():
    html = render("<table>\n<tr><td>Xã</td>\n\n<td>Số hộ</td></tr>\n</table>\n").html
    tree = lxml_html.fragment_fromstring(html, create_parent="div")
    assert len(tree.findall(".//table")) == 1
    assert [td.text_content() for td in tree.iter("td")] == ["Xã", "Số hộ"]


@pytest.mark.parametrize(
    "link",
    ["../../../../etc/passwd", "file:///etc/passwd", "javascript:alert(1)", "/home/editor/notes.txt", "data:text/html,x"],
)
@pytest.mark.parametrize("target", TARGETS)
def test_markdown_and_raw_links_outside_the_web_lose_their_target(link, target):
    html = render(f'[tệp]({link}) và <a href="{link}">tệp thô</a>', target).html
    assert "href" not in html
    assert "tệp" in html and "tệp thô" in html  # the words stay


@pytest.mark.parametrize("link", ["https://example.vn/a?b=1", "mailto:toasoan@example.vn", "#bai-fn1"])
def test_web_mail_and_anchor_links_are_kept(link):
    html = render(f"[đây]({link})").html
    assert f'href="{link.replace("&", "&amp;")}"' in html


def test_pictures_of_markdown_and_raw_html_pass_the_same_policy():
    result = render('![Cầu treo](cau.png)\n\n<img src="cho.jpg" alt="Chợ"> <img src="bad.png"> ![](bad2.png)\n')
    assert result.images == ("cau.png", "cho.jpg")
    assert result.refused == ("bad.png", "bad2.png")
    sources = re.findall(r'src="([^"]+)"', result.html)
    assert sources == ["file:///project/articles/cau.png", "file:///project/articles/cho.jpg"]
    assert "<figcaption>Cầu treo</figcaption>" in result.html


def test_raw_html_cannot_borrow_pressbooks_own_markers():
    # Ids and picture stand-ins of pressbook's own markup carry a per-render secret.
    result = render('<span id="bai-fn1" class="footnote" onclick="x()">a</span> <img src="pressbook:0:0">\n\n![x](cau.png)', "epub")
    assert 'id="bai-fn1"' not in result.html
    assert "onclick" not in result.html
    assert result.html.count("<img") == 1


def test_table_alignment_is_the_only_style_kept():
    html = render('| a | b |\n|:-:|--:|\n| 1 | 2 |\n\n<p style="background: url(http://x/y.png)">c</p>\n').html
    assert 'style="text-align:center"' in html and 'style="text-align:right"' in html
    assert "url(" not in html


NESTED = "Một[^a] hai[^a] ba[^b].\n\n[^a]: Ghi chú A, xem[^b]\n[^b]: Ghi chú B[^a]\n"


def test_print_notes_that_cite_notes_render_once_each():
    html = render(NESTED, "print").html
    spans = re.findall(r'<span class="footnote">(.*?)</span>', html)
    assert spans == ["Ghi chú A, xem (Ghi chú B)", "Ghi chú B"]


def test_endnotes_list_every_note_once():
    html = render(NESTED, "endnotes").html
    tree = lxml_html.fragment_fromstring(html, create_parent="div")
    items = ["".join(li.itertext()).strip() for li in tree.find(".//ol").iter("li")]
    assert items == ["Ghi chú A, xem2", "Ghi chú B1"]


def test_epub_note_ids_are_unique_and_every_link_lands():
    html = render(NESTED, "epub").html
    tree = lxml_html.fragment_fromstring(html, create_parent="div")
    ids = [element.get("id") for element in tree.iter() if element.get("id")]
    assert len(ids) == len(set(ids))
    targets = {a.get("href")[1:] for a in tree.iter("a") if (a.get("href") or "").startswith("#")}
    assert targets <= set(ids)
    assert {"bai-fn1", "bai-fn2", "bai-fnref1", "bai-fnref1-1", "bai-fnref2"} <= set(ids)


@pytest.mark.parametrize("target", TARGETS)
def test_headings_keep_their_words_at_every_level(target):
    html = render("# Một\n\n## Hai\n\n### Ba\n\n#### Bốn\n", target).html
    assert re.findall(r"<h(\d)>(\w+)</h\1>", html) == (
        [("1", "Một"), ("2", "Hai"), ("3", "Ba"), ("4", "Bốn")]
        if target == "epub"
        else [("3", "Một"), ("4", "Hai"), ("5", "Ba"), ("6", "Bốn")]
    )


def test_tables_are_set_for_print() -> None:
    body = (
        "Kết quả tại 6 xã như sau:\n\n"
        "| Xã | Diện tích (ha) | Năng suất (tạ/ha) | Ghi chú |\n|---|---|:---:|---|\n"
        "| Chiềng Ly | 612 | 54,2 | tốt |\n| **Cộng 6 xã** | **2.646** | **49,1** | 1 |\n"
    )
    html = markdown.to_html(body, target="print", resolve=lambda src: None).html
    # The sentence that introduces the table stays on its page.
    assert '<p class="lead-in">Kết quả tại 6 xã như sau:</p>' in html
    # A column of numbers is aligned right, its heading too; the author's alignment stays.
    assert '<th class="num"><span class="bound">Diện tích (ha)</span></th>' in html
    assert '<td class="num">612</td>' in html and '<td class="num"><strong>2.646</strong></td>' in html
    assert '<td style="text-align:center">54,2</td>' in html
    assert "<td>tốt</td>" in html  # words and numbers mixed: left as they are
    # Words are never broken inside, nor a number from its noun at a cell's end.
    assert '<span class="bound">Năng suất</span> (<span class="nobreak">tạ/ha</span>)' in html
    assert '<strong><span class="bound">Cộng 6 xã</span></strong>' in html
    # The e-book's reader sets its own lines: its tables are left alone.
    epub = markdown.to_html(body, target="epub", resolve=lambda src: None).html
    assert "bound" not in epub and "lead-in" not in epub


def test_a_paragraph_without_a_colon_before_a_table_is_not_bound_to_it() -> None:
    html = markdown.to_html("Một đoạn văn.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", target="print", resolve=lambda src: None).html
    assert "lead-in" not in html


@pytest.mark.parametrize("target", ["print", "epub", "endnotes"])
def test_a_picture_left_out_takes_its_caption_with_it(target) -> None:
    """A refused picture leaves no caption over nothing, from Markdown or raw HTML; a picture
    shown keeps its caption, and text around is untouched."""
    body = ("Trước.\n\n![Vườn cà phê](images/vuon.png)\n\nGiữa.\n\n"
            '<figure><img src="images/x.png"><figcaption>Ảnh thô</figcaption></figure>\n\n![Nương lúa](ok.png)\n\nSau.')
    result = markdown.to_html(body, target=target, resolve=lambda src: "file:///ok.png" if src == "ok.png" else None)
    assert "Vườn cà phê" not in result.html and "Ảnh thô" not in result.html
    assert "<figcaption>Nương lúa</figcaption>" in result.html
    assert all(word in result.html for word in ("Trước.", "Giữa.", "Sau."))
    assert result.refused == ("images/vuon.png", "images/x.png")
