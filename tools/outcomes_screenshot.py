#!/usr/bin/env python3
"""Draws docs/images/outcomes-page.png: the page `aspo outcomes --format html` writes for the invented sample history.

    python tools/outcomes_screenshot.py [--out docs/images/outcomes-page.png]

Measures history/ as of 2026-11-30 (the day tools/sample_history.py made it up to), with no builds counted, and
saves the top of the page in headless Chromium: the caveats, the funnel and the first content table. Needs
chromium and playwright, as tests/test_outcomes_page.py does.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from review_screenshot import screenshot

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "images" / "outcomes-page.png"
UNTIL = "2026-11-30"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=TARGET, help="where the picture goes")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="aspo-outcomes-shot-") as folder:
        page = Path(folder, "outcomes.html")
        html = subprocess.run([sys.executable, "-m", "aspo", "outcomes", "--until", UNTIL, "--format", "html",
                               "--output", str(Path(folder, "no-builds"))], cwd=ROOT, check=True,
                              capture_output=True).stdout
        page.write_bytes(html)
        screenshot(page, args.out)
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
