"""The browser fixtures work: chromium opens a Vietnamese page from disk, shows its text whole and
reports no console errors (tests/browser.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported in the test, after the fixture has failed or skipped where Playwright is missing
    from playwright.sync_api import Page

TEXT = "Tiếng Việt có dấu"
PAGE = f"""\
<!doctype html>
<html lang="vi">
<head><meta charset="utf-8"><title>Thử trình duyệt</title></head>
<body><p id="text">{TEXT}</p></body>
</html>
"""


def test_chromium_shows_vietnamese_text_without_console_errors(page: Page, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    html = tmp_path / "trang.html"
    html.write_text(PAGE, encoding="utf-8")
    page.goto(html.as_uri())
    expect(page.get_by_text(TEXT, exact=True)).to_be_visible()
    assert page.locator("#text").inner_text() == TEXT
    assert page.console_errors == []  # type: ignore[attr-defined]
