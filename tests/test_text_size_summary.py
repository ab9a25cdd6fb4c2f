"""C501 summed up: a template whose text size leaves most of a placeholder's slides too tall gets one line with the
size that fits, from `aspo layouts use` and `aspo check`, instead of a line per slide; a few long blocks keep theirs."""

from __future__ import annotations

from test_layout_boxes import sixteen_by_ten

from aspo.checks.rules.overflow import _size_summary
from aspo.compose.slide_fit import PlacedText
from aspo.office.deck_template import TextBox

SUMMARIES = [
    "templates/layouts/marque.pptx:1:1: C501 text size: the body text size of layout 'Deux contenus' (28 pt) leaves "
    "7 of 7 slides estimated too tall; at 14 pt all fit: set it in the template",
    "templates/layouts/marque.pptx:1:1: C501 text size: the body text size of layout 'Titre et contenu' (32 pt) "
    "leaves 21 of 22 slides estimated too tall; at 16 pt all fit: set it in the template",
    "templates/layouts/marque.pptx:1:1: C501 text size: the title text size of layout 'Deux contenus' (44 pt) "
    "leaves 8 of 8 slides estimated too tall; at 20 pt all fit: set it in the template",
    "templates/layouts/marque.pptx:1:1: C501 text size: the title text size of layout 'Titre et contenu' (44 pt) "
    "leaves 22 of 22 slides estimated too tall; at 20 pt all fit: set it in the template",
]


def test_python_pptx_sizes_on_16_10_are_four_lines_with_the_size_that_fits_in_use_and_check(workspace, aspo):
    path = workspace / "marque.pptx"
    path.write_bytes(sixteen_by_ten())
    result = aspo("layouts", "use", path)
    assert result.status == 0, result.err
    lines = result.out.splitlines()
    at = lines.index("Checks: 0 error(s), 8 warning(s) (C501 x7, C701 x1; `aspo check` lists them):")
    assert lines[at + 1:] == SUMMARIES
    checked = aspo("check").out.splitlines()
    assert [line for line in checked if "text size:" in line] == SUMMARIES
    # the cover's title, too long on three slides of three: a few, each where it is written
    overflows = [line for line in checked if ": C501 " in line and "text size:" not in line]
    assert len(overflows) == 3 and all("title placeholder of layout 'Diapositive de titre'" in line
                                       for line in overflows), overflows


def slides(*words: int, size: float = 32) -> list[tuple[int, PlacedText]]:
    """One account's slides on one 20 x 8 cm body placeholder, each with a paragraph of so many words."""
    box = TextBox(1, "body", 0, 0, 7200000, 2880000, (size, size * 0.875) + (size * 0.75,) * 7, (0.0,) * 9, slot=1)
    return [(0, PlacedText(f"s{number}", "body", "Content", box, ((" ".join(["word"] * count), 0),)))
            for number, count in enumerate(words)]


def test_the_size_suggested_is_the_largest_at_which_all_but_a_tenth_fit_and_those_keep_their_lines():
    texts = slides(*[60] * 8, 2000, 5)
    message, covered, worst = _size_summary(texts, 0.1, 10)
    assert message == ("text size: the body text size of layout 'Content' (32 pt) leaves 9 of 10 slides estimated "
                       "too tall; at 24 pt all but 1 fit (listed): set it in the template")
    assert {key[1] for key in covered} == {f"s{number}" for number in range(8)}  # s8 keeps its own line
    for _, placed in texts[:8]:
        assert placed.over_at(24) <= 0.1 < placed.over_at(28)
    assert worst == texts[8][1].over_at(32)


def test_a_few_long_blocks_keep_their_own_lines_and_too_many_at_the_smallest_size_are_named():
    assert _size_summary(slides(*[60] * 4, 5, 5), 0.1, 10) is None  # 4 too tall: fewer than 5
    assert _size_summary(slides(*[60] * 5, *[5] * 11), 0.1, 10) is None  # 5 of 16: less than a third
    message, covered, _ = _size_summary(slides(*[2000] * 5, 60), 0.1, 10)
    assert message.endswith("leaves 6 of 6 slides estimated too tall; at 10 pt 1 of 6 fit; shorten the others "
                            "(listed): set it in the template")
    assert [key[1] for key in covered] == ["s5"]
