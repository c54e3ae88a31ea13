"""Arbitrary input raises only pressbook's own errors, and a killed build loses nothing."""

from __future__ import annotations

import html as htmllib
import os
import signal
import subprocess
import sys
import time
import unicodedata
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pressbook.articles import read_markdown
from pressbook.config import load_project
from pressbook.errors import PressbookError
from pressbook.importers import ImportOptions, scraped, webpage
from pressbook.importers.charsets import UndecodableError, decode
from pressbook.text import clean


TZ = ZoneInfo("Asia/Ho_Chi_Minh")
LABELS = {"UTF-8 with BOM", "UTF-32 with BOM", "UTF-16 LE with BOM", "UTF-16 BE with BOM", "UTF-16 LE without BOM",
          "UTF-16 BE without BOM", "Windows-1258", "VISCII", "TCVN3 (ABC)", "VNI"}  # fmt: skip
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
VIETNAMESE = st.text(alphabet=st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵĐ0123456789 -:,./()\n\u0301\u0323\u00a0")))


@SETTINGS
@given(st.binary(max_size=4000))
def test_decode_raises_only_its_own_error(data: bytes) -> None:
    try:
        decoded = decode(data)
    except UndecodableError:
        return
    assert "\x00" not in decoded.text  # binary is refused, never passed on as text
    if decoded.encoding == "UTF-8":
        assert decoded.text == data.decode("utf-8")  # UTF-8 is taken as it is
    else:
        assert decoded.encoding in LABELS, decoded.encoding


@SETTINGS
@given(st.one_of(st.text(max_size=3000), VIETNAMESE))
def test_scraped_pages_raise_only_pressbook_errors(newsroom, text: str) -> None:
    try:
        fields, paragraphs, _ = scraped.parse(text, path=Path("trang.txt"), project=newsroom.project, options=ImportOptions())
    except PressbookError:
        return
    # Nothing invented: the title and every paragraph are lines of the (repaired) page.
    lines = {" ".join(line.split()) for line in clean(text).text.splitlines()}
    assert fields["title"] and "\n" not in fields["title"]
    assert fields["date"].tzinfo is not None
    assert all(p in lines for p in paragraphs), [p for p in paragraphs if p not in lines]


@SETTINGS
@given(st.one_of(st.binary(max_size=3000), st.text(max_size=3000).map(lambda t: ("---\n" + t).encode("utf-8", "surrogatepass"))))
def test_article_reader_raises_only_pressbook_errors(tmp_path_factory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "bai.md"
    path.write_bytes(data)
    try:
        article = read_markdown(path, TZ)
    except PressbookError:
        return
    assert article.title


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=2000).map(lambda t: f"<html><head><title>{t[:50]}</title></head><body><p>{t}</p></body></html>"))
@example("<html><head><title>\x00</title></head><body><p>\x00</p></body></html>")  # a NUL once came back as "�"
def test_webpage_extraction_raises_only_pressbook_errors(newsroom, html: str) -> None:
    try:
        found = webpage.extract(html, path=Path("trang.html"), project=newsroom.project)
    except PressbookError:
        return
    # Nothing invented: every letter of the title and the body is one of the page's (repaired).
    page = htmllib.unescape(html)
    letters = set(unicodedata.normalize("NFC", page)) | set(clean(page).text)
    for taken in [found["title"], *found["texts"]]:
        assert taken.strip(), found
        assert set(unicodedata.normalize("NFC", taken)) - letters <= {" "}, taken


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["kill", "term"])
def test_killed_build_leaves_the_old_outputs(sample_copy, tmp_path, how) -> None:
    room = sample_copy
    command = [sys.executable, "-m", "pressbook", "build", "--issue", "2017-01", "--quiet"]
    env = {**os.environ, "PRESSBOOK_CACHE": str(tmp_path / "cache-1")}
    subprocess.run(command, cwd=room, env=env, check=True)
    outputs = sorted((room / "build/2017-01").glob("*.*"))
    before = {p: p.read_bytes() for p in outputs}
    assert {p.suffix for p in outputs} == {".pdf", ".epub"}

    # Change an article and start again with an empty cache, then stop it in the middle.
    article = room / "articles/2017/01/ho-tro-gao-cuu-doi-dip-tet-cho-1-488-ho-dan.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nMột đoạn mới.\n", encoding="utf-8")
    env["PRESSBOOK_CACHE"] = str(tmp_path / "cache-2")
    process = subprocess.Popen(command, cwd=room, env=env, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not list((tmp_path / "cache-2").rglob("*.bin")):
        time.sleep(0.05)  # until the first section has been rendered: the build is mid-render
    if how == signal.SIGKILL:
        os.killpg(process.pid, signal.SIGKILL)
    else:
        process.send_signal(signal.SIGTERM)
    try:
        _, stderr = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # never leave a hung build behind
        process.communicate()
        pytest.fail("the interrupted build did not end within 60 s")
    code = process.returncode
    assert code != 0
    if how == signal.SIGTERM:
        assert code == 130, stderr.decode()
        assert b"Traceback" not in stderr
    for path, data in before.items():
        assert path.read_bytes() == data  # the previous PDF and EPUB are intact
    assert not list((room / "build").rglob("*.part"))
    # The next build finishes the job.
    subprocess.run(command, cwd=room, env=env, check=True)
    assert (room / "build/2017-01/bao-son-nguyen-2017-01.pdf").read_bytes() != before[room / "build/2017-01/bao-son-nguyen-2017-01.pdf"]
    assert load_project(room).root == room.resolve()
