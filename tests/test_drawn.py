"""tests/drawn.py, the checks of what LibreOffice drew, on small hand-written pdftotext pages (no LibreOffice)."""

from __future__ import annotations

import io
from html import escape

import docx
from docx.oxml import parse_xml
from drawn import (
    Box,
    Marks,
    Pages,
    Shape,
    Sheet,
    check_deck,
    check_document,
    deck_sheets,
    document_pages,
    pieces,
    read_bbox,
)
from pptx import Presentation
from pptx.oxml import parse_xml as parse_pptx_xml
from pptx.util import Pt

# --- pages as pdftotext -bbox writes them ------------------------------------------------------------------------


def bbox(*pages: tuple[float, float, list[tuple[str, float, float, float, float]]]) -> str:
    """pdftotext -bbox output for pages of (width, height, [(word, xMin, yMin, xMax, yMax), ...])."""
    out = ['<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
           '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd"><html xmlns="http://www.w3.org/1999/xhtml">',
           "<head>\n<title>t</title>\n</head>\n<body>\n<doc>"]
    for width, height, words in pages:
        out.append(f'  <page width="{width:.6f}" height="{height:.6f}">')
        for text, x0, y0, x1, y1 in words:
            out.append(f'    <word xMin="{x0:.6f}" yMin="{y0:.6f}" xMax="{x1:.6f}" yMax="{y1:.6f}">'
                       f'{escape(text, quote=False).replace(chr(39), "&apos;")}</word>')
        out.append("  </page>")
    out.append("</doc>\n</body>\n</html>")
    return "\n".join(out)


def line(y: float, x: float, *texts: str, height: float = 15.6, width_per_char: float = 6.0) -> list[tuple]:
    """Words drawn on one line from x, one space apart."""
    words = []
    for text in texts:
        width = width_per_char * len(text)
        words.append((text, x, y, x + width, y + height))
        x += width + 3.0
    return words


def deck_page(*lines: list[tuple]) -> list:
    return read_bbox(bbox((720.0, 540.0, [word for found in lines for word in found])))


# --- a 4:3 slide: title, a body placeholder, a table that replaced the right one, the layout's footers --------

TITLE = Box(36.0, 21.6, 684.0, 111.6)
BODY = Box(36.0, 126.0, 354.0, 482.4)
TABLE = Box(366.0, 126.0, 684.0, 205.2)
RIGHT = Box(366.0, 126.0, 684.0, 482.4)
FOOTER = Box(246.0, 500.5, 474.0, 537.3)


def sheet(body: str = "Scope: a condition-based pilot on one line", table: str = "Product Meridian Monitor",
          title: str = "Proposed point offering") -> Sheet:
    shapes = [
        Shape("Title 1", "placeholder", TITLE, title.split()),
        Shape("Content Placeholder 2", "placeholder", BODY, body.split()),
        Shape("Table 4", "table", TABLE, table.split(), lists=False, area=RIGHT, area_name="Content Placeholder 3"),
    ]
    footers = [Shape("Footer Placeholder 4", "footer", FOOTER, [], template=True)]
    return Sheet("slide 4", 720.0, 540.0, shapes, footers, Marks(bullets={"•"}))


def fine_lines() -> list[list[tuple]]:
    return [
        line(50.0, 60.0, "Proposed", "point", "offering", height=40.0, width_per_char=18.0),
        line(130.0, 43.0, "•") + line(130.0, 60.0, "Scope:", "a", "condition-"),
        line(146.0, 60.0, "based", "pilot", "on", "one", "line"),
        line(130.0, 373.0, "Product"),
        line(150.0, 373.0, "Meridian", "Monitor"),
    ]


def test_a_page_drawn_as_meant_passes():
    assert check_deck("deck.pdf", deck_page(*fine_lines()), [sheet()]) == []


def test_a_word_broken_across_lines_is_named_with_its_pieces():
    pages = deck_page(line(150.0, 373.0, "Meridi"), line(162.0, 373.0, "an"), line(174.0, 373.0, "Monitor"))
    assert check_deck("acme-deck.pdf", pages, [sheet()]) == [
        "acme-deck.pdf slide 4: 'Meridi' + 'an' is 'Meridian' broken across lines at [373.0, 150.0, 409.0, 165.6] "
        "(a cell of table 'Table 4')"]


def test_a_word_broken_in_three_and_one_whose_first_piece_is_a_word_are_caught():
    pages = deck_page(line(150.0, 373.0, "Mer"), line(162.0, 373.0, "idi"), line(174.0, 373.0, "an"),
                      line(130.0, 60.0, "a", "condition-based", "pilot", "on"), line(146.0, 60.0, "one", "li"),
                      line(162.0, 60.0, "ne"))
    problems = check_deck("deck.pdf", pages, [sheet()])
    assert [problem.split(" broken")[0] for problem in problems] == [
        "deck.pdf slide 4: 'Mer' + 'idi' + 'an' is 'Meridian'",
        "deck.pdf slide 4: 'li' + 'ne' is 'line'",
    ]


def test_two_words_of_the_text_that_join_into_a_third_are_a_broken_word_unless_the_text_has_them_side_by_side():
    body = "Scope: into the pilot, in the plant"
    pages = deck_page(line(130.0, 60.0, "Scope:", "in"), line(146.0, 60.0, "to", "the", "pilot,"))
    problems = check_deck("deck.pdf", pages, [sheet(body=body + " to")])
    assert problems == ["deck.pdf slide 4: 'in' + 'to' is 'into' broken across lines at [99.0, 130.0, 111.0, 145.6] "
                        "(placeholder 'Content Placeholder 2')"]
    assert check_deck("deck.pdf", pages, [sheet(body=body + " in to")]) == []


def test_a_word_not_in_the_text_that_joins_with_nothing_is_named():
    pages = deck_page(line(150.0, 373.0, "Meridi"), line(162.0, 373.0, "Monitor"))
    assert check_deck("deck.pdf", pages, [sheet()]) == [
        "deck.pdf slide 4: 'Meridi' at [373.0, 150.0, 409.0, 165.6] is not a word of the text meant to be there"]


def test_pieces_break_only_where_a_line_may_break():
    assert pieces("Meridian") == {"meridian"}
    assert pieces("condition-based") == {"condition-based", "condition-", "based"}
    assert pieces("read-only/edge") == {"read-only/edge", "read-", "read-only/", "only/", "only/edge", "edge"}
    assert pieces("mainte\u00adnance") == {"maintenance", "mainte-", "nance"}
    assert "week" not in pieces("weeks") and "chan" not in pieces("Change")


def test_a_word_drawn_off_the_page_is_caught():
    lines = fine_lines() + [line(150.0, 690.0, "Monitor")]
    problems = check_deck("deck.pdf", deck_page(*lines), [sheet()])
    assert "deck.pdf slide 4: 1 word(s) drawn off the page [0.0, 0.0, 720.0, 540.0]: 'Monitor' " \
           "[690.0, 150.0, 732.0, 165.6]" in problems


def test_a_table_whose_rows_grew_below_its_frame_may_fill_the_box_it_replaced_and_no_more():
    grown = fine_lines() + [line(200.0, 373.0, "Monitor"), line(216.0, 373.0, "Product")]
    assert check_deck("deck.pdf", deck_page(*grown), [sheet()]) == []
    past = fine_lines() + [line(470.0, 373.0, "Monitor"), line(484.0, 373.0, "Product")]
    assert check_deck("deck.pdf", deck_page(*past), [sheet()]) == [
        "deck.pdf slide 4: 1 word(s) drawn outside table 'Table 4' [366.0, 126.0, 684.0, 205.2] (up to 294.4 pt "
        "below; 1 also outside the layout's 'Content Placeholder 3' box [366.0, 126.0, 684.0, 482.4] it replaced): "
        "'Product' [373.0, 484.0, 415.0, 499.6]"]  # 'Monitor' reaches 3.2 pt past it: within BOX_TOLERANCE


def test_a_word_lies_in_a_shape_whose_text_holds_it():
    # "pilot" is a word of the body, not of the table: drawn in the table, it is outside the body placeholder
    lines = fine_lines() + [line(180.0, 373.0, "pilot")]
    assert check_deck("deck.pdf", deck_page(*lines), [sheet()]) == [
        "deck.pdf slide 4: 1 word(s) drawn outside placeholder 'Content Placeholder 2' [36.0, 126.0, 354.0, 482.4] "
        "(up to 49.0 pt right): 'pilot' [373.0, 180.0, 403.0, 195.6]"]


def test_large_type_may_reach_a_tenth_of_its_height_past_its_box():
    title = line(75.0, 60.0, "Proposed", height=40.0)  # 3.4 pt below the title's box: within 4 pt
    assert check_deck("deck.pdf", deck_page(title), [sheet()]) == []
    title = line(55.0, 60.0, "Proposed", height=62.0)  # 5.4 pt below, a tenth of 62 pt
    assert check_deck("deck.pdf", deck_page(title), [sheet()]) == []
    title = line(60.0, 60.0, "Proposed", height=62.0)  # 10.4 pt below
    assert check_deck("deck.pdf", deck_page(title), [sheet()]) == [
        "deck.pdf slide 4: 1 word(s) drawn outside placeholder 'Title 1' [36.0, 21.6, 684.0, 111.6] (up to 10.4 pt "
        "below): 'Proposed' [60.0, 60.0, 108.0, 122.0]"]


def test_a_word_over_the_layouts_footer_is_caught_and_the_footers_own_words_are_not():
    lines = fine_lines() + [line(505.0, 250.0, "pilot")]
    problems = check_deck("deck.pdf", deck_page(*lines), [sheet()])
    assert problems == [
        "deck.pdf slide 4: 1 word(s) drawn outside placeholder 'Content Placeholder 2' [36.0, 126.0, 354.0, 482.4] "
        "(up to 38.2 pt below): 'pilot' [250.0, 505.0, 280.0, 520.6]",
        "deck.pdf slide 4: 1 word(s) of placeholder 'Content Placeholder 2' drawn over the layout's footer "
        "placeholder 'Footer Placeholder 4' [246.0, 500.5, 474.0, 537.3]: 'pilot' [250.0, 505.0, 280.0, 520.6]"]
    with_footer = sheet()
    with_footer.shapes.append(Shape("Footer Placeholder 4", "footer", FOOTER, ["Confidential", "4"]))
    lines = fine_lines() + [line(505.0, 250.0, "Confidential", "4")]
    assert check_deck("deck.pdf", deck_page(*lines), [with_footer]) == []


def test_pages_are_slides_in_order():
    two = read_bbox(bbox((720.0, 540.0, []), (720.0, 540.0, [])))
    assert check_deck("deck.pdf", two, [sheet()]) == ["deck.pdf: 2 page(s) drawn for 1 slide(s) shown"]
    assert check_deck("deck.pdf", read_bbox(bbox((960.0, 540.0, []))), [sheet()]) == [
        "deck.pdf slide 4: the page is 960.0 x 540.0 pt, the slide 720.0 x 540.0 pt"]


def test_read_bbox_reads_pages_words_and_entities_also_from_bbox_layout():
    layout = ('<html><body><doc><page width="595.3" height="841.9"><flow><block xMin="1" yMin="2" xMax="3" yMax="4">'
              '<line xMin="1" yMin="2" xMax="3" yMax="4"><word xMin="62.5" yMin="743.6" xMax="302.9" yMax="757.9">'
              'asset&apos;s</word><word xMin="1" yMin="2" xMax="3" yMax="4">R&amp;D</word></line></block></flow>'
              '</page><page width="10" height="20"></page></doc></body></html>')
    pages = read_bbox(layout)
    assert [(page.width, page.height) for page in pages] == [(595.3, 841.9), (10.0, 20.0)]
    assert [str(word) for word in pages[0].words] == ['"asset\'s" [62.5, 743.6, 302.9, 757.9]',
                                                      "'R&D' [1.0, 2.0, 3.0, 4.0]"]


# --- documents -------------------------------------------------------------------------------------------------

AREA = Box(62.4, 62.4, 532.9, 779.5)


def document(body: str = "Plan and next step A pilot should answer one question", table: str = "Result Change",
             footer: str = "Meridian Ops · Point offering \x00PAGE") -> Pages:
    return Pages(595.3, 841.9, AREA, [Shape("body text", "text", AREA, body.split()),
                                      Shape("", "table", AREA, table.split(), lists=False)],
                 footer=[footer.split(), None, None], header=[None, None, None], marks=Marks(bullets={"•"}))


def footer_line(number: int) -> list[tuple]:
    return line(801.1, 62.5, "Meridian", "Ops", "·", "Point", "offering", height=10.4) + line(
        801.1, 529.0, str(number), height=10.4)


def doc_pages(*pages: list[list[tuple]]) -> list:
    return read_bbox(bbox(*((595.3, 841.9, [word for found in lines for word in found]) for lines in pages)))


def test_a_document_drawn_as_meant_passes_with_each_page_number_in_its_footer():
    pages = doc_pages([line(63.0, 62.5, "Plan", "and", "next", "step"), footer_line(1)],
                      [line(63.0, 62.5, "•", "A", "pilot"), line(78.0, 80.5, "Change"), footer_line(2)])
    assert check_document("offering.pdf", pages, document()) == []


def test_a_page_number_is_only_its_pages():
    pages = doc_pages([line(63.0, 62.5, "Plan"), footer_line(2)])
    assert check_document("offering.pdf", pages, document()) == [
        "offering.pdf page 1: '2' at [529.0, 801.1, 535.0, 811.5] is not a word of the text meant to be there"]


def test_a_body_word_below_the_bottom_margin_is_caught_even_when_the_footer_has_it_too():
    pages = doc_pages([line(763.0, 62.5, "A", "pilot", "should"), line(778.0, 62.5, "answer", "Meridian"),
                       footer_line(1)])
    assert check_document("offering.pdf", pages, document(body="A pilot should answer Meridian")) == [
        "offering.pdf page 1: 2 body word(s) drawn below the bottom margin (y 779.5) into the footer: "
        "'answer' [62.5, 778.0, 98.5, 793.6], 'Meridian' [101.5, 778.0, 149.5, 793.6]"]


def test_a_last_line_whose_glyph_boxes_reach_a_point_past_the_bottom_margin_is_no_problem():
    # the glyph box's descent beyond the line's, as LibreOffice draws a page filled to its margin
    pages = doc_pages([line(765.1, 62.5, "answer", "Meridian"), footer_line(1)])
    assert check_document("offering.pdf", pages, document(body="answer Meridian")) == []


def test_a_body_word_past_the_right_margin_is_caught():
    pages = doc_pages([line(63.0, 500.0, "Plan", "and"), footer_line(1)])
    assert check_document("offering.pdf", pages, document()) == [
        "offering.pdf page 1: 1 word(s) drawn outside the text area [62.4, 62.4, 532.9, 779.5] (up to 12.1 pt "
        "right): 'and' [527.0, 63.0, 545.0, 78.6]"]


def test_a_word_broken_in_a_document_table_cell():
    pages = doc_pages([line(63.0, 300.0, "Chan"), line(78.0, 300.0, "ge"), footer_line(1)])
    assert check_document("offering.pdf", pages, document()) == [
        "offering.pdf page 1: 'Chan' + 'ge' is 'Change' broken across lines at [300.0, 63.0, 324.0, 78.6] "
        "(a table cell)"]


# --- reading what the files mean to draw -----------------------------------------------------------------------


def saved(thing) -> io.BytesIO:
    out = io.BytesIO()
    thing.save(out)
    out.seek(0)
    return out


def test_deck_sheets_read_slides_shown_with_their_boxes_tables_and_the_layouts_footers(tmp_path):
    prs = Presentation()  # python-pptx's default template: 4:3
    layouts = {layout.name: layout for layout in prs.slide_layouts}
    first = prs.slides.add_slide(layouts["Title Slide"])
    first.shapes.title.text = "Acme and Meridian"
    hidden = prs.slides.add_slide(layouts["Title and Content"])
    hidden.shapes.title.text = "Hidden"
    hidden._element.set("show", "0")
    third = prs.slides.add_slide(layouts["Two Content"])
    third.shapes.title.text = "Teams like yours"
    third.placeholders[1].text_frame.text = "A four-plant\nmanufacturer"
    table = third.shapes.add_table(2, 2, Pt(366), Pt(126), Pt(318), Pt(40)).table
    for cell, text in zip((c for row in table.rows for c in row.cells), ("Result", "Change", "-24%", "from 2 days")):
        cell.text = text
    box = third.shapes.add_textbox(Pt(10), Pt(10), Pt(100), Pt(20))
    box.text_frame.text = "Slide"
    box.text_frame.paragraphs[0]._p.append(parse_pptx_xml(  # a slide number field, as PowerPoint writes it
        '<a:fld xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" type="slidenum" '
        'id="{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}"><a:t>‹#›</a:t></a:fld>'))
    path = tmp_path / "deck.pptx"
    path.write_bytes(saved(prs).getvalue())

    sheets = deck_sheets(path)
    assert [sheet.label for sheet in sheets] == ["slide 1", "slide 3"]
    assert (sheets[1].width, sheets[1].height) == (720.0, 540.0)
    shapes = {shape.name: shape for shape in sheets[1].shapes}
    assert shapes["Title 1"].words == ["Teams", "like", "yours"]
    assert str(shapes["Title 1"].box) == str(TITLE)  # from the layout: the slide's placeholder has no position
    assert shapes["Content Placeholder 2"].words == ["A", "four-plant", "manufacturer"]
    assert str(shapes["Content Placeholder 2"].box) == str(BODY)
    tables = [shape for shape in sheets[1].shapes if shape.kind == "table"]
    assert [(t.words, str(t.box), str(t.area), t.area_name) for t in tables] == [
        (["Result", "Change", "-24%", "from", "2", "days"], str(Box(366.0, 126.0, 684.0, 166.0)), str(RIGHT),
         "Content Placeholder 3")]
    assert [shape.words for shape in sheets[1].shapes if shape.kind == "text box"] == [["Slide3"]]
    assert sorted(footer.name for footer in sheets[1].footers) == [
        "Date Placeholder 4", "Footer Placeholder 5", "Slide Number Placeholder 6"]
    assert "•" in sheets[1].marks
    assert "Meridi" not in sheets[1].marks


def test_document_pages_read_the_body_tables_footer_with_its_page_field_and_margins(tmp_path):
    document = docx.Document()
    document.add_paragraph("Plan and next step")
    document.add_paragraph("A pilot", style="List Bullet")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Result", "Change"
    footer = document.sections[0].footer.paragraphs[0]
    footer.text = "Meridian Ops\t"
    footer._p.append(parse_xml(
        '<w:fldSimple xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:instr=" PAGE ">'
        "<w:r><w:t>1</w:t></w:r></w:fldSimple>"))
    path = tmp_path / "offering.docx"
    path.write_bytes(saved(document).getvalue())

    pages = document_pages(path)
    assert [shape.words for shape in pages.body] == [["Plan", "and", "next", "step", "A", "pilot"],
                                                     ["Result", "Change"]]
    assert pages.band(pages.footer, 3, 4) == ["Meridian", "Ops", "3"]
    assert pages.band(pages.header, 1, 4) == []
    section = document.sections[0]
    assert str(pages.text_area) == str(Box(section.left_margin.pt, section.top_margin.pt,
                                           section.page_width.pt - section.right_margin.pt,
                                           section.page_height.pt - section.bottom_margin.pt))


def test_a_charts_labels_are_its_words_and_any_number_inside_it_is_an_axis_label(tmp_path):
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[5])  # Title Only
    slide.shapes.title.text = "Downtime"
    data = CategoryChartData()
    data.categories = ["Dayton", "Reno"]
    data.add_series("Lost hours", (120, 45))
    slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, Pt(36), Pt(126), Pt(648), Pt(360), data)
    path = tmp_path / "chart.pptx"
    path.write_bytes(saved(prs).getvalue())

    [meant] = deck_sheets(path)
    [chart] = [shape for shape in meant.shapes if shape.kind == "chart"]
    assert chart.words == ["Dayton", "Reno", "Lost", "hours"] and chart.numbers
    inside = line(300.0, 60.0, "Dayton", "Reno", "140", "1,200.5") + line(450.0, 60.0, "Lost", "hours")
    assert check_deck("chart.pdf", deck_page(inside), [meant]) == []
    outside = line(100.0, 60.0, "140")  # a number elsewhere is not a chart's
    assert check_deck("chart.pdf", deck_page(outside), [meant]) == [
        "chart.pdf slide 1: 1 word(s) drawn outside chart 'Chart 2' [36.0, 126.0, 684.0, 486.0] (up to 26.0 pt "
        "above): '140' [60.0, 100.0, 78.0, 115.6]"]


# --- words drawn over each other ----------------------------------------------------------------------------------

CHART = Box(366.0, 222.4, 684.0, 343.6)


def chart_sheet() -> Sheet:
    chart = Shape("Chart 4", "chart", CHART, "Time for a new technician Before After weeks".split(), numbers=True,
                  lists=False)
    return Sheet("slide 9", 720.0, 540.0, [chart], [], Marks())


def chart_lines(label_top: float) -> list[list[tuple]]:
    """A chart as LibreOffice draws it: category names, value labels, then the title."""
    return [line(327.0, 420.0, "Before"), line(327.0, 590.0, "After"), line(label_top, 442.0, "14", "weeks"),
            line(229.9, 403.0, "Time", "for", "a", "new", "technician")]


def test_a_charts_label_clear_of_its_title_passes_and_tightly_set_lines_of_one_text_pass():
    assert check_deck("deck.pdf", deck_page(*chart_lines(label_top=262.0)), [chart_sheet()]) == []
    # a paragraph's lines set closer than their glyph boxes (shrunk line spacing) are one run of text
    tight = [line(130.0, 60.0, "Scope:", "a", "condition-"), line(141.0, 60.0, "based", "pilot", "on", "one", "line")]
    assert check_deck("deck.pdf", deck_page(*tight), [sheet()]) == []


def test_a_charts_label_drawn_over_its_title_names_both_words_and_boxes():
    problems = check_deck("deck.pdf", deck_page(*chart_lines(label_top=238.0)), [chart_sheet()])
    assert problems == [
        "deck.pdf slide 9: '14' [442.0, 238.0, 454.0, 253.6] (chart 'Chart 4') and 'for' [430.0, 229.9, 448.0, 245.5] "
        "(chart 'Chart 4') are drawn over each other",
        "deck.pdf slide 9: '14' [442.0, 238.0, 454.0, 253.6] (chart 'Chart 4') and 'a' [451.0, 229.9, 457.0, 245.5] "
        "(chart 'Chart 4') are drawn over each other",
        "deck.pdf slide 9: 'weeks' [457.0, 238.0, 487.0, 253.6] (chart 'Chart 4') and 'new' [460.0, 229.9, 478.0, "
        "245.5] (chart 'Chart 4') are drawn over each other",
        "deck.pdf slide 9: 'weeks' [457.0, 238.0, 487.0, 253.6] (chart 'Chart 4') and 'technician' [481.0, 229.9, "
        "541.0, 245.5] (chart 'Chart 4') are drawn over each other"]


def test_words_of_two_shapes_drawn_over_each_other_are_caught():
    over = fine_lines() + [line(150.0, 380.0, "pilot")]  # the body's word drawn over the table's
    problems = check_deck("deck.pdf", deck_page(*over), [sheet()])
    assert problems[-1] == ("deck.pdf slide 4: 'Meridian' [373.0, 150.0, 421.0, 165.6] (a cell of table 'Table 4') and "
                            "'pilot' [380.0, 150.0, 410.0, 165.6] (placeholder 'Content Placeholder 2') are drawn over "
                            "each other")
