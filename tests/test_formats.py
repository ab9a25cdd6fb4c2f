"""The output formats' registry keeps its promise: every format it lists is built, named, converted, read back as
text and diffed from that one entry, and each file is found by its suffix alone."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from conftest import REPO

from aspo.build.office_templates import OfficeTemplates
from aspo.compose.composer import compose
from aspo.library.content import load_library
from aspo.plan.plan import plan_account
from aspo.render.formats import FORMATS, SUFFIXES, SUFFIXES_IN_WORDS, by_key, by_name, by_suffix, file_of, render_files

SLUG = "acme"

# A stand-in for LibreOffice that converts whatever it is given: a small whole PDF (aspo takes no less: header, a
# cross-reference offset within the file, %%EOF) for each source after --outdir's folder.
FAKE = r'''
import os, sys
args = sys.argv[1:]
out = args[args.index("--outdir") + 1]
os.makedirs(out, exist_ok=True)
body = b"%PDF-1.4\n1 0 obj\n<</Type/Catalog>>\nendobj\n" + b"%" * 300 + b"\n"
for source in args[args.index("--outdir") + 2:]:
    with open(os.path.join(out, os.path.splitext(os.path.basename(source))[0] + ".pdf"), "wb") as stream:
        stream.write(body + b"startxref\n%d\n%%%%EOF\n" % len(body))
'''


def test_each_format_has_its_own_key_and_ending_and_a_name_per_account():
    assert len({fmt.key for fmt in FORMATS}) == len(FORMATS)
    assert len({fmt.ending for fmt in FORMATS}) == len(FORMATS)
    assert len(set(SUFFIXES)) == len({fmt.suffix for fmt in FORMATS})
    for fmt in FORMATS:
        assert by_key(fmt.key) is fmt and by_name(fmt.name(SLUG).upper()) is fmt
        assert by_name(fmt.name("team-deck")) is fmt  # a slug may end as another format's name begins
        assert by_suffix(fmt.suffix).text_view is fmt.text_view  # what reads any file of its suffix
        assert fmt.name(SLUG).startswith(SLUG) and fmt.name(SLUG).endswith(fmt.suffix)
        assert fmt.pdf_name(SLUG) == (Path(fmt.name(SLUG)).with_suffix(".pdf").name if fmt.pdf else None)
        assert fmt.shown_by is None or by_key(fmt.shown_by).text_view is fmt.text_view
    assert by_suffix(".yaml") is None and by_name("notes.txt") is None
    assert by_name("anything.PPTX") is by_suffix(".pptx")


def test_the_review_page_draws_one_format_as_slides_and_one_as_pages():
    kinds = [fmt.review for fmt in FORMATS if fmt.shown_by is None]
    assert kinds.count("slides") == kinds.count("pages") == 1
    assert {fmt.review for fmt in FORMATS} <= {"slides", "pages", "text"}


def test_the_customer_deck_is_shown_by_the_presenter_deck_and_stands_in_for_it_in_older_builds():
    deck, presenter = by_key("deck"), by_key("presenter")
    assert (deck.shown_by, deck.pdf, presenter.pdf) == ("presenter", True, False)
    names = [fmt.name(SLUG) for fmt in FORMATS]
    assert file_of(names, presenter) == "acme-deck-presenter.pptx" and file_of(names, deck) == "acme-deck.pptx"
    assert file_of(["acme-deck.pptx", "acme-draft.md"], presenter) == "acme-deck.pptx"
    assert file_of(["acme-draft.md"], presenter) is None


def test_one_rendering_of_every_format_is_each_format_rendered_alone():
    """The two decks come from one rendering; each file is still what its own renderer makes, byte for byte."""
    library = load_library(REPO / "templates")
    document, templates = compose(plan_account(REPO / "accounts/acme.yaml", library)), OfficeTemplates(library)
    files = render_files(document, templates)
    assert list(files) == list(FORMATS)
    assert [fmt.key for fmt in FORMATS if files[fmt] != fmt.render(document, templates)] == []


def test_a_build_writes_every_format_and_textconv_reads_each_back(workspace, aspo):
    assert aspo("build", f"accounts/{SLUG}.yaml").status == 0
    folder = workspace / "output" / SLUG
    names = {fmt.name(SLUG) for fmt in FORMATS}
    assert {p.name for p in folder.iterdir()} == names | {"manifest.json"}
    assert set(json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["outputs"]) == names
    for fmt in FORMATS:
        text = aspo("textconv", folder / fmt.name(SLUG))
        assert text.status == 0, text.err
        assert text.out.startswith("## ") and len(text.out.splitlines()) > 10, fmt.key


def test_textconv_of_any_other_file_names_every_formats_suffix(workspace, aspo):
    result = aspo("textconv", f"accounts/{SLUG}.yaml")
    assert result.status == 2
    assert result.err.endswith(f"cannot show this file as text; expected a {SUFFIXES_IN_WORDS}\n")
    assert all(suffix in SUFFIXES_IN_WORDS for suffix in SUFFIXES)


def test_a_diff_of_two_builds_compares_every_format(workspace, aspo):
    assert aspo("build", f"accounts/{SLUG}.yaml").status == 0
    (workspace / "before" / SLUG).mkdir(parents=True)  # a build that wrote nothing yet: every output is new
    result = aspo("diff", f"before/{SLUG}", f"output/{SLUG}")
    assert result.status == 1, result.err
    new = [line.split(": ", 1)[1] for line in result.out.splitlines() if line.startswith(f"Only in output/{SLUG}: ")]
    assert new == sorted(fmt.name(SLUG) for fmt in FORMATS)


def test_pdf_converts_every_format_that_has_a_pdf_and_names_it_from_the_registry(workspace, aspo, monkeypatch):
    script = workspace / "fake-soffice"
    script.write_text(f"#!{sys.executable}\n{FAKE}")
    script.chmod(0o755)
    monkeypatch.setenv("ASPO_SOFFICE", str(script))
    result = aspo("build", "--pdf", f"accounts/{SLUG}.yaml")
    assert result.status == 0, result.err
    pdfs = {fmt.pdf_name(SLUG) for fmt in FORMATS if fmt.pdf}
    assert pdfs and {p.name for p in (workspace / "output" / SLUG).glob("*.pdf")} == pdfs
