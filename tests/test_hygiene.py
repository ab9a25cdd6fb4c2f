"""Template hygiene: what a template may not carry into outputs, the links it may, and its size limits."""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation

from aspo.core.errors import AspoError
from aspo.office.deck_template import MAX_LAYOUTS, MAX_SLIDES, read_deck_template
from aspo.render.formats import read_units
from aspo.render.textview import as_text

DECK = Path("templates/layouts/deck.pptx")
OFFERING = Path("templates/layouts/offering.docx")
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_HYPERLINK = (f'<Relationship Id="rId98" Type="{_RELS}/hyperlink" Target="https://meridian.example/privacy" '
              'TargetMode="External"/></Relationships>')


def rewrite(path: Path, change) -> None:
    """Rewrites a zip package; `change(members)` edits the {name: bytes} dict in place (order kept)."""
    with zipfile.ZipFile(path) as package:
        members = {info.filename: package.read(info) for info in package.infolist()}
    change(members)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in members.items():
            package.writestr(name, data)


def add_hyperlink(path: Path, rels: str) -> None:
    def change(members):
        members[rels] = members[rels].replace(b"</Relationships>", _HYPERLINK.encode())
    rewrite(path, change)


def deck_with_slides(path: Path, count: int) -> None:
    """The sample deck template with `count` sample slides: python-pptx makes the first, copies make the rest
    (python-pptx alone takes seconds for thousands)."""
    prs = Presentation(str(path))
    prs.slides.add_slide(prs.slide_layouts[1]).shapes.title.text = "Sample"
    out = io.BytesIO()
    prs.save(out)
    with zipfile.ZipFile(out) as package:
        members = {info.filename: package.read(info) for info in package.infolist()}
    slide, rels = members["ppt/slides/slide1.xml"], members["ppt/slides/_rels/slide1.xml.rels"]
    presentation = members["ppt/presentation.xml"].decode()
    rel_id = re.search(r'<p:sldId id="256" r:id="(rId\d+)"/>', presentation).group(1)
    ids, overrides, links = [], [], []
    for number in range(2, count + 1):
        members[f"ppt/slides/slide{number}.xml"] = slide
        members[f"ppt/slides/_rels/slide{number}.xml.rels"] = rels
        ids.append(f'<p:sldId id="{255 + number}" r:id="rIdS{number}"/>')
        overrides.append(f'<Override PartName="/ppt/slides/slide{number}.xml" ContentType='
                         '"application/vnd.openxmlformats-officedocument.presentationml.slide+xml"/>')
        links.append(f'<Relationship Id="rIdS{number}" Type="{_RELS}/slide" Target="slides/slide{number}.xml"/>')
    members["ppt/presentation.xml"] = presentation.replace(
        f'<p:sldId id="256" r:id="{rel_id}"/>', f'<p:sldId id="256" r:id="{rel_id}"/>' + "".join(ids)).encode()
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"</Types>", "".join(overrides).encode() + b"</Types>")
    members["ppt/_rels/presentation.xml.rels"] = members["ppt/_rels/presentation.xml.rels"].replace(
        b"</Relationships>", "".join(links).encode() + b"</Relationships>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in members.items():
            package.writestr(name, data)


def assert_clean(path: Path) -> None:
    """Nothing in an output loads, runs or hides by itself: only hyperlinks point outside."""
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        for name in names:
            lower = name.lower()
            assert "vbaproject" not in lower and "vbadata" not in lower, name
            # the one embedding allowed is the workbook behind a chart aspo drew (it is what makes it editable)
            chart_data = re.fullmatch(r"ppt/embeddings/microsoft_excel_sheet\d+\.xlsx", lower) and any(
                posixpath.basename(name).encode() in package.read(rels)
                for rels in names if rels.startswith("ppt/charts/_rels/"))
            assert ("/embeddings/" not in lower or chart_data) and not lower.startswith("customxml/"), name
            assert "activex" not in lower, name
            if name.endswith(".rels"):
                for rel in re.findall(rb"<Relationship [^>]*>", package.read(name)):
                    if b'TargetMode="External"' in rel:
                        assert b"/relationships/hyperlink" in rel, (name, rel)
        types = package.read("[Content_Types].xml")
        assert b"macroEnabled" not in types and b"vbaProject" not in types and b"oleObject" not in types


def test_outputs_carry_only_hyperlinks(workspace, aspo):
    add_hyperlink(DECK, "ppt/slideMasters/_rels/slideMaster1.xml.rels")
    add_hyperlink(OFFERING, "word/_rels/document.xml.rels")
    result = aspo("build", "accounts/acme.yaml")
    assert result.status == 0, result.err
    for name in ("acme-deck.pptx", "acme-offering.docx"):
        assert_clean(Path("output/acme") / name)
    with zipfile.ZipFile("output/acme/acme-deck.pptx") as package:  # the hyperlink stays, as allowed
        assert b"https://meridian.example/privacy" in package.read("ppt/slideMasters/_rels/slideMaster1.xml.rels")


def test_textconv_of_a_template_lists_its_hyperlinks(workspace):
    add_hyperlink(DECK, "ppt/slideMasters/_rels/slideMaster1.xml.rels")
    text = as_text(read_units(DECK))
    assert text.endswith(
        "## Links, macros and embedded content\n"
        "ppt/slideMasters/_rels/slideMaster1.xml.rels: hyperlink to 'https://meridian.example/privacy': every deck "
        "built from this template carries it\n")
    assert "Links, macros" not in as_text(read_units(OFFERING))  # nothing to list, no unit


def test_textconv_of_a_template_lists_what_it_refuses(workspace):
    def change(members):
        members["word/footer1.xml"] = members["word/footer1.xml"].replace(
            b'w:instr=" PAGE "', b'w:instr=" INCLUDEPICTURE &quot;http://evil.example/p.png&quot; "')
    rewrite(OFFERING, change)
    assert as_text(read_units(OFFERING)).endswith(
        "## Links, macros and embedded content\n"
        "word/footer1.xml: INCLUDEPICTURE field loads 'http://evil.example/p.png' from the network when the "
        "document opens or its fields update\n")


def test_a_template_with_thousands_of_slides_is_refused(workspace, aspo):
    deck_with_slides(DECK, 2000)
    result = aspo("build", "accounts/acme.yaml")
    assert result.status == 2
    assert result.err == (
        f"aspo: error: templates/layouts/deck.pptx: has 2000 slides, more than the {MAX_SLIDES} a template may "
        "hold; delete its sample slides (aspo leaves them out of every deck) and save again\n")
    assert not Path("output").exists()


def test_a_template_with_many_slides_builds_without_them(workspace, aspo):
    deck_with_slides(DECK, MAX_SLIDES)  # at the limit: dropping them is one pass
    result = aspo("build", "accounts/acme.yaml")
    assert result.status == 0, result.err
    titles = [slide.shapes.title.text for slide in Presentation("output/acme/acme-deck.pptx").slides]
    assert titles[0] == "Acme Packaging and Meridian Ops" and "Sample" not in titles
    with zipfile.ZipFile("output/acme/acme-deck.pptx") as package:  # the sample slides' parts are gone too
        slides = [name for name in package.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", name)]
    assert len(slides) == len(titles)
    assert_clean(Path("output/acme/acme-deck.pptx"))


def test_a_template_with_too_many_layouts_is_refused(workspace):
    def change(members):
        for number in range(6, MAX_LAYOUTS + 2):
            members[f"ppt/slideLayouts/slideLayout{number}.xml"] = members["ppt/slideLayouts/slideLayout1.xml"]
    rewrite(DECK, change)
    with pytest.raises(AspoError) as excinfo:
        read_deck_template(DECK)
    assert str(excinfo.value) == (
        f"templates/layouts/deck.pptx: has {MAX_LAYOUTS + 1} slide layouts, more than the {MAX_LAYOUTS} a template "
        "may hold; delete the layouts no outline uses (in PowerPoint: View > Slide Master) and save again")


def test_the_renderers_check_the_bytes_they_use(workspace):
    """A template changed after the library loaded is checked again before anything is copied from it."""
    from documents import make_doc, title_section

    from aspo.render.word import render_docx

    rewrite(OFFERING, lambda members: members.update({"customXml/item1.xml": b"<x/>"}))
    with pytest.raises(AspoError) as excinfo:
        render_docx(make_doc(title_section(), document=OFFERING.resolve()))
    assert excinfo.value.problems[0].field == "customXml/item1.xml"
    assert excinfo.value.problems[0].rule == "E204"
