"""Word templates no one here made (LibreOffice's, pandoc's, python-docx's, a German one): their styles found by
built-in identity, mapped to aspo's roles, and a document built on each with bullets that draw."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import REPO, edit, line_of
from documents import OFFERING, bullets, make_doc, title_section
from docx.oxml.ns import qn
from lxml import etree
from test_libreoffice import convert

from aspo.cli.app import main
from aspo.compose.document import Section, Table
from aspo.office.description import describe_document_template, document_template_lines
from aspo.office.word_styles import StyleChoice, find_style, map_document_styles, style_names
from aspo.office.word_template import read_document_template
from aspo.render.formats import read_units
from aspo.render.textview import TEMPLATE, as_text
from aspo.render.word import render_docx

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PANDOC = shutil.which("pandoc")
ROLES = ("title", "subtitle", "heading", "subheading", "body", "bullet", "table", "note")
#: A bullet of the Acme document, from a block's "- " list.
ACME_BULLET = "Job plans with photos, written once by your senior people and reused by every new hire"

#: What each template's roles map to, in ROLES order.
LIBREOFFICE = ("Title", "Subtitle", "Heading 1", "Heading 2", "Normal", "Body Text", None, "Body Text")
EXPECTED = {
    "Default": LIBREOFFICE,
    "Modern": LIBREOFFICE,
    "Simple": ("Title", "Subtitle", "Heading 1", "Heading 2", "Normal", "List", None, "Body Text"),
    "pandoc": ("Title", "Subtitle", "Heading 1", "Heading 2", "Normal", "Body Text", "Table", "Block Text"),
    "python-docx": ("Title", "Subtitle", "Heading 1", "Heading 2", "Normal", "List Bullet", "Table Grid", "Quote"),
}


def libreoffice_styles_folder() -> Path:
    """Where LibreOffice keeps its bundled text templates (.ott), next to the program soffice runs."""
    program = Path(os.path.realpath(SOFFICE)).parent
    return program.parent / "share" / "template" / "common" / "styles"


@pytest.fixture(scope="session")
def libreoffice_templates(tmp_path_factory) -> dict[str, Path]:
    """LibreOffice's text templates as Word files, converted in one LibreOffice run for the session."""
    if not SOFFICE:
        pytest.skip("LibreOffice (soffice) is not installed; CI installs it and runs this check")
    templates = sorted(libreoffice_styles_folder().glob("*.ott"))
    if not templates:
        pytest.skip(f"LibreOffice has no .ott text templates in {libreoffice_styles_folder()}")
    out = tmp_path_factory.mktemp("ott")
    convert(templates, out, out / "profile", "docx")
    return {path.stem: out / f"{path.stem}.docx" for path in templates}


def python_docx_default(path: Path) -> Path:
    """python-docx's default document, without the custom XML (SharePoint properties) it carries, which aspo
    refuses in a template (in Word: Inspect Document > Custom XML Data removes it)."""
    document = docx.Document()
    for rel_id, rel in list(document.part.rels.items()):
        if rel.reltype.endswith("/customXml"):
            document.part.drop_rel(rel_id)
    document.save(str(path))
    return path


def pandoc_reference(path: Path) -> Path:
    with open(path, "wb") as out:
        subprocess.run([PANDOC, "--print-default-data-file", "reference.docx"], stdout=out, check=True, timeout=60)
    return path


@pytest.fixture
def template_file(request, tmp_path) -> Path:
    name = request.param
    if name == "python-docx":
        return python_docx_default(tmp_path / "python-docx.docx")
    if name == "pandoc":
        if not PANDOC:
            pytest.skip("pandoc is not installed")
        return pandoc_reference(tmp_path / "pandoc.docx")
    converted = request.getfixturevalue("libreoffice_templates")
    if name not in converted:
        pytest.skip(f"this LibreOffice has no {name}.ott")
    return converted[name]


def resolved_level(document, paragraph) -> tuple[str, str] | None:
    """(w:numFmt, w:lvlText) of the list level a paragraph draws, from its own numbering or its style's (and
    what that is based on); None when numId 0, a missing definition or no numbering gives it none."""
    num_id = level = None
    for ppr in [paragraph._p.pPr] + [style.element.pPr for style in style_chain(paragraph.style)]:
        num_pr = None if ppr is None else ppr.find(qn("w:numPr"))
        if num_pr is None:
            continue
        if num_id is None and num_pr.find(qn("w:numId")) is not None:
            num_id = num_pr.find(qn("w:numId")).get(qn("w:val"))
        if level is None and num_pr.find(qn("w:ilvl")) is not None:
            level = num_pr.find(qn("w:ilvl")).get(qn("w:val"))
    if num_id in (None, "0"):
        return None
    numbering = document.part.numbering_part.element
    num = next((n for n in numbering.iter(qn("w:num")) if n.get(qn("w:numId")) == num_id), None)
    if num is None:
        return None
    abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    abstract = next(a for a in numbering.iter(qn("w:abstractNum")) if a.get(qn("w:abstractNumId")) == abstract_id)
    lvl = next(lv for lv in abstract.iter(qn("w:lvl")) if lv.get(qn("w:ilvl")) == (level or "0"))
    return lvl.find(qn("w:numFmt")).get(qn("w:val")), lvl.find(qn("w:lvlText")).get(qn("w:val"))


def style_chain(style):
    while style is not None:
        yield style
        style = style.base_style


def outline_styles(mapping: tuple[StyleChoice, ...]) -> str:
    """outline.yaml's document.styles block for a mapping, as `aspo layouts use` would write it."""
    lines = ["  styles:"]
    for choice in mapping:
        lines.append(f"    {choice.role}: {'null' if choice.style is None else choice.style}")
    return "\n".join(lines) + "\n"


def build_on(template: Path, mapping: tuple[StyleChoice, ...], root: Path) -> Path:
    """Builds the Acme account on a copy of the sample library whose Word template is `template`, with the
    mapping's styles; the built document's path."""
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "accounts", root / "accounts")
    shutil.copy(template, root / "templates" / "layouts" / template.name)
    outline = root / "templates" / "outline.yaml"
    text = outline.read_text(encoding="utf-8")
    block = re.search(r"  styles:\n(    .*\n)+", text).group(0)
    outline.write_text(text.replace(block, outline_styles(mapping)), encoding="utf-8")
    edit(outline, "template: layouts/offering.docx", f"template: layouts/{template.name}")
    try:
        main(["build", "--quiet", str(root / "accounts" / "acme.yaml"), "--templates", str(root / "templates"),
              "--output", str(root / "output")])
    except SystemExit as exc:
        assert exc.code in (0, None), f"aspo build exited with {exc.code}"
    return root / "output" / "acme" / "acme-offering.docx"


@pytest.mark.parametrize("template_file", list(EXPECTED), indirect=True)
def test_a_foreign_template_maps_and_builds_a_document_with_bullets(template_file, tmp_path, request):
    name = request.node.callspec.params["template_file"]
    mapping = map_document_styles(read_document_template(template_file))
    assert tuple(choice.role for choice in mapping) == ROLES
    assert tuple(choice.style for choice in mapping) == EXPECTED[name]
    built = build_on(template_file, mapping, tmp_path / "build")

    document = docx.Document(str(built))
    assert "Acme Packaging" in "\n".join(p.text for p in document.paragraphs)
    bullet_style = mapping[ROLES.index("bullet")].style
    [bullet] = [p for p in document.paragraphs if p.text == ACME_BULLET]
    assert bullet.style.name == bullet_style
    items = [p for p in document.paragraphs if p.style.name == bullet_style]
    # python-docx's List Bullet draws its own (Symbol's bullet); the others get the one aspo adds
    drawn = ("bullet", "\uf0b7" if name == "python-docx" else "•")
    assert len(items) >= 10 and all(resolved_level(document, p) == drawn for p in items)
    # what is not a bullet draws none: headings, body paragraphs
    for paragraph in document.paragraphs:
        if paragraph.style.name in ("Normal", "Title", "Subtitle") and paragraph.text:
            assert resolved_level(document, paragraph) is None, paragraph.text
    # whatever the template's heading styles say, each heading keeps with what follows, and no row splits
    headings = {mapping[ROLES.index(role)].style for role in ("title", "subtitle", "heading", "subheading")}
    assert all(p.paragraph_format.keep_with_next for p in document.paragraphs if p.style.name in headings and p.text)
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for table in document.tables for row in table.rows)
    table_style = mapping[ROLES.index("table")].style
    assert len(document.tables) >= 3
    for table in document.tables:
        style, borders = table._tbl.tblPr.find(qn("w:tblStyle")), table._tbl.tblPr.find(qn("w:tblBorders"))
        if table_style is not None:  # the template's style, named even when it is the default one
            assert table.style.name == table_style and style is not None and borders is None
        else:  # none: thin single borders of its own
            assert style is None
            assert [(side.tag.split("}")[1], side.get(qn("w:val")), side.get(qn("w:sz"))) for side in borders] == [
                (side, "single", "4") for side in ("top", "left", "bottom", "right", "insideH", "insideV")]


def test_libreoffice_headings_draw_numbers_only_where_the_template_says(libreoffice_templates):
    """Default and Modern give Heading N an outline numbering that draws nothing; Simple numbers its headings
    (1, 1.1), which is its design: the mapping says so."""
    drawn = {}
    for name in ("Default", "Modern", "Simple"):
        if name not in libreoffice_templates:
            pytest.skip(f"this LibreOffice has no {name}.ott")
        template = read_document_template(libreoffice_templates[name])
        heading = find_style(template, "Heading 1", "paragraph")
        drawn[name] = (heading.numbering, heading.numbering_text, heading.draws_numbering)
        warning = {choice.role: choice.warning for choice in map_document_styles(template)}["heading"]
        assert (warning is not None) == heading.draws_numbering
    assert drawn == {"Default": ("none", "", False), "Modern": ("none", "", False), "Simple": ("decimal", "%1", True)}


def test_the_mapping_says_why_and_warns_when_it_falls_back(libreoffice_templates):
    if "Default" not in libreoffice_templates:
        pytest.skip("this LibreOffice has no Default.ott")
    mapping = {choice.role: choice for choice in map_document_styles(read_document_template(
        libreoffice_templates["Default"]))}
    assert mapping["heading"] == StyleChoice("heading", "Heading 1", "built-in 'heading 1'", None)
    assert mapping["bullet"] == StyleChoice(
        "bullet", "Body Text", "no 'List Bullet' style; 'Body Text' with bullets aspo adds",
        "no 'List Bullet' style: the bullet role uses 'Body Text' with bullets aspo adds")
    assert mapping["table"] == StyleChoice(
        "table", None, "no table style; aspo draws thin borders",
        "no 'Table Grid' style: tables get thin single borders; add a table style in Word to choose their look")
    assert mapping["note"].warning == "no 'Quote' style: the note role uses 'Body Text'"


# --- a template in another language --------------------------------------------------------------------------


GERMAN_IDS = {"Heading1": "berschrift1", "Heading2": "berschrift2", "ListBullet": "Aufzhlungszeichen",
              "Title": "Titel", "Subtitle": "Untertitel", "Quote": "Zitat", "TableGrid": "Tabellenraster"}


def german_template(path: Path) -> Path:
    """The sample template as German Word saves it: built-in names (w:name) in English, styleIds in German."""
    with zipfile.ZipFile(OFFERING) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename in ("word/styles.xml", "word/numbering.xml"):
                root = etree.fromstring(data)
                for element in root.iter(qn("w:style")):
                    element.set(qn("w:styleId"), GERMAN_IDS.get(element.get(qn("w:styleId")), element.get(
                        qn("w:styleId"))))
                for tag in ("w:basedOn", "w:next", "w:link", "w:pStyle"):
                    for element in root.iter(qn(tag)):
                        element.set(qn("w:val"), GERMAN_IDS.get(element.get(qn("w:val")), element.get(qn("w:val"))))
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(info, data)
    return path


def test_a_german_template_is_read_by_built_in_identity(tmp_path):
    template = read_document_template(german_template(tmp_path / "vorlage.docx"))
    heading = find_style(template, "Heading 1", "paragraph")
    assert (heading.style_id, heading.name, heading.builtin) == ("berschrift1", "Heading 1", "heading 1")
    for name in ("Heading 1", "heading 1", "berschrift1", "Überschrift 1"):
        assert find_style(template, name, "paragraph") == heading, name
    assert find_style(template, "Aufzählungszeichen", "paragraph").name == "List Bullet"
    assert find_style(template, "Tabellenraster", "table").builtin == "table grid"
    assert find_style(template, "Heading 1", "table") is None
    assert {choice.role: choice.style for choice in map_document_styles(template)} == dict(zip(ROLES, (
        "Title", "Subtitle", "Heading 1", "Heading 2", "Normal", "List Bullet", "Table Grid", "Quote")))


def test_a_german_template_renders_the_styles_an_outline_names_in_either_language(tmp_path):
    path = german_template(tmp_path / "vorlage.docx")
    doc = make_doc(title_section(), Section(key="offering", kind="offering", title="Angebot",
                                            body=(bullets("eins", "zwei"),
                                                           Table(("A", "B"), (("1", "2"),)))),
                   document=path, styles={"heading": "Überschrift 1", "bullet": "List Bullet",
                                          "table": "Tabellenraster"})
    document = docx.Document(io.BytesIO(render_docx(doc)))
    assert [(p.style.style_id, p.text) for p in document.paragraphs] == [
        ("Titel", "Uptime for Acme Foods"), ("Untertitel", "A point offering from Meridian Ops"),
        ("berschrift1", "Angebot"), ("Aufzhlungszeichen", "eins"), ("Aufzhlungszeichen", "zwei")]
    # the style's own bullets: nothing added
    assert all(p._p.pPr.numPr is None for p in document.paragraphs)
    assert all(resolved_level(document, p) == ("bullet", "•") for p in document.paragraphs[3:])
    assert document.tables[0]._tbl.tblPr.find(qn("w:tblStyle")).get(qn("w:val")) == "Tabellenraster"


def test_a_style_missing_from_a_template_lists_its_names_quoted_and_once(tmp_path, monkeypatch):
    path = german_template(tmp_path / "vorlage.docx")
    with zipfile.ZipFile(path) as package:
        styles = package.read("word/styles.xml")
    # a custom style that shows the same name as a built-in one
    custom = (b'<w:style w:type="paragraph" w:customStyle="1" w:styleId="MyHeading"><w:name w:val="Heading 1"/>'
              b'</w:style></w:styles>')
    members = {}
    with zipfile.ZipFile(path) as package:
        members = {info.filename: package.read(info) for info in package.infolist()}
    members["word/styles.xml"] = styles.replace(b"</w:styles>", custom)
    with zipfile.ZipFile(path, "w") as package:
        for name, data in members.items():
            package.writestr(name, data)
    template = read_document_template(path)
    assert style_names(template, "paragraph") == (
        "'Footer', 'Heading 1', 'Heading 2', 'List Bullet', 'Normal', 'Quote', 'Subtitle', 'Title'")
    # the library refuses it when it loads, listing style_names (the renderer trusts the library)
    assert find_style(template, "Aufzählung", "paragraph") is None


def test_check_finds_styles_as_the_build_does_and_lists_what_there_is(workspace, aspo):
    german_template(workspace / "templates" / "layouts" / "vorlage.docx")
    outline = workspace / "templates" / "outline.yaml"
    edit(outline, "template: layouts/offering.docx", "template: layouts/vorlage.docx")
    edit(outline, "heading: Heading 1", "heading: Überschrift 1")
    edit(outline, "table: Table Grid", "table: null")
    assert aspo("check").status == 0
    assert aspo("build", "--quiet", "accounts/acme.yaml").status == 0
    edit(outline, "note: Quote", "note: Zitate")
    result = aspo("check")
    assert result.status != 0
    assert (f"templates/outline.yaml:{line_of(outline, 'note: Zitate')}:5: E203 document.styles.note: "
            "'Zitate' is not a paragraph style in "
            "templates/layouts/vorlage.docx; it has: 'Footer', 'Heading 1', 'Heading 2', 'List Bullet', 'Normal', "
            "'Quote', 'Subtitle', 'Title'") in result.out + result.err


# --- bullets where the template has none ---------------------------------------------------------------------


def test_a_bullet_style_without_a_numbering_definition_gets_bullets_aspo_adds(tmp_path):
    """python-docx's default without its numbering part: List Bullet names numId 1, which no longer exists."""
    document = docx.Document()
    for rel_id, rel in list(document.part.rels.items()):
        if rel.reltype.endswith(("/customXml", "/numbering")):
            document.part.drop_rel(rel_id)
    path = tmp_path / "no-numbering.docx"
    document.save(str(path))
    with zipfile.ZipFile(path) as package:
        assert "word/numbering.xml" not in package.namelist()
    template = read_document_template(path)
    assert find_style(template, "List Bullet", "paragraph").numbering is None
    assert {c.role: c.reason for c in map_document_styles(template)}["bullet"] == (
        "built-in 'list bullet' with bullets aspo adds")

    data = render_docx(make_doc(title_section(), Section(key="s", kind="situation", title="Heard",
                                                         body=(bullets("one", "two"),)),
                                document=path))
    assert data == render_docx(make_doc(title_section(), Section(key="s", kind="situation", title="Heard",
                                                                 body=(bullets("one", "two"),)),
                                        document=path))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        numbering = package.read("word/numbering.xml").decode()
    assert re.sub(r"<w:numbering [^>]*>", "<w:numbering>", numbering.split("?>", 1)[-1].strip()) == (
        '<w:numbering><w:abstractNum w:abstractNumId="1"><w:multiLevelType w:val="singleLevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/>'
        '<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="360" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum>'
        '<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num></w:numbering>')
    rendered = docx.Document(io.BytesIO(data))
    items = [p for p in rendered.paragraphs if p.text in ("one", "two")]
    assert [p.style.name for p in items] == ["List Bullet", "List Bullet"]
    assert [resolved_level(rendered, p) for p in items] == [("bullet", "•"), ("bullet", "•")]
    assert all(resolved_level(rendered, p) is None for p in rendered.paragraphs if p.text not in ("one", "two"))


def test_a_document_without_bullets_gets_no_numbering_added(tmp_path):
    data = render_docx(make_doc(title_section(), styles={"bullet": "Normal"}))
    with zipfile.ZipFile(io.BytesIO(data)) as package, zipfile.ZipFile(OFFERING) as template:
        assert package.read("word/numbering.xml") == template.read("word/numbering.xml")


# --- the description ------------------------------------------------------------------------------------------


def test_the_description_shows_page_theme_and_each_style(tmp_path):
    description = describe_document_template(OFFERING)
    assert description["page"] == {"width_mm": 210.0, "height_mm": 297.0, "paper": "A4", "orientation": "portrait",
                                   "margins_mm": {"top": 22.0, "right": 22.0, "bottom": 22.0, "left": 22.0}}
    assert description["theme"]["heading_font"] == "Calibri" and description["theme"]["colors"]["accent1"] == "1B998B"
    bullet = next(style for style in description["styles"] if style["name"] == "List Bullet")
    assert bullet == {"name": "List Bullet", "style_id": "ListBullet", "builtin": "list bullet", "type": "paragraph",
                      "based_on": "Normal", "default": False, "font": "Calibri", "size": 11.0, "bold": False,
                      "italic": False, "color": "text1", "numbering": "bullet", "numbering_text": "•"}
    lines = document_template_lines(description)
    assert lines[:2] == ["page: A4 portrait, 210 x 297 mm; margins (mm): top 22, right 22, bottom 22, left 22",
                         "theme fonts: headings 'Calibri', body 'Calibri'"]
    assert [line.split(" (")[0] for line in lines[3:]] == [
        "paragraph 'Footer'", "paragraph 'Heading 1'", "paragraph 'Heading 2'", "paragraph 'List Bullet'",
        "paragraph 'Normal'", "paragraph 'Quote'", "paragraph 'Subtitle'", "paragraph 'Title'",
        "table 'Normal Table'", "table 'Table Grid'"]
    assert "paragraph 'List Bullet' (id 'ListBullet', built-in 'list bullet', based on 'Normal'): 'Calibri' 11 pt " \
           "colour text1; numbering bullet '•'" in lines


def test_textconv_of_a_document_in_a_layouts_folder_shows_its_styles_after_its_text(tmp_path):
    document = docx.Document(str(OFFERING))
    document.add_paragraph("Sample text marketing left in", style="Normal")
    (tmp_path / "layouts").mkdir()
    for folder in (tmp_path, tmp_path / "layouts"):
        document.save(str(folder / "branded.docx"))
    inside = read_units(tmp_path / "layouts" / "branded.docx")
    assert [unit.label for unit in inside] == ["Before the first heading", TEMPLATE]
    assert inside[1].lines == tuple(document_template_lines(describe_document_template(OFFERING)))
    assert [unit.label for unit in read_units(tmp_path / "branded.docx")] == ["Before the first heading"]
    assert as_text(read_units(OFFERING)).startswith(f"## {TEMPLATE}\npage: A4 portrait")


def test_a_template_is_held_to_what_it_unpacks_to_once_however_often_it_is_read(tmp_path, monkeypatch):
    """Opening a template reads every part, the hygiene scan reads the Word parts again and the reader the body a
    third time: a document.xml of over half the limit (110 MB of 200 in the issue) was refused as past the limit."""
    from aspo.core import bounded
    from aspo.core.errors import AspoError

    monkeypatch.setattr(bounded, "MAX_UNPACKED_BYTES", 4 * 1024 * 1024)  # the 200 MB, made quick
    path = tmp_path / "long.docx"
    with zipfile.ZipFile(REPO / "templates/layouts/offering.docx") as source, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data += b" " * (3 * 1024 * 1024)  # white space after the body: still the same XML
            copy.writestr(info, data)
    assert read_document_template(path).styles  # read, not refused
    with zipfile.ZipFile(path, "a") as copy:  # one part more, as large again: past the limit once
        copy.writestr("word/media/spare.bin", bytes(2 * 1024 * 1024), zipfile.ZIP_DEFLATED)
    with pytest.raises(AspoError) as excinfo:
        read_document_template(path)
    assert str(excinfo.value) == f"{path}: unpacks to 6 MB, more than the 4 MB a template may hold"
