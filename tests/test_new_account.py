"""aspo new account: a commented starter account whose placeholders, once filled, check and build."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO

from aspo.library import Library, load_library
from aspo.project import init_project
from aspo.schema import AccountFile
from aspo.starter_account import SIZES, starter_text
from aspo.validation import PLACEHOLDER

TODO_LINE = re.compile(r'^(\s*(?:- )?)([a-z_]+): "TODO: [^"]*"$', re.MULTILINE)


def filled(text: str, library: Library) -> str:
    """The starter with every placeholder replaced by a valid value, the ids taken from the library."""
    values = {
        "industry": next(iter(library.industries)), "size": SIZES[-1], "stage": next(iter(library.stages)),
        "persona": next(iter(library.personas)), "region": "EMEA",
        "date": (dt.date.today() + dt.timedelta(days=7)).isoformat(), "email": "sam.rep@example.com",
    }

    def value(match: re.Match) -> str:
        key = match.group(2)
        return f"{match.group(1)}{key}: {values.get(key, f'A real {key} written by the rep')}"

    return TODO_LINE.sub(value, text)


def uncommented(text: str) -> str:
    """The starter with every optional field taken in: '# ' removed in front of each commented-out key."""
    return re.sub(r"(?m)^(\s*)# (\s*(?:- )?[a-z_]+:(?: .*)?)$", r"\1\2", text)


@pytest.fixture
def starter_project(tmp_path, monkeypatch) -> Path:
    """A repository made by aspo init (the starter library, with its schemas/), as the working directory."""
    init_project(tmp_path / "content")
    monkeypatch.chdir(tmp_path / "content")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.delenv("ASPO_TEMPLATES", raising=False)
    monkeypatch.setenv("ASPO_CACHE_DIR", str(tmp_path / ".aspo-cache"))
    return tmp_path / "content"


@pytest.mark.parametrize("where", ["starter", "sample"])
def test_filled_in_the_starter_checks_and_builds(where, request, aspo):
    folder = request.getfixturevalue("starter_project" if where == "starter" else "workspace")
    written = aspo("new", "account", "accounts/zeta.yaml", "--name", "Zeta Castings")
    assert written.status == 0, written.err
    path = folder / "accounts" / "zeta.yaml"
    library = load_library(folder / "templates", layouts=False)
    path.write_text(filled(path.read_text(), library))
    assert [line for line in path.read_text().splitlines() if PLACEHOLDER in line and not line.startswith("#")] == []

    checked = aspo("check", "accounts/zeta.yaml", "--format", "json")  # as the file's last line says
    assert checked.status == 0
    assert [d for d in json.loads(checked.out) if d["severity"] == "error"] == []
    built = aspo("build", "accounts/zeta.yaml")
    assert built.status == 0, built.err
    assert (folder / "output" / "zeta" / "zeta-deck.pptx").is_file()
    assert "Zeta Castings" in (folder / "output" / "zeta" / "zeta-draft.md").read_text()


def test_unfilled_a_build_names_each_placeholder(starter_project, aspo):
    assert aspo("new", "account", "accounts/zeta.yaml", "--name", "Zeta Castings").status == 0
    text = (starter_project / "accounts" / "zeta.yaml").read_text()
    marked = [text[:match.start()].count("\n") + 1 for match in TODO_LINE.finditer(text)]
    built = aspo("build", "accounts/zeta.yaml")
    assert built.status == 2
    lines = built.err.splitlines()
    assert len(lines) == len(marked) == 13
    assert [int(line.split(":")[3]) for line in lines] == marked
    assert all(line.startswith("aspo: error: accounts/zeta.yaml:") and "placeholder not filled in ('TODO: " in line
               for line in lines)


def test_every_field_of_the_schema_is_there_with_a_comment_and_the_librarys_ids(workspace):
    library = load_library(workspace / "templates", layouts=False)
    text, placeholders = starter_text(library, {})
    assert placeholders == text.count(f': "{PLACEHOLDER} ')

    # every key, also the commented-out ones, sits under a comment
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if re.match(r"^\s*(?:#\s*)?(?:- )?[a-z_]+:", line) and not line.startswith("# yaml-language-server"):
            assert lines[number - 1].lstrip().startswith("#"), f"no comment above {line!r}"

    # every field of the schema, nested ones too, is there: taken in and filled, the file is a whole account
    data = yaml.safe_load(filled(uncommented(text), library))
    assert fields_of(data) == schema_fields(AccountFile)
    AccountFile.model_validate(data)

    # the ids an account may name are listed in the comments
    comments = " ".join(line for line in lines if line.lstrip().startswith("#"))
    for ids in (library.industries, SIZES, library.stages, library.personas, library.pains, library.capabilities,
                library.products, library.blocks, library.scenarios):
        missing = [i for i in ids if not re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", comments)]
        assert not missing


def fields_of(data, prefix: str = "") -> set[str]:
    found = set()
    for key, value in data.items():
        found.add(prefix + key)
        if isinstance(value, dict):
            found |= fields_of(value, f"{prefix}{key}.")
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            found |= fields_of(value[0], f"{prefix}{key}.")
    return found


def schema_fields(model, prefix: str = "") -> set[str]:
    from pydantic import BaseModel

    found = set()
    for key, field in model.model_fields.items():
        found.add(prefix + key)
        for inner in (field.annotation, *getattr(field.annotation, "__args__", ())):
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                found |= schema_fields(inner, f"{prefix}{key}.")
    return found


def test_the_options_fill_their_fields(starter_project, aspo):
    result = aspo("new", "account", "accounts/zeta.yaml", "--name", "Zeta Castings: Europe", "--industry",
                  "manufacturing", "--size", "smb", "--region", "EMEA", "--stage", "decision", "--date", "2031-02-03")
    assert result.status == 0, result.err
    assert result.out == ('Wrote accounts/zeta.yaml for Zeta Castings: Europe: replace its 8 "TODO: …" values, then '
                          "run `aspo check accounts/zeta.yaml`.\n")
    data = yaml.safe_load((starter_project / "accounts" / "zeta.yaml").read_text())
    assert {key: data[key] for key in ("name", "industry", "size", "region", "stage")} == {
        "name": "Zeta Castings: Europe", "industry": "manufacturing", "size": "smb", "region": "EMEA",
        "stage": "decision"}
    assert data["meeting"]["date"] == dt.date(2031, 2, 3)


def test_the_first_line_names_the_projects_schema(workspace, aspo):
    shutil.rmtree(workspace / "schemas")
    result = aspo("new", "account", "accounts/zeta.yaml")
    assert result.status == 0
    assert result.out.splitlines()[1] == (
        "(The project has no schemas/account.schema.json, so the file names no schema for editors; `aspo schema "
        "account --library templates/ > schemas/account.schema.json` makes one.)")
    assert not (workspace / "accounts" / "zeta.yaml").read_text().startswith("# yaml-language-server")

    (workspace / "schemas").mkdir()
    (workspace / "schemas" / "account.schema.json").write_bytes((REPO / "schemas" / "account.schema.json").read_bytes())
    assert aspo("new", "account", "accounts/east/zeta.yaml").status == 0
    first = (workspace / "accounts" / "east" / "zeta.yaml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schemas/account.schema.json"
    samples = {path.read_text().splitlines()[0] for path in (REPO / "accounts").glob("*.yaml")}
    assert aspo("new", "account", "accounts/omega.yaml").status == 0
    assert {(workspace / "accounts" / "omega.yaml").read_text().splitlines()[0]} == samples


def test_from_a_folder_inside_the_project(starter_project, aspo, monkeypatch):
    monkeypatch.chdir(starter_project / "accounts")  # aspo finds templates/ in the folder above
    result = aspo("new", "account", "zeta.yaml", "--name", "Zeta Castings")
    assert result.status == 0, result.err
    assert result.out.endswith("then run `aspo check zeta.yaml`.\n")  # as typed from here
    text = (starter_project / "accounts" / "zeta.yaml").read_text()
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../schemas/account.schema.json"
    assert "`aspo build accounts/zeta.yaml`" in text  # the file says it from the project's top folder


@pytest.mark.parametrize("args, message", [
    (("accounts/acme.yaml",), "accounts/acme.yaml: already exists; aspo new account never overwrites a file "
                              "(choose another name, or move it away first)"),
    (("accounts/zeta.yaml", "--industry", "manufacturng"),
     "--industry: unknown industry 'manufacturng'; did you mean 'manufacturing'? (valid: manufacturing, "
     "food-beverage, healthcare, utilities, logistics)"),
    (("accounts/zeta.yaml", "--stage", "closing"),
     "--stage: unknown stage 'closing' (valid: awareness, consideration, decision)"),
    (("accounts/zeta.yaml", "--size", "huge"), "--size: unknown size 'huge' (valid: smb, mid-market, enterprise)"),
    (("accounts/Zeta.yaml",), "accounts/Zeta.yaml: file name 'Zeta.yaml' cannot name outputs; use lowercase "
                              "letters, digits, '-' or '_' (e.g. acme.yaml), at most 64 characters"),
    (("accounts/zeta",), "accounts/zeta: an account file is named <name>.yaml; try accounts/zeta.yaml"),
], ids=["exists", "industry", "stage", "size", "file-name", "suffix"])
def test_refusals_are_one_line_and_write_nothing(workspace, aspo, args, message):
    before = {path: path.read_bytes() for path in (workspace / "accounts").iterdir()}
    result = aspo("new", "account", *args)
    assert (result.status, result.out, result.err) == (2, "", f"aspo: error: {message}\n")
    assert {path: path.read_bytes() for path in (workspace / "accounts").iterdir()} == before


def run_new_account(cwd: Path, stdin) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if key not in ("ASPO_TEMPLATES", "ASPO_DEBUG")}
    return subprocess.Popen([sys.executable, "-m", "aspo", "new", "account", "accounts/zeta.yaml"], cwd=cwd,
                            stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def test_it_never_waits_for_input_when_stdin_is_not_a_terminal(starter_project):
    proc = run_new_account(starter_project, subprocess.PIPE)  # a pipe nobody writes to or closes
    try:
        proc.wait(timeout=60)  # its output is a line or two: no pipe fills meanwhile
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        pytest.fail("aspo new account waited for input with stdin not a terminal")
    finally:
        proc.stdin.close()
    out, err = proc.stdout.read(), proc.stderr.read()
    proc.stdout.close()
    proc.stderr.close()
    assert (proc.returncode, err) == (0, "")
    assert out.startswith("Wrote accounts/zeta.yaml: replace its 14 ")
    assert 'name: "TODO: ' in (starter_project / "accounts" / "zeta.yaml").read_text()


def test_on_a_terminal_it_asks_for_the_essentials(starter_project):
    pty = pytest.importorskip("pty")
    try:
        leader, follower = pty.openpty()
    except OSError as exc:
        pytest.skip(f"no pseudo-terminal here: {exc}")
    try:
        proc = run_new_account(starter_project, follower)
        os.write(leader, b"Zeta Castings\nmining\nmanufacturing\nsmb\ndecision\n")  # 'mining' is asked again
        try:
            out, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            pytest.fail("aspo new account still waits after every question was answered")
    finally:
        os.close(follower)
        os.close(leader)
    assert (proc.returncode, err) == (0, ""), err
    assert "Industry (manufacturing, wholesale-distribution, healthcare):" in out
    assert "Error: 'mining' is not one of" in out
    data = yaml.safe_load((starter_project / "accounts" / "zeta.yaml").read_text())
    assert (data["name"], data["industry"], data["size"], data["stage"]) == ("Zeta Castings", "manufacturing", "smb",
                                                                             "decision")
    assert data["region"].startswith(PLACEHOLDER)  # not an essential: left for the file
