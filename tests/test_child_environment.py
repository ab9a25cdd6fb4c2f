"""aspo sets no environment variable of its own: the processes it starts (LibreOffice, git, a user's hooks) get
the environment aspo was given. Its start-up savings stay inside its own process."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

PROBE = """
import contextlib, importlib.metadata, io, json, os, subprocess, sys

searched = []  # entry point groups looked through, as pydantic looks for its plugins
real = importlib.metadata.entry_points


def entry_points(**selection):
    searched.append(selection.get("group"))
    return real(**selection)


importlib.metadata.entry_points = entry_points
from aspo.cli.app import main

with contextlib.redirect_stdout(io.StringIO()):
    try:
        main(["explain", "accounts/acme.yaml"])  # the library and an account read: pydantic models validate
    except SystemExit as exit:
        assert not exit.code, exit.code
child = subprocess.run([sys.executable, "-c", "import json, os; print(json.dumps(dict(os.environ)))"],
                       capture_output=True, text=True, check=True)
print(json.dumps({"here": dict(os.environ), "child": json.loads(child.stdout), "searched": searched}))
"""


def run_probe(env: dict[str, str]) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_aspo_sets_no_pydantic_variable_yet_pydantic_does_not_look_for_plugins(workspace):
    given = {name: value for name, value in os.environ.items() if name != "PYDANTIC_DISABLE_PLUGINS"}
    found = run_probe(given)
    assert "PYDANTIC_DISABLE_PLUGINS" not in found["here"]
    assert "PYDANTIC_DISABLE_PLUGINS" not in found["child"]
    assert set(found["child"]) - set(given) <= {"PWD", "_", "SHLVL"}, sorted(set(found["child"]) - set(given))
    assert "pydantic" not in found["searched"]  # the start-up saving, in process only


def test_a_pydantic_variable_the_user_set_is_passed_on_as_it_is(workspace):
    found = run_probe({**os.environ, "PYDANTIC_DISABLE_PLUGINS": "logfire"})
    assert found["child"]["PYDANTIC_DISABLE_PLUGINS"] == "logfire"


@pytest.mark.parametrize("leaf", [False, True], ids=["guarded", "leaf"])
def test_a_program_aspo_starts_gets_exactly_the_environment_it_is_given(leaf):
    from aspo.core.children import run

    # in the C locale the Python that guards the child sets LC_CTYPE as it starts: the child must not see that
    given = {"PATH": os.environ["PATH"], "LANG": "C", "LC_ALL": "", "ASPO_NOTE": "caf\u00e9 = ok"}
    done = run(["env"], timeout=60, env=given, leaf=leaf)
    assert done.returncode == 0, done.stderr
    assert dict(line.split("=", 1) for line in done.stdout.decode("utf-8").splitlines()) == given
