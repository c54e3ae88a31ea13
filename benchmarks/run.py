"""pressbook benchmark: synthetic newsrooms of 100 and 1,000 articles, timed against a
single-process WeasyPrint render of the same print HTML, measured in the same run.

    .venv/bin/python benchmarks/run.py [--sizes 100,1000] [--repeat 3] [--keep DIR]

For each size it measures, in rounds (each round all of them, one after the other, so that a
load on the machine falls on all alike), the wall time and peak RSS of the largest process of:
  baseline   `weasyprint` on the HTML that `pressbook build --format html` wrote (one process)
  cold       `pressbook build --format pdf` with an empty cache
  no-op      the same build again, nothing changed
  edit       the same build after one article in the middle gained a sentence
  epub       `pressbook build --format epub` (its own cache of pictures, fonts and cover empty)
and prints the median seconds, the min and median of each time as a ratio of its round's
baseline, and the highest peak RSS. Run it with nothing else running.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

BIN = Path(sys.executable).parent
SECTIONS = [
    "Thời sự", "Chính trị", "Xây dựng Đảng", "Kinh tế", "Nông nghiệp", "Xã hội", "Văn hóa",
    "Giáo dục", "Y tế", "Pháp luật", "Quốc phòng - An ninh", "Thể thao",
]  # fmt: skip
# Words to build deterministic Vietnamese prose from (invented for this benchmark).
WORDS = (
    "đồng bào cán bộ đảng viên huyện xã bản làng nương rẫy mùa vụ lúa ngô sắn chè cà phê gia súc "
    "nông thôn mới giảm nghèo bền vững đường giao thông trường học trạm y tế nước sạch điện lưới "
    "phát triển kinh tế hợp tác xã thu nhập bình quân người dân tích cực tham gia phong trào "
    "thi đua yêu nước xây dựng chính quyền vững mạnh an ninh trật tự biên giới hòa bình ổn định "
    "tuyên truyền vận động nâng cao chất lượng sinh hoạt chi bộ nghị quyết kế hoạch triển khai "
    "kết quả đạt được khó khăn hạn chế nguyên nhân giải pháp thời gian tới tiếp tục quan tâm "
    "chỉ đạo sát sao hiệu quả thiết thực ấm áp đoàn kết sáng tạo khởi sắc đổi thay rõ rệt"
).split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(9, 22))]
    if rng.random() < 0.3:
        words.insert(rng.randint(1, len(words) - 1), f"{rng.randint(2, 9)}.{rng.randint(100, 999)}")
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 5)))


def draw_picture(path: Path, seed: int) -> None:
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGB", (1200, 800), (rng.randint(150, 230), rng.randint(150, 230), rng.randint(150, 230)))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randint(0, 1100), rng.randint(200, 700)
        draw.polygon([(x - 400, 800), (x, y), (x + 400, 800)], fill=(rng.randint(40, 120), rng.randint(80, 160), rng.randint(40, 120)))
    image.quantize(64).save(path, optimize=True)


def article(rng: random.Random, number: int, when: datetime, folder: Path) -> str:
    kind = rng.random()
    paragraphs = rng.randint(1, 2) if kind < 0.25 else rng.randint(20, 30) if kind > 0.95 else rng.randint(5, 10)
    body = []
    for index in range(paragraphs):
        body.append(paragraph(rng) + (f"[^{index}]" if rng.random() < 0.04 else ""))
        if index == 2 and rng.random() < 0.15:
            body.append("\n".join(f"- {sentence(rng)}" for _ in range(rng.randint(3, 5))))
        if index == 3 and rng.random() < 0.05:
            rows = "\n".join(f"| Xã {i} | {rng.randint(100, 900)} | {rng.randint(40, 60)},{rng.randint(0, 9)} |" for i in range(5))
            body.append("| Xã | Diện tích (ha) | Năng suất (tạ/ha) |\n|---|---:|---:|\n" + rows)
    notes = [f"[^{i}]: {sentence(rng)}" for i in range(paragraphs) if f"[^{i}]" in "".join(body)]
    front = [
        f"title: {sentence(rng)[:-1]}",
        f"date: {when.isoformat()}",
        f"section: {SECTIONS[number % len(SECTIONS)]}",
        f"author: Phóng viên {number}",
        f'lead: "SN - {sentence(rng)}"',
    ]
    if rng.random() < 0.1:
        picture = folder / "images" / f"anh-{number}.png"
        picture.parent.mkdir(exist_ok=True)
        draw_picture(picture, number)
        front += [f"image: images/{picture.name}", f'image_caption: "{sentence(rng)}"']
    return "---\n" + "\n".join(front) + "\n---\n" + "\n\n".join(body + notes) + "\n"


def newsroom(root: Path, count: int) -> tuple[str, Path]:
    """A synthetic newsroom with `count` articles; returns the issue to build and a middle article."""
    rng = random.Random(count)
    (root / "articles").mkdir(parents=True)
    sections = ", ".join(f'"{s}"' for s in SECTIONS)
    (root / "pressbook.toml").write_text(
        f'[publication]\nname = "Báo Thử Tải"\npublisher = "Tòa soạn Thử Tải"\nwebsite = "https://example.vn"\n\n'
        f"[edition]\nsections = [{sections}]\n",
        encoding="utf-8",
    )
    start = datetime(2017, 1, 1, 7, 0)
    span = timedelta(days=30) if count <= 200 else timedelta(days=364)
    paths = []
    for number in range(count):
        when = start + span * number / count
        folder = root / "articles" / f"{when:%Y}" / f"{when:%m}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"bai-{number:04d}.md"
        path.write_text(article(rng, number, when, folder), encoding="utf-8")
        paths.append(path)
    return ("2017-01" if count <= 200 else "2017"), paths[count // 2]


def measure(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of the largest process of a command run to the end.

    The cache is the newsroom's own (an inherited PRESSBOOK_CACHE would make a cold build warm);
    what the command prints on stderr goes to a file, which cannot fill up and stall it."""
    env = {k: v for k, v in os.environ.items() if k != "PRESSBOOK_CACHE"}
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            errors.seek(0)
            raise SystemExit(f"failed: {' '.join(command)}\n{errors.read().decode(errors='replace')}")
    return elapsed, usage.ru_maxrss / 1024


def round_of(root: Path, issue: str, middle: Path, html: Path) -> dict[str, tuple[float, float]]:
    """One round of every measurement, in order: baseline, cold, no-op, edit, e-book. Each round
    measures the baseline again, so that every ratio divides by a baseline taken moments before."""
    pressbook = [str(BIN / "pressbook"), "build", "--issue", issue, "--quiet"]
    found = {"baseline": measure([str(BIN / "weasyprint"), str(html), str(root / "single.pdf")], root)}
    shutil.rmtree(root / ".cache", ignore_errors=True)
    found["cold"] = measure([*pressbook, "--format", "pdf"], root)
    found["no-op"] = measure([*pressbook, "--format", "pdf"], root)
    with middle.open("a", encoding="utf-8") as fh:
        fh.write("\nMột câu mới được biên tập viên thêm vào cuối bài.\n")
    found["edit"] = measure([*pressbook, "--format", "pdf"], root)
    found["epub"] = measure([*pressbook, "--format", "epub"], root)
    return found


ROWS = {
    "baseline": "baseline (weasyprint, 1 process)",
    "cold": "pressbook build, cold",
    "no-op": "pressbook build, no-op",
    "edit": "pressbook build, one article edited",
    "epub": "pressbook build --format epub",
}


def run(count: int, workdir: Path, repeat: int) -> tuple[int, list[dict[str, tuple[float, float]]]]:
    """The edition's page count and `repeat` rounds of measurements."""
    from pypdf import PdfReader

    root = workdir / f"newsroom-{count}"
    shutil.rmtree(root, ignore_errors=True)  # a newsroom kept from an earlier run is made again
    issue, middle = newsroom(root, count)
    measure([str(BIN / "pressbook"), "build", "--issue", issue, "--quiet", "--format", "html"], root)
    html = next((root / "build" / issue).glob("*.html"))
    rounds = [round_of(root, issue, middle, html) for _ in range(repeat)]
    pages = len(PdfReader(next((root / "build" / issue).glob("*.pdf"))).pages)
    return pages, rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000", help="comma-separated article counts (default 100,1000)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of every measurement, interleaved (default 3)")
    parser.add_argument("--keep", type=Path, help="keep the generated newsrooms in this folder")
    args = parser.parse_args()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="pressbook-bench-"))
    print(f"pressbook benchmark on {os.cpu_count()} CPUs, {datetime.now():%Y-%m-%d}, {args.repeat} rounds")
    for count in (int(s) for s in args.sizes.split(",")):
        pages, rounds = run(count, workdir, args.repeat)
        print(f"\n{count} articles ({pages} pages)")
        print(f"  {'what':<38} {'median s':>9} {'x baseline: min':>16} {'median':>7} {'peak RSS MiB':>13}")
        for key, name in ROWS.items():
            seconds = [r[key][0] for r in rounds]
            ratios = sorted(r[key][0] / r["baseline"][0] for r in rounds)
            rss = max(r[key][1] for r in rounds)
            print(f"  {name:<38} {statistics.median(seconds):9.2f} {ratios[0]:16.2f} {statistics.median(ratios):7.2f} {rss:13.0f}")
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
