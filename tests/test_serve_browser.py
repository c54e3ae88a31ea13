"""`pressbook serve` in a real browser (Chromium through Playwright): follow the links to an
article, see an edit appear without reloading, print it, build its edition."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

LEAD = "Đầu xuân, bà con các bản mang nông sản về chợ phiên."


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served(newsroom) -> Iterator[tuple[str, Path]]:
    """`pressbook serve` on the command line, over a small newsroom, on a free port."""
    newsroom.article("2017/01/cho-phien.md", title="Chợ phiên ngày Tết", lead=LEAD, body="Đồng bào về chợ từ sáng sớm.")
    newsroom.article("2017/01/cau-moi.md", title="Cầu mới bắc qua sông Nậm Rốm", section="Kinh tế",
                     date="2017-01-10T08:00:00+07:00", body="Cây cầu mới thông xe trước Tết.")  # fmt: skip
    port = _free_port()
    command = [sys.executable, "-m", "pressbook", "serve", "--port", str(port), "--project", str(newsroom.root)]
    log = (newsroom.root.parent / "serve.log").open("wb")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    address = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(address + "/", timeout=2).read()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                log.close()
                pytest.fail(f"the server did not start: {(newsroom.root.parent / 'serve.log').read_text()}")
            time.sleep(0.2)
    try:
        yield address, newsroom.root
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def test_follow_links_edit_live_print_and_build(page, served) -> None:
    from playwright.sync_api import expect
    from pypdf import PdfReader

    address, root = served
    page.goto(address + "/")
    page.get_by_role("link", name="2017-01").click()
    expect(page.get_by_role("heading", name="Bản tin tháng 1/2017")).to_be_visible()
    page.get_by_role("link", name="Chợ phiên ngày Tết").click()
    preview = page.frame_locator("iframe.preview")
    expect(preview.get_by_text(LEAD)).to_be_visible()

    # An edit saved to the Markdown file appears in the open page, without reloading it.
    page.evaluate("window.notReloaded = true")
    path = root / "articles/2017/01/cho-phien.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Đồng bào về chợ từ sáng sớm.", "Bà con bản Mường Phăng xuống chợ."), encoding="utf-8")
    expect(preview.get_by_text("Bà con bản Mường Phăng xuống chợ.")).to_be_visible(timeout=5000)
    assert page.evaluate("window.notReloaded") is True

    # "In bài viết": the article's print PDF, with the edit in it.
    href = page.get_by_role("link", name="In bài viết").get_attribute("href")
    pdf = page.request.get(address + href)
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert "Bà con bản Mường Phăng xuống chợ." in " ".join(PdfReader(io.BytesIO(pdf.body())).pages[0].extract_text().split())

    # Build: the edition's PDF and EPUB, linked when done.
    page.get_by_role("link", name="2017-01").click()
    page.get_by_role("button", name="Dựng PDF và EPUB").click()
    files = page.locator("#build-files a")
    expect(files.filter(has_text=".pdf")).to_have_count(1, timeout=90_000)
    expect(files.filter(has_text=".epub")).to_have_count(1)
    built = page.request.get(address + files.filter(has_text=".pdf").get_attribute("href"))
    assert built.ok and built.body().startswith(b"%PDF")
    assert page.console_errors == []


def test_a_broken_article_shows_its_error_and_the_server_goes_on(page, served) -> None:
    from playwright.sync_api import expect

    address, root = served
    (root / "articles/2017/01/hong.md").write_text("---\ntitle:\ndate: 2017-01-31\n---\nThân bài.\n", encoding="utf-8")
    page.goto(address + "/a/2017/01/hong")
    expect(page.locator(".problems li.error")).to_contain_text("hong.md:2")
    for attempt in ("/a/..%2f..%2fpressbook", "/a/%2e%2e/%2e%2e/etc/passwd", "/r/0/..%2f..%2fetc%2fpasswd", "/files/../pressbook.toml"):
        assert page.request.get(address + attempt).status == 404, attempt
    page.goto(address + "/a/2017/01/cho-phien")
    expect(page.frame_locator("iframe.preview").get_by_text(LEAD)).to_be_visible()
