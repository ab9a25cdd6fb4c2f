"""Charts on slides: value labels that keep clear of the title whatever the chart's size and data, and a chart left
off a slide for lack of room said so in the speaker notes and the draft (aspo.compose.results_fit's ChartFit and
fit_results, aspo.render.powerpoint's _add_chart)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from documents import make_doc, title_section
from pptx import Presentation
from pptx.enum.chart import XL_TICK_LABEL_POSITION
from pptx.util import Emu

from aspo.compose.document import Callout, Callouts, Chart, Paragraph, Section
from aspo.compose.results_fit import LABEL_LINES, LABEL_ROOM_SHARE, ChartFit, Region, fit_results
from aspo.compose.slide_fit import fit_deck
from aspo.compose.text_measure import LINE_HEIGHT
from aspo.core.formatting import excel_literal
from aspo.office.deck_template import EMU_PER_PT, TextBox, read_deck_template
from aspo.render.markdown import render_markdown
from aspo.render.powerpoint import render_pptx_copies

WEEKS = "#,##0" + excel_literal(" weeks")
STOPS = "#,##0" + excel_literal(" stops per quarter")


def box(width_pt: float, height_pt: float) -> TextBox:
    return TextBox(idx=2, kind=None, left=0, top=0, width=round(width_pt * EMU_PER_PT),
                   height=round(height_pt * EMU_PER_PT), sizes=(18.0,) * 9, indents=(0.0,) * 9)


def chart_fit(width_pt: float, height_pt: float, chart: Chart) -> ChartFit:
    target = box(width_pt, height_pt)
    return ChartFit(target, Region(0, 0, target.width, target.height), chart)


def one_series(title: str = "Time for a new technician to work breakdowns alone", values=(14.0, 6.0),
               number_format: str = WEEKS) -> Chart:
    return Chart(title, ("Before", "After"), ((title, values),), number_format)


LONG_TITLE = "Time for a new technician to work breakdowns alone, measured over eight new hires at two plants"


@pytest.mark.parametrize(("title", "size"), [  # 16:9, 4:3, 16:10 results boxes below callouts, a whole one
    ("Time", (418, 180)), ("Time", (318, 188)), ("Time", (318, 121)), ("Time", (640, 300)),
    (LONG_TITLE, (418, 180)), (LONG_TITLE, (318, 188)), (LONG_TITLE, (640, 300))], ids=str)
def test_the_tallest_column_leaves_its_label_room_below_the_title(title, size):
    fit = chart_fit(*size, one_series(title))
    low, high = fit.value_axis()
    assert fit.fits() and low == 0
    # the room over the tallest column holds its label: the plot's share of it at least the label's line
    assert (high - 14) / high >= LABEL_LINES * fit.size * LINE_HEIGHT / fit._plot_height() - 1e-9
    assert high == float(f"{high:.3g}")  # rounded as a person would set it


def test_labels_too_wide_for_their_columns_show_the_number_and_the_title_names_the_unit():
    chart = Chart("Before and after (stops per quarter)", ("Before", "After"),
                  (("Freezer stops", (11.0, 2.0)), ("Packing line stops", (1250.0, 1180.0))), STOPS)
    fit = chart_fit(318, 190, chart)
    assert (fit.label_format, fit.title) == ("#,##0", "Before and after (stops per quarter)")
    alone = chart_fit(200, 190, one_series("Unplanned stops", (11.0, 2.0), STOPS))
    assert (alone.label_format, alone.title) == ("#,##0", "Unplanned stops (stops per quarter)")
    wide = chart_fit(418, 190, one_series("Unplanned stops", (11.0, 2.0), STOPS))
    assert (wide.label_format, wide.title) == (STOPS, "Unplanned stops")


def test_columns_below_zero_get_room_under_them_and_the_category_names_go_below_the_plot():
    fit = chart_fit(418, 180, one_series("Margin", (-4.0, 3.0), "#,##0"))
    low, high = fit.value_axis()
    assert low < -4 and high > 3
    deck = render_pptx_copies(make_doc(title_section(), scenario(None, one_series("Margin", (-4.0, 3.0), "#,##0"))))
    graph = chart_of(Presentation(io.BytesIO(deck[1])).slides[1])
    assert graph.value_axis.minimum_scale < -4
    assert graph.category_axis.tick_label_position == XL_TICK_LABEL_POSITION.LOW


@pytest.mark.parametrize("height", [100, 130, 180, 260])
def test_columns_both_ways_of_zero_keep_half_the_plot_or_the_chart_is_left_out(height):
    # room for labels is kept beyond the tallest and the deepest column: both count against the plot
    fit = chart_fit(300, height, one_series("Margin", (-5.0, 8.0), '#,##0" stops"'))
    low, high = fit.value_axis()
    if fit.fits():
        assert (8.0 - -5.0) / (high - low) >= 1 - LABEL_ROOM_SHARE
    else:
        assert 2 * fit.label_share() > LABEL_ROOM_SHARE


def test_a_chart_too_small_to_read_is_left_out():
    assert not chart_fit(318, 60, one_series()).fits()
    assert chart_fit(318, 121, one_series()).fits() and not chart_fit(318, 121, one_series(LONG_TITLE)).fits()
    callouts, chart = fit_results(None, one_series(), box(318, 60), 10)
    assert (callouts, chart) == (None, None)


def test_the_drawn_chart_has_one_line_labels_the_axis_and_the_title_its_fit_says():
    doc = make_doc(title_section(), scenario(None, one_series()))
    graph = chart_of(Presentation(io.BytesIO(render_pptx_copies(doc)[0])).slides[1])
    labels = graph.plots[0].data_labels
    assert labels._element.txPr.find(
        "{http://schemas.openxmlformats.org/drawingml/2006/main}bodyPr").get("wrap") == "none"
    assert labels.number_format == WEEKS
    assert graph.chart_title.text_frame.text == "Time for a new technician to work breakdowns alone"
    assert 14 < graph.value_axis.maximum_scale < 40 and graph.value_axis.minimum_scale == 0


# --- a chart left off a 16:10 slide ---------------------------------------------------------------------------------


def scenario(callouts: Callouts | None, chart: Chart) -> Section:
    body = (Paragraph("A mid-sized frozen-food producer in the Midwest"),) + ((callouts,) if callouts else ()) + (
        chart,)
    return Section(key="scenario-freezers", kind="scenarios", title="Keeping spiral freezers running",
                   layout="Two Content", body=body)


def chart_of(slide):
    return next(shape.chart for shape in slide.shapes if getattr(shape, "has_chart", False) and shape.has_chart)


@pytest.fixture(scope="module")
def deck_16x10(tmp_path_factory) -> Path:
    """python-pptx's default template made 16:10 (shapes scaled down), as the issue's brand template was."""
    prs = Presentation()
    factor = 5715000 / prs.slide_height
    prs.slide_width, prs.slide_height = Emu(9144000), Emu(5715000)
    for master in prs.slide_masters:
        for shapes in [master.shapes, *(layout.shapes for layout in master.slide_layouts)]:
            for shape in shapes:
                if shape.top is not None:
                    shape.top, shape.height = Emu(int(shape.top * factor)), Emu(int(shape.height * factor))
    path = tmp_path_factory.mktemp("deck-16x10") / "deck-16x10.pptx"
    prs.save(path)
    return path


THREE_RESULTS = Callouts((
    Callout("-82%", "Unplanned freezer and compressor stops, within 12 months: from 11 stops per quarter to 2"),
    Callout("-9%", "Refrigeration energy use, over 12 months, adjusted for production volume"),
    Callout("-86%", "Product placed on hold after a refrigeration stop, within 12 months")))
NOTE = ("The results box of this layout has no room for the chart \u201cUnplanned freezer and compressor stops\u201d "
        "below the results: it is left off the slide; its figures are in the document.")


def test_a_chart_left_off_a_16x10_slide_is_in_the_presenters_notes_and_the_draft_not_the_customers_deck(deck_16x10):
    section = scenario(THREE_RESULTS, one_series("Unplanned freezer and compressor stops", (11.0, 2.0), STOPS))
    (fitted,) = fit_deck((section,), read_deck_template(deck_16x10), 10)
    assert [note.text for note in fitted.notes] == [NOTE]
    doc = make_doc(title_section(), fitted, deck=deck_16x10)
    customer, presenter = (Presentation(io.BytesIO(data)) for data in render_pptx_copies(doc))
    slide = presenter.slides[1]
    assert not any(getattr(shape, "has_chart", False) and shape.has_chart for shape in slide.shapes)
    assert slide.notes_slide.notes_text_frame.text == NOTE
    assert not any(s.has_notes_slide for s in customer.slides)
    draft = render_markdown(doc).splitlines()
    assert f"> {NOTE}" in draft
    assert not any(line.startswith("Chart (columns") for line in draft), "the draft shows a chart the slide lacks"


def test_a_chart_with_room_on_the_sample_template_adds_no_note():
    section = scenario(THREE_RESULTS, one_series("Unplanned freezer and compressor stops", (11.0, 2.0), STOPS))
    (fitted,) = fit_deck((section,), read_deck_template(Path(__file__).parent.parent / "templates/layouts/deck.pptx"),
                         10)
    assert fitted.notes == ()


def test_a_chart_on_a_layout_with_no_room_for_results_is_noted(deck_16x10):
    section = scenario(None, one_series())
    one_box = Section(**{**section.__dict__, "layout": "Title and Content"})
    (fitted,) = fit_deck((one_box,), read_deck_template(deck_16x10), 10)
    assert [note.text for note in fitted.notes] == [
        "This layout has no room for the chart \u201cTime for a new technician to work breakdowns alone\u201d: it is "
        "left off the slide; its figures are in the document."]
