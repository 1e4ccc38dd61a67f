"""Draw Linli's PWA icons (rounded square, a roof over 邻) with Pillow.

Run from the repository root: .venv/bin/python docs/tools/make_icons.py
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

OUT = Path(__file__).resolve().parents[2] / "pwa" / "icons"
GREEN = (15, 118, 110)  # --color-primary, teal-700
CREAM = (255, 251, 235)
FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")


def draw_mark(size: int, *, maskable: bool) -> Image.Image:
    """A roof and 邻 on a teal field; maskable icons fill the square and keep the mark in the safe zone."""
    scale = 4  # draw large, downsample for smooth edges
    s = size * scale
    img = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    if maskable:
        d.rectangle([0, 0, s, s], fill=GREEN)
        inner = s * 0.62  # the mark stays within the 80% safe circle
    else:
        d.rounded_rectangle([0, 0, s - 1, s - 1], radius=int(s * 0.22), fill=GREEN)
        inner = s * 0.8
    off = (s - inner) / 2
    # roof: a chevron over the character
    w = inner * 0.09
    apex = (s / 2, off + inner * 0.06)
    left = (off + inner * 0.06, off + inner * 0.40)
    right = (off + inner * 0.94, off + inner * 0.40)
    d.line([left, apex, right], fill=CREAM, width=int(w), joint="curve")
    for p in (left, right, apex):
        d.ellipse([p[0] - w / 2, p[1] - w / 2, p[0] + w / 2, p[1] + w / 2], fill=CREAM)
    box_top = off + inner * 0.40
    if FONT.exists():
        font = ImageFont.truetype(str(FONT), int(inner * 0.52))
        bbox = d.textbbox((0, 0), "邻", font=font)
        tw, th = bbox[2] - bbox[0], bbox[3] - bbox[1]
        x = s / 2 - tw / 2 - bbox[0]
        y = box_top + (inner * 0.58 - th) / 2 - bbox[1]
        d.text((x, y), "邻", font=font, fill=CREAM)
    else:  # a door under the roof
        d.rectangle([s / 2 - inner * 0.1, box_top + inner * 0.15, s / 2 + inner * 0.1, off + inner * 0.92], fill=CREAM)
    return img.resize((size, size), Image.LANCZOS)


def save_small(img: Image.Image, path: Path) -> None:
    """A 64-colour palette PNG: two colours and their smoothed edges look the same, at a sixth of the bytes
    (the visitor's home shows icon-192.png, and the first load has a budget, docs/benchmarks.md)."""
    img.convert("RGBA").quantize(colors=64, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(
        path, optimize=True
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    save_small(draw_mark(192, maskable=False), OUT / "icon-192.png")
    save_small(draw_mark(512, maskable=False), OUT / "icon-512.png")
    save_small(draw_mark(512, maskable=True), OUT / "maskable-512.png")
    apple = Image.new("RGB", (180, 180), GREEN)  # iOS adds its own rounding; no transparency
    apple.paste(draw_mark(180, maskable=True).convert("RGB"))
    save_small(apple, OUT / "apple-touch-icon.png")


if __name__ == "__main__":
    main()
