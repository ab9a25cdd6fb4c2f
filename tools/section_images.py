#!/usr/bin/env python3
"""Draws one slide of each stage's own section into docs/images/stage-*.png, as LibreOffice renders the deck.

    python tools/section_images.py

builds the awareness and decision samples with `aspo build --pdf` into a temporary folder, finds each section's
slide by its key in the review draft, and renders that page alone with pdftoppm (poppler-utils), 1000 pixels wide.
Needs LibreOffice and poppler-utils, as `aspo build --pdf` does.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "images"
WIDTH = 1000
#: (account slug, slide key, image name): one slide per new section.
SLIDES = (
    ("northwind-health", "cost-insight-energy-cost", "stage-insight"),
    ("globex", "rollout", "stage-rollout"),
    ("globex", "terms", "stage-terms"),
    ("globex", "references", "stage-references"),
)


def slide_number(draft: str, key: str) -> int:
    """The deck page of the section with this key, as the review draft numbers it."""
    match = re.search(r"_slide (\d+) \([^)]*\)[^\n]*· key `" + re.escape(key) + "`", draft)
    if not match:
        raise SystemExit(f"section_images: no slide with key {key!r} in the draft")
    return int(match.group(1))


def main() -> int:
    if not shutil.which("pdftoppm"):
        print("section_images: pdftoppm is missing; install poppler-utils", file=sys.stderr)
        return 2
    aspo = shutil.which("aspo") or str(Path(sys.executable).with_name("aspo"))
    slugs = sorted({slug for slug, _, _ in SLIDES})
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)
        subprocess.run([aspo, "build", "--pdf", "--force", "--quiet", "--output", str(out),
                        *(f"accounts/{slug}.yaml" for slug in slugs)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        for slug, key, name in SLIDES:
            page = slide_number((out / slug / f"{slug}-draft.md").read_text(encoding="utf-8"), key)
            prefix = out / name
            subprocess.run(["pdftoppm", "-png", "-singlefile", "-f", str(page), "-l", str(page), "-scale-to-x",
                            str(WIDTH), "-scale-to-y", "-1", str(out / slug / f"{slug}-deck.pdf"), str(prefix)],
                           check=True)
            path = TARGET / f"{name}.png"
            image = Image.open(f"{prefix}.png").convert("RGB")
            image.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)  # small for git
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
