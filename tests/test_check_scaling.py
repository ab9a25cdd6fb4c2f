"""aspo check grows with blocks plus accounts, not blocks times accounts; and the sandbox it renders in is set up
once for a batch of renders while each render keeps its own time and memory budget."""

from __future__ import annotations

import datetime as dt
import os
import resource
import shutil
import signal
from collections import Counter
from pathlib import Path

import pytest

from aspo.checks.check import run_check
from aspo.compose import templating
from aspo.compose.templating import MAX_EXTRA_MEMORY, MAX_SECONDS, Renderer
from aspo.core.errors import AspoError

TODAY = dt.date(2026, 11, 22)
LOGISTICS = "priority-logistics-conveyor-uptime.md"  # a block no sample account gets
ENDLESS = "{% for i in range(1000) %}" * 4 + "{% endfor %}" * 4  # never ends on its own
DOUBLING = ('{% set ns = namespace(s="x") %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}'
            "{{ ns.s|length }}")


def renders(monkeypatch, workspace: Path) -> tuple[Counter, int]:
    """How often `aspo check` renders each (file, field), and how often it sets the sandbox's limits up."""
    counts: Counter = Counter()
    arms = []
    render, arm = Renderer.render, templating._arm

    def counting(self, source, context, path, first_line, field):
        counts[(Path(path).name, field)] += 1
        return render(self, source, context, path, first_line, field)

    def counting_arm():
        armed = arm()
        arms.append(armed)
        return armed

    with monkeypatch.context() as patch:
        patch.setattr(Renderer, "render", counting)
        patch.setattr(templating, "_arm", counting_arm)
        assert [str(d) for d in run_check(workspace / "templates", workspace / "accounts", TODAY)
                if d.severity == "error"] == []
    return counts, sum(arms)


def copy_accounts(workspace: Path, copies: int) -> None:
    for path in sorted((workspace / "accounts").glob("*.yaml")):
        if "-copy" not in path.stem:
            for n in range(2, copies + 1):
                shutil.copy(path, path.with_name(f"{path.stem}-copy{n}.yaml"))


def test_renders_grow_with_the_accounts_added_not_with_blocks_times_accounts(workspace, monkeypatch):
    accounts = sorted((workspace / "accounts").glob("*.yaml"))
    for path in accounts:
        path.rename(path.with_suffix(".yaml.away"))
    alone, _ = renders(monkeypatch, workspace)  # the library with no account: the probes only
    for path in accounts:
        path.with_suffix(".yaml.away").rename(path)
    sample, arms = renders(monkeypatch, workspace)
    copy_accounts(workspace, 4)
    four_times, _ = renders(monkeypatch, workspace)

    assert arms == 1  # the sandbox set up once for the whole check
    # a block no account gets meets the two probe accounts, however many accounts there are
    for field in ("title", "body", "notes"):
        assert alone[(LOGISTICS, field)] == sample[(LOGISTICS, field)] == four_times[(LOGISTICS, field)] == 2
    # each account adds the renders of its own document, the same for a copy as for its original
    per_sample = sum(sample.values()) - sum(alone.values())
    assert per_sample > 0
    assert sum(four_times.values()) - sum(alone.values()) == 4 * per_sample


def test_each_block_meets_the_probes_a_fixed_number_of_times_however_many_blocks(workspace, monkeypatch):
    for path in (workspace / "accounts").glob("*.yaml"):
        path.unlink()
    before, _ = renders(monkeypatch, workspace)
    blocks = workspace / "templates/blocks"
    for path in sorted(blocks.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        (blocks / f"{path.stem}-copy2.md").write_text(text.replace("\nid: ", "\nid: copy2-", 1), encoding="utf-8")
    after, _ = renders(monkeypatch, workspace)
    # twice (block_text for each probe account), and once more for a probe whose own document uses the block
    counts = {n for (name, _), n in before.items() if name.endswith(".md")}
    assert counts <= {2, 3, 4}
    assert {n for (name, _), n in after.items() if name.endswith(".md")} == counts
    assert len(after) - len(before) == sum(name.endswith(".md") for name, _ in before)


# --- the sandbox, set up once per batch -------------------------------------------------------------------


def limits() -> tuple:
    return signal.getsignal(signal.SIGALRM), signal.getitimer(signal.ITIMER_REAL)[0], \
        resource.getrlimit(resource.RLIMIT_AS)


def test_a_runaway_render_in_a_batch_stops_alone_with_its_own_line_and_the_next_renders_run(monkeypatch):
    # a 64 MB ceiling, which the doubling meets in a fraction of a second: a loaded machine cannot make the 2 s
    # timer fire first (the endless loop still meets the timer)
    monkeypatch.setattr(templating, "MAX_EXTRA_MEMORY", 64 * 2**20)
    renderer = Renderer()
    context = {"account": {"name": "Acme"}}
    before = limits()
    with renderer.batch():
        assert renderer.render("{{ account.name }}", context, Path("a.md"), 1, "body") == "Acme"
        with pytest.raises(AspoError) as info:
            renderer.render("text\n" + ENDLESS, context, Path("b.md"), 10, "body")
        assert info.value.format_message() == ("b.md:11: body: template stopped: it ran for more than 2 s; "
                                               "is a loop running away?")
        assert renderer.render("{{ account.name }}", context, Path("a.md"), 1, "body") == "Acme"
        with pytest.raises(AspoError) as info:
            renderer.render(DOUBLING, context, Path("c.md"), 5, "notes")
        assert info.value.format_message() == ("c.md:5: notes: template stopped: it needed more than 64 MB; "
                                               "is a loop running away?")
        assert renderer.render("{{ account.name }}", context, Path("a.md"), 1, "body") == "Acme"
        assert signal.getsignal(signal.SIGALRM) is not before[0]  # set up for the batch
    assert limits() == before


def test_each_render_in_a_batch_gets_its_own_timer_and_none_runs_between_renders():
    renderer = Renderer()
    left = []
    renderer.env.globals["left"] = lambda: left.append(signal.getitimer(signal.ITIMER_REAL)[0]) or ""
    with renderer.batch():
        renderer.render("{{ left() }}", {}, Path("a.md"), 1, "body")
        between = signal.getitimer(signal.ITIMER_REAL)[0]  # one timer for the whole batch would still run here
        renderer.render("{{ left() }}", {}, Path("a.md"), 1, "body")
    assert between == 0  # no timer runs between renders: a batch-wide one would
    # each render has its own timer running (how much of it is left depends on the machine's load)
    assert len(left) == 2 and all(0 < seconds <= MAX_SECONDS for seconds in left), left


def address_space() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def test_each_render_in_a_batch_gets_its_own_memory_ceiling_and_none_is_set_between_renders():
    renderer = Renderer()
    ceilings = []
    # each render's ceiling, and how far above the process's size it sits as the render runs
    renderer.env.globals["ceiling"] = lambda: ceilings.append(
        (resource.getrlimit(resource.RLIMIT_AS)[0], address_space())) or ""
    before = resource.getrlimit(resource.RLIMIT_AS)
    with renderer.batch():
        renderer.render("{{ ceiling() }}", {}, Path("a.md"), 1, "body")
        between = resource.getrlimit(resource.RLIMIT_AS)
        ballast = bytearray(64 * 2**20)  # the process grows between two renders
        renderer.render("{{ ceiling() }}", {}, Path("a.md"), 1, "body")
        del ballast
    if ceilings[0][0] == before[0]:
        pytest.skip("no memory ceiling here: the process's own limit is lower")
    assert between == before
    # measured again as each render starts: the ceiling is the budget above the size of that moment, whatever
    # else the process freed or took meanwhile (one ceiling for the batch would sit 64 MB closer the second time)
    for ceiling, size in ceilings:
        assert abs(ceiling - size - MAX_EXTRA_MEMORY) <= 8 * 2**20, (ceiling, size)
    assert resource.getrlimit(resource.RLIMIT_AS) == before


def test_a_batch_inside_a_batch_leaves_the_outer_one_set_up():
    renderer = Renderer()
    before = limits()
    with renderer.batch():
        handler = signal.getsignal(signal.SIGALRM)
        with renderer.batch():
            assert renderer.render("{{ 1 }}", {}, Path("a.md"), 1, "body") == "1"
        assert signal.getsignal(signal.SIGALRM) is handler is not before[0]
    assert limits() == before
