"""The README's promises: its first two commands, and CI running the second one verbatim."""

from __future__ import annotations

from conftest import REPO


def readme_commands() -> list[str]:
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.startswith("    ")][:2]


def test_the_readme_opens_with_a_build_command_and_a_test_command():
    build, test = readme_commands()
    assert build.endswith("aspo build accounts/")
    assert test.endswith("python -m pytest")


def test_ci_runs_the_readme_test_command_verbatim():
    _, test = readme_commands()
    assert test in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
