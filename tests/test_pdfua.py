"""The accessible PDF (`--pdf-variant pdf/ua-1`) read back as a screen reader would: its structure
tree's headings in order, every figure described (or a decorative picture an artifact), every
table header cell with its scope, the language and the title set and shown."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from pressbook.build import BuildOptions, build, load_edition

UA = "pdf/ua-1"


def _png(colour: str, size: tuple[int, int] = (300, 200)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element, in the tree's (reading) order."""
    found: list[pikepdf.Dictionary] = []

    def walk(kids: object) -> None:
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                found.append(kid)
                walk(kid.get("/K"))

    walk(pdf.Root.StructTreeRoot.K)
    return found


def kinds(pdf: pikepdf.Pdf) -> list[str]:
    return [str(e.S) for e in elements(pdf)]


def heading_levels(pdf: pikepdf.Pdf) -> list[int]:
    return [int(str(e.S)[2:]) for e in elements(pdf) if str(e.S)[:2] == "/H" and str(e.S)[2:].isdigit()]


def pictures_drawn(pdf: pikepdf.Pdf) -> list[tuple[int, list[str]]]:
    """Each picture (an image XObject) a page draws, with the marked content it is drawn in
    (outermost first): "/Figure", "/Artifact"... An untagged picture is drawn in none."""
    drawn = []
    for number, page in enumerate(pdf.pages):
        images = {
            str(name) for name, x in page.obj.Resources.get("/XObject", {}).items() if x.get("/Subtype") == "/Image"
        }  # fmt: skip
        marks: list[str] = []
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op in ("BDC", "BMC"):
                marks.append(str(operands[0]))
            elif op == "EMC":
                marks.pop()
            elif op == "Do" and str(operands[0]) in images:
                drawn.append((number, list(marks)))
    return drawn


def check_accessible(pdf: pikepdf.Pdf, title: str, language: str) -> None:
    """What the machine check of PDF/UA-1 reads, asserted one by one."""
    root = pdf.Root
    assert str(root.get("/Lang", "")) == language
    assert root.MarkInfo.Marked is True
    assert root.get("/ViewerPreferences", {}).get("/DisplayDocTitle") is True
    assert str(pdf.docinfo["/Title"]) == title
    with pdf.open_metadata() as xmp:
        assert xmp.get("dc:title") == title and xmp.get("pdfuaid:part") == "1"
    every = elements(pdf)
    assert every and str(every[0].S) == "/Document"
    pages = {page.objgen: number + 1 for number, page in enumerate(pdf.pages)}
    for figure in (e for e in every if e.S == "/Figure"):
        where = pages.get(figure.Pg.objgen) if "/Pg" in figure else None
        assert str(figure.get("/Alt", "")).strip(), f"a figure without alternative text on page {where}"
    for header in (e for e in every if e.S == "/TH"):
        scope = header.A.get("/Scope") if isinstance(header.get("/A"), pikepdf.Dictionary) else None
        assert scope in ("/Column", "/Row", "/Both"), f"a table header cell without a scope: {scope}"
    # No picture is drawn outside a tag: a figure (described, above) or an artifact.
    for page, marks in pictures_drawn(pdf):
        assert marks and marks[-1] in ("/Figure", "/Artifact"), f"page {page + 1}: a picture drawn in {marks}"
    levels = heading_levels(pdf)
    assert levels and levels[0] == 1, levels
    for before, after in zip(levels, levels[1:]):
        assert after <= before + 1, f"a heading level skipped: H{before} then H{after} in {levels}"


@pytest.fixture(scope="module")
def january_ua(sample_project, tmp_path_factory):
    out = tmp_path_factory.mktemp("january-ua")
    result = build(sample_project, BuildOptions(issue="2017-01", formats=("pdf",), out_dir=out, pdf_variant=UA))
    edition = load_edition(sample_project, "2017-01").edition
    with pikepdf.open(result.outputs[0].path) as pdf:
        yield result, edition, pdf


def test_the_january_bulletin_is_accessible(january_ua, sample_project) -> None:
    result, edition, pdf = january_ua
    check_accessible(pdf, f"{sample_project.config.publication.name} – {edition.title}", "vi")
    # WeasyPrint's complaint about the cover picture's empty alt is gone with the figure tag.
    assert [w.format() for w in result.warnings if "alt" in w.message] == []


def test_the_cover_picture_is_an_artifact_and_the_articles_picture_a_described_figure(january_ua) -> None:
    _, _, pdf = january_ua
    # The bulletin's cover picture illustrates the issue: all the cover says is its text (the
    # masthead, the edition's title, its number and date), and a manifest does not describe
    # the picture; it is decorative (alt="" in the layout), so an artifact, not a figure.
    assert [marks[-1] for page, marks in pictures_drawn(pdf) if page == 0] == ["/Artifact"]
    figures = [e for e in elements(pdf) if e.S == "/Figure"]
    assert [str(f.Alt) for f in figures] == [
        "Ruộng bậc thang ở xã Chiềng Ly, huyện Mường Khoa mùa lúa chín (tranh minh họa)."
    ]
    # The artifact left the parent tree too: no marked content leads to a figure that is gone.
    for _number, refs in zip(*[iter(pdf.Root.StructTreeRoot.ParentTree.Nums)] * 2):
        if isinstance(refs, pikepdf.Array):
            assert all(r is None or r.get("/S") != "/Figure" or "/Alt" in r for r in refs)


def test_the_january_table_has_column_headers(january_ua) -> None:
    _, _, pdf = january_ua
    headers = [e for e in elements(pdf) if e.S == "/TH"]
    assert headers and {str(h.A.get("/Scope")) for h in headers} == {"/Column"}


def test_figures_tables_and_headings_of_a_small_newsroom(newsroom, tmp_path) -> None:
    images = newsroom.root / "articles" / "2017" / "01" / "images"
    images.mkdir(parents=True)
    for name, colour in (("dong-lua.png", "green"), ("trang-tri.png", "grey"), ("chan-dung.png", "brown"), ("bia.png", "navy")):
        (images / name).write_bytes(_png(colour))
    newsroom.article(
        "2017/01/bang.md", title="Kết quả giao quân",
        image="images/chan-dung.png", image_caption="Chân dung tân binh Lò Văn Minh.",
        body="""\
Đoạn mở đầu.

## Số liệu

| Đơn vị | Chỉ tiêu | Đã giao |
|---|---:|---:|
| Huyện A | 95 | 95 |
| Huyện B | 88 | 87 |

### Theo xã

<table>
<thead><tr><th scope="col">Xã</th><th scope="col">Chỉ tiêu</th></tr></thead>
<tbody>
<tr><th scope="row">Chiềng Ly</th><td>12</td></tr>
<tr><th scope="row">Nà Tâu</th><td>9</td></tr>
</tbody>
</table>

Đoạn cuối.""",
    )  # fmt: skip
    newsroom.article(
        "2017/01/anh.md", title="Đồng lúa", section="Kinh tế", date="2017-01-05T08:00:00+07:00",
        body="![Đồng lúa chín ở Chiềng Ly.](images/dong-lua.png)\n\nMột đoạn.\n\n![](images/trang-tri.png)\n\nĐoạn nữa.",
    )  # fmt: skip
    (newsroom.root / "issues").mkdir()
    (newsroom.root / "issues" / "2017-01.toml").write_text(
        'title = "Bản tin thử"\ncover_image = "../articles/2017/01/images/bia.png"\n', encoding="utf-8"
    )
    result = build(newsroom.project, BuildOptions(issue="2017-01", formats=("pdf",), out_dir=tmp_path, pdf_variant=UA))
    assert [w.format() for w in result.warnings if "alt" in w.message] == []
    with pikepdf.open(result.outputs[0].path) as pdf:
        check_accessible(pdf, "Báo Thử Nghiệm – Bản tin thử", "vi")
        every = elements(pdf)
        # The lead picture and the described body picture are figures; the cover picture and
        # the body picture with an empty description are artifacts.
        assert sorted(str(e.Alt) for e in every if e.S == "/Figure") == [
            "Chân dung tân binh Lò Văn Minh.", "Đồng lúa chín ở Chiềng Ly."
        ]  # fmt: skip
        assert sorted(marks[-1] for _, marks in pictures_drawn(pdf)) == ["/Artifact", "/Artifact", "/Figure", "/Figure"]
        # The Markdown table's headers head columns; the HTML table's say what they head.
        tables = [e for e in every if e.S == "/Table"]
        assert len(tables) == 2
        scopes = [[(str(c.S), str(c.A.get("/Scope", ""))) for c in elements_under(t) if c.S in ("/TH", "/TD")] for t in tables]
        assert scopes[0][:3] == [("/TH", "/Column")] * 3
        assert scopes[1] == [
            ("/TH", "/Column"), ("/TH", "/Column"),
            ("/TH", "/Row"), ("/TD", ""), ("/TH", "/Row"), ("/TD", ""),
        ]  # fmt: skip
        # The article's title (H3 under the section's H2), then its subheads one level down each.
        levels = heading_levels(pdf)
        assert levels[0] == 1 and 4 in levels and 5 in levels, levels


def elements_under(element: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    found: list[pikepdf.Dictionary] = []
    for kid in element.get("/K", []):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            found.append(kid)
            found += elements_under(kid)
    return found


def test_the_check_fails_on_what_the_issue_found(january_ua, sample_project, tmp_path) -> None:
    """Each assertion of `check_accessible` fails when its part of the file is undone."""
    _, edition, pdf = january_ua
    title = f"{sample_project.config.publication.name} – {edition.title}"
    pdf.save(tmp_path / "good.pdf")

    def broken(change) -> pikepdf.Pdf:  # noqa: ANN001
        copy = pikepdf.open(tmp_path / "good.pdf")
        change(copy)
        return copy

    def no_alt(p: pikepdf.Pdf) -> None:
        next(e for e in elements(p) if e.S == "/Figure").Alt = pikepdf.String("")

    def no_scope(p: pikepdf.Pdf) -> None:
        del next(e for e in elements(p) if e.S == "/TH").A.Scope

    def no_title_shown(p: pikepdf.Pdf) -> None:
        del p.Root.ViewerPreferences.DisplayDocTitle

    def no_language(p: pikepdf.Pdf) -> None:
        del p.Root.Lang

    def skipped_level(p: pikepdf.Pdf) -> None:
        next(e for e in elements(p) if e.S == "/H2").S = pikepdf.Name.H3

    def untagged_picture(p: pikepdf.Pdf) -> None:  # the cover picture drawn outside any tag
        page = p.pages[0]
        instructions = list(pikepdf.parse_content_stream(page))
        do = next(n for n, i in enumerate(instructions) if str(i.operator) == "Do")
        opening = max(n for n, i in enumerate(instructions[:do]) if str(i.operator) in ("BMC", "BDC"))
        closing = do + next(n for n, i in enumerate(instructions[do:]) if str(i.operator) == "EMC")
        del instructions[closing], instructions[opening]
        page.obj.Contents = p.make_stream(pikepdf.unparse_content_stream(instructions))

    check_accessible(broken(lambda p: None), title, "vi")
    for change in (no_alt, no_scope, no_title_shown, no_language, skipped_level, untagged_picture):
        with pytest.raises(AssertionError):
            check_accessible(broken(change), title, "vi")
    with pytest.raises(AssertionError):
        check_accessible(broken(lambda p: None), "Bản tin", "vi")
