"""Real consumers: every sample deck and document opens in LibreOffice, and what it draws is right.

The sample accounts are built twice: on the sample template (16:9) and on python-pptx's default template (4:3);
one LibreOffice run converts all nine files to PDF. tests/drawn.py then checks each page's words (from
`pdftotext -bbox`) against the file they were drawn from: no word broken across lines, none off the page, none
outside its placeholder or table, none over the footer (tests/test_drawn.py proves each check on small pages).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
from conftest import REPO, edit, skip_unless_installed
from drawn import check_deck, check_document, deck_sheets, document_pages, words_drawn

from aspo.cli import main

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
CONVERT_TIMEOUT = 240  # seconds for the one LibreOffice run (about 2 s to start, 1 s a file here)

NAMES = {"acme": "Acme Packaging", "globex": "Globex Foods", "northwind-health": "Northwind Health"}
#: What is built: (template, account, kind); the 4:3 template builds decks only to look at (its documents are
#: the sample's).
OUTPUTS = [("16x9", account, kind) for account in NAMES for kind in ("deck", "offering")] + [
    ("4x3", account, "deck") for account in NAMES]
FOUR_THREE = "layouts/default-4x3.pptx"


def four_three_templates(templates: Path, into: Path) -> Path:
    """A copy of the content library at `into` whose deck template is python-pptx's default: 4:3 (720 x 540 pt),
    with the layouts the outline uses (Title Slide, Title and Content, Two Content)."""
    from pptx import Presentation

    shutil.copytree(templates, into)
    Presentation().save(str(into / FOUR_THREE))
    edit(into / "outline.yaml", "template: layouts/deck.pptx", f"template: {FOUR_THREE}")
    return into


def build(*args: str) -> None:
    try:
        main(["build", "--quiet", *args])
    except SystemExit as exc:
        assert exc.code in (0, None), f"aspo build {' '.join(args)} exited with {exc.code}"


def convert(files: list[Path], outdir: Path, profile: Path, to: str = "pdf") -> None:
    """One LibreOffice run converts every file (to PDF, or `to`), with its own profile; all of it is stopped on
    time out."""
    command = [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--convert-to", to, "--outdir", str(outdir), *map(str, files)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = process.communicate(timeout=CONVERT_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"LibreOffice did not convert {len(files)} files in {CONVERT_TIMEOUT} s")
    assert process.returncode == 0, f"LibreOffice failed ({process.returncode}): {err.decode(errors='replace')}"


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[tuple[str, str, str], tuple[Path, Path]]:
    """Each output of OUTPUTS with the PDF LibreOffice drew for it."""
    skip_unless_installed("LibreOffice (soffice)" if not SOFFICE else "pdftotext (poppler-utils)" if not PDFTOTEXT
                          else None, checks="this check")
    root = tmp_path_factory.mktemp("libreoffice")
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "accounts", root / "accounts")
    four_three_templates(root / "templates", root / "templates-4x3")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        build("accounts/")
        build("accounts/", "--templates", "templates-4x3", "--output", "output-4x3")
    sources = {}
    staged = root / "4x3"  # LibreOffice names each PDF after its file: the 4:3 decks get names of their own
    staged.mkdir()
    for template, account, kind in OUTPUTS:
        ext = "pptx" if kind == "deck" else "docx"
        if template == "16x9":
            source = root / "output" / account / f"{account}-{kind}.{ext}"
        else:
            source = staged / f"{account}-{kind}-4x3.{ext}"
            shutil.copyfile(root / "output-4x3" / account / f"{account}-{kind}.{ext}", source)
        sources[template, account, kind] = source
    built = sorted((root / "output").rglob("*.pptx")) + sorted((root / "output").rglob("*.docx"))
    assert len(built) == 6, built
    pdf_dir = root / "pdf"
    convert(list(sources.values()), pdf_dir, root / "lo-profile")
    return {key: (source, pdf_dir / (source.stem + ".pdf")) for key, source in sources.items()}


@pytest.mark.parametrize("output", OUTPUTS, ids=["-".join(output) for output in OUTPUTS])
def test_what_libreoffice_draws(pdfs, output):
    source, pdf = pdfs[output]
    # LibreOffice exits 0 even when it could not load a file: the PDF must exist.
    assert pdf.is_file(), f"LibreOffice could not convert {source.name}"
    pages = words_drawn(pdf, PDFTOTEXT)
    text = " ".join(word.text for page in pages for word in page.words)
    assert NAMES[output[1]] in text, f"{pdf.name} does not show the account's name"
    if source.suffix == ".pptx":
        problems = check_deck(pdf.name, pages, deck_sheets(source))
    else:
        problems = check_document(pdf.name, pages, document_pages(source))
    if problems:
        pytest.fail(f"{len(problems)} problem(s) in what LibreOffice drew:\n" + "\n".join(problems), pytrace=False)
