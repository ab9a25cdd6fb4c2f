#!/usr/bin/env python3
"""Draws docs/images/review-page.png: the review page `aspo diff --html` writes for one changed sentence.

    python tools/review_screenshot.py [--out docs/images/review-page.png]

In a temporary git repository holding a copy of templates/ and accounts/, it changes one sentence of the
next-steps-pilot block, runs `aspo diff --rev HEAD --html review/ accounts/`, opens review/index.html in headless
Chromium (Debian's chromium package, driven by Playwright) and saves the top of the page: the summary and
the first changed slide. Needs LibreOffice, poppler-utils, chromium and playwright, as tests/test_review_page.py does.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "images" / "review-page.png"
BLOCK = "templates/blocks/next-steps-pilot.md"
OLD, NEW = "A pilot should answer one question", "A pilot should answer a single question"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 1100}


def review_page(folder: Path) -> Path:
    for name in ("templates", "accounts"):
        shutil.copytree(ROOT / name, folder / name)
    env = {**os.environ, "GIT_AUTHOR_NAME": "aspo", "GIT_AUTHOR_EMAIL": "aspo@example.com",
           "GIT_COMMITTER_NAME": "aspo", "GIT_COMMITTER_EMAIL": "aspo@example.com"}
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "templates"]):
        subprocess.run(["git", *args], cwd=folder, check=True, env=env)
    block = folder / BLOCK
    block.write_text(block.read_text(encoding="utf-8").replace(OLD, NEW), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "aspo", "diff", "--rev", "HEAD", "--html", "review", "accounts/"],
                          cwd=folder, env={**env, "ASPO_CACHE_DIR": str(folder / "cache")})
    if done.returncode not in (0, 1):
        raise SystemExit(f"review_screenshot: aspo diff failed (exit status {done.returncode})")
    return folder / "review" / "index.html"


def screenshot(page_file: Path, target: Path) -> None:
    from playwright.sync_api import sync_playwright

    browser_path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser_path:
        raise SystemExit("review_screenshot: chromium is missing; install it with: sudo apt-get install chromium")
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        browser = playwright.chromium.launch_persistent_context(profile, executable_path=browser_path, headless=True,
                                                                args=FLAGS, viewport=VIEWPORT)
        try:
            page = browser.new_page()
            page.goto(page_file.as_uri(), wait_until="load")
            with tempfile.TemporaryDirectory() as scratch:
                raw = Path(scratch, "page.png")
                page.screenshot(path=str(raw))
                target.parent.mkdir(parents=True, exist_ok=True)
                image = Image.open(raw).convert("RGB")
                image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)  # small for git
        finally:
            browser.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=TARGET, help="where the picture goes")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="aspo-review-shot-") as folder:
        screenshot(review_page(Path(folder)), args.out)
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
