#!/usr/bin/env python3
"""Draw the illustrative images used by the sample newsroom articles.

All pictures are drawn from scratch with Pillow; the output is deterministic
(any randomness uses a fixed seed).  Run from anywhere:

    python tools/draw_sample_images.py

The PNG files are written into articles/YYYY/MM/images/ next to the
articles that use them.
"""
from __future__ import annotations

import math
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
W, H = 1200, 800
SS = 2  # supersampling factor for smoother edges


def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONT_DIR / name), size * SS)


def canvas(color=(255, 255, 255)) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    img = Image.new("RGB", (W * SS, H * SS), color)
    return img, ImageDraw.Draw(img)


def s(v: float) -> int:
    """Scale a 1200x800 coordinate to the supersampled canvas."""
    return int(round(v * SS))


def pts(points):
    return [(s(x), s(y)) for x, y in points]


def vgradient(img: Image.Image, top, bottom, y0=0, y1=None) -> None:
    d = ImageDraw.Draw(img)
    y1 = img.height if y1 is None else y1
    for y in range(y0, y1):
        t = (y - y0) / max(1, (y1 - y0 - 1))
        c = tuple(int(a + (b - a) * t) for a, b in zip(top, bottom))
        d.line([(0, y), (img.width, y)], fill=c)


def save(img: Image.Image, rel: str, colors: int = 96) -> Path:
    out = ROOT / rel
    out.parent.mkdir(parents=True, exist_ok=True)
    small = img.resize((W, H), Image.LANCZOS)
    pal = small.quantize(colors=colors, method=Image.MEDIANCUT, dither=Image.NONE)
    pal.save(out, optimize=True)
    return out


def fmt_vn(n: int) -> str:
    """1234 -> '1.234' (Vietnamese thousands separator)."""
    return f"{n:,}".replace(",", ".")


def centered(d: ImageDraw.ImageDraw, xy, text, f, fill):
    x, y = xy
    bbox = d.textbbox((0, 0), text, font=f)
    d.text((s(x) - (bbox[2] - bbox[0]) // 2, s(y)), text, font=f, fill=fill)


# ---------------------------------------------------------------- 1. chart
def coffee_chart() -> Path:
    data = [
        ("Nậm Xe", 4390),
        ("Mường Khoa", 2850),
        ("Chiềng Sại", 1760),
        ("Pá Lau", 1120),
        ("TP Sơn Nguyên", 640),
        ("Tà Phìn", 310),
    ]
    img, d = canvas((250, 247, 240))
    d.rectangle([0, 0, s(W), s(96)], fill=(92, 58, 33))
    d.text((s(40), s(22)), "Sản lượng cà phê nhân niên vụ 2016 – 2017",
           font=font(34, True), fill=(255, 244, 225))
    d.text((s(40), s(108)), "Ước đạt theo huyện, thành phố (đơn vị: tấn)",
           font=font(22), fill=(90, 70, 55))

    left, right, top, bottom = 140, 1150, 170, 680
    vmax = 5000
    grid_font = font(18)
    for v in range(0, vmax + 1, 1000):
        y = bottom - (bottom - top) * v / vmax
        d.line([(s(left), s(y)), (s(right), s(y))],
               fill=(215, 205, 190), width=s(1.5))
        label = fmt_vn(v)
        bb = d.textbbox((0, 0), label, font=grid_font)
        d.text((s(left - 12) - (bb[2] - bb[0]), s(y - 12)), label,
               font=grid_font, fill=(110, 95, 80))
    d.line([(s(left), s(bottom)), (s(right), s(bottom))],
           fill=(80, 60, 45), width=s(3))

    n = len(data)
    slot = (right - left) / n
    bw = slot * 0.58
    colours = [(120, 63, 30), (150, 84, 40), (176, 106, 52),
               (196, 130, 70), (212, 156, 96), (226, 182, 126)]
    for i, ((name, value), col) in enumerate(zip(data, colours)):
        cx = left + slot * (i + 0.5)
        y = bottom - (bottom - top) * value / vmax
        d.rectangle([s(cx - bw / 2 + 5), s(y + 5), s(cx + bw / 2 + 5), s(bottom)],
                    fill=(220, 210, 195))  # soft shadow
        d.rectangle([s(cx - bw / 2), s(y), s(cx + bw / 2), s(bottom)], fill=col)
        centered(d, (cx, y - 34), fmt_vn(value), font(22, True), (60, 40, 25))
        centered(d, (cx, bottom + 14), name, font(19), (50, 40, 30))

    total = sum(v for _, v in data)
    d.text((s(40), s(742)),
           f"Toàn tỉnh: {fmt_vn(total)} tấn nhân  ·  Nguồn: Sở Nông nghiệp và PTNT tỉnh Sơn Nguyên",
           font=font(18), fill=(90, 70, 55))
    # a few coffee cherries as decoration
    for k, (x, y) in enumerate([(1080, 40), (1112, 52), (1096, 70), (1128, 30)]):
        d.ellipse([s(x - 11), s(y - 11), s(x + 11), s(y + 11)],
                  fill=(200, 40, 35) if k % 2 == 0 else (170, 25, 30))
    return save(img, "articles/2016/12/images/san-luong-ca-phe-2016.png")


# ------------------------------------------------------- 2. terraced fields
def terraced_fields() -> Path:
    rng = random.Random(2017)
    img, d = canvas()
    vgradient(img, (58, 44, 110), (250, 170, 90), 0, s(430))
    vgradient(img, (250, 170, 90), (255, 214, 140), s(430), s(520))
    # sun with halo
    sx, sy = 820, 330
    for r, c in [(150, (255, 196, 120)), (110, (255, 210, 140)),
                 (70, (255, 232, 170)), (48, (255, 246, 210))]:
        d.ellipse([s(sx - r), s(sy - r), s(sx + r), s(sy + r)], fill=c)
    img = img.filter(ImageFilter.GaussianBlur(s(3)))
    d = ImageDraw.Draw(img)
    d.ellipse([s(sx - 44), s(sy - 44), s(sx + 44), s(sy + 44)], fill=(255, 250, 225))

    def ridge(base, amp, seed, color):
        r = random.Random(seed)
        phases = [r.uniform(0, 6.28) for _ in range(3)]
        line = []
        for x in range(0, W + 21, 20):
            y = base - amp * (0.55 * math.sin(x / 170 + phases[0])
                              + 0.30 * math.sin(x / 73 + phases[1])
                              + 0.15 * math.sin(x / 31 + phases[2]))
            line.append((x, y))
        d.polygon(pts(line + [(W, H), (0, H)]), fill=color)

    ridge(390, 70, 1, (120, 80, 120))
    ridge(430, 60, 2, (96, 66, 100))
    ridge(470, 50, 3, (74, 56, 80))

    # terraces: contiguous wavy bands from back (top) to front (bottom);
    # each band's lower edge is the next band's upper edge, so no gaps.
    d.rectangle(pts([(0, 470), (W, H)]), fill=(190, 140, 46))
    golds = [(226, 170, 60), (214, 158, 52), (236, 186, 78),
             (204, 152, 50), (222, 176, 70), (196, 144, 48)]
    xs = list(range(-20, W + 41, 20))

    def edge(k: int, base: float):
        amp = 14 + k * 2.2
        ph = 0.9 + k * 0.22 + rng.uniform(-0.05, 0.05)
        return [(x, base + amp * math.sin(x / (150 + k * 10) + ph)
                 + 4 * math.sin(x / 47 + k)) for x in xs]

    base = 462.0
    k = 0
    upper = edge(0, base)
    while base < H + 60:
        h = 16 + k * 3.4
        base += h
        lower = edge(k + 1, base)
        # keep lines from crossing: lower edge always at least 8 px below upper
        lower = [(x, max(y, yu + 8)) for (x, y), (_, yu) in zip(lower, upper)]
        d.polygon(pts(upper + lower[::-1]), fill=golds[k % len(golds)])
        d.line(pts(upper), fill=(252, 216, 124), width=s(1.5))   # glint of light
        d.line(pts(lower), fill=(96, 64, 30), width=s(2.5 + k * 0.25))  # dark dyke
        upper = lower
        k += 1

    # a small stilt house on the left slope
    hx, hy = 210, 520
    for px in (hx - 50, hx - 20, hx + 20, hx + 50):
        d.line(pts([(px, hy), (px, hy + 34)]), fill=(60, 38, 24), width=s(5))
    d.rectangle(pts([(hx - 62, hy - 40), (hx + 62, hy)]), fill=(110, 70, 40))
    d.polygon(pts([(hx - 82, hy - 38), (hx, hy - 96), (hx + 82, hy - 38)]),
              fill=(70, 42, 30))
    d.rectangle(pts([(hx - 12, hy - 32), (hx + 12, hy - 8)]), fill=(255, 200, 110))
    # birds
    for bx, by in [(560, 180), (600, 200), (640, 172), (690, 210)]:
        d.line(pts([(bx - 12, by - 6), (bx, by), (bx + 12, by - 6)]),
               fill=(60, 40, 70), width=s(2.5))
    return save(img, "articles/2017/01/images/ruong-bac-thang-chieng-ly.png", colors=200)


# ---------------------------------------------------------- 3. festival
def festival_pole() -> Path:
    rng = random.Random(2802)
    img, d = canvas()
    vgradient(img, (140, 196, 236), (226, 240, 248), 0, s(520))
    # far mountains
    for base, col, seed in [(360, (150, 172, 196), 11), (420, (112, 146, 128), 12),
                            (470, (84, 126, 90), 13)]:
        r = random.Random(seed)
        ph = r.uniform(0, 6)
        line = [(x, base - 60 * abs(math.sin(x / 210 + ph)) - 25 * math.sin(x / 57 + ph))
                for x in range(0, W + 21, 20)]
        d.polygon(pts(line + [(W, H), (0, H)]), fill=col)
    # festival ground
    d.polygon(pts([(0, 560), (300, 540), (700, 548), (1200, 530), (1200, 800), (0, 800)]),
              fill=(122, 168, 84))
    d.polygon(pts([(0, 640), (1200, 610), (1200, 800), (0, 800)]), fill=(104, 150, 70))

    # the pole (cây nêu) with a long red cloth waving from the top
    px, ptop, pbot = 600, 70, 610
    d.line(pts([(px, ptop), (px, pbot)]), fill=(92, 64, 36), width=s(12))
    d.line(pts([(px - 3, ptop), (px - 3, pbot)]), fill=(140, 104, 64), width=s(3))
    upper, lower = [], []
    for i in range(0, 41):
        t = i / 40
        x = px + 6 + t * 330
        wave = 22 * math.sin(t * 3.2 * math.pi) * (0.3 + t)
        width = 46 * (1 - 0.55 * t)
        upper.append((x, ptop + 10 + wave + t * 40))
        lower.append((x, ptop + 10 + wave + t * 40 + width))
    d.polygon(pts(upper + lower[::-1]), fill=(206, 28, 36))
    d.line(pts(upper), fill=(236, 80, 70), width=s(3))
    # small gourd and green leaves at the tip
    d.ellipse(pts([(px - 16, ptop - 26), (px + 16, ptop + 6)]), fill=(196, 150, 70))
    for ang in (-0.9, -0.4, 0.4, 0.9):
        lx = px + 42 * math.sin(ang)
        ly = ptop - 10 - 30 * math.cos(ang)
        d.line(pts([(px, ptop - 8), (lx, ly)]), fill=(50, 130, 60), width=s(6))

    # strings of triangular flags from pole to both sides
    flag_cols = [(220, 40, 50), (250, 200, 40), (40, 120, 200), (60, 160, 80),
                 (240, 120, 30), (150, 60, 160)]
    for (x0, y0, x1, y1) in [(px, 260, 40, 470), (px, 260, 1160, 470),
                             (px, 360, 120, 560), (px, 360, 1080, 560)]:
        n = 16
        prev = None
        for i in range(n + 1):
            t = i / n
            x = x0 + (x1 - x0) * t
            y = y0 + (y1 - y0) * t + 40 * math.sin(math.pi * t)
            if prev is not None:
                d.line(pts([prev, (x, y)]), fill=(70, 60, 50), width=s(2))
                mx, my = (prev[0] + x) / 2, (prev[1] + y) / 2
                c = flag_cols[i % len(flag_cols)]
                d.polygon(pts([(prev[0], prev[1]), (x, y), (mx, my + 34)]), fill=c)
            prev = (x, y)

    # peach trees in blossom at both sides
    def peach(cx, cy, scale):
        d.line(pts([(cx, cy), (cx, cy - 90 * scale)]), fill=(90, 60, 50), width=s(10 * scale))
        for ang in (-0.8, -0.3, 0.3, 0.8):
            d.line(pts([(cx, cy - 70 * scale),
                        (cx + 90 * scale * math.sin(ang), cy - 70 * scale - 80 * scale * math.cos(ang))]),
                   fill=(90, 60, 50), width=s(5 * scale))
        for _ in range(int(160 * scale)):
            a = rng.uniform(0, 2 * math.pi)
            r = 95 * scale * math.sqrt(rng.random())
            x = cx + r * math.cos(a)
            y = cy - 150 * scale + 0.7 * r * math.sin(a)
            rr = rng.uniform(4, 8) * scale
            c = rng.choice([(244, 150, 180), (236, 120, 160), (250, 190, 210)])
            d.ellipse(pts([(x - rr, y - rr), (x + rr, y + rr)]), fill=c)

    peach(140, 640, 1.15)
    peach(1060, 650, 1.0)

    # simple figures in festival dress (skirts as trapezoids)
    dress = [(210, 40, 60), (30, 40, 90), (220, 70, 120), (40, 100, 170), (200, 120, 30)]
    for i, x in enumerate([330, 390, 450, 760, 820, 880, 940]):
        y = 690 + (i % 2) * 12
        c = dress[i % len(dress)]
        d.ellipse(pts([(x - 11, y - 92), (x + 11, y - 70)]), fill=(120, 80, 60))
        d.rectangle(pts([(x - 12, y - 70), (x + 12, y - 40)]), fill=(30, 30, 50))
        d.polygon(pts([(x - 12, y - 40), (x + 12, y - 40), (x + 26, y), (x - 26, y)]), fill=c)
        for k in range(3):
            d.line(pts([(x - 20 + k * 2, y - 28 + k * 10), (x + 20 - k * 2, y - 28 + k * 10)]),
                   fill=(250, 220, 90), width=s(2))
    return save(img, "articles/2017/02/images/cay-neu-gau-tao.png", colors=160)


# ----------------------------------------------------------- 4. map
def border_map() -> Path:
    img, d = canvas((236, 232, 214))
    # relief: concentric "contour" blobs for mountain massifs
    massifs = [(230, 220, 1.0), (520, 150, 0.8), (930, 240, 1.1),
               (300, 600, 0.9), (760, 610, 1.0), (1080, 560, 0.7)]
    shades = [(214, 204, 170), (196, 184, 142), (176, 160, 116), (154, 134, 92), (128, 106, 70)]
    for mx, my, sc in massifs:
        for k, col in enumerate(shades):
            rx = (170 - k * 30) * sc
            ry = (120 - k * 22) * sc
            poly = []
            for i in range(48):
                a = 2 * math.pi * i / 48
                wob = 1 + 0.12 * math.sin(3 * a + mx) + 0.07 * math.sin(5 * a + my)
                poly.append((mx + rx * wob * math.cos(a), my + ry * wob * math.sin(a)))
            d.polygon(pts(poly), fill=col, outline=(120, 100, 70))
        # peak marker
        d.polygon(pts([(mx - 9, my + 6), (mx, my - 10), (mx + 9, my + 6)]), fill=(80, 60, 40))

    # river Nậm Chim: a smooth curve through the valleys between the massifs
    ctrl = [(1230, 395), (1210, 400), (1050, 412), (900, 420), (760, 448),
            (640, 478), (530, 462), (440, 432), (330, 430), (200, 458),
            (80, 470), (-10, 500), (-30, 505)]
    river = []
    for i in range(1, len(ctrl) - 2):  # Catmull-Rom spline
        p0, p1, p2, p3 = ctrl[i - 1], ctrl[i], ctrl[i + 1], ctrl[i + 2]
        for j in range(12):
            t = j / 12
            t2, t3 = t * t, t * t * t
            river.append(tuple(0.5 * ((2 * p1[c]) + (-p0[c] + p2[c]) * t
                                      + (2 * p0[c] - 5 * p1[c] + 4 * p2[c] - p3[c]) * t2
                                      + (-p0[c] + 3 * p1[c] - 3 * p2[c] + p3[c]) * t3)
                               for c in (0, 1)))
    river.append(ctrl[-2])
    d.line(pts(river), fill=(70, 130, 200), width=s(16), joint="curve")
    d.line(pts(river), fill=(130, 180, 230), width=s(6), joint="curve")

    # national border: dash-dot red line along the top-left ridge
    border = [(40, 430), (140, 360), (260, 330), (360, 250), (470, 260),
              (560, 200), (680, 150), (800, 110), (900, 60), (960, 20)]
    for (x0, y0), (x1, y1) in zip(border, border[1:]):
        seg = math.hypot(x1 - x0, y1 - y0)
        steps = int(seg // 18)
        for k in range(steps):
            if k % 3 == 2:
                continue
            ta, tb = k / steps, min(1, (k + 0.7) / steps)
            d.line(pts([(x0 + (x1 - x0) * ta, y0 + (y1 - y0) * ta),
                        (x0 + (x1 - x0) * tb, y0 + (y1 - y0) * tb)]),
                   fill=(200, 30, 40), width=s(5))
    # border markers (cột mốc)
    for x, y in [(140, 360), (360, 250), (560, 200), (800, 110)]:
        d.rectangle(pts([(x - 7, y - 7), (x + 7, y + 7)]), fill=(255, 255, 255),
                    outline=(200, 30, 40), width=s(3))

    # village and border post
    vx, vy = 650, 395
    for dx, dy in [(-30, 0), (0, -18), (28, 6), (-8, 24), (40, -22)]:
        x, y = vx + dx, vy + dy
        d.polygon(pts([(x - 12, y), (x, y - 14), (x + 12, y)]), fill=(150, 60, 40))
        d.rectangle(pts([(x - 9, y), (x + 9, y + 10)]), fill=(230, 200, 150))
    px, py = 470, 360
    d.rectangle(pts([(px - 18, py - 14), (px + 18, py + 14)]), fill=(40, 110, 60),
                outline=(20, 60, 30), width=s(2))
    d.line(pts([(px, py - 14), (px, py - 50)]), fill=(40, 40, 40), width=s(3))
    d.polygon(pts([(px, py - 50), (px + 26, py - 42), (px, py - 34)]), fill=(220, 30, 40))

    f_lab = font(20, True)
    f_small = font(17)
    d.text((s(700), s(360)), "Bản Nậm Chim", font=f_lab, fill=(60, 40, 30))
    d.text((s(408), s(380)), "Đồn Biên phòng", font=f_small, fill=(20, 60, 30))
    d.text((s(960), s(432)), "suối Nậm Chim", font=font(20), fill=(30, 80, 150))
    d.text((s(120), s(285)), "đường biên giới", font=f_small, fill=(170, 20, 30))

    # compass rose
    cx, cy = 1110, 110
    d.ellipse(pts([(cx - 46, cy - 46), (cx + 46, cy + 46)]), outline=(80, 60, 40), width=s(2))
    d.polygon(pts([(cx, cy - 44), (cx + 10, cy), (cx, cy + 44), (cx - 10, cy)]), fill=(80, 60, 40))
    d.polygon(pts([(cx, cy - 44), (cx + 10, cy), (cx - 10, cy)]), fill=(200, 30, 40))
    centered(d, (cx, cy - 76), "B", font(20, True), (80, 60, 40))

    # legend box
    lx, ly = 40, 660
    d.rectangle(pts([(lx, ly), (lx + 330, ly + 112)]), fill=(250, 248, 238), outline=(120, 100, 70), width=s(2))
    d.line(pts([(lx + 16, ly + 24), (lx + 56, ly + 24)]), fill=(200, 30, 40), width=s(5))
    d.text((s(lx + 68), s(ly + 12)), "Đường biên giới, cột mốc", font=f_small, fill=(50, 40, 30))
    d.line(pts([(lx + 16, ly + 56), (lx + 56, ly + 56)]), fill=(70, 130, 200), width=s(10))
    d.text((s(lx + 68), s(ly + 44)), "Sông, suối", font=f_small, fill=(50, 40, 30))
    d.polygon(pts([(lx + 26, ly + 96), (lx + 36, ly + 80), (lx + 46, ly + 96)]), fill=(80, 60, 40))
    d.text((s(lx + 68), s(ly + 76)), "Đỉnh núi (sơ đồ minh họa)", font=f_small, fill=(50, 40, 30))
    return save(img, "articles/2017/03/images/nam-chim-bien-gioi.png", colors=96)


def main() -> None:
    for fn in (coffee_chart, terraced_fields, festival_pole, border_map):
        out = fn()
        print(f"{out.relative_to(ROOT)}  {out.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
