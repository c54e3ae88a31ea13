"""The newspaper as a make-up editor reads it: columns balanced, no rivers of white in them, every
headline with its text, datelines and running heads of 8 pt at least."""

from __future__ import annotations

from pathlib import Path

import pytest

from pressbook.build import BuildOptions, build

from .pdfcheck import Pdf, lines

SENTENCE = "Bà con bản Pá Lau gặt lúa trên ruộng bậc thang, mùa này được giá. "


@pytest.fixture(scope="module")
def newspaper(sample_project, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("newspaper")
    result = build(sample_project, BuildOptions(issue="2017-01", formats=("pdf",), layout="newspaper", out_dir=out))
    assert [str(f) for f in result.preflight] == []
    return result.outputs[0].path


def _short_by(pdf: bytes, path: Path) -> list[float]:
    """How many lines each column of the page's one article ends above its longest column."""
    path.write_bytes(pdf)
    page = [line for line in lines(path)[0] if line.y1 - line.y0 < 15]  # not the headline
    left, right = min(line.x0 for line in page), max(line.x1 for line in page)
    band = (right - left) / 3
    feet: dict[int, float] = {}
    for line in page:
        column = int((line.x0 - left) // band)
        feet[column] = max(feet.get(column, 0.0), line.y1)
    height = 9 * 1.3
    return [(max(feet.values()) - feet[column]) / height for column in sorted(feet)]


@pytest.mark.parametrize(("first", "second"), [(3, 5), (4, 7), (5, 3), (6, 11), (8, 9)])
def test_an_articles_columns_end_together(tmp_path, first, second) -> None:
    # WeasyPrint balances columns in steps of whole paragraphs, and leaves the last one short by
    # three lines here; pressbook's layout pass evens them out within a line and a half.
    from weasyprint import HTML

    from pressbook.pdf.weasy import render_pdf

    html = (
        "<html lang='vi'><style>@page { size: A4; margin: 15mm } body { font: 9pt/1.3 serif }"
        " .article { columns: 3; column-gap: 5mm; column-fill: balance } h3 { column-span: all; font-size: 18pt }"
        " p { margin: 0; orphans: 2; widows: 2; text-indent: 1em } .byline { text-align: right; break-before: avoid; margin-top: .5em }"
        f"</style><article class='article'><header><h3>Tin vùng cao</h3></header><div><p>{SENTENCE * first}</p>"
        f"<p>{SENTENCE * second}</p></div><p class='byline'>Lò Văn Minh</p></article></html>"
    )  # fmt: skip
    alone = _short_by(HTML(string=html).write_pdf(), tmp_path / "weasyprint.pdf")
    assert max(alone) > 2  # what WeasyPrint alone leaves
    balanced = _short_by(render_pdf(html, base_url=str(tmp_path), readable=[tmp_path]).data, tmp_path / "pressbook.pdf")
    assert len(balanced) == 3 and max(balanced) < 1.5, balanced


def test_no_rivers_in_the_columns(newspaper) -> None:
    # Set ragged right, the columns' words stand a space apart, never the wide gaps justified text
    # opens in a narrow column (up to 0.9 of a line's height in the justified January edition).
    gaps = [
        (b[0] - a[1]) / (line.y1 - line.y0)
        for page in lines(newspaper)
        for line in page
        if line.y1 - line.y0 < 14  # the body text, not headlines
        for a, b in zip(line.words, line.words[1:])
    ]
    assert len(gaps) > 5000 and max(gaps) < 0.3


def test_datelines_and_running_heads_are_8_pt_or_more(newspaper) -> None:
    pdf = Pdf.open(newspaper)
    sizes = [size for page in range(len(pdf.pages)) for size, text in pdf.text_sizes(page) if "ngày" in text and "/2017" in text]
    assert len(sizes) >= 15 and min(sizes) >= 8  # every article's date
    heads = [size for size, text in pdf.text_sizes(1) if text == "Báo Sơn Nguyên"]
    assert heads and min(heads) >= 8


def test_a_headline_is_never_left_at_a_page_foot_above_its_columns(make_newsroom, tmp_path) -> None:
    # Articles of these lengths once left "Tin số 11" and its lead at the foot of page 3, the
    # text on page 4: WeasyPrint does not keep a header across the columns with the columns.
    from .conftest import CONFIG

    room = make_newsroom(CONFIG)
    sentences = ["Bà con bản Pá Lau gặt lúa trên ruộng bậc thang.", "Mùa này lúa được giá, nhà nào cũng vui.",
                 "Cán bộ khuyến nông về tận bản hướng dẫn bà con cấy thưa, bón phân đúng cách.",
                 "Chợ phiên ngày giáp Tết đông vui hơn mọi năm."]  # fmt: skip
    for n in range(1, 13):
        paragraphs = [
            " ".join(sentences[(n + i) % 4] for i in range(3 + (n * 7 + k * 5) % 9)) for k in range(1 + n % 4)
        ]
        paragraphs[0] = f"Mở đầu bài {n}. " + paragraphs[0]
        room.article(f"2017/01/bai-{n:02}.md", title=f"Tin số {n} về mùa gặt", body="\n\n".join(paragraphs), lead=f"Lời dẫn của bài số {n}, ngắn gọn.")
    result = build(room.project, BuildOptions(issue="2017-01", formats=("pdf",), layout="newspaper", out_dir=tmp_path / "out"))
    pdf = Pdf.open(result.outputs[0].path)
    for n in range(1, 13):
        assert pdf.find(f"Tin số {n} về mùa gặt") == pdf.find(f"Mở đầu bài {n}."), n
    assert [str(f) for f in result.preflight] == []
