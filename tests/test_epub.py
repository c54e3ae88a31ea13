"""The e-book: EPUBCheck clean, reproducible, and what it says about itself (OPF and nav by XPath)."""

from __future__ import annotations

import unicodedata
import uuid
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from lxml import etree

from pressbook.build import BuildOptions, build, load_edition
from pressbook.html.fonts import load_fonts
from pressbook.importers import import_source

from .conftest import REPO

from .pdfcheck import expected_words

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}


class Epub:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip = zipfile.ZipFile(path)
        container = etree.fromstring(self.zip.read("META-INF/container.xml"))
        self.opf_path = container.xpath("//*[local-name()='rootfile']/@full-path")[0]
        self.base = self.opf_path.rsplit("/", 1)[0] + "/"
        self.opf = etree.fromstring(self.zip.read(self.opf_path))

    def xml(self, href: str) -> etree._Element:
        return etree.fromstring(self.zip.read(self.base + href))

    def meta(self, prop: str) -> list[str]:
        return self.opf.xpath(f"//opf:meta[@property='{prop}']/text()", namespaces=NS)

    def href(self, **attrs: str) -> list[str]:
        condition = " and ".join(f"@{k}='{v}'" for k, v in attrs.items())
        return self.opf.xpath(f"//opf:manifest/opf:item[{condition}]/@href", namespaces=NS)


@pytest.fixture(scope="module")
def book(january, sample_project):
    """The January e-book (built once for the whole run), its edition, and the book opened."""
    epub = next(o.path for o in january.outputs if o.format == "epub")
    return january, load_edition(sample_project, "2017-01").edition, Epub(epub)


def test_epubcheck_finds_nothing(book, epubcheck) -> None:
    result, _, opened = book
    assert [w.format() for w in result.warnings] == []
    assert epubcheck.problems(opened.path) == {}


def test_reproducible(book, sample_project, tmp_path) -> None:
    _, _, book = book
    # Made again from nothing (no cached pictures, font subsets, cover or rendered pages), with its
    # print edition (whose pages it marks): the same bytes.
    again = build(sample_project, BuildOptions(issue="2017-01", formats=("pdf", "epub"), out_dir=tmp_path, use_cache=False))
    assert next(o for o in again.outputs if o.format == "epub").path.read_bytes() == book.path.read_bytes()
    with zipfile.ZipFile(book.path) as z:
        assert z.namelist()[0] == "mimetype" and z.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_metadata(book) -> None:
    _, _, book = book
    opf = book.opf
    assert opf.xpath("//dc:language/text()", namespaces=NS) == ["vi"]
    assert opf.xpath("//dc:title/text()", namespaces=NS) == ["Báo Sơn Nguyên – Bản tin tháng 1/2017"]
    expected_id = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'https://baosonnguyen.vn/pressbook/2017-01')}"
    assert opf.xpath("//dc:identifier/text()", namespaces=NS) == [expected_id]
    assert opf.get("unique-identifier") == opf.xpath("//dc:identifier/@id", namespaces=NS)[0]
    assert opf.xpath("//dc:publisher/text()", namespaces=NS) == ["Báo Sơn Nguyên – Cơ quan của Đảng bộ tỉnh Sơn Nguyên"]
    assert opf.xpath("//dc:date/text()", namespaces=NS) == ["2017-01-31"]
    assert book.meta("dcterms:modified") == ["2017-01-30T17:00:00Z"]  # 31/01/2017 00:00 in Hà Nội
    assert set(book.meta("schema:accessMode")) == {"textual", "visual"}
    assert book.meta("schema:accessModeSufficient") == ["textual"]
    assert {"structuralNavigation", "tableOfContents", "alternativeText"} <= set(book.meta("schema:accessibilityFeature"))
    assert book.meta("schema:accessibilityHazard") == ["none"]
    assert book.meta("schema:accessibilitySummary")[0].startswith("Văn bản đầy đủ")
    cover = book.href(properties="cover-image")
    assert cover == ["images/cover.png"] and book.zip.read(book.base + cover[0]).startswith(b"\x89PNG")


def test_spine_and_nav(book) -> None:
    _, edition, book = book
    items = {i.get("id"): i.get("href") for i in book.opf.xpath("//opf:manifest/opf:item", namespaces=NS)}
    spine = [items[ref] for ref in book.opf.xpath("//opf:spine/opf:itemref/@idref", namespaces=NS)]
    assert spine[:3] == ["text/cover.xhtml", "text/title.xhtml", "text/nav.xhtml"]
    assert spine[3:-1] == [f"text/a-{a.slug}.xhtml" for a in edition.articles]
    assert spine[-1] == "text/colophon.xhtml"
    assert book.opf.xpath("//opf:spine/opf:itemref[@linear='no']", namespaces=NS) == []
    nav_href = book.href(properties="nav")[0]
    nav = book.xml(nav_href)
    toc = nav.xpath("//x:nav[@epub:type='toc']", namespaces=NS)[0]
    assert toc.xpath("string(x:h1)", namespaces=NS) == "Mục lục"
    sections = toc.xpath("x:ol/x:li", namespaces=NS)
    assert [s.xpath("string(x:a)", namespaces=NS) for s in sections] == [s.name for s in edition.sections]
    for li, section in zip(sections, edition.sections):
        entries = li.xpath("x:ol/x:li/x:a", namespaces=NS)
        assert [e.text for e in entries] == [a.title for a in section.articles]
        assert [e.get("href") for e in entries] == [f"a-{a.slug}.xhtml" for a in section.articles]
    landmarks = nav.xpath("//x:nav[@epub:type='landmarks']//x:a/@epub:type", namespaces=NS)
    assert landmarks == ["cover", "toc", "bodymatter"]
    ncx = book.xml(book.href(**{"media-type": "application/x-dtbncx+xml"})[0])
    points = ncx.xpath("//ncx:navMap/ncx:navPoint", namespaces=NS)
    assert len(points) == len(edition.sections)
    assert len(ncx.xpath("//ncx:navMap/ncx:navPoint/ncx:navPoint", namespaces=NS)) == len(edition.articles)


def test_every_article_text_in_nfc(book) -> None:
    _, edition, book = book
    for article in edition.articles:
        chapter = book.xml(f"text/a-{article.slug}.xhtml")
        assert chapter.xpath("string(//x:h1)", namespaces=NS) == article.title
        text = " ".join(chapter.xpath("//x:body//text()", namespaces=NS))
        assert unicodedata.is_normalized("NFC", text)
        body, notes = expected_words(article.body)
        assert chapter.xpath("string(//x:p[@class='lead'])", namespaces=NS) == (article.lead or "")
        if notes:
            assert chapter.xpath("//x:a[@epub:type='noteref']", namespaces=NS)
            assert len(chapter.xpath("//x:aside[@epub:type='footnote']", namespaces=NS)) == len(notes)
        div = chapter.xpath("//x:div[@class='body']", namespaces=NS)[0]
        for noise in div.xpath(".//x:sup[x:a[@epub:type='noteref']] | .//x:section[@class='footnotes']", namespaces=NS):
            noise.getparent().remove(noise) if noise.tail is None else _drop_keep_tail(noise)
        assert "".join(div.itertext()).split() == [w.replace("⁂", "") for w in body]
        for note in notes:
            assert note in " ".join(text.split())
        for img in chapter.xpath("//x:img", namespaces=NS):
            assert img.get("alt")


def _drop_keep_tail(element) -> None:
    parent, tail = element.getparent(), element.tail
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


def test_fonts_are_subset_but_cover_every_character(book) -> None:
    _, _, book = book
    text = ""
    for href in book.opf.xpath("//opf:manifest/opf:item[@media-type='application/xhtml+xml']/@href", namespaces=NS):
        text += " ".join(book.xml(href).xpath("//text()"))
    used = {ord(ch) for ch in text if not ch.isspace()}
    fonts = book.opf.xpath("//opf:manifest/opf:item[@media-type='font/ttf']/@href", namespaces=NS)
    assert sorted(href.rsplit("/", 1)[-1] for href in fonts) == sorted(f.path.name for f in load_fonts(REPO / "fonts").faces)
    for href in fonts:
        data = book.zip.read(book.base + href)
        with TTFont(BytesIO(data)) as font:
            cmap = set(font.getBestCmap())
        assert used <= cmap, (href, sorted(chr(c) for c in used - cmap))
        assert len(data) < 80_000, href  # subset: the full faces are 150-170 KB


def test_book_css_uses_the_families_of_the_fonts_and_style(newsroom, tmp_path) -> None:
    # The families are those the fonts folder names, or [style] chooses: never written-in names.
    newsroom.article("2017/01/a.md")
    config = newsroom.root / "pressbook.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[style]\nbody_font = "Noto Sans"\n', encoding="utf-8")
    from pressbook.config import load_project

    result = build(load_project(newsroom.root), BuildOptions(issue="2017-01", formats=("epub",), out_dir=tmp_path))
    book = Epub(result.outputs[0].path)
    css = book.zip.read(book.base + "styles/book.css").decode()
    assert 'body { font-family: "Noto Sans", serif;' in css
    assert 'font-family: "Noto Sans", sans-serif;' in css  # the headings: the heading face of fonts.toml


def test_grey_photographs_become_jpeg(tmp_path) -> None:
    import random

    from PIL import Image

    from pressbook import images

    rng = random.Random(1)
    photo = Image.new("L", (600, 400))
    photo.putdata([rng.randrange(256) for _ in range(600 * 400)])
    path = tmp_path / "grey.jpg"
    photo.save(path, quality=90)
    data, kind = images.for_screen(path)
    assert kind == "jpeg" and Image.open(BytesIO(data)).mode == "L"


def test_source_date_epoch_sets_modified(sample_project, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1500000000")
    result = build(sample_project, BuildOptions(issue="2017-02", formats=("epub",), out_dir=tmp_path))
    assert Epub(result.outputs[0].path).meta("dcterms:modified") == ["2017-07-14T02:40:00Z"]


def test_imported_real_pages_make_a_valid_epub(corpus, newsroom, tmp_path, epubcheck) -> None:
    pages = sorted((corpus / "html").glob("*.html"))
    slugs = [import_source(page, newsroom.project).path.stem for page in pages]
    result = build(newsroom.project, BuildOptions(issue=None, formats=("epub",), out_dir=tmp_path))
    assert epubcheck.problems(result.outputs[0].path) == {}
    book = Epub(result.outputs[0].path)
    items = {i.get("id"): i.get("href") for i in book.opf.xpath("//opf:manifest/opf:item", namespaces=NS)}
    spine = [items[ref] for ref in book.opf.xpath("//opf:spine/opf:itemref/@idref", namespaces=NS)]
    # A chapter for every page imported, between the book's own pages.
    assert sorted(spine[3:-1]) == sorted(f"text/a-{slug}.xhtml" for slug in slugs)
    # Pictures that are only on the web are left out (with a warning), never fetched.
    pictures = [w for w in result.warnings if w.field != "section"]  # (the sites' own sections are warned of too)
    assert pictures and all(w.severity == "warning" and "on the web" in w.message for w in pictures)


def test_article_names_never_collide_with_the_books_own_pages(newsroom, tmp_path, epubcheck) -> None:
    # Articles called like the book's pages, or with Vietnamese letters and spaces in their
    # file names (and in their pictures' names), still make a valid book.
    from PIL import Image

    images = newsroom.root / "articles/2017/01/images"
    images.mkdir(parents=True)
    Image.new("RGB", (60, 40), "teal").save(images / "ảnh (1) #a.png")
    newsroom.article("2017/01/cover.md", title="Bài tên cover", body="![Ảnh](images/%E1%BA%A3nh%20%281%29%20%23a.png)")
    newsroom.article("2017/01/nav.md", title="Bài tên nav", date="2017-01-05")
    newsroom.article("2017/01/bài viết mới.md", title="Bài tên có dấu", date="2017-01-06")
    result = build(newsroom.project, BuildOptions(issue="2017-01", formats=("epub",), out_dir=tmp_path))
    assert [w.format() for w in result.warnings] == []
    assert epubcheck.problems(result.outputs[0].path) == {}
    book = Epub(result.outputs[0].path)
    items = {i.get("id"): i.get("href") for i in book.opf.xpath("//opf:manifest/opf:item", namespaces=NS)}
    spine = [items[ref] for ref in book.opf.xpath("//opf:spine/opf:itemref/@idref", namespaces=NS)]
    assert spine == ["text/cover.xhtml", "text/title.xhtml", "text/nav.xhtml", "text/a-cover.xhtml",
                     "text/a-nav.xhtml", "text/a-bai-viet-moi.xhtml", "text/colophon.xhtml"]  # fmt: skip


def test_pictures_fonts_and_cover_are_made_once_across_builds(newsroom, tmp_path, monkeypatch) -> None:
    from PIL import Image

    from pressbook import images
    from pressbook.epub import cover
    from pressbook.html import fonts

    monkeypatch.setenv("PRESSBOOK_CACHE", str(tmp_path / "cache"))  # not the one other tests share
    images_dir = newsroom.root / "articles/2017/01/images"
    images_dir.mkdir(parents=True)
    Image.new("RGB", (90, 60), "teal").save(images_dir / "anh.png")
    newsroom.article("2017/01/a.md", title="Bài có ảnh", body="![Ảnh](images/anh.png)")
    calls = {"screen": 0, "subset": 0, "cover": 0}

    def counted(name, function):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(images, "for_screen", counted("screen", images.for_screen))
    monkeypatch.setattr(fonts, "subset", counted("subset", fonts.subset))
    monkeypatch.setattr(cover, "draw_cover", counted("cover", cover.draw_cover))
    faces = len(load_fonts().faces)  # one subset per face
    first = build(newsroom.project, BuildOptions(issue="2017-01", formats=("epub",), out_dir=tmp_path / "a"))
    assert calls == {"screen": 1, "subset": faces, "cover": 1}
    second = build(newsroom.project, BuildOptions(issue="2017-01", formats=("epub",), out_dir=tmp_path / "b"))
    assert calls == {"screen": 1, "subset": faces, "cover": 1}  # nothing made again
    assert first.outputs[0].path.read_bytes() == second.outputs[0].path.read_bytes()
    third = build(newsroom.project, BuildOptions(issue="2017-01", formats=("epub",), out_dir=tmp_path / "c", use_cache=False))
    assert calls == {"screen": 2, "subset": 2 * faces, "cover": 2}
    assert third.outputs[0].path.read_bytes() == first.outputs[0].path.read_bytes()


def test_the_cover_takes_the_projects_accent_colour_not_the_layouts(make_newsroom, tmp_path) -> None:
    # Large print sets its accent to black; the e-book is not set in a print layout.
    from PIL import Image

    from .conftest import CONFIG

    room = make_newsroom(CONFIG.replace('layout = "bulletin"', 'layout = "large-print"') + '\n[style]\naccent_color = "#004488"\n')
    room.article("2017/01/a.md")
    result = build(room.project, BuildOptions(issue="2017-01", formats=("epub",), out_dir=tmp_path))
    with zipfile.ZipFile(result.outputs[0].path) as book:
        cover = Image.open(BytesIO(book.read("OEBPS/images/cover.png"))).convert("RGB")
    assert cover.getpixel((10, 10)) == (0x00, 0x44, 0x88)  # the masthead band


def test_epubcheck_finds_what_is_wrong_in_a_broken_book(book, epubcheck, tmp_path) -> None:
    # The same January book with a picture its package lists taken out, and a page cut short.
    _, _, opened = book
    broken = tmp_path / "hong.epub"
    with zipfile.ZipFile(opened.path) as source, zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("OEBPS/images/0"):
                continue
            if info.filename == "OEBPS/text/title.xhtml":
                data = data[: len(data) // 2]
            target.writestr(info, data)
    problems = epubcheck.problems(broken)
    assert problems.get("FATAL") or problems.get("ERROR"), problems
    found = " ".join(m for messages in problems.values() for m in messages)
    assert "RSC-001" in found and "OEBPS/text/title.xhtml" in found, found
