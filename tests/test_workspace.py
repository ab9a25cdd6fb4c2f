"""Finding the project from any folder inside it, and the shell completion aspo prints."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def test_a_build_from_inside_accounts_finds_templates_above_and_writes_the_projects_output(workspace, aspo,
                                                                                             monkeypatch):
    monkeypatch.chdir(workspace / "accounts")
    result = aspo("build", "acme.yaml")
    assert result.status == 0, result.err
    assert result.out.splitlines()[0] == "built      ../output/acme/"
    assert (workspace / "output/acme/acme-deck.pptx").is_file()
    assert not (workspace / "accounts/output").exists()
    assert aspo("explain", "acme.yaml").out.startswith("Acme Packaging (acme.yaml)")
    assert aspo("check", "acme.yaml").status == 0


def test_an_import_from_inside_the_project_writes_into_its_accounts(workspace, aspo, monkeypatch):
    from test_import import INITECH, seen, write_csv

    (workspace / "exports").mkdir()
    write_csv(workspace / "exports/crm.csv", INITECH)
    monkeypatch.chdir(workspace / "exports")
    result = aspo("import", "crm.csv")
    assert result.status == 0, result.err
    assert result.out.splitlines()[0] == "created    ../accounts/initech.yaml" + seen("consideration")
    assert (workspace / "accounts/initech.yaml").is_file()
    assert (workspace / "history/initech.yaml").is_file() and not (workspace / "exports/history").exists()


def test_the_search_goes_up_any_number_of_folders(workspace, aspo, monkeypatch):
    deep = workspace / "accounts/emea/germany"
    deep.mkdir(parents=True)
    (workspace / "accounts/acme.yaml").rename(deep / "acme.yaml")
    monkeypatch.chdir(deep)
    result = aspo("build", "acme.yaml")
    assert result.status == 0, result.err
    assert result.out.splitlines()[0] == "built      ../../../output/acme/"


def test_templates_and_the_environment_still_choose_the_library(workspace, aspo, monkeypatch, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    monkeypatch.chdir(elsewhere)
    assert aspo("explain", str(workspace / "accounts/acme.yaml"), "--templates",
                str(workspace / "templates")).status == 0
    monkeypatch.setenv("ASPO_TEMPLATES", str(workspace / "templates"))
    assert aspo("explain", str(workspace / "accounts/acme.yaml")).status == 0


def test_a_folder_named_templates_that_is_not_a_library_above_is_passed_by(tmp_path, aspo, monkeypatch):
    (tmp_path / "templates").mkdir()  # a web framework's, say: no outline.yaml or catalog.yaml
    (tmp_path / "site").mkdir()
    (tmp_path / "site/acme.yaml").write_text("name: Acme\n")
    monkeypatch.chdir(tmp_path / "site")
    result = aspo("build", "acme.yaml")
    assert (result.status, result.err) == (2, "aspo: error: templates: templates folder not found, here or in any "
                                              "folder above (use --templates to point at it, or `aspo init` to start "
                                              "a project)\n")


def test_the_current_folders_own_templates_is_used_even_when_broken(tmp_path, aspo, monkeypatch):
    (tmp_path / "templates").mkdir()
    (tmp_path / "acme.yaml").write_text("name: Acme\n")
    monkeypatch.chdir(tmp_path)
    result = aspo("build", "acme.yaml")
    assert result.status == 2
    assert result.err.startswith("aspo: error: templates/catalog.yaml: "), result.err


# --- shell completion -------------------------------------------------------------------------


def aspo_on_path() -> dict[str, str]:
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}


@pytest.mark.parametrize("shell, marker", [
    ("bash", "complete -o nosort -F _aspo_completion aspo"),
    ("zsh", "#compdef aspo"),
    ("fish", "complete --no-files --command aspo"),
])
def test_completion_prints_the_script_for_each_shell(aspo, shell, marker):
    result = aspo("completion", shell)
    assert result.status == 0
    assert marker in result.out
    assert "_ASPO_COMPLETE" in result.out


def bash_completes(words: str) -> list[str]:
    """What Tab offers in bash after `words`, through the script `aspo completion bash` prints."""
    script = f'eval "$(aspo completion bash)"; COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); ' \
             '_aspo_completion aspo; printf "%s\\n" "${COMPREPLY[@]}"'
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=aspo_on_path(), timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_bash_completes_commands_options_and_rule_ids():
    assert bash_completes("aspo che") == ["check"]
    assert bash_completes("aspo check --sel") == ["--select"]
    assert bash_completes("aspo check --select C50") == ["C501"]
    assert bash_completes("aspo check --select C501,C7") == ["C501,C701", "C501,C702", "C501,C703"]
