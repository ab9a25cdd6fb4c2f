"""In the reader's language: every run of a deck, document and e-mail says which language it is in; the fonts a
document names for Chinese, Japanese, Korean and complex scripts reach every run; right-to-left text reads so; the
fit estimates measure full-width characters as a full em and break Chinese and Japanese between any two
characters (and measure Latin text exactly as before); and the drawn-text checks read text without spaces. Last, a
Japanese deck and document as LibreOffice draws them: in Noto Sans CJK JP, every character as written, nothing
outside its box."""

from __future__ import annotations

import email
import email.policy
import io
import itertools
import pickle
import re
import shutil
import subprocess
import zipfile
from dataclasses import FrozenInstanceError, replace
from pathlib import Path

import docx
import pytest
from conftest import REPO, skip_unless_installed
from documents import DECK, OFFERING, bullets, make_doc, title_section
from drawn import (
    Box,
    Marks,
    Page,
    Pages,
    Shape,
    Sheet,
    _room,
    check_deck,
    check_document,
    deck_sheets,
    document_pages,
    join_words,
    read_bbox,
    split_words,
    words_drawn,
)
from drawn_pages import Layout, _groups_in, check_document_pages, document_layout
from drawn_tables import check_table_pieces
from drawn_titles import slide_titles, titles_not_drawn
from lxml import etree
from shown_text import _lines, check_shown_text
from test_drawn import bbox

from aspo.compose.document import (
    BulletList,
    Callout,
    Callouts,
    Chart,
    Fonts,
    Paragraph,
    Section,
    Table,
)
from aspo.compose.table_fit import column_widths, fit_table
from aspo.compose.text_measure import (
    CHAR_WIDTH,
    GLYPH_MARGIN,
    GLYPH_WIDTHS,
    OTHER_GLYPH_WIDTH,
    WORD_CHAR_WIDTH,
    breakable_words,
    cell_lines,
    lines,
    measured_width,
    word_width,
    wrapped_lines,
)
from aspo.office.deck_template import EMU_PER_PT, ScriptFonts, TextBox, read_deck_template
from aspo.office.ooxml import NAMESPACES
from aspo.office.word_template import read_document_template
from aspo.render import powerpoint
from aspo.render.mail import render_mail
from aspo.render.powerpoint import render_pptx_copies
from aspo.render.word import PreparedDocument, render_docx

A, P, W = (f"{{{NAMESPACES[prefix]}}}" for prefix in ("a", "p", "w"))
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
SENTENCE = "コルゲーターのベアリング故障は、停止の数日前から振動と温度の変化として兆候が現れます。"


def parts(data: bytes, prefix: str) -> dict[str, etree._Element]:
    """The XML parts of a package whose names start with `prefix`, parsed."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: etree.fromstring(package.read(name)) for name in package.namelist()
                if name.startswith(prefix) and name.endswith(".xml")}


def every_section() -> tuple[Section, ...]:
    """A cover, a slide with paragraphs (one with a line break), bullets, results and a chart, and one with a table;
    speaker notes on two lines."""
    chart = Chart("Weeks to work alone", ("Before", "After"), (("Weeks", (14.0, 6.0)),), '0" weeks"')
    return (title_section(),
            Section(key="scenario", kind="scenarios", title="Harlan Precision", layout="Two Content",
                    body=(Paragraph("New technicians\nwork alone sooner"), bullets("Guided repairs", "Shared notes"),
                          Callouts((Callout("-57%", "Time to competence"),)), chart),
                    notes=(Paragraph("Ask about their hires\nand the pilot plant"),)),
            Section(key="offering", kind="offering", title="Proposed point offering", layout="Two Content",
                    body=(Paragraph("We suggest a pilot"),
                          Table(("Product", "Capability"), (("Meridian Monitor", "Condition alerts"),)))))


def deck(**changes) -> tuple[bytes, bytes]:
    """The customer's and the presenter's copy of `every_section`, the document changed by `changes`."""
    return render_pptx_copies(replace(make_doc(*every_section()), **changes))


def runs(root) -> list:
    """Every element of DrawingML text that carries run properties: runs, fields, line breaks."""
    return [element for element in root.iter(f"{A}r", f"{A}fld", f"{A}br")]


# --- 1. every run carries its language ------------------------------------------------------------------------


def test_every_run_of_the_slides_is_in_the_customers_language_and_of_the_notes_in_the_reps():
    _, presenter = deck(language="de-DE", notes_language="en-GB")
    slides, notes = parts(presenter, "ppt/slides/"), parts(presenter, "ppt/notesSlides/")
    slide_runs = [r for root in slides.values() for r in runs(root)]
    assert len(slide_runs) > 10 and any(r.tag == f"{A}br" for r in slide_runs)
    for r in slide_runs:  # a run's properties come first, before its text
        assert r[0].tag == f"{A}rPr" and r[0].get("lang") == "de-DE", etree.tostring(r)
    assert {end.get("lang") for root in slides.values() for end in root.iter(f"{A}endParaRPr")} <= {"de-DE"}
    note_runs = [r for root in notes.values() for r in runs(root)]
    assert note_runs and {r[0].get("lang") for r in note_runs} == {"en-GB"}
    assert "sooner" in "".join(t.text for root in slides.values() for t in root.iter(f"{A}t"))


def test_a_chart_is_in_the_customers_language_in_its_place_after_date1904():
    customer, _ = deck(language="fr-FR")
    (chart,) = parts(customer, "ppt/charts/").values()
    children = [child.tag for child in chart]
    assert children[:2] == [f"{C}date1904", f"{C}lang"] and chart.find(f"{C}lang").get("val") == "fr-FR"
    assert {r[0].get("lang") for r in runs(chart)} == {"fr-FR"}  # the title
    assert {d.get("lang") for d in chart.iter(f"{A}defRPr")} == {"fr-FR"}  # labels, axes, legend


def test_fields_and_paragraph_ends_are_marked_properties_already_there_kept_and_punctuation_hangs_nowhere():
    body = etree.fromstring(
        f'<p:txBody xmlns:p="{P[1:-1]}" xmlns:a="{A[1:-1]}"><a:bodyPr/><a:p>'
        '<a:fld id="{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}" type="slidenum"><a:t>1</a:t></a:fld>'
        '<a:r><a:rPr sz="1200" b="1"><a:solidFill/><a:latin typeface="Calibri"/><a:hlinkClick/></a:rPr><a:t>x</a:t>'
        '</a:r><a:endParaRPr sz="1200"/></a:p></p:txBody>')
    powerpoint._mark_text(body, "ja-JP", Fonts(east_asian="Noto Sans CJK JP", complex="Noto Sans Arabic"))
    p_pr, field, run, end = body.find(f"{A}p")
    assert p_pr.tag == f"{A}pPr" and p_pr.get("hangingPunct") == "0"  # Japanese punctuation hangs past no box
    assert field[0].tag == f"{A}rPr" and field[0].get("lang") == "ja-JP"
    assert dict(run[0].attrib) == {"sz": "1200", "b": "1", "lang": "ja-JP"}
    # a:ea and a:cs after a:latin, before a:hlinkClick: the schema's order
    assert [child.tag.split("}")[1] for child in run[0]] == ["solidFill", "latin", "ea", "cs", "hlinkClick"]
    assert run[0].find(f"{A}ea").get("typeface") == "Noto Sans CJK JP"
    assert end.get("lang") == "ja-JP" and end.find(f"{A}cs").get("typeface") == "Noto Sans Arabic"


def test_every_run_of_the_document_and_its_default_are_in_the_customers_language_in_the_schemas_order():
    doc = replace(make_doc(*every_section()), language="ja-JP")
    data = render_docx(doc)
    body = parts(data, "word/document.xml")["word/document.xml"]
    found = list(body.iter(f"{W}r"))
    assert len(found) > 10
    for r in found:
        r_pr = r[0]
        assert r_pr.tag == f"{W}rPr"
        lang = r_pr.find(f"{W}lang")
        assert dict(lang.attrib) == {f"{W}val": "en-US", f"{W}eastAsia": "ja-JP"}  # Latin letters and digits: English
        assert r_pr[-1] is lang  # after w:b (a table's header row): w:lang comes late in w:rPr
    styles = parts(data, "word/styles.xml")["word/styles.xml"]
    default = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert default.get(f"{W}val") == "en-US" and default.get(f"{W}eastAsia") == "ja-JP"
    # the reference document's own eastAsia and bidi languages stay where the document's is not theirs
    english = parts(render_docx(make_doc(*every_section())), "word/styles.xml")["word/styles.xml"]
    assert dict(english.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang").attrib) == {
        f"{W}val": "en-US", f"{W}eastAsia": "en-US", f"{W}bidi": "ar-SA"}


def test_documents_in_two_languages_from_one_prepared_template_each_get_their_own_styles():
    template = PreparedDocument.open(OFFERING)
    english = make_doc(*every_section())
    german = replace(english, language="de-DE")
    first, other, again = (render_docx(doc, template) for doc in (english, german, english))
    assert first == again == render_docx(english)  # the German styles changed nothing the English ones use
    assert template.template.unchanged()

    def language(data):
        styles = parts(data, "word/styles.xml")["word/styles.xml"]
        return styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang").get(f"{W}val")

    assert (language(first), language(other)) == ("en-US", "de-DE")


def test_the_e_mail_says_the_customers_language():
    from aspo.compose.composer import compose
    from aspo.library.content import load_library
    from aspo.plan.plan import plan_account

    doc = compose(plan_account(REPO / "accounts" / "acme.yaml", load_library(REPO / "templates", layouts=False)))
    message = email.message_from_bytes(render_mail(replace(doc, language="de-CH")), policy=email.policy.default)
    assert message["Content-Language"] == "de-CH"


# --- 2. fonts for any script, and what a template offers ------------------------------------------------------


def test_the_documents_east_asian_and_complex_fonts_reach_every_run():
    fonts = Fonts(east_asian="Noto Sans CJK JP", complex="Noto Naskh Arabic")
    customer, _ = deck(fonts=fonts)
    slides = parts(customer, "ppt/slides/")
    for r in (r for root in slides.values() for r in runs(root)):
        assert r[0].find(f"{A}ea").get("typeface") == "Noto Sans CJK JP"
        assert r[0].find(f"{A}cs").get("typeface") == "Noto Naskh Arabic"
    body = parts(render_docx(replace(make_doc(*every_section()), fonts=fonts)), "word/")["word/document.xml"]
    for r_pr in (r[0] for r in body.iter(f"{W}r")):
        assert r_pr[0].tag == f"{W}rFonts"  # first, before w:b
        assert (r_pr[0].get(f"{W}eastAsia"), r_pr[0].get(f"{W}cs")) == ("Noto Sans CJK JP", "Noto Naskh Arabic")


def test_no_font_named_leaves_each_run_to_the_theme():
    customer, _ = deck()
    assert not [element for root in parts(customer, "ppt/slides/").values()
                for element in root.iter(f"{A}ea", f"{A}cs")]
    assert next(parts(render_docx(make_doc(*every_section())), "word/")["word/document.xml"].iter(f"{W}rFonts"),
                None) is None


def rewritten(source: Path, target: Path, part: str, change) -> Path:
    """A copy of the package `source` at `target` with one part's XML changed by `change(root)`."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == part:
                root = etree.fromstring(data)
                change(root)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            new.writestr(item, data)
    return target


def test_the_sample_templates_name_a_latin_body_font_only_and_read_left_to_right():
    deck_template, word_template = read_deck_template(DECK), read_document_template(OFFERING)
    assert deck_template.script_fonts == word_template.script_fonts == ScriptFonts("Calibri", None, None)
    assert deck_template.right_to_left_ready is word_template.right_to_left_ready is False
    # read once, kept by the library and handed to build workers: immutable and picklable
    assert pickle.loads(pickle.dumps(deck_template)) == deck_template
    assert pickle.loads(pickle.dumps(word_template)) == word_template
    with pytest.raises(FrozenInstanceError):
        deck_template.script_fonts.east_asian = "MS Gothic"


def test_a_deck_templates_theme_fonts_for_each_script_and_a_right_to_left_master_are_read(tmp_path):
    def fonts(theme):
        minor = theme.find(f"{A}themeElements/{A}fontScheme/{A}minorFont")
        minor.find(f"{A}ea").set("typeface", "Yu Gothic")
        minor.find(f"{A}cs").set("typeface", "Arial")

    def right_to_left(master):
        master.find(f"{P}txStyles/{P}bodyStyle/{A}lvl1pPr").set("rtl", "1")

    themed = rewritten(DECK, tmp_path / "themed.pptx", "ppt/theme/theme1.xml", fonts)
    both = rewritten(themed, tmp_path / "both.pptx", "ppt/slideMasters/slideMaster1.xml", right_to_left)
    found = read_deck_template(both)
    assert found.script_fonts == ScriptFonts("Calibri", "Yu Gothic", "Arial")
    assert found.right_to_left_ready and not read_deck_template(themed).right_to_left_ready


def test_a_word_templates_default_fonts_win_over_its_theme_and_its_normal_style_may_read_right_to_left(tmp_path):
    def defaults(styles):
        fonts = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
        del fonts.attrib[f"{W}eastAsiaTheme"]
        fonts.set(f"{W}eastAsia", "MS Mincho")  # named outright
        normal = next(s for s in styles.iter(f"{W}style") if s.get(f"{W}default") == "1"
                      and s.get(f"{W}type") == "paragraph")
        p_pr = normal.find(f"{W}pPr")
        if p_pr is None:
            p_pr = etree.SubElement(normal, f"{W}pPr")
        etree.SubElement(p_pr, f"{W}bidi")

    def theme(root):  # the theme's own East Asian body font, which the defaults' named one overrides
        root.find(f"{A}themeElements/{A}fontScheme/{A}minorFont/{A}ea").set("typeface", "Yu Mincho")
        root.find(f"{A}themeElements/{A}fontScheme/{A}minorFont/{A}cs").set("typeface", "Times New Roman")

    themed = rewritten(OFFERING, tmp_path / "themed.docx", "word/theme/theme1.xml", theme)
    assert read_document_template(themed).script_fonts == ScriptFonts("Calibri", "Yu Mincho", "Times New Roman")
    both = rewritten(themed, tmp_path / "both.docx", "word/styles.xml", defaults)
    found = read_document_template(both)
    assert found.script_fonts == ScriptFonts("Calibri", "MS Mincho", "Times New Roman")
    assert found.right_to_left_ready


# --- 3. right to left ------------------------------------------------------------------------------------------


def test_right_to_left_slides_read_and_align_right_but_the_cover_stays_centred_and_tables_run_right_to_left():
    customer, _ = deck(language="ar-SA", right_to_left=True)
    slides = parts(customer, "ppt/slides/")
    for name, root in slides.items():
        for sp in root.iter(f"{P}sp"):
            ph = sp.find(f"{P}nvSpPr/{P}nvPr/{P}ph")
            centred = ph is not None and ph.get("type") in ("ctrTitle", "subTitle")
            for p in sp.iter(f"{A}p"):
                p_pr = p[0]
                assert p_pr.tag == f"{A}pPr" and p_pr.get("rtl") == "1", name
                assert p_pr.get("algn") == (None if centred else "r"), name
    tables = [t for root in slides.values() for t in root.iter(f"{A}tbl")]
    assert tables and all(t.find(f"{A}tblPr").get("rtl") == "1" for t in tables)
    assert all(p[0].get("algn") == "r" for t in tables for p in t.iter(f"{A}p"))
    left_to_right, _ = deck()
    assert 'rtl="1"' not in b"".join(etree.tostring(r) for r in parts(left_to_right, "ppt/slides/").values()).decode()


def test_right_to_left_document_paragraphs_runs_and_tables_say_so_in_the_schemas_order():
    data = render_docx(replace(make_doc(*every_section()), language="he-IL", right_to_left=True))
    body = parts(data, "word/")["word/document.xml"]
    for p in body.iter(f"{W}p"):
        tags = [child.tag for child in p[0]]
        assert p[0].tag == f"{W}pPr" and f"{W}bidi" in tags
        # after pStyle, keepNext, keepLines and numPr; before anything that comes later (none here)
        assert tags.index(f"{W}bidi") == len(tags) - 1
    for r in body.iter(f"{W}r"):
        tags = [child.tag for child in r[0]]
        assert tags[-2:] == [f"{W}rtl", f"{W}lang"]
        assert r[0].find(f"{W}lang").get(f"{W}bidi") == "he-IL"
    for table in body.iter(f"{W}tblPr"):
        tags = [child.tag.split("}")[1] for child in table]
        assert tags[:2] == ["tblStyle", "bidiVisual"]  # tblStyle, tblpPr, tblOverlap, bidiVisual, ...
    reopened = docx.Document(io.BytesIO(data))
    assert reopened.paragraphs[0].text == "Uptime for Acme Foods"


# --- 4. the fit estimate: full-width characters, breaks between them, and Latin text as before ------------------


def box(width_pt: float, height_pt: float = 400.0, size: float = 18.0) -> TextBox:
    return TextBox(idx=1, kind=None, left=0, top=0, width=round(width_pt * EMU_PER_PT),
                   height=round(height_pt * EMU_PER_PT), sizes=(size,) * 9, indents=(0.0,) * 9)


def test_a_full_width_character_is_a_full_em_wide():
    assert measured_width("予知保全", 10) == pytest.approx(4 * 10 * GLYPH_MARGIN)
    assert measured_width("予知a", 10) == pytest.approx((2 + GLYPH_WIDTHS[ord("a") - 32] / 1000) * 10 * GLYPH_MARGIN)
    assert word_width("予知", 10) == pytest.approx(20.0)
    assert word_width("ab", 10) == pytest.approx(2 * 10 * WORD_CHAR_WIDTH)
    # a line of 20 average glyphs holds 10 full-width characters
    width = 20 * 10 * CHAR_WIDTH
    assert wrapped_lines("あ" * 10, width, 10) == lines("あ" * 10, width, 10) == 1
    assert wrapped_lines("あ" * 11, width, 10) == lines("あ" * 11, width, 10) == 2


def test_chinese_and_japanese_break_between_any_two_characters_but_not_before_closing_punctuation():
    assert breakable_words("予知保全で、停止を減らす。") == [
        "予", "知", "保", "全", "で、", "停", "止", "を", "減", "ら", "す。"]
    assert breakable_words("「予知」Meridian Predictで") == ["「予", "知」", "Meridian", "Predict", "で"]
    assert breakable_words("山田\u00a0太郎様") == ["山", "田\u00a0太", "郎", "様"]  # a no-break space joins
    # a long sentence wraps line by line, never as one word broken where it would not fit
    width = 30 * 18 * CHAR_WIDTH
    assert wrapped_lines(SENTENCE, width, 18) == 3  # 43 characters, 15 a line
    assert cell_lines(SENTENCE, 15 * 18 * GLYPH_MARGIN, 18) == 3


def test_a_column_is_never_narrower_than_one_character_of_japanese_text_and_not_its_whole_sentence():
    rows = [("製品", "内容"), ("メリディアン", SENTENCE)]
    widths = column_widths(rows, 2, round(300 * EMU_PER_PT), 12)
    assert widths is not None  # the sentence alone is 43 em: far wider than the table
    fit = fit_table(rows, box(300, 300), 10)
    assert fit is not None and fit.size == 16  # the largest size: the sentence wraps in its column


LATIN = ["Plain words", "Meridian\u00a0Monitor flags vibration, temperature and current changes",
         "ünïcødé – “quoted” ✓ 57 % €1,200", "line\nbreak and a very-long-hyphenated-word", "", "x" * 120,
         "From 2 days to under 1 hour", "Time for a new technician to work breakdowns alone"]


def old_breakable_words(text):
    import re
    return [word for word in re.split(r"[^\S\u00a0\u202f\u2007]+", text) if word]


def old_wrapped_lines(text, width, size):
    per_line = max(1, int(width / (size * CHAR_WIDTH)))
    total = 0
    for part in text.split("\n"):
        count, used = 1, 0
        for word in old_breakable_words(part):
            if used and used + 1 + len(word) > per_line:
                count, used = count + 1, 0
            if len(word) > per_line:
                count += (len(word) - 1) // per_line
                used = len(word) % per_line or per_line
            else:
                used += (1 if used else 0) + len(word)
        total += count
    return total


def old_measured_width(text, size, bold=False):
    ems = sum(GLYPH_WIDTHS[code - 32] / 1000 if 32 <= (code := ord(char)) < 127
              else GLYPH_WIDTHS[0] / 1000 if char in "\u00a0\u202f\u2007" else OTHER_GLYPH_WIDTH for char in text)
    return ems * size * GLYPH_MARGIN * (1.05 if bold else 1.0)


def old_cell_lines(text, width, size, bold=False):
    space = old_measured_width(" ", size, bold)
    total = 0
    for part in text.split("\n"):
        count, used = 1, 0.0
        for word in old_breakable_words(part):
            need = old_measured_width(word, size, bold)
            if used and used + space + need > width:
                count, used = count + 1, 0.0
            if need > width:
                count += int(need // max(width, 1.0))
                used = need % max(width, 1.0)
            else:
                used += (space if used else 0.0) + need
        total += count
    return total


@pytest.mark.parametrize("text", LATIN)
def test_latin_text_is_measured_exactly_as_before(text):
    """The estimates of text with no full-width character are the same numbers, bit for bit, as before they knew
    of any (the formulas as they were, here): every deck and document of Latin text is laid out as it was."""
    for width, size, bold in itertools.product((40.0, 133.3, 600.0), (9.0, 18.0, 44.0), (False, True)):
        assert breakable_words(text) == old_breakable_words(text)
        assert wrapped_lines(text, width, size) == old_wrapped_lines(text, width, size)
        by_length = sum(max(1, -(-len(part) // max(1, int(width / (size * CHAR_WIDTH))))) for part in text.split("\n"))
        if re.search(r"\S{14,}", text):  # a long word (a German compound) leaves lines short: wrapped word by word
            assert lines(text, width, size) == max(by_length, wrapped_lines(text, width, size))
        else:
            assert lines(text, width, size) == by_length
        assert measured_width(text, size, bold) == old_measured_width(text, size, bold)
        assert cell_lines(text, width, size, bold) == old_cell_lines(text, width, size, bold)
        assert word_width(text, size) == len(text) * size * WORD_CHAR_WIDTH


# --- 5. the drawn-text checks read text without spaces ------------------------------------------------------------


def test_words_are_split_at_spaces_and_between_full_width_characters_and_joined_back_without_spaces():
    assert split_words("Meridian\u00a0Monitor") == ["Meridian", "Monitor"]
    assert split_words("3つの工場 Meridian") == ["3", "つ", "の", "工", "場", "Meridian"]
    assert join_words(split_words("予知保全で停止を減らす")) == "予知保全で停止を減らす"
    # a word pdftotext drew holds several characters: each gets its share of the box, one after the other
    (page,) = read_bbox(bbox((720.0, 540.0, [("3つの", 100.0, 10.0, 125.0, 22.0)])))
    assert [(word.text, word.box.x0, word.box.x1) for word in page.words] == [
        ("3", 100.0, 105.0), ("つ", 105.0, 115.0), ("の", 115.0, 125.0)]
    assert _lines(page) == "3つの"


def japanese_sheet() -> Sheet:
    body = Box(36.0, 126.0, 354.0, 482.4)
    return Sheet("slide 2", 720.0, 540.0, [Shape("Content Placeholder 2", "placeholder", body,
                                                 split_words(SENTENCE))], [], Marks(bullets={"•"}))


def test_japanese_drawn_in_pieces_on_several_lines_is_whole_and_a_character_outside_its_box_is_caught():
    first, rest = SENTENCE[:20], SENTENCE[20:]
    drawn = [("•", 40.0, 130.0, 46.0, 146.0), (first[:8], 60.0, 130.0, 190.0, 146.0),
             (first[8:], 192.0, 130.0, 340.0, 146.0), (rest, 60.0, 150.0, 350.0, 166.0)]
    assert check_deck("ja.pdf", read_bbox(bbox((720.0, 540.0, drawn))), [japanese_sheet()]) == []
    over = drawn[:3] + [(rest, 60.0, 150.0, 400.0, 166.0)]
    (problem,) = check_deck("ja.pdf", read_bbox(bbox((720.0, 540.0, over))), [japanese_sheet()])
    assert problem.startswith("ja.pdf slide 2: ") and "outside placeholder 'Content Placeholder 2'" in problem
    assert "'す' [" in problem and "'。' [" in problem  # the characters past its right edge, and only those
    stray = drawn + [("未", 60.0, 170.0, 76.0, 186.0)]
    assert check_deck("ja.pdf", read_bbox(bbox((720.0, 540.0, stray))), [japanese_sheet()]) == [
        "ja.pdf slide 2: '未' at [60.0, 170.0, 76.0, 186.0] is not a word of the text meant to be there"]


def test_a_japanese_comma_or_full_stop_may_hang_in_the_documents_right_margin_but_nothing_else():
    area = Box(72.0, 72.0, 300.0, 700.0)
    meant = Pages(612.0, 792.0, area, [Shape("body text", "text", area, split_words("予知保全です。次へ"))],
                  [None], [None])
    hanging = read_bbox(bbox((612.0, 792.0, [("予知保全です", 220.0, 100.0, 299.0, 112.0),
                                             ("。", 299.0, 100.0, 311.0, 112.0), ("次へ", 72.0, 114.0, 96.0, 126.0)])))
    assert check_document("ja.pdf", hanging, meant) == []
    past = read_bbox(bbox((612.0, 792.0, [("予知保全で", 220.0, 100.0, 299.0, 112.0),
                                          ("す。", 299.0, 100.0, 323.0, 112.0), ("次へ", 72.0, 114.0, 96.0, 126.0)])))
    (problem,) = check_document("ja.pdf", past, meant)
    assert "outside the text area" in problem and "'す'" in problem


def test_a_no_break_group_inside_japanese_text_is_only_what_the_no_break_spaces_join():
    from aspo.compose.nobreak import NoBreak

    text = "お問い合わせは03\u00a01234\u00a05678まで、山田\u00a0太郎へ"
    assert _groups_in(text, NoBreak("ja-JP")) == ["03\u00a01234\u00a05678", "田\u00a0太"]
    words = [w for y, chunk in ((100.0, "お問い合わせは03"), (112.0, "1234 5678まで")) for w in
             read_bbox(bbox((612.0, 792.0, [(chunk, 72.0, y, 200.0, y + 10.0)])))[0].words]
    layout = Layout(Box(72.0, 72.0, 540.0, 720.0), groups=["03\u00a01234\u00a05678"])
    (problem,) = check_document_pages("ja.pdf", [Page(612.0, 792.0, words)], layout)
    assert problem == "ja.pdf page 1: '03 1234 5678' is drawn on 2 lines: '03 / 1234 5678'"


# --- 6. a Japanese deck and document as LibreOffice draws them ---------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT, PDFFONTS = shutil.which("pdftotext"), shutil.which("pdffonts")
COMPANY = "株式会社アクメ包装"
TITLES = [f"{COMPANY}様 設備保全の高度化に向けたご提案：予知保全による計画外停止の削減", "本日のアジェンダ",
          f"{COMPANY}様から伺った現状と課題", "製造業の工場で共通して見られる保全の課題",
          "ラインが止まる前に設備の異常を把握する", "全工場の設備の健全性をひとつの画面で確認する",
          "限られた人員で保全作業をより多くこなす", "4工場の信頼性レビューを表計算ソフトなしで一本化",
          "新任技術者が数か月ではなく数週間で独り立ち", f"{COMPANY}様へのご提案内容", "今後の進め方と次のステップ"]
SENTENCES = [
    SENTENCE,
    "現場の保全担当者が異常に気づく前に、システムが自動で通知し、計画的な修理につなげます。",
    "3つの工場がそれぞれ独自の様式で報告しているため、全社で設備の状態を比較することができません。",
    "週次の会議の前に、どの工場のどのラインにリスクがあるかを経営層が把握できるようになります。",
    "熟練技術者の退職が続くなか、限られた人数で計画保全と突発対応の両方をこなす必要があります。",
    "作業指示と点検記録をモバイル端末に移行することで、紙の転記作業と記入漏れをなくします。",
    "既存のセンサー、ヒストリアン、ネットワークをそのまま活用し、制御系には一切書き込みません。",
    "導入は1つの工場の1つのラインから始め、90日間で効果を測定してから他の工場へ展開します。",
    "保全部門の残業時間を削減し、週末の挽回生産に頼らずに生産計画を達成できるようにします。",
    "予備品の在庫を故障予測と連動させることで、必要な部品を必要なときに棚に確保できます。",
    "製造ラインの稼働データを工場ごとに別々の表計算ソフトで管理しているため、経営会議の前に数字をそろえる作業に毎週まる一日かかっています。",
    "予知保全の仕組みを導入した同業他社では、計画外停止が一年で四割減り、保全担当者が突発対応ではなく設備の改善活動に時間を使えるようになりました。",
]
TERMS = ["予知保全", "振動監視", "作業指示", "点検記録", "在庫連動", "遠隔監視", "故障予測"]


def japanese_document():
    """acme, composed from the sample library, with every title and text of its slides and document in Japanese:
    a Japanese company, its language ja-JP and its East Asian font Noto Sans CJK JP; its tables fitted again."""
    from aspo.compose.composer import compose
    from aspo.compose.slide_fit import fit_deck
    from aspo.library.content import load_library
    from aspo.plan.plan import plan_account

    library = load_library(REPO / "templates")
    doc = compose(plan_account(REPO / "accounts" / "acme.yaml", library))
    sentences, terms, titles = itertools.cycle(SENTENCES), itertools.cycle(TERMS), iter(TITLES)

    def japanese(element):
        if isinstance(element, Paragraph):
            return replace(element, text=next(sentences))
        if isinstance(element, BulletList):
            return replace(element, items=tuple(replace(item, text=next(sentences)) for item in element.items))
        if isinstance(element, Table):
            return replace(element, header=tuple(next(terms) for _ in element.header),
                           rows=tuple(tuple(next(terms) for _ in row) for row in element.rows))
        if isinstance(element, Callouts):
            return replace(element, items=tuple(Callout(f"-{n}0%", "立ち上がりまでの期間の短縮")
                                                for n, _ in enumerate(element.items, start=3)))
        if isinstance(element, Chart):
            return replace(element, title="新任技術者が独り立ちするまでの期間", categories=("導入前", "導入後"),
                           series=tuple(("独り立ちまでの期間", values) for _, values in element.series),
                           number_format='0"週"')
        return element

    subtitle = "メリディアン・オプスからのご提案"
    sections = [replace(section, title=next(titles), subtitle=subtitle if section.subtitle else "", group=None,
                        body=tuple(map(japanese, section.body)), notes=())
                for section in doc.sections if not section.key.rsplit("-", 1)[-1].startswith("part")]
    assert len(sections) == len(TITLES), [section.key for section in doc.sections]
    return replace(doc, sections=fit_deck(sections, library.deck, doc.min_font_size), account_name=COMPANY,
                   language="ja-JP", fonts=Fonts(east_asian="Noto Sans CJK JP"), logo=None)


@pytest.fixture(scope="module")
def japanese_pdfs(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """The Japanese deck and document, and the PDFs LibreOffice drew of them, by kind."""
    missing = ("LibreOffice (soffice)" if not SOFFICE else "pdftotext and pdffonts (poppler-utils)"
               if not (PDFTOTEXT and PDFFONTS) else None)
    if missing is None and "Noto Sans CJK JP" not in subprocess.run(["fc-list", ":lang=ja", "family"],
                                                                    capture_output=True, text=True).stdout:
        missing = "Noto Sans CJK JP (fonts-noto-cjk)"
    skip_unless_installed(missing, checks="this check")
    from test_libreoffice import convert

    root = tmp_path_factory.mktemp("japanese")
    doc = japanese_document()
    files = {"deck": root / "ja-deck.pptx", "offering": root / "ja-offering.docx"}
    files["deck"].write_bytes(render_pptx_copies(doc)[0])
    files["offering"].write_bytes(render_docx(doc))
    convert(list(files.values()), root / "pdf", root / "lo-profile")
    return {kind: (path, root / "pdf" / f"{path.stem}.pdf") for kind, path in files.items()}


def fonts_in(pdf: Path) -> list[tuple[str, str]]:
    """Each font of a PDF as pdffonts lists it: (name without its subset tag, embedded "yes"/"no")."""
    result = subprocess.run([PDFFONTS, str(pdf)], capture_output=True, text=True, check=True)
    assert not result.stderr, result.stderr
    rows = [row.split() for row in result.stdout.splitlines()[2:] if row.strip()]
    return [(row[0].split("+", 1)[-1], row[-5]) for row in rows]


def unspaced(words) -> str:
    return "".join("".join(word.split()) for word in words)


@pytest.mark.parametrize("kind", ["deck", "offering"])
def test_japanese_is_drawn_in_noto_sans_cjk_every_character_as_written_and_inside_its_box(japanese_pdfs, kind):
    source, pdf = japanese_pdfs[kind]
    assert pdf.is_file(), f"LibreOffice could not convert {source.name}"
    fonts = fonts_in(pdf)
    assert any(name.startswith("NotoSansCJKjp") for name, _ in fonts), fonts
    assert all(embedded == "yes" for _, embedded in fonts), fonts
    # the Latin fonts the files name (Calibri, drawn with Carlito's metrics) or a chart's default; no other font
    # stood in for characters the named ones lack
    assert {name.split("-")[0] for name, _ in fonts} <= {"NotoSansCJKjp", "Carlito", "LiberationSans"}, fonts
    result = subprocess.run([PDFTOTEXT, "-raw", "-bbox", str(pdf), "-"], capture_output=True, check=True)
    assert not result.stderr, result.stderr.decode(errors="replace")
    pages = words_drawn(pdf, PDFTOTEXT)
    drawn = [word for page in pages for word in page.words]
    assert "\ufffd" not in "".join(word.text for word in drawn)
    if kind == "deck":
        # each text placeholder and table: the characters drawn inside its box are those written, in order
        for page, sheet in zip(pages, deck_sheets(source)):
            for shape in sheet.shapes:
                if shape.template or shape.kind not in ("placeholder", "table"):
                    continue
                inside = [word.text for word in page.words if _room(shape).contains(word.box, 4.0)
                          and word.text not in sheet.marks]
                assert unspaced(inside) == unspaced(shape.words), f"{sheet.label} {shape}"
        problems = (check_deck(pdf.name, pages, deck_sheets(source)) + check_table_pieces(pdf.name, pages, source)
                    + titles_not_drawn(pdf.name, pages, slide_titles(source)))
        assert COMPANY in join_words([word.text for word in pages[0].words])
    else:
        meant = document_pages(source)
        layout = document_layout(source, "ja-JP")
        body = unspaced(word.text for page in pages for word in page.words if layout.text_area.y0 - 1 <= word.box.y0
                        and word.box.y1 <= layout.text_area.y1 + 2 and word.text not in meant.marks)
        # every paragraph and table cell drawn whole, in order (a table's header row is drawn again on each page
        # it goes on to); what else is drawn is a word of the text (check_document)
        at = 0
        for p in docx.Document(str(source)).element.body.iter(f"{W}p"):
            written = unspaced(t.text for t in p.iter(f"{W}t"))
            found = body.find(written, at)
            assert found >= 0, f"{written!r} is not drawn after {body[max(0, at - 40):at]!r}"
            at = found + len(written)
        problems = check_document(pdf.name, pages, meant) + check_document_pages(pdf.name, pages, layout)
    problems += check_shown_text(pdf.name, pages)
    assert not problems, "\n".join(problems)
