#!/usr/bin/env python3
"""Draws one slide of each stage's own section into docs/images/stage-*.png, as LibreOffice renders the deck.

    python tools/section_images.py

builds the awareness and decision samples with `aspo build --pdf` into a temporary folder, finds each section's
slide by its key in the build's manifest, and renders that page alone with pdftoppm (poppler-utils), 1000 pixels wide.
Needs LibreOffice and poppler-utils, as `aspo build --pdf` does.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from page_images import build_pdfs, save_small  # beside this script
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


def slide_numbers(folder: Path) -> dict[str, int]:
    """Each section key's slide in the deck, as the build's manifest records it."""
    return {s["key"]: s["slide"] for s in json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["sections"]
            if s.get("slide")}


def main() -> int:
    if not shutil.which("pdftoppm"):
        print("section_images: pdftoppm is missing; install poppler-utils", file=sys.stderr)
        return 2
    slugs = sorted({slug for slug, _, _ in SLIDES})
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)
        build_pdfs([f"accounts/{slug}.yaml" for slug in slugs], out)
        for slug, key, name in SLIDES:
            page = slide_numbers(out / slug).get(key)
            if page is None:
                raise SystemExit(f"section_images: no slide with key {key!r} in {slug}'s deck")
            prefix = out / name
            subprocess.run(["pdftoppm", "-png", "-singlefile", "-f", str(page), "-l", str(page), "-scale-to-x",
                            str(WIDTH), "-scale-to-y", "-1", str(out / slug / f"{slug}-deck.pdf"), str(prefix)],
                           check=True)
            path = TARGET / f"{name}.png"
            save_small(Image.open(f"{prefix}.png").convert("RGB"), path)
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
