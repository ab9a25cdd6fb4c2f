"""The point-offering renderer: aspo.render.word, on the real templates/layouts/offering.docx."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import replace

import docx
import pytest
from documents import CREATED, DECK, OFFERING, bullets, make_doc, title_section
from docx.enum.style import WD_STYLE_TYPE

from aspo.compose.document import Paragraph, Section, Table
from aspo.core.clock import build_timestamp
from aspo.core.errors import AspoError, display_path
from aspo.library.content import load_library
from aspo.render.markdown import render_markdown
from aspo.render.word import CLOSING_KEPT_WHOLE_LINES, PreparedDocument, render_docx

ROLE_STYLES = ["Title", "Subtitle", "Heading 1", "Heading 2", "Normal", "List Bullet", "Quote"]


def reopen(data: bytes):
    return docx.Document(io.BytesIO(data))


def lines(document) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs]


def error_line(excinfo) -> str:
    return str(excinfo.value.problems[0])


# --- the template ---------------------------------------------------------------------------


def test_the_reference_document_is_slim_and_has_the_role_styles():
    assert OFFERING.stat().st_size < 30_000
    template = docx.Document(str(OFFERING))
    paragraph_styles = {s.name for s in template.styles if s.type == WD_STYLE_TYPE.PARAGRAPH}
    table_styles = {s.name for s in template.styles if s.type == WD_STYLE_TYPE.TABLE}
    assert set(ROLE_STYLES) <= paragraph_styles
    assert "Table Grid" in table_styles
    assert len(template.styles) < 20
    assert template.styles.element.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}latentStyles") is None
    assert template.paragraphs == [] and template.tables == []
    with zipfile.ZipFile(OFFERING) as archive:
        assert "word/stylesWithEffects.xml" not in archive.namelist()
        assert "word/numbering.xml" in archive.namelist()  # List Bullet's bullets


# --- content --------------------------------------------------------------------------------


def test_the_title_section_gives_title_and_subtitle_paragraphs():
    document = reopen(render_docx(make_doc(title_section())))
    assert lines(document) == [
        ("Title", "Uptime for Acme Foods"),
        ("Subtitle", "A point offering from Meridian Ops"),
    ]


def test_sections_get_headings_and_grouped_sections_share_one_group_heading():
    doc = make_doc(
        title_section(),
        Section(key="priority-1", kind="priority", title="Fewer stops", group="Your priorities",
                body=(Paragraph("Stops cost 14 hours a week."),)),
        Section(key="priority-2", kind="priority", title="Faster changeovers",
                group="Your priorities"),
        Section(key="why", kind="why", title="Why Meridian Ops"),
        Section(key="scenario-1", kind="scenario", title="Line 7", group="How it works"),
    )
    assert lines(reopen(render_docx(doc)))[2:] == [
        ("Heading 1", "Your priorities"),
        ("Heading 2", "Fewer stops"),
        ("Normal", "Stops cost 14\u00a0hours a week."),  # a number and its unit on one line
        ("Heading 2", "Faster changeovers"),
        ("Heading 1", "Why Meridian Ops"),
        ("Heading 1", "How it works"),
        ("Heading 2", "Line 7"),
    ]


def test_paragraphs_and_bullets_use_the_body_and_bullet_styles():
    doc = make_doc(Section(key="p", kind="priority", title="Fewer stops",
                           body=(Paragraph("Why it matters."), bullets("Alerts", "Reports"))))
    assert lines(reopen(render_docx(doc))) == [
        ("Heading 1", "Fewer stops"),
        ("Normal", "Why it matters."),
        ("List Bullet", "Alerts"),
        ("List Bullet", "Reports"),
    ]


def test_a_table_uses_the_table_style_with_a_bold_header_row():
    doc = make_doc(Section(key="t", kind="priority", title="Numbers", body=(
        Table(("Metric", "Today", "Target"), (("OEE", "61 %", "75 %"), ("MTTR", "4.2 h"))),)))
    document = reopen(render_docx(doc))
    (table,) = document.tables
    assert table.style.name == "Table Grid"
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["Metric", "Today", "Target"], ["OEE", "61\u00a0%", "75\u00a0%"], ["MTTR", "4.2\u00a0h", ""]]
    assert all(run.bold for cell in table.rows[0].cells for run in cell.paragraphs[0].runs)
    assert not any(run.bold for cell in table.rows[1].cells for run in cell.paragraphs[0].runs)


W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def row_has(row, tag: str) -> bool:
    tr_pr = row._tr.trPr
    return tr_pr is not None and tr_pr.find(W_NS + tag) is not None


def keeps(paragraph) -> tuple[bool, bool]:
    """(keep with next, keep lines together) set on the paragraph itself, whatever its style says."""
    return bool(paragraph.paragraph_format.keep_with_next), bool(paragraph.paragraph_format.keep_together)


def test_rows_never_split_across_pages_and_the_header_row_repeats_and_keeps_with_the_first_row():
    doc = make_doc(Section(key="t", kind="priority", title="Numbers", body=(
        Table(("Metric", "Today"), (("OEE", "61 %"), ("MTTR", "4.2 h"), ("Stops", "11"))),)))
    (table,) = reopen(render_docx(doc)).tables
    assert [row_has(row, "cantSplit") for row in table.rows] == [True] * 4
    assert [row_has(row, "tblHeader") for row in table.rows] == [True, False, False, False]
    # the header with the first row; the other rows may go to the next page one by one
    assert [keeps(row.cells[0].paragraphs[0])[0] for row in table.rows] == [True, False, False, False]


def test_a_grouped_table_shows_each_first_cell_once_merged_down_and_keeps_its_group_together():
    rows = (("Meridian Monitor", "Condition alerts"), ("Meridian Monitor", "Multi-site health"),
            ("Meridian Flow", "Mobile work orders"), ("Meridian Flow", "PM plans"), ("Meridian Flow", "Audit trail"),
            ("Meridian Predict", "Anomaly detection"))
    doc = make_doc(Section(key="offering", kind="offering", title="Offering", body=(
        Table(("Product", "What it means"), rows, group_first_column=True),)))
    (table,) = reopen(render_docx(doc)).tables
    first_cells = [row._tr.tc_lst[0] for row in table.rows]
    assert [tc.vMerge for tc in first_cells] == [None, "restart", "continue", "restart", "continue", "continue", None]
    assert [tc.xpath("string(.)") for tc in first_cells] == [
        "Product", "Meridian Monitor", "", "Meridian Flow", "", "", "Meridian Predict"]
    assert [row._tr.tc_lst[1].xpath("string(.)") for row in table.rows][1:] == [second for _, second in rows]
    # each row but a group's last keeps with the next, in every cell: the group moves to a page whole
    assert [[tc.p_lst[0].find(f"{W_NS}pPr/{W_NS}keepNext") is not None for tc in row._tr.tc_lst]
            for row in table.rows] == [
        [True, True], [True, True], [False, False], [True, True], [True, True], [False, False], [False, False]]
    assert all(row_has(row, "cantSplit") for row in table.rows)


def test_an_ungrouped_table_merges_nothing_even_where_its_first_cells_repeat():
    doc = make_doc(Section(key="t", kind="priority", title="T", body=(
        Table(("Product", "Capability"), (("Flow", "A"), ("Flow", "B"))),)))
    (table,) = reopen(render_docx(doc)).tables
    assert [row._tr.tc_lst[0].vMerge for row in table.rows] == [None, None, None]
    assert [row.cells[0].text for row in table.rows] == ["Product", "Flow", "Flow"]


def closing_doc():
    return make_doc(
        title_section(),
        Section(key="priority-1", kind="priority", title="Fewer stops", group="Your priorities",
                body=(Paragraph("Why it matters."), bullets("Alerts", "Reports"))),
        Section(key="next-steps", kind="next-steps", title="Plan and next step",
                body=(Paragraph("A pilot answers one question."), bullets("Who drives it: Tom", "Your time"),
                      Table(("Step", "When"), (("Kickoff", "May 3, 2027"),)),
                      Paragraph("Your contact: Jordan Ellis \u00b7 +1 614 555 0142"),
                      Paragraph("Next step: scope a pilot (Tom Brandt, by January 29, 2027)"))),
    )


def test_every_heading_keeps_with_the_paragraph_after_it_set_on_the_paragraph_itself():
    document = reopen(render_docx(closing_doc()))
    headings = [p for p in document.paragraphs if p.style.name in ("Title", "Subtitle", "Heading 1", "Heading 2")]
    assert [p.text for p in headings] == ["Uptime for Acme Foods", "A point offering from Meridian Ops",
                                          "Your priorities", "Fewer stops", "Plan and next step"]
    assert all(keeps(p) == (True, True) for p in headings)


def test_the_closing_section_moves_to_a_page_whole():
    document = reopen(render_docx(closing_doc()))
    texts = [p.text for p in document.paragraphs]
    closing = document.paragraphs[texts.index("Plan and next step"):]
    # every paragraph keeps with the next and its lines together, but the document's last, which keeps with nothing
    assert [keeps(p) for p in closing] == [(True, True)] * (len(closing) - 1) + [(False, True)]
    (table,) = document.tables
    assert all(keeps(cell.paragraphs[0])[0] for row in table.rows for cell in row.cells)
    # what comes before it may break where it falls
    assert [keeps(p) for p in document.paragraphs[texts.index("Why it matters."):texts.index("Reports") + 1]] == [
        (False, False)] * 3


def test_a_closing_section_longer_than_half_a_page_flows_with_only_its_heading_kept_with_its_first_line():
    # kept whole, a section taller than a page is broken anywhere by Word and LibreOffice, also after its heading
    doc = closing_doc()
    closing = doc.sections[-1]
    long = replace(closing, body=closing.body + tuple(Paragraph(f"Step {n}: " + "a line of the plan " * 4)
                                                      for n in range(1, CLOSING_KEPT_WHOLE_LINES + 1)))
    document = reopen(render_docx(replace(doc, sections=doc.sections[:-1] + (long,))))
    texts = [p.text for p in document.paragraphs]
    paragraphs = document.paragraphs[texts.index("Plan and next step"):]
    assert keeps(paragraphs[0]) == (True, True)  # the heading, with the section's first line
    assert not any(keeps(p)[0] for p in paragraphs[1:])


def test_phone_numbers_dates_amounts_and_names_are_written_with_no_break_spaces():
    doc = replace(closing_doc(), unbreakable=("Meridian Predict", "+1 614 555 0142"), locale="en-US")
    doc = replace(doc, sections=doc.sections + (Section(key="offering", kind="offering", title="Offering", body=(
        Paragraph("Meridian Predict cuts stops by 37 % to 11 stops a quarter, worth $1.2 M."),)),))
    texts = [p.text for p in reopen(render_docx(doc)).paragraphs]
    assert "Your contact: Jordan Ellis \u00b7 +1\u00a0614\u00a0555\u00a00142" in texts
    assert "Next step: scope a pilot (Tom Brandt, by January\u00a029,\u00a02027)" in texts
    assert "Meridian\u00a0Predict cuts stops by 37\u00a0% to 11\u00a0stops a quarter, worth $1.2\u00a0M." in texts
    # the draft stays plain text
    draft = render_markdown(doc)
    assert "\u00a0" not in draft and "+1 614 555 0142" in draft and "Meridian Predict cuts stops by 37 %" in draft


def test_speaker_notes_and_deck_only_sections_stay_out_of_the_document():
    doc = make_doc(
        title_section(notes=(Paragraph("Say this out loud only."),)),
        Section(key="deck-only", kind="agenda", title="Agenda", layout="Title Only",
                in_document=False),
    )
    data = render_docx(doc)
    assert [text for _, text in lines(reopen(data))] == [
        "Uptime for Acme Foods", "A point offering from Meridian Ops"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b"out loud" not in archive.read("word/document.xml")


def test_detail_kept_off_the_slides_is_in_the_document():
    doc = make_doc(Section(key="p", kind="priority", title="Fewer stops", layout="Title Only",
                           body=(Paragraph("A long explanation.", in_deck=False),)))
    assert lines(reopen(render_docx(doc))) == [
        ("Heading 1", "Fewer stops"), ("Normal", "A long explanation.")]


def test_role_styles_named_by_the_document_are_used():
    doc = make_doc(Section(key="p", kind="priority", title="Fewer stops",
                           body=(Paragraph("Quoted."),)),
                   styles={"body": "Quote", "heading": "Heading 2"})
    assert lines(reopen(render_docx(doc))) == [("Heading 2", "Fewer stops"), ("Quote", "Quoted.")]


def test_the_templates_own_content_is_replaced_but_its_page_setup_kept(tmp_path):
    template = docx.Document(str(OFFERING))
    template.add_paragraph("Marketing's example paragraph")
    template.add_table(rows=1, cols=1)
    path = tmp_path / "with-content.docx"
    template.save(str(path))
    document = reopen(render_docx(make_doc(title_section(), document=path)))
    assert [text for _, text in lines(document)] == [
        "Uptime for Acme Foods", "A point offering from Meridian Ops"]
    assert document.tables == []
    section = document.sections[0]
    assert (section.page_width, section.page_height) == (
        template.sections[0].page_width, template.sections[0].page_height)
    assert "Meridian Ops" in section.footer.paragraphs[0].text


# --- properties and determinism ------------------------------------------------------------


def test_the_document_properties_name_the_rep_and_the_vendor_not_the_library():
    data = render_docx(make_doc(title_section()))
    props = reopen(data).core_properties
    assert props.author == "Dana Rep"
    assert props.last_modified_by == "Dana Rep"
    assert props.title == "Acme Foods: fewer unplanned stops"
    assert props.subject == "Point offering for Acme Foods"
    assert props.keywords == "uptime; OEE"
    assert props.category == "Point offering"
    assert props.comments == ""
    assert props.revision == 1
    # python-docx reads them back in UTC
    assert props.created == props.modified == CREATED
    assert props.last_printed is None
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        doc_props = {name: archive.read(name).decode() for name in archive.namelist()
                     if name.startswith("docProps/")}
    assert set(doc_props) == {"docProps/core.xml", "docProps/app.xml"}
    assert "<Company>Meridian Ops</Company>" in doc_props["docProps/app.xml"]
    for text in doc_props.values():
        for word in ("python-", "Steve Canny", "Microsoft", "Word"):
            assert word not in text


def test_two_renders_are_byte_identical():
    doc = make_doc(title_section(), Section(
        key="p", kind="priority", title="Fewer stops", group="Priorities",
        body=(Paragraph("x"), bullets("y"), Table(("A",), (("1",),)))))
    assert render_docx(doc) == render_docx(doc)


def test_the_build_time_from_source_date_epoch_is_stamped_everywhere():
    data = render_docx(make_doc(title_section(), created=build_timestamp(CREATED, 1700000000)))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    assert reopen(data).core_properties.created == dt.datetime(
        2023, 11, 14, 22, 13, 20, tzinfo=dt.timezone.utc)


# --- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize("role, name, message", [
    ("bullet", "Bullets", "'Bullets' is not a paragraph style in templates/layouts/offering.docx; it has: "
     + ", ".join(f"'{name}'" for name in sorted(ROLE_STYLES + ["Footer"])) + "; did you mean 'List Bullet'?"),
    ("table", "Grid Table 4", "'Grid Table 4' is not a table style in templates/layouts/offering.docx; it has: "
     "'Normal Table', 'Table Grid'"),
    ("table", "Normal", "'Normal' is not a table style in templates/layouts/offering.docx; it has: "
     "'Normal Table', 'Table Grid'"),
])
def test_a_style_the_template_lacks_is_refused_when_the_library_loads(workspace, role, name, message):
    """Styles are checked once, when the library loads; the renderer trusts that and says so if it was not."""
    outline = workspace / "templates" / "outline.yaml"
    text = outline.read_text(encoding="utf-8")
    line = next(number for number, found in enumerate(text.splitlines(), 1) if found.strip().startswith(f"{role}:"))
    outline.write_text(text.replace(f"{role}: ", f"{role}: {name} #", 1), encoding="utf-8")
    with pytest.raises(AspoError) as excinfo:
        load_library(workspace / "templates")
    assert [str(problem) for problem in excinfo.value.problems] == [
        f"templates/outline.yaml:{line}: document.styles.{role}: {message}"]
    with pytest.raises(LookupError, match="the library's checks should have refused it"):
        render_docx(make_doc(title_section(), styles={role: name}))


def test_a_prepared_template_makes_the_same_documents_and_stays_as_it_was():
    section = Section(key="p", kind="priority", title="Fewer stops", group="Priorities",
                      body=(Paragraph("x"), bullets("y"), Table(("A",), (("1",),))))
    doc, other = make_doc(title_section(), section), make_doc(title_section(subtitle="Another"))
    numbered = make_doc(title_section(), section, styles={"bullet": "Normal"})  # aspo adds a list definition
    template = PreparedDocument.open(OFFERING)
    alone = [render_docx(each) for each in (doc, other, numbered)]
    assert [render_docx(each, template) for each in (doc, numbered, other, numbered, doc)] == [
        alone[0], alone[2], alone[1], alone[2], alone[0]]
    assert template.template.unchanged()
    with pytest.raises(ValueError):
        render_docx(make_doc(title_section(), document=DECK), template)


def test_a_template_that_is_not_a_docx_is_reported(tmp_path):
    with pytest.raises(AspoError) as excinfo:
        render_docx(make_doc(title_section(), document=DECK))
    assert error_line(excinfo) == (f"{display_path(DECK)}: is a PowerPoint .pptx, expected a Word .docx; "
                                   "open it in Word and save it as Word .docx")
    missing = tmp_path / "nowhere.docx"
    with pytest.raises(AspoError) as excinfo:
        render_docx(make_doc(title_section(), document=missing))
    assert error_line(excinfo) == (
        f"{display_path(missing)}: document_template: the template file does not exist")
