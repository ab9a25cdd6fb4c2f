#!/usr/bin/env python3
"""Draws the made-up logo of the sample account Northwind Health (accounts/northwind-health-logo.png).

    python tools/make_sample_logo.py

Shapes only, no font, so the file is byte-identical wherever it is drawn.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "accounts" / "northwind-health-logo.png"
NAVY, TEAL, WHITE = (18, 52, 86), (32, 160, 150), (255, 255, 255)


def draw() -> Image.Image:
    image = Image.new("RGB", (480, 160), WHITE)
    pen = ImageDraw.Draw(image)
    # a compass-like mark: a teal disc with a white north arrow
    pen.ellipse((16, 16, 144, 144), fill=TEAL)
    pen.polygon([(80, 28), (104, 112), (80, 96), (56, 112)], fill=WHITE)
    # a cross for health, and three bars standing for the wordmark
    pen.rectangle((176, 40, 200, 120), fill=NAVY)
    pen.rectangle((148, 68, 228, 92), fill=NAVY)
    for row, width in enumerate((220, 180, 140)):
        top = 44 + row * 28
        pen.rounded_rectangle((248, top, 248 + width, top + 16), radius=8, fill=NAVY if row == 0 else TEAL)
    return image


if __name__ == "__main__":
    draw().save(TARGET, optimize=True)
    print(f"wrote {TARGET.relative_to(ROOT)}")
