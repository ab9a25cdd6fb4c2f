"""Property-based fuzzing of `aspo build` with hypothesis: whatever a rep or marketing writes, aspo answers.

Two generators: whole account files (names, priorities, goals, notes, attendees, competitors, next step:
unicode with emoji, right-to-left text and combining marks, very long and empty strings, Jinja and Markdown
look-alikes such as ``{{``, ``{%``, ``- ``, ``|``, ``**``, wrong types such as numbers, lists, mappings and
empty values, sometimes unknown ids), written with ``yaml.safe_dump``; and the body of a message block the
sample account uses (templates/blocks/next-steps-pilot.md, front matter kept), from the same alphabet plus
fragments of Jinja, good and bad. Each example copies the samples, and the sample account's outputs as a
first build makes them (built once per session), into a fresh folder, writes the generated file, builds the
account again in process, and must end one of two ways:

- exit 0, and the deck, document and draft reopen (python-pptx, python-docx) holding no ``_x00`` escapes,
  no ``None``, no ``Undefined`` and no unrendered ``{{``/``{%``/``}}``/``%}``, unless that text was in what
  was generated (an account value is data: ``{{ 7*7 }}`` typed by a rep appears as typed), and every
  account value the story shows appears in the draft as typed (whitespace runs aside);
- exit 2, with stderr one or more ``aspo: error: <file>:...`` lines (never a line of anything else) naming
  the file that was changed, no traceback, and the first build's outputs byte for byte as they were.

Never exit 3, and never another exception.

CI runs a few examples per test, derandomized so a run is reproducible. The longer run, with a random seed
and the failure database in .hypothesis/, is

    ASPO_FUZZ_EXAMPLES=2000 python -m pytest tests/test_fuzz.py
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from docx import Document as open_docx
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pptx import Presentation

from aspo.cli.app import main

REPO = Path(__file__).resolve().parents[1]
ACME = "accounts/acme.yaml"
PILOT = "templates/blocks/next-steps-pilot.md"
EXAMPLES = int(os.environ.get("ASPO_FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize="ASPO_FUZZ_EXAMPLES" not in os.environ,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: Text that must not reach an output unless the generated input held it.
SUSPECT = ("_x00", "None", "Undefined", "{{", "}}", "{%", "%}")
#: aspo's own words that hold a suspect: the draft's line when there are no content gaps.
OWN_WORDS = ("None: approved content answers every priority.",)
ERROR_LINE = re.compile(r"aspo: error: (?P<file>[^:\n]+)(:\d+)?: .+")

SAMPLE = yaml.safe_load((REPO / ACME).read_text(encoding="utf-8"))
PILOT_TEXT = (REPO / PILOT).read_text(encoding="utf-8")
FRONT_MATTER = PILOT_TEXT[: PILOT_TEXT.index("---", 3) + 4]


# --- generators --------------------------------------------------------------------------------

FRAGMENTS = [
    "{{", "}}", "{%", "%}", "{#", "#}", "{{ 7*7 }}", "{% raw %}", "{% endraw %}", "- ", "* ", "|", "||", "**", "__",
    "`", "# ", "## Notes", "---", "\n", "\n\n", "\n- ", "\t", "  ", "_x0007_", "&amp;", "<b>", "]]>", "\"", "'",
    "\\", ": ", "NO", "yes", "null", "None", "~", "0777", "12:30", "1e3", "2027-01-14", ".nan", "@", "!!str",
    "مرحبا بالعالم", "שלום עולם", "e\u0301", "a\u0308\u0323", "👩\u200d🔧", "🏭", "🇩🇪", "\u200f", "\u202e", "\u200b",
    "\ufeff", "\u2028", "\u0085", "\u00a0", "\U0001f600", "Z̷̢a̵l̶g̸o", "漢字かな", "ß", "İ", "ﬁ",
]
#: Characters no deck or document can hold: aspo must refuse them with one line.
CONTROL = ["\u0000", "\x07", "\x1b[31m", "\x0b", "\ud7ff\ufffe"]
# Printable text from every script; control characters come only from CONTROL and `raw_text`.
_PRINTABLE = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Co", "Cn"))
_ANY = st.characters(codec="utf-8", exclude_categories=("Cs",))


def weighted(*choices):
    """One of several strategies, each (weight, strategy); shrinks towards the first."""
    table = [strategy for weight, strategy in choices for _ in range(weight)]
    return st.integers(0, len(table) - 1).flatmap(lambda i: table[i])


piece = weighted((3, st.text(_PRINTABLE, min_size=1, max_size=24)), (2, st.sampled_from(FRAGMENTS)))
clean_text = st.lists(piece, min_size=1, max_size=8).map("".join)
raw_text = st.one_of(st.text(_ANY, max_size=12), st.sampled_from(CONTROL))
#: Exactly n characters (so even 120,000 fits in an account file's 1 MB): past every size limit aspo has.
long_text = st.builds(lambda word, n: (word * n)[:n], st.text(_PRINTABLE, min_size=1, max_size=6),
                      st.sampled_from([300, 2_000, 9_000, 20_000, 120_000]))
wrong_type = st.one_of(
    st.integers(), st.floats(), st.booleans(), st.none(), st.dates(), st.just(""),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)
#: A text field: mostly text, sometimes very long, sometimes not text at all or not printable.
field = weighted((20, clean_text), (1, long_text), (1, wrong_type), (1, raw_text))


def ids(known: list[str]):
    """Mostly a known id, sometimes something else (line breaks included: unknown ids are quoted)."""
    return weighted((12, st.sampled_from(known)), (1, clean_text))


def some(strategy, most: int = 4):
    """A list of 1 to `most` items, sometimes empty."""
    return weighted((12, st.lists(strategy, min_size=1, max_size=most)), (1, st.just([])))


PERSONAS = ["operations-leader", "maintenance-manager", "plant-it", "finance", "facilities-director"]
STAGES = ["awareness", "consideration", "decision"]


@st.composite
def accounts(draw) -> dict:
    """An account file's data: the sample acme account with fields replaced by generated ones."""
    data = yaml.safe_load(yaml.safe_dump(SAMPLE))  # a deep copy

    def maybe(key_path: tuple, strategy):
        if draw(st.booleans()):
            target = data
            for key in key_path[:-1]:
                target = target[key]
            target[key_path[-1]] = draw(strategy)

    for key in ("name", "region", "notes"):
        maybe((key,), field)
    maybe(("meeting", "goal"), field)
    maybe(("next_step", "action"), field)
    maybe(("next_step", "owner"), field)
    maybe(("rep", "name"), field)
    maybe(("stage",), ids(STAGES))
    maybe(("meeting", "date"), weighted((8, st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31))), (1, field)))
    if draw(st.booleans()):
        data["meeting"]["attendees"] = draw(some(
            st.fixed_dictionaries({"name": field, "title": field, "persona": ids(PERSONAS)})))
    if draw(st.booleans()):
        data["priorities"] = draw(some(st.one_of(
            st.fixed_dictionaries({"text": field}),
            st.fixed_dictionaries({"text": field, "pain": ids(["unplanned-downtime", "technician-shortage",
                                                               "energy-cost", "aging-assets"])}),
        ), most=5))
    maybe(("competitors",), weighted((8, st.lists(field, max_size=3)), (1, field)))
    maybe(("owns",), st.lists(ids(["monitor", "predict", "flow"]), max_size=2, unique=True))
    return data


JINJA = [
    "{{ account.name }}", "{{ next_step.action }}", "{{ next_step.owner }}", "{{ meeting.date }}",
    "{{ capability('condition-alerts') }}", "{{ capability('skills-dispatch') }}", "{{ capability('nope') }}",
    "{{ product('monitor') }}", "{% if account.owns %}owner{% else %}new{% endif %}",
    "{% for a in meeting.attendees %}{{ a.name }}, {% endfor %}", "{{ nope }}", "{{ account.nmae }}",
    "{{ ''.__class__ }}", "{{ range(5)|join(',') }}", "{{ 'ab' * 3 }}", "{% raw %}{{ literal }}{% endraw %}",
    "{{ account.name|upper }}", "{{ 1/0 }}", "{{ 10**100 }}", "{{ account.name[1000] }}", "{% set x = 1 %}{{ x }}",
    "{{ account }}", "{{ lipsum() }}", "{{ [1]|map('random')|list }}", "{{ 'x'|truncate(-1) }}",
    "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "{{ account.update(name='x') }}", "{# comment #}",
    "{{ priority.text }}", "{{ vendor.name }}", "{{ rep.email }}", "{{ meeting.attendees|length }}",
]
block_body = st.lists(weighted((6, piece), (3, st.sampled_from(JINJA)), (1, raw_text)), max_size=12).map("".join)


# --- running and checking ----------------------------------------------------------------------

def copy_samples(root: Path) -> None:
    """templates/ and the acme account."""
    shutil.copytree(REPO / "templates", root / "templates")
    (root / "accounts").mkdir()
    shutil.copyfile(REPO / ACME, root / ACME)


@pytest.fixture(scope="module")
def first_build(tmp_path_factory, samples_built) -> Path:
    """output/ holding output/acme/ of the session's build of the samples (conftest.samples_built), copied into
    each example's folder: the same files a first build there writes (builds are deterministic and record no
    absolute paths), checked here once for this folder's layout (the acme account alone), as conftest does for
    the samples': in a folder made as each example's is, a build finds the copy current and writes nothing."""
    first, again = tmp_path_factory.mktemp("fuzz-first-build"), tmp_path_factory.mktemp("fuzz-copied")
    shutil.copytree(samples_built / "output" / "acme", first / "output" / "acme")
    copy_samples(again)
    shutil.copytree(first / "output", again / "output")
    with contextlib.chdir(again):
        before = outputs(again)
        status, out, _ = run_aspo("build", ACME)
        assert (status, out.splitlines()[0]) == (0, "unchanged  output/acme/")
        assert outputs(again) == before
    return first / "output"


@contextlib.contextmanager
def sample_workspace(first_build: Path):
    """A fresh copy of templates/ and the acme account, as the working directory, with the output/acme/ a
    first build makes of them: the earlier good outputs a failed build must leave as they are."""
    with tempfile.TemporaryDirectory(prefix="aspo-fuzz-") as tmp:
        root = Path(tmp)
        copy_samples(root)
        shutil.copytree(first_build, root / "output")
        with contextlib.chdir(root):
            yield root


def outputs(root: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted((root / "output" / "acme").iterdir())}


def run_aspo(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(args))
            status = 0
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else 1
    return status, out.getvalue(), err.getvalue()


def deck_text(path: Path) -> str:
    parts = []
    for slide in Presentation(str(path)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if getattr(shape, "has_table", False) and shape.has_table:
                parts.extend(cell.text for row in shape.table.rows for cell in row.cells)
        if slide.has_notes_slide:
            parts.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(parts)


def document_text(path: Path) -> str:
    document = open_docx(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def strings_in(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in strings_in(k) + strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return [str(value)]


WARNING_LINE = re.compile(r"aspo: warning: accounts/acme\.yaml:\d+: (industry|priorities\[\d+\]): [^\n]+")


def one_line(text: str) -> str:
    return " ".join(text.split())


def check_outcome(root: Path, status: int, out: str, err: str, generated: str, changed_file: str,
                  before: dict[str, bytes]) -> dict | None:
    """The two allowed endings; returns the outputs' text when the build succeeded."""
    assert "Traceback" not in err, err
    assert status in (0, 2), (status, err)
    # --hypothesis-show-statistics shows how often each ending (and each kind of error) came up.
    first = err.split("\n")[0]
    event("built" if status == 0 else "error: " + re.sub(r"^aspo: error: [^ ]+ (\S+: )?|[0-9',(].*", "", first)[:40])
    if status == 2:
        lines = err.rstrip("\n").split("\n")
        assert lines and lines[0], "exit 2 without a message"
        for line in lines:
            match = ERROR_LINE.fullmatch(line)
            assert match, f"not one clear error line: {line!r}"
            assert match["file"] == changed_file, f"the error names {match['file']}, not {changed_file}: {line!r}"
        assert out == "", out
        assert outputs(root) == before, "a failed build changed the earlier outputs"
        return None
    for line in err.splitlines():  # a build may warn about content gaps, one clear line each
        assert WARNING_LINE.fullmatch(line), f"not one clear warning line: {line!r}"
    folder = root / "output" / "acme"
    texts = {
        "deck": deck_text(folder / "acme-deck.pptx"),
        "document": document_text(folder / "acme-offering.docx"),
        "draft": (folder / "acme-draft.md").read_text(encoding="utf-8"),
    }
    for name, text in texts.items():
        for own in OWN_WORDS:
            text = text.replace(own, "")
        for suspect in SUSPECT:
            if suspect in text:
                assert suspect in generated, f"{suspect!r} in the {name} but not in what was generated"
    return texts


@FUZZ
@given(account=accounts())
def test_any_account_file_builds_or_fails_with_one_line_per_problem(first_build, account):
    text = yaml.safe_dump(account, allow_unicode=True, sort_keys=False, width=200)
    generated = "\n".join(strings_in(account))
    with sample_workspace(first_build) as root:
        before = outputs(root)
        (root / ACME).write_text(text, encoding="utf-8")
        status, out, err = run_aspo("build", ACME)
        texts = check_outcome(root, status, out, err, generated, ACME, before)
    if texts is None:
        return
    # Account values are data: what the rep typed is in the draft as typed (one line per paragraph there).
    draft = texts["draft"]
    shown = [account["name"], account["region"], account["meeting"]["goal"], account["next_step"]["action"]]
    shown += [p["text"] for p in account["priorities"]]
    shown += [a[key] for a in account["meeting"]["attendees"] for key in ("name", "title")]
    shown += list(account["competitors"]) + ([account["notes"]] if account.get("notes") else [])
    for value in shown:
        if isinstance(value, str):
            assert one_line(value) in draft, f"{value!r} is not in the draft as typed"


@FUZZ
@given(body=block_body, notes=st.one_of(st.none(), block_body))
def test_any_block_body_renders_or_fails_with_one_line(first_build, body, notes):
    text = FRONT_MATTER + body + ("" if notes is None else "\n\n## Notes\n\n" + notes) + "\n"
    generated = body + (notes or "") + "\n".join(strings_in(SAMPLE))
    with sample_workspace(first_build) as root:
        before = outputs(root)
        (root / PILOT).write_text(text, encoding="utf-8")
        status, out, err = run_aspo("build", ACME)
        check_outcome(root, status, out, err, generated, PILOT, before)
