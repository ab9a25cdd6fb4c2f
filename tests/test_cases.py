"""The case corpus: every folder in tests/cases/ is one bad (or odd) input and the one answer aspo must give.

In the manner of pandoc's test/command: each case is small, names what it checks, and states the exact
output. The guarantee they test together: whatever comes in, aspo answers with one clear line
``aspo: error: <file>:<line>: <field>: <message>`` per problem (field and line when known), exit status 2,
no traceback, and every good file it wrote before is left byte for byte; it never exits 3 for these inputs.
A case of ``aspo check`` (``NNN-check-cXXX-name``: one for each C rule, its one finding in the sample
library) states the whole report on stdout instead, with exit status 0 or 1.

How a case runs: the sample ``templates/`` and ``accounts/`` are copied into a temporary working folder
with the ``output/`` that ``aspo build accounts/`` makes of them (built once, copied, and current), so
``output/`` holds earlier good outputs; every file under ``output/`` is read; the case's changes are
applied; the case's ``lines`` are numbered; aspo runs in process with the case's ``args``; then
status, stderr and stdout are checked, "Traceback" must not appear, and every earlier output file must
be byte-identical (apart from files the case's own changes replaced and the accounts it lists in
``rebuilt``).

Format of ``tests/cases/<NNN-name>/case.yaml``::

    why: one line saying what this case checks
    args: [build, accounts/acme.yaml]   # aspo's arguments, run in the working folder
    status: 2                           # the exit status
    stderr: "aspo: error: accounts/acme\\.yaml:{stage}: stage: unknown stage ..."
        # a regex that must fullmatch stderr with its trailing newline stripped ((?s) and .* for several lines)
    stdout: "..."                       # optional regex, the same way (stdout is not checked when absent)
    lines:                              # optional: line numbers named by content, for stderr and stdout
      stage: {file: accounts/acme.yaml, contains: "stage: considration"}
        # `{stage}` in stderr or stdout stands for the 1-based number of the one line of accounts/acme.yaml
        # holding that text (lines end at "\\n" only, as editors count them), found after the changes below
        # are applied. The case fails if the text is on no line or on several, or if a name is never used;
        # a `{word}` not named here stays regex text. A line of a sample file is always named this way,
        # never by its number, so that editing the samples does not break unrelated cases; a fixed number
        # is fine only in a file the case writes entirely itself.

    translations: true                  # the workspace has the library's translations and the samples that read
                                        # them, as the repository does (conftest.TRANSLATED; left out otherwise)

    # Changes, applied in this order before running (paths are relative to the working folder):
    remove: [path, ...]                 # files or folders
    mkdir: [path, ...]
    copy: {dest: source}                # a file or a folder
    write: {path: text}                 # create or overwrite a text file; the text may also be a list of
                                        # pieces, each a string or {text: "...", times: N} (repeated N times)
    write_hex: {path: "00ff..."}        # raw bytes
    edits:                              # exactly one occurrence of `replace` is required: an edit finds its
                                        # place by content, never by line number
      - {file: accounts/acme.yaml, replace: "stage: consideration", with: "stage: considration"}
                                        # `with` may also be a list of pieces, as in `write`
    zip:                                # change a member of a zip package (layout templates), in place:
      - {file: F, member: M, replace: "old", with: "new"}   # edit a member's text (one occurrence); `with`
                                                            # may be a list of pieces, as in `write`
      - {file: F, member: M, zeros: N}                      # add a member of N zero bytes, deflated
      - {file: F, member: M, damage: true}                  # flip bytes inside M's compressed data
      - {file: F, member: M, text: "..."}                   # add member M (or replace its content) with this
                                                            # text, UTF-8; `text` may be a list of pieces
    truncate: {path: 5000}              # keep the first N bytes
    symlink: {path: target}
    mkfifo: [path, ...]                 # named pipes
    sparse: {path: N}                   # extend a file to N bytes without writing them (a huge file costs no disk)
    chmod: {path: "500"}                # octal mode; restored afterwards so the folder can be cleaned up

    # Further checks:
    rebuilt: [acme]                     # accounts whose outputs the case expects to change (cases that build)
    draft_contains: ["..."]             # text each rebuilt account's review draft must contain verbatim
    absent: [path, ...]                 # paths that must not exist afterwards
    kept: [path, ...]                   # paths the case's changes made that must be exactly as they were afterwards:
                                        # files byte for byte, links with the same target, folders with the same entries
    skip_if_root: true                  # the case relies on file permissions, which root ignores
    template_limits: {seconds: 600, megabytes: 64}
                                        # the template time limit and memory ceiling for this case alone: a
                                        # case about one limit raises the other, so that a loaded machine cannot
                                        # make the wrong one fire first
    xfail: "reason"                     # a known bug, described in the reason (strict: it must fail)
"""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import copy_outputs, copy_translations

from aspo.compose import templating

CASES = Path(__file__).parent / "cases"
CASE_FILES = sorted(CASES.glob("*/case.yaml"))
KEYS = {"why", "args", "status", "stderr", "stdout", "lines", "remove", "mkdir", "copy", "write", "write_hex", "edits",
        "zip", "truncate", "symlink", "mkfifo", "sparse", "chmod", "rebuilt", "draft_contains", "absent", "kept",
        "skip_if_root", "xfail", "template_limits", "translations"}


def load_case(path: Path) -> dict:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    unknown = set(case) - KEYS
    assert not unknown, f"{path}: unknown keys {sorted(unknown)}"
    for key in ("why", "args", "status", "stderr"):
        assert key in case, f"{path}: '{key}' is required"
    return case


def _text(value) -> str:
    if isinstance(value, str):
        return value
    return "".join(piece if isinstance(piece, str) else piece["text"] * piece.get("times", 1) for piece in value)


def _zip_change(root: Path, change: dict) -> None:
    """Rewrites a zip package with one member changed, added or damaged."""
    path = root / change["file"]
    with zipfile.ZipFile(path) as package:
        members = [(info, package.read(info.filename)) for info in package.infolist()]
    member = change["member"]
    if "damage" in change:
        data = path.read_bytes()
        info = next(info for info, _ in members if info.filename == member)
        # The local header is 30 bytes plus the name and extra field; the compressed data follows.
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
        middle = start + info.compress_size // 2
        damaged = bytes(b ^ 0xFF for b in data[middle:middle + 8])
        path.write_bytes(data[:middle] + damaged + data[middle + 8:])
        return
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for info, data in members:
            if info.filename == member and "text" in change:
                continue  # written below
            if info.filename == member and "replace" in change:
                text = data.decode("utf-8")
                assert text.count(change["replace"]) == 1, f"{change['replace']!r} not once in {member}"
                data = text.replace(change["replace"], _text(change["with"])).encode("utf-8")
            package.writestr(info, data)
        if "text" in change:
            package.writestr(member, _text(change["text"]).encode("utf-8"))
        if "zeros" in change:
            zeros = zipfile.ZipInfo(member)
            zeros.compress_type = zipfile.ZIP_DEFLATED  # a ZipInfo's own default is to store
            with package.open(zeros, "w", force_zip64=True) as stream:
                chunk = bytes(1 << 20)
                left = change["zeros"]
                while left > 0:
                    stream.write(chunk[:min(left, len(chunk))])
                    left -= len(chunk)


def apply_changes(case: dict, root: Path) -> None:
    """Applies a case's changes to the working folder `root`, in the documented order."""
    for rel in case.get("remove", []):
        target = root / rel
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        else:
            target.unlink()
    for rel in case.get("mkdir", []):
        (root / rel).mkdir(parents=True, exist_ok=True)
    for dest, source in case.get("copy", {}).items():
        if (root / source).is_dir():
            shutil.copytree(root / source, root / dest)
        else:
            shutil.copyfile(root / source, root / dest)
    for rel, text in case.get("write", {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(_text(text).encode("utf-8"))
    for rel, hex_text in case.get("write_hex", {}).items():
        (root / rel).write_bytes(bytes.fromhex("".join(hex_text.split())))
    for change in case.get("edits", []):
        path = root / change["file"]
        text = path.read_text(encoding="utf-8")
        assert text.count(change["replace"]) == 1, f"{change['replace']!r} occurs {text.count(change['replace'])} times"
        path.write_text(text.replace(change["replace"], _text(change["with"])), encoding="utf-8")
    for change in case.get("zip", []):
        _zip_change(root, change)
    for rel, size in case.get("truncate", {}).items():
        (root / rel).write_bytes((root / rel).read_bytes()[:size])
    for rel, target in case.get("symlink", {}).items():
        (root / rel).symlink_to(target)
    for rel in case.get("mkfifo", []):
        os.mkfifo(root / rel)
    for rel, size in case.get("sparse", {}).items():
        os.truncate(root / rel, size)
    for rel, mode in case.get("chmod", {}).items():
        (root / rel).chmod(int(str(mode), 8))


def line_numbers(case: dict, root: Path) -> dict[str, int]:
    """The case's `lines`: each name's 1-based line number in its file as it is now (after the changes)."""
    numbers = {}
    for name, where in case.get("lines", {}).items():
        assert re.fullmatch(r"[A-Za-z_]\w*", name), f"line name {name!r}: use letters, digits and '_'"
        assert set(where) == {"file", "contains"}, f"line {name!r}: give exactly 'file' and 'contains'"
        needle = where["contains"].encode("utf-8")
        assert needle and b"\n" not in needle, f"line {name!r}: 'contains' is text within one line"
        lines = (root / where["file"]).read_bytes().split(b"\n")  # as editors count: U+2028 ends no line
        found = [number for number, line in enumerate(lines, start=1) if needle in line]
        assert len(found) == 1, f"line {name!r}: {where['contains']!r} is on lines {found} of {where['file']}, not one"
        numbers[name] = found[0]
    return numbers


def expected(case: dict, key: str, numbers: dict[str, int], used: set[str]) -> str:
    """The case's stderr or stdout regex with each `{name}` of `lines` replaced by its line number."""

    def number(match: re.Match) -> str:
        if match[1] not in numbers:
            return match[0]
        used.add(match[1])
        return str(numbers[match[1]])

    return re.sub(r"\{([A-Za-z_]\w*)\}", number, case[key])


def state(path: Path):
    """What a path is, to compare before and after: a link's target, a folder's entries, a file's bytes."""
    if path.is_symlink():
        return ("link", os.readlink(path))
    if path.is_dir():
        return ("folder", sorted((entry.name, state(entry)) for entry in path.iterdir()))
    if path.is_file():
        return ("file", path.read_bytes())
    return ("missing" if not os.path.lexists(path) else "other", None)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every regular file below `folder` (links not followed), by path relative to the working folder."""
    found = {}
    for dirpath, _, filenames in os.walk(folder):
        for name in filenames:
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                found[path.relative_to(folder.parent).as_posix()] = path.read_bytes()
    return found


@pytest.fixture(scope="session")
def earlier_outputs(samples_built) -> Path:
    """output/ of `aspo build accounts/` on the samples, built once a session (conftest.samples_built) and copied
    into each case's workspace.

    Copying gives each case the same files a first build in its own workspace writes (builds are
    deterministic and record no absolute paths), for a third of the time. conftest checks that once: in a
    folder made as each case's is, a build finds the copy current and writes nothing.
    """
    return samples_built / "output"


@pytest.mark.parametrize("case_file", CASE_FILES, ids=lambda path: path.parent.name)
def test_case(case_file, workspace, aspo, earlier_outputs, request, monkeypatch):
    case = load_case(case_file)
    if case.get("skip_if_root") and hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("runs as root, which ignores file permissions")
    if "xfail" in case:
        request.applymarker(pytest.mark.xfail(reason=case["xfail"], strict=True))
    copy_outputs(earlier_outputs, workspace / "output", case.get("translations"))  # current, as checked
    before = snapshot(workspace / "output")
    if case.get("translations"):
        copy_translations(workspace)
    try:
        apply_changes(case, workspace)
        # Files the case's own changes replaced or removed are not aspo's to keep.
        before = {rel: data for rel, data in before.items()
                  if (workspace / rel).is_file() and (workspace / rel).read_bytes() == data}
        kept = {rel: state(workspace / rel) for rel in case.get("kept", [])}
        numbers, used = line_numbers(case, workspace), set()
        patterns = {key: expected(case, key, numbers, used) for key in ("stderr", "stdout") if key in case}
        assert used == set(numbers), f"lines named but not used: {sorted(set(numbers) - used)}"
        limits = case.get("template_limits", {})
        if "seconds" in limits:
            monkeypatch.setattr(templating, "MAX_SECONDS", float(limits["seconds"]))
        if "megabytes" in limits:
            monkeypatch.setattr(templating, "MAX_EXTRA_MEMORY", limits["megabytes"] * 2**20)
        result = aspo(*case["args"])
    finally:
        for rel in case.get("chmod", {}):
            (workspace / rel).chmod(0o755)

    assert "Traceback" not in result.err
    assert result.status == case["status"], (result.status, result.err, result.out)
    assert re.fullmatch(patterns["stderr"], result.err.rstrip("\n")), result.err
    if "stdout" in patterns:
        assert re.fullmatch(patterns["stdout"], result.out.rstrip("\n")), result.out
    rebuilt = case.get("rebuilt", [])
    after = snapshot(workspace / "output")
    for rel, data in before.items():
        if rel.split("/")[1] in rebuilt:
            continue
        assert after.get(rel) == data, f"{rel} changed or went missing"
    for slug in rebuilt:
        assert (workspace / "output" / slug / f"{slug}-deck.pptx").is_file()
    for slug in rebuilt:
        draft = (workspace / "output" / slug / f"{slug}-draft.md").read_text(encoding="utf-8")
        for text in case.get("draft_contains", []):
            assert text in draft, f"{text!r} not in {slug}'s draft"
    for rel in case.get("absent", []):
        assert not os.path.lexists(workspace / rel), f"{rel} is still there"
    for rel, was in kept.items():
        assert was[0] != "missing", f"{rel}: listed in kept but the case did not make it"
        assert state(workspace / rel) == was, f"{rel} was not kept as it was"
