"""`pressbook site`: the static website of every edition, its OPDS catalogue and feeds, checked
as a reader's browser and reading app would."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import etree
from lxml import html as lxml_html

from pressbook.config import load_project
from pressbook.publish.site import build_site

REPO = Path(__file__).resolve().parents[1]
SCHEMAS = Path(__file__).with_name("schemas")
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("site") / "newsroom"
    root.mkdir()
    for name in ("pressbook.toml", "articles", "issues", "layouts", "fonts"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copyfile)(source, root / name)
    project = load_project(root)
    made = build_site(project, base_url="https://baosonnguyen.vn/ban-in/")
    return project, made


def _local(page: Path, address: str) -> Path | None:
    parts = urlsplit(address)
    if parts.scheme or address.startswith(("#", "data:", "mailto:")) or not parts.path:
        return None
    return (page.parent / unquote(parts.path)).resolve()


def test_every_internal_link_and_picture_resolves_to_a_file(site) -> None:
    _project, made = site
    pages = list(made.out.rglob("*.html"))
    assert len(pages) > 30
    missing = []
    for page in pages:
        tree = lxml_html.fromstring(page.read_bytes())
        for node in tree.xpath("//a[@href] | //link[@href] | //img[@src]"):
            address = node.get("href") or node.get("src")
            target = _local(page, address)
            if target is not None and not target.is_file():
                missing.append(f"{page.relative_to(made.out)} -> {address}")
    assert not missing, missing[:10]


def test_the_home_page_leads_reading_apps_to_the_catalogue(site) -> None:
    _project, made = site
    home = lxml_html.fromstring((made.out / "index.html").read_bytes())
    found = home.xpath('//link[@rel="alternate"][contains(@type, "profile=opds-catalog")]/@href')
    assert found and (made.out / found[0]).is_file()


def test_the_opds_catalogue_offers_every_monthly_edition_as_epub_and_pdf(site) -> None:
    project, made = site
    months = {f"{a.date.astimezone(project.config.tz):%Y-%m}" for a in _articles(project)}
    root = etree.parse(str(made.out / "opds/root.xml"))
    years = root.findall(f"{ATOM}entry/{ATOM}link[@rel='subsection']")
    assert {y.get("href") for y in years} == {f"{m[:4]}.xml" for m in months}
    offered: dict[str, set[str]] = {}
    for year in years:
        feed_path = made.out / "opds" / year.get("href")
        feed = etree.parse(str(feed_path))
        for entry in feed.findall(f"{ATOM}entry"):
            issue = entry.findtext("{http://purl.org/dc/terms/}issued")
            for link in entry.findall(f"{ATOM}link[@rel='http://opds-spec.org/acquisition']"):
                target = (feed_path.parent / unquote(link.get("href"))).resolve()
                assert target.is_file(), link.get("href")
                data = target.read_bytes()
                if link.get("type") == "application/pdf":
                    assert data.startswith(b"%PDF")
                else:
                    assert link.get("type") == "application/epub+zip" and data[30:58] == b"mimetypeapplication/epub+zip"
                offered.setdefault(issue, set()).add(link.get("type"))
            cover = entry.find(f"{ATOM}link[@rel='http://opds-spec.org/image']")
            assert cover is not None and (feed_path.parent / unquote(cover.get("href"))).resolve().read_bytes()[:4] in (b"\x89PNG", b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xe1")
    assert offered == {m: {"application/pdf", "application/epub+zip"} for m in months}


def _articles(project):
    from pressbook.articles import load_articles

    return load_articles(project.articles_dir, project.config.tz, project.root).articles


@pytest.mark.parametrize("feed", ["root.xml", "2017.xml", "2016.xml"])
def test_the_opds_feeds_validate_against_the_specifications_relax_ng_schema(site, feed) -> None:
    _project, made = site
    checked = subprocess.run(["jing", "-c", str(SCHEMAS / "opds.rnc"), str(made.out / "opds" / feed)], capture_output=True, text=True)
    assert checked.returncode == 0 and "error" not in checked.stdout, checked.stdout


def test_the_schema_check_can_fail(site, tmp_path) -> None:
    _project, made = site
    broken = (made.out / "opds/2017.xml").read_text(encoding="utf-8").replace("<id>", "<idx>").replace("</id>", "</idx>")
    (tmp_path / "broken.xml").write_text(broken, encoding="utf-8")
    checked = subprocess.run(["jing", "-c", str(SCHEMAS / "opds.rnc"), str(tmp_path / "broken.xml")], capture_output=True, text=True)
    assert checked.returncode != 0 and "error" in checked.stdout


def test_the_opds2_feed_parses_and_its_links_resolve(site) -> None:
    project, made = site
    feed = json.loads((made.out / "opds/catalog.json").read_text(encoding="utf-8"))
    assert len(feed["publications"]) == len(made.editions)
    for publication in feed["publications"]:
        types = {link["type"] for link in publication["links"]}
        assert types == {"application/epub+zip", "application/pdf"}
        for link in publication["links"]:
            assert (made.out / "opds" / unquote(link["href"])).resolve().is_file()


def test_each_article_page_prints_its_article(site) -> None:
    from pypdf import PdfReader

    project, made = site
    pages = list((made.out / "articles").rglob("*.html"))
    assert len(pages) == len(_articles(project))
    for page in pages:
        tree = lxml_html.fromstring(page.read_bytes())
        link = tree.xpath('//a[normalize-space()="In bài viết"]/@href')
        assert link, page
        pdf = _local(page, link[0])
        reader = PdfReader(io.BytesIO(pdf.read_bytes()))
        title = " ".join(tree.findtext(".//h1").split())
        assert title.split()[0] in reader.pages[0].extract_text()


def test_the_atom_feed_and_sitemap(site) -> None:
    _project, made = site
    feed = etree.parse(str(made.out / "feed.xml"))
    assert len(feed.findall(f"{ATOM}entry")) == len(made.editions)
    sitemap = etree.parse(str(made.out / "sitemap.xml"))
    addresses = [loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert all(a.startswith("https://baosonnguyen.vn/ban-in/") for a in addresses)
    assert "https://baosonnguyen.vn/ban-in/index.html" in addresses and len(addresses) > 30


def test_a_second_run_changes_nothing(site) -> None:
    project, made = site
    again = build_site(project, base_url="https://baosonnguyen.vn/ban-in/")
    assert again.written == 0 and again.kept > 30


def test_the_site_opens_in_chromium_without_errors_and_with_alternative_text(site, page) -> None:
    from playwright.sync_api import expect

    _project, made = site
    page.goto((made.out / "index.html").as_uri())
    assert page.locator("img").count() >= 3
    for image in page.locator("img").all():
        assert image.get_attribute("alt")
    page.locator("ul.editions a").first.click()
    expect(page.locator("h1")).to_be_visible()
    page.locator("main ul a").first.click()
    expect(page.get_by_role("link", name="In bài viết")).to_be_visible()
    for image in page.locator("img").all():
        assert image.get_attribute("alt")
    assert page.console_errors == []
