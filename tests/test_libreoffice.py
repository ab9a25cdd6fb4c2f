"""Real consumers: every sample deck and document converts to PDF in LibreOffice, with the account's name inside."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
REQUIRED = bool(os.environ.get("ASPO_REQUIRE_LIBREOFFICE") or os.environ.get("CI"))


def test_every_sample_output_converts_to_pdf(workspace, aspo, tmp_path):
    if not SOFFICE or not PDFTOTEXT:
        missing = "LibreOffice (soffice)" if not SOFFICE else "pdftotext (poppler-utils)"
        if REQUIRED:
            pytest.fail(f"{missing} is required here (CI or ASPO_REQUIRE_LIBREOFFICE is set) but not installed")
        pytest.skip(f"{missing} is not installed; CI installs it and runs this check")
    assert aspo("build", "accounts/").status == 0
    outputs = sorted((workspace / "output").rglob("*.pptx")) + sorted((workspace / "output").rglob("*.docx"))
    assert len(outputs) == 6
    pdf_dir = tmp_path / "pdf"
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(pdf_dir),
         *map(str, outputs)],
        check=True, capture_output=True, timeout=300,
    )
    names = {"acme": "Acme Packaging", "globex": "Globex Foods", "northwind-health": "Northwind Health"}
    for output in outputs:
        pdf = pdf_dir / (output.stem + ".pdf")
        # LibreOffice exits 0 even when it could not load a file: the PDF must exist.
        assert pdf.is_file(), f"LibreOffice could not convert {output.name}"
        text = subprocess.run([PDFTOTEXT, str(pdf), "-"], check=True, capture_output=True, text=True).stdout
        assert names[output.parent.name] in " ".join(text.split()), output.name
