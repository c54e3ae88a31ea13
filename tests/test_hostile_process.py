"""Hostile hosts, killed builds and hostile layouts: downloads have a deadline and a size cap and
are tried once; workers die with the build that started them; the PDF does not depend on the
project's folder; the PDF never embeds a file."""

from __future__ import annotations

import http.server
import io
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest

from pressbook import images
from pressbook.build import BuildOptions, build, print_articles
from pressbook.config import load_project
from pressbook.options import PrintOptions

from .conftest import CONFIG, REPO


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(out, format="PNG")
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Item 8: a slow, endless or huge download never stalls a build, and each address is tried once.


class HostileHost:
    """A local web server whose addresses misbehave in the ways a host can, counting requests."""

    STEP = 0.25  # seconds between two trickled bytes

    def __init__(self) -> None:
        self.hits: dict[str, int] = {}
        self.stop = threading.Event()
        host = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                host.hits[self.path] = host.hits.get(self.path, 0) + 1
                try:
                    getattr(host, "_" + self.path.strip("/").split(".")[0].replace("-", "_"))(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _trickle(self, handler, data: bytes) -> None:
        for byte in data:
            if self.stop.wait(self.STEP):
                return
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()

    # One byte at a time: every read is quick, the whole is not (32 bytes take 8 s).
    def _slow_body(self, handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "image/png")
        handler.send_header("Content-Length", "32")
        handler.end_headers()
        handler.wfile.flush()
        self._trickle(handler, _png()[:32])

    # The status line and headers themselves trickle in.
    def _slow_headers(self, handler) -> None:
        self._trickle(handler, b"HTTP/1.0 200 OK\r\nContent-Type: image/png\r\nX-Padding: " + b"x" * 20 + b"\r\n\r\n")

    # Nothing at all after the connection is accepted.
    def _silent(self, handler) -> None:
        self.stop.wait(8)

    # A body without end, as fast as the connection takes it.
    def _endless(self, handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "image/png")
        handler.end_headers()
        chunk = b"\0" * 65536
        while not self.stop.is_set():
            handler.wfile.write(chunk)

    # A declared size far over the cap (and a body that would go on for ever).
    def _huge(self, handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "image/png")
        handler.send_header("Content-Length", str(10**12))
        handler.end_headers()
        chunk = b"\0" * 65536
        while not self.stop.is_set():
            handler.wfile.write(chunk)

    # HTTP/1.1 chunks: endless, and a trickle of small ones.
    def _chunked_endless(self, handler) -> None:
        handler.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"10000\r\n" + b"\0" * 65536 + b"\r\n"
        while not self.stop.is_set():
            handler.wfile.write(chunk)

    def _chunked_slow(self, handler) -> None:
        handler.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nTransfer-Encoding: chunked\r\n\r\n")
        for _ in range(40):
            if self.stop.wait(self.STEP):
                return
            handler.wfile.write(b"1\r\n\0\r\n")
            handler.wfile.flush()

    # A redirect to the slow one (and a redirect is refused in any case).
    def _redirect(self, handler) -> None:
        handler.send_response(302)
        handler.send_header("Location", self.url("/slow-body.png"))
        handler.end_headers()

    def _ok(self, handler) -> None:
        data = _png()
        handler.send_response(200)
        handler.send_header("Content-Type", "image/png")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def close(self) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def host(monkeypatch) -> Iterator[HostileHost]:
    """A hostile host on 127.0.0.1, with a download deadline of one second and a 1 MB cap."""
    monkeypatch.setattr(images, "DOWNLOAD_SECONDS", 1.0)
    monkeypatch.setattr(images, "MAX_IMAGE_BYTES", 1024 * 1024)
    server = HostileHost()
    yield server
    server.close()


BAD = {
    "/slow-body.png": "took longer than",
    "/slow-headers.png": "took longer than",
    "/silent.png": "took longer than",
    "/endless.png": "larger than",
    "/huge.png": "larger than",
    "/redirect.png": "redirect",
    "/chunked-endless.png": "larger than",
    "/chunked-slow.png": "took longer than",
}


@pytest.mark.parametrize("path", sorted(BAD))
def test_a_download_has_a_deadline_and_a_size_cap_and_is_tried_once(host, tmp_path, path) -> None:
    rules = images.Policy(tmp_path, tmp_path / "cache", (f"127.0.0.1:{host.port}",))
    url = host.url(path)
    started = time.monotonic()
    with pytest.raises(images.ImageRefused, match=BAD[path]):
        rules.locate(url, tmp_path)
    assert time.monotonic() - started < 2.5  # the one-second deadline, and never much more
    # Asked again, by the same rules or by those another stage of the build made: not fetched again.
    again = images.Policy(tmp_path, tmp_path / "cache", (f"127.0.0.1:{host.port}",))
    for rules_now in (rules, again, rules):
        started = time.monotonic()
        with pytest.raises(images.ImageRefused, match=BAD[path]):
            rules_now.locate(url, tmp_path)
        assert time.monotonic() - started < 0.5
    assert host.hits.get(path) == 1, host.hits
    assert not list((tmp_path / "cache").rglob("*.png"))  # nothing half-downloaded kept


def test_a_good_download_is_still_made_once(host, tmp_path) -> None:
    rules = images.Policy(tmp_path, tmp_path / "cache", (f"127.0.0.1:{host.port}",))
    first = rules.locate(host.url("/ok.png"), tmp_path)
    assert first.read_bytes() == _png()
    assert rules.locate(host.url("/ok.png"), tmp_path) == first
    assert host.hits == {"/ok.png": 1}


def test_a_build_asks_each_bad_address_once(host, make_newsroom, tmp_path) -> None:
    room = make_newsroom(CONFIG + f'\n[security]\nallow_hosts = ["127.0.0.1:{host.port}"]\n')
    body = "\n\n".join(f"![Ảnh {n}]({host.url(path)})" for n, path in enumerate(sorted(BAD)))
    room.article("2017/01/a.md", body=body, image=host.url("/slow-body.png"))
    room.article("2017/01/b.md", title="Bài hai", body=f"![Lại]({host.url('/endless.png')})")
    started = time.monotonic()
    built = build(room.project, BuildOptions(issue="2017-01", formats=("pdf", "epub"), out_dir=tmp_path / "out"))
    elapsed = time.monotonic() - started
    warnings = " | ".join(w.format() for w in built.warnings)
    for path, reason in BAD.items():
        assert f"{path}' " in warnings and reason in warnings, warnings
    assert all(count == 1 for count in host.hits.values()), host.hits  # not once per stage or article
    assert set(host.hits) == set(BAD)
    assert elapsed < 30


# ---------------------------------------------------------------------------------------------
# Item 11: workers (and a fork server) exit when the build that started them is killed.


def _processes() -> dict[int, tuple[int, str]]:
    """Every process: pid -> (parent pid, state)."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        found[int(entry)] = (int(fields[1]), fields[0])
    return found


def _descendants(pid: int) -> set[int]:
    table = _processes()
    found: set[int] = set()
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        for child, (ppid, state) in table.items():
            if ppid == parent and child not in found and state not in "ZX":
                found.add(child)
                frontier.append(child)
    return found


def _living(pids: set[int]) -> set[int]:
    table = _processes()
    return {pid for pid in pids if pid in table and table[pid][1] not in "ZX"}


# The CLI as a user runs it; with a thread running before the pool starts, the workers come from
# a fork server instead of being forked from the build itself.
_RUN = """
import sys, threading, time
if sys.argv.pop(1) == "forkserver":
    threading.Thread(target=time.sleep, args=(3600,), daemon=True).start()
from pressbook.cli import main
sys.argv[0] = "pressbook"
main()
"""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
@pytest.mark.parametrize("start", ["fork", "forkserver"])
@pytest.mark.parametrize("kill", ["main process alone", "process group"])
def test_workers_die_with_the_build(sample_copy, tmp_path, start, kill) -> None:
    env = {**os.environ, "PRESSBOOK_CACHE": str(tmp_path / "cache"), "PYTHONPATH": str(REPO / "src")}
    command = [sys.executable, "-c", _RUN, start, "build", "--issue", "2017", "--no-cache", "--jobs", "2",
               "--format", "pdf", "--out", str(tmp_path / "out")]  # fmt: skip
    main = subprocess.Popen(command, cwd=sample_copy, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    seen: set[int] = set()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and main.poll() is None:
            seen |= _descendants(main.pid)
            workers = [p for p in seen if _processes().get(p, (0, ""))[0] != main.pid or start == "fork"]
            if len(workers) >= 2:
                break
            time.sleep(0.05)
        time.sleep(1.0)  # the workers are importing WeasyPrint, or rendering
        seen |= _descendants(main.pid)
        assert main.poll() is None, "the build ended before it could be killed"
        assert len(seen) >= 2, seen
        if kill == "process group":
            os.killpg(main.pid, signal.SIGKILL)
        else:
            os.kill(main.pid, signal.SIGKILL)
        main.wait(timeout=10)
        deadline = time.monotonic() + 5
        while _living(seen) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _living(seen), f"left running after the build was killed: {sorted(_living(seen))}"
    finally:
        for pid in _living(seen):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if main.poll() is None:
            main.kill()
            main.wait()


def _page_text(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


# ---------------------------------------------------------------------------------------------
# Item 12: the same edition built in two folders is the same PDF, byte for byte.


@pytest.fixture
def short_folder() -> Iterator[Path]:
    """A folder with a short path (/tmp/pbXXXX), shorter than the bundled layouts' and fonts'."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="pb", dir="/tmp" if Path("/tmp").is_dir() else None))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _two_copies(sample_copy: Path, tmp_path: Path, short: Path) -> tuple[Path, Path]:
    """The sample newsroom in two folders of very different path lengths (one shorter than the
    bundled layouts' folder, one much longer, with letters that are escaped in a file: URL), with
    an article layout of its own that draws a picture from layouts/."""
    one = short / "n"
    shutil.copytree(sample_copy, one)
    other = tmp_path / ("a-much-longer-folder-name-" * 4) / "tòa soạn copy"
    other.parent.mkdir(parents=True)
    shutil.copytree(sample_copy, other)
    for root in (one, other):
        layout = root / "layouts" / "article"
        layout.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / "articles/2017/01/images/ruong-bac-thang-chieng-ly.png", layout / "logo.png")
        bundled = REPO / "src/pressbook/layouts/article"
        for name in ("layout.toml", "edition.html"):
            shutil.copyfile(bundled / name, layout / name)
        template = (layout / "edition.html").read_text(encoding="utf-8")
        # A relative link in a layout: WeasyPrint would make it a link to an absolute file: URL.
        link = '<p><a href="pressbook.toml">cấu hình</a> <a href="layouts/article/logo.png">logo</a></p>'
        (layout / "edition.html").write_text(template.replace("{% endfor %}", link + "{% endfor %}", 1), encoding="utf-8")
        css = (bundled / "style.css").read_text(encoding="utf-8")
        (layout / "style.css").write_text(
            css + "\n.masthead-line { background: url(layouts/article/logo.png) no-repeat; }\n", encoding="utf-8"
        )
    return one, other


@pytest.mark.parametrize("grayscale", [False, True], ids=["colour", "grey"])
def test_the_pdf_does_not_depend_on_the_project_folder(
    sample_copy, tmp_path, short_folder, monkeypatch, grayscale
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1500000000")
    one, two = _two_copies(sample_copy, tmp_path, short_folder)
    editions, prints = [], []
    for number, root in enumerate((one, two)):
        # Each copy with its own cache inside it, as a newsroom without PRESSBOOK_CACHE has.
        monkeypatch.setenv("PRESSBOOK_CACHE", str(root / ".cache" / "pressbook"))
        project = load_project(root)
        options = BuildOptions(issue="2017-01", formats=("pdf",), out_dir=tmp_path / f"edition{number}",
                               use_cache=False, grayscale=grayscale)  # fmt: skip
        editions.append(build(project, options).outputs[0].path.read_bytes())
        article = root / "articles/2017/01/muong-khoa-lua-ruong-bac-thang-duoc-mua-duoc-gia.md"  # with a picture
        printed = print_articles(project, [article], PrintOptions(out=tmp_path / f"print{number}.pdf", grayscale=grayscale))
        prints.append(printed.outputs[0].path.read_bytes())
    with pikepdf.open(io.BytesIO(editions[0])) as pdf:  # the edition has its pictures (and the print its own)
        assert any("/XObject" in page.Resources for page in pdf.pages)
    with pikepdf.open(io.BytesIO(prints[0])) as pdf:
        assert "cấu hình" in "".join(_page_text(prints[0]))
        uris = [str(a.A.URI) for page in pdf.pages for a in page.obj.get("/Annots", []) if "/A" in a and "/URI" in a.A]
        assert not [uri for uri in uris if uri.lower().startswith("file:")], uris
    assert editions[0] == editions[1]
    assert prints[0] == prints[1]


# ---------------------------------------------------------------------------------------------
# Item 14: no attachment, from a layout or an article, by a link or by a <link>.

_ATTACH = (
    '<a rel="attachment" href="pressbook.toml">tệp</a><a rel="attachment" href="../pressbook.toml">tệp 1</a>'
    '<a rel="nofollow attachment" href="{root}/pressbook.toml" title="x">tệp 2</a>'
    '<link rel="attachment" href="pressbook.toml"><link rel="Attachment" href="{root}/articles/2017/01/a.md">'
)


def _embedded(data: bytes) -> list[str]:
    """What in the PDF embeds a file."""
    found = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        names = pdf.Root.get("/Names")
        if names is not None and "/EmbeddedFiles" in names:
            found.append("/EmbeddedFiles")
        if "/AF" in pdf.Root:
            found.append("/AF")
        for number, page in enumerate(pdf.pages):
            for annotation in page.obj.get("/Annots", []):
                if annotation.get("/Subtype") == "/FileAttachment":
                    found.append(f"/FileAttachment on page {number + 1}")
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") in ("/EmbeddedFile", "/Filespec"):
                found.append(str(obj.get("/Type")))
    return found


def test_the_pdf_never_embeds_a_file(newsroom, tmp_path) -> None:
    root = newsroom.root
    for name in ("bulletin", "article"):
        bundled = REPO / "src/pressbook/layouts" / name
        shutil.copytree(bundled, root / "layouts" / name)
        template = root / "layouts" / name / "edition.html"
        text = template.read_text(encoding="utf-8")
        # In the body, where a layout draws; and in the head, where <link>s go.
        text = text.replace("{% block body %}", "{% block body %}" + _ATTACH.format(root=root.as_uri()), 1)
        template.write_text(text, encoding="utf-8")
    head = REPO / "src/pressbook/layouts/base.html"
    (root / "layouts" / "base.html").write_text(
        head.read_text(encoding="utf-8").replace("</head>", _ATTACH.format(root=root.as_uri()) + "</head>", 1),
        encoding="utf-8",
    )
    article = newsroom.article("2017/01/a.md", body="Bài có tệp đính kèm.\n\n" + _ATTACH.format(root=root.as_uri()) + "\n")
    newsroom.article("2017/01/b.md", title="Bài hai", section="Kinh tế", body="Nội dung thứ hai.")
    built = build(newsroom.project, BuildOptions(issue="2017-01", formats=("pdf",), out_dir=tmp_path / "out"))
    edition = built.outputs[0].path.read_bytes()
    printed = print_articles(newsroom.project, [article], PrintOptions(out=tmp_path / "print.pdf"))
    for data in (edition, printed.outputs[0].path.read_bytes()):
        assert _embedded(data) == []
        with pikepdf.open(io.BytesIO(data)) as pdf:
            streams = b"".join(o.read_bytes() for o in pdf.objects if isinstance(o, pikepdf.Stream))
        assert b"[publication]" not in streams and b"lead_tag" not in streams


# ---------------------------------------------------------------------------------------------
# Smaller: a PDF whose page size is broken is refused for what is wrong with it.


_BOXES = {
    "empty": b"/MediaBox [ 0 0 0 0 ]",
    "too wide": b"/MediaBox [ 0 0 1000000 200 ]",
    "too tall": b"/MediaBox [ 0 0 420 99999 ]",
    "not a number": b"/MediaBox [ 0 0 (x) 200 ]",
    "three numbers": b"/MediaBox [ 0 0 100 ]",
    "not an array": b"/MediaBox 42",
    "infinite": b"/MediaBox [ 0 0 1e999 200 ]",
    "missing": b"/NoMediaBox [ 0 0 420 595 ]",
}


@pytest.mark.parametrize("box", sorted(_BOXES))
def test_impose_names_a_broken_page_size(tmp_path, box) -> None:
    from pressbook.errors import UsageError
    from pressbook.pdf.impose import impose

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(420, 595))
    pdf.add_blank_page(page_size=(420, 595))
    pdf.pages[1].obj.MediaBox = pikepdf.Array([0, 0, 777777.125, 595])  # a box to damage by hand
    out = io.BytesIO()
    pdf.save(out, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    placeholder = b"/MediaBox [ 0 0 777777.125 595 ]"
    assert placeholder in out.getvalue()
    data = out.getvalue().replace(placeholder, _BOXES[box].ljust(len(placeholder)))
    with pytest.raises(UsageError) as raised:
        impose(data, "booklet", source=tmp_path / "x.pdf")
    message = raised.value.format()
    assert "not a PDF" not in message
    assert "page 2 " in message and "size" in message, message


def test_impose_takes_a_page_box_given_corners_the_other_way_round(tmp_path) -> None:
    from pressbook.pdf.impose import impose

    pdf = pikepdf.new()
    for _ in range(2):
        pdf.add_blank_page(page_size=(420, 595)).obj.MediaBox = pikepdf.Array([420, 595, 0, 0])
    out = io.BytesIO()
    pdf.save(out)
    with pikepdf.open(io.BytesIO(impose(out.getvalue(), "2up"))) as sheets:
        assert [round(float(v)) for v in sheets.pages[0].mediabox] == [0, 0, 842, 595]  # A4 landscape


def test_a_piece_with_embedded_files_loses_them_when_joined(tmp_path) -> None:
    # A piece rendered before attachments were refused (or by any other means) may sit in the
    # cache: the join keeps no embedded file of any piece.
    from weasyprint import HTML, Attachment

    from pressbook.html import fonts as fontlib
    from pressbook.pdf import join

    secret = tmp_path / "secret.toml"
    secret.write_text("[publication]\nlead_tag = 'x'\n", encoding="utf-8")
    html = f'<p>Trang <a rel="attachment" href="{secret.as_uri()}">tệp</a></p><link rel="attachment" href="{secret.as_uri()}">'
    piece = HTML(string=html).write_pdf(attachments=[Attachment(filename=str(secret))])
    assert _embedded(piece)  # WeasyPrint left to itself embeds them
    plan = join.Plan((("front", 0), ("section", (0, 0))))
    joined = join.assemble(piece, [piece], plan, [join.Furniture(piece, 1, 0)], [], [], fontlib.FontSet(()))
    assert _embedded(joined) == []
