"""Comparing two builds: unified diffs of their stable text, unit by unit, and a provenance summary."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from aspo.build.manifest import MANIFEST, Sources, read_manifest, sources_in
from aspo.core.errors import AspoError
from aspo.render.formats import FORMATS, SUFFIXES, SUFFIXES_IN_WORDS, by_key, by_name, read_output, read_units
from aspo.render.textview import check_package, labelled_lines

CONTEXT = 3
#: A source marker line of a review draft: "`[block:id]`", or a "Sources:" item "- `[block:id]`: why".
_MARKER = re.compile(r"(?:- )?`\[(block|scenario):([^\]`]+)\]`(?::.*)?")

#: The suffixes of the outputs whose text names their sources as markers (the review draft's).
_MARKED = tuple(fmt.suffix for fmt in FORMATS if fmt.marks_sources)
#: What provenance calls the deck's and the document's templates (templates/layouts/deck.pptx).
LAYOUT_FILE = "layout file"
#: A drawn output's layout file is the input of its own suffix: the deck's a .pptx, the document's a .docx.
_DRAWN_SUFFIXES = tuple(sorted({fmt.suffix for fmt in FORMATS if fmt.review in ("slides", "pages")}))


@dataclass(frozen=True)
class DiffResult:
    """The diff as text (empty when nothing differs), and whether anything differs."""

    text: str
    different: bool


def diff_paths(a: Path, b: Path) -> DiffResult:
    """Compares two output folders of one account, or two files of the same kind."""
    a, b = Path(a), Path(b)
    for path in (a, b):
        if not path.exists():
            raise AspoError.at(path, None, None, "no such file or folder")
    if a.is_dir() and b.is_dir():
        return _diff_builds(read_build_folder(a), read_build_folder(b), str(a), str(b))
    if a.is_dir() or b.is_dir():
        raise AspoError.at(b if a.is_dir() else a, None, None,
                           "cannot compare a file with a folder; give two output folders or two files")
    if a.suffix.lower() != b.suffix.lower():
        raise AspoError.at(b, None, None, f"cannot compare a '{a.suffix}' file with a '{b.suffix}' file; "
                                          f"give two files of the same kind ({SUFFIXES_IN_WORDS})")
    a_data, b_data = read_output(a), read_output(b)  # their text views check what they read
    lines = _file_diff(str(a), a_data, str(b), b_data)
    if a.suffix.lower() in _MARKED:  # two drafts carry their sources as markers
        lines = _with_provenance(lines, _draft_sources([a_data]), _draft_sources([b_data]))
    return _result(lines)


def diff_build_texts(a_files: dict[str, bytes], b_files: dict[str, bytes], a_label: str, b_label: str) -> DiffResult:
    """Compares two in-memory builds of one account (file name -> bytes); each file is shown
    as `{label}/{file name}`."""
    return _diff_builds(a_files, b_files, a_label, b_label)


def _diff_builds(a_files: dict[str, bytes], b_files: dict[str, bytes], a_label: str, b_label: str) -> DiffResult:
    lines: list[str] = []
    names = a_files.keys() | b_files.keys()
    for name in sorted(n for n in names if _shown(n) and not _shown_by_another(n, a_files, b_files)):
        if name not in b_files:
            lines.append(f"Only in {a_label}: {name}")
        elif name not in a_files:
            lines.append(f"Only in {b_label}: {name}")
        else:
            lines += _file_diff(_join(a_label, name), a_files[name], _join(b_label, name), b_files[name])
    return _result(_with_provenance(lines, _build_sources(a_files, a_label), _build_sources(b_files, b_label)))


def _result(lines: list[str]) -> DiffResult:
    return DiffResult("".join(line + "\n" for line in lines), bool(lines))


def _shown(name: str) -> bool:
    return not name.startswith(".") and Path(name).suffix.lower() in SUFFIXES


def _shown_by_another(name: str, a_files: dict[str, bytes], b_files: dict[str, bytes]) -> bool:
    """Whether this file's change shows in another file both builds have, which changed too and holds all of this
    one's text and more (the customer deck's slides are the presenter deck's, which has their notes too): each
    change is shown once, there. A build from before the presenter deck shows its deck."""
    fmt = by_name(name)
    if fmt is None or fmt.shown_by is None or name not in a_files or name not in b_files:
        return False
    other = name[:len(name) - len(fmt.ending)] + by_key(fmt.shown_by).ending
    return other in a_files and other in b_files and a_files[other] != b_files[other]


def _join(label: str, name: str) -> str:
    return f"{label.rstrip('/')}/{name}"


def _read(path: Path) -> bytes:
    """A build's file, within its limits, an Office file's zip checked as it is read: before anything else (the slide
    keys, the document's parts, LibreOffice for the review page) is handed it."""
    data = read_output(path)
    check_package(path, data)
    return data


def read_build_folder(folder: Path) -> dict[str, bytes]:
    """An output folder's files that diffs read (its outputs and manifest), by name. A link among them is refused, not
    followed: a build writes none, and one could lead anywhere out of the folder."""
    found = {}
    for path in sorted(Path(folder).iterdir()):
        if path.name != MANIFEST and not _shown(path.name):
            continue
        if path.is_symlink():
            raise AspoError.at(path, None, None, "is a link, which aspo does not follow in an output folder (a build "
                                                 "writes none); compare the folders a build wrote")
        if not path.is_dir():  # a folder of an output's name is not one of its files
            found[path.name] = _read(path)
    return found


def _file_diff(a_name: str, a_data: bytes, b_name: str, b_data: bytes) -> list[str]:
    """The unified diff of two files' stable text; each hunk header names the slide or section
    of its first change."""
    if a_data == b_data:
        return []
    a = labelled_lines(read_units(Path(a_name), a_data))
    b = labelled_lines(read_units(Path(b_name), b_data))
    a_text, b_text = [line for _, line in a], [line for _, line in b]
    # autojunk off: blank lines and "Notes:" repeat often, and must still anchor the match
    matcher = difflib.SequenceMatcher(None, a_text, b_text, autojunk=False)
    out: list[str] = []
    for group in matcher.get_grouped_opcodes(CONTEXT):
        if not out:
            out += [f"--- {a_name}", f"+++ {b_name}"]
        tag, i1, _, j1, _ = next(op for op in group if op[0] != "equal")
        label = b[j1][0] if tag == "insert" else a[i1][0]
        out.append(f"@@ -{_range(group[0][1], group[-1][2])} +{_range(group[0][3], group[-1][4])} @@ {label}")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += [" " + line for line in a_text[i1:i2]]
                continue
            out += ["-" + line for line in a_text[i1:i2]]
            out += ["+" + line for line in b_text[j1:j2]]
    if not out:
        out = [f"Files {a_name} and {b_name} differ only outside their text (layout, formatting or properties)"]
    return out


def _range(start: int, stop: int) -> str:
    # the line range as difflib.unified_diff writes it
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


def _build_sources(files: dict[str, bytes], label: str) -> Sources | None:
    """A build's sources: from its manifest when it has one, otherwise from its review draft."""
    if MANIFEST in files:
        return manifest_sources(files[MANIFEST], _join(label, MANIFEST))
    return _draft_sources([data for name, data in sorted(files.items()) if name.lower().endswith(_MARKED)])


def manifest_sources(data: bytes, where: str) -> Sources:
    """What a manifest says the outputs come from, with their hashes: its blocks and scenarios and its layout
    files."""
    return provenance_sources(read_manifest(data, where))


def provenance_sources(manifest: dict) -> Sources:
    """The blocks, scenarios and layout files a read manifest names, with their hashes: what provenance lists."""
    return {**sources_in(manifest), **layout_files(manifest)}


def layout_files(manifest: dict, suffix: str | None = None) -> Sources:
    """The layout files among a read manifest's inputs, as (LAYOUT_FILE, 'templates/layouts/deck.pptx'), of one
    output's suffix (None: of every drawn output), with their hashes. A change to one changes how every slide or
    page looks, which no block or scenario says."""
    inputs = manifest.get("inputs")
    suffixes = (suffix,) if suffix else _DRAWN_SUFFIXES
    return {(LAYOUT_FILE, name): digest if isinstance(digest, str) else None
            for name, digest in (inputs.items() if isinstance(inputs, dict) else ())
            if isinstance(name, str) and Path(name).suffix.lower() in suffixes}


def _draft_sources(drafts: list[bytes]) -> Sources | None:
    """The blocks and scenarios the drafts' markers name; None when they name none (not a review draft)."""
    found: Sources = {}
    for data in drafts:
        for line in data.decode("utf-8", errors="replace").splitlines():
            marker = _MARKER.fullmatch(line.strip())
            if marker:
                found[(marker.group(1), marker.group(2))] = None
    return found or None


def _with_provenance(lines: list[str], a: Sources | None, b: Sources | None) -> list[str]:
    """Appends the provenance summary when there is provenance and something differs."""
    if a is None and b is None:
        return lines
    changes = provenance_changes(a or {}, b or {})
    if not lines and not changes:
        return lines
    return [*lines, *([""] if lines else []), "Provenance:",
            *(changes or ["  no change in blocks or scenarios"])]


def provenance_changes(a: Sources, b: Sources) -> list[str]:
    """The blocks, scenarios and layout files added, removed or changed between two sides' sources, a line each."""
    lines = []
    for kind in ("block", "scenario", LAYOUT_FILE):
        old = {id_: digest for (k, id_), digest in a.items() if k == kind}
        new = {id_: digest for (k, id_), digest in b.items() if k == kind}
        added, removed = sorted(new.keys() - old.keys()), sorted(old.keys() - new.keys())
        if kind == "scenario" and added and len(added) == len(removed):
            lines += [f"  scenario swapped: {x} -> {y}" for x, y in zip(removed, added)]
        else:
            lines += [f"  {kind} added: {x}" for x in added] + [f"  {kind} removed: {x}" for x in removed]
        # a changed hash is only known when both sides recorded one (manifests, not drafts)
        lines += [f"  {kind} changed: {x}" for x in sorted(old.keys() & new.keys())
                  if old[x] and new[x] and old[x] != new[x]]
    return lines
