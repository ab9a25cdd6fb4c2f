"""aspo diff --html: the review page of a template change, drawn by LibreOffice and pdftoppm, opened in a browser."""

from __future__ import annotations

import email
import email.policy
import hashlib
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import REPO, edit, skip_unless_installed, without_translations

from aspo.core.errors import AspoError
from aspo.review.comparison import AccountReview, Picture, Review, Source, UnitChange
from aspo.review.page import render_page
from aspo.review.pictures import content_key
from aspo.review.slide_keys import slide_keys
from aspo.review.text_changes import Segment, around_changes, page_text, word_changes

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
POPPLER = shutil.which("pdftoppm") and shutil.which("pdftotext")
BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# next-steps-pilot is the consideration-stage next step: of the samples only Acme uses it, on its last slide and in
# its document's last section.
PILOT = Path("templates/blocks/next-steps-pilot.md")
OLD_SENTENCE = "A pilot should answer one question with your own data"
NEW_SENTENCE = "A pilot should answer a single question with your own data"
MISSING_TOOLS = ("aspo: error: --html needs LibreOffice and poppler-utils (pdftoppm, pdftotext), which are not "
                 "installed; install them with: sudo apt-get install libreoffice-impress libreoffice-writer "
                 "poppler-utils\n")


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True,
                          env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}).stdout


def committed(root: Path) -> None:
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "templates")


class Page(HTMLParser):
    """The review page as a test reads it: its images and the text of each account's section."""

    def __init__(self, html: str):
        super().__init__()
        self.images: list[dict[str, str]] = []
        self.links: list[str] = []
        self.sections: dict[str, str] = {}  # account section id -> its text
        self._section: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "img":
            self.images.append(found)
        if tag == "section" and found.get("id", "").startswith("account-"):
            self._section = found["id"]
            self.sections[self._section] = ""
        for name in ("src", "href"):
            if found.get(name):
                self.links.append(found[name])

    def handle_data(self, data):
        if self._section:
            self.sections[self._section] += data


# --- without LibreOffice --------------------------------------------------------------------------------------------

def test_word_changes_mark_only_the_words_that_changed_on_each_side():
    before, after = word_changes("A pilot should answer one question.", "A pilot should answer a single question.")
    assert before == (Segment("A pilot should answer ", False), Segment("one", True), Segment(" question.", False))
    assert after == (Segment("A pilot should answer ", False), Segment("a single", True), Segment(" question.", False))
    assert word_changes("same text", "same text") == ((Segment("same text", False),),) * 2


def test_around_changes_keeps_the_same_lines_on_both_sides_around_what_changed():
    before, after = "1\n2\n3\n4\n5\n6\n7", "1\n2\n3\nfour\n5\n6\n7"
    assert around_changes(before, after) == ("…\n3\n4\n5\n…", "…\n3\nfour\n5\n…")
    # a line only removed: the other side keeps the lines around where it was
    assert around_changes("1\n2\n3\n4\n5", "1\n2\n4\n5") == ("…\n2\n3\n4\n…", "…\n2\n4\n…")
    assert around_changes("same", "same") == ("same", "same")


def test_texts_with_little_in_common_are_marked_line_by_line_not_word_by_word():
    before, after = word_changes("Plan\nOne view of every site, on a phone", "Plan\nSpare parts found before the stop")
    assert before == (Segment("Plan\n", False), Segment("One view of every site, on a phone", True))
    assert after == (Segment("Plan\n", False), Segment("Spare parts found before the stop", True))


class InstantPictures:
    """Stands in for pictures.PictureCache in review(), without LibreOffice or poppler: each source gets a "PDF" of
    its own, whose pages' text and word boxes `pages(source bytes)` gives as (text, boxes) pairs; each picture key
    a PNG of its own, so two pictures are drawn alike only when their keys are the same."""

    jobs = 1  # review() in this process: what it records of the sources stays here

    def __init__(self, root: Path, pages=lambda data: []):
        self.root, self.pages, self.sources = root, pages, {}
        root.mkdir(parents=True, exist_ok=True)

    def picture_key(self, *parts: bytes | str) -> str:
        return content_key("instant", *parts)

    def picture_path(self, key: str) -> Path:
        return self.root / f"{key}.png"

    def has_picture(self, key: str) -> bool:
        return self.picture_path(key).is_file()

    def pdfs(self, sources: dict[str, bytes]) -> dict[str, Path]:
        found = {}
        for name, data in sources.items():
            found[name] = self.root / f"{Path(name).stem}.pdf"
            found[name].write_bytes(b"%PDF-1.4\n")
            self.sources[found[name]] = data
        return found

    def page_texts(self, pdf: Path) -> list[str]:
        return [text for text, _ in self.pages(self.sources[pdf])]

    def page_layouts(self, pdf: Path) -> list[str]:
        return [boxes for _, boxes in self.pages(self.sources[pdf])]

    def draw(self, jobs) -> None:
        for job in jobs:  # a PNG's signature and size (1280 x 720), then what makes it this picture
            self.picture_path(job.key).write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + (1280).to_bytes(4, "big")
                                                   + (720).to_bytes(4, "big") + job.key.encode())


def reviewed_in_process(tmp_path: Path, *accounts: tuple[dict[str, bytes], dict[str, bytes]], pages=lambda data: []):
    """review() of accounts given as (before, after) files, drawn by InstantPictures: {account name: AccountReview}."""
    from aspo.review.comparison import Compared, Comparison, review

    compared = tuple(Compared(f"account-{n}", f"accounts/account-{n}.yaml", before, after)
                     for n, (before, after) in enumerate(accounts, start=1))
    found = review(Comparison("before", "after", compared, (), ()), InstantPictures(tmp_path, pages))
    assert not found.failed, found.failed
    return {account.name: account for account in found.changed}


def deck(*slides: tuple[str, str, str] | tuple[str, str, str, bool], notes: bool = True) -> dict[str, bytes]:
    """An account's deck of (title, text, speaker notes[, text in bold]) slides, on python-pptx's default template:
    as a build before the presenter copy wrote it, or (`notes` False) as the customer's copy."""
    import io

    from pptx import Presentation

    prs = Presentation()
    for title, text, said, *bold in slides:
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = title
        slide.placeholders[1].text = text
        slide.placeholders[1].text_frame.paragraphs[0].runs[0].font.bold = bool(bold and bold[0])
        if notes:
            slide.notes_slide.notes_text_frame.text = said
    data = io.BytesIO()
    prs.save(data)
    return {"x-deck.pptx": data.getvalue()}


def copies(*slides: tuple[str, str, str] | tuple[str, str, str, bool]) -> dict[str, bytes]:
    """An account's customer deck and presenter deck of those slides, as a build writes them."""
    return {**deck(*slides, notes=False), "x-deck-presenter.pptx": deck(*slides)["x-deck.pptx"]}


@pytest.mark.parametrize("build", [copies, deck], ids=["presenter-deck", "deck-before-the-presenter-copy"])
def test_the_slide_note_says_whether_the_text_on_the_slide_or_only_its_speaker_notes_changed(tmp_path, build):
    plan, risks, cost = ("Plan", "A pilot", "Ask who signs"), ("Risks", "Few", "Say which"), ("Cost", "Low", "Show it")
    found = reviewed_in_process(
        tmp_path,
        (build(plan, risks, cost), build(("Plan", "A pilot", "Ask who signs the order"),
                                         ("Risks", "Fewer", "Say which"), ("Cost", "Low", "Show it", True),
                                         ("Next", "Call", "Book it"))),
        (build(plan, risks, cost), build(plan, risks)))
    assert {name: [(unit.label, unit.note) for unit in account.slides] for name, account in found.items()} == {
        "account-1": [("Slide 1: Plan", "speaker notes changed"), ("Slide 2: Risks", "text changed"),
                      ("Slide 3: Cost", "look changed"), ("Slide 4: Next", "new slide")],
        "account-2": [("Slide 3: Cost", "slide gone")]}


def test_a_changed_layout_file_is_named_among_the_sources_of_every_slide_it_redraws(tmp_path):
    """A slide badged 'look changed' after a layout file changed names that file; a new slide is explained by its
    content, and the document's template is no source of a slide."""
    import json

    def build(deck_hash: str, *slides) -> dict[str, bytes]:
        sections = [{"key": title.lower(), "slide": number,
                     "sources": [{"kind": "block", "id": title.lower(), "hash": "b" * 64, "reason": "chosen"}]}
                    for number, (title, *_) in enumerate(slides, start=1)]
        inputs = {"templates/layouts/deck.pptx": deck_hash, "templates/layouts/offering.docx": "d" * 64,
                  "templates/blocks/plan.md": "b" * 64}
        manifest = json.dumps({"inputs": inputs, "sections": sections}).encode()
        return {**copies(*slides), "manifest.json": manifest}

    plan = ("Plan", "A pilot", "Ask who signs")
    account = reviewed_in_process(tmp_path, (build("1" * 64, plan), build("2" * 64, (*plan, True),
                                                                         ("Next", "Call", "Book it"))))["account-1"]
    layout = Source("layout file", "templates/layouts/deck.pptx", "changed",
                    "the deck's slide layouts, master and theme")
    assert [(unit.label, unit.note, unit.sources) for unit in account.slides] == [
        ("Slide 1: Plan", "look changed", (Source("block", "plan", "", "chosen"), layout)),
        ("Slide 2: Next", "new slide", (Source("block", "next", "added", "chosen"),))]
    assert account.provenance == ("block added: next", "layout file changed: templates/layouts/deck.pptx")


def test_a_changed_word_template_is_named_among_the_sources_of_every_page_it_redraws(tmp_path):
    import io
    import json
    import zipfile

    def build(styles: bytes) -> dict[str, bytes]:
        data = io.BytesIO()
        with zipfile.ZipFile(data, "w") as package:
            package.writestr("word/document.xml", b"same")
            package.writestr("word/styles.xml", styles)
        inputs = {"templates/layouts/deck.pptx": "1" * 64, "templates/layouts/offering.docx": content_key(styles)}
        return {"x-offering.docx": data.getvalue(), "manifest.json": json.dumps({"inputs": inputs}).encode()}

    def pages(data: bytes) -> list[tuple[str, str]]:  # the same text, drawn in another colour
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return [("Plan", package.read("word/styles.xml").decode())]

    account = reviewed_in_process(tmp_path, (build(b"blue"), build(b"red")), pages=pages)["account-1"]
    assert [(unit.label, unit.note, unit.sources) for unit in account.pages] == [
        ("Page 1", "look changed", (Source("layout file", "templates/layouts/offering.docx", "changed",
                                           "the document's page, styles and theme"),))]
    assert account.provenance == ("layout file changed: templates/layouts/offering.docx",)


def test_the_page_escapes_what_it_shows_and_marks_a_new_slide_as_having_no_before():
    unit = UnitChange("slide", None, "Slide 3: <Risks> & fixes", (), (Segment("new <b>", True),), None,
                      Picture("k1", 1280, 720), (Source("block", "risks", "added", "answers 'risk' <priority>"),),
                      "new slide")
    account = AccountReview("Acme & Sons", "accounts/acme.yaml", (unit,), (), 10, None, ("block added: risks",),
                            ("Slide 9: Plan (was slide 8)",), "")
    review = Review("HEAD", "working tree", (account,), ("Globex",), (), (), (), (), (), {})
    html = render_page(review, {"k1": "0" * 32 + ".png"})
    assert "<h2>Acme &amp; Sons <small>accounts/acme.yaml</small></h2>" in html
    assert "Slide 3: &lt;Risks&gt; &amp; fixes" in html and "<Risks>" not in html
    assert "<ins>new &lt;b&gt;</ins>" in html
    assert '<div class="none">no slide before</div>' in html
    assert f'<img src="images/{"0" * 32}.png" width="1280" height="720"' in html
    assert "10 other slides unchanged." in html and "The document is unchanged." in html
    assert "answers &#39;risk&#39; &lt;priority&gt;" in html
    assert "Moved, otherwise the same: Slide 9: Plan (was slide 8)." in html


def test_a_slide_keeps_its_key_when_only_its_notes_change_and_gets_a_new_one_when_its_text_does(workspace, aspo):
    assert aspo("build", "accounts/acme.yaml", "-o", "one").status == 0
    notes = "Agree the success measures in writing before the pilot starts."
    edit(workspace / PILOT, notes, "Agree the success measures in writing before day one.")
    assert aspo("build", "accounts/acme.yaml", "-o", "two").status == 0
    edit(workspace / PILOT, OLD_SENTENCE, NEW_SENTENCE)
    assert aspo("build", "accounts/acme.yaml", "-o", "three").status == 0
    one, two, three = (slide_keys((workspace / name / "acme/acme-deck.pptx").read_bytes())
                       for name in ("one", "two", "three"))
    assert len(one) == 11 and len(set(one)) == 11
    assert one == two  # the speaker notes are not drawn on the slide
    assert [number for number, (a, b) in enumerate(zip(two, three), start=1) if a != b] == [11]


def test_a_slide_that_only_moved_is_listed_as_moved_and_one_that_moved_and_changed_is_paired(workspace, aspo,
                                                                                              tmp_path):
    from aspo.review.diffing import read_build_folder

    assert aspo("build", "-q", "accounts/acme.yaml", "-o", "before").status == 0
    # the multi-plant scenario no longer matches Acme's industry or size: it drops below the castings scenario
    edit(workspace / "templates/scenarios/multi-plant-reliability-review.yaml", "industry: manufacturing",
         "industry: logistics")
    edit(workspace / "templates/scenarios/multi-plant-reliability-review.yaml", "company_size: enterprise",
         "company_size: mid-market")
    assert aspo("build", "-q", "accounts/acme.yaml", "-o", "after").status == 0
    found = reviewed_in_process(tmp_path / "pictures", (read_build_folder(workspace / "before/acme"),
                                                        read_build_folder(workspace / "after/acme")))
    account = found["account-1"]
    assert [unit.label for unit in account.slides] == [
        "Slide 8 → 9: One reliability review for four plants, without the spreadsheets"]
    assert account.unchanged_slides == 10  # of 11
    assert account.moved == ("Slide 8: Getting new technicians productive in weeks, not months (was slide 9)",)


def test_pages_with_the_same_text_are_candidates_when_the_styles_changed_or_their_words_moved(tmp_path):
    """Every page drawn here looks different (InstantPictures): the pages shown are the candidates."""
    import io
    import zipfile

    def docx(body: bytes, styles: bytes) -> dict[str, bytes]:
        data = io.BytesIO()
        with zipfile.ZipFile(data, "w") as package:
            package.writestr("word/document.xml", body)
            package.writestr("word/styles.xml", styles)
        return {"x-offering.docx": data.getvalue()}

    def pages(data: bytes) -> list[tuple[str, str]]:  # on the second side the last page's words moved
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            before = package.read("word/document.xml") == b"one"
        return ([("cover", "c"), ("one", "1"), ("two", "2")] if before
                else [("cover", "c"), ("one!", "1!"), ("two", "2 lower")])

    def shown(before: dict[str, bytes], after: dict[str, bytes]) -> list[tuple[str, str]]:
        account = reviewed_in_process(tmp_path, (before, after), pages=pages)["account-1"]
        assert account.unchanged_pages == 3 - len(account.pages)
        return [(unit.label, unit.note) for unit in account.pages]

    assert shown(docx(b"one", b"blue"), docx(b"one!", b"red")) == [
        ("Page 1", "look changed"), ("Page 2", "text changed"), ("Page 3", "look changed")]
    assert shown(docx(b"one", b"blue"), docx(b"one!", b"blue")) == [
        ("Page 2", "text changed"), ("Page 3", "look changed")]


def test_a_drawn_page_reads_as_text_views_show_it_symbol_bullets_and_no_break_spaces_included(tmp_path):
    """pdftotext reads a Word template's Symbol bullet as U+F0B7, which the page would show as a box, and the
    no-break spaces the renderers keep a phone number together with as changes: neither is one."""
    import io
    import zipfile

    def docx(body: bytes) -> dict[str, bytes]:
        data = io.BytesIO()
        with zipfile.ZipFile(data, "w") as package:
            package.writestr("word/document.xml", body)
        return {"x-offering.docx": data.getvalue()}

    def pages(data: bytes) -> list[tuple[str, str]]:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            before = package.read("word/document.xml") == b"before"
        if before:
            return [("Plan\n\uf0b7 Call +1 402 555 0187\n\uf0a7 one question", "1")]
        return [("Plan\n\uf0b7 Call +1\u00a0402\u00a0555\u00a00187\n\uf0a7 a single question", "1!")]

    account = reviewed_in_process(tmp_path, (docx(b"before"), docx(b"after")), pages=pages)["account-1"]
    (page,) = account.pages  # its one changed line, and the line before it (the title's is cut: '…')
    assert page.before_text == (Segment("…\n\u2022 Call +1 402 555 0187\n\u25aa ", False), Segment("one", True),
                                Segment(" question", False))
    assert page.after_text == (Segment("…\n\u2022 Call +1 402 555 0187\n\u25aa ", False),
                               Segment("a single", True), Segment(" question", False))
    assert page_text("  \uf0b7  Meridian\u2060\u00a0\u2060Predict\n\n \n") == "\u2022 Meridian Predict"


def test_two_output_folders_pair_accounts_by_folder_and_tell_accounts_on_one_side(workspace, aspo):
    from aspo.review.comparison import compare_folders

    assert aspo("build", "-q", "accounts/", "-o", "one").status == 0
    (workspace / "accounts/acme.yaml").rename(workspace / "accounts/acme-packaging.yaml")
    (workspace / "accounts/globex.yaml").unlink()
    assert aspo("build", "-q", "accounts/", "-o", "two").status == 0
    (workspace / "two/notes").mkdir()  # not an account's outputs
    comparison = compare_folders(workspace / "one", workspace / "two")
    assert {a.name: a.status for a in comparison.accounts} == {
        "acme": "gone", "acme-packaging": "new", "globex": "gone", "northwind-health": "unchanged"}
    # the same library on both sides: only Globex's own blocks and scenarios are no longer used by any build
    assert {change.change for change in comparison.library} == {"no longer used"}
    assert ("block", "next-steps-rollout-plan") in {(change.kind, change.id) for change in comparison.library}
    result = aspo("diff", "one", "two")
    assert result.status == 1
    assert "Only in one/acme: acme-deck.pptx" in result.out and "Only in two/acme-packaging: " in result.out


def test_html_without_libreoffice_or_poppler_is_one_line_naming_the_packages(workspace, aspo, monkeypatch):
    monkeypatch.setenv("PATH", str(workspace / "no-programs-here"))
    monkeypatch.delenv("ASPO_SOFFICE", raising=False)
    result = aspo("diff", "--rev", "HEAD", "--html", "review", "accounts/")
    assert (result.status, result.out, result.err) == (2, "", MISSING_TOOLS)
    assert not (workspace / "review").exists()


def test_html_refuses_a_folder_whose_index_html_aspo_did_not_write(workspace, aspo):
    (workspace / "site").mkdir()
    (workspace / "site/index.html").write_text("<h1>our team page</h1>\n")
    result = aspo("diff", "--rev", "HEAD", "--html", "site", "accounts/")
    assert result.status == 2
    assert result.err == ("aspo: error: site/index.html: --html: was not written by aspo diff; choose another "
                          "folder, or remove site/index.html first\n")
    assert (workspace / "site/index.html").read_text() == "<h1>our team page</h1>\n"


def test_html_refuses_a_folder_under_a_file_before_building_anything(workspace, aspo):
    (workspace / "notes.txt").write_text("mine\n")
    result = aspo("diff", "--rev", "HEAD", "--html", "notes.txt/review", "accounts/")
    assert (result.status, result.out) == (2, "")
    assert result.err == ("aspo: error: notes.txt: --html: is not a folder; name a folder for the review page\n")
    assert (workspace / "notes.txt").read_text() == "mine\n"


def test_diff_rev_of_a_folder_prints_each_changed_account_and_a_line_for_each_that_fails(workspace, aspo):
    committed(workspace)
    edit(workspace / PILOT, OLD_SENTENCE, NEW_SENTENCE)
    broken = (workspace / "accounts/acme.yaml").read_text().replace("name: Acme Packaging", "name: Broken Co")
    broken, count = re.subn(r"^stage: .*$", "stage: nope", broken, flags=re.M)
    assert count == 1
    (workspace / "accounts/broken.yaml").write_text(broken)
    result = aspo("diff", "--rev", "HEAD", "accounts/")
    assert result.status == 2
    assert "+++ working-tree/acme-deck-presenter.pptx" in result.out
    assert "globex" not in result.out and "northwind" not in result.out
    stage_line = next(n for n, line in enumerate(broken.splitlines(), 1) if line.startswith("stage:"))
    assert result.err == (f"aspo: error: accounts/broken.yaml:{stage_line}: stage: unknown stage 'nope' (valid: "
                          "awareness, consideration, decision) (at HEAD and in the working tree)\n")


def test_a_block_that_fails_to_render_at_the_revision_fails_the_accounts_using_it_and_names_each(workspace, aspo):
    block = workspace / PILOT
    good = block.read_text()
    edit(block, OLD_SENTENCE, "{{ meeting.goal }} " + OLD_SENTENCE)
    committed(workspace)
    block.write_text(good)
    result = aspo("diff", "--rev", "HEAD", "accounts/")
    assert result.status == 2
    assert re.fullmatch(r"aspo: error: HEAD:templates/blocks/next-steps-pilot\.md:\d+: .*meeting\.goal.* "
                        r"\(building accounts/acme\.yaml at HEAD\)\n", result.err), result.err
    assert result.out == ""  # Globex and Northwind do not use the block: nothing else to show


def test_diff_rev_names_broken_files_at_the_revision_as_git_does(workspace, aspo):
    outline, pains = workspace / "templates/outline.yaml", workspace / "templates/pains.yaml"
    good_outline, good_pains = outline.read_text(), pains.read_text()
    outline.write_text(good_outline + "broken: [\n")
    pains.write_text(good_pains + "broken: [\n")
    committed(workspace)
    outline.write_text(good_outline)
    pains.write_text(good_pains)
    result = aspo("diff", "--rev", "HEAD", "accounts/acme.yaml")
    assert result.status == 2
    lines = sorted(result.err.splitlines())
    assert len(lines) == 2, result.err
    assert re.fullmatch(r"aspo: error: HEAD:templates/outline\.yaml:\d+: invalid YAML: .*", lines[0]), result.err
    assert re.fullmatch(r"aspo: error: HEAD:templates/pains\.yaml:\d+: invalid YAML: .*", lines[1]), result.err


def test_diff_of_two_output_folders_of_many_accounts_pairs_them_by_name(workspace, aspo):
    assert aspo("build", "-q", "accounts/", "-o", "before").status == 0
    edit(workspace / PILOT, OLD_SENTENCE, NEW_SENTENCE)
    assert aspo("build", "-q", "accounts/", "-o", "after").status == 0
    result = aspo("diff", "before", "after")
    assert result.status == 1
    assert "--- before/acme/acme-deck-presenter.pptx\n+++ after/acme/acme-deck-presenter.pptx\n" in result.out
    assert f"+{NEW_SENTENCE}" in result.out
    assert "globex" not in result.out
    assert aspo("diff", "before", "before").out == "no differences\n"


# --- the picture cache and the page's folder, with stand-ins for LibreOffice and poppler ----------------------------

# Stand-ins for LibreOffice, pdftoppm and pdftotext, each logging its runs to $FAKE_LOG: a whole PDF per source
# holding the source's hash; the pixels (PPM, 1280 x 720) of each page drawn, the first of them the PDF's hash and
# the page number; a page's text.
FAKE_TOOLS = {
    "soffice": r'''
import hashlib, os, sys
open(os.environ["FAKE_LOG"], "a").write("soffice\n")
args = sys.argv[1:]
out = args[args.index("--outdir") + 1]
os.makedirs(out, exist_ok=True)
for source in args[args.index("--outdir") + 2:]:
    body = b"%PDF-1.4\n%% " + hashlib.sha256(open(source, "rb").read()).hexdigest().encode() * 8 + b"\n"
    with open(os.path.join(out, os.path.splitext(os.path.basename(source))[0] + ".pdf"), "wb") as stream:
        stream.write(body + b"startxref\n%d\n%%%%EOF\n" % len(body))
''',
    "pdftoppm": r'''
import hashlib, os, struct, sys, zlib
open(os.environ["FAKE_LOG"], "a").write("pdftoppm\n")
args = sys.argv[1:]
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
pdf, prefix = args[-2:]
for page in range(int(args[args.index("-f") + 1]), int(args[args.index("-l") + 1]) + 1):
    shows = hashlib.sha256(open(pdf, "rb").read() + str(page).encode()).hexdigest().encode()
    with open("%s-%02d.ppm" % (prefix, page), "wb") as ppm:  # padded, as pdftoppm pads to its page count's width
        ppm.write(b"P6\n1280 720\n255\n" + shows + bytes(1280 * 720 * 3 - len(shows)))
''',
    "pdftotext": r'''
import hashlib, os, sys
open(os.environ["FAKE_LOG"], "a").write("pdftotext\n")
print("page of", hashlib.sha256(open(sys.argv[-2], "rb").read()).hexdigest(), end="\f")
''',
}


@pytest.fixture
def fake_tools(tmp_path, monkeypatch):
    """The stand-ins as pictures.Tools, first on PATH and named by ASPO_SOFFICE; their runs, by program."""
    from aspo.review.pictures import Tools

    folder = tmp_path / "fake-bin"
    folder.mkdir()
    for name, program in FAKE_TOOLS.items():
        (folder / name).write_text(f"#!{sys.executable}\n{program}")
        (folder / name).chmod(0o755)
    log = tmp_path / "fake-runs.log"
    monkeypatch.setenv("FAKE_LOG", str(log))
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("ASPO_SOFFICE", str(folder / "soffice"))

    def runs() -> dict[str, int]:
        lines = log.read_text().split() if log.exists() else []
        return {name: lines.count(name) for name in FAKE_TOOLS}

    return Tools(*(str(folder / name) for name in FAKE_TOOLS)), runs


def test_consecutive_pages_of_a_pdf_are_drawn_by_one_pdftoppm(tmp_path, fake_tools):
    from PIL import Image

    from aspo.review.pictures import Job, PictureCache

    tools, runs = fake_tools
    with PictureCache(tools, root=tmp_path / "cache", jobs=2) as cache:
        [pdf] = cache.pdfs({"acme-deck.pptx": b"the deck"}).values()
        jobs = [Job(cache.picture_key("slide", str(page)), pdf, page, 96) for page in (3, 1, 2, 5)]
        cache.draw(jobs)
        assert runs()["pdftoppm"] == 2  # pages 1 to 3, then page 5
        for job in jobs:  # each kept under its own page's key, as a PNG of the pixels drawn
            with Image.open(cache.picture_path(job.key), formats=["PNG"]) as picture:
                shown = picture.tobytes()[:64]
            assert shown == hashlib.sha256(pdf.read_bytes() + str(job.page).encode()).hexdigest().encode()
        cache.draw(jobs)
        assert runs()["pdftoppm"] == 2  # all in the cache


def test_a_damaged_cache_entry_is_made_again_and_a_whole_one_is_used(tmp_path, fake_tools):
    from aspo.review.pictures import Job, PictureCache, png_size

    tools, runs = fake_tools
    with PictureCache(tools, root=tmp_path / "cache") as cache:
        [pdf] = cache.pdfs({"acme-deck.pptx": b"the deck"}).values()
        job = Job(cache.picture_key("slide", "1"), pdf, 1, 96)
        cache.draw([job])
        picture, whole = cache.picture_path(job.key), (pdf.read_bytes(), cache.picture_path(job.key).read_bytes())
        assert png_size(picture) == (1280, 720) and runs() == {"soffice": 1, "pdftoppm": 1, "pdftotext": 0}
        assert cache.pdfs({"acme-deck.pptx": b"the deck"}) == {"acme-deck.pptx": pdf}
        cache.draw([job])
        assert runs() == {"soffice": 1, "pdftoppm": 1, "pdftotext": 0}  # whole entries: nothing made again
        # emptied (a full disk), a PDF cut short, a picture cut short (a copy killed half-way)
        for damaged in ((b"", b""), (whole[0][:-20], whole[1]), (whole[0], whole[1][:-5])):
            pdf.write_bytes(damaged[0])
            picture.write_bytes(damaged[1])
            assert cache.pdfs({"acme-deck.pptx": b"the deck"}) == {"acme-deck.pptx": pdf}
            cache.draw([job])
            assert (pdf.read_bytes(), picture.read_bytes()) == whole
            assert cache.page_texts(pdf) == ["page of " + hashlib.sha256(whole[0]).hexdigest()]
        assert runs() == {"soffice": 3, "pdftoppm": 3, "pdftotext": 3}
        assert not [p for p in (tmp_path / "cache").rglob("*") if p.name.startswith(".")]  # no temporary file left


def test_a_cache_folder_that_cannot_be_used_is_done_without_saying_so_once(workspace, aspo, fake_tools, monkeypatch):
    (workspace / "cache").write_text("a file where the cache folder should be\n")
    monkeypatch.setenv("ASPO_CACHE_DIR", str(workspace / "cache"))
    assert aspo("build", "-q", "-o", "one", "accounts/acme.yaml").status == 0
    edit(workspace / PILOT, OLD_SENTENCE, NEW_SENTENCE)
    assert aspo("build", "-q", "-o", "two", "accounts/acme.yaml").status == 0
    temporary = workspace / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    done = aspo("diff", "one", "two", "--html", "review")
    assert done.err == ("aspo: warning: cache/pictures: cannot keep pictures there (a file is where a folder should "
                        "be); this review draws them without the cache\n")
    assert (done.status, done.out) == (1, "review/index.html: 1 account changed (1 slide, 1 page), 0 unchanged, "
                                          "0 failed\n")
    assert len(list((workspace / "review/images").iterdir())) == 4
    assert (workspace / "cache").read_text() == "a file where the cache folder should be\n"
    assert list(temporary.iterdir()) == []  # the scratch folder that stood in for the cache is gone


def test_the_review_page_never_writes_or_removes_through_a_link_even_one_made_after_the_check(tmp_path, monkeypatch):
    from aspo.review import page as page_module

    monkeypatch.chdir(tmp_path)
    picture = tmp_path / "cache" / "picture.png"
    picture.parent.mkdir()
    picture.write_bytes(b"\x89PNG\r\n\x1a\n a picture")
    shown = Review("before", "after", (), (), (), (), (), (), (), {"key": picture})
    folder, outside = tmp_path / "review", tmp_path / "outside"
    outside.mkdir()
    stale = "0123456789abcdef0123456789abcdef.png"  # named as aspo names pictures
    (outside / stale).write_text("someone else's\n")
    page_module.write_review(shown, folder)
    (folder / "images" / stale).symlink_to(outside / stale)  # a picture-named link: not aspo's to remove
    page_module.write_review(shown, folder)
    assert (folder / "images" / stale).is_symlink() and (outside / stale).read_text() == "someone else's\n"
    shutil.rmtree(folder / "images")
    (folder / "images").symlink_to(outside)  # as if made between the check and the writing
    monkeypatch.setattr(page_module, "refuse_foreign", lambda *args: None)
    with pytest.raises(AspoError) as refused:
        page_module.write_review(shown, folder)
    assert str(refused.value) == "review/images: --html: is a link; aspo writes a real folder here and will not " \
                                 "follow it"
    assert sorted(p.name for p in outside.iterdir()) == [stale] and (outside / stale).read_text() == "someone else's\n"


# --- with LibreOffice: one review, shared by the checks below --------------------------------------------------------

def need_tools() -> None:
    skip_unless_installed("LibreOffice (soffice)" if not SOFFICE else "pdftoppm and pdftotext (poppler-utils)"
                          if not POPPLER else None)


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory) -> dict:
    """The issue's check: one sentence of one block changed, then `aspo diff --rev HEAD --html review/ accounts/`,
    twice (the second finds every picture in the cache), with LibreOffice started through a wrapper that counts
    its runs."""
    need_tools()
    root = tmp_path_factory.mktemp("review")
    for folder in ("templates", "accounts"):  # the English library, as `workspace` has it (conftest.TRANSLATED)
        shutil.copytree(REPO / folder, root / folder, ignore=without_translations)
    committed(root)
    edit(root / PILOT, OLD_SENTENCE, NEW_SENTENCE)
    runs = root / "soffice-runs.log"
    wrapper = root / "bin" / "soffice"
    wrapper.parent.mkdir()
    wrapper.write_text(f'#!/bin/sh\necho run >> "{runs}"\nexec "{SOFFICE}" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    env = {**os.environ, "ASPO_SOFFICE": str(wrapper), "ASPO_CACHE_DIR": str(root / "cache")}
    env.pop("SOURCE_DATE_EPOCH", None)

    def run() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "aspo", "diff", "--rev", "HEAD", "--html", "review/",
                               "accounts/"], cwd=root, env=env, capture_output=True, text=True, timeout=600)

    first = run()
    page = (root / "review/index.html").read_bytes()
    pictures = {p.name: p.read_bytes() for p in (root / "review/images").iterdir()}
    runs_after_first = runs.read_text().count("run") if runs.exists() else 0
    second = run()
    return {"root": root, "first": first, "second": second, "page": page, "pictures": pictures,
            "runs_after_first": runs_after_first, "runs": runs}


def test_the_review_page_shows_before_and_after_pictures_of_each_changed_slide_and_page(reviewed):
    first, root = reviewed["first"], reviewed["root"]
    assert first.returncode == 1, first.stderr  # something changed
    assert first.stderr == ""
    assert first.stdout == ("review/index.html: 1 account changed (1 slide, 1 page), 2 unchanged, 0 failed\n")
    page = Page(reviewed["page"].decode("utf-8"))
    alts = [image["alt"] for image in page.images]
    assert alts == ["Slide 11: Plan and next step, before", "Slide 11: Plan and next step, after",
                    "Page 3, before", "Page 3, after"]
    for image in page.images:
        data = (root / "review" / image["src"]).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        assert int(image["width"]) > 0 and int(image["height"]) > 0
    sources = [image["src"] for image in page.images]
    assert sources[0] != sources[1] and sources[2] != sources[3]  # the sentence drew differently
    assert sorted(reviewed["pictures"]) == sorted(Path(src).name for src in sources)


def test_the_review_page_highlights_the_sentence_and_names_the_block_and_its_owner(reviewed):
    html = reviewed["page"].decode("utf-8")
    assert "A pilot should answer <del>one</del> question" in html
    assert "A pilot should answer <ins>a single</ins> question" in html
    page = Page(html)
    assert list(page.sections) == ["account-1"]  # only the account that uses the block
    section = " ".join(page.sections["account-1"].split())
    assert section.startswith("Acme Packaging accounts/acme.yaml block changed: next-steps-pilot")
    assert "block next-steps-pilot changed" in section  # the slide's provenance
    assert "Globex" not in html and "Northwind" not in html
    summary = " ".join(re.sub(r"<[^>]+>", " ", html.split('<section id="summary">')[1].split("</table>")[0]).split())
    assert "1 account changed 2 unchanged 0 failed" in summary
    assert "block next-steps-pilot changed dana.whitfield@meridianops.example Acme Packaging" in summary


def test_the_review_page_needs_nothing_from_the_network(reviewed):
    html = reviewed["page"].decode("utf-8")
    page = Page(html)
    assert page.links and all(not re.match(r"[a-z]+:", link) for link in page.links), page.links
    assert "url(" not in html and "@import" not in html


def test_a_second_review_of_the_same_change_draws_nothing_and_writes_the_same_page(reviewed):
    second, root = reviewed["second"], reviewed["root"]
    assert second.returncode == 1, second.stderr
    # LibreOffice ran once per core at most (4 files: both sides' deck and document), all in the first review...
    assert 1 <= reviewed["runs_after_first"] <= min(4, len(os.sched_getaffinity(0)))
    assert reviewed["runs"].read_text().count("run") == reviewed["runs_after_first"]  # ...and not in the second
    assert (root / "review/index.html").read_bytes() == reviewed["page"]
    assert {p.name: p.read_bytes() for p in (root / "review/images").iterdir()} == reviewed["pictures"]


@pytest.fixture
def in_review(reviewed, monkeypatch):
    """The review's project as the working directory, its picture cache and its counting LibreOffice, for the CLI
    run in process."""
    monkeypatch.chdir(reviewed["root"])
    monkeypatch.setenv("ASPO_CACHE_DIR", str(reviewed["root"] / "cache"))
    monkeypatch.setenv("ASPO_SOFFICE", str(reviewed["root"] / "bin/soffice"))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return reviewed


def test_two_output_folders_give_the_same_pictures_from_the_cache(in_review, aspo, tmp_path):
    shutil.copytree(in_review["root"] / "templates", tmp_path / "templates")
    edit(tmp_path / PILOT, NEW_SENTENCE, OLD_SENTENCE)
    assert aspo("build", "-q", "--templates", tmp_path / "templates", "-o", tmp_path / "before",
                "accounts/").status == 0
    assert aspo("build", "-q", "-o", tmp_path / "after", "accounts/").status == 0
    done = aspo("diff", tmp_path / "before", tmp_path / "after", "--html", tmp_path / "page")
    assert done.status == 1, done.err
    assert done.out.endswith(": 1 account changed (1 slide, 1 page), 2 unchanged, 0 failed\n"), done.out
    assert in_review["runs"].read_text().count("run") == in_review["runs_after_first"]  # all from the cache
    html = (tmp_path / "page/index.html").read_text()
    assert sorted(p.name for p in (tmp_path / "page/images").iterdir()) == sorted(in_review["pictures"])
    assert "A pilot should answer <ins>a single</ins> question" in html
    # the manifests say which block changed; who owns it is not in them
    summary = " ".join(re.sub(r"<[^>]+>", " ", html.split('<table class="library">')[1].split("</table>")[0]).split())
    assert "block next-steps-pilot changed — acme" in summary


def test_an_account_failing_at_either_side_is_on_the_page_with_its_line_and_exits_2(in_review, aspo, tmp_path):
    broken = (in_review["root"] / "accounts/acme.yaml").read_text().replace("name: Acme Packaging", "name: Broken Co")
    broken = re.sub(r"^stage: .*$", "stage: nope", broken, flags=re.M)
    target = tmp_path / "accounts"
    target.mkdir()
    shutil.copy(in_review["root"] / "accounts/acme.yaml", target)
    (target / "broken.yaml").write_text(broken)
    done = aspo("diff", "--rev", "HEAD", "--html", tmp_path / "page", target)
    assert done.status == 2, done.err
    assert re.fullmatch(r"aspo: error: \S*broken\.yaml:\d+: stage: unknown stage 'nope' \(valid: awareness, "
                        r"consideration, decision\) \(at HEAD and in the working tree\)\n", done.err), done.err
    html = (tmp_path / "page/index.html").read_text()
    failed = " ".join(re.sub(r"<[^>]+>", " ", html.split('<ul class="failed">')[1].split("</ul>")[0]).split())
    # it could not be read, so it goes by its file's name
    assert re.fullmatch(r"broken : \S*broken\.yaml:\d+: stage: unknown stage &#39;nope&#39; \(valid: awareness, "
                        r"consideration, decision\) \(at HEAD and in the working tree\)", failed), failed


def test_an_account_whose_document_libreoffice_skips_fails_alone_with_its_line(in_review, aspo, tmp_path,
                                                                               monkeypatch):
    # LibreOffice exits 0 when it could not load a file; this wrapper hands it the decks only
    wrapper = tmp_path / "soffice"
    wrapper.write_text("#!/usr/bin/env python3\nimport os, sys\n"
                       f"args = [a for a in sys.argv[1:] if not a.endswith('.docx')]\nos.execv({SOFFICE!r}, "
                       f"[{SOFFICE!r}, *args])\n")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("ASPO_SOFFICE", str(wrapper))
    monkeypatch.setenv("ASPO_CACHE_DIR", str(tmp_path / "cache"))
    done = aspo("diff", "--rev", "HEAD", "--html", tmp_path / "page", "accounts/acme.yaml")
    assert done.status == 2, done.err
    assert done.err == ("aspo: error: accounts/acme.yaml: LibreOffice could not convert acme-offering.docx to PDF, "
                        "so it cannot be drawn\n")
    assert "0 accounts changed" in done.out and "1 failed" in done.out


def test_html_with_nothing_changed_says_so_on_the_page_and_exits_0(workspace, aspo):
    need_tools()  # looked for before anything is built, though nothing will be drawn
    committed(workspace)
    result = aspo("diff", "--rev", "HEAD", "--html", "review", "accounts/")
    assert result.status == 0, result.err
    assert result.out == "review/index.html: 0 accounts changed (0 slides, 0 pages), 3 unchanged, 0 failed\n"
    html = (workspace / "review/index.html").read_text()
    assert "<p>No account's deck or document changed.</p>" in html
    assert list((workspace / "review/images").iterdir()) == []


def test_a_terminal_is_told_what_the_review_is_doing(in_review):
    import pty

    leader, follower = pty.openpty()
    done = subprocess.run([sys.executable, "-m", "aspo", "diff", "--rev", "HEAD", "--html", "review/", "accounts/"],
                          cwd=in_review["root"], stdout=subprocess.PIPE, stderr=follower, text=True, timeout=600)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal's other end is closed: all of it was read
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert done.returncode == 1
    assert shown.decode().splitlines() == ["aspo: comparing 3 accounts at HEAD and in the working tree",
                                           "aspo: finding the changed slides and pages of 1 account"]
    assert "aspo:" not in done.stdout  # progress goes to the terminal, the summary to stdout


# --- in a real browser ---------------------------------------------------------------------------------------------

def test_headless_chromium_shows_the_page_with_every_picture_loaded(reviewed, tmp_path):
    skip_unless_installed(None if BROWSER else "chromium (Debian's chromium package)", ("ASPO_REQUIRE_BROWSER",),
                          "this check")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_unless_installed("playwright (pip install playwright)", ("ASPO_REQUIRE_BROWSER",), "this check")
    page_file = reviewed["root"] / "review/index.html"
    screenshot = Path(os.environ.get("ASPO_SCREENSHOTS", tmp_path)) / "review-page.png"
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        browser = playwright.chromium.launch_persistent_context(
            profile, executable_path=BROWSER, headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": 1400, "height": 900})
        try:
            requests: list[str] = []
            page = browser.new_page()
            page.on("request", lambda request: requests.append(request.url))
            page.goto(page_file.as_uri(), wait_until="load")
            widths = page.evaluate("Array.from(document.images, image => image.complete ? image.naturalWidth : 0)")
            text = page.inner_text("body")
            page.keyboard.press("j")
            current = page.evaluate("document.activeElement.id")
            page.screenshot(path=str(screenshot), full_page=True)
            # the follow-up e-mail's HTML body, in the same browser: a page aspo makes too
            message = email.message_from_bytes((REPO / "output/acme/acme-follow-up.eml").read_bytes(),
                                               policy=email.policy.default)
            mail_page = tmp_path / "follow-up.html"
            mail_page.write_text(message.get_body(("html",)).get_content(), encoding="utf-8")
            page.goto(mail_page.as_uri(), wait_until="load")
            mail_shown = page.inner_text("body")
            mail_items = page.evaluate("Array.from(document.querySelectorAll('li'), item => item.innerText)")
        finally:
            browser.close()
    plain_text = message.get_body(("plain",)).get_content()
    assert " ".join(mail_shown.split()) == " ".join(plain_text.replace("\n- ", "\n").split())
    assert mail_items == [line[2:] for line in plain_text.splitlines() if line.startswith("- ")] and mail_items
    assert len(widths) == 4 and all(width > 0 for width in widths), widths
    assert NEW_SENTENCE in " ".join(text.split())
    assert current == "account-1-slide-1"  # j moves to the first change
    assert all(url.startswith("file://") for url in requests), requests
    assert screenshot.read_bytes().startswith(b"\x89PNG")


def printable_review(root: Path) -> Review:
    """A review long enough to print on several pages: slides and document pages with short and long texts, a new
    and a gone slide, two accounts; its pictures two plain PNGs, of a slide's and a page's size."""
    from PIL import Image

    root.mkdir(parents=True, exist_ok=True)
    pictures: dict[str, Path] = {}
    plain = {}
    for size in ((1280, 720), (827, 1169)):
        plain[size] = root / f"{size[0]}x{size[1]}.png"
        Image.new("RGB", size, (30, 40, 80)).save(plain[size], compress_level=1)

    def drawn(key: str, size: tuple[int, int]) -> Picture:
        pictures[key] = plain[size]
        return Picture(key, *size)

    def change(kind: str, number: int, lines: int, before: bool = True, after: bool = True) -> UnitChange:
        label = f"Slide {number}: Plan and next step" if kind == "slide" else f"Page {number}"
        size = (1280, 720) if kind == "slide" else (827, 1169)
        text = "\n".join(f"line {n} of what {label} says, long enough to wrap once on paper" for n in range(lines))
        return UnitChange(
            kind, label if before else None, label if after else None,
            (Segment(text, False), Segment(" one", True)) if before else (),
            (Segment(text, False), Segment(" a single", True)) if after else (),
            drawn(f"{kind}-{number}-before", size) if before else None,
            drawn(f"{kind}-{number}-after", size) if after else None,
            (Source("block", "next-steps-pilot", "changed", "the consideration stage's next step"),
             Source("layout file", "templates/layouts/deck.pptx", "changed", "the deck's slide layouts")),
            "text changed" if before and after else "new " + kind if after else kind + " gone")

    acme = AccountReview(
        "Acme Packaging", "accounts/acme.yaml",
        tuple(change("slide", n, lines) for n, lines in enumerate((3, 24, 8, 2, 16), start=1))
        + (change("slide", 6, 4, before=False), change("slide", 7, 5, after=False)),
        tuple(change("page", n, lines) for n, lines in enumerate((6, 3), start=2)),
        4, 1, ("block changed: next-steps-pilot",), (), "")
    globex = AccountReview("Globex Foods", "accounts/globex.yaml",
                           tuple(change("slide", n, 6) for n in range(1, 4)), (), 8, None, (), (), "")
    return Review("HEAD", "working tree", (acme, globex), (), (), (), (), (), (), pictures)


def test_printed_each_before_after_pair_stays_on_one_page_and_no_heading_ends_a_page(tmp_path):
    """Printed from Chromium on Letter and A4 paper and read back with pdftotext: every change's heading and both
    its captions on one page (its pictures between them), and words below every heading on its page."""
    skip_unless_installed(None if BROWSER else "chromium (Debian's chromium package)", ("ASPO_REQUIRE_BROWSER",),
                          "this check")
    skip_unless_installed(None if POPPLER else "pdftotext (poppler-utils)", ("ASPO_REQUIRE_BROWSER",), "this check")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_unless_installed("playwright (pip install playwright)", ("ASPO_REQUIRE_BROWSER",), "this check")
    from drawn import words_drawn
    from printed import check_printed_review

    from aspo.review.page import write_review

    review = printable_review(tmp_path / "pictures")
    page_file = write_review(review, tmp_path / "review")
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        browser = playwright.chromium.launch_persistent_context(profile, executable_path=BROWSER, headless=True,
                                                                args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page()
            page.goto(page_file.as_uri(), wait_until="load")
            for paper in ("Letter", "A4"):
                page.pdf(path=str(tmp_path / f"{paper}.pdf"), format=paper)
        finally:
            browser.close()
    for paper in ("Letter", "A4"):
        printed = words_drawn(tmp_path / f"{paper}.pdf")
        assert len(printed) >= 6, f"{paper}: {len(printed)} pages, too few to tell"  # the rules had pages to break
        assert check_printed_review(printed, review) == [], paper
