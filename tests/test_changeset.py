"""Several library files replaced as one change (aspo.core.changeset): killed after any step, the next reader finds
the library as it was or fully changed, with nothing hidden left behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from aspo.core import changeset
from aspo.core.errors import AspoError

OLD = {"outline.yaml": b"deck: old\n", "layouts/deck.pptx": b"old deck", "catalog.yaml": b"untouched\n"}
NEW = {"layouts/deck.pptx": b"new deck", "layouts/brand.docx": b"new document", "outline.yaml": b"deck: new\n"}
#: Every step of the change in order: a kill may fall after any of them.
STEPS = [*(f"staged {path}" for path in NEW), "journal written", *(f"renamed {path}" for path in NEW), "done"]


def files(root: Path) -> dict[str, bytes]:
    """Every file below root, hidden ones included, by path relative to it."""
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*"))
            if path.is_file()}


@pytest.fixture
def library(tmp_path) -> Path:
    for path, data in OLD.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(data)
    return tmp_path


def killed_after(root: Path, count: int) -> list[str]:
    """The change run for `count` steps, then dropped as a kill drops it: nothing after them runs."""
    steps = changeset._steps(root, NEW)
    done = [next(steps) for _ in range(count)]
    del steps  # a generator closed at a yield runs no code of the change
    return done


def test_the_steps_are_the_ones_a_kill_may_fall_between(library):
    assert killed_after(library, len(STEPS)) == STEPS
    assert files(library) == {**OLD, **NEW}


@pytest.mark.parametrize("count", range(len(STEPS)), ids=["nothing done", *STEPS[:-1]])
def test_a_change_killed_after_any_step_is_completed_or_undone_by_the_next_reader(library, count):
    done = killed_after(library, count)
    if count:
        assert any(name.startswith(changeset.HIDDEN) for path in files(library) for name in path.split("/"))
    with changeset.settled(library):
        found = files(library)
    # once the journal is written the change is made: completed; before it, nothing was: undone
    assert found == ({**OLD, **NEW} if "journal written" in done else OLD)


def test_a_journal_whose_new_file_was_lost_puts_the_old_files_back(library):
    killed_after(library, STEPS.index("renamed layouts/deck.pptx") + 1)
    (library / f"{changeset.HIDDEN}outline.yaml.new").unlink()  # the outline's new text is gone: it cannot complete
    with changeset.settled(library):
        assert files(library) == OLD


def test_a_damaged_journal_is_one_line_and_nothing_is_touched(library):
    killed_after(library, STEPS.index("journal written") + 1)
    (library / changeset.JOURNAL).write_text('{"files": [{"path": "../../etc/passwd"')
    before = files(library)
    with pytest.raises(AspoError) as excinfo:
        with changeset.settled(library):
            pass
    assert str(excinfo.value) == (
        f"{library / changeset.JOURNAL}: an unfinished change to the templates (a killed `aspo layouts use`) left "
        "this record, which cannot be read; remove it, then check templates/outline.yaml and templates/layouts/ "
        "(git status shows what changed)")
    assert files(library) == before


def test_a_journal_naming_a_file_outside_the_folder_is_refused(library):
    killed_after(library, STEPS.index("journal written") + 1)
    journal = library / changeset.JOURNAL
    journal.write_text(journal.read_text().replace('"outline.yaml"', '"../outline.yaml"'))
    with pytest.raises(AspoError):
        with changeset.settled(library):
            pass
    assert (library / "outline.yaml").read_bytes() == OLD["outline.yaml"]


def test_a_change_that_cannot_be_written_is_one_line_and_changes_nothing(library):
    (library / "layouts" / "brand.docx").mkdir()  # a folder where a new file goes: its rename fails
    (library / "layouts" / "brand.docx" / "keep").write_text("mine")
    before = files(library)
    with pytest.raises(AspoError) as excinfo:
        changeset.replace_files(library, NEW)
    assert "cannot write: Is a directory" in str(excinfo.value)
    assert files(library) == before  # the old files back, no hidden file left


def test_a_change_replaces_every_file_and_leaves_nothing_hidden(library):
    (library / "layouts" / "deck.pptx").chmod(0o640)
    changeset.replace_files(library, NEW)
    assert files(library) == {**OLD, **NEW}
    assert (library / "layouts" / "deck.pptx").stat().st_mode & 0o777 == 0o640  # a replaced file keeps its mode


def test_only_files_of_the_folder_or_a_folder_in_it_may_be_named(library):
    for path in ("../x", "/etc/x", ".hidden", "layouts/../x", "a/b/c"):
        with pytest.raises(ValueError):
            changeset.replace_files(library, {path: b""})
    assert files(library) == OLD


def conflict_line(library: Path, changed: str) -> str:
    return (f"{library / changed}: changed since `aspo layouts use` was stopped before it finished; aspo leaves it as "
            f"it is and does not finish that adoption: to keep {library}/ as it is now, remove "
            f"{library / changeset.JOURNAL}, then run `aspo layouts use` again if you still want the new template")


def test_a_file_edited_by_hand_after_a_kill_is_left_as_it_is_and_named(library):
    killed_after(library, STEPS.index("renamed layouts/deck.pptx") + 1)  # the new deck in place, the outline not
    (library / "outline.yaml").write_bytes(b"deck: fixed by hand\n")
    before = files(library)
    with pytest.raises(AspoError) as excinfo:
        with changeset.settled(library):
            pass
    assert str(excinfo.value) == conflict_line(library, "outline.yaml")
    assert files(library) == before  # neither completed nor undone: nothing of theirs or of the change is lost
    with pytest.raises(AspoError):
        changeset.replace_files(library, NEW)  # nor does a new change write over it
    assert files(library) == before


def test_a_file_restored_by_git_after_a_kill_is_not_overwritten(library):
    """`git checkout` writes the old bytes as a new file: the same content, but not the file the change saw."""
    killed_after(library, STEPS.index("renamed layouts/deck.pptx") + 1)
    deck = library / "layouts" / "deck.pptx"
    deck.unlink()
    deck.write_bytes(OLD["layouts/deck.pptx"])
    with pytest.raises(AspoError) as excinfo:
        with changeset.settled(library):
            pass
    assert str(excinfo.value) == conflict_line(library, "layouts/deck.pptx")
    assert deck.read_bytes() == OLD["layouts/deck.pptx"] and (library / "outline.yaml").read_bytes() == OLD[
        "outline.yaml"]
    # as the line says: without the record, the library is kept as it is now, and the change's hidden files go
    (library / changeset.JOURNAL).unlink()
    with changeset.settled(library):
        assert files(library) == OLD


def test_a_file_that_did_not_exist_and_was_made_by_hand_is_left(library):
    killed_after(library, STEPS.index("journal written") + 1)
    (library / "layouts" / "brand.docx").write_bytes(b"the rep's own document")
    with pytest.raises(AspoError) as excinfo:
        with changeset.settled(library):
            pass
    assert str(excinfo.value) == conflict_line(library, "layouts/brand.docx")
    assert (library / "layouts" / "brand.docx").read_bytes() == b"the rep's own document"
