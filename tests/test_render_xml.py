"""The renderers write text, tables and results as XML directly: exactly what python-pptx's and python-docx's own
calls write (which is what aspo wrote before, through them), for any text."""

from __future__ import annotations

import copy
import io

import docx
import pytest
from documents import DECK, OFFERING
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree
from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.oxml import serialize_part_xml
from pptx.opc.serialized import _ContentTypesItem
from pptx.text.text import TextFrame
from pptx.util import Emu, Pt

from aspo.compose.document import Callout, Table
from aspo.compose.nobreak import NoBreak
from aspo.compose.results_fit import CalloutFit, Region
from aspo.compose.table_fit import fit_table, smallest_table, table_rows
from aspo.office.deck_template import TextBox
from aspo.office.ooxml import A
from aspo.render import powerpoint as render_pptx
from aspo.render import word as render_docx

TEXTS = ["Plain words", " spaces around ", "a & b < c > d \"q\" 'a'", "line\nbreak", "soft\vbreak", "bell\x07here",
         "tab\there", "", "ünïcødé – “quoted” ✓", "carriage\rreturn", "\n", "two\n\nbreaks"]


def xml(element) -> bytes:
    return etree.tostring(element)


@pytest.fixture
def slide():
    prs = Presentation(str(DECK))
    return prs.slides.add_slide(prs.slide_layouts.get_by_name("Two Content"))


def body_placeholders(slide) -> tuple:
    """The slide's content placeholder and a copy of it (the same XML, to write twice)."""
    element = slide.placeholders[1]._element
    twin = copy.deepcopy(element)
    element.addnext(twin)
    return element, twin


def as_python_pptx(element, paragraphs) -> None:
    frame = TextFrame(element.get_or_add_txBody(), None)
    for number, (text, level) in enumerate(paragraphs):
        para = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
        para.text = text
        if level:
            para.level = level


@pytest.mark.parametrize("text", TEXTS)
def test_paragraphs_are_written_as_python_pptx_writes_them(slide, text):
    ours, theirs = body_placeholders(slide)
    paragraphs = [(text, 0), ("Second", 1), (text, 1), (text, 0)]
    render_pptx._fill(ours, paragraphs)
    as_python_pptx(theirs, paragraphs)
    assert xml(ours) == xml(theirs)


def test_shrunk_text_is_written_as_python_pptx_writes_it(slide):
    ours, theirs = body_placeholders(slide)
    paragraphs = tuple((f"A long line of text, number {n}, that needs room " * 3, n % 2) for n in range(12))
    box = TextBox(1, None, 0, 0, 3000000, 400000, (28.0, 24.0), (0.0, 20.0))
    render_pptx._shrink_to_fit(render_pptx._fill(ours, paragraphs), paragraphs, box)
    as_python_pptx(theirs, paragraphs)
    step = render_pptx.shrink(paragraphs, box)
    assert step is not None and step[1]  # smaller, and closer lines
    frame = TextFrame(theirs.txBody, None)
    body_pr = frame._txBody.bodyPr
    body_pr.insert(0, body_pr.makeelement(f"{A}normAutofit", {}))
    for para, (_, level) in zip(frame.paragraphs, paragraphs):
        for run in para.runs:
            run.font.size = Pt(box.sizes[level] * step[0])
        para.line_spacing = 1 - step[1]
    assert xml(ours) == xml(theirs)


@pytest.mark.parametrize("text", TEXTS)
def test_speaker_notes_are_written_as_python_pptx_writes_them(slide, text):
    theirs = slide.notes_slide.notes_placeholder._element
    ours = copy.deepcopy(theirs)
    theirs.addnext(ours)
    lines = f"{text}\nNext line\n{text}"
    render_pptx._set_notes(ours, lines.split("\n"))
    TextFrame(theirs.get_or_add_txBody(), None).text = lines
    assert xml(ours) == xml(theirs)


@pytest.mark.parametrize("text", TEXTS)
def test_callouts_are_written_as_python_pptx_writes_them(slide, text):
    ours, theirs = body_placeholders(slide)
    fit = CalloutFit(None, Region(100, 200, 3000, 4000), (Callout("-57%", text), Callout(text or "0", "Uptime")),
                     28.0, 13.5)
    render_pptx._add_callouts(ours, fit)
    shape = slide.shapes._shape_factory(theirs)
    shape.left, shape.top, shape.width, shape.height = 100, 200, 3000, 4000
    # the python-pptx way, which the renderer keeps for bodies it does not write itself
    render_pptx._add_callouts_as_python_pptx(shape.text_frame, fit)
    assert xml(ours) == xml(theirs)


def test_a_table_is_written_as_python_pptx_writes_it(slide):
    table = Table(("Metric", "Today", ""), (("OEE & more", "61 %"), ("bell\x07", "line\nbreak", " x ")))
    box = TextBox(2, None, 6000000, 1600000, 5000000, 4000000, (18.0,), (0.0,))
    ours, theirs = body_placeholders(slide)
    render_pptx._add_table(slide, ours, box, table, 10)
    rows = table_rows(table)
    fit = fit_table(rows, box, 10) or smallest_table(rows, box, 10)
    heights = [Emu(round(height * 12700)) for height in fit.row_heights]
    frame = slide.shapes.add_table(len(rows), len(fit.widths), box.left, box.top, box.width, sum(heights))
    for column, width in zip(frame.table.columns, fit.widths):
        column.width = Emu(width)
    for row, height in zip(frame.table.rows, heights):
        row.height = height
    for row, values in zip(frame.table.rows, rows):
        for col, cell in enumerate(row.cells):
            run = cell.text_frame.paragraphs[0].add_run()
            run.text = values[col] if col < len(values) else ""
            run.font.size = Pt(fit.size)
    ours, theirs = [shape._element for shape in slide.shapes if shape.has_table]
    theirs.nvGraphicFramePr.cNvPr.set("id", ours.nvGraphicFramePr.cNvPr.get("id"))  # a later shape's number
    theirs.nvGraphicFramePr.cNvPr.set("name", ours.nvGraphicFramePr.cNvPr.get("name"))
    assert xml(ours) == xml(theirs)


def test_package_parts_are_listed_as_python_pptx_lists_them(slide):
    package = slide.part.package
    slide.part.relate_to("https://example.com/?a=1&b=<2>", RT.HYPERLINK, is_external=True)
    for rel in range(12):  # rId10 after rId9
        slide.part.relate_to(f"https://example.com/{rel}", RT.HYPERLINK, is_external=True)
    parts = list(package.iter_parts())
    for part in parts:
        assert render_pptx._rels_xml(part.rels) == part.rels.xml
    assert render_pptx._rels_xml(package._rels) == package._rels.xml
    assert render_pptx._content_types(parts) == serialize_part_xml(_ContentTypesItem.xml_for(tuple(parts)))


@pytest.mark.parametrize("text", TEXTS)
def test_runs_are_written_as_python_docx_writes_them(text):
    document = docx.Document(str(OFFERING))
    writer = render_docx._Writer(document, {"bullet": None})
    body = document.element.body
    ours, theirs = body.makeelement(render_docx._P, {}), body.makeelement(render_docx._P, {})
    body.append(ours)
    body.append(theirs)
    for bold in (False, True):
        if "\x07" in text or "\v" in text:  # not XML: python-docx refuses it too
            with pytest.raises(ValueError):
                writer.run(ours, text, bold)
            with pytest.raises(ValueError):
                DocxParagraph(theirs, document._body).add_run(text)
            return
        writer.run(ours, text, bold)
        run = DocxParagraph(theirs, document._body).add_run(text)
        if bold:
            run.bold = True
    assert xml(ours) == xml(theirs)


def test_a_word_table_is_written_as_python_docx_writes_it():
    table = Table(("Metric", " Today", ""), (("OEE & more", "61 %"), ("tab\there", "line\nbreak", " x ")))
    ours, theirs = (docx.Document(io.BytesIO(OFFERING.read_bytes())) for _ in range(2))
    styles = {"table": None, "bullet": None}
    render_docx._Writer(ours, styles).table(table)
    rows = [tuple(table.header)] + [tuple(row) for row in table.rows]
    shape = theirs.add_table(rows=len(rows), cols=3)
    render_docx._Writer(theirs, styles).table(Table(("",), ()))  # the same borders; its own table is dropped
    theirs.element.body.remove(theirs.tables[-1]._tbl)
    shape._tbl.tblPr.getparent().replace(shape._tbl.tblPr, copy.deepcopy(ours.tables[0]._tbl.tblPr))
    for number, (row, values) in enumerate(zip(shape.rows, rows)):
        row._tr.insert(0, copy.deepcopy(ours.tables[0].rows[number]._tr.trPr))  # cantSplit; tblHeader
        for col, cell in enumerate(row.cells):
            text = values[col] if col < len(values) else ""
            if number == 0:  # the header row keeps with the first row
                cell.paragraphs[0].paragraph_format.keep_with_next = True
            if text:
                run = cell.paragraphs[0].add_run(NoBreak()(text))
                if number == 0:
                    run.bold = True
    assert xml(ours.tables[0]._tbl) == xml(shape._tbl)
