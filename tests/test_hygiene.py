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
from aspo.office.package_census import MAX_LAYOUTS, MAX_SLIDES
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


def deck_with_layouts(path: Path, count: int, folder: str = "ppt/brand") -> None:
    """The sample deck template with `count` more layouts (copies of Title and Content named 'Brand 1', ...) under
    part names PowerPoint never writes: what a layout is, its content type and the master's relationships say."""
    def change(members):
        layout = members["ppt/slideLayouts/slideLayout2.xml"].replace(b'name="Title and Content"', b'name="Brand {n}"')
        rels = members["ppt/slideLayouts/_rels/slideLayout2.xml.rels"]
        ids, links, overrides = [], [], []
        for n in range(1, count + 1):
            members[f"{folder}/L{n}.xml"] = layout.replace(b"{n}", str(n).encode())
            members[f"{folder}/_rels/L{n}.xml.rels"] = rels
            ids.append(f'<p:sldLayoutId id="{2147484000 + n}" r:id="rIdL{n}"/>')
            links.append(f'<Relationship Id="rIdL{n}" Type="{_RELS}/slideLayout" Target="/{folder}/L{n}.xml"/>')
            overrides.append(f'<Override PartName="/{folder}/L{n}.xml" ContentType='
                             '"application/vnd.openxmlformats-officedocument.presentationml.slideLayout+xml"/>')
        master, master_rels = "ppt/slideMasters/slideMaster1.xml", "ppt/slideMasters/_rels/slideMaster1.xml.rels"
        members[master] = members[master].replace(b"</p:sldLayoutIdLst>",
                                                  "".join(ids).encode() + b"</p:sldLayoutIdLst>")
        members[master_rels] = members[master_rels].replace(b"</Relationships>",
                                                            "".join(links).encode() + b"</Relationships>")
        members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
            b"</Types>", "".join(overrides).encode() + b"</Types>")
    rewrite(path, change)


def test_layouts_are_what_the_package_says_they_are_whatever_their_part_names(workspace, aspo):
    deck_with_layouts(DECK, 2)
    shown = aspo("layouts", "show", DECK).out.splitlines()
    assert shown[1] == "  slides 16:9 (33.9 x 19.1 cm), 1 slide master, 7 layouts"
    assert "layout 'Brand 2'" in shown
    result = aspo("build", "accounts/acme.yaml")
    assert result.status == 0, result.err


def test_too_many_layouts_under_any_part_names_are_refused_by_every_command_alike(workspace, aspo):
    deck_with_layouts(DECK, MAX_LAYOUTS - 4)  # and the sample's 5
    refusal = (f"aspo: error: templates/layouts/deck.pptx: has {MAX_LAYOUTS + 1} slide layouts, more than the "
               f"{MAX_LAYOUTS} a template may hold; delete the layouts no outline uses (in PowerPoint: View > Slide "
               "Master) and save again")
    for command in (("layouts", "show", DECK), ("layouts", "use", DECK), ("build", "accounts/acme.yaml")):
        result = aspo(*command)
        assert (result.status, result.err) == (2, refusal + "\n"), command
    checked = aspo("check", "--today", "2026-11-22")
    assert checked.status == 1
    assert ("templates/layouts/deck.pptx:1:1: E203 has 201 slide layouts, more than the 200 a template may hold; "
            "delete the layouts no outline uses (in PowerPoint: View > Slide Master) and save again"
            ) in checked.out.splitlines()
    assert not Path("output").exists() and "layouts/deck.pptx" in Path("templates/outline.yaml").read_text()


def test_a_template_with_more_media_or_parts_than_any_deck_should_carry_is_refused(workspace, aspo):
    def media(members):
        members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
            b"<Default ", b'<Default Extension="gif" ContentType="image/gif"/><Default ', 1)
        members.update({f"ppt/pictures/p{n}.gif": b"GIF89a" for n in range(1001)})

    rewrite(DECK, media)
    result = aspo("layouts", "show", DECK)
    assert (result.status, result.err) == (2, (
        "aspo: error: templates/layouts/deck.pptx: has 1001 pictures, sounds and videos, more than the 1000 a template "
        "may hold, which every deck would carry; delete the ones it does not need and save again\n"))
    rewrite(DECK, lambda members: members.update({f"x/{n}.bin": b"" for n in range(5000)}))
    result = aspo("layouts", "show", DECK)
    assert (result.status, result.err) == (2, (
        f"aspo: error: templates/layouts/deck.pptx: holds {5000 + 1001 + 25} parts, more than the 5000 any Office "
        "file aspo reads has\n"))


def test_the_renderers_check_the_bytes_they_use(workspace):
    """A template changed after the library loaded is checked again before anything is copied from it."""
    from documents import make_doc, title_section

    from aspo.render.word import render_docx

    rewrite(OFFERING, lambda members: members.update({"customXml/item1.xml": b"<x/>"}))
    with pytest.raises(AspoError) as excinfo:
        render_docx(make_doc(title_section(), document=OFFERING.resolve()))
    assert excinfo.value.problems[0].field == "customXml/item1.xml"
    assert excinfo.value.problems[0].rule == "E204"
