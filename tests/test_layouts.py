"""aspo layouts show and use: any PowerPoint template is read by its placeholders' types and positions, and
adopted with one command that maps the outline by what each section needs."""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import line_of
from pptx import Presentation
from pptx.util import Emu

ACME = "accounts/acme.yaml"


def rewrite_parts(source: bytes, change) -> bytes:
    """The package with `change(name, text) -> text` applied to each XML part."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename.endswith(".xml"):
                data = change(info.filename, data.decode("utf-8")).encode("utf-8")
            new.writestr(info, data)
    return out.getvalue()


def default_template() -> bytes:
    out = io.BytesIO()
    Presentation().save(out)  # python-pptx's own default: 4:3, 11 layouts, English names
    return out.getvalue()


def libreoffice_style(source: bytes, rename: dict[str, str] | None = None) -> bytes:
    """The template as LibreOffice writes it: layout placeholders without idx, layout names in another
    language (what `layouts use` must not depend on)."""
    def change(name: str, text: str) -> str:
        if name.startswith("ppt/slideLayouts/"):
            text = re.sub(r'(<p:ph[^>]*?) idx="\d+"', r"\1", text)
            for old, new in (rename or {}).items():
                text = text.replace(f'<p:cSld name="{old}"', f'<p:cSld name="{new}"')
        return text

    return rewrite_parts(source, change)


GERMAN = {"Title Slide": "Titelfolie", "Title and Content": "Titel und Inhalt", "Two Content": "Zwei Inhalte",
          "Section Header": "Abschnittsüberschrift", "Comparison": "Vergleich"}


@pytest.fixture
def german(workspace) -> Path:
    path = workspace / "Vorlage.pptx"
    path.write_bytes(libreoffice_style(default_template(), GERMAN))
    return path


def test_show_lists_each_layout_once_quoted_with_its_placeholders_by_role(german, aspo):
    result = aspo("layouts", "show", german)
    assert result.status == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "Vorlage.pptx: PowerPoint template"
    assert lines[1] == "  slides 4:3 (25.4 x 19.1 cm), 1 slide master, 11 layouts"
    layouts = [line for line in lines if line.startswith("layout ")]
    assert layouts[:4] == ["layout 'Titelfolie'", "layout 'Titel und Inhalt'", "layout 'Abschnittsüberschrift'",
                           "layout 'Zwei Inhalte'"]
    assert len(layouts) == len(set(layouts)) == 11
    two = lines.index("layout 'Zwei Inhalte'")
    assert lines[two + 1:two + 4] == [
        "  title 'Title 1', 44 pt: 22.9 x 3.2 cm at 1.3, 0.8 cm",
        "  body 'Content Placeholder 2', 28 pt: 11.2 x 12.6 cm at 1.3, 4.4 cm",
        "  body 'Content Placeholder 3', 28 pt: 11.2 x 12.6 cm at 12.9, 4.4 cm",
    ]
    assert "  fonts: 'Calibri' for headings, 'Calibri' for body text" in lines
    assert "  colour accent1: #4F81BD" in lines


def test_show_as_json_for_tools(german, aspo):
    result = aspo("layouts", "show", german, "--format", "json")
    description = json.loads(result.out)
    assert description["slide"] == {"aspect": "4:3", "width": 9144000, "height": 6858000}
    two = next(layout for layout in description["layouts"] if layout["name"] == "Zwei Inhalte")
    assert two["type"] == "twoObj"
    assert [ph["role"] for ph in two["placeholders"]] == ["title", "body", "body", "date", "footer", "slide number"]


def test_show_names_the_masters_where_a_layout_name_repeats():
    from aspo.office.deck_template import DeckTemplate, SlideLayout
    from aspo.office.description import deck_lines, describe_deck

    deck = DeckTemplate(Path("brand.pptx"), (SlideLayout("Title, Content", True, 1, master=1),
                                             SlideLayout("Title, Content", True, 1, master=2)))
    labels = [label for label, _ in deck_lines(describe_deck(deck))]
    assert labels == ["PowerPoint template",
                      "layout 'Title, Content' (also in master 2, which its name does not select)"]
    assert deck.names() == "'Title, Content'"


def test_use_maps_every_section_by_what_it_needs_and_keeps_outline_comments(german, workspace, aspo):
    before = (workspace / "templates/outline.yaml").read_text(encoding="utf-8")
    result = aspo("layouts", "use", german)
    assert result.status == 0, result.out + result.err
    out = result.out.splitlines()
    assert out[0] == "Adopted Vorlage.pptx as templates/layouts/Vorlage.pptx; templates/outline.yaml:"
    assert out[1] == "  sections[0] title       'Titelfolie': a title and a subtitle"
    assert out[2] == "  sections[1] agenda      'Titel und Inhalt': a title and a text placeholder of 22.9 x 12.6 cm"
    assert out[6] == ("  sections[5] scenarios   'Zwei Inhalte': a title and two text placeholders "
                      "(11.2 and 11.2 cm wide) side by side")
    checks = next(number for number, line in enumerate(out) if line.startswith("Checks: "))
    assert re.fullmatch(r"Checks: 0 error\(s\), \d+ warning\(s\) \(.*`aspo check` lists them\):", out[checks])
    # what the checks say of the template itself follows: python-pptx's 44 pt titles are long for its layouts
    assert out[checks + 1:] and all(line.startswith("templates/layouts/Vorlage.pptx:1:1: C501 text size: ")
                                    for line in out[checks + 1:]), out[checks + 1:]
    after = (workspace / "templates/outline.yaml").read_text(encoding="utf-8")
    assert (workspace / "templates/layouts/Vorlage.pptx").read_bytes() == german.read_bytes()
    # only the values changed: every comment and every other line is as it was
    changed = [(old, new) for old, new in zip(before.splitlines(), after.splitlines()) if old != new]
    assert changed == [
        ("  template: layouts/deck.pptx", "  template: layouts/Vorlage.pptx"),
        ("    deck: {layout: Title Slide}", "    deck: {layout: Titelfolie}"),
        *[("    deck: {layout: Title and Content}", "    deck: {layout: Titel und Inhalt}")] * 2,
        ("    deck: {layout: Two Content}", "    deck: {layout: Zwei Inhalte}"),  # insight
        ("    deck: {layout: Title and Content}", "    deck: {layout: Titel und Inhalt}"),
        *[("    deck: {layout: Two Content}", "    deck: {layout: Zwei Inhalte}")] * 2,
        *[("    deck: {layout: Title and Content}", "    deck: {layout: Titel und Inhalt}")] * 4,
    ]
    # and the decks are built on it
    built = aspo("build", ACME, "--output", workspace / "out")
    assert built.status == 0, built.err
    deck = Presentation(workspace / "out/acme/acme-deck.pptx")
    assert [slide.slide_layout.name for slide in deck.slides][:2] == ["Titelfolie", "Titel und Inhalt"]
    assert "Acme Packaging" in deck.slides[0].shapes.title.text


def test_placeholders_without_idx_get_their_layout_position_on_the_slide(german, workspace, aspo):
    assert aspo("layouts", "use", german).status == 0
    assert aspo("build", ACME, "--output", workspace / "out").status == 0
    deck = Presentation(workspace / "out/acme/acme-deck.pptx")
    scenario = next(slide for slide in deck.slides if slide.slide_layout.name == "Zwei Inhalte")
    placed = sorted((shape.left, shape.top, shape.width) for shape in scenario.shapes if shape.is_placeholder)
    # the title, and the two bodies side by side where the layout has them (not both at the first one's place)
    assert placed[0] == (Emu(457200), Emu(274638), Emu(8229600))
    lefts = sorted({left for left, top, width in placed[1:]})
    assert lefts == [Emu(457200), Emu(4648200)], placed


def test_use_dry_run_prints_the_mapping_and_writes_nothing(german, workspace, aspo):
    before = (workspace / "templates/outline.yaml").read_bytes()
    result = aspo("layouts", "use", german, "--dry-run")
    assert result.status == 0
    assert result.out.splitlines()[0].startswith("Would adopt Vorlage.pptx as templates/layouts/Vorlage.pptx")
    assert result.out.splitlines()[-1] == "Dry run: nothing written."
    assert (workspace / "templates/outline.yaml").read_bytes() == before
    assert not (workspace / "templates/layouts/Vorlage.pptx").exists()


def test_a_template_without_a_layout_with_a_title_and_a_body_is_refused_in_one_line(workspace, aspo):
    def title_only(name: str, text: str) -> str:
        if name.startswith("ppt/slideLayouts/"):  # every placeholder but the title goes
            text = re.sub(r"<p:sp>(?:(?!</p:sp>).)*?<p:ph(?![^>]*type=\"(?:title|ctrTitle)\")[^>]*>.*?</p:sp>",
                          "", text, flags=re.S)
        return text

    path = workspace / "titles.pptx"
    path.write_bytes(rewrite_parts(default_template(), title_only))
    before = (workspace / "templates/outline.yaml").read_bytes()
    result = aspo("layouts", "use", path)
    assert result.status == 2
    assert result.err == (
        "aspo: error: titles.pptx: no slide layout has both a title and a text (body or content) placeholder, "
        "which every section needs; add one (in PowerPoint: View > Slide Master > Insert Layout, then "
        "Insert Placeholder > Text) and run again\n")
    assert (workspace / "templates/outline.yaml").read_bytes() == before
    assert not (workspace / "templates/layouts/titles.pptx").exists()


def test_use_refuses_other_files_in_one_line(workspace, aspo):
    (workspace / "brand.potx").write_bytes(b"")
    result = aspo("layouts", "use", workspace / "brand.potx")
    assert result.status == 2
    assert result.err == ("aspo: error: brand.potx: expected a PowerPoint .pptx or Word .docx template "
                          "(save a .potx, .dotx, .odp or .odt as one first)\n")


def test_the_sample_template_maps_to_the_sample_outline(workspace, aspo):
    result = aspo("layouts", "use", "templates/layouts/deck.pptx", "--dry-run")
    chosen = re.findall(r"sections\[\d+\] \S+ +'([^']+)'", result.out)
    outline = yaml.safe_load((workspace / "templates/outline.yaml").read_text(encoding="utf-8"))
    assert chosen == [section["deck"]["layout"] for section in outline["sections"] if "deck" in section]


def test_a_template_change_shows_in_textconv_as_colours_fonts_and_sizes(workspace, aspo):
    deck = workspace / "templates/layouts/deck.pptx"
    before = aspo("textconv", deck).out
    deck.write_bytes(rewrite_parts(deck.read_bytes(), lambda name, text: text.replace(
        '<a:accent1><a:srgbClr val="1B998B"/>', '<a:accent1><a:srgbClr val="C00000"/>')))
    after = aspo("textconv", deck).out
    changed = [(old, new) for old, new in zip(before.splitlines(), after.splitlines()) if old != new]
    assert changed == [("colour accent1: #1B998B", "colour accent1: #C00000")]
    assert "title 'Title 1', 44 pt: 30.5 x 4.6 cm at 1.7, 5.1 cm" in after.splitlines()


def test_use_a_word_template_maps_styles_by_built_in_identity_and_drops_custom_xml(workspace, aspo):
    import docx

    path = workspace / "Brand.docx"
    docx.Document().save(path)  # python-docx's default: carries custom XML, which no output may carry
    result = aspo("layouts", "use", path)
    assert result.status == 0, result.out + result.err
    assert "  styles.bullet      'List Bullet': built-in 'list bullet'" in result.out.splitlines()
    assert ("  note: the copy leaves out the custom XML data (customXml/item1.xml, customXml/_rels/item1.xml.rels, "
            "customXml/itemProps1.xml) every output would carry") in result.out.splitlines()
    with zipfile.ZipFile(workspace / "templates/layouts/Brand.docx") as copy:
        assert not [name for name in copy.namelist() if name.lower().startswith("customxml")]
        assert b"customXml" not in copy.read("word/_rels/document.xml.rels")
    outline = (workspace / "templates/outline.yaml").read_text(encoding="utf-8")
    assert "  template: layouts/Brand.docx\n" in outline and outline.startswith("# The story every deck")
    built = aspo("build", ACME, "--output", workspace / "out")
    assert built.status == 0, built.err
    assert docx.Document(workspace / "out/acme/acme-offering.docx").paragraphs[0].text.startswith("Acme Packaging")


def test_use_writes_the_roles_a_word_template_lacks_into_outline_yaml(workspace, aspo):
    import docx

    path = workspace / "Plain.docx"
    document = docx.Document()
    path_bytes = io.BytesIO()
    document.save(path_bytes)

    # no List Bullet, no Quote, no table style at all: the closest style, and tables with borders aspo draws
    def strip(name: str, text: str) -> str:
        if name == "word/styles.xml":
            for style_id in ("ListBullet", "Quote"):
                text = re.sub(rf'<w:style [^>]*w:styleId="{style_id}".*?</w:style>', "", text, flags=re.S)
            text = re.sub(r'<w:style w:type="table"(?:(?!</w:style>).)*</w:style>', "", text, flags=re.S)
        return text

    path.write_bytes(rewrite_parts(path_bytes.getvalue(), strip))
    edit_outline = workspace / "templates/outline.yaml"
    text = edit_outline.read_text(encoding="utf-8")
    edit_outline.write_text(text.replace("    note: Quote\n", ""), encoding="utf-8")  # left to its default
    result = aspo("layouts", "use", path)
    assert result.status == 0, result.out + result.err
    styles = yaml.safe_load(edit_outline.read_text(encoding="utf-8"))["document"]["styles"]
    assert styles["table"] is None and styles["bullet"] != "List Bullet" and styles["note"] != "Quote"
    assert "  styles.table       no style: warning: no 'Table Grid' style" in result.out
    built = aspo("build", ACME, "--output", workspace / "out")
    assert built.status == 0, built.err


@pytest.mark.parametrize("locale, size", [("en-US", (12240, 15840)), ("de-DE", (11906, 16838))])
def test_a_word_template_without_a_page_size_gets_the_readers_paper(workspace, aspo, locale, size):
    import docx

    path = workspace / "NoPage.docx"
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    path.write_bytes(rewrite_parts(buffer.getvalue(), lambda name, text: re.sub(
        r"<w:pgSz[^>]*/>|<w:pgMar[^>]*/>", "", text) if name == "word/document.xml" else text))
    assert aspo("layouts", "use", path).status == 0
    account = workspace / "accounts/acme.yaml"
    account.write_text(account.read_text(encoding="utf-8") + f"locale: {locale}\n", encoding="utf-8")
    assert aspo("build", ACME, "--output", workspace / "out").status == 0
    section = docx.Document(workspace / "out/acme/acme-offering.docx").sections[-1]
    assert (section.page_width.twips, section.page_height.twips) == size
    assert section.left_margin.twips == 1440


def test_use_takes_the_master_the_templates_own_slides_use_and_names_it_in_the_outline(workspace, aspo):
    """LibreOffice writes its default master first and the template's design after it, with the same layout
    names: the master the sample slides use is the design."""
    from aspo.office.deck_template import read_deck_template

    prs = Presentation()
    prs.slides.add_slide(prs.slide_layouts[1])
    buffer = io.BytesIO()
    prs.save(buffer)
    path = workspace / "Design.pptx"
    path.write_bytes(buffer.getvalue())
    deck = read_deck_template(path)
    assert (deck.designed_master, deck.sample_slides) == (1, 1)
    from dataclasses import replace

    from aspo.authoring.layouts_use import rewrite_outline

    outline = (workspace / "templates/outline.yaml").read_text(encoding="utf-8")
    rewritten = rewrite_outline(outline, "layouts/Design.pptx", {}, None, {}, deck_master=2)
    assert "  template: layouts/Design.pptx\n  master: 2\n" in rewritten
    assert yaml.safe_load(rewritten)["deck"] == {"template": "layouts/Design.pptx", "master": 2}
    again = rewrite_outline(rewritten, "layouts/Design.pptx", {}, None, {}, deck_master=3)
    assert yaml.safe_load(again)["deck"]["master"] == 3 and again.count("master:") == 1
    two = replace(deck, layouts=deck.layouts + tuple(replace(layout, master=2) for layout in deck.layouts), master=2)
    assert two.layout("Title Slide").master == 2 and replace(two, master=1).layout("Title Slide").master == 1


def test_a_master_the_template_does_not_have_is_one_line_from_check(workspace, aspo):
    outline = workspace / "templates/outline.yaml"
    outline.write_text(outline.read_text(encoding="utf-8").replace(
        "  template: layouts/deck.pptx\n", "  template: layouts/deck.pptx\n  master: 3\n"), encoding="utf-8")
    result = aspo("check", "--today", "2026-11-22")
    assert result.status == 1
    line = line_of(outline, "master: 3")
    assert (f"templates/outline.yaml:{line}:3: E203 deck.master: templates/layouts/deck.pptx has 1 slide "
            "master(s), not 3; `aspo layouts show` lists them") in result.out.splitlines()


def test_one_command_adopts_the_deck_and_the_document_or_neither(german, workspace, aspo):
    import docx

    document = workspace / "Brand.docx"
    docx.Document().save(document)
    broken = workspace / "Broken.docx"
    broken.write_bytes(b"not a zip")
    before = (workspace / "templates/outline.yaml").read_bytes()
    refused = aspo("layouts", "use", german, broken)
    assert refused.status == 2 and refused.err.startswith("aspo: error: Broken.docx: ")
    assert (workspace / "templates/outline.yaml").read_bytes() == before  # the deck was not adopted either
    assert not (workspace / "templates/layouts/Vorlage.pptx").exists()
    result = aspo("layouts", "use", german, document)
    assert result.status == 0, result.out + result.err
    assert [line for line in result.out.splitlines() if line.startswith("Adopted")] == [
        "Adopted Vorlage.pptx as templates/layouts/Vorlage.pptx; templates/outline.yaml:",
        "Adopted Brand.docx as templates/layouts/Brand.docx; templates/outline.yaml:"]
    assert sum(line.startswith("Checks:") for line in result.out.splitlines()) == 1
    outline = yaml.safe_load((workspace / "templates/outline.yaml").read_text(encoding="utf-8"))
    assert (outline["deck"]["template"], outline["document"]["template"]) == ("layouts/Vorlage.pptx",
                                                                              "layouts/Brand.docx")
    two = aspo("layouts", "use", german, german)
    assert two.status == 2 and "give at most one .pptx and one .docx" in two.err


def test_styles_on_one_line_that_lack_a_role_are_refused_in_one_line(workspace, aspo):
    import docx

    path = workspace / "Brand.docx"
    docx.Document().save(path)
    outline = workspace / "templates/outline.yaml"
    text = outline.read_text(encoding="utf-8")
    block = text[text.index("  styles:\n"):text.index("sections:")]
    outline.write_text(text.replace(block, "  styles: {title: Title}\n"), encoding="utf-8")
    before = outline.read_bytes()
    result = aspo("layouts", "use", path)
    assert result.status == 2
    assert result.err == ("aspo: error: templates/outline.yaml: document.styles: is written on one line; write "
                          "it as a block, one style a line, so the styles it lacks can be added\n")
    assert outline.read_bytes() == before and not (workspace / "templates/layouts/Brand.docx").exists()


# --- adopting all or nothing, and reading within bounds ------------------------------------------------------------

#: `aspo ARGS` in a process of its own that, after the named step of its change to the library, says so (a file
#: "paused") and waits for a line on stdin: the moment the test sends its signal.
PAUSING = """
import sys
from aspo.core import changeset
from aspo.cli.app import main

pause_after, steps = sys.argv[1], changeset._steps


def pausing(root, files):
    for step in steps(root, files):
        yield step
        if step == pause_after:
            open("paused", "w").close()
            sys.stdin.readline()


changeset._steps = pausing
main(sys.argv[2:])
"""


def library_files(templates: Path) -> dict[str, bytes]:
    """Every file of the library, hidden ones included."""
    return {path.relative_to(templates).as_posix(): path.read_bytes() for path in sorted(templates.rglob("*"))
            if path.is_file()}


def test_use_stopped_or_killed_mid_change_leaves_the_old_library_or_the_new(workspace, tmp_path):
    """SIGTERM where the issue stopped it (the deck copied, outline.yaml not yet rewritten), Ctrl-C, and kill -9
    before and after the change is recorded: each library is the old one or the new one once aspo reads it."""
    import os
    import shutil
    import signal
    import subprocess
    import sys

    from procs import wait_for

    from aspo.authoring.layouts_use import adopt
    from aspo.core.changeset import JOURNAL
    from aspo.library.content import read_library

    brand = workspace / "brand" / "deck.pptx"  # the library deck's own name: the old deck is replaced
    brand.parent.mkdir()
    brand.write_bytes(libreoffice_style(default_template(), GERMAN))  # the old outline's layouts are not in it
    old = library_files(workspace / "templates")
    shutil.copytree(workspace / "templates", tmp_path / "reference")
    adopt([brand], tmp_path / "reference")
    new = library_files(tmp_path / "reference")
    # SIGTERM and Ctrl-C wait for the change to be done, then stop aspo; after kill -9 the journal says what was
    # meant (killed before it is written, the change is undone: tests/test_changeset.py)
    moments = [(signal.SIGTERM, "renamed layouts/deck.pptx", 143, "new"),
               (signal.SIGINT, "staged layouts/deck.pptx", 130, "new"),
               (signal.SIGKILL, "renamed layouts/deck.pptx", -signal.SIGKILL, "new")]
    runs = []
    for number, (_, moment, _, _) in enumerate(moments):
        folder = tmp_path / f"run-{number}"
        for name in ("templates", "accounts"):
            shutil.copytree(workspace / name, folder / name)
        runs.append((folder, subprocess.Popen(
            [sys.executable, "-c", PAUSING, moment, "layouts", "use", str(brand)], cwd=folder, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))))  # Ctrl-C as at a terminal
    outcomes = []
    for (folder, process), (signum, moment, status, _) in zip(runs, moments):
        wait_for(lambda: (folder / "paused").exists() or process.poll() is not None, f"a pause after {moment}")
        os.kill(process.pid, signum)
        if signum != signal.SIGKILL:
            process.stdin.write("\n")  # go on: the signal waits for the change to be done
        _, err = process.communicate(timeout=60)
        assert process.returncode == status, err
        if signum == signal.SIGKILL:
            assert library_files(folder / "templates") not in (old, new)  # half done: the reader must finish it
            assert (folder / "templates" / JOURNAL).exists()
        library, problems = read_library(folder / "templates")
        assert library is not None and problems == []
        found = library_files(folder / "templates")
        outcomes.append("new" if found == new else "old" if found == old else "mixed")
    assert outcomes == [outcome for *_, outcome in moments]


def test_a_killed_use_is_finished_before_use_reads_the_library_again(workspace, aspo):
    from aspo.core import changeset

    outline = workspace / "templates/outline.yaml"
    adopted = outline.read_text(encoding="utf-8") + "# adopted\n"
    steps = changeset._steps(workspace / "templates", {"outline.yaml": adopted.encode("utf-8")})
    for step in steps:
        if step == "journal written":
            break  # killed here: the journal says what was meant, nothing is in place yet
    del steps
    result = aspo("layouts", "use", "templates/layouts/offering.docx", "--dry-run")
    assert result.status == 0, result.err
    assert outline.read_text(encoding="utf-8") == adopted  # completed before it was read
    assert not list((workspace / "templates").rglob(".aspo-change*"))


def test_an_outline_fixed_by_hand_after_a_killed_use_is_never_overwritten(workspace, aspo):
    from aspo.core import changeset

    outline = workspace / "templates/outline.yaml"
    steps = changeset._steps(workspace / "templates", {"outline.yaml": outline.read_bytes() + b"# adopted\n"})
    for step in steps:
        if step == "journal written":
            break  # killed here
    del steps
    fixed = outline.read_bytes() + b"# fixed by hand\n"
    outline.write_bytes(fixed)
    message = ("changed since `aspo layouts use` was stopped before it finished; aspo leaves it as it is and does not "
               "finish that adoption: to keep templates/ as it is now, remove templates/.aspo-change.journal, then run "
               "`aspo layouts use` again if you still want the new template")
    for command in (["build", ACME], ["layouts", "use", "templates/layouts/offering.docx", "--dry-run"]):
        result = aspo(*command)
        assert (result.status, result.err) == (2, f"aspo: error: templates/outline.yaml: {message}\n")
    result = aspo("check")
    assert result.status == 1 and f"templates/outline.yaml:1:1: E203 {message}\n" in result.out
    assert outline.read_bytes() == fixed
    (workspace / "templates" / changeset.JOURNAL).unlink()  # as the line says
    assert aspo("check").status == 0
    assert outline.read_bytes() == fixed and not list((workspace / "templates").rglob(".aspo-change*"))


@pytest.mark.parametrize("make, message", [
    (lambda path: os.mkfifo(path), "is a named pipe (FIFO), not a regular file; aspo reads only regular files"),
    (lambda path: path.symlink_to("/dev/zero"), "is a device, not a regular file; aspo reads only regular files"),
    (lambda path: os.truncate(path.open("wb").name, 3 * 1024 ** 3), "file is 3072 MB; the limit is 200 MB"),
], ids=["named-pipe", "link-to-dev-zero", "3-GB-sparse"])
@pytest.mark.parametrize("command", ["use", "show"])
def test_use_and_show_refuse_what_is_not_a_template_file_before_reading_it(workspace, aspo, make, message, command):
    path = workspace / "brand.pptx"
    make(path)
    before = library_files(workspace / "templates")
    result = aspo("layouts", command, path)
    assert (result.status, result.err) == (2, f"aspo: error: brand.pptx: {message}\n")
    assert library_files(workspace / "templates") == before


def test_use_refuses_a_template_that_unpacks_too_far_before_unpacking_it(workspace, aspo):
    """Custom XML makes `layouts use` copy the package without it: the copy reads within the template's budget."""
    import tracemalloc

    path = workspace / "brand.pptx"
    with zipfile.ZipFile(io.BytesIO(default_template())) as source, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        for info in source.infolist():
            package.writestr(info, source.read(info))
        package.writestr("customXml/item1.xml", "<owner>jane.doe@meridian.example</owner>")
        with package.open("ppt/media/image1.bin", "w", force_zip64=True) as stream:  # 200 MB of zeros, 1 MB packed
            for _ in range(200):
                stream.write(bytes(1 << 20))
    tracemalloc.start()
    try:
        result = aspo("layouts", "use", path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (result.status, result.err) == (
        2, "aspo: error: brand.pptx: unpacks to 201 MB, more than the 200 MB a template may hold\n")
    assert peak < 20 * 1024 * 1024
