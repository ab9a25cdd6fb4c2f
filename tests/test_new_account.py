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
from conftest import REPO, edit

from aspo.authoring.init import init_project
from aspo.authoring.new_account import starter_text
from aspo.library.content import Library, load_library
from aspo.library.schema import COMPANY_SIZES, AccountFile
from aspo.library.validation import PLACEHOLDER

PILOT = "templates/blocks/next-steps-pilot.md"
TODO_LINE = re.compile(r'^(\s*(?:- )?)([a-z_]+): "TODO: [^"]*"$', re.MULTILINE)


def filled(text: str, library: Library) -> str:
    """The starter with every placeholder replaced by a valid value, the ids taken from the library."""
    values = {
        "industry": next(iter(library.industries)), "size": COMPANY_SIZES[-1], "stage": next(iter(library.stages)),
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

    # every field of the schema, nested ones too, is there, in the schema's order: taken in and filled, the file
    # is a whole account
    data = yaml.safe_load(filled(uncommented(text), library))
    assert fields_of(data) == schema_fields(AccountFile)  # lists: the order counts, not only which fields
    AccountFile.model_validate(data)

    # the ids an account may name are listed in the comments
    comments = " ".join(line for line in lines if line.lstrip().startswith("#"))
    for ids in (library.industries, COMPANY_SIZES, library.stages, library.personas, library.pains,
                library.capabilities, library.products, library.blocks, library.scenarios):
        missing = [i for i in ids if not re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", comments)]
        assert not missing


def fields_of(data, prefix: str = "") -> list[str]:
    """The keys of an account, nested ones as `meeting.date`, in the order the file has them."""
    found = []
    for key, value in data.items():
        found.append(prefix + key)
        if isinstance(value, dict):
            found += fields_of(value, f"{prefix}{key}.")
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            found += fields_of(value[0], f"{prefix}{key}.")
    return found


def schema_fields(model, prefix: str = "") -> list[str]:
    """The fields of a model, nested ones as `meeting.date`, in the order the schema declares them."""
    from pydantic import BaseModel

    found = []
    for key, field in model.model_fields.items():
        found.append(prefix + key)
        for inner in (field.annotation, *getattr(field.annotation, "__args__", ())):
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                found += schema_fields(inner, f"{prefix}{key}.")
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
    assert "# logo: zeta-logo.png" in (starter_project / "accounts" / "zeta.yaml").read_text()  # the file's slug


@pytest.mark.parametrize("region, line", [
    ("0x1F", 'region: "0x1F"'),  # a YAML 1.1 reader (PyYAML, some editors) takes it unquoted for 31
    ("yes", 'region: "yes"'),
    ("EMEA: North", 'region: "EMEA: North"'),
    ("EMEA, North", "region: EMEA, North"),  # plain where it reads as itself
], ids=["hex", "bool", "colon", "plain"])
def test_a_value_is_written_so_any_yaml_reader_reads_it_back(starter_project, aspo, region, line):
    assert aspo("new", "account", "accounts/zeta.yaml", "--region", region).status == 0
    text = (starter_project / "accounts" / "zeta.yaml").read_text()
    assert line in text.splitlines()
    assert yaml.safe_load(text)["region"] == region


def test_an_unfilled_starter_is_named_by_aspo_check(starter_project, aspo):
    assert aspo("new", "account", "accounts/zeta.yaml", "--name", "Zeta Castings").status == 0
    text = (starter_project / "accounts" / "zeta.yaml").read_text()
    marked = [(text[:match.start()].count("\n") + 1, match.group(2)) for match in TODO_LINE.finditer(text)]
    checked = aspo("check", "accounts/zeta.yaml", "--format", "json")
    assert (checked.status, checked.err) == (1, "")  # errors found
    found = json.loads(checked.out)
    assert len(found) == len(marked) == 13
    assert [(d["line"], d["message"].split(":")[0].split(".")[-1]) for d in found] == marked
    assert all(d["severity"] == "error" and d["path"] == "accounts/zeta.yaml"
               and "placeholder not filled in ('TODO: " in d["message"] for d in found)


def test_the_first_line_names_the_projects_schema(workspace, aspo):
    shutil.rmtree(workspace / "schemas")
    result = aspo("new", "account", "accounts/zeta.yaml")
    assert result.status == 0
    assert result.out.splitlines()[1] == (
        "(The project has no schemas/account.schema.json, so the file names no schema for editors; `mkdir -p schemas "
        "&& aspo schema account --library templates > schemas/account.schema.json` makes one.)")
    assert not (workspace / "accounts" / "zeta.yaml").read_text().startswith("# yaml-language-server")

    (workspace / "schemas").mkdir()
    (workspace / "schemas" / "account.schema.json").write_bytes((REPO / "schemas" / "account.schema.json").read_bytes())
    assert aspo("new", "account", "accounts/east/zeta.yaml").status == 0
    first = (workspace / "accounts" / "east" / "zeta.yaml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schemas/account.schema.json"
    samples = {path.read_text().splitlines()[0] for path in (REPO / "accounts").glob("*.yaml")}
    assert aspo("new", "account", "accounts/omega.yaml").status == 0
    assert {(workspace / "accounts" / "omega.yaml").read_text().splitlines()[0]} == samples


@pytest.mark.parametrize("where, command", [
    (".", "mkdir -p schemas && aspo schema account --library templates > schemas/account.schema.json"),
    ("accounts", "mkdir -p ../schemas && aspo schema account --library ../templates > ../schemas/account.schema.json"),
], ids=["top", "accounts"])
def test_without_a_schema_it_prints_a_command_that_makes_one(workspace, aspo, monkeypatch, where, command):
    shutil.rmtree(workspace / "schemas")
    monkeypatch.chdir(workspace / where)
    result = aspo("new", "account", "zeta.yaml" if where == "accounts" else "accounts/zeta.yaml")
    assert result.status == 0, result.err
    hint = re.fullmatch(r"\(The project has no schemas/account\.schema\.json, so the file names no schema for "
                        r"editors; `(.+)` makes one\.\)", result.out.splitlines()[1])
    assert hint and hint.group(1) == command
    env = {key: value for key, value in os.environ.items() if key not in ("ASPO_TEMPLATES", "ASPO_DEBUG")}
    env["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), env.get("PATH", "")])  # the aspo installed here
    done = subprocess.run(["bash", "-c", command], cwd=workspace / where, env=env, capture_output=True, text=True,
                          timeout=120)
    assert (done.returncode, done.stderr) == (0, "")
    assert (workspace / "schemas" / "account.schema.json").read_bytes() == \
        (REPO / "schemas" / "account.schema.json").read_bytes()
    assert aspo("new", "account", "omega.yaml" if where == "accounts" else "accounts/omega.yaml").status == 0
    assert (workspace / "accounts" / "omega.yaml").read_text().startswith("# yaml-language-server: $schema=")


def test_a_broken_block_does_not_stop_it_but_a_broken_core_file_does(workspace, aspo):
    edit(workspace / PILOT, "---\nid:", "--\nid:")  # the block's front matter no longer opens: aspo check's business
    result = aspo("new", "account", "accounts/zeta.yaml", "--stage", "decision")
    assert (result.status, result.err) == (0, ""), result.err
    assert yaml.safe_load((workspace / "accounts" / "zeta.yaml").read_text())["stage"] == "decision"

    (workspace / "templates" / "stages.yaml").write_text("stages: [\n")  # the vocabulary itself is unreadable
    result = aspo("new", "account", "accounts/omega.yaml")
    assert result.status == 2 and result.out == ""
    assert result.err.startswith("aspo: error: templates/stages.yaml:")
    assert not (workspace / "accounts" / "omega.yaml").exists()


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
    (("accounts/zeta.yaml", "--industry", "manufacturng"),  # worded (and the ids sorted) as aspo check says it
     "--industry: unknown industry 'manufacturng'; did you mean 'manufacturing'? (valid: food-beverage, "
     "healthcare, logistics, manufacturing, utilities)"),
    (("accounts/zeta.yaml", "--stage", "closing"),
     "--stage: unknown stage 'closing' (valid: awareness, consideration, decision)"),
    (("accounts/zeta.yaml", "--size", "huge"), "--size: unknown size 'huge' (valid: enterprise, mid-market, smb)"),
    (("accounts/Zeta.yaml",), "accounts/Zeta.yaml: file name 'Zeta.yaml' cannot name outputs; use lowercase "
                              "letters, digits, '-' or '_' (e.g. acme.yaml), at most 64 characters"),
    (("accounts/zeta",), "accounts/zeta: an account file is named <name>.yaml; try accounts/zeta.yaml"),
    (("accounts/Q.txt",), "accounts/Q.txt: an account file is named <name>.yaml; try accounts/q.yaml"),
    (("accounts/zeta.yaml", "--name", "Zeta\nCastings"),
     "--name: 'Zeta\\nCastings' holds a line break or control character, which an account file cannot"),
], ids=["exists", "industry", "stage", "size", "file-name", "suffix", "other-suffix", "control"])
def test_refusals_are_one_line_and_write_nothing(workspace, aspo, args, message):
    before = {path: path.read_bytes() for path in (workspace / "accounts").iterdir()}
    result = aspo("new", "account", *args)
    assert (result.status, result.out, result.err) == (2, "", f"aspo: error: {message}\n")
    assert {path: path.read_bytes() for path in (workspace / "accounts").iterdir()} == before


def run_new_account(cwd: Path, stdin, *args: str) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if key not in ("ASPO_TEMPLATES", "ASPO_DEBUG")}
    return subprocess.Popen([sys.executable, "-m", "aspo", "new", "account", "accounts/zeta.yaml", *args], cwd=cwd,
                            stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def answered(folder: Path, answers: bytes, *args: str) -> subprocess.Popen:
    """aspo new account run on a terminal (a pseudo-terminal) given `answers`, once it has ended."""
    pty = pytest.importorskip("pty")
    try:
        leader, follower = pty.openpty()
    except OSError as exc:
        pytest.skip(f"no pseudo-terminal here: {exc}")
    try:
        proc = run_new_account(folder, follower, *args)
        os.write(leader, answers)
        try:
            proc.out, proc.err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            pytest.fail("aspo new account still waits after every question was answered")
    finally:
        os.close(follower)
        os.close(leader)
    return proc


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
    # 'mining' is asked again
    proc = answered(starter_project, b"Zeta Castings\nmining\nmanufacturing\nsmb\ndecision\n")
    out, err = proc.out, proc.err
    assert (proc.returncode, err) == (0, ""), err
    assert "Industry (manufacturing, wholesale-distribution, healthcare):" in out
    assert "Error: 'mining' is not one of" in out
    data = yaml.safe_load((starter_project / "accounts" / "zeta.yaml").read_text())
    assert (data["name"], data["industry"], data["size"], data["stage"]) == ("Zeta Castings", "manufacturing", "smb",
                                                                             "decision")
    assert data["region"].startswith(PLACEHOLDER)  # not an essential: left for the file


def test_on_a_terminal_it_asks_only_for_the_essentials_no_option_gave(starter_project):
    proc = answered(starter_project, b"manufacturing\nsmb\n", "--name", "Zeta Castings", "--stage", "decision")
    assert (proc.returncode, proc.err) == (0, ""), proc.err
    assert "Industry (manufacturing, wholesale-distribution, healthcare):" in proc.out
    assert "Company size (smb, mid-market, enterprise):" in proc.out
    assert "Account name" not in proc.out and "Buying stage" not in proc.out
    data = yaml.safe_load((starter_project / "accounts" / "zeta.yaml").read_text())
    assert (data["name"], data["industry"], data["size"], data["stage"]) == ("Zeta Castings", "manufacturing", "smb",
                                                                             "decision")


def test_an_answer_with_a_control_character_is_refused_as_an_option_is(starter_project):
    proc = answered(starter_project, b"Zeta\x1bCastings\n", "--industry", "manufacturing", "--size", "smb",
                    "--stage", "decision")
    assert proc.returncode == 2
    assert proc.err == ("aspo: error: name: 'Zeta\\x1bCastings' holds a line break or control character, which an "
                        "account file cannot\n")
    assert not (starter_project / "accounts" / "zeta.yaml").exists()
