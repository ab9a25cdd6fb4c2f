"""Builds killed mid-way, interrupted with Ctrl-C, stopped by a signal, or run twice at once never leave a broken
set, a staging folder or a process behind."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, build_in
from docx import Document as WordDocument
from pptx import Presentation
from procs import HAVE_PROC, Proc, children, describe, wait_for

pytestmark = pytest.mark.skipif(not HAVE_PROC, reason="watches processes through /proc")

AGENDA = "title: Agenda\n"
VARIANTS = {"a": "title: Agenda\n", "b": "title: Agenda for today\n"}
SLUGS = ("acme", "globex", "northwind-health")


def _ctrl_c_as_at_a_terminal() -> None:
    # A shell starts background jobs with Ctrl-C ignored, and Python then keeps it ignored; the tests run
    # aspo as a terminal would, whatever started them.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


#: `python -m aspo` with the template time limit raised for that process alone (its workers fork from it): the
#: BUSY blocks below take about 50 ms of CPU each and must never meet the 2 s limit, however loaded the machine.
ASPO = [sys.executable, "-c", "import sys; from aspo.compose import templating; templating.MAX_SECONDS = 600.0; "
        "from aspo.cli.app import main; main(sys.argv[1:])"]


def aspo_process(workspace: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([*ASPO, *args], cwd=workspace, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, preexec_fn=_ctrl_c_as_at_a_terminal)


def use_variant(workspace: Path, variant: str) -> None:
    outline = workspace / "templates" / "outline.yaml"
    text = outline.read_text()
    for other in VARIANTS.values():
        text = text.replace(other, VARIANTS[variant])
    outline.write_text(text)


def snapshot(folder: Path, without: tuple[str, ...] = ()) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.name not in without}


@pytest.fixture(scope="module")
def built(tmp_path_factory, samples_built) -> tuple[Path, dict[str, dict[str, dict[str, bytes]]]]:
    """The complete output set of every account for each variant of the templates (a: the samples as they are,
    the session's build; b: built once for the module), and the output/ the samples as they are build to."""
    root = tmp_path_factory.mktemp("interrupts")
    for folder in ("templates", "accounts"):
        shutil.copytree(REPO / folder, root / folder)
    use_variant(root, "b")
    status, _, err = build_in(root, "--force", "-o", "ref-b", "accounts/")
    assert status == 0, err
    found = {"a": {slug: snapshot(samples_built / "output" / slug) for slug in SLUGS},
             "b": {slug: snapshot(root / "ref-b" / slug) for slug in SLUGS}}
    assert found["a"]["acme"] != found["b"]["acme"]
    return samples_built / "output", found


@pytest.fixture
def references(workspace, built) -> dict[str, dict[str, dict[str, bytes]]]:
    """The complete output set of every account for each variant of the templates; output/ in the workspace
    holds variant a's (builds are deterministic and record no absolute paths, so a copy is as good)."""
    output, found = built
    shutil.copytree(output, workspace / "output", symlinks=True)
    return found


def assert_complete_sets(workspace: Path, references, without: tuple[str, ...] = ()) -> None:
    """Each account folder holds exactly one variant's complete set, and every file reopens."""
    for slug in SLUGS:
        files = snapshot(workspace / "output" / slug, without)
        expected = [{n: b for n, b in references[v][slug].items() if n not in without} for v in VARIANTS]
        assert files in expected, f"{slug}: a mixed or partial set"
        Presentation(io.BytesIO(files[f"{slug}-deck.pptx"]))
        WordDocument(io.BytesIO(files[f"{slug}-offering.docx"]))


#: Template work for the "Slow" accounts only: about 50 ms per block (the builds here run with the template time
#: limit raised, ASPO, so a loaded machine cannot stretch a block past it), while the build as a whole takes many
#: seconds.
BUSY = ("{% if account.name.startswith('Slow') %}{% for i in range(2) %}{% for j in range(1000) %}"
        "{% for k in range(1000) %}{% endfor %}{% endfor %}{% endfor %}{% endif %}")
SLOW = 40


def add_slow_accounts(workspace: Path) -> list[str]:
    """SLOW accounts built after the samples (zz-slow-01 ...), each taking a while; the samples stay quick."""
    text = (workspace / "accounts" / "northwind-health.yaml").read_text()
    slugs = [f"zz-slow-{n:02}" for n in range(1, SLOW + 1)]
    for slug in slugs:
        account = text.replace("name: Northwind Health", f"name: Slow {slug}")
        (workspace / "accounts" / f"{slug}.yaml").write_text(account)
    for block in (workspace / "templates" / "blocks").glob("*.md"):
        block.write_text(block.read_text().replace("\n## Notes", BUSY + "\n## Notes", 1))  # renders as before
    return slugs


def folder_id(folder: Path) -> int | None:
    """Changes when the folder is swapped for a new one."""
    try:
        return folder.stat().st_ino
    except FileNotFoundError:
        return None


def staging(workspace: Path) -> list[Path]:
    return list((workspace / "output").glob(".aspo-staging-*"))


def workers_of(build: subprocess.Popen) -> set[Proc]:
    """The build's worker processes: forked, so they have its command line (git, run for the manifest, has not)."""
    argv = describe(build.pid)
    return {Proc(pid) for pid in children(build.pid) if describe(pid) == argv}


def watch(build: subprocess.Popen, event, what: str) -> set[Proc]:
    """Waits for `event` (or for the build to end first) and returns the build's workers seen meanwhile."""
    workers: set[Proc] = set()

    def happened() -> bool:
        workers.update(workers_of(build))
        return build.poll() is not None or event()

    wait_for(happened, what)
    return workers


def assert_gone(workers: set[Proc]) -> None:
    wait_for(lambda: not [w for w in workers if w.alive()], f"workers {workers} to end", timeout=30)


def test_a_build_killed_at_chosen_moments_leaves_the_old_or_the_new_set(workspace, references):
    """Killed (kill -9) while a staging folder is being written, just after the first swap, and later; with and
    without workers. Workers of a killed build end too, and remove their own staging folders."""
    output = workspace / "output"
    moments = {
        "writing the first staging folder": lambda: set(staging(workspace)) - stale,
        "just after the first swap": lambda: folder_id(output / "acme") != before["acme"],
        "after the second account": lambda: folder_id(output / "globex") != before["globex"],
    }
    for attempt, (jobs, moment) in enumerate((j, m) for j in ("1", "2") for m in moments):
        use_variant(workspace, "b" if attempt % 2 == 0 else "a")
        before = {slug: folder_id(output / slug) for slug in SLUGS}
        stale = set(staging(workspace))  # left by an earlier attempt's killed -j 1 build
        build = aspo_process(workspace, "build", "--force", "-j", jobs, "accounts/")
        workers = watch(build, moments[moment], moment)
        build.send_signal(signal.SIGKILL)
        build.communicate(timeout=60)  # the stderr pipe closes: no worker holds it any more
        assert_gone(workers)
        assert_complete_sets(workspace, references)
        if jobs == "2":
            assert not set(staging(workspace)) - stale, f"-j 2, {moment}: workers left a staging folder"
    leftovers = staging(workspace)
    use_variant(workspace, "a")
    done = aspo_process(workspace, "build", "accounts/")
    assert done.wait() == 0
    assert not [p for p in leftovers if p.exists()], "a later build removes what killed builds left behind"


def test_ctrl_c_exits_130_and_keeps_the_previous_outputs(workspace, references, aspo, monkeypatch):
    from aspo.compose import templating

    monkeypatch.setattr(templating, "MAX_SECONDS", 600.0)  # the BUSY blocks in process too, as ASPO does
    use_variant(workspace, "b")
    slow = add_slow_accounts(workspace)
    assert aspo("build", f"accounts/{slow[-1]}.yaml").status == 0
    last = folder_id(workspace / "output" / slow[-1]), snapshot(workspace / "output" / slow[-1])
    before = folder_id(workspace / "output" / "northwind-health")
    build = aspo_process(workspace, "build", "--force", "-j", "1", "accounts/")
    # the samples are done and the slow accounts have begun: the interrupt lands mid-build
    watch(build, lambda: folder_id(workspace / "output" / "northwind-health") != before, "the samples")
    build.send_signal(signal.SIGINT)
    _, err = build.communicate(timeout=60)
    assert build.returncode == 130, err
    assert err.splitlines()[-1] == "aspo: interrupted"
    assert "Traceback" not in err
    # accounts finished before Ctrl-C are new (their manifests name the busy blocks), the rest as before
    assert_complete_sets(workspace, references, without=("manifest.json",))
    assert (folder_id(workspace / "output" / slow[-1]), snapshot(workspace / "output" / slow[-1])) == last
    assert not staging(workspace)


@pytest.mark.parametrize("signum, status, last_line", [
    (signal.SIGTERM, 143, "aspo: stopped by SIGTERM"),
    (signal.SIGHUP, 129, "aspo: stopped by SIGHUP"),
    (signal.SIGINT, 130, "aspo: interrupted"),
    (signal.SIGKILL, -signal.SIGKILL, None),
], ids=["SIGTERM", "SIGHUP", "SIGINT", "SIGKILL"])
def test_workers_end_with_the_build_however_it_is_stopped(workspace, signum, status, last_line):
    """`aspo build -j 2 accounts/ | cat` returns: the workers end with aspo, so the pipes close."""
    slow = add_slow_accounts(workspace)
    output = workspace / "output"
    build = subprocess.Popen([*ASPO, "build", "--force", "-j", "2", "accounts/"],
                             cwd=workspace, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             preexec_fn=_ctrl_c_as_at_a_terminal)
    try:
        # the samples are written, so what the workers have in hand now can only be slow accounts
        workers = watch(build, lambda: all((output / slug).exists() for slug in SLUGS) and len(workers_of(build)) >= 2,
                        "the workers to be busy with the slow accounts")
        assert build.poll() is None, "the build ended before it could be stopped"
        build.send_signal(signum)
        out, err = build.communicate(timeout=30)
    finally:
        if build.poll() is None:
            build.kill()
            build.communicate()
    assert build.returncode == status, err
    assert len(workers) >= 2  # and perhaps git, started for the manifest, caught between fork and exec
    assert_gone(workers)
    if last_line:
        assert err.splitlines()[-1] == last_line, err
    assert "Traceback" not in err
    assert not staging(workspace), "a worker left its staging folder"
    assert not (output / slow[-1]).exists()


#: Rounds of two racing builds: a few in a default run, each switching the variant between the two starts;
#: the soak run (`pytest -m soak`, which CI runs too) races ASPO_SOAK_ROUNDS of them, 20 unless set.
RACE_ROUNDS = 3
SOAK_ROUNDS = int(os.environ.get("ASPO_SOAK_ROUNDS", "20"))


@pytest.mark.parametrize("rounds", [
    pytest.param(RACE_ROUNDS, id="quick"),
    pytest.param(SOAK_ROUNDS, id="soak", marks=pytest.mark.soak),
])
def test_two_builds_of_the_same_account_at_once_leave_a_complete_set(workspace, references, rounds):
    for attempt in range(rounds):
        first = aspo_process(workspace, "build", "--force", "accounts/acme.yaml")
        use_variant(workspace, "b" if attempt % 2 == 0 else "a")
        second = aspo_process(workspace, "build", "--force", "accounts/acme.yaml")
        assert (first.wait(), second.wait()) == (0, 0), (first.stderr.read(), second.stderr.read())
        assert_complete_sets(workspace, references)


WORKER = """
import os, sys, time
from aspo.core import stopping
if sys.argv[2] == "watch only":  # as where Linux's parent-death signal is missing: only the getppid() watch
    stopping._ask_for_death_signal = lambda signum: False
parent = os.getpid()
if os.fork() == 0:
    stopping.die_with_parent(parent)

    def work():
        open(sys.argv[1], "w").close()
        try:
            print("busy", flush=True)
            while True:
                time.sleep(0.05)
        finally:
            os.remove(sys.argv[1])  # as write_outputs removes its staging folder

    stopping.run_in_worker(work)
else:
    os.wait()
"""


@pytest.mark.parametrize("how", ["death signal", "watch only"])
def test_a_busy_worker_whose_parent_is_killed_unwinds_and_ends(tmp_path, how):
    marker = tmp_path / "staging"
    parent = subprocess.Popen([sys.executable, "-c", WORKER, str(marker), how], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout.readline() == "busy\n"
        worker = Proc(next(iter(children(parent.pid))))
        parent.kill()
        parent.communicate(timeout=30)  # EOF: the worker, which shares the pipe, has ended
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.communicate()
    assert_gone({worker})
    assert not marker.exists()


def test_a_stop_while_a_child_is_being_started_waits_until_the_child_is_known():
    from aspo.core.stopping import Stopped, stop_on_signals, stops_deferred

    reached = []
    with pytest.raises(Stopped) as stopped, stop_on_signals():
        with stops_deferred():
            os.kill(os.getpid(), signal.SIGTERM)  # as if it came while subprocess.Popen ran
            reached.append("the rest of the block")
        reached.append("after the block")
    assert reached == ["the rest of the block"] and stopped.value.signum == signal.SIGTERM


# --- child processes and scratch folders (aspo/core/children.py) ---------------------------------------------------

#: aspo starting a child that starts a process of its own and waits for it, as soffice's launcher starts soffice.bin.
STARTS_A_CHILD = """
import sys
from aspo.core.children import start
child = start(["sh", "-c", "sleep 600 & echo $! > " + sys.argv[1] + ".tmp; mv " + sys.argv[1] + ".tmp " + sys.argv[1]
               + "; wait"])
print(child.pid, flush=True)
sys.stdin.read()
"""


def test_a_child_and_the_processes_it_started_end_when_aspo_is_killed(tmp_path):
    grandchild = tmp_path / "grandchild"
    parent = subprocess.Popen([sys.executable, "-c", STARTS_A_CHILD, str(grandchild)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        child = Proc(int(parent.stdout.readline()))
        started = [child, Proc(int(wait_for(lambda: grandchild.exists() and grandchild.read_text(),
                                            "the child to start its own")))]
        assert all(proc.alive() for proc in started)
        parent.kill()  # kill -9: no code of aspo's runs
        parent.communicate(timeout=30)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.communicate()
    wait_for(lambda: not [proc for proc in started if proc.alive()], f"{started} to end", timeout=5)


STARTS_A_LEAF = """
from aspo.core.children import start
print(start(["sleep", "600"], leaf=True).pid, flush=True)
input()
"""


@pytest.mark.skipif(not shutil.which("setpriv") or not sys.platform.startswith("linux"),
                    reason="a leaf child is started with util-linux's setpriv, on Linux")
def test_a_leaf_child_ends_when_aspo_is_killed_and_runs_as_a_guarded_one_does(tmp_path):
    from aspo.core.children import OutputTooLarge, run

    parent = subprocess.Popen([sys.executable, "-c", STARTS_A_LEAF], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    try:
        pid = int(parent.stdout.readline())
        child = Proc(pid)
        # setpriv has set the signal once it runs the program (aspo dying in the millisecond before is the one
        # case a leaf child runs on, to its end)
        wait_for(lambda: describe(pid).startswith("sleep"), "setpriv to run the program")
        parent.kill()  # kill -9: the kernel's parent-death signal ends the child, no code of aspo's runs
        parent.communicate(timeout=30)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.communicate()
    wait_for(lambda: not child.alive(), "the leaf child to end", timeout=5)
    done = run(["sh", "-c", "echo out; echo err >&2; exit 3"], timeout=30, leaf=True)
    assert (done.returncode, done.stdout, done.stderr) == (3, b"out\n", b"err\n")
    with pytest.raises(subprocess.TimeoutExpired):
        run(["sleep", "600"], timeout=0.3, leaf=True)
    with pytest.raises(OutputTooLarge):
        run(["sh", "-c", "while :; do echo y; done"], timeout=30, limit=1000, leaf=True)
    with pytest.raises(FileNotFoundError):
        run([str(tmp_path / "no-such-program")], timeout=30, leaf=True)


def test_without_setpriv_a_leaf_child_gets_a_guardian(monkeypatch):
    from aspo.core import children

    monkeypatch.setattr(children, "_WRAPPER", [])  # as where util-linux's setpriv is missing
    child = children.start(["sleep", "600"], leaf=True)
    try:
        assert isinstance(child, children.Child)  # the guardian's kind, which needs no setpriv
    finally:
        child.stop()
    assert child.returncode is not None


def test_run_stops_a_child_at_its_time_limit_or_past_its_output_limit_and_says_how_it_ended(tmp_path):
    from aspo.core.children import OutputTooLarge, run

    left = tmp_path / "left"
    with pytest.raises(subprocess.TimeoutExpired):
        run(["sh", "-c", f"sleep 600 & echo $! > {left}; exec sleep 601"], timeout=0.3)
    if left.exists() and left.read_text().strip():  # it got as far as starting its own process
        leftover = Proc(int(left.read_text()))
        wait_for(lambda: not leftover.alive(), "the stopped child's own process to end", timeout=5)
    with pytest.raises(OutputTooLarge):
        run(["sh", "-c", "while :; do echo y; done"], timeout=30, limit=1000)
    done = run(["sh", "-c", "echo out; echo err >&2; exit 3"], timeout=30)
    assert (done.returncode, done.stdout, done.stderr) == (3, b"out\n", b"err\n")
    assert run(["sh", "-c", "kill -TERM $$"], timeout=30).returncode == -signal.SIGTERM
    with pytest.raises(FileNotFoundError):
        run([str(tmp_path / "no-such-program")], timeout=30)


def scratch_name(pid: int, started: int, rest: str) -> str:
    return f"aspo-pdf-{pid}-{started}-{rest}"


def test_the_next_command_removes_scratch_folders_whose_owner_is_gone_and_keeps_the_rest(tmp_path, monkeypatch,
                                                                                        aspo):
    import fcntl
    import tempfile

    from aspo.core.children import ScratchFolder, _start_time

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    gone = subprocess.Popen(["sh", "-c", "read line"], stdin=subprocess.PIPE)
    dead = (gone.pid, _start_time(gone.pid))
    gone.communicate(b"\n")
    me = (os.getpid(), _start_time(os.getpid()))
    made = {
        "dead owner": scratch_name(*dead, "a1b2c3d4"),
        "pid reused by another process": scratch_name(me[0], me[1] + 1, "e5f6g7h8"),
        "live owner": scratch_name(*me, "i9j0k1l2"),
        "dead owner, but a process it started still holds the lock": scratch_name(*dead, "m3n4o5p6"),
        "not aspo's": "aspo-notes",
        # names anyone may give a folder in /tmp, which once broke every command
        "a digit that is not ASCII": "aspo-pdf-\u00b2-5-abc",
        "a pid no process can have": scratch_name(10 ** 20, 5, "abc"),
    }
    for name in made.values():
        (tmp_path / name).mkdir()
        (tmp_path / name / "acme-deck.pptx").write_bytes(b"the customer's deck")
    (tmp_path / scratch_name(*dead, "afile000")).write_bytes(b"a file is no folder aspo made")
    if os.geteuid() == 0:  # another user's folder, whoever its owner was, is not ours to remove
        (tmp_path / scratch_name(*dead, "others00")).mkdir()
        os.chown(tmp_path / scratch_name(*dead, "others00"), 65534, 65534)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / scratch_name(*dead, "linked00")).symlink_to(elsewhere)  # a link is not a folder aspo made
    held = os.open(tmp_path / made["dead owner, but a process it started still holds the lock"], os.O_RDONLY)
    fcntl.flock(held, fcntl.LOCK_EX)
    try:
        with ScratchFolder("pdf") as mine:
            assert mine.parent == tmp_path and (os.stat(mine).st_mode & 0o777) == 0o700
            assert aspo("--version").status == 0  # the next aspo command, while this one's folder is in use
            assert mine.is_dir()
        assert not mine.exists()
    finally:
        os.close(held)
    kept = [made["live owner"], made["dead owner, but a process it started still holds the lock"], made["not aspo's"],
            made["a digit that is not ASCII"], made["a pid no process can have"], scratch_name(*dead, "linked00"),
            scratch_name(*dead, "afile000"), "elsewhere"]
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        kept + ([scratch_name(*dead, "others00")] if os.geteuid() == 0 else []))


def test_staging_folders_named_by_anyone_never_fail_a_build(tmp_path):
    """The staging sweep beside an output folder read a pid with str.isdigit, which takes "\u00b2"; one no process
    can have stays, as it may be anyone's."""
    from aspo.build.output import remove_stale_staging

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    names = {"killed": f".aspo-staging-acme-{gone.stdout.strip()}-a1b2", "odd digit": ".aspo-staging-acme-\u00b2-c3d4",
             "no such pid": f".aspo-staging-acme-{10 ** 20}-e5f6", "running": f".aspo-staging-acme-{os.getpid()}-g7h8"}
    for name in names.values():
        (tmp_path / name).mkdir()
    remove_stale_staging(tmp_path, "acme")
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([names["no such pid"], names["running"]])


def test_a_sweep_that_fails_never_fails_the_command(tmp_path, monkeypatch, aspo):
    from aspo.core import children

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    (tmp_path / scratch_name(1, 0, "a1b2c3d4")).mkdir()

    def broken(entry):
        raise RuntimeError("a sweep that went wrong")

    monkeypatch.setattr(children, "_abandoned", broken)
    assert (aspo("--version").status, children.remove_leftovers()) == (0, [])


def test_a_build_removes_what_a_killed_build_left_beside_an_account_it_finds_unchanged(workspace, aspo):
    assert aspo("build", "accounts/").status == 0
    finished = subprocess.Popen([sys.executable, "-c", ""])
    finished.wait()  # its pid names a build that is gone
    gone = workspace / "output" / f".aspo-staging-globex-{finished.pid}-x1y2z3"
    gone.mkdir()
    assert aspo("build", "accounts/acme.yaml").out.startswith("unchanged")
    assert not gone.exists()
