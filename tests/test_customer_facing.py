"""What the customer reads: nothing internal, dates in their locale, the rep's contact, results as figures and
a chart, the account's logo, and tables that fit: on the sample template and on a 4:3 one."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import REPO, edit, line_of, use_4_3_template
from docx import Document as WordDocument
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

SAMPLES = ["acme", "globex", "northwind-health"]
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
SIZES = {"smb": "small business", "mid-market": "mid-market", "enterprise": "enterprise"}


def customer_texts(folder: Path, slug: str) -> dict[str, str]:
    """Everything the customer can read in the deck and the document: slides (not notes), tables, chart titles,
    the document's body, headers and footers, and both files' properties."""
    prs = Presentation(str(folder / f"{slug}-deck.pptx"))
    slides = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                slides.append(shape.text_frame.text)
            if getattr(shape, "has_table", False) and shape.has_table:
                slides += [cell.text for row in shape.table.rows for cell in row.cells]
            if getattr(shape, "has_chart", False) and shape.has_chart and shape.chart.has_title:
                slides.append(shape.chart.chart_title.text_frame.text)
    word = WordDocument(str(folder / f"{slug}-offering.docx"))
    document = [p.text for p in word.paragraphs]
    document += [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    for section in word.sections:
        document += [p.text for p in section.header.paragraphs] + [p.text for p in section.footer.paragraphs]
    properties = []
    for core in (prs.core_properties, word.core_properties):
        properties += [core.title, core.subject, core.keywords, core.comments, core.category, core.author]
    return {"deck": "\n".join(slides), "document": "\n".join(document), "properties": "\n".join(properties)}


def test_nothing_internal_reaches_what_the_customer_reads(sample_outputs):
    for slug in SAMPLES:
        account = yaml.safe_load((REPO / "accounts" / f"{slug}.yaml").read_text())
        segment = f"{SIZES[account['size']]}, {account['region']}"
        for where, text in customer_texts(sample_outputs / slug, slug).items():
            flat = " ".join(text.split())
            assert " ".join(account["meeting"]["goal"].split()) not in flat, (slug, where, "meeting goal")
            assert segment not in flat, (slug, where, "segment")
            assert account["region"] not in flat, (slug, where, "region")
            assert not ISO_DATE.search(flat), (slug, where, ISO_DATE.search(flat).group())
        # the rep still has all of it, in the speaker notes and the draft
        draft = (sample_outputs / slug / f"{slug}-draft.md").read_text(encoding="utf-8")
        assert "Meeting goal: " in draft and "Segment: " in draft and account["region"] in draft


def test_the_closing_slide_and_the_last_section_carry_the_reps_contact(sample_outputs):
    for slug in SAMPLES:
        rep = yaml.safe_load((REPO / "accounts" / f"{slug}.yaml").read_text())["rep"]
        last_slide = Presentation(str(sample_outputs / slug / f"{slug}-deck.pptx")).slides[-1]
        slide_text = "\n".join(s.text_frame.text for s in last_slide.shapes if s.has_text_frame)
        assert rep["email"] in slide_text and rep["name"] in slide_text and rep["title"] in slide_text
        paragraphs = [p.text for p in WordDocument(str(sample_outputs / slug / f"{slug}-offering.docx")).paragraphs]
        last_heading = max(i for i, p in enumerate(paragraphs) if p == "Plan and next step")
        assert any(rep["email"] in p and rep["name"] in p for p in paragraphs[last_heading:])
    closing = Presentation(str(sample_outputs / "acme" / "acme-deck.pptx")).slides[-1]
    acme = "\n".join(s.text_frame.text for s in closing.shapes if s.has_text_frame)
    assert ("Your contact: Jordan Ellis, Account Executive \u00b7 jordan.ellis@meridianops.example "
            "\u00b7 +1\u00a0614\u00a0555\u00a00142") in acme  # a phone number no line breaks inside
    # the deck still ends with the next step
    assert acme.splitlines()[-1].startswith("Next step: Scope a 90-day Meridian\u00a0Monitor pilot")


@pytest.mark.parametrize("locale, meeting, next_step", [
    ("en-US", "January 14, 2027", "January 29, 2027"),
    ("en-GB", "14 January 2027", "29 January 2027"),
    ("de-DE", "14. Januar 2027", "29. Januar 2027"),
])
def test_dates_are_written_in_the_accounts_locale(workspace, aspo, locale, meeting, next_step):
    # English text with the locale's dates (a locale alone would pick the German the library maintains)
    edit(workspace / "accounts" / "acme.yaml", "region: North America - Central",
         f"region: North America - Central\nlocale: {locale}\nlanguage: en")
    assert aspo("build", "accounts/acme.yaml").status == 0
    texts = customer_texts(workspace / "output" / "acme", "acme")
    meeting, next_step = (date.replace(" ", "\u00a0") for date in (meeting, next_step))  # no line breaks inside
    for where in ("deck", "document"):
        assert f"Point offering \u00b7 {meeting}" in texts[where], where
        assert f"Who drives it: Tom Brandt, by {next_step}" in texts[where], where
        assert texts[where].count(next_step) == 1, where  # the call to action does not say it again


def test_the_catalogs_locale_is_the_default(workspace, aspo):
    edit(workspace / "templates" / "catalog.yaml", "  website: https://meridianops.example\n",
         "  website: https://meridianops.example\nlocale: en-GB\n")
    assert aspo("build", "accounts/acme.yaml").status == 0
    deck = customer_texts(workspace / "output" / "acme", "acme")["deck"]
    assert "Point offering \u00b7 14\u00a0January\u00a02027" in deck


def test_an_unknown_locale_is_one_line_naming_the_field(workspace, aspo):
    edit(workspace / "accounts" / "acme.yaml", "region: North America - Central",
         "region: North America - Central\nlocale: xx-YY")
    result = aspo("build", "accounts/acme.yaml")
    assert result.status == 2
    line = line_of(workspace / "accounts" / "acme.yaml", "locale: xx-YY")
    assert result.err == (f"aspo: error: accounts/acme.yaml:{line}: locale: unknown locale 'xx-YY'; "
                          "use a tag such as en-US, en-GB, de-DE or fr-FR\n")
    assert not (workspace / "output" / "acme").exists()


def test_a_template_that_shows_an_internal_field_to_the_customer_fails_the_build(workspace, aspo):
    edit(workspace / "templates" / "outline.yaml", '"{{ material }} \u00b7 {{ meeting.date }}"',
         '"{{ meeting.goal }}"')
    result = aspo("build", "accounts/acme.yaml")
    assert result.status == 2
    assert re.fullmatch(r"aspo: error: templates/outline\.yaml:\d+: sections\[0\]\.subtitle: undefined variable: "
                        r"meeting\.goal is for the "
                        r"rep only: use it in speaker notes \(after '## Notes'\), never in what the customer reads\n",
                        result.err), result.err


def test_speaker_notes_may_use_internal_fields(workspace, aspo):
    edit(workspace / "templates" / "blocks" / "next-steps-pilot.md", "## Notes\n",
         "## Notes\n\nRemember why we are here: {{ meeting.goal }}\n")
    assert aspo("build", "accounts/acme.yaml").status == 0
    notes = [s.notes_slide.notes_text_frame.text
             for s in Presentation(str(workspace / "output" / "acme" / "acme-deck-presenter.pptx")).slides
             if s.has_notes_slide]
    assert any("Remember why we are here: Agree which corrugator line" in n for n in notes)


def test_a_scenario_with_numbers_shows_callouts_and_a_native_chart(sample_outputs):
    deck = Presentation(str(sample_outputs / "acme" / "acme-deck.pptx"))
    slide = next(s for s in deck.slides if s.shapes.title.text_frame.text.startswith("Getting new technicians"))
    charts = [shape for shape in slide.shapes if getattr(shape, "has_chart", False) and shape.has_chart]
    assert len(charts) == 1
    chart = charts[0].chart
    assert chart.chart_title.text_frame.text == "Time for a new technician to work breakdowns alone"
    assert list(chart.plots[0].categories) == ["Before", "After"]
    assert [list(series.values) for series in chart.plots[0].series] == [[14.0, 6.0]]
    assert chart.part.chart_workbook.xlsx_part is not None  # editable in PowerPoint: its data travels with it
    texts = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
    assert any(text.startswith("-57%\nTime for a new technician") for text in texts)
    assert any("What they did: Harlan moved all work orders" in text for text in texts)
    # the document tells the same results as a table
    word = WordDocument(str(sample_outputs / "acme" / "acme-offering.docx"))
    rows = [[cell.text for cell in row.cells] for table in word.tables for row in table.rows]
    assert ["Time for a new technician to work breakdowns alone", "from 14\u00a0weeks to 6\u00a0weeks",
            "measured over 8 new hires"] in rows


def test_the_accounts_logo_is_on_the_title_slide_and_the_first_page(sample_outputs):
    logo = (REPO / "accounts" / "northwind-health-logo.png").read_bytes()
    deck = Presentation(str(sample_outputs / "northwind-health" / "northwind-health-deck.pptx"))
    pictures = [s for s in deck.slides[0].shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(pictures) == 1 and pictures[0].image.blob == logo
    picture = pictures[0]
    assert picture.left + picture.width <= deck.slide_width and picture.top >= 0
    assert abs(picture.width / picture.height - 3.0) < 0.01  # its proportions kept (480x160)
    assert not any(s.shape_type == MSO_SHAPE_TYPE.PICTURE for slide in list(deck.slides)[1:] for s in slide.shapes)
    word = WordDocument(str(sample_outputs / "northwind-health" / "northwind-health-offering.docx"))
    first = word.paragraphs[0]
    assert first._p.xpath(".//pic:pic") and word.paragraphs[1].text == "Northwind Health and Meridian Ops"
    assert len(word.inline_shapes) == 1
    acme = Presentation(str(sample_outputs / "acme" / "acme-deck.pptx"))  # no logo: no picture
    assert not any(s.shape_type == MSO_SHAPE_TYPE.PICTURE for s in acme.slides[0].shapes)


def _png(path: Path, size: tuple[int, int]) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 60, 90)).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())


@pytest.mark.parametrize("logo, make, message", [
    ("missing.png", None, "'missing.png' does not exist (the path is relative to the account file)"),
    ("logo.gif", "gif", "'logo.gif' is not a .png, .jpg or .jpeg file"),
    ("logo.png", "text", "'logo.png' is not a PNG or JPEG image (its content is neither)"),
    ("logo.jpg", "png", "'logo.jpg' holds a PNG image but is named .jpg; rename it"),
    ("logo.png", "tiny", "'logo.png' is 20x20 pixels; a logo needs 32 to 8000 pixels on each side"),
    ("logo.png", "thin", "'logo.png' is 900x100 pixels, more than 8 times as long as it is wide; crop it"),
    ("logo.png", "truncated", None),
])
def test_a_bad_logo_is_one_line_naming_the_field(workspace, aspo, logo, make, message):
    target = workspace / "accounts" / logo
    if make in ("png", "tiny", "thin", "truncated", "gif"):
        _png(target, {"tiny": (20, 20), "thin": (900, 100)}.get(make, (200, 100)))
    if make == "truncated":
        target.write_bytes(target.read_bytes()[:60])
    if make == "text":
        target.write_text("not an image")
    edit(workspace / "accounts" / "acme.yaml", "rep:\n", f"logo: {logo}\n\nrep:\n")
    result = aspo("build", "accounts/acme.yaml")
    assert result.status == 2
    line = line_of(workspace / "accounts" / "acme.yaml", f"logo: {logo}")
    if message is None:
        assert re.fullmatch(rf"aspo: error: accounts/acme\.yaml:{line}: logo: 'logo\.png' cannot be read as an image "
                            r"\(.+\)\n", result.err), result.err
    else:
        assert result.err == f"aspo: error: accounts/acme.yaml:{line}: logo: {message}\n"


def test_a_changed_logo_rebuilds_the_account(workspace, aspo):
    assert aspo("build", "accounts/northwind-health.yaml").status == 0
    _png(workspace / "accounts" / "northwind-health-logo.png", (300, 100))
    result = aspo("build", "accounts/northwind-health.yaml")
    assert result.out.startswith("built      output/northwind-health/"), result.out


def test_a_table_too_long_for_one_slide_continues_on_the_next(workspace, aspo):
    # at a large minimum size the offering's capability table cannot fit one slide
    edit(workspace / "templates" / "outline.yaml", "template: layouts/deck.pptx",
         "template: layouts/deck.pptx\n  min_font_size: 18")
    assert aspo("build", "accounts/acme.yaml").status == 0
    deck = Presentation(str(workspace / "output" / "acme" / "acme-deck.pptx"))
    titles = [s.shapes.title.text_frame.text for s in deck.slides]
    offering = titles.index("Proposed point offering for Acme Packaging")
    assert titles[offering + 1] == "Proposed point offering for Acme Packaging (continued)"
    rows = []
    for slide in list(deck.slides)[offering:]:
        for shape in slide.shapes:
            if getattr(shape, "has_table", False) and shape.has_table:
                table = [[cell.text for cell in row.cells] for row in shape.table.rows]
                assert table[0] == ["Product", "What it means for Acme Packaging"]  # each piece has the header
                assert all(run.font.size.pt >= 18 for row in shape.table.rows for cell in row.cells
                           for p in cell.text_frame.paragraphs for run in p.runs)
                for row in table[1:]:  # a product is shown once, merged down over its capabilities
                    rows.append([row[0] or rows[-1][0], *row[1:]])
    word = WordDocument(str(workspace / "output" / "acme" / "acme-offering.docx"))
    whole = next(t for t in word.tables if t.rows[0].cells[0].text == "Product")
    # split, nothing lost or doubled (both join names, dates and amounts with the same no-break spaces)
    assert rows == [[cell.text for cell in row.cells] for row in whole.rows][1:]
    draft = (workspace / "output" / "acme" / "acme-draft.md").read_text(encoding="utf-8")
    assert "The table does not fit one slide at the template's smallest text size (18 pt)" in draft


def test_the_charts_workbook_is_dated_by_the_build_not_the_clock(workspace, aspo, monkeypatch):
    # the spreadsheet writer stamps its own time: a second build would differ from the first without this
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert aspo("build", "accounts/acme.yaml").status == 0
    with zipfile.ZipFile(workspace / "output" / "acme" / "acme-deck.pptx") as deck:
        workbooks = [name for name in deck.namelist() if name.startswith("ppt/embeddings/")]
        assert len(workbooks) == 1
        with zipfile.ZipFile(io.BytesIO(deck.read(workbooks[0]))) as workbook:
            core = workbook.read("docProps/core.xml").decode()
            assert all(info.date_time == (2023, 11, 14, 22, 13, 20) for info in workbook.infolist())
    assert re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]*)<", core) == ["2023-11-14T22:13:20Z"] * 2


def test_a_title_layout_with_a_picture_placeholder_gets_the_logo_there(workspace, aspo):
    use_4_3_template(workspace)
    edit(workspace / "templates" / "outline.yaml", "deck: {layout: Title Slide}",
         "deck: {layout: Picture with Caption}")
    assert aspo("build", "accounts/northwind-health.yaml").status == 0
    deck = Presentation(str(workspace / "output" / "northwind-health" / "northwind-health-deck.pptx"))
    layout = next(layout for layout in deck.slide_layouts if layout.name == "Picture with Caption")
    box = next(s for s in layout.placeholders if s.placeholder_format.type == 18)  # PP_PLACEHOLDER.PICTURE
    picture = next(s for s in deck.slides[0].shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE)
    assert box.left <= picture.left and picture.left + picture.width <= box.left + box.width + 1
    assert box.top <= picture.top and picture.top + picture.height <= box.top + box.height + 1


def test_an_unknown_catalog_locale_is_one_line_naming_the_field(workspace, aspo):
    edit(workspace / "templates" / "catalog.yaml", "  website: https://meridianops.example\n",
         "  website: https://meridianops.example\nlocale: en_Mars\n")
    line = line_of(workspace / "templates" / "catalog.yaml", "locale: en_Mars")
    why = "locale: unknown locale 'en_Mars'; use a tag such as en-US, en-GB, de-DE or fr-FR"
    result = aspo("build", "accounts/acme.yaml")
    assert (result.status, result.err) == (2, f"aspo: error: templates/catalog.yaml:{line}: {why}\n")
    result = aspo("check")
    assert result.status == 1  # check: 1 when it finds errors
    assert f"templates/catalog.yaml:{line}:1: E102 {why}\n" in result.out
