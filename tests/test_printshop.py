"""Print-shop and office-printer output: crop marks and bleed, grey only, large print."""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

import pikepdf
import pytest
from lxml import etree

from pressbook.build import BuildOptions, build

from .pdfcheck import Pdf

MM = 72 / 25.4


def test_crop_marks_and_bleed(sample_project, tmp_path) -> None:
    result = build(sample_project, BuildOptions(issue="2017-02", formats=("pdf",), out_dir=tmp_path, marks="crop", bleed="3mm"))
    with pikepdf.open(result.outputs[0].path) as document:
        assert len(document.pages) == result.outputs[0].pages
        for page in document.pages:
            trim = [float(v) for v in page.obj.TrimBox]
            bleed = [float(v) for v in page.obj.BleedBox]
            media = [float(v) for v in page.obj.MediaBox]
            assert round((trim[2] - trim[0]) / MM) == 148 and round((trim[3] - trim[1]) / MM) == 210  # A5 trimmed
            for outer, inner, sign in zip(bleed, trim, (-1, -1, 1, 1)):
                assert (outer - inner) * sign == pytest.approx(3 * MM, abs=0.05)  # 3 mm of bleed all round
            assert media[0] <= bleed[0] and media[2] >= bleed[2]  # the marks are drawn in the bleed
        # The crop marks: WeasyPrint draws them as a form of lines on every page (on a piece's
        # pages, inside the page furniture laid over them).
        for page in document.pages:
            assert any(re.search(rb"\bm\b", f) and re.search(rb"\bl\b", f) for f in _forms(page.Resources)), page


def _forms(resources, depth: int = 0) -> list[bytes]:
    """The content of every form a page draws, forms inside forms too."""
    found = []
    for xobject in (resources.get("/XObject") or {}).values() if resources is not None else []:
        if xobject.get("/Subtype") == "/Form":
            found.append(xobject.read_bytes())
            if depth < 4:
                found += _forms(xobject.get("/Resources"), depth + 1)
    return found


def _coloured_pixels(pdf, pages: int | None = None) -> int:
    """Pixels that are not grey on the pages of a PDF, drawn by poppler at a low resolution."""
    from io import BytesIO

    from PIL import Image, ImageChops

    last = ["-l", str(pages)] if pages else []
    found = 0
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-r", "24", "-png", *last, str(pdf), f"{folder}/p"], check=True)
        for png in sorted(Path(folder).glob("*.png")):
            with Image.open(BytesIO(png.read_bytes())) as page:
                red, green, blue = page.convert("RGB").split()
                spread = ImageChops.lighter(
                    ImageChops.lighter(ImageChops.difference(red, green), ImageChops.difference(green, blue)),
                    ImageChops.difference(red, blue),
                )
                found += sum(spread.histogram()[9:])  # channels more than 8 apart
    return found


def test_grayscale_has_no_colour(sample_project, january, tmp_path) -> None:
    # The same bulletin in colour has a red masthead on its cover: the check sees colour.
    coloured = next(o.path for o in january.outputs if o.format == "pdf")
    assert _coloured_pixels(coloured, pages=1) > 100
    result = build(sample_project, BuildOptions(issue="2017-01", formats=("pdf",), out_dir=tmp_path, grayscale=True))
    assert _coloured_pixels(result.outputs[0].path) == 0
    images = 0
    with pikepdf.open(result.outputs[0].path) as document:
        for obj in document.objects:
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image":
                images += 1
                space = obj.get("/ColorSpace")
                assert space == "/DeviceGray" or (isinstance(space, pikepdf.Array) and space[0] == "/ICCBased" and space[1].N == 1), space
    assert images >= 1  # the sample's picture is there, in grey


def _words(pdf) -> tuple[list, list]:
    layout = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True).stdout
    tree = etree.fromstring(re.sub(rb"<!DOCTYPE[^>]*>", b"", layout))
    return list(tree.iter("{*}page")), [w for w in tree.iter("{*}word")]


def test_large_print_renders_the_sample_without_overflow(sample_project, tmp_path) -> None:
    result = build(sample_project, BuildOptions(issue="2017-01", formats=("pdf",), layout="large-print", out_dir=tmp_path))
    assert [w.format() for w in result.warnings] == []
    pages, _ = _words(result.outputs[0].path)
    heights = Counter()
    for page in pages:
        width, height = float(page.get("width")), float(page.get("height"))
        for word in page.iter("{*}word"):
            x1, y1, x2, y2 = (float(word.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))
            assert 0 <= x1 and x2 <= width - 10 * MM and 0 <= y1 and y2 <= height, (word.text, x2, width)
            heights[round(y2 - y1)] += len(word.text or "")
    # The body is set at 17 pt: most text stands about 17 pt tall, and none of it below 9 pt.
    common = heights.most_common(1)[0][0]
    assert common >= 16, heights.most_common(5)
    with pikepdf.open(result.outputs[0].path) as document:
        box = document.pages[0].mediabox
        assert round(float(box[2]) / MM) == 210  # A4
    # After the cover, nothing under 14 pt: captions, tables, notes, running heads, page numbers.
    pdf = Pdf.open(result.outputs[0].path)
    small = [(n + 1, size, text) for n in range(1, len(pdf.pages)) for size, text in pdf.text_sizes(n) if size < 14]
    assert small == [], small[:10]
    # And every page after the cover has its page number, last on the page.
    for number, text in enumerate(pdf.pages[1:], start=2):
        assert text.split()[-1] == str(number), (number, text.split()[-3:])
