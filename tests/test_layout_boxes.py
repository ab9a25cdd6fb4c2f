"""A deck template whose placeholders have no room on the slide: refused by `aspo layouts use`, an E205 error of
`aspo check` and the build where the outline uses the layout, a note where it does not."""

from __future__ import annotations

import io

from conftest import line_of
from pptx import Presentation
from pptx.util import Emu

from aspo.office.deck_template import Placeholder, SlideLayout, box_problems, read_deck_template

SLIDE = (9144000, 5715000)  # 16:10, as the template
FIX = "give it a size on the slide (in PowerPoint: View > Slide Master) and adopt the template again"


def sixteen_by_ten(zero_width: tuple[str, ...] = ()) -> bytes:
    """python-pptx's default template made 16:10 as a person would in python-pptx, with layout names in French.
    The placeholders of the layouts named in `zero_width` get a top and a height of their own and nothing else:
    python-pptx then writes them 0 cm wide at the left edge (the template of the issue)."""
    deck = Presentation()
    scale = SLIDE[1] / deck.slide_height
    deck.slide_width, deck.slide_height = Emu(SLIDE[0]), Emu(SLIDE[1])
    names = {"Title Slide": "Diapositive de titre", "Title and Content": "Titre et contenu",
             "Two Content": "Deux contenus", "Comparison": "Comparaison"}
    for layout in (deck.slide_master, *deck.slide_layouts):
        for shape in layout.placeholders:
            top, height, left, width = shape.top, shape.height, shape.left, shape.width
            if layout.name not in zero_width:
                shape.left, shape.width = left, width
            shape.top, shape.height = Emu(int(top * scale)), Emu(int(height * scale))
        layout.name = names.get(layout.name, layout.name)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def test_use_refuses_a_template_whose_chosen_layouts_draw_off_the_slide_naming_each_placeholder(workspace, aspo):
    path = workspace / "marque.pptx"
    path.write_bytes(sixteen_by_ten(zero_width=("Title and Content", "Two Content", "Comparison")))
    before = (workspace / "templates/outline.yaml").read_bytes()
    result = aspo("layouts", "use", path)
    assert result.status == 2, result.out + result.err
    content = "1 agenda, 2 situation, 4 priorities, 7 rollout, 8 terms, 9 references, 10 next-steps"
    assert result.err.splitlines() == [
        f"aspo: error: marque.pptx: layout 'Titre et contenu' (sections {content}): placeholder 'Title 1' (title) "
        f"is 0.0 x 2.2 cm at 0.0, 0.5 cm on a 25.4 x 15.9 cm slide: it has no width; {FIX}",
        f"aspo: error: marque.pptx: layout 'Titre et contenu' (sections {content}): placeholder 'Content "
        f"Placeholder 2' (body) is 0.0 x 8.7 cm at 0.0, 3.1 cm on a 25.4 x 15.9 cm slide: it has no width; {FIX}",
        "aspo: error: marque.pptx: layout 'Deux contenus' (sections 3 insight, 5 scenarios, 6 offering): "
        "placeholder 'Title 1' (title) is 0.0 x 2.2 cm at 0.0, 0.5 cm on a 25.4 x 15.9 cm slide: it has no width; "
        f"{FIX}",
    ]
    assert result.out == ""
    assert (workspace / "templates/outline.yaml").read_bytes() == before
    assert not (workspace / "templates/layouts/marque.pptx").exists()


def test_a_layout_no_section_takes_is_a_note_of_use_and_nothing_for_check(workspace, aspo):
    path = workspace / "marque.pptx"
    path.write_bytes(sixteen_by_ten(zero_width=("Comparison",)))
    result = aspo("layouts", "use", path)
    assert result.status == 0, result.out + result.err
    notes = [line for line in result.out.splitlines() if "Comparaison" in line]
    assert notes == ["  note: layout 'Comparaison', which no section takes, cannot be used as it is: placeholder "
                     "'Title 1' (title) is 0.0 x 2.2 cm at 0.0, 0.5 cm on a 25.4 x 15.9 cm slide: it has no width"]
    assert "E205" not in aspo("check").out


def test_check_and_build_refuse_a_layout_the_outline_uses_once_it_has_no_room(workspace, aspo):
    path = workspace / "marque.pptx"
    path.write_bytes(sixteen_by_ten())
    assert aspo("layouts", "use", path).status == 0
    # the template changed afterwards: its content layout's placeholders lose their width
    (workspace / "templates/layouts/marque.pptx").write_bytes(sixteen_by_ten(zero_width=("Title and Content",)))
    result = aspo("check")
    assert result.status == 1
    outline = workspace / "templates/outline.yaml"
    at = f"templates/outline.yaml:{line_of(outline, 'kind: agenda') + 2}:12"
    sections = "sections 1, 2, 4, 7, 8, 9, 10"
    found = [line for line in result.out.splitlines() if ": E205 " in line]
    assert found == [
        f"{at}: E205 sections[1].deck.layout: layout 'Titre et contenu' in templates/layouts/marque.pptx "
        f"({sections}): placeholder 'Content Placeholder 2' (body) is 0.0 x 8.7 cm at 0.0, 3.1 cm on a "
        f"25.4 x 15.9 cm slide: it has no width; {FIX}",
        f"{at}: E205 sections[1].deck.layout: layout 'Titre et contenu' in templates/layouts/marque.pptx "
        f"({sections}): placeholder 'Title 1' (title) is 0.0 x 2.2 cm at 0.0, 0.5 cm on a 25.4 x 15.9 cm slide: "
        f"it has no width; {FIX}",
    ]
    # its slides are E205's: no overflow estimate of a box 0 cm wide
    assert "layout 'Titre et contenu' holds" not in result.out
    built = aspo("build", "accounts/acme.yaml", "--output", workspace / "out")
    assert built.status == 2
    assert "placeholder 'Title 1' (title) is 0.0 x 2.2 cm" in built.err
    assert not (workspace / "out").exists()


def box(role: str, left: int, top: int, width: int, height: int) -> Placeholder:
    return Placeholder(role, f"{role} 1", left, top, width, height)


def test_a_box_with_no_area_or_wholly_off_the_slide_is_a_problem_a_box_partly_off_is_not():
    layout = SlideLayout("L", True, 1, placeholders=(
        box("title", 0, 0, 0, 720000),  # no width
        box("body", 360000, 360000, 3600000, 0),  # no height
        box("picture", SLIDE[0], 0, 360000, 360000),  # wholly past the right edge
        box("subtitle", -720000, -720000, 360000, 360000),  # wholly past the left and top edges
        box("body", -360000, 4000000, 9900000, 3600000),  # partly off: its text is fitted to the part on the slide
        box("footer", 0, 0, 0, 0),  # no slide copies a footer
    ))
    assert box_problems(layout, *SLIDE) == (
        "placeholder 'title 1' (title) is 0.0 x 2.0 cm at 0.0, 0.0 cm on a 25.4 x 15.9 cm slide: it has no width",
        "placeholder 'body 1' (body) is 10.0 x 0.0 cm at 1.0, 1.0 cm on a 25.4 x 15.9 cm slide: it has no height",
        "placeholder 'picture 1' (picture) is 1.0 x 1.0 cm at 25.4, 0.0 cm on a 25.4 x 15.9 cm slide: it lies "
        "wholly off the slide, past its right edge",
        "placeholder 'subtitle 1' (subtitle) is 1.0 x 1.0 cm at -2.0, -2.0 cm on a 25.4 x 15.9 cm slide: it lies "
        "wholly off the slide, past its left and top edges",
    )


def test_the_box_in_effect_is_checked_a_layout_placeholder_takes_its_masters_and_partly_off_is_cut(tmp_path):
    deck = Presentation()
    master_title = next(shape for shape in deck.slide_master.placeholders if shape.placeholder_format.type == 1)
    master_title.width = Emu(0)  # every layout title without a position of its own inherits it
    content = deck.slide_layouts[1]
    body = content.placeholders[1]
    body.left, body.top, body.width, body.height = Emu(-914400), Emu(-457200), Emu(9144000), Emu(8229600)
    path = tmp_path / "inherited.pptx"
    deck.save(path)
    template = read_deck_template(path)
    layout = template.layout("Title and Content")
    assert box_problems(layout, template.width, template.height) == (
        "placeholder 'Title 1' (title) is 0.0 x 3.2 cm at 1.3, 0.8 cm on a 25.4 x 19.1 cm slide: it has no width",)
    # the body reaching past the left, top and bottom edges is fitted to, and pinned on, the part on the slide
    cut = layout.bodies[0]
    assert (cut.left, cut.top, cut.width, cut.top + cut.height <= template.height, cut.pinned) == (
        0, 0, 8229600, True, True)
