"""`pressbook serve` over HTTP: pages, the print PDF, and what it refuses."""

from __future__ import annotations

import concurrent.futures
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from pressbook.serve.site import make_app

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def client(newsroom):
    newsroom.article("2017/01/cho-phien.md", title="Chợ phiên ngày Tết", body="Đồng bào về chợ **sớm**.")
    newsroom.article("2017/02/cau-moi.md", title="Cầu mới", section="Kinh tế", date="2017-02-10T08:00:00+07:00",
                     body="Cây cầu mới thông xe.")
    with TestClient(make_app(newsroom.root)) as client:
        client.newsroom = newsroom
        yield client


def test_home_lists_the_editions_by_month_with_their_articles(client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert 'href="/e/2017-02"' in page.text and 'href="/e/2017-01"' in page.text
    assert page.text.index("2017-02") < page.text.index("2017-01")  # newest first
    assert "1 bài viết" in page.text
    assert "Content-Security-Policy" in page.headers


def test_an_edition_lists_its_articles_by_section(client) -> None:
    page = client.get("/e/2017-01")
    assert page.status_code == 200
    assert "Thời sự" in page.text and 'href="/a/2017/01/cho-phien"' in page.text and "Chợ phiên ngày Tết" in page.text


def test_an_article_shows_as_the_print_layout_sets_it(client) -> None:
    page = client.get("/a/2017/01/cho-phien")
    assert page.status_code == 200 and "Chợ phiên ngày Tết" in page.text and "/a/2017/01/cho-phien/print.pdf" in page.text
    shown = client.get("/a/2017/01/cho-phien/preview")
    assert shown.status_code == 200
    assert "Đồng bào về chợ <strong>sớm</strong>." in shown.text
    assert "file://" not in shown.text  # files come through the server
    font = next(part for part in shown.text.split('url("')[1:] if ".ttf" in part.split('"')[0]).split('"')[0]
    assert client.get(font).status_code == 200


def test_in_bai_viet_returns_the_articles_print_pdf_with_the_latest_edit(client) -> None:
    from pypdf import PdfReader
    import io

    first = client.get("/a/2017/01/cho-phien/print.pdf")
    assert first.status_code == 200 and first.headers["content-type"] == "application/pdf"
    assert "Đồng bào về chợ" in PdfReader(io.BytesIO(first.content)).pages[0].extract_text()
    path = client.newsroom.root / "articles/2017/01/cho-phien.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Đồng bào về chợ", "Bà con bản Mường về chợ"), encoding="utf-8")
    again = client.get("/a/2017/01/cho-phien/print.pdf")
    assert "Bà con bản Mường về chợ" in PdfReader(io.BytesIO(again.content)).pages[0].extract_text()


@pytest.mark.parametrize(
    "address",
    [
        "/a/../pressbook.toml", "/a/%2e%2e/pressbook", "/a/..%2f..%2fpressbook", "/a/2017/01/../../../pressbook",
        "/a//etc/passwd", "/a/2017/01/khong-co", "/r/0/pressbook.toml", "/r/0/../../../etc/passwd",
        "/r/99/x.ttf", "/files/../pressbook.toml", "/files/%2e%2e/pressbook.toml", "/e/..%2f..", "/e/2017-01/pages/1.png",
    ],
)
def test_paths_outside_the_project_and_missing_files_are_404(client, address) -> None:
    response = client.get(address)
    assert response.status_code == 404, (address, response.status_code)
    assert client.get("/").status_code == 200  # and the server goes on


def test_a_link_leading_out_of_the_articles_is_not_followed(client, tmp_path) -> None:
    secret = tmp_path / "bi-mat.md"
    secret.write_text("---\ntitle: Bí mật\ndate: 2017-01-05\n---\nKhông được đọc.\n", encoding="utf-8")
    (client.newsroom.root / "articles/2017/01/lien-ket.md").symlink_to(secret)
    assert client.get("/a/2017/01/lien-ket").status_code == 404
    assert client.get("/a/2017/01/lien-ket/preview").status_code == 404


def test_a_broken_article_shows_its_error_and_the_server_goes_on(client) -> None:
    client.newsroom.write("2017/01/hong.md", "---\ntitle:\ndate: 2017-01-31\n---\nThân bài.\n")
    page = client.get("/a/2017/01/hong")
    assert page.status_code == 200
    assert "hong.md:2: field &#39;title&#39;" in page.text or "hong.md:2: field 'title'" in page.text
    assert client.get("/a/2017/01/hong/preview").status_code == 422
    assert client.get("/a/2017/01/cho-phien").status_code == 200


def test_a_deleted_article_gives_404_not_a_crash(client) -> None:
    (client.newsroom.root / "articles/2017/02/cau-moi.md").unlink()
    assert client.get("/a/2017/02/cau-moi").status_code == 404
    assert client.get("/a/2017/02/cau-moi/print.pdf").status_code == 404
    assert client.get("/").status_code == 200


def test_build_needs_the_pages_token(client) -> None:
    refused = client.post("/e/2017-01/build", data={"token": "sai"})
    assert refused.status_code == 403
    assert client.post("/e/2017-01/build").status_code == 403
    assert client.get("/e/2017-01/build").status_code == 405  # never by GET


def test_fifty_requests_at_once_are_served(client) -> None:
    addresses = ["/", "/e/2017-01", "/a/2017/01/cho-phien", "/a/2017/01/cho-phien/preview", "/static/live.js"] * 10
    with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
        codes = list(pool.map(lambda address: client.get(address).status_code, addresses))
    assert codes == [200] * 50


def test_serving_beyond_this_computer_warns(newsroom, monkeypatch) -> None:
    from typer.testing import CliRunner

    import pressbook.serve
    from pressbook.cli import app

    started = []
    monkeypatch.setattr(pressbook.serve, "serve", lambda root, host, port: started.append((host, port)))
    local = CliRunner().invoke(app, ["serve", "--project", str(newsroom.root)])
    wide = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--port", "9000", "--project", str(newsroom.root)])
    assert started == [("127.0.0.1", 8000), ("0.0.0.0", 9000)]
    assert "warning" not in local.stderr
    assert "anyone who can reach this computer" in wide.stderr


def test_an_edition_shows_small_pictures_of_its_built_pages(client) -> None:
    from pressbook.build import build
    from pressbook.config import load_project
    from pressbook.options import BuildOptions

    assert 'class="thumbs"' not in client.get("/e/2017-01").text  # nothing built yet
    build(load_project(client.newsroom.root), BuildOptions(issue="2017-01", formats=("pdf",)))
    page = client.get("/e/2017-01")
    assert 'src="/e/2017-01/pages/1.png"' in page.text and ".pdf" in page.text
    picture = client.get("/e/2017-01/pages/1.png")
    assert picture.status_code == 200 and picture.content.startswith(b"\x89PNG")
    assert client.get("/e/2017-01/pages/999.png").status_code == 404
