"""Fast start: each command imports only what it uses (the Office libraries only when rendering, a process pool
only when one starts, the layout readers only when something is rendered or checked)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

#: Modules that cost start-up time, and so must load only where they are used.
HEAVY = ("pptx", "docx", "PIL", "jinja2", "multiprocessing", "concurrent.futures", "aspo.layouts",
         "aspo.render_pptx", "aspo.render_docx", "aspo.compose", "pydantic", "yaml", "importlib.metadata")

PROBE = """
import json, sys
from aspo.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exit:
    status = exit.code
heavy = {heavy!r}
loaded = sorted({{name for name in sys.modules for top in heavy if name == top or name.startswith(top + ".")
                  and top in sys.modules}} & set(heavy))
print(json.dumps({{"status": status, "loaded": loaded}}), file=sys.stderr)
"""


def loaded_by(*args: str) -> tuple[int, set[str]]:
    """The exit status of `aspo ARGS` in a fresh interpreter, and which of HEAVY it imported."""
    done = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY), *args], capture_output=True, text=True,
                          timeout=120)
    result = json.loads(done.stderr.strip().splitlines()[-1])
    return result["status"], set(result["loaded"])


@pytest.mark.parametrize("args, allowed", [
    (("--help",), set()),
    (("build", "--help"), set()),
    (("explain", "accounts/acme.yaml"), {"pydantic", "yaml", "importlib.metadata"}),
    (("report",), {"pydantic", "yaml", "importlib.metadata", "PIL"}),  # a sample account's logo is checked
], ids=["help", "build-help", "explain", "report"])
def test_commands_that_render_nothing_load_no_office_library(workspace, args, allowed):
    status, loaded = loaded_by(*args)
    assert status in (0, None)
    assert loaded <= allowed, sorted(loaded - allowed)


def test_an_unchanged_build_renders_nothing_and_a_single_account_starts_no_pool(workspace, aspo):
    status, loaded = loaded_by("build", "accounts/acme.yaml")
    assert status in (0, None)
    assert {"pptx", "docx", "jinja2", "aspo.layouts"} <= loaded  # built: it rendered
    assert not loaded & {"multiprocessing", "concurrent.futures", "PIL"}, sorted(loaded)
    status, loaded = loaded_by("build", "accounts/")
    assert status in (0, None)
    assert "multiprocessing" in loaded  # two accounts to build: a pool of workers
    status, loaded = loaded_by("build", "accounts/")
    assert status in (0, None)
    unchanged = {"pptx", "docx", "PIL", "jinja2", "multiprocessing", "concurrent.futures", "aspo.layouts",
                 "aspo.render_pptx", "aspo.render_docx", "aspo.compose"}
    assert not loaded & unchanged, sorted(loaded & unchanged)
