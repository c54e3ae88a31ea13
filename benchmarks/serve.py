"""How quickly `pressbook serve` shows an edit, and prints an article, warm.

    python benchmarks/serve.py [--repeat 5]

Copies the sample newsroom to a temporary folder, starts `pressbook serve` on it, and in each
round (interleaved):
  - edit to preview: saves a new sentence into an article and times until the server has told
    the open pages (its event stream) and the article's preview holds the sentence;
  - article PDF, warm: the "In bài viết" PDF of the edited article (made again: it changed);
  - baseline: `pressbook print` of the same article on the command line, cold, in the same round.
Prints seconds (min and median) and each as a ratio to the baseline. Run it with nothing else
running: the server and the baseline share the machine's cores.
"""

from __future__ import annotations

import argparse
import http.client
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ARTICLE = "2017/01/thanh-pho-son-nguyen-ra-quan-tong-ve-sinh-dau-nam"


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _copy(workdir: Path) -> Path:
    room = workdir / "newsroom"
    room.mkdir()
    for name in ("pressbook.toml", "articles", "layouts", "fonts", "issues"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, room / name)
        elif source.exists():
            shutil.copy2(source, room / name)
    return room


def _wait_event(stream: http.client.HTTPResponse, deadline: float) -> None:
    while time.monotonic() < deadline:
        line = stream.readline()
        if line.startswith(b"event: changed"):
            return
    raise TimeoutError("no change event")


def _text(pdf: bytes) -> str:
    import io

    from pypdf import PdfReader

    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="pressbook-serve-bench-"))
    room = _copy(workdir)
    port = _port()
    pressbook = [sys.executable, "-m", "pressbook"]
    log = (workdir / "serve.log").open("wb")
    server = subprocess.Popen([*pressbook, "serve", "--port", str(port), "-C", str(room)], stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        urllib.request.urlopen(f"{base}/a/{ARTICLE}/preview").read()  # warm: the kit, the words
        urllib.request.urlopen(f"{base}/a/{ARTICLE}/print.pdf").read()
        path = room / "articles" / f"{ARTICLE}.md"
        original = path.read_text(encoding="utf-8")
        figures: dict[str, list[float]] = {"edit to preview": [], "article PDF, warm": [], "baseline: pressbook print, cold": []}
        for round_ in range(args.repeat):
            events = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            events.request("GET", "/events")
            stream = events.getresponse()
            stream.readline()  # "retry: ..."
            time.sleep(0.3)
            words = f"Câu mới số {round_} vừa được lưu."
            start = time.monotonic()
            path.write_text(original.replace("\n---\n", f"\n---\n{words}\n\n", 1), encoding="utf-8")
            _wait_event(stream, start + 10)
            shown = urllib.request.urlopen(f"{base}/a/{ARTICLE}/preview").read().decode("utf-8")
            figures["edit to preview"].append(time.monotonic() - start)
            assert words in shown, "the preview does not hold the edit"
            events.close()
            start = time.monotonic()
            pdf = urllib.request.urlopen(f"{base}/a/{ARTICLE}/print.pdf").read()
            figures["article PDF, warm"].append(time.monotonic() - start)
            assert words in _text(pdf), "the PDF does not hold the edit"
            start = time.monotonic()
            subprocess.run([*pressbook, "print", str(path), "--out", str(workdir / "in.pdf"), "-q"], check=True, cwd=room)
            figures["baseline: pressbook print, cold"].append(time.monotonic() - start)
        baseline = statistics.median(figures["baseline: pressbook print, cold"])
        print(f"pressbook serve, {args.repeat} rounds interleaved (seconds; ratio to the cold `pressbook print` median)")
        for name, values in figures.items():
            low, middle = min(values), statistics.median(values)
            print(f"  {name:<34} min {low:6.3f} s ({low / baseline:4.2f}x)   median {middle:6.3f} s ({middle / baseline:4.2f}x)")
    finally:
        server.terminate()
        server.wait(timeout=15)
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
