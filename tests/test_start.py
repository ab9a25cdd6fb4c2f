"""Fast start: each command imports only what it uses (the Office libraries only when rendering, a process pool
only when one starts, the layout readers only when something is rendered or checked)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import edit, line_of

#: Modules that cost start-up time, and so must load only where they are used (Pillow's C core stands for
#: Pillow: python-pptx's import of it is deferred until a deck gets a picture).
HEAVY = ("pptx", "docx", "PIL._imaging", "jinja2", "multiprocessing", "concurrent.futures", "aspo.office.deck_template",
         "aspo.office.safety",
         "aspo.render.powerpoint", "aspo.render.word", "aspo.compose.composer", "pydantic", "yaml",
         "importlib.metadata")

PROBE = """
import json, sys
from aspo.cli.app import main
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
    (("report",), {"pydantic", "yaml", "importlib.metadata", "PIL._imaging"}),  # a logo is checked
    (("init", "--help"), set()),
    (("new", "account", "--help"), set()),
], ids=["help", "build-help", "explain", "report", "init-help", "new-account-help"])
def test_commands_that_render_nothing_load_no_office_library(workspace, args, allowed):
    status, loaded = loaded_by(*args)
    assert status in (0, None)
    assert loaded <= allowed, sorted(loaded - allowed)


def test_an_unchanged_build_renders_nothing_and_a_single_account_starts_no_pool(workspace, aspo):
    status, loaded = loaded_by("build", "accounts/acme.yaml")
    assert status in (0, None)
    assert {"pptx", "docx", "jinja2", "aspo.office.deck_template"} <= loaded  # built: it rendered
    assert not loaded & {"multiprocessing", "concurrent.futures", "PIL._imaging"}, sorted(loaded)  # no picture
    status, loaded = loaded_by("build", "accounts/")
    assert status in (0, None)
    assert "multiprocessing" in loaded  # two accounts to build: a pool of workers
    status, loaded = loaded_by("build", "accounts/")
    assert status in (0, None)
    assert not loaded, sorted(loaded)  # nothing changed since: not even the library or the accounts are read


def test_a_touched_file_takes_the_slow_way_once_and_a_changed_one_rebuilds(built_workspace, aspo):
    workspace = built_workspace
    assert aspo("build", "accounts/").status == 0  # outputs copied, no stamps yet: the slow way, which stamps them
    quick = aspo("build", "accounts/acme.yaml")
    assert quick.out.startswith("unchanged  output/acme/")
    gap = line_of(workspace / "accounts/acme.yaml", "Move all three plants onto a single ERP vendor")
    assert f"accounts/acme.yaml:{gap}: priorities[3]: no approved content" in quick.err  # still told about the gap

    unused = workspace / "templates/blocks/priority-logistics-conveyor-uptime.md"  # no sample account uses it
    unused.write_bytes(unused.read_bytes())  # a new time, the same content, as a git checkout leaves it
    status, loaded = loaded_by("build", "accounts/")
    assert status in (0, None) and "pydantic" in loaded  # the slow way: the library is read and keys compared
    assert not {"pptx", "docx"} & loaded  # and nothing is rebuilt
    status, loaded = loaded_by("build", "accounts/")
    assert status in (0, None) and not loaded  # the stamps were refreshed

    edit(workspace / "accounts/acme.yaml", "region: North America - Central", "region: North America - East")
    rebuilt = aspo("build", "accounts/")
    assert "built      output/acme/" in rebuilt.out and "unchanged  output/globex/" in rebuilt.out

    draft = workspace / "output/globex/globex-draft.md"
    draft.write_text(draft.read_text(encoding="utf-8") + "edited by hand\n", encoding="utf-8")
    assert "built      output/globex/" in aspo("build", "accounts/").out  # an output no longer as recorded
