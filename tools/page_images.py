#!/usr/bin/env python3
"""Draws the page images in docs/images/: what one sample deck and document look like, as LibreOffice renders them.

    python tools/page_images.py [ACCOUNT ...]        (default: accounts/acme.yaml accounts/northwind-health.yaml)
    python tools/page_images.py --from-pdf DIR       (sheets from PDFs already made, e.g. by an older aspo)
    python tools/page_images.py --templates DIR --out docs/images/NAME accounts/acme.yaml
                                                     (on another library, e.g. one that adopted a template)

builds each account with `aspo build --pdf` into a temporary folder, renders every page with pdftoppm
(poppler-utils) and lays the pages out as one contact sheet per file: docs/images/<slug>-deck.png and
docs/images/<slug>-offering.png. Needs LibreOffice and poppler-utils, as `aspo build --pdf` does.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "images"
DEFAULT_ACCOUNTS = ("accounts/acme.yaml", "accounts/northwind-health.yaml")
PAGE_WIDTH = 480  # pixels per page on the sheet: readable titles, small files
COLUMNS = {"deck": 3, "offering": 4}
GUTTER = 12


def render_pages(pdf: Path, folder: Path) -> list[Path]:
    prefix = folder / pdf.stem
    subprocess.run(["pdftoppm", "-png", "-scale-to-x", str(PAGE_WIDTH), "-scale-to-y", "-1", str(pdf), str(prefix)],
                   check=True)
    return sorted(folder.glob(f"{pdf.stem}-*.png"))


def contact_sheet(pages: list[Path], columns: int) -> Image.Image:
    images = [Image.open(page).convert("RGB") for page in pages]
    width = max(image.width for image in images)
    height = max(image.height for image in images)
    rows = -(-len(images) // columns)
    sheet = Image.new("RGB", (columns * (width + GUTTER) + GUTTER, rows * (height + GUTTER) + GUTTER), (200, 205, 212))
    for number, image in enumerate(images):
        row, column = divmod(number, columns)
        sheet.paste(image, (GUTTER + column * (width + GUTTER), GUTTER + row * (height + GUTTER)))
    return sheet


def sheets_from(pdf_folder: Path, target: Path) -> list[Path]:
    written = []
    with tempfile.TemporaryDirectory() as scratch:
        for pdf in sorted(pdf_folder.rglob("*.pdf")):
            kind = "deck" if pdf.stem.endswith("-deck") else "offering"
            sheet = contact_sheet(render_pages(pdf, Path(scratch)), COLUMNS[kind])
            target.mkdir(parents=True, exist_ok=True)
            path = target / f"{pdf.stem}.png"
            save_small(sheet, path)
            written.append(path)
    return written


def save_small(image: Image.Image, path: Path) -> None:
    """A picture for git: 128 colours, optimised."""
    image.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def build_pdfs(accounts: list[str], output: Path, templates: Path = Path("templates")) -> None:
    """`aspo build --pdf` of the accounts into `output`, run from the repository's top folder."""
    aspo = shutil.which("aspo") or str(Path(sys.executable).with_name("aspo"))
    subprocess.run([aspo, "build", "--pdf", "--force", "--quiet", "--templates", str(templates.resolve()),
                    "--output", str(output), *accounts], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("accounts", nargs="*", default=list(DEFAULT_ACCOUNTS))
    parser.add_argument("--from-pdf", type=Path, help="make sheets of the PDFs in this folder instead of building")
    parser.add_argument("--out", type=Path, default=TARGET, help="where the sheets go (default: docs/images)")
    parser.add_argument("--templates", type=Path, default=Path("templates"),
                        help="the content library to build with, e.g. a copy that adopted another template")
    args = parser.parse_args(argv)
    if not shutil.which("pdftoppm"):
        print("page_images: pdftoppm is missing; install poppler-utils", file=sys.stderr)
        return 2
    if args.from_pdf:
        written = sheets_from(args.from_pdf, args.out)
    else:
        with tempfile.TemporaryDirectory() as scratch:
            build_pdfs(args.accounts, Path(scratch), args.templates)
            written = sheets_from(Path(scratch), args.out)
    for path in written:
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
