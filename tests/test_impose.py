"""Imposition: every sheet side carries the right pages in the right place, upright, and folding
the printed stack gives the pages in order; text stays text."""

from __future__ import annotations

import io
import re
from io import BytesIO

import pikepdf
import pytest
from pypdf import PdfReader

from pressbook.pdf.impose import booklet_sides, impose, two_up_sides


def numbered(pages: int, size: str = "A5") -> bytes:
    """A PDF whose page n says only "Trang n"."""
    from weasyprint import HTML

    body = "".join(f'<p style="break-after: page">Trang {n}</p>' for n in range(1, pages + 1))
    return HTML(string=f"<html><head><style>@page {{ size: {size} }} p {{ margin: 0 }}</style></head><body>{body}</body></html>").write_pdf()


def halves(data: bytes) -> list[tuple[str | None, str | None, bool]]:
    """For each sheet side, read as poppler reads it: the page number on the left half, on the
    right half, and whether every page stands upright (its line near the top, as on the page)."""
    import subprocess
    import tempfile

    from lxml import etree

    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(data)
        file.flush()
        layout = subprocess.run(["pdftotext", "-bbox", file.name, "-"], capture_output=True, check=True).stdout
    tree = etree.fromstring(re.sub(rb"<!DOCTYPE[^>]*>", b"", layout))
    sides = []
    for page in tree.iter("{*}page"):
        width, height = float(page.get("width")), float(page.get("height"))
        found: dict[str, str] = {}
        upright = True
        for word in page.iter("{*}word"):
            if word.text and word.text.isdigit():
                x, y = float(word.get("xMin")), float(word.get("yMin"))
                found["left" if x < width / 2 else "right"] = word.text
                upright = upright and y < height / 3
        sides.append((found.get("left"), found.get("right"), upright))
    return sides


def folded_order(sides, signature_sheets=None) -> list[str | None]:
    """The pages a reader meets after folding each printed group of sheets and stacking the groups."""
    sheets = [(sides[i], sides[i + 1]) for i in range(0, len(sides), 2)]
    groups = [sheets] if not signature_sheets else [sheets[i : i + signature_sheets] for i in range(0, len(sheets), signature_sheets)]
    order = []
    for group in groups:
        head, tail = [], []
        for front, back in group:
            head += [front[1], back[0]]
            tail = [back[1], front[0]] + tail
        order += head + tail
    return order


@pytest.mark.parametrize("pages", [1, 2, 3, 5, 8, 13, 40])
def test_booklet(pages) -> None:
    sheets = impose(numbered(pages), "booklet")
    sides = halves(sheets)
    assert len(sides) == 2 * -(-pages // 4)
    assert all(upright for _, _, upright in sides)
    order = folded_order(sides)
    expected = [str(n) for n in range(1, pages)] + [None] * (len(order) - pages) + [str(pages)]
    if pages == 1:
        expected = ["1", None, None, None]
    assert order == expected  # blanks go just before the back cover
    reader = PdfReader(BytesIO(sheets))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (297, 210)  # A5 on A4


@pytest.mark.parametrize(("pages", "signature"), [(40, 3), (13, 1), (8, 2)])
def test_booklet_in_signatures(pages, signature) -> None:
    sides = halves(impose(numbered(pages), "booklet", signature))
    order = folded_order(sides, signature)
    assert [p for p in order if p is not None] == [str(n) for n in range(1, pages + 1)]
    assert order[-1] == str(pages)


@pytest.mark.parametrize("pages", [1, 2, 3, 5, 8])
def test_two_up(pages) -> None:
    sides = halves(impose(numbered(pages), "2up"))
    assert [(left, right) for left, right, _ in sides] == [
        (str(n), str(n + 1) if n + 1 <= pages else None) for n in range(1, pages + 1, 2)
    ]


@pytest.mark.parametrize(("size", "sheet"), [("A6", "A5"), ("A5", "A4"), ("A4", "A3")])
def test_any_page_size_pair(size, sheet) -> None:
    page = PdfReader(BytesIO(impose(numbered(4, size)))).pages[0]
    width_mm = round(float(page.mediabox.width) * 25.4 / 72)
    height_mm = round(float(page.mediabox.height) * 25.4 / 72)
    assert (width_mm, height_mm) == {"A5": (210, 148), "A4": (297, 210), "A3": (420, 297)}[sheet]
    sides = halves(impose(numbered(4, size)))
    assert [(left, right) for left, right, _ in sides] == [("4", "1"), ("2", "3")]


def test_text_stays_text_and_fonts_once(sample_project, tmp_path) -> None:
    from pressbook.build import BuildOptions, build

    result = build(sample_project, BuildOptions(issue="2017-01", formats=("pdf",), out_dir=tmp_path, impose="booklet"))
    booklet = next(o for o in result.outputs if o.format == "pdf-booklet").path
    text = " ".join(" ".join(p.extract_text() or "" for p in PdfReader(booklet).pages).split())
    assert "Nâng cao chất lượng sinh hoạt chi bộ ở vùng cao" in text
    with pikepdf.open(booklet) as document:
        programs: dict[str, set] = {}
        for obj in document.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font" and obj.get("/Subtype") == "/Type0":
                face = str(obj.BaseFont).split("+", 1)[-1]
                programs.setdefault(face, set()).add(obj.DescendantFonts[0].FontDescriptor.FontFile2.objgen)
            assert not (isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image" and obj.get("/Width", 0) > 4000)
        assert programs and all(len(v) == 1 for v in programs.values())


def test_sides_functions() -> None:
    assert booklet_sides(8) == [(7, 0), (1, 6), (5, 2), (3, 4)]
    assert booklet_sides(5) == [(4, 0), (1, None), (None, 2), (3, None)]
    assert two_up_sides(3) == [(0, 1), (2, None)]


def test_impose_command_and_guide(sample_project, tmp_path, monkeypatch) -> None:
    from typer.testing import CliRunner

    from pressbook.cli import app

    source = tmp_path / "ban-tin.pdf"
    source.write_bytes(numbered(6))
    result = CliRunner().invoke(app, ["impose", str(source), "--mode", "2up"])
    assert result.exit_code == 0, result.output
    assert "flip on short edge" in result.stdout
    assert [(l, r) for l, r, _ in halves((tmp_path / "ban-tin-2up.pdf").read_bytes())] == [("1", "2"), ("3", "4"), ("5", "6")]
    bad = tmp_path / "khong-phai.pdf"
    bad.write_text("không phải PDF", encoding="utf-8")
    refused = CliRunner().invoke(app, ["impose", str(bad)])
    assert refused.exit_code == 2 and "is not a PDF pressbook can read" in refused.stderr


def test_impose_refuses_a_locked_pdf_and_a_broken_one_in_words(tmp_path) -> None:
    import pikepdf
    from typer.testing import CliRunner

    from pressbook.cli import app

    locked = tmp_path / "khoa.pdf"
    with pikepdf.open(io.BytesIO(numbered(4))) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(user="mat-khau", owner="mat-khau"))
    refused = CliRunner().invoke(app, ["impose", str(locked)])
    assert refused.exit_code == 2, refused.output
    assert refused.stderr.strip() == f"error: {locked}: is protected by a password (give a copy without a password)"
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(numbered(4)[:200])
    refused = CliRunner().invoke(app, ["impose", str(cut)])
    assert refused.exit_code == 2 and refused.stderr.strip() == f"error: {cut}: is not a PDF pressbook can read (give a PDF file)"


def test_the_report_names_sheets_and_paper_and_warns_of_a_pdf_imposed_already(tmp_path, monkeypatch) -> None:
    from typer.testing import CliRunner

    from pressbook.cli import app

    source = tmp_path / "ban-tin.pdf"
    source.write_bytes(numbered(12))
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    first = runner.invoke(app, ["impose", str(source)])
    assert first.exit_code == 0, first.output
    assert "3 sheets of A4, printed on both sides" in first.stdout and "warning" not in first.output
    again = runner.invoke(app, ["impose", str(tmp_path / "ban-tin-booklet.pdf")])
    assert again.exit_code == 0 and "is it imposed already?" in again.stderr
    one = tmp_path / "mot.pdf"
    one.write_bytes(numbered(2))
    assert "1 sheet of A4" in runner.invoke(app, ["impose", str(one)]).stdout


def test_the_guide_for_a_booklet_in_signatures_folds_group_by_group(tmp_path) -> None:
    from typer.testing import CliRunner

    from pressbook.cli import app

    source = tmp_path / "ban-tin.pdf"
    source.write_bytes(numbered(16))
    whole = CliRunner().invoke(app, ["impose", str(source)])
    grouped = CliRunner().invoke(app, ["impose", str(source), "--signature", "2"])
    assert "fold the stack in half and staple on the fold" in whole.stdout
    assert "in groups of 2 as they come out, fold each group in half" in " ".join(grouped.stdout.split())
    assert "fold the stack in half" not in grouped.stdout
