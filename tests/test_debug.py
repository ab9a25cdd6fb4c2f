"""--debug: every command and subcommand takes it, after its name as well as on the group before it, and it turns
the one-line error into the error itself, with its traceback, the same way everywhere."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from aspo.cli.app import cli, main
from aspo.core.errors import AspoError

MISSING = "accounts/missing.yaml"


def command_paths(group: click.Group = cli, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and subcommand in the click tree, as the words that name it."""
    found = []
    for name, command in sorted(group.commands.items()):
        found.append((*path, name))
        if isinstance(command, click.Group):
            found.extend(command_paths(command, (*path, name)))
    return found


PATHS = [(), *command_paths()]


def test_the_walk_finds_the_commands_and_subcommands():
    assert {("build",), ("check",), ("layouts", "show"), ("new", "account")} <= set(PATHS)


@pytest.mark.parametrize("path", PATHS, ids=[" ".join(path) or "aspo" for path in PATHS])
def test_every_command_takes_debug(path):
    result = CliRunner().invoke(cli, [*path, "--debug", "--help"])
    assert result.exit_code == 0, result.output  # not "No such option: --debug"
    assert "--debug" in result.output


@pytest.mark.parametrize("args", [("check", "--debug", MISSING), ("check", MISSING, "--debug"),
                                  ("--debug", "check", MISSING)], ids=["after", "last", "group"])
def test_check_debug_raises_the_error_that_is_otherwise_one_line(workspace, aspo, args):
    plain = aspo("check", MISSING)
    assert (plain.status, plain.err) == (2, f"aspo: error: {MISSING}: no such file or folder\n")
    with pytest.raises(AspoError, match="no such file or folder"):
        main(list(args))


def test_aspo_debug_in_the_environment_is_the_same_as_the_option(workspace, monkeypatch):
    monkeypatch.setenv("ASPO_DEBUG", "1")
    with pytest.raises(AspoError, match="no such file or folder"):
        main(["check", MISSING])


@pytest.mark.parametrize("value", ["0", "false", "no"])
def test_aspo_debug_set_to_off_is_off(workspace, aspo, monkeypatch, value):
    """As click reads a flag from the environment (before the restructuring any non-empty value meant on)."""
    monkeypatch.setenv("ASPO_DEBUG", value)
    result = aspo("check", MISSING)
    assert (result.status, result.err) == (2, f"aspo: error: {MISSING}: no such file or folder\n")


def test_the_installed_command_prints_the_traceback_with_debug_after_the_command(workspace):
    plain = subprocess.run([sys.executable, "-m", "aspo", "check", MISSING], capture_output=True, text=True)
    assert (plain.returncode, plain.stderr) == (2, f"aspo: error: {MISSING}: no such file or folder\n")
    debug = subprocess.run([sys.executable, "-m", "aspo", "check", "--debug", MISSING], capture_output=True, text=True)
    assert debug.returncode != 0 and debug.stderr.startswith("Traceback")
    assert debug.stderr.splitlines()[-1] == f"aspo.core.errors.AspoError: {MISSING}: no such file or folder"
