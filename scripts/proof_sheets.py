"""Set the pages of two builds of the sample editions side by side (scripts/docs-proofs).

    python scripts/proof_sheets.py BEFORE AFTER OUT

BEFORE and AFTER each hold jan/, large/, newspaper/ and feb/ with one PDF in each. Writes contact
sheets of whole editions (every page, small, numbered) and pairs of single pages to OUT.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = Path(__file__).resolve().parent.parent / "fonts" / "NotoSans-Regular.ttf"
GAP = 12


def pdf(folder: Path) -> Path:
    return next(p for p in sorted(folder.glob("*.pdf")) if not p.stem.endswith(("-booklet", "-2up")))


def pages(path: Path, dpi: int, first: int = 1, last: int | None = None) -> list[Image.Image]:
    with tempfile.TemporaryDirectory() as tmp:
        cmd = ["pdftoppm", "-r", str(dpi), "-png", "-f", str(first)]
        if last:
            cmd += ["-l", str(last)]
        subprocess.run([*cmd, str(path), f"{tmp}/p"], check=True)
        return [Image.open(p).convert("RGB") for p in sorted(Path(tmp).glob("p-*.png"))]


def page_text(path: Path, number: int) -> str:
    out = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), str(path), "-"],
                         check=True, capture_output=True, text=True).stdout
    return " ".join(out.split())


def page_with(path: Path, words: str) -> int:
    """The page of `path` whose text holds `words` (the first such page)."""
    count = int(next(line.split()[-1] for line in subprocess.run(
        ["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout.splitlines()
        if line.startswith("Pages:")))
    for n in range(1, count + 1):
        if words in page_text(path, n):
            return n
    raise SystemExit(f"{path}: no page reads {words!r}")


def label(image: Image.Image, text: str, size: int) -> Image.Image:
    font = ImageFont.truetype(str(FONT), size)
    out = Image.new("RGB", (image.width, image.height + size * 2), "white")
    ImageDraw.Draw(out).text((4, size // 3), text, fill="black", font=font)
    out.paste(image, (0, size * 2))
    return out


def grid(images: list[Image.Image], columns: int, numbers: bool = True) -> Image.Image:
    w = max(i.width for i in images) + 2
    h = max(i.height for i in images) + 2 + (16 if numbers else 0)
    rows = (len(images) + columns - 1) // columns
    out = Image.new("RGB", (columns * (w + GAP) - GAP, rows * (h + GAP) - GAP), (225, 225, 225))
    draw = ImageDraw.Draw(out)
    font = ImageFont.truetype(str(FONT), 11)
    for n, image in enumerate(images):
        x, y = (n % columns) * (w + GAP), (n // columns) * (h + GAP)
        draw.rectangle((x, y, x + image.width + 1, y + image.height + 1), outline=(120, 120, 120))
        out.paste(image, (x + 1, y + 1))
        if numbers:
            draw.text((x + 2, y + image.height + 3), f"p. {n + 1}", fill="black", font=font)
    return out


def stack(*parts: Image.Image) -> Image.Image:
    out = Image.new("RGB", (max(p.width for p in parts), sum(p.height for p in parts) + GAP * 3 * (len(parts) - 1)), "white")
    y = 0
    for p in parts:
        out.paste(p, (0, y))
        y += p.height + GAP * 3
    return out


def side(*parts: Image.Image) -> Image.Image:
    out = Image.new("RGB", (sum(p.width for p in parts) + GAP * 3 * (len(parts) - 1), max(p.height for p in parts)), "white")
    x = 0
    for p in parts:
        out.paste(p, (x, 0))
        x += p.width + GAP * 3
    return out


def save(image: Image.Image, path: Path) -> None:
    image.save(path, optimize=True)
    print(path, f"{image.width}x{image.height}")


def main(before: Path, after: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, dpi, columns in (("jan", 18, 10), ("large", 10, 11), ("feb", 18, 10)):
        b, a = pdf(before / name), pdf(after / name)
        sheet = stack(label(grid(pages(b, dpi), columns), f"Before: {b.name}, every page", 18),
                      label(grid(pages(a, dpi), columns), f"After: {a.name}, every page", 18))
        save(sheet, out / f"{name}-pages.png")
    # Single pages: before on the left, the page holding the same text after on the right.
    singles = (
        ("jan", 2, "contents", 50, None),
        ("jan", 14, "hole", 50, None),
        ("feb", 1, "cover", 50, None),
        ("large", 24, "large-print", 32, None),
        ("newspaper", 1, "newspaper-front", 36, None),
    )
    for name, number, what, dpi, _ in singles:
        b, a = pdf(before / name), pdf(after / name)
        words = page_text(b, number)
        probe = " ".join(words.split()[8:16]) if what != "cover" else ""
        match = page_with(a, probe) if probe else number
        pair = side(label(pages(b, dpi, number, number)[0], f"Before, p. {number}", 16),
                    label(pages(a, dpi, match, match)[0], f"After, p. {match}", 16))
        save(pair, out / f"{what}.png")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    main(*(Path(a) for a in sys.argv[1:]))
