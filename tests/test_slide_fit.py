"""How much text a placeholder holds: aspo.compose.slide_fit, with the geometry aspo.office.deck_template reads from
the template."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from documents import DECK, bullets, make_doc, title_section
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER

from aspo.compose.composer import compose
from aspo.compose.document import Paragraph, Section, Table
from aspo.compose.slide_fit import Overflow, fit_deck, overflows, slide_text
from aspo.compose.text_measure import room, text_height
from aspo.library.content import load_library
from aspo.office.deck_template import TextBox, read_deck_template
from aspo.plan.plan import plan_account
from aspo.render.powerpoint import render_pptx

ROOT = Path(__file__).resolve().parent.parent
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_TEXT_TYPES = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT,
               PP_PLACEHOLDER.SUBTITLE}


def pptx_geometry(path: Path) -> dict[str, dict[int, tuple[int, int, int, int]]]:
    """What python-pptx reports for the title and body placeholders of each layout."""
    prs = Presentation(str(path))
    return {
        layout.name: {ph.placeholder_format.idx: (ph.left, ph.top, ph.width, ph.height)
                      for ph in layout.placeholders if ph.placeholder_format.type in _TEXT_TYPES}
        for layout in prs.slide_layouts
    }


def our_geometry(path: Path) -> dict[str, dict[int, tuple[int, int, int, int]]]:
    deck = read_deck_template(path)
    return {
        layout.name: {box.idx: (box.left, box.top, box.width, box.height)
                      for box in ((layout.title,) if layout.title else ()) + layout.bodies}
        for layout in deck.layouts
    }


def box(**changes) -> TextBox:
    values = dict(idx=1, kind=None, left=0, top=0, width=10972800, height=4572000,
                  sizes=(24.0, 20.0) + (18.0,) * 7, indents=(27.0, 58.5) + (0.0,) * 7)
    values.update(changes)
    return TextBox(**values)


@pytest.fixture(scope="module")
def deck():
    return read_deck_template(DECK)


# --- geometry, read without python-pptx ----------------------------------------------------


def test_the_boxes_are_where_python_pptx_says_the_placeholders_are():
    assert our_geometry(DECK) == pptx_geometry(DECK)


def test_a_placeholder_without_its_own_position_takes_the_masters(tmp_path):
    prs = Presentation(str(DECK))
    for layout in prs.slide_layouts:  # every title and body placeholder inherits its position
        for ph in layout.placeholders:
            xfrm = ph._element.spPr.find(f"{_A}xfrm")
            if xfrm is not None and ph.placeholder_format.type in _TEXT_TYPES:
                ph._element.spPr.remove(xfrm)
    inheriting = tmp_path / "inheriting.pptx"
    prs.save(str(inheriting))
    assert our_geometry(inheriting) == pptx_geometry(inheriting)
    # the cover's centred title now sits where the master's title does
    assert our_geometry(inheriting)["Title Slide"][0] != our_geometry(DECK)["Title Slide"][0]


def test_text_sizes_and_margins_come_from_the_layout_then_the_master(deck):
    content = deck.layout("Title and Content")
    assert content.title.kind == "title" and content.title.sizes[0] == 30.0  # master titleStyle
    (body,) = content.bodies
    assert (body.idx, body.kind) == (1, None)
    assert body.sizes[:3] == (24.0, 20.0, 18.0)  # master bodyStyle
    assert body.indents[:2] == (27.0, 58.5)
    two = deck.layout("Two Content")
    assert [b.idx for b in two.bodies] == [1, 2]
    assert two.bodies[0].sizes[:2] == (20.0, 18.0)  # the layout's own list style
    assert two.bodies[0].indents[0] == 27.0  # ...which leaves the margin to the master
    cover = deck.layout("Title Slide")
    assert cover.title.kind == "ctrTitle" and cover.title.sizes[0] == 44.0
    assert [(b.kind, b.sizes[0]) for b in cover.bodies] == [("subTitle", 24.0)]
    assert deck.layout("Title Only").bodies == ()


def test_the_layout_summary_still_says_what_each_layout_holds(deck):
    assert [(layout.name, layout.has_title, layout.body_placeholders) for layout in deck.layouts] == [
        ("Title Slide", True, 1), ("Title and Content", True, 1), ("Section Header", True, 1),
        ("Two Content", True, 2), ("Title Only", True, 0)]
    assert [layout.part for layout in deck.layouts] == [
        f"ppt/slideLayouts/slideLayout{n}.xml" for n in range(1, 6)]


def test_the_template_can_be_read_from_bytes_already_read():
    assert read_deck_template(DECK, DECK.read_bytes()) == read_deck_template(DECK)


# --- the estimate --------------------------------------------------------------------------


def test_text_height_grows_with_text_and_shrinks_with_scale():
    short = [("Fewer unplanned stops", 0)]
    longer = [("Fewer unplanned stops on every filler line, every shift, " * 4, 0)]
    more = longer + [("Predictive alerts", 1)] * 5
    b = box()
    assert 0 < text_height(short, b) < text_height(longer, b) < text_height(more, b)
    assert text_height(more, b, 0.7, 0.2) < text_height(more, b, 0.85, 0.2) < text_height(more, b)
    assert text_height(more, replace(b, width=b.width // 2)) > text_height(more, b)


def test_room_is_the_height_less_the_insets():
    assert room(box(height=12700 * 100)) == pytest.approx(92.8)


# --- a section on its slide ----------------------------------------------------------------


def test_paragraphs_bullets_and_tables_go_where_the_renderer_puts_them(deck):
    table = Table(("Metric", "Today"), (("OEE", "61 %"),))
    section = Section(key="t", kind="priority", title="Numbers", layout="Two Content",
                      body=(Paragraph("Where we stand:"), bullets("One"), table,
                            Paragraph("Detail", in_deck=False)))
    laid_out = slide_text(section, deck.layout("Two Content"))
    assert laid_out.title.paragraphs == (("Numbers", 0),)
    assert laid_out.body.box.idx == 1
    assert laid_out.body.paragraphs == (("Where we stand:", 0), ("One", 1))
    assert [(t, b.idx) for t, b in laid_out.tables] == [(table, 2)]
    # with no second placeholder the table becomes lines of text
    narrow = slide_text(replace(section, layout="Title and Content"), deck.layout("Title and Content"))
    assert narrow.body.paragraphs == (("Where we stand:", 0), ("One", 1),
                                      ("Metric \u2014 Today", 1), ("OEE \u2014 61 %", 1))
    assert narrow.tables == ()


def test_the_cover_subtitle_takes_the_subtitle_placeholder(deck):
    laid_out = slide_text(title_section(), deck.layout("Title Slide"))
    assert laid_out.title.box.kind == "ctrTitle"
    assert laid_out.subtitle.box.kind == "subTitle"
    assert laid_out.subtitle.paragraphs == (("A point offering from Meridian Ops", 0),)
    assert laid_out.body is None


# --- the overflow lint ---------------------------------------------------------------------


def test_a_huge_body_overflows_and_says_by_how_much(deck):
    text = "Acme loses fourteen hours a week to unplanned stops on its filler lines. " * 12
    section = Section(key="priority-1", kind="priority", title="Fewer stops", layout="Title and Content",
                      body=(Paragraph(text), bullets(*["Predictive alerts before the bearing fails"] * 8)))
    (found,) = overflows(make_doc(title_section(), section), deck)
    assert (found.section_key, found.field, found.layout) == ("priority-1", "body", "Title and Content")
    assert found.needed_pt > found.room_pt == pytest.approx(room(deck.layout("Title and Content").bodies[0]))
    over = round((found.needed_pt / found.room_pt - 1) * 100)
    cut = round((1 - found.room_pt / found.needed_pt) * 100)
    assert "layout 'Title and Content'" in found.message
    assert f"({over}% over; cut about {cut}%" in found.message
    assert f"about {found.needed_pt:.0f} pt" in found.message and f"holds {found.room_pt:.0f} pt" in found.message


def test_the_message_reads_as_a_sentence():
    found = Overflow("priority-1", "body", "Title and Content", 412.0, 294.0, placeholder="content",
                     shrink_to=0.7)
    assert found.message == (
        "text needs about 412 pt but the content placeholder of layout 'Title and Content' holds 294 pt "
        "(40% over; cut about 29%, else PowerPoint shrinks it to 70%)")


def test_the_lint_flags_exactly_the_text_the_renderer_shrinks(deck):
    long_title = ("Fewer unplanned stops on every filler line at every one of the plants, every shift, "
                  "in every season, for every product we make")
    doc = make_doc(
        title_section(),
        Section(key="fits", kind="priority", title="Short", layout="Title and Content", body=(bullets("a", "b"),)),
        Section(key="long", kind="priority", title=long_title, layout="Title and Content",
                body=(Paragraph("word " * 400),)),
    )
    found = {(o.section_key, o.field) for o in overflows(doc, deck)}
    assert found == {("long", "title"), ("long", "body")}
    with zipfile.ZipFile(io.BytesIO(render_pptx(doc))) as archive:
        shrunk = {n: archive.read(f"ppt/slides/slide{n}.xml").count(b"<a:normAutofit/>") for n in (1, 2, 3)}
    assert shrunk == {1: 0, 2: 0, 3: 2}


def test_a_normal_sample_section_fits_its_body():
    library = load_library(ROOT / "templates")
    doc = compose(plan_account(ROOT / "accounts" / "acme.yaml", library))
    deck = read_deck_template(doc.deck_template)
    situation = next(s for s in doc.deck_sections if s.key == "situation")
    laid_out = slide_text(situation, deck.layout(situation.layout))
    assert laid_out.body.paragraphs  # it has text...
    assert text_height(laid_out.body.paragraphs, laid_out.body.box) < room(laid_out.body.box)  # ...which fits
    assert not [o for o in overflows(doc, deck) if o.section_key == "situation"]


def test_sections_whose_layout_cannot_hold_them_are_left_to_the_layout_checks(deck):
    doc = make_doc(Section(key="x", kind="priority", title="X", layout="No Such Layout", body=(bullets("a"),)),
                   Section(key="y", kind="close", title="Y", layout="Title Only", body=(Paragraph("z " * 500),)))
    assert overflows(doc, deck) == []


@pytest.mark.parametrize("slug", ["acme", "globex", "northwind-health"])
def test_the_rendered_deck_shrinks_what_the_estimate_says(slug):
    """The renderer's shrink-to-fit is aspo.compose.slide_fit's: the text of every placeholder of the sample decks
    carries the sizes (level size x the font scale) fit.shrink gives for the text fit.slide_text puts there,
    and none where it fits as it is."""
    from xml.etree import ElementTree

    from aspo.compose.text_measure import shrink

    library = load_library(ROOT / "templates")
    doc = compose(plan_account(ROOT / "accounts" / f"{slug}.yaml", library))
    deck = read_deck_template(doc.deck_template)
    p = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
    with zipfile.ZipFile(io.BytesIO(render_pptx(doc))) as archive:
        for number, section in enumerate(doc.deck_sections, start=1):
            root = ElementTree.fromstring(archive.read(f"ppt/slides/slide{number}.xml"))
            written = {}
            for sp in root.iter(f"{p}sp"):
                ph = sp.find(f"{p}nvSpPr/{p}nvPr/{p}ph")
                if ph is not None:
                    sizes = tuple(int(run.get("sz")) if run.get("sz") else None
                                  for run in sp.iter(f"{_A}rPr"))
                    written[int(ph.get("idx", "0"))] = sizes if any(sizes) else None
            expected = {}
            laid_out = slide_text(section, deck.layout(section.layout), doc.min_font_size)
            for fill in laid_out.fills:
                step = shrink(fill.paragraphs, fill.box)
                expected[fill.box.idx] = None if step is None else tuple(
                    round(fill.box.sizes[level] * step[0] * 100) for _, level in fill.paragraphs)
            if laid_out.callouts is not None:  # sized by aspo.compose.slide_fit itself
                expected[laid_out.callouts.box.idx] = written[laid_out.callouts.box.idx]
            assert written == expected, section.key


def test_a_font_the_estimate_does_not_know_counts_as_its_wide_substitute():
    from aspo.office.deck_template import MISSING_FONT_WIDTH, font_width

    assert (font_width("Calibri"), font_width("Arial"), font_width(None)) == (1.0, 1.1, 1.0)
    assert font_width("'Open Sans Condensed'") == font_width("Brand Sans") == MISSING_FONT_WIDTH
    wide = box(width_factor=MISSING_FONT_WIDTH)
    text = (("word " * 60, 0),)
    assert text_height(text, wide) > text_height(text, box())


def test_a_results_box_too_small_for_every_figure_shows_the_first_ones_and_the_notes_say_so():
    from aspo.compose.document import Callout, Callouts
    from aspo.compose.results_fit import fit_results

    items = tuple(Callout(f"-{n}0%", f"unplanned downtime at plant {n}, in the first nine months")
                  for n in range(1, 7))
    small = box(height=1400000, width=3000000)
    callouts, chart = fit_results(Callouts(items), None, small, 10)
    assert chart is None and 1 <= len(callouts.items) < len(items)
    assert callouts.items == items[:len(callouts.items)]
    template = read_deck_template(ROOT / "templates/layouts/deck.pptx")
    two = template.layout("Two Content")
    squeezed = replace(two, bodies=(two.bodies[0], replace(two.bodies[1], height=1400000, width=3000000)))
    deck = replace(template, layouts=tuple(squeezed if layout is two else layout for layout in template.layouts))
    section = Section(key="s", kind="scenario", title="A scenario", layout="Two Content",
                      body=(Paragraph("What they did."), Callouts(items)))
    (fitted,) = fit_deck((section,), deck, 10)
    shown = len(callouts.items)
    assert fitted.notes[-1].text == (f"The results box of this layout holds {shown} of the 6 results: "
                                     f"the other {6 - shown} are in the document only.")
