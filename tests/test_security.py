"""Hostile input stays in its box: no network, no file outside the project, no attachment, no
script; pictures checked by content; archival and accessible PDF variants."""

from __future__ import annotations

import io
import socket
import struct
import threading
import zipfile
import zlib
from pathlib import Path

import pikepdf
import pytest

from pressbook.build import BuildOptions, build
from pressbook.check import check_project

MARKER = b"PRESSBOOK-SECRET-MARKER-7731"


class Listener:
    """A local TCP port that counts every connection made to it."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.socket.close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def _hostile_body(url: str, mentioned: Path) -> str:
    return f"""Đoạn mở đầu bình thường.

<script>alert("xss")</script>
<img src="x.png" onerror="alert(1)">
<iframe src="{url}/frame"></iframe>
<object data="{url}/object"></object>
<embed src="{url}/embed">
<form action="{url}/form"><input name="q"></form>
<link rel="stylesheet" href="{url}/sheet.css">
<link rel="attachment" href="../../../../secret.txt">
<meta http-equiv="refresh" content="0; url={url}/meta">
<base href="{url}/">
<style>@import url({url}/import.css); body {{ background: url({url}/background.png) }}</style>
<p style="background: url({url}/inline.png)">Đoạn có kiểu nội dòng.</p>
<svg><image href="{url}/svg.png"/></svg>
<p><a rel="attachment" href="../../../../secret.txt">tệp đính kèm</a> và <img src="../../../../secret.txt"></p>
<video src="{url}/video.mp4"></video><audio src="{url}/audio.mp3"></audio>

![Ảnh trên mạng]({url}/markdown.png)

![Ảnh ngoài dự án](../../../../secret.txt)

![Tệp hệ thống](/etc/passwd)

![Giao thức tệp](file:///etc/passwd)

![Liên kết tượng trưng](images/leak.png)

Liên kết [ra ngoài dự án](../../../../secret.txt), [giao thức tệp](file:///etc/passwd) và
<a href="../../../../secret.txt">liên kết thô</a>; chữ <b>đậm nội dòng</b> còn nguyên.
Một tệp được nhắc tên: file://{mentioned} (chỉ là chữ).

Chú thích lồng nhau[^a] và nhắc lại[^a].

[^a]: Chú thích A, xem[^b]
[^b]: Chú thích B.

Đoạn kết thúc bình thường.
"""


def _streams(pdf_path: Path) -> bytes:
    found = b""
    with pikepdf.open(pdf_path) as document:
        for obj in document.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    found += obj.read_bytes()
                except pikepdf.PdfError:
                    found += obj.read_raw_bytes()
    return found + pdf_path.read_bytes()


def test_hostile_articles_reach_nothing(newsroom, tmp_path, listener) -> None:
    outside = newsroom.root.parent / "secret.txt"
    outside.write_bytes(MARKER + b"\n")
    url = f"http://127.0.0.1:{listener.port}"
    images = newsroom.root / "articles/2017/01/images"
    images.mkdir(parents=True)
    (images / "leak.png").symlink_to(outside)
    # A private file inside the project, named in an article's text: only words, never loaded.
    mentioned = newsroom.root / "ghi-chu-noi-bo.txt"
    mentioned.write_bytes(MARKER + b"\n")
    newsroom.article("2017/01/doc-hai.md", title="Bài độc hại", body=_hostile_body(url, mentioned),
                     image=f'"{url}/front.png"', image_caption="Ảnh đầu bài")  # fmt: skip
    newsroom.article("2017/01/binh-thuong.md", title="Bài bình thường", section="Kinh tế", date="2017-01-05")
    result = build(newsroom.project, BuildOptions(issue="2017-01", formats=("pdf", "epub"), out_dir=tmp_path / "out"))
    pdf_path, epub_path = (o.path for o in result.outputs)

    assert listener.connections == 0
    assert MARKER not in _streams(pdf_path)
    with pikepdf.open(pdf_path) as document:
        assert "/EmbeddedFiles" not in document.Root.get("/Names", {})
        assert "/AF" not in document.Root
        for page in document.pages:
            for annotation in page.get("/Annots", []):
                assert annotation.get("/Subtype") != "/FileAttachment"
                uri = str(annotation.get("/A", {}).get("/URI", ""))
                assert not uri.startswith("file:") and "secret" not in uri
    with zipfile.ZipFile(epub_path) as book:
        for name in book.namelist():
            data = book.read(name)
            assert MARKER not in data, name
            if name.endswith(".xhtml"):
                text = data.decode("utf-8").lower()
                for bad in ("<script", "onerror", "<iframe", "<object", "<embed", "<form", "<link rel=\"attachment",
                            "<meta http-equiv", "<base", "<video", "<audio", "127.0.0.1", "secret.txt"):  # fmt: skip
                    assert bad not in text, (name, bad)
    warnings = [w.format(newsroom.root) for w in result.warnings]
    # Each refused picture is named with its article.
    assert any("doc-hai.md" in w and "/markdown.png" in w and "on the web" in w for w in warnings), warnings
    assert any("doc-hai.md" in w and "secret.txt" in w for w in warnings), warnings
    assert any("doc-hai.md" in w and "images/leak.png" in w and "outside the project" in w for w in warnings), warnings
    # The harmless text around it survived, in the PDF and in the e-book.
    from .pdfcheck import Pdf

    text = " ".join(" ".join(Pdf.open(pdf_path).pages).split())
    assert "Đoạn mở đầu bình thường." in text and "Đoạn kết thúc bình thường." in text
    assert "Đoạn có kiểu nội dòng." in text and "alert" not in text
    # Links outside the web keep their words, lose their target; inline tags keep their words.
    assert "ra ngoài dự án" in text and "liên kết thô" in text and "đậm nội dòng" in text
    assert "Chú thích A, xem (Chú thích B.)" in text and text.count("Chú thích A") == 1

    # The HTML export copies what the page loads and nothing an article names.
    html = build(newsroom.project, BuildOptions(issue="2017-01", formats=("html",), out_dir=tmp_path / "html")).outputs[0].path
    copied = list((html.parent / f"{html.stem}_files").iterdir())
    assert copied and all(p.suffix in (".css", ".ttf", ".otf", ".png", ".jpg") for p in copied), copied
    assert all(MARKER not in p.read_bytes() for p in copied)
    assert "secret.txt" not in {p.name for p in copied}


def _png(width: int, height: int, payload: bytes = b"") -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(payload or b"\x00" * 64)) + chunk(b"IEND", b"")


def _jpeg(width: int = 64, height: int = 48, orientation: int | None = None) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    picture = Image.new("RGB", (width, height), "teal")
    picture.paste(Image.new("RGB", (width // 2, height // 2), "orange"))  # not a flat colour
    picture.save(out, format="JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("anh.png", b"this is text, not a picture", "is not a picture"),
        ("anh.png", _png(60_000, 60_000), "decompression bomb"),
        ("anh.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "is not a picture"),
        ("anh.png", _png(20, 20)[:-20] + b"\xde\xad\xbe\xef" + _png(20, 20)[-16:], "damaged picture"),
        ("anh.jpg", _jpeg(400, 300)[:600], "damaged picture"),
    ],
    ids=["text-named-png", "decompression-bomb", "garbage-after-signature", "bad-checksum", "truncated-jpeg"],
)
def test_broken_pictures_are_refused_by_content(newsroom, name, content, reason) -> None:
    images = newsroom.root / "articles/2017/01/images"
    images.mkdir(parents=True)
    (images / name).write_bytes(content)
    newsroom.article("2017/01/a.md", body=f"![Chú thích](images/{name})")
    report = check_project(newsroom.project)
    # One rule in check and build: a picture that cannot be used is a warning; the article prints without it.
    warnings = [p.format(newsroom.root) for p in report.warnings if "image" in p.message]
    assert not report.errors and len(warnings) == 1, warnings
    assert f"image 'images/{name}'" in warnings[0] and reason in warnings[0], warnings
    result = build(newsroom.project, BuildOptions(issue="2017-01", formats=("pdf", "epub"), out_dir=newsroom.root / "out"))
    assert [o.format for o in result.outputs] == ["pdf", "epub"]
    assert any(f"images/{name}" in w.message for w in result.warnings)


@pytest.mark.parametrize(
    "src",
    ["images/a%00b.png", "images/" + "dai-" * 90 + ".png", "//[::1", "http://[bad/x.png"],
    ids=["null-byte", "name-too-long", "broken-netloc", "broken-host"],
)
def test_unusable_picture_addresses_are_warnings_not_crashes(newsroom, src) -> None:
    newsroom.article("2017/01/a.md", body=f"Trước.\n\n![Ảnh]({src})\n\nSau.")
    report = check_project(newsroom.project)
    assert len(report.problems) == 1, [p.format() for p in report.problems]
    result = build(newsroom.project, BuildOptions(issue="2017-01", formats=("pdf", "epub"), out_dir=newsroom.root / "out"))
    assert len(result.outputs) == 2 and len(result.warnings) == 1, [w.format() for w in result.warnings]


def test_phone_photos_stand_upright_in_the_ebook(newsroom) -> None:
    # Orientation 6: the camera stored the picture lying on its side (turn 90° clockwise).
    images = newsroom.root / "articles/2017/01/images"
    images.mkdir(parents=True)
    (images / "dien-thoai.jpg").write_bytes(_jpeg(80, 40, orientation=6))
    newsroom.article("2017/01/a.md", body="![Ảnh chụp bằng điện thoại](images/dien-thoai.jpg)")
    result = build(newsroom.project, BuildOptions(issue="2017-01", formats=("epub",), out_dir=newsroom.root / "out"))
    from PIL import Image

    with zipfile.ZipFile(result.outputs[0].path) as book:
        (name,) = [n for n in book.namelist() if n.startswith("OEBPS/images/") and "cover" not in n]
        with Image.open(io.BytesIO(book.read(name))) as shown:
            assert shown.size == (40, 80)


def test_allowed_host_pictures_are_downloaded_once(make_newsroom, tmp_path) -> None:
    import http.server

    picture = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (40, 30), "teal").save(picture, format="PNG")
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            hits.append(self.path)
            if self.path == "/chuyen-huong.png":
                self.send_response(302)
                self.send_header("Location", "http://example.com/anh.png")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(picture.getvalue())

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        from .conftest import CONFIG

        port = server.server_port
        # Only on the port the entry names: the same host on another port is not allowed.
        room = make_newsroom(CONFIG + f'\n[security]\nallow_hosts = ["127.0.0.1:{port}"]\n')
        room.article("2017/01/a.md", body=f"![Ảnh từ máy chủ được phép](http://127.0.0.1:{port}/anh.png)")
        first = build(room.project, BuildOptions(issue="2017-01", formats=("pdf", "epub"), out_dir=tmp_path / "a"))
        assert [w.format() for w in first.warnings] == []
        assert hits == ["/anh.png"]  # fetched once by pressbook, never by the renderer
        with zipfile.ZipFile(first.outputs[1].path) as book:
            assert any(n.startswith("OEBPS/images/") and n.endswith(".png") and "cover" not in n for n in book.namelist())
        build(room.project, BuildOptions(issue="2017-01", formats=("pdf", "epub"), out_dir=tmp_path / "b", use_cache=False))
        assert hits == ["/anh.png"]  # and not again for the next build

        room.article("2017/01/b.md", title="Bài hai", body=(
            f"![Chuyển hướng](http://127.0.0.1:{port}/chuyen-huong.png)\n\n"
            f"![Không giao thức](//127.0.0.1:{port}/khong-giao-thuc.png)\n\n"
            f"![Cổng khác](http://127.0.0.1:{port + 1 if port < 65535 else port - 1}/cong-khac.png)"
        ))  # fmt: skip
        second = build(room.project, BuildOptions(issue="2017-01", formats=("pdf", "epub"), out_dir=tmp_path / "c"))
        warnings = " | ".join(w.format() for w in second.warnings)
        assert "chuyen-huong.png' could not be downloaded" in warnings, warnings
        assert "khong-giao-thuc.png' could not be downloaded" in warnings, warnings  # https: to an http server
        assert "cong-khac.png' is on the web" in warnings, warnings
        assert hits.count("/chuyen-huong.png") >= 1 and "/anh.png" not in hits[1:]
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("variant", ["pdf/a-3b", "pdf/ua-1"])
def test_pdf_variants_declare_themselves(sample_project, tmp_path, variant) -> None:
    result = build(sample_project, BuildOptions(issue="2017-02", formats=("pdf",), out_dir=tmp_path, pdf_variant=variant))
    with pikepdf.open(result.outputs[0].path) as document:
        meta = document.open_metadata()
        xmp = str(meta)
        for font in (o for o in document.objects if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/FontDescriptor"):
            assert any(k in font for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        if variant == "pdf/a-3b":
            assert meta.get("pdfaid:part") == "3" and meta.get("pdfaid:conformance") == "B", xmp
            assert len(document.Root.OutputIntents) >= 1
        else:
            assert meta.get("pdfuaid:part") == "1", xmp
            assert "/StructTreeRoot" in document.Root
            assert document.Root.MarkInfo.Marked
            assert document.Root.ViewerPreferences.DisplayDocTitle
            assert str(document.Root.Lang) == "vi"
            assert str(document.docinfo["/Title"]).startswith("Báo Sơn Nguyên")
