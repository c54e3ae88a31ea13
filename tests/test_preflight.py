"""Preflight: each fault a print shop would send back is found in a PDF made with it, and the
sample editions have none."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pikepdf
import pytest
from PIL import Image
from typer.testing import CliRunner

from pressbook.cli import app
from pressbook.pdf.preflight import preflight

PAGE = "@page { size: A5; margin: 15mm; @bottom-center { content: counter(page); font-size: 8pt; } }"
BODY = "body { font: 10pt/1.4 serif; } p { margin: 0; text-align: justify; text-indent: 1.5em; orphans: 1; widows: 1; }"
TEXT = "Lúa được mùa, bà con phấn khởi đón Tết; cán bộ khuyến nông về tận ruộng hướng dẫn cấy thưa. " * 6


def _pdf(tmp_path: Path, body: str, css: str = "", **options: object) -> Path:
    from weasyprint import HTML

    path = tmp_path / "thu.pdf"
    html = f"<html lang='vi'><head><style>{PAGE} {BODY} {css}</style></head><body>{body}</body></html>"
    HTML(string=html, base_url=str(tmp_path) + "/").write_pdf(path, **options)
    return path


def _kinds(path: Path) -> dict[str, list[int | None]]:
    found: dict[str, list[int | None]] = {}
    for fault in preflight(path):
        found.setdefault(fault.kind, []).append(fault.page)
    return found


def _picture(tmp_path: Path, size: tuple[int, int], name: str = "anh.png") -> str:
    Image.new("RGB", size, "teal").save(tmp_path / name)
    return name


def test_a_clean_file_has_no_fault(tmp_path) -> None:
    assert preflight(_pdf(tmp_path, f"<h1>Tiêu đề</h1><p>{TEXT}</p><p>{TEXT}</p>")) == []


def test_a_blank_page(tmp_path) -> None:
    path = _pdf(tmp_path, f"<p>{TEXT}</p><div style='break-before: page'></div><p style='break-before: page'>{TEXT}</p>")
    assert _kinds(path) == {"blank page": [2]}


def test_pages_without_a_number(tmp_path) -> None:
    path = _pdf(tmp_path, f"<p>{TEXT}</p><p style='break-before: page'>{TEXT}</p><p style='break-before: page'>Hết.</p>",
                css="@page { @bottom-center { content: none; } }")  # fmt: skip
    assert _kinds(path) == {"no page number": [2, 3]}  # the first page may go without


def test_a_hole_left_by_a_picture_that_moved_on(tmp_path) -> None:
    picture = _picture(tmp_path, (1600, 1200))
    path = _pdf(tmp_path, f"<p>{TEXT}</p><p>{TEXT}</p><img src='{picture}' style='width: 100%'><p>{TEXT}</p>")
    assert _kinds(path) == {"hole": [1]}


def test_a_headline_ending_on_one_word_and_one_at_the_foot(tmp_path) -> None:
    path = _pdf(
        tmp_path,
        f"<h1 style='font-size: 18pt'>Lúa ruộng bậc thang được mùa ở<br>Mường</h1><p>{TEXT}</p>"
        f"<div style='height: 70mm'></div><h1 style='font-size: 18pt'>Chợ phiên vùng cao</h1>"
        f"<p style='break-before: page'>{TEXT}</p>",
        css="h1 { break-after: auto; }",  # what pressbook's layouts never allow
    )  # fmt: skip
    kinds = _kinds(path)
    assert kinds["headline runt"] == [1] and kinds["headline at foot"] == [1]


def test_an_orphan_and_a_widow(tmp_path) -> None:
    # The last line of page 1 begins a paragraph that goes on overleaf, where its last line stands
    # alone before the next paragraph.
    path = _pdf(
        tmp_path,
        f"<p>{TEXT}</p><div style='height: 112mm'></div>"
        "<p style='text-align-last: justify'>Một dòng mở đầu đoạn văn kéo dài ra.</p>"
        "<p style='break-before: page; text-indent: 0; text-align-last: justify'>và dòng cuối cùng của đoạn văn ấy ở đầu trang sau đây.</p>"
        f"<p>{TEXT}</p>",
        css="p { margin: 0; }",
    )  # fmt: skip
    kinds = _kinds(path)
    assert kinds.get("orphan") == [1] and kinds.get("widow") == [2], kinds


def test_text_outside_the_page(tmp_path) -> None:
    path = _pdf(tmp_path, f"<p>{TEXT}</p><p style='position: absolute; left: 130mm; top: 20mm; width: 40mm'>Ra ngoài lề giấy</p>")
    assert "outside the page" in _kinds(path)


def test_a_picture_under_150_dpi(tmp_path) -> None:
    picture = _picture(tmp_path, (60, 40))
    path = _pdf(tmp_path, f"<p>{TEXT}</p><img src='{picture}' style='width: 8cm'>")
    (fault,) = [f for f in preflight(path) if f.kind == "low resolution"]
    assert fault.page == 1 and "60×40 picture prints at 19 dpi" in fault.detail


def test_a_font_not_embedded(tmp_path) -> None:
    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica))
    page = pdf.add_blank_page(page_size=(420, 595))
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.obj.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 500 Td (Tieu de) Tj ET")
    path = tmp_path / "helvetica.pdf"
    pdf.save(path)
    assert _kinds(path) == {"font not embedded": [1]}


def test_rgb_in_a_pdf_x_file(tmp_path) -> None:
    picture = _picture(tmp_path, (1200, 800))
    path = _pdf(tmp_path, f"<p style='color: #9b1c1c'>{TEXT}</p><img src='{picture}' style='width: 5cm'>", pdf_variant="pdf/x-4")
    assert _kinds(path)["rgb colour"] == [1, 1]  # the picture, and the red text
    plain = _pdf(tmp_path, f"<p style='color: #9b1c1c'>{TEXT}</p><img src='{picture}' style='width: 5cm'>")
    assert "rgb colour" not in _kinds(plain)  # RGB is fine where the file makes no PDF/X promise


def test_the_command_exits_1_on_a_fault_and_0_with_warn_only(tmp_path) -> None:
    path = _pdf(tmp_path, f"<p>{TEXT}</p><div style='break-before: page'></div><p style='break-before: page'>x</p>")
    runner = CliRunner()
    found = runner.invoke(app, ["preflight", str(path)])
    assert found.exit_code == 1 and "page 2: is blank" in found.stderr and "1 fault " in found.stdout
    assert runner.invoke(app, ["preflight", "--warn-only", str(path)]).exit_code == 0
    not_pdf = tmp_path / "a.pdf"
    not_pdf.write_text("không phải PDF", encoding="utf-8")
    assert runner.invoke(app, ["preflight", str(not_pdf)]).exit_code == 2


@pytest.mark.parametrize(
    ("issue", "layout"),
    [("2017-01", None), ("2017-02", None), ("2017", None), ("2017-01", "large-print"), ("2017-01", "newspaper")],
)
def test_the_sample_editions_have_no_fault(sample_project, tmp_path, issue, layout) -> None:
    from pressbook.build import BuildOptions, build

    result = build(sample_project, BuildOptions(issue=issue, formats=("pdf",), layout=layout, out_dir=tmp_path))
    assert [str(f) for f in result.preflight] == []


def test_the_sample_print_view_has_no_fault(sample_project, tmp_path) -> None:
    from pressbook.build import PrintOptions, print_articles

    articles = sorted((sample_project.articles_dir / "2017" / "01").glob("*.md"))
    result = print_articles(sample_project, articles, PrintOptions(out=tmp_path))
    for output in result.outputs:
        assert [str(f) for f in preflight(output.path)] == [], output.path.name


def test_a_picture_that_does_not_fit_is_made_smaller_or_floats_on_and_the_text_fills_its_page(make_newsroom, tmp_path) -> None:
    # The same article with more and more text before its picture: wherever the picture falls,
    # no page is left part empty, and where it did not fit the short paragraph after it moved up.
    from pressbook.build import BuildOptions, build

    from .conftest import CONFIG
    from .pdfcheck import Pdf

    from pressbook.pdf.preflight import pictures

    floated, heights = 0, []
    paragraph = " ".join(["Bà con bản Pá Lau gặt lúa trên ruộng bậc thang, mùa này được giá."] * 5)
    for before in range(2, 8):
        room = make_newsroom(CONFIG) if before == 2 else room
        images = room.root / "articles/2017/01/images"
        images.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (1600, 1200), "teal").save(images / "ruong.png")
        body = "\n\n".join([paragraph] * before + ["![Ruộng bậc thang ở Pá Lau](images/ruong.png)", "Đoạn sau ảnh, ngắn.", paragraph])
        room.article("2017/01/a.md", title="Mùa gặt", body=body)
        room.article("2017/01/b.md", title="Tin khác", section="Kinh tế", body="Nội dung.")
        result = build(room.project, BuildOptions(issue="2017-01", formats=("pdf",), out_dir=tmp_path / str(before)))
        assert [str(f) for f in result.preflight] == [], before
        text = " ".join(" ".join(Pdf.open(result.outputs[0].path).pages).split())
        floated += text.index("Đoạn sau ảnh, ngắn.") < text.index("Ruộng bậc thang ở Pá Lau")
        [(_, (_, top, _, bottom))] = pictures(result.outputs[0].path)
        heights.append(round(bottom - top))
    assert floated  # some of these pictures did not fit where they were written and moved on,
    assert min(heights) < max(heights) * 0.95  # and some were made a little smaller to fit
    assert min(heights) >= max(heights) * 0.5  # but never less than half their size


@pytest.mark.parametrize(("layout", "words"), [("bulletin", 20), ("newspaper", 10), ("large-print", 8)])
def test_a_headline_is_kept_with_its_lead_and_two_lines_wherever_it_falls(make_newsroom, tmp_path, layout, words) -> None:
    # Articles of growing length run on in one section, so that the next headline falls at every
    # height of a page, the foot too: each stays with its lead and the first two lines after it.
    from pressbook.build import BuildOptions, build

    from .conftest import CONFIG
    from .pdfcheck import Pdf

    room = make_newsroom(CONFIG)
    sentence = "Bà con bản Pá Lau gặt lúa trên ruộng bậc thang, mùa này được giá."
    for n in range(1, 16):
        opening = f"Mở đầu bài số {n} kể chuyện bà con vùng cao chuẩn bị đón Tết Nguyên đán năm nay cùng cán bộ xã."
        body = opening + " " + " ".join([sentence] * (4 * n))
        room.article(f"2017/01/bai-{n:02}.md", title=f"Tin số {n} về mùa gặt ở Pá Lau", body=body, lead=f"Lời dẫn bài số {n}.")
    result = build(room.project, BuildOptions(issue="2017-01", formats=("pdf",), layout=layout, out_dir=tmp_path / "out"))
    pdf = Pdf.open(result.outputs[0].path)
    for n in range(1, 16):
        page = pdf.find(f"Tin số {n} về mùa gặt")[-1]  # not the contents' entry
        assert page in pdf.find(f"Lời dẫn bài số {n}."), n
        # the first two lines of the body: as many words as fill them at the least in this layout
        opening = f"Mở đầu bài số {n} kể chuyện bà con vùng cao chuẩn bị đón Tết Nguyên đán năm nay cùng"
        assert page in pdf.find(" ".join(opening.split()[:words])), n
    assert [f for f in result.preflight if f.kind.startswith("headline")] == []


@pytest.mark.parametrize("offset", [1, 2])  # (without the rule, these read as an orphan, as a widow)
def test_a_contents_is_not_taken_for_paragraphs(tmp_path, offset) -> None:
    # Contents entries of one and two lines (the second hanging, with the dots) run over pages,
    # under section headings in capitals: an entry's first line at a page foot is no orphan, a
    # heading at the top of a page no widow.
    long = "Bà con bản Pá Lau gặt lúa trên ruộng bậc thang, mùa này lúa được giá, nhà nào cũng vui"
    dots = " . . . . . . . . . . . ."

    def entry(n: int) -> str:
        title = long if (n + offset) % 4 else "Chợ phiên vùng cao"
        return f"<p class='e'>{title} số {n}<span class='nobreak'>{dots} {n + 3}</span></p>"

    path = _pdf(
        tmp_path,
        "".join(entry(n) for n in range(1, 14)) + "<h2>THỂ THAO</h2>" + "".join(entry(n) for n in range(14, 40)),
        css=".e { text-indent: -1.5em; padding-left: 1.5em; text-align: left; } .nobreak { white-space: nowrap; } h2 { font: 10pt/1.4 serif; margin: 0; }",
    )  # fmt: skip
    assert [(f.kind, f.page) for f in preflight(path)] == []
