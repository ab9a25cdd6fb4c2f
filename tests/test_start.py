"""Fast start: each command imports only what it uses (the Office libraries only when rendering, a process pool
only when one starts, the layout readers only when something is rendered or checked)."""

from __future__ import annotations

import pytest
from conftest import edit, line_of
from procs import loaded_by

#: What a command that renders nothing may never load: the Office libraries, and Pillow's C core.
OFFICE = {"pptx", "docx", "PIL._imaging"}


@pytest.mark.parametrize("args", [
    ("--help",), ("build", "--help"), ("init", "--help"), ("new", "account", "--help"),
], ids=["help", "build-help", "init-help", "new-account-help"])
def test_help_loads_nothing_heavy(workspace, args):
    status, loaded = loaded_by(*args)
    assert status in (0, None)
    assert not loaded, sorted(loaded)


@pytest.mark.parametrize("args, allowed", [
    (("explain", "accounts/acme.yaml"), set()),  # the library and account warm: nothing heavy at all
    (("match", "unplanned downtime on line 3"), set()),
    (("check",), {"pydantic", "yaml", "aspo.library.schema", "importlib.metadata", "jinja2", "aspo.compose.composer",
                  "aspo.office.deck_template", "aspo.office.safety"}),  # translations read, layouts' boxes probed
    (("report",), {"pydantic", "yaml", "aspo.library.schema", "importlib.metadata"}),  # history is read
    (("schema", "account"), {"pydantic", "aspo.library.schema", "importlib.metadata"}),
    (("new", "account", "accounts/zeta.yaml", "--name", "Zeta", "--industry", "manufacturing", "--size", "smb",
      "--stage", "consideration"), {"pydantic", "yaml", "aspo.library.schema", "importlib.metadata"}),
], ids=["explain", "match", "check", "report", "schema", "new-account"])
def test_commands_that_render_nothing_load_no_office_library(workspace, aspo, args, allowed):
    assert aspo("report").status == 0  # the library and the accounts warm in the cache, as after any command
    status, loaded = loaded_by(*args)
    assert status in (0, None)
    assert not loaded & OFFICE, sorted(loaded & OFFICE)
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
    assert status in (0, None) and "multiprocessing" in loaded  # the slow way: each account planned, keys compared
    assert not {"pydantic", "yaml"} & loaded  # from the warm library and accounts: the content is the same
    assert not {"pptx", "docx"} & loaded  # and nothing is rebuilt
    status, loaded = loaded_by("build", "accounts/")
    assert status in (0, None) and not loaded  # the stamps were refreshed

    edit(workspace / "accounts/acme.yaml", "region: North America - Central", "region: North America - East")
    rebuilt = aspo("build", "accounts/")
    assert "built      output/acme/" in rebuilt.out and "unchanged  output/globex/" in rebuilt.out

    draft = workspace / "output/globex/globex-draft.md"
    draft.write_text(draft.read_text(encoding="utf-8") + "edited by hand\n", encoding="utf-8")
    assert "built      output/globex/" in aspo("build", "accounts/").out  # an output no longer as recorded
