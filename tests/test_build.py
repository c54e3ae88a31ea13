"""The recipe: build options as one value, and the "up to date" check that must see every file an
edition uses."""

from __future__ import annotations

from io import BytesIO

import pikepdf
from PIL import Image
from typer.testing import CliRunner

from pressbook.build import BuildOptions, build
from pressbook.cli import app

runner = CliRunner()


def _png(colour: str, size: tuple[int, int] = (60, 40)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def test_a_cover_picture_outside_the_watched_folders_is_watched(newsroom, monkeypatch) -> None:
    # The manifest's cover picture lives in static/, which is none of the folders whose files
    # every build looks at (articles/, issues/, layouts/, fonts/, pressbook.toml).
    newsroom.article("2017/01/a.md")
    (newsroom.root / "static").mkdir()
    cover = newsroom.root / "static" / "bia.png"
    cover.write_bytes(_png("red"))
    (newsroom.root / "issues").mkdir()
    (newsroom.root / "issues" / "2017-01.toml").write_text('cover_image = "../static/bia.png"\n', encoding="utf-8")
    monkeypatch.chdir(newsroom.root)
    arguments = ["build", "--issue", "2017-01", "--format", "epub"]
    first = runner.invoke(app, arguments)
    assert first.exit_code == 0, first.output
    book = next((newsroom.root / "build" / "2017-01").glob("*.epub"))
    before = book.read_bytes()
    again = runner.invoke(app, arguments)
    assert "up to date" in again.output, again.output

    cover.write_bytes(_png("blue", (80, 50)))
    after = runner.invoke(app, arguments)
    assert after.exit_code == 0, after.output
    assert "up to date" not in after.output, after.output
    assert book.read_bytes() != before


def test_a_cover_picture_missing_at_build_time_is_watched_until_it_appears(newsroom, monkeypatch) -> None:
    newsroom.article("2017/01/a.md")
    (newsroom.root / "issues").mkdir()
    (newsroom.root / "issues" / "2017-01.toml").write_text('cover_image = "../static/bia.png"\n', encoding="utf-8")
    monkeypatch.chdir(newsroom.root)
    arguments = ["build", "--issue", "2017-01", "--format", "epub"]
    missing = runner.invoke(app, arguments)
    assert missing.exit_code == 0 and "cover image does not exist" in missing.stderr, missing.output
    assert "up to date" in runner.invoke(app, arguments).output
    (newsroom.root / "static").mkdir()
    (newsroom.root / "static" / "bia.png").write_bytes(_png("red"))
    found = runner.invoke(app, arguments)
    assert "up to date" not in found.output and "cover image" not in found.stderr, found.output


def test_the_order_of_formats_sections_and_tags_does_not_matter(newsroom, monkeypatch) -> None:
    newsroom.article("2017/01/a.md")
    monkeypatch.chdir(newsroom.root)
    first = runner.invoke(app, ["build", "--issue", "2017-01", "--format", "epub,html", "-s", "Thời sự", "-s", "Kinh tế"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(app, ["build", "--issue", "2017-01", "--format", "html,epub", "-s", "Kinh tế", "-s", "Thời sự"])
    assert again.output.count("up to date") == 2, again.output


def test_a_build_goes_online_once_for_a_picture_and_not_to_check_it(make_newsroom, tmp_path) -> None:
    # The host is allowed but the picture is gone (404): one request while the PDF is made, none
    # more for the up-to-date record.
    import http.server
    import threading

    from pressbook.build import build
    from pressbook.options import BuildOptions

    from .conftest import CONFIG

    hits: list[str] = []

    class Missing(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            hits.append(self.path)
            self.send_error(404)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Missing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_port
        room = make_newsroom(CONFIG + f'\n[security]\nallow_hosts = ["127.0.0.1:{port}"]\n')
        room.article("2017/01/a.md", image=f"http://127.0.0.1:{port}/mat.png", body="Nội dung.")
        result = build(room.project, BuildOptions(issue="2017-01", formats=("pdf",), out_dir=tmp_path))
        assert "could not be downloaded" in " ".join(w.message for w in result.warnings)
        assert hits == ["/mat.png"]
        assert build(room.project, BuildOptions(issue="2017-01", formats=("pdf",), out_dir=tmp_path)).up_to_date
        assert hits == ["/mat.png"]
    finally:
        server.shutdown()
        server.server_close()


def test_style_is_the_layouts_then_the_projects_then_the_print_options(make_newsroom) -> None:
    from pressbook.html.kit import make_kit

    from .conftest import CONFIG

    room = make_newsroom(CONFIG + '\n[style]\nfont_size = "11pt"\nmarks = "cross"\nbleed = "2mm"\n')
    layout = room.root / "layouts" / "mine"
    layout.mkdir(parents=True)
    (layout / "layout.toml").write_text(
        'template = "bulletin/edition.html"\n[style]\nfont_size = "9pt"\nline_height = "1.2"\nmarks = "crop"\n',
        encoding="utf-8",
    )
    style = make_kit(room.project, "mine").layout.style
    assert (style.font_size, style.line_height, style.marks, style.bleed) == ("11pt", "1.2", "cross", "2mm")
    assert style.page_size == "A5" and style.grayscale is False  # the one set of defaults
    printing = make_kit(room.project, "mine", marks="crop", bleed="5mm", grayscale=True).layout.style
    assert (printing.font_size, printing.marks, printing.bleed, printing.grayscale) == ("11pt", "crop", "5mm", True)
    assert make_kit(room.project, "mine").style.font_size == "11pt"  # the project's own, for the e-book


def test_a_file_a_layout_loads_from_outside_the_watched_folders_is_watched(newsroom, monkeypatch) -> None:
    # The project's own bulletin template shows a logo kept in static/.
    newsroom.article("2017/01/a.md")
    newsroom.article("2017/01/b.md", title="Bài hai", section="Kinh tế")
    (newsroom.root / "static").mkdir()
    logo = newsroom.root / "static" / "logo.png"
    logo.write_bytes(_png("red"))
    override = newsroom.root / "layouts" / "bulletin" / "edition.html"
    override.parent.mkdir(parents=True)
    override.write_text(
        '{% extends "!default/bulletin/edition.html" %}\n'
        '{% block cover %}<section class="cover"><img src="static/logo.png" alt="logo"></section>{% endblock %}\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(newsroom.root)
    arguments = ["build", "--issue", "2017-01", "--format", "pdf"]
    assert runner.invoke(app, arguments).exit_code == 0
    assert "up to date" in runner.invoke(app, arguments).output
    logo.write_bytes(_png("blue", (90, 60)))
    again = runner.invoke(app, arguments)
    assert again.exit_code == 0 and "up to date" not in again.output, again.output
    # And the PDF shows the new logo: the cached cover piece read the old one, so it is made again.
    with pikepdf.open(next((newsroom.root / "build" / "2017-01").glob("*.pdf"))) as pdf:
        sizes = {(int(i.Width), int(i.Height)) for i in pdf.objects if isinstance(i, pikepdf.Stream) and i.get("/Subtype") == "/Image"}
    assert (90, 60) in sizes and (60, 40) not in sizes, sizes


def test_an_edition_in_another_layout_has_its_own_file(newsroom, tmp_path) -> None:
    """`--layout newspaper` writes ...-2017-01-newspaper.pdf beside the bulletin's PDF instead of
    replacing it; the project's own layout keeps the plain name, and so does the e-book."""
    newsroom.article("2017/01/a.md", title="Chợ phiên vùng cao")
    project = newsroom.project
    out = tmp_path / "out"
    plain = build(project, BuildOptions(issue="2017-01", formats=("pdf",), out_dir=out, jobs=1))
    other = build(project, BuildOptions(issue="2017-01", formats=("pdf", "epub"), layout="newspaper", out_dir=out, jobs=1))
    assert [o.path.name for o in plain.outputs] == ["bao-thu-nghiem-2017-01.pdf"]
    assert [o.path.name for o in other.outputs] == ["bao-thu-nghiem-2017-01-newspaper.pdf", "bao-thu-nghiem-2017-01.epub"]
    assert sorted(p.name for p in out.glob("*.pdf")) == ["bao-thu-nghiem-2017-01-newspaper.pdf", "bao-thu-nghiem-2017-01.pdf"]
    same = build(project, BuildOptions(issue="2017-01", formats=("pdf",), layout="bulletin", out_dir=out, jobs=1))
    assert [o.path.name for o in same.outputs] == ["bao-thu-nghiem-2017-01.pdf"]


def test_a_part_of_an_edition_or_a_print_shop_copy_never_replaces_the_whole(newsroom, tmp_path) -> None:
    """Chosen sections or tags name every output after them; a variant, marks, bleed or grey name
    the printed ones: none of them replaces the edition as the project sets it."""
    newsroom.article("2017/01/a.md", title="Chợ phiên vùng cao", section="Thời sự", tags="[Tết]")
    newsroom.article("2017/01/b.md", title="Giá lúa", section="Kinh tế")
    out = tmp_path / "out"

    def names(**options) -> list[str]:
        built = build(newsroom.project, BuildOptions(issue="2017-01", formats=("html", "epub"), out_dir=out, jobs=1, **options))
        return [o.path.name for o in built.outputs]

    assert names() == ["bao-thu-nghiem-2017-01.html", "bao-thu-nghiem-2017-01.epub"]
    assert names(sections=("Thời sự",)) == ["bao-thu-nghiem-2017-01-thoi-su.html", "bao-thu-nghiem-2017-01-thoi-su.epub"]
    assert names(tags=("Tết",)) == ["bao-thu-nghiem-2017-01-tet.html", "bao-thu-nghiem-2017-01-tet.epub"]
    assert names(marks="crop", bleed="3mm", grayscale=True) == [
        "bao-thu-nghiem-2017-01-print-shop-grey.html", "bao-thu-nghiem-2017-01.epub"]
    assert names(pdf_variant="pdf/ua-1") == ["bao-thu-nghiem-2017-01-pdf-ua-1.html", "bao-thu-nghiem-2017-01.epub"]
