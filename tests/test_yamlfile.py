"""YAML reading: scalars stay text, every key keeps its line, bad input names file and line."""

from pathlib import Path

import pytest

from aspo.authoring.layouts_use import rewrite_outline
from aspo.core.errors import AspoError
from aspo.core.yamlfile import child_node, compose, format_loc, parse_yaml, scalar_text


def parse(text: str):
    return parse_yaml(text, Path("accounts/x.yaml"))


def error_line(text: str) -> str:
    with pytest.raises(AspoError) as info:
        parse(text)
    return str(info.value.problems[0])


def test_it_keeps_scalars_as_the_text_typed():
    doc = parse("a: NO\nb: 0777\nc: 12:30\nd: 2026-12-03\ne:\nf: ~\ng: 'null'\n")
    assert doc.data == {"a": "NO", "b": "0777", "c": "12:30", "d": "2026-12-03", "e": None, "f": None, "g": "null"}


def test_it_remembers_the_line_of_every_key_and_item():
    doc = parse("name: Acme\nmeeting:\n  attendees:\n    - name: Dana\n      persona: ops\n")
    assert doc.line_of(("meeting", "attendees", 0, "persona")) == 5
    assert doc.line_of(("meeting", "attendees", 0, "missing")) == 4
    assert doc.line_of(("name",)) == 1


def test_it_adds_the_front_matter_offset_to_lines():
    doc = parse_yaml("id: x\ntitle: y\n", Path("b.md"), line_offset=1)
    assert doc.line_of(("title",)) == 3


def test_it_reports_syntax_errors_with_file_and_line():
    assert error_line("name: Acme\nstage: [a, b\n") == (
        "accounts/x.yaml:3: invalid YAML: did not find expected ',' or ']' "
        "(while parsing a flow sequence started on line 2)")


def test_it_rejects_duplicate_keys():
    assert error_line("name: A\nregion: EMEA\nname: B\n") == (
        "accounts/x.yaml:3: name: duplicate key (first given on line 1)")


def test_it_rejects_anchors_and_aliases():
    assert error_line("a: &x [1]\nb: *x\n") == "accounts/x.yaml:1: YAML anchors (&x) are not allowed; repeat the value"
    assert error_line("a: [1]\nb: *x\n") == "accounts/x.yaml:2: invalid YAML: found undefined alias"
    assert parse("name: AT&T\n").data == {"name": "AT&T"}


def test_it_rejects_text_an_office_file_cannot_hold():
    assert error_line('name: "bell\\a"\n') == (
        "accounts/x.yaml:1: name: text holds U+0007 (a control character) at character 5, "
        "which decks and documents cannot contain; remove it")


def test_it_rejects_unknown_tags():
    assert error_line("a: !!python/object:os.system x\n") == (
        "accounts/x.yaml:1: a: unknown YAML tag 'tag:yaml.org,2002:python/object:os.system'")


def test_it_formats_paths_as_a_reader_would():
    assert format_loc(("meeting", "attendees", 0, "persona")) == "meeting.attendees[0].persona"


def test_it_survives_pathological_nesting_with_a_clear_error():
    assert error_line("a: " + "[" * 50000 + "]" * 50000 + "\n") == (
        "accounts/x.yaml: invalid YAML: nested deeper than 64 levels")


@pytest.mark.parametrize("text", ["a:\n\tb: 1\n", "a:\n  b: 1\n\tc: 2\n", "a: |\n\tx\n"])
def test_a_tab_used_to_indent_is_named(text):
    assert "invalid YAML: a tab character where YAML needs spaces; indent with spaces, not tabs" in error_line(text)


def test_a_value_longer_than_any_slide_names_its_field():
    assert error_line("meeting:\n  goal: " + "x" * 10_001 + "\n") == (
        "accounts/x.yaml:2: meeting.goal: text of 10,001 characters; a value holds at most 10,000")
    assert parse("goal: " + "x" * 10_000 + "\n").data == {"goal": "x" * 10_000}


def test_keys_are_one_line_field_names():
    assert error_line('name: A\n"reg\\nion": x\n') == (
        "accounts/x.yaml:2: the key 'reg\\nion' holds a line break; keys are field names")
    assert error_line("a:\n  " + "k" * 101 + ": x\n") == (
        "accounts/x.yaml:2: a: a key of 101 characters ('" + "k" * 37 + "...'); keys are field names")


@pytest.mark.parametrize("value, flow, written", [
    ("Agree the scope of a pilot.", False, "Agree the scope of a pilot."),
    ("Fiix, UpKeep", False, "Fiix, UpKeep"),  # commas are fine in block style
    ("Fiix, UpKeep", True, '"Fiix, UpKeep"'),
    ("NO", False, '"NO"'),  # YAML 1.1 reads it as false
    ("a: b", False, '"a: b"'),
    ("12:30", False, '"12:30"'),
    ("2027-01-14", False, '"2027-01-14"'),
    ("null", False, '"null"'),
    ("- dash", False, '"- dash"'),
    ("x #y", False, '"x #y"'),
    ('say "hi"\\', False, '"say \\"hi\\"\\\\"'),
    ("", False, '""'),
    (None, True, "null"),
])
def test_scalar_text_is_plain_only_where_it_reads_back_as_the_same_text(value, flow, written):
    assert scalar_text(value, flow=flow) == written
    assert parse(f"k: {written}\n").data == {"k": value}


def test_scalar_text_quotes_deep_brackets_rather_than_crash():
    value = "{" * 1000  # past libyaml's safe depth, and past Python's recursion limit in the pure-Python parser
    assert scalar_text(value, flow=False) == '"' + value + '"'


@pytest.mark.parametrize("text", ["a: é😀 # ü\r\nb: [x, y]\n", "\ufeffa: 1\nb: [x, y]\n", "a: 1  # \ufeff\nb: [x, y]"])
def test_the_nodes_kept_for_edits_in_place_index_the_characters_of_the_text(text):
    # libyaml counts characters too, but leaves a U+FEFF uncounted: such a text goes to the pure-Python parser
    for root in (compose(text), parse_yaml(text, Path("x.yaml"), keep_nodes=True).root):
        node = child_node(root, "b")
        assert text[node.start_mark.index:node.end_mark.index] == "[x, y]"
    assert parse("a: 1\n").root is None  # kept only when asked for


def test_an_outline_without_a_final_new_line_gets_new_styles_on_lines_of_their_own():
    # libyaml puts the end of such a text's last block on a line of its own: the edit must not follow its column
    text = "document:\n  template: layouts/offering.docx\n  options:\n    a: b"
    assert rewrite_outline(text, None, {}, None, {"note": "Quote"}) == text + "\n  styles:\n    note: Quote\n"
