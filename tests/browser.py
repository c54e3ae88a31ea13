"""A real browser for the tests: `browser`, one headless Chromium for the whole session, and `page`, a
fresh page in a fresh context for each test, whose console errors (and uncaught script errors) are
collected in `page.console_errors`, so that a test can assert there were none.

The browser is Debian's `chromium` at /usr/bin/chromium, driven by Playwright (pip's `playwright`, in
the `test` extra); scripts/setup installs both. Playwright never downloads a browser of its own here:
the launch names /usr/bin/chromium, and setup sets PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1.

Where chromium or Playwright is missing the fixtures FAIL, saying what to install: a browser test that
skipped quietly would pass without having looked. On a machine that cannot have chromium, set
PRESSBOOK_NO_BROWSER=1 and the tests that use these fixtures are skipped instead.

Chromium runs without its sandbox (Playwright's default, made explicit below): run as root, as in a
container, it refuses to start with one ("Running as root without --no-sandbox is not supported").
The browser starts the first time a test asks for it, so the tests that use no browser pay nothing.

Registered as a plugin by tests/conftest.py (`pytest_plugins`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
# Without a sandbox: see the module's docstring (Playwright adds --no-sandbox for chromium_sandbox=False).
CHROMIUM_SANDBOX = False
# Added to Playwright's own arguments (which already hold --headless, --no-sandbox, --disable-dev-shm-usage).
CHROMIUM_ARGS: list[str] = []
SETUP_HINT = "scripts/setup installs it (or set PRESSBOOK_NO_BROWSER=1 to skip the browser tests)"


def _skip_without_browser() -> None:
    if os.environ.get("PRESSBOOK_NO_BROWSER") == "1":
        pytest.skip("PRESSBOOK_NO_BROWSER=1: the browser tests are skipped")


@pytest.fixture(scope="module")  # its threads end with the module: test_pieces needs a process without them
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless, launched by Playwright once for each test module."""
    _skip_without_browser()
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        pytest.fail(f"Playwright is not installed (`playwright`, in the test extra): {SETUP_HINT}", pytrace=False)
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing (Debian's `chromium` package): {SETUP_HINT}", pytrace=False)
    playwright = sync_playwright().start()
    try:
        try:
            launched = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, chromium_sandbox=CHROMIUM_SANDBOX, args=CHROMIUM_ARGS
            )
        except Error as error:
            pytest.fail(f"{CHROMIUM} did not start under Playwright:\n{error}", pytrace=False)
        try:
            yield launched
        finally:
            launched.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page in a fresh context (no cookies or storage from other tests); the console's errors
    and the page's uncaught errors are in `page.console_errors`, as text."""
    context = browser.new_context()
    try:
        fresh = context.new_page()
        errors: list[str] = []
        fresh.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        fresh.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
        fresh.console_errors = errors  # type: ignore[attr-defined]
        yield fresh
    finally:
        context.close()
