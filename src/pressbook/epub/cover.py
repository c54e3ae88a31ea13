"""The e-book's cover picture, drawn from the edition with Pillow and the bundled fonts."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

from ..html.fonts import FontSet

WIDTH, HEIGHT = 1600, 2400
MARGIN = 120


@dataclass(frozen=True)
class CoverText:
    """What the cover says."""

    masthead: str
    publisher: str
    title: str
    line: str
    footer: str


def _face(fonts: FontSet, role: str, weight: int) -> Path:
    faces = [f for f in fonts.faces if f.role == role and f.style == "normal"]
    return min(faces, key=lambda f: abs(f.weight - weight)).path


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _fit(draw: ImageDraw.ImageDraw, text: str, path: Path, size: int, width: int, max_lines: int):
    """The largest font (from `size` down) that sets `text` in at most `max_lines` lines."""
    while True:
        font = ImageFont.truetype(str(path), size)
        lines = _wrap(draw, text, font, width)
        if len(lines) <= max_lines or size <= 24:
            return font, lines
        size -= 6


def _centred(draw, lines, font, top: int, fill: str, spacing: float = 1.18) -> int:
    for line in lines:
        width = draw.textlength(line, font=font)
        draw.text(((WIDTH - width) / 2, top), line, font=font, fill=fill)
        top += int(font.size * spacing)
    return top


def draw_cover(text: CoverText, fonts: FontSet, picture: Path | None = None, accent: str = "#9b1c1c") -> bytes:
    """A PNG cover: masthead band, edition title, number and date, and the cover picture."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "#f7f3ea")
    draw = ImageDraw.Draw(image)
    heading_bold = _face(fonts, "heading", 700)
    heading = _face(fonts, "heading", 400)
    serif_bold = _face(fonts, "body", 700)
    inner = WIDTH - 2 * MARGIN

    band = 560
    draw.rectangle((0, 0, WIDTH, band), fill=accent)
    font, lines = _fit(draw, text.masthead.upper(), heading_bold, 150, inner, 2)
    top = (band - 120 - len(lines) * int(font.size * 1.1)) // 2 + 20
    top = _centred(draw, lines, font, top, "#ffffff", 1.1)
    small, lines = _fit(draw, text.publisher, heading, 46, inner, 2)
    _centred(draw, lines, small, top + 24, "#f3dede")

    font, lines = _fit(draw, text.title, serif_bold, 124, inner, 3)
    top = _centred(draw, lines, font, band + 110, "#1a1a1a")
    font, lines = _fit(draw, text.line, heading, 58, inner, 2)
    top = _centred(draw, lines, font, top + 30, "#333333")

    if picture is not None:
        with Image.open(picture) as source:
            art = ImageOps.exif_transpose(source).convert("RGB")
        room_top, room_bottom = top + 90, HEIGHT - 260
        art.thumbnail((inner, room_bottom - room_top), Image.Resampling.LANCZOS)
        left = (WIDTH - art.width) // 2
        image.paste(art, (left, room_top + (room_bottom - room_top - art.height) // 2))

    draw.line((MARGIN, HEIGHT - 200, WIDTH - MARGIN, HEIGHT - 200), fill=accent, width=6)
    font, lines = _fit(draw, text.footer, heading, 46, inner, 1)
    _centred(draw, lines, font, HEIGHT - 160, "#333333")

    out = BytesIO()
    image.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(
        out, format="PNG", compress_level=9
    )
    return out.getvalue()
