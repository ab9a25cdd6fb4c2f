"""Real consumers: every sample deck and document opens in LibreOffice, and what it draws is right.

The sample accounts are built twice: on the sample template (16:9) and on python-pptx's default template (4:3);
acme once more on a brand template a user made with python-pptx (16:10, French layout names). One LibreOffice run
converts all ten files to PDF. tests/drawn.py then checks each page's words (from
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
from conftest import PROJECT, REPO, build_in, skip_unless_installed, use_16_10_template
from drawn import check_deck, check_document, deck_sheets, document_pages, words_drawn
from drawn_pages import check_document_pages, document_layout
from drawn_tables import check_table_pieces
from drawn_titles import slide_titles, titles_not_drawn
from shown_text import check_shown_text

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
CONVERT_TIMEOUT = 240  # seconds for the one LibreOffice run (about 2 s to start, 1 s a file here)

NAMES = {"acme": "Acme Packaging", "bergquell": "Bergquell", "globex": "Globex Foods",
         "northwind-health": "Northwind Health", "tanaka-seiki": "\u7530\u4e2d\u7cbe\u6a5f\u682a\u5f0f\u4f1a\u793e"}
#: The samples read in another language are drawn on the sample template; the English ones on the others too.
ENGLISH = ("acme", "globex", "northwind-health")
#: What is built: (template, account, kind); the 4:3 template builds decks only to look at (its documents are
#: the sample's).
OUTPUTS = [("16x9", account, kind) for account in NAMES for kind in ("deck", "offering")] + [
    ("4x3", account, "deck") for account in ENGLISH] + [("16x10", "acme", "deck")]


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
def pdfs(request, tmp_path_factory) -> dict[tuple[str, str, str], tuple[Path, Path]]:
    """Each output of OUTPUTS (the session's builds of the samples, conftest) with the PDF LibreOffice drew for it."""
    skip_unless_installed("LibreOffice (soffice)" if not SOFFICE else "pdftotext (poppler-utils)" if not PDFTOTEXT
                          else None, checks="this check")
    root = tmp_path_factory.mktemp("libreoffice")
    shutil.copytree(request.getfixturevalue("samples_built") / "output", root / "output")
    shutil.copytree(request.getfixturevalue("samples_built_4x3") / "output", root / "output-4x3")
    brand = root / "16x10"
    for folder in PROJECT:
        shutil.copytree(REPO / folder, brand / folder)
    use_16_10_template(brand)
    status, _, err = build_in(brand, "accounts/acme.yaml")
    assert status == 0, err
    sources = {}
    staged = root / "staged"  # LibreOffice names each PDF after its file: other templates' decks get names of their own
    staged.mkdir()
    built_in = {"16x9": root / "output", "4x3": root / "output-4x3", "16x10": brand / "output"}
    for template, account, kind in OUTPUTS:
        ext = "pptx" if kind == "deck" else "docx"
        if template == "16x9":
            source = root / "output" / account / f"{account}-{kind}.{ext}"
        else:
            source = staged / f"{account}-{kind}-{template}.{ext}"
            shutil.copyfile(built_in[template] / account / f"{account}-{kind}.{ext}", source)
        sources[template, account, kind] = source
    built = sorted((root / "output").rglob("*.pptx")) + sorted((root / "output").rglob("*.docx"))
    # a presenter deck's slides are its deck's, part for part (tests/test_customer_copy.py): the deck stands for both
    assert len([path for path in built if not path.name.endswith("-deck-presenter.pptx")]) == 2 * len(NAMES), built
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
    # pdftotext draws Japanese a character a word: the name is compared without the spaces between words
    assert NAMES[output[1]].replace(" ", "") in text.replace(" ", ""), f"{pdf.name} does not show the account's name"
    if output[0] == "16x10":  # the brand's 14 pt floor splits the offering table: its pieces are checked
        assert "(continued)" in text, f"{pdf.name} has no continued table to check"
    problems = check_shown_text(pdf.name, pages)
    if source.suffix == ".pptx":
        problems += (check_deck(pdf.name, pages, deck_sheets(source)) + check_table_pieces(pdf.name, pages, source)
                    + titles_not_drawn(pdf.name, pages, slide_titles(source)))
    else:
        problems += (check_document(pdf.name, pages, document_pages(source))
                     + check_document_pages(pdf.name, pages, document_layout(source)))
    if problems:
        pytest.fail(f"{len(problems)} problem(s) in what LibreOffice drew:\n" + "\n".join(problems), pytrace=False)
