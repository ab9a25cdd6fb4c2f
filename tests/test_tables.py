"""Slide tables as the reader sees them: grouped by product, rows sized to their text, and a table split across
slides drawn as one (aspo.compose.table_fit, aspo.render.powerpoint, aspo.render.markdown); and the closing
section, which says the next step's owner and date once (aspo.compose.composer)."""

from __future__ import annotations

import io
from dataclasses import replace
from types import SimpleNamespace

import yaml
from conftest import edit
from documents import DECK, ROOT, make_doc
from drawn import Box, Page, Word
from drawn_tables import check_table_pieces, table_pieces
from pptx import Presentation

from aspo.compose.composer import call_to_action
from aspo.compose.document import Section, Source, Table
from aspo.compose.nobreak import keeping_together
from aspo.compose.slide_fit import fit_deck
from aspo.compose.table_fit import (
    TABLE_SIZES,
    _pieces_at,
    _row_heights,
    first_cell_spans,
    fit_table,
    split_table,
    table_fit,
    table_rows,
)
from aspo.compose.text_measure import INSET_X, measured_width
from aspo.office.deck_template import EMU_PER_PT, TextBox, read_deck_template
from aspo.render.markdown import render_markdown
from aspo.render.powerpoint import render_pptx

TEMPLATE = read_deck_template(DECK)
BOX = TEMPLATE.layout("Title and Content").bodies[0]
LONG = ("Flags vibration, temperature and current changes and routes them to the right person before a small fault "
        "stops a line for a shift")


def offering(*rows: tuple[str, str], grouped: bool = True) -> Table:
    return Table(("Product", "What it means"), rows, Source("catalog", "capabilities"), group_first_column=grouped)


def section(table: Table) -> Section:
    return Section(key="offering", kind="offering", title="Offering", body=(table,), layout="Title and Content")


def deck_tables(table: Table, min_size: float = 10):
    """Each slide's table of the deck drawn for one section holding `table`, fitted as a build fits it."""
    doc = make_doc(*fit_deck((section(table),), TEMPLATE, min_size))
    prs = Presentation(io.BytesIO(render_pptx(doc)))
    return [shape for slide in prs.slides for shape in slide.shapes if shape.has_table]


def sizes(frame) -> set[float]:
    return {run.font.size.pt for row in frame.table.rows for cell in row.cells
            for p in cell.text_frame.paragraphs for run in p.runs}


# --- grouped by product --------------------------------------------------------------------------------------------


def test_a_product_is_shown_once_merged_down_over_its_capabilities():
    (frame,) = deck_tables(offering(("Meridian Monitor", "Alerts"), ("Meridian Monitor", "Health"),
                                    ("Meridian Monitor", "Historian"), ("Meridian Flow", "Work orders")))
    table = frame.table
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["Product", "What it means"], ["Meridian Monitor", "Alerts"], ["", "Health"], ["", "Historian"],
        ["Meridian Flow", "Work orders"]]
    origin = table.cell(1, 0)
    assert origin.is_merge_origin and origin.span_height == 3
    assert table.cell(2, 0).is_spanned and table.cell(3, 0).is_spanned
    assert not table.cell(4, 0).is_merge_origin and not table.cell(4, 0).is_spanned


def test_rows_are_as_high_as_their_text_and_the_frame_ends_where_they_end():
    (frame,) = deck_tables(offering(("Meridian Monitor", "Alerts"), ("Meridian Monitor", LONG)))
    heights = [row.height for row in frame.table.rows]
    assert frame.height == sum(heights) < BOX.height / 2  # not stretched to fill the placeholder
    assert heights[1] == heights[0] < heights[2]  # one line each, then a row of several lines


def test_a_merged_name_longer_than_its_rows_grows_the_groups_last_row():
    rows = (("Product", "What"), ("A long product name in many words", "x"), ("A long product name in many words", "y"))
    spans = first_cell_spans(rows, grouped=True)
    assert spans == (1, 2, 0)
    widths = [round(60 * EMU_PER_PT), round(300 * EMU_PER_PT)]
    heights = _row_heights(rows, widths, 10, 1.0, spans)
    one_line = 10 * 1.22 + 7.2
    assert heights[:2] == (one_line, one_line)  # the name is not counted against its first row alone...
    name = _row_heights(rows[:2], widths, 10)[1]  # ...but against the group: the last row grows
    assert heights[2] > one_line and heights[1] + heights[2] == name


def test_the_draft_names_the_product_on_every_row_so_each_line_of_its_diff_says_whose_it_is():
    doc = make_doc(section(offering(("Monitor", "Alerts"), ("Monitor", "Health"), ("Flow", "Orders"),
                                    ("Monitor", "Later"))))
    draft = render_markdown(doc)
    assert "| Monitor | Alerts |\n| Monitor | Health |\n| Flow | Orders |\n| Monitor | Later |\n" in draft


# --- a table split across slides ----------------------------------------------------------------------------------


def long_offering(products: int = 4, each: int = 3) -> Table:
    return offering(*((f"Meridian {p}", f"{c}: {LONG}") for p in "ABCDEFGH"[:products] for c in range(each)))


def test_every_piece_of_a_split_table_has_one_text_size_and_the_same_column_widths():
    frames = deck_tables(long_offering(), min_size=14)
    assert len(frames) > 1
    assert len({frozenset(sizes(frame)) for frame in frames}) == 1  # every run of every piece at one size
    assert len({tuple(column.width for column in frame.table.columns) for frame in frames}) == 1
    # the last piece, shorter, is not drawn larger than the others
    assert sizes(frames[-1]) == sizes(frames[0])


def test_a_products_rows_stay_together_when_they_fit_one_slide():
    pieces = split_table(long_offering(products=6, each=2), BOX, 14)
    assert len(pieces) > 1
    for piece in pieces:
        products = [row[0] for row in piece.rows]
        assert all(products.count(p) == 2 for p in products), products  # no product's rows split between pieces
    assert [row for piece in pieces for row in piece.rows] == list(long_offering(products=6, each=2).rows)
    assert len({piece.slide_fit for piece in pieces}) == 1


def test_a_product_longer_than_a_slide_goes_on_under_its_name_repeated():
    table = offering(*(("Meridian A", f"{c}: {LONG}") for c in range(12)))
    frames = deck_tables(table, min_size=14)
    assert len(frames) > 1
    for frame in frames:  # each piece starts with the product's name, merged down over its rows
        first = frame.table.cell(1, 0)
        assert first.text == "Meridian A"
        assert len(frame.table.rows) == 2 or first.span_height == len(frame.table.rows) - 1


def test_a_split_table_is_as_large_as_its_fewest_pieces_allow():
    table = long_offering(products=8, each=3)
    pieces = split_table(table, BOX, 8)
    fewest = len(_pieces_at(table, BOX, 8)[0])
    size = pieces[0].slide_fit[0]
    assert len(pieces) == fewest and size > 8
    larger = min(s for s in TABLE_SIZES if s > size)
    bigger = _pieces_at(table, BOX, larger)
    assert bigger is None or len(bigger[0]) > fewest  # one size larger needs another slide


def test_each_piece_fits_the_box_as_the_renderer_draws_it():
    for piece in split_table(long_offering(), BOX, 12):
        fit = table_fit(piece, BOX, 12)
        assert sum(fit.row_heights) <= BOX.height / EMU_PER_PT


# --- checks of what LibreOffice drew (drawn_tables, for tests/test_libreoffice.py) ---------------------------------


def page(*words: tuple[str, float, float, float]) -> Page:
    """A drawn slide: words at (x, y) with a glyph box `height` points high."""
    return Page(960, 540, [Word(text, Box(x, y, x + 6 * len(text), y + height)) for text, x, y, height in words])


def test_a_product_name_is_kept_whole_in_its_cell_and_its_column_sized_for_it():
    # long capability text takes the spare width: the product column is as wide as its longest unbreakable word
    table = offering(("Meridian Monitor", LONG + " " + LONG), ("Meridian Monitor", LONG))
    with keeping_together("en-US", ("Meridian Monitor",)):  # as a build composes the deck
        fitted = fit_deck((replace(section(table), layout="Two Content"),), TEMPLATE, 10)
        fit = table_fit(fitted[0].body[0], TEMPLATE.layout("Two Content").bodies[0], 10)
    assert fitted[0].body[0].rows[0][0] == "Meridian Monitor"  # the model, and so the draft, stays plain
    assert fit.widths[0] / EMU_PER_PT >= measured_width("Meridian\u00a0Monitor", fit.size) + INSET_X
    doc = replace(make_doc(*fitted), unbreakable=("Meridian Monitor",))
    cells = [shape.table.cell(1, 0).text for slide in Presentation(io.BytesIO(render_pptx(doc))).slides
             for shape in slide.shapes if shape.has_table]
    assert cells and all(cell == "Meridian\u00a0Monitor" for cell in cells)


def test_columns_too_narrow_for_names_kept_whole_let_them_break_rather_than_the_table_leave_the_slide():
    names = ("Meridian Predict", "Preventive maintenance plans", "Remaining-life forecasts")
    table = offering(("Meridian Predict", "Remaining-life forecasts: how many weeks a motor has left"),
                     ("Meridian Predict", "Preventive maintenance plans: calendar and meter PMs"))
    narrow = TextBox(idx=2, kind=None, left=0, top=0, width=round(150 * EMU_PER_PT), height=round(300 * EMU_PER_PT),
                     sizes=(18.0,) * 9, indents=(0.0,) * 9)
    with keeping_together("en-US", names):
        assert fit_table(table_rows(table), narrow, 10, True) is None  # whole names need a wider box
        layout = replace(TEMPLATE.layout("Title and Content"), bodies=(narrow,))
        template = replace(TEMPLATE, layouts=tuple(replace(layout, name="Narrow") if lay.name == layout.name
                                                   else lay for lay in TEMPLATE.layouts))
        (fitted,) = fit_deck((replace(section(table), layout="Narrow"),), template, 10)
        (on_slide,) = fitted.deck_body
        assert not on_slide.names_whole and fitted.notes == ()  # on the slide, and nothing to say about it
        assert table_rows(on_slide)[1][0] == "Meridian Predict"  # breaks at its space
    # and the deck writes it so
    doc = replace(make_doc(section(on_slide)), unbreakable=names)
    (drawn,) = [shape.table for slide in Presentation(io.BytesIO(render_pptx(doc))).slides for shape in slide.shapes
                if shape.has_table]
    assert drawn.cell(1, 0).text == "Meridian Predict" and "\u00a0" not in drawn.cell(1, 1).text


def test_the_pieces_of_a_table_are_found_by_their_continued_slides(tmp_path):
    frames = deck_tables(long_offering(), min_size=14)
    doc = make_doc(*fit_deck((section(long_offering()),), TEMPLATE, 14))
    path = tmp_path / "deck.pptx"
    path.write_bytes(render_pptx(doc))
    found = table_pieces(path)
    assert [len(group) for group in found] == [len(frames)]
    assert [piece.slide for piece in found[0]] == list(range(1, len(frames) + 1))


def test_pieces_drawn_at_one_size_pass_and_at_two_sizes_fail(tmp_path):
    doc = make_doc(*fit_deck((section(long_offering()),), TEMPLATE, 14))
    path = tmp_path / "deck.pptx"
    path.write_bytes(render_pptx(doc))
    pieces = table_pieces(path)[0]

    def drawn(heights: list[float]) -> list[Page]:
        return [page(("Product", piece.box.x0 + 8, piece.box.y0 + 4, height),
                     ("Meridian", piece.box.x0 + 8, piece.box.y0 + 30, height))
                for piece, height in zip(pieces, heights)]

    assert check_table_pieces("deck.pdf", drawn([17.0] * len(pieces)), path) == []
    problems = check_table_pieces("deck.pdf", drawn([17.0] * (len(pieces) - 1) + [27.0]), path)
    assert problems == [f"deck.pdf slides 1-{len(pieces)}: the pieces of table 'Product | What it means' are drawn "
                        f"at different sizes: {', '.join(['17.0 pt'] * (len(pieces) - 1) + ['27.0 pt'])} "
                        "(glyph box heights)"]


# --- the closing section ------------------------------------------------------------------------------------------


def account(owner: str | None = "Tom Brandt", by=None):
    import datetime as dt

    step = SimpleNamespace(action="Scope a pilot", owner=owner, by=by or dt.date(2027, 1, 29))
    return SimpleNamespace(data=SimpleNamespace(next_step=step))


def test_the_call_to_action_says_what_who_and_by_when():
    assert call_to_action(account(), "en-US") == "Next step: Scope a pilot (Tom Brandt, by January 29, 2027)"


def test_the_call_to_action_leaves_out_what_the_closing_section_already_says():
    said = "A pilot answers one question. Who drives it: Tom Brandt, by January 29, 2027"
    assert call_to_action(account(), "en-US", said) == "Next step: Scope a pilot"
    # a block that says the date but not who drives it
    assert call_to_action(account("Jordan Ellis"), "en-US", "We meet again by January 29, 2027") == (
        "Next step: Scope a pilot (Jordan Ellis)")
    # a name is told as a whole word only
    assert call_to_action(account("Tom"), "en-US", "Tomorrow we meet") == (
        "Next step: Scope a pilot (Tom, by January 29, 2027)")


def test_a_rep_who_owns_the_next_step_is_named_as_its_owner_not_only_as_the_contact(workspace, aspo):
    # with no block saying who drives it, the contact line alone does not tell the reader who owns the step
    edit(workspace / "accounts" / "acme.yaml", "owner: Tom Brandt", "owner: Jordan Ellis")
    edit(workspace / "templates" / "blocks" / "next-steps-pilot.md",
         "- Who drives it: {{ next_step.owner }}{% if next_step.by %}, by {{ next_step.by }}{% endif %}",
         "- Who takes part: your maintenance lead and one planner")
    assert aspo("build", "accounts/acme.yaml").status == 0
    draft = (workspace / "output" / "acme" / "acme-draft.md").read_text(encoding="utf-8")
    assert "Next step: Scope a 90-day Meridian Monitor pilot on corrugator line 2 at Dayton, covering its 30 most " \
           "critical assets (Jordan Ellis, by January 29, 2027)" in draft


def test_no_line_of_a_sample_closing_section_repeats_the_owner():
    for name in ("acme", "globex", "northwind-health"):
        owner = yaml.safe_load((ROOT / "accounts" / f"{name}.yaml").read_text(encoding="utf-8"))["next_step"]["owner"]
        draft = (ROOT / "output" / name / f"{name}-draft.md").read_text(encoding="utf-8")
        start = draft.index("key `next-steps`")
        closing = draft[draft.index("\n\n`[", start):draft.index("Speaker notes:", start)]
        assert [line for line in closing.splitlines() if owner in line] == [f"- Who drives it: {owner}, by " + (
            line := next(x for x in closing.splitlines() if owner in x)).split(", by ")[1]], closing
        assert closing.count(line.split(", by ")[1]) == 1  # the date too
