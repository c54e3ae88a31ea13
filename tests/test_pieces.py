"""Building in pieces: the joined PDF reads exactly like one render, --jobs 1 gives the same bytes,
and the cache renders only what an edit can change."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from pressbook.build import BuildOptions, build, load_edition
from pressbook.html.kit import make_kit
from pressbook.pdf import documents, weasy
from pressbook.config import load_project

from .pdfcheck import Pdf


def _single_render(project, issue: str) -> Pdf:
    """The whole edition as one WeasyPrint document, in this process."""
    edition = load_edition(project, issue).edition
    document = documents.edition_document(make_kit(project), edition)
    return weasy.render_pdf(document.html, base_url=document.base_url, readable=document.readable)


@pytest.mark.parametrize(
    ("issue", "furniture_pages"), [("2017-01", 32), ("2017-02", 32), ("2017-01", 1)]
)  # 1: each section's page furniture is a document of its own, numbered from its first page
def test_pieces_read_like_one_render(sample_project, issue, furniture_pages, tmp_path, monkeypatch) -> None:
    from pressbook.pdf import pieces

    monkeypatch.setattr(pieces, "FURNITURE_PAGES", furniture_pages)
    joined = build(sample_project, BuildOptions(issue=issue, formats=("pdf",), out_dir=tmp_path, jobs=2, use_cache=False))
    sections = len(joined.edition.sections)
    # Really built from pieces: the sections, the contents twice, and the page furniture.
    assert joined.rendered == sections + 2 + (sections if furniture_pages == 1 else 1)
    single_path = tmp_path / "single.pdf"
    single_path.write_bytes(_single_render(sample_project, issue).data)
    a, b = Pdf.open(joined.outputs[0].path), Pdf.open(single_path)
    assert len(a.pages) == len(b.pages)
    assert a.pages == b.pages  # the text of every page, running heads and numbers included
    assert a.outline() == b.outline()
    assert sorted(set(a.links(1))) == sorted(set(b.links(1)))  # contents links, to the same pages
    assert list(a.reader.page_labels) == list(b.reader.page_labels)
    assert a.reader.metadata == b.reader.metadata
    assert a.reader.trailer["/Root"]["/Lang"] == b.reader.trailer["/Root"]["/Lang"] == "vi"
    # Every word where one render puts it: a section that starts on a left-hand page was set for
    # a right-hand one and moved when joined.
    assert _word_boxes(joined.outputs[0].path) == _word_boxes(single_path)
    starts = {min(n for n in b.find(s.articles[0].title) if n > 1) % 2 for s in joined.edition.sections}
    assert starts == {0, 1}  # sections on both sides, so both ways are checked


def _word_boxes(pdf: Path) -> list[tuple[int, str, int, int]]:
    """(page, word, left, top) of every word, to the nearest point, as poppler reads them."""
    import re
    import subprocess

    from lxml import etree

    layout = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True).stdout
    tree = etree.fromstring(re.sub(rb"<!DOCTYPE[^>]*>", b"", layout))
    return [
        (number, word.text, round(float(word.get("xMin"))), round(float(word.get("yMin"))))
        for number, page in enumerate(tree.iter("{*}page"))
        for word in page.iter("{*}word")
    ]


def test_jobs_one_gives_the_same_bytes(sample_project, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PRESSBOOK_CACHE", str(tmp_path / "cache-a"))
    one = build(sample_project, BuildOptions(issue="2017-02", formats=("pdf",), out_dir=tmp_path / "a", jobs=1))
    monkeypatch.setenv("PRESSBOOK_CACHE", str(tmp_path / "cache-b"))
    two = build(sample_project, BuildOptions(issue="2017-02", formats=("pdf",), out_dir=tmp_path / "b", jobs=2))
    assert one.rendered == two.rendered > 2
    assert one.outputs[0].path.read_bytes() == two.outputs[0].path.read_bytes()


def test_each_face_is_embedded_once(january) -> None:
    programs: dict[str, set] = {}
    with pikepdf.open(next(o.path for o in january.outputs if o.format == "pdf")) as document:
        for obj in document.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font" and obj.get("/Subtype") == "/Type0":
                face = str(obj.BaseFont).split("+", 1)[-1]
                programs.setdefault(face, set()).add(obj.DescendantFonts[0].FontDescriptor.FontFile2.objgen)
    assert programs and all(len(streams) == 1 for streams in programs.values()), programs


def test_cache_renders_only_what_changed(sample_copy, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PRESSBOOK_CACHE", str(tmp_path / "cache"))
    project = load_project(sample_copy)
    out = tmp_path / "out"
    first = build(project, BuildOptions(issue="2017-01", formats=("pdf",), out_dir=out))
    sections = len(first.edition.sections)
    assert first.rendered == sections + 3 and first.reused == 0  # sections, contents twice, furniture
    before = first.outputs[0].path.read_bytes()

    again = build(project, BuildOptions(issue="2017-01", formats=("pdf",), out_dir=out))
    assert again.up_to_date and again.rendered == 0

    # A file saved again unchanged: the inputs look different, every piece is still in the cache.
    article = sample_copy / "articles/2017/01/ho-tro-gao-cuu-doi-dip-tet-cho-1-488-ho-dan.md"
    article.write_text(article.read_text(encoding="utf-8"), encoding="utf-8")
    touched = build(project, BuildOptions(issue="2017-01", formats=("pdf",), out_dir=out))
    assert not touched.up_to_date and touched.rendered == 0
    assert touched.outputs[0].path.read_bytes() == before

    # One word more in one article: only its section is rendered again (and the contents and the
    # page furniture only if that section's page count changed).
    article.write_text(article.read_text(encoding="utf-8").replace("bảo đảm đúng đối tượng", "bảo đảm thật đúng đối tượng"), encoding="utf-8")
    edited = build(project, BuildOptions(issue="2017-01", formats=("pdf",), out_dir=out))
    assert edited.rendered in (1, 3), edited.rendered
    assert edited.reused >= sections - 1
    assert "bảo đảm thật đúng đối tượng" in " ".join(" ".join(Pdf.open(edited.outputs[0].path).pages).split())


def test_no_cache_renders_everything(sample_project, tmp_path) -> None:
    build(sample_project, BuildOptions(issue="2017-02", formats=("pdf",), out_dir=tmp_path))
    fresh = build(sample_project, BuildOptions(issue="2017-02", formats=("pdf",), out_dir=tmp_path, use_cache=False))
    assert fresh.reused == 0 and fresh.rendered > 0 and not fresh.up_to_date


def test_layout_without_section_breaks_is_one_piece(sample_project, tmp_path) -> None:
    result = build(sample_project, BuildOptions(issue="2017-02", formats=("pdf",), layout="newspaper", out_dir=tmp_path, use_cache=False))
    assert result.rendered == 1


def test_html_format_is_the_single_document(sample_project, tmp_path) -> None:
    result = build(sample_project, BuildOptions(issue="2017-02", formats=("html",), out_dir=tmp_path))
    html = result.outputs[0].path
    files = html.parent / f"{html.stem}_files"
    assert (files / "style.css").is_file() and (files / "NotoSerif-Regular.ttf").is_file()
    text = html.read_text(encoding="utf-8")
    assert "file://" not in text and f'href="{files.name}/style.css"' in text
    assert "@font-face" in (files / "style.css").read_text(encoding="utf-8")
    from weasyprint import HTML

    rendered = HTML(filename=str(html)).write_pdf()
    single = _single_render(sample_project, "2017-02")
    from io import BytesIO

    from pypdf import PdfReader

    assert len(PdfReader(BytesIO(rendered)).pages) == single.pages


def test_contents_shorter_than_planned_leave_blank_pages() -> None:
    from pressbook.pdf.pieces import _plan
    from pressbook.pdf.pool import Piece

    section = Piece("k", b"", 3, {}, (), (), ())
    plan, starts = _plan(4, [section, section], front_used=3, right=True)
    assert plan.layout[:4] == (("front", 0), ("front", 1), ("front", 2), ("blank", None))
    assert starts == [4, 8]  # the sections start where the numbers printed in the contents say
    assert plan.layout[7] == ("blank", None)  # before the second section's right-hand page
    # Where sections start on either side, no blank page but the one the short contents left.
    plan, starts = _plan(4, [section, section], front_used=3)
    assert starts == [4, 7] and [kind for kind, _ in plan.layout].count("blank") == 1


def test_workers_are_forked_only_while_no_other_thread_runs() -> None:
    # A worker forked while another thread holds a lock would inherit the lock, held for ever.
    import threading

    from pressbook.pdf.pool import worker_context

    if threading.active_count() > 1:
        pytest.skip("this test run has other threads")
    assert worker_context().get_start_method() == "fork"
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert worker_context().get_start_method() == "forkserver"
    finally:
        stop.set()
        other.join()


def test_the_pool_starts_before_the_first_progress_report(sample_project, tmp_path, monkeypatch) -> None:
    # A progress display (the CLI's bars) runs a thread: the workers must be forked before it.
    import threading

    from pressbook.pdf import pool

    if threading.active_count() > 1:
        pytest.skip("this test run has other threads")
    threads_at_start: list[int] = []
    real = pool.worker_context

    def recording():
        threads_at_start.append(threading.active_count())
        return real()

    stop = threading.Event()
    display = threading.Thread(target=stop.wait, daemon=True)

    def progress(stage: str, done: int, total: int) -> None:
        if not display.is_alive():
            display.start()

    monkeypatch.setattr(pool, "worker_context", recording)
    try:
        build(sample_project, BuildOptions(issue="2017-02", formats=("pdf",), out_dir=tmp_path, use_cache=False), progress)
    finally:
        stop.set()
    assert threads_at_start == [1]


def test_busy_workers_are_stopped_at_once() -> None:
    # stop_workers reaches into ProcessPoolExecutor where Python before 3.14 has no public way to
    # stop a busy worker: this fails if that ever stops working.
    import concurrent.futures
    import time

    from pressbook.pdf.pool import stop_workers, worker_context

    pool = concurrent.futures.ProcessPoolExecutor(1, mp_context=worker_context())
    busy = pool.submit(time.sleep, 60)
    deadline = time.monotonic() + 30
    while not busy.running() and time.monotonic() < deadline:
        time.sleep(0.02)
    started = time.monotonic()
    stop_workers(pool)
    pool.shutdown(wait=True, cancel_futures=True)
    assert time.monotonic() - started < 10
    with pytest.raises(concurrent.futures.process.BrokenProcessPool):
        busy.result(timeout=1)


def test_a_worker_stopped_while_sending_its_piece_does_not_hang_the_build(tmp_path) -> None:
    # A worker killed half-way through sending a rendered piece leaves half a message in the
    # pool's result pipe; the pool's thread must not wait for the rest for ever. (Written by hand
    # here: a real worker is killed there only by chance.) In a subprocess, so that a hang fails.
    import subprocess
    import sys

    script = """
import concurrent.futures, os, struct, time
from pressbook.pdf.pool import stop_workers, worker_context
pool = concurrent.futures.ProcessPoolExecutor(1, mp_context=worker_context())
pool.submit(time.sleep, 0).result()
os.write(pool._result_queue._writer.fileno(), struct.pack("!i", 10**6) + b"half a piece")
time.sleep(0.3)
stop_workers(pool)
pool.shutdown(wait=True, cancel_futures=True)
print("stopped")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=30, cwd=tmp_path)
    assert done.stdout.strip() == "stopped", done.stderr


def test_the_stand_in_contents_are_the_real_ones_line_for_line(newsroom) -> None:
    # The contents are first rendered with stand-in numbers to learn their length; if the real
    # ones came out longer or shorter, the contents and the page furniture would be rendered
    # again. Titles ending a letter further each time, so that some end just short of the
    # numbers' place; real numbers of one and two digits, as wide as the stand-in 8s.
    from pressbook.build import load_edition
    from pressbook.html.views import section_view
    from pressbook.pdf import pieces

    for n in range(40):
        title = "Bài " + " ".join(["chữ"] * 11) + " " + "m" * (n % 20 // 2) + "i" * (n % 2) + (" ở vùng cao" if n >= 20 else "")
        newsroom.article(f"2017/01/bai-{n:02d}.md", title=title, section=["Thời sự", "Kinh tế"][n // 20])
    project = newsroom.project
    kit = make_kit(project)
    edition = load_edition(project, "2017-01").edition
    headings = tuple(section_view(s, kit, [], body=False) for s in edition.sections)
    anchors = [a.anchor for s in headings for a in s.articles]
    digits = documents.contents_digits(edition)
    assert digits == 2

    def places(document: documents.PrintDocument) -> list[tuple[int, int, int]]:
        rendered = weasy.render_pdf(document.html, base_url=document.base_url, readable=document.readable, bookmarks=False)
        return [(rendered.anchors[f"toc-{a}"][0], round(rendered.anchors[f"toc-{a}"][2]), round(rendered.anchors[f"toc-{a}"][4])) for a in anchors]

    stand_in = pieces.stand_in(documents.edition_document(kit, edition, piece="front", pages={a: "88" for a in anchors}, views=headings))
    real = documents.edition_document(
        kit, edition, piece="front", pages={a: documents.number(3 + i // 4, digits) for i, a in enumerate(anchors)}, views=headings
    )  # fmt: skip
    assert places(stand_in) == places(real)  # every entry on the same page, from the same line to the same line


def test_a_pool_worker_freezes_what_it_holds_before_its_first_render(tmp_path) -> None:
    # A worker's long-lived objects (its modules, the articles a forked worker inherits) are put
    # out of the garbage collector's sight before it renders (pool.settle): the renders' full
    # collections no longer walk them (measured quicker, see settle's docstring).
    import concurrent.futures
    import gc

    from pressbook.cache import Cache
    from pressbook.pdf import pool

    renderer = pool.Renderer(Cache(None), jobs=2)
    renderer._pool = concurrent.futures.ProcessPoolExecutor(1, mp_context=pool.worker_context())
    try:
        assert renderer._pool.submit(gc.get_freeze_count).result() == 0
        html = "<!doctype html><html lang='vi'><title>Thử</title><p>Tiếng Việt có dấu.</p></html>"
        (piece,) = renderer.run([pool.Task("full", html, tmp_path.as_uri() + "/", (tmp_path,))])
        assert piece.pages == 1
        assert renderer._pool.submit(gc.get_freeze_count).result() > 1000
    finally:
        renderer.close()
