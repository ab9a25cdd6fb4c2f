"""The deck renderer: aspo.render.powerpoint, on the real templates/layouts/deck.pptx."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import zipfile

import pytest
from documents import CREATED, DECK, OFFERING, ROOT, bullets, make_doc, title_section
from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER

from aspo.compose.document import BulletList, Chart, Paragraph, Section, Source, Table
from aspo.core.clock import build_timestamp
from aspo.core.errors import AspoError, display_path
from aspo.core.formatting import excel_literal
from aspo.office.deck_template import read_deck_template
from aspo.render.powerpoint import PreparedDeck, render_pptx, render_pptx_copies

LAYOUTS = "'Title Slide', 'Title and Content', 'Section Header', 'Two Content', 'Title Only'"


def reopen(data: bytes):
    return Presentation(io.BytesIO(data))


def placeholders(slide) -> dict[int, object]:
    return {ph.placeholder_format.idx: ph for ph in slide.placeholders}


def paragraphs(shape) -> list[tuple[str, int]]:
    return [(p.text, p.level) for p in shape.text_frame.paragraphs]


def error_line(excinfo) -> str:
    return str(excinfo.value.problems[0])


# --- the template ---------------------------------------------------------------------------


def test_the_deck_template_is_16_9_with_the_named_layouts_and_no_slides():
    prs = Presentation(str(DECK))
    assert (prs.slide_width, prs.slide_height) == (12192000, 6858000)
    assert ", ".join(f"'{layout.name}'" for layout in prs.slide_layouts) == LAYOUTS
    assert len(prs.slides) == 0
    idx = {layout.name: sorted(ph.placeholder_format.idx for ph in layout.placeholders
                               if ph.placeholder_format.idx < 10)
           for layout in prs.slide_layouts}
    assert idx == {
        "Title Slide": [0, 1],
        "Title and Content": [0, 1],
        "Section Header": [0, 1],
        "Two Content": [0, 1, 2],
        "Title Only": [0],
    }
    for layout in prs.slide_layouts:  # every placeholder lies on the slide
        for ph in layout.placeholders:
            assert 0 <= ph.left and ph.left + ph.width <= prs.slide_width
            assert 0 <= ph.top and ph.top + ph.height <= prs.slide_height


# --- slides and their text -----------------------------------------------------------------


def test_it_makes_one_slide_per_deck_section_in_order():
    doc = make_doc(
        title_section(),
        Section(key="doc-only", kind="intro", title="Only in the document", layout=None),
        Section(key="why", kind="section", title="Why now", layout="Section Header"),
        Section(key="close", kind="close", title="Next steps", layout="Title Only"),
    )
    prs = reopen(render_pptx(doc))
    assert [slide.shapes.title.text for slide in prs.slides] == [
        "Uptime for Acme Foods", "Why now", "Next steps"]
    assert [slide.slide_layout.name for slide in prs.slides] == [
        "Title Slide", "Section Header", "Title Only"]


def test_it_puts_the_title_and_subtitle_on_the_title_slide():
    slide = reopen(render_pptx(make_doc(title_section()))).slides[0]
    shapes = placeholders(slide)
    assert shapes[0].text_frame.text == "Uptime for Acme Foods"
    assert shapes[1].placeholder_format.type == PP_PLACEHOLDER.SUBTITLE
    assert shapes[1].text_frame.text == "A point offering from Meridian Ops"


def test_it_fills_the_body_placeholder_with_paragraphs_and_indented_bullets():
    section = Section(
        key="priority-1", kind="priority", title="Fewer unplanned stops",
        body=(Paragraph("Acme loses 14 hours a week to stops."),
              bullets("Predictive alerts", "Shift handover reports")),
        layout="Title and Content",
        sources=(Source("block", "uptime"),),
    )
    slide = reopen(render_pptx(make_doc(section))).slides[0]
    assert paragraphs(placeholders(slide)[1]) == [
        ("Acme loses 14\u00a0hours a week to stops.", 0),  # a number and its unit on one line
        ("Predictive alerts", 1),
        ("Shift handover reports", 1),
    ]


def test_bullets_without_paragraphs_stay_at_the_first_level():
    section = Section(key="p", kind="priority", title="Fewer stops",
                      body=(bullets("One", "Two"),), layout="Title and Content")
    slide = reopen(render_pptx(make_doc(section))).slides[0]
    assert paragraphs(placeholders(slide)[1]) == [("One", 0), ("Two", 0)]


def test_document_only_detail_stays_off_the_slide():
    section = Section(
        key="p", kind="priority", title="Fewer stops", layout="Title and Content",
        body=(Paragraph("Headline."), Paragraph("A long explanation.", in_deck=False),
              BulletList((Paragraph("Detail"),), in_deck=False),
              Table(("A",), (("1",),), in_deck=False)),
    )
    slide = reopen(render_pptx(make_doc(section))).slides[0]
    assert paragraphs(placeholders(slide)[1]) == [("Headline.", 0)]
    assert not any(shape.has_table for shape in slide.shapes)


def test_it_uses_the_layouts_own_text_styles():
    section = Section(key="p", kind="priority", title="Fewer stops",
                      body=(Paragraph("Plain"), bullets("Item")), layout="Title and Content")
    data = render_pptx(make_doc(section))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        slide_xml = archive.read("ppt/slides/slide1.xml").decode()
    assert "<a:latin" not in slide_xml and " sz=" not in slide_xml and "solidFill" not in slide_xml


def test_a_table_takes_the_next_body_placeholder_after_the_text():
    section = Section(
        key="numbers", kind="priority", title="Where the hours go",
        body=(bullets("Most stops are on fillers"),
              Table(("Metric", "Today", "Target"), (("OEE", "61 %", "75 %"), ("MTTR", "4.2 h", "2 h")))),
        layout="Two Content",
    )
    prs = reopen(render_pptx(make_doc(section)))
    slide = prs.slides[0]
    assert sorted(placeholders(slide)) == [0, 1]
    assert paragraphs(placeholders(slide)[1]) == [("Most stops are on fillers", 0)]
    tables = [shape for shape in slide.shapes if shape.has_table]
    assert len(tables) == 1
    table = tables[0].table
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["Metric", "Today", "Target"], ["OEE", "61\u00a0%", "75\u00a0%"],  # a number and its unit kept together
        ["MTTR", "4.2\u00a0h", "2\u00a0h"]]  # columns fit single words
    right = [ph for ph in prs.slide_layouts.get_by_name("Two Content").placeholders
             if ph.placeholder_format.idx == 2][0]
    assert (tables[0].left, tables[0].top, tables[0].width) == (right.left, right.top, right.width)
    assert tables[0].height <= right.height


def test_a_table_alone_takes_the_first_body_placeholder():
    section = Section(key="t", kind="priority", title="Numbers",
                      body=(Table(("A", "B"), (("1", "2"),)),), layout="Title and Content")
    slide = reopen(render_pptx(make_doc(section))).slides[0]
    assert sorted(placeholders(slide)) == [0]
    (table,) = [shape.table for shape in slide.shapes if shape.has_table]
    assert table.cell(1, 1).text == "2"


def test_a_table_with_no_placeholder_left_becomes_bullet_lines():
    section = Section(
        key="t", kind="priority", title="Numbers",
        body=(Paragraph("Where we stand:"), Table(("Metric", "Today"), (("OEE", "61 %"),))),
        layout="Title and Content",
    )
    slide = reopen(render_pptx(make_doc(section))).slides[0]
    assert not any(shape.has_table for shape in slide.shapes)
    assert paragraphs(placeholders(slide)[1]) == [
        ("Where we stand:", 0), ("Metric \u2014 Today", 1), ("OEE \u2014 61\u00a0%", 1)]


def test_short_rows_are_padded_in_a_table():
    section = Section(key="t", kind="priority", title="Numbers",
                      body=(Table(("A", "B", "C"), (("1",),)),), layout="Title and Content")
    slide = reopen(render_pptx(make_doc(section))).slides[0]
    (table,) = [shape.table for shape in slide.shapes if shape.has_table]
    assert [cell.text for cell in table.rows[1].cells] == ["1", "", ""]


def test_it_leaves_no_empty_placeholders_behind():
    doc = make_doc(
        title_section(subtitle=""),
        Section(key="two", kind="priority", title="Only one column",
                body=(bullets("Left"),), layout="Two Content"),
        Section(key="bare", kind="priority", title="Nothing else", layout="Title and Content"),
    )
    prs = reopen(render_pptx(doc))
    assert [sorted(placeholders(slide)) for slide in prs.slides] == [[0], [0, 1], [0]]
    for slide in prs.slides:
        for ph in slide.placeholders:
            assert ph.text_frame.text.strip()


def test_speaker_notes_go_into_the_notes_slide_one_paragraph_per_line():
    doc = make_doc(
        title_section(notes=(Paragraph("Open with the line-7 story."),
                             Paragraph("Ask who owns maintenance."))),
        Section(key="quiet", kind="priority", title="No notes here", layout="Title Only"),
        Section(key="more", kind="priority", title="Notes again", layout="Title Only",
                notes=(Paragraph("Close on the pilot."),)),
    )
    slides = reopen(render_pptx(doc, speaker_notes=True)).slides
    assert [p.text for p in slides[0].notes_slide.notes_text_frame.paragraphs] == [
        "Open with the line-7 story.", "Ask who owns maintenance."]
    assert not slides[1].has_notes_slide
    assert slides[2].notes_slide.notes_text_frame.text == "Close on the pilot."


@pytest.mark.parametrize("template", ["sample", "python-pptx-default"])
def test_one_rendering_makes_both_copies_as_each_alone(tmp_path, template):
    deck = DECK
    if template != "sample":  # no notes master of its own: python-pptx adds one for the notes
        deck = tmp_path / "default.pptx"
        Presentation().save(deck)
    section = Section(key="s", kind="priority", title="Fewer stops", layout="Title and Content",
                      body=(bullets("a", "b"),), notes=(Paragraph("Ask which line."),))
    doc = make_doc(title_section(notes=(Paragraph("hello"),)), section, deck=deck)
    prepared = PreparedDeck.open(deck)
    customer, presenter = render_pptx_copies(doc, prepared)
    assert (customer, presenter) == (render_pptx(doc, speaker_notes=False), render_pptx(doc, speaker_notes=True))
    assert customer != presenter


def test_without_speaker_notes_the_deck_has_no_part_about_notes():
    doc = make_doc(title_section(notes=(Paragraph("Only the rep reads this."),)))
    with zipfile.ZipFile(io.BytesIO(render_pptx(doc))) as package:  # the customer's copy: the default
        assert not [name for name in package.namelist() if "notes" in name.lower()]
        assert b"notesMaster" not in package.read("ppt/presentation.xml")
        assert b"notesMaster" not in package.read("ppt/_rels/presentation.xml.rels")
        assert b"notes" not in package.read("[Content_Types].xml")
    with zipfile.ZipFile(io.BytesIO(render_pptx(doc, speaker_notes=True))) as package:
        assert "ppt/notesSlides/notesSlide1.xml" in package.namelist()
        assert b"Only the rep reads this." in package.read("ppt/notesSlides/notesSlide1.xml")


def test_a_new_slide_and_notes_slide_start_as_python_pptx_makes_them():
    deck = PreparedDeck.open(DECK)
    prs = Presentation(str(DECK))
    for layout in prs.slide_layouts:
        slide = prs.slides.add_slide(layout)
        prepared, _ = deck.layout(Section(key="any", kind="priority", title="", layout=layout.name))  # the deck's own
        assert etree.tostring(deck.slide_skeleton(prepared)) == etree.tostring(slide.part._element)
    assert etree.tostring(deck.notes_skeleton()) == etree.tostring(slide.notes_slide.part._element)


def test_a_prepared_template_makes_the_same_decks_and_stays_as_it_was():
    section = Section(key="p", kind="priority", title="Same", layout="Two Content",
                      body=(Paragraph("Text"), bullets("a", "b"), Table(("A",), (("1",),))), notes=(Paragraph("n"),))
    doc = make_doc(title_section(notes=(Paragraph("hello"),)), section, section, section)
    other = make_doc(title_section(subtitle="Another"))
    deck = PreparedDeck.open(DECK)
    alone = render_pptx(doc)
    assert [render_pptx(each, deck) for each in (doc, other, doc)] == [alone, render_pptx(other), alone]
    assert deck.template.unchanged()


def test_a_deck_is_rendered_only_on_the_template_prepared_for_it(tmp_path):
    deck = PreparedDeck.open(DECK)
    with pytest.raises(ValueError):
        render_pptx(make_doc(title_section(), deck=tmp_path / "other.pptx"), deck)


def test_a_template_changed_since_the_library_read_it_is_refused(tmp_path):
    template = tmp_path / "deck.pptx"
    template.write_bytes(DECK.read_bytes())
    checked = read_deck_template(template)
    prs = Presentation(str(template))
    prs.slide_layouts[0].name = "Cover"
    prs.save(str(template))
    with pytest.raises(AspoError) as excinfo:
        PreparedDeck.open(template, 1, checked)
    assert error_line(excinfo) == (f"{display_path(template)}: deck_template: changed after the templates were "
                                   "checked; run aspo again")


def test_sample_slides_in_a_template_are_left_out(tmp_path):
    prs = Presentation(str(DECK))
    sample = prs.slides.add_slide(prs.slide_layouts[1])
    sample.shapes.title.text = "Marketing's example slide"
    sample.notes_slide.notes_text_frame.text = "example notes"
    template = tmp_path / "with-sample.pptx"
    prs.save(str(template))
    result = reopen(render_pptx(make_doc(title_section(), deck=template)))
    assert [slide.shapes.title.text for slide in result.slides] == ["Uptime for Acme Foods"]


# --- properties and determinism ------------------------------------------------------------


def test_the_document_properties_name_the_rep_and_the_vendor_not_the_library():
    data = render_pptx(make_doc(title_section()))
    props = reopen(data).core_properties
    assert props.author == "Dana Rep"
    assert props.last_modified_by == "Dana Rep"
    assert props.title == "Acme Foods: fewer unplanned stops"
    assert props.subject == "Point offering for Acme Foods"
    assert props.keywords == "uptime; OEE"
    assert props.category == "Point offering"
    assert props.comments == ""
    assert props.revision == 1
    assert props.created == props.modified == CREATED.replace(tzinfo=None)
    assert props.last_printed is None
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        doc_props = {name: archive.read(name).decode() for name in archive.namelist()
                     if name.startswith("docProps/")}
    assert set(doc_props) == {"docProps/core.xml", "docProps/app.xml"}  # no stale thumbnail
    assert "<Company>Meridian Ops</Company>" in doc_props["docProps/app.xml"]
    for text in doc_props.values():
        for word in ("python-", "Steve Canny", "Microsoft", "PowerPoint"):
            assert word not in text


def test_two_renders_are_byte_identical():
    doc = make_doc(
        title_section(notes=(Paragraph("hello"),)),
        Section(key="t", kind="priority", title="Numbers", layout="Two Content",
                body=(bullets("x"), Table(("A",), (("1",),))), notes=(Paragraph("n"),)),
    )
    assert render_pptx(doc) == render_pptx(doc)


def test_the_build_time_from_source_date_epoch_is_stamped_everywhere():
    created = build_timestamp(CREATED, 1700000000)
    data = render_pptx(make_doc(title_section(), created=created))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    assert reopen(data).core_properties.created == dt.datetime(2023, 11, 14, 22, 13, 20)


# --- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize("section", [
    Section(key="agenda", kind="agenda", title="Agenda", layout="Agenda"),
    Section(key="close", kind="close", title="Next steps", layout="Title Only", body=(Paragraph("Book the pilot."),)),
    title_section(layout="Title Only"),
], ids=["missing", "no-body", "no-subtitle"])
def test_a_layout_the_library_refuses_is_a_bug_in_the_renderer(section):
    """The library refuses them when it loads (tests/cases): the renderer trusts it, and says so if it did not."""
    with pytest.raises(LookupError, match="the library's checks should have refused it"):
        render_pptx(make_doc(section))


def test_a_missing_template_is_reported(tmp_path):
    missing = tmp_path / "nowhere.pptx"
    with pytest.raises(AspoError) as excinfo:
        render_pptx(make_doc(title_section(), deck=missing))
    assert error_line(excinfo) == (
        f"{display_path(missing)}: deck_template: the template file does not exist")


@pytest.mark.parametrize("content", [None, b"not a zip at all"])
def test_a_template_that_is_not_a_pptx_is_reported(tmp_path, content):
    if content is None:
        template = OFFERING  # a real Office file of the wrong kind
    else:
        template = tmp_path / "broken.pptx"
        template.write_bytes(content)
    with pytest.raises(AspoError) as excinfo:
        render_pptx(make_doc(title_section(), deck=template))
    # the renderer checks the bytes it uses as the library loader does, with the same words
    assert error_line(excinfo) == f"{display_path(template)}: " + (
        "is a Word .docx, expected a PowerPoint .pptx; open it in PowerPoint and save it as PowerPoint .pptx"
        if content is None else "not a PowerPoint file (it is not a zip package); save it again from PowerPoint")


def test_pillow_loads_only_when_a_deck_gets_a_picture():
    """python-pptx imports Pillow (~20 ms) for pictures: a deck without one never runs it."""
    script = """
import struct, sys, types
from dataclasses import replace
from pathlib import Path

import aspo.render.powerpoint as renderer
from aspo.library.logo import Logo

sys.path.insert(0, "tests")
from documents import make_doc, title_section

def loaded():  # a lazy module is of another type until it is used (type() does not use it)
    return type(sys.modules["PIL.Image"]) is types.ModuleType

assert not loaded()
renderer.render_pptx(make_doc(title_section()))
assert not loaded()
png = Path("accounts/northwind-health-logo.png").read_bytes()
width, height = struct.unpack(">II", png[16:24])
data = renderer.render_pptx(replace(make_doc(title_section()), logo=Logo(Path("logo.png"), png, "png", width, height)))
assert loaded() and b"ppt/media/image1.png" in data
"""
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True)


def test_parts_that_relate_to_what_a_deck_changes_are_its_own_too(tmp_path):
    """A template part relating to the presentation part (which every deck changes) is copied for each deck too,
    with everything relating to it: the shared parts stay as they are, each written once."""
    prs = Presentation(str(DECK))
    prs.slide_masters[0].part.relate_to(prs.part, "http://example.com/relationships/back")
    template = tmp_path / "back.pptx"
    prs.save(str(template))
    deck = PreparedDeck.open(template)
    doc = make_doc(title_section(notes=(Paragraph("hello"),)),
                   Section(key="p", kind="priority", title="Same", layout="Two Content", body=(bullets("a"),)),
                   deck=template)
    alone = render_pptx(doc)
    assert render_pptx(doc, deck) == render_pptx(doc, deck) == alone
    assert deck.template.unchanged()
    with zipfile.ZipFile(io.BytesIO(alone)) as archive:
        names = archive.namelist()
    assert len(names) == len(set(names))
    assert "ppt/slideLayouts/slideLayout4.xml" in names


def test_a_layout_no_slide_master_lists_is_not_offered(tmp_path):
    """python-pptx, which builds the decks, finds layouts through their slide master: one no master lists is no
    layout to the library either, so an outline naming it is refused when the library loads."""
    with zipfile.ZipFile(DECK) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    members["ppt/slideLayouts/slideLayout9.xml"] = members["ppt/slideLayouts/slideLayout5.xml"].replace(
        b'name="Title Only"', b'name="Orphan"')
    template = tmp_path / "orphan.pptx"
    with zipfile.ZipFile(template, "w") as target:
        for name, data in members.items():
            target.writestr(name, data)
    deck = read_deck_template(template)
    assert deck.layout("Orphan") is None
    assert deck.names() == LAYOUTS


def test_a_unit_with_quotes_and_xml_characters_reaches_the_chart_and_its_workbook_as_written():
    """The number format is escaped twice over: for Excel (the unit is literal text) and for the chart's XML, which
    python-pptx writes unescaped (an '&' once broke the deck); the workbook gets it as it is."""
    import html
    import re

    number_format = "#,##0" + excel_literal(' R&D "hours" <#0;@%> \\')
    chart = Chart("Time", ("Before", "After"), (("Time", (14.0, 6.0)),), number_format)
    doc = make_doc(title_section(), Section(key="s", kind="scenarios", title="Results", layout="Two Content",
                                            body=(Paragraph("Harlan"), chart)))
    graph = next(s.chart for s in Presentation(io.BytesIO(render_pptx(doc))).slides[1].shapes if s.has_chart)
    assert graph.plots[0].data_labels.number_format == number_format
    assert [html.unescape(code) for code in re.findall(r"<c:formatCode>([^<]*)<", graph.part.blob.decode())] == [
        number_format]
    with zipfile.ZipFile(io.BytesIO(graph.part.chart_workbook.xlsx_part.blob)) as workbook:
        styles = workbook.read("xl/styles.xml").decode()
    assert [html.unescape(code) for code in re.findall(r'formatCode="([^"]*)"', styles)] == [number_format]


def test_a_unit_holding_backticks_stays_inside_its_code_span_in_the_draft():
    from aspo.render.markdown import render_markdown

    number_format = "#,##0" + excel_literal(" `ticks` ")
    chart = Chart("Time", ("Before", "After"), (("Time", (14.0, 6.0)),), number_format)
    draft = render_markdown(make_doc(title_section(), Section(key="s", kind="scenarios", title="Results",
                                                              layout="Two Content", body=(Paragraph("H"), chart))))
    assert f"Chart (columns, ``{number_format}``): Time." in draft
