"""Benchmark: aspo against a plain script doing the same work (tools/plain_build.py), interleaved, wall and CPU.

Run from the repository root:

    python tools/benchmark.py [--runs N] [--only NAME] [--seed S] [--markdown]

Each comparison runs rounds of A (aspo) and B (the comparison) once each, in an order shuffled by
random.Random(seed) (half the rounds A first, half B first), so drift in the machine's speed hits both
sides alike. It reports the median wall time (time.perf_counter) and median CPU time (user + system, from
resource.getrusage(RUSAGE_CHILDREN) for processes, time.process_time in process) of each side, and the
median of the per-round ratios A/B. Quote the ratios: absolute times vary from machine to machine and run to
run. Every side runs once untimed first (imports compiled, files in the page cache).

Comparisons (--only takes these names):
  build     aspo build --force accounts/acme.yaml vs the plain script, whole process, the library and account
            warm in aspo's cache (as after any earlier command)                       target <= 0.9x
  cold      the same with ASPO_NO_CACHE=1: the library and account read and validated  report
  inproc    one account in process, library loaded once, vs the plain build function     target <= 0.25x
  batch     aspo build -j 2 of 100 accounts from scratch vs the plain script, pool of 2  target <= 0.33x
  explain   aspo explain accounts/acme.yaml vs python -c "import click", warm            target <= 2x
  help      aspo --help vs python -c "import click"                                     target <= 1.2x
  check     aspo check of a library and accounts twice as large vs the normal ones       target <= 2.4x
  memory    peak memory of aspo build over 200 accounts (default jobs): the largest single process
            (getrusage ru_maxrss) and the sum of RSS over the process tree, sampled from /proc every 20 ms
  review    aspo diff --rev HEAD --html of 50 accounts in a git repository, one sentence of a block changed
            that 10 of them use: with an empty picture cache (LibreOffice runs) vs a second run (cache full);
            needs LibreOffice and poppler-utils, skipped without them                    report
  layout    aspo diff --rev HEAD --html of 30 accounts after a layout change (the deck template's title font:
            every slide changes), empty picture cache: default jobs (every core) vs -j 1 report

Every aspo command runs with its own cache folder (ASPO_CACHE_DIR), filled by the untimed first run.
The 100 and 200 accounts are copies of accounts/*.yaml, each with its own file name and `name:`. MB here
are 2**20 bytes.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
PLAIN = ROOT / "tools" / "plain_build.py"
ASPO = [sys.executable, "-m", "aspo"]
IMPORT_CLICK = [sys.executable, "-c", "import click"]
SAMPLE_EVERY = 0.02  # seconds between /proc samples of the memory probe


def aspo_in_process(account: Path, templates: Path, output: Path) -> Callable[[], None]:
    """aspo's in-process build of one account: the only place that knows aspo's in-process API.

    Loads the library (once, as a batch build does) and returns a call that renders the account's outputs in
    memory and writes them to output/<account>/. Raises ImportError when the API has moved.
    """
    from aspo.build.builder import Builder
    from aspo.build.output import write_outputs
    from aspo.library.content import load_library

    builder = Builder(load_library(templates), output)  # a batch build's state: templates prepared once

    def run() -> None:
        rendered = builder.render(builder.prepare(account))
        write_outputs(output / account.stem, rendered.files)

    return run


def plain_in_process(account: Path, output: Path) -> Callable[[], None]:
    spec = importlib.util.spec_from_file_location("plain_build", PLAIN)
    plain = sys.modules["plain_build"] = importlib.util.module_from_spec(spec)  # pydantic looks its models up there
    spec.loader.exec_module(plain)
    return lambda: plain.build(account, output)


# --- the sides of a comparison -------------------------------------------------------------------------------


@dataclass
class Side:
    """One thing timed: a command run as a process, or a call in this process. `before` runs untimed."""

    label: str
    command: list[str] | None = None
    call: Callable[[], None] | None = None
    before: Callable[[], None] | None = None
    ok_codes: tuple[int, ...] = (0,)
    cwd: Path = ROOT
    env: dict[str, str] | None = None

    def run(self) -> tuple[float, float]:
        """(wall, CPU) seconds of one run."""
        if self.before:
            self.before()
        gc.collect()  # neither side pays for the other's garbage
        if self.call:
            cpu, wall = time.process_time(), time.perf_counter()
            self.call()
            return time.perf_counter() - wall, time.process_time() - cpu
        usage, wall = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        done = subprocess.run(self.command, cwd=self.cwd, env=self.env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
        wall = time.perf_counter() - wall
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode not in self.ok_codes:
            raise SystemExit(f"benchmark: {' '.join(map(str, self.command))} exited {done.returncode}:\n"
                             f"{done.stderr.decode(errors='replace')[-2000:]}")
        return wall, (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)


@dataclass
class Result:
    name: str
    what: str
    target: float | None
    a_wall: list[float] = field(default_factory=list)
    a_cpu: list[float] = field(default_factory=list)
    b_wall: list[float] = field(default_factory=list)
    b_cpu: list[float] = field(default_factory=list)
    note: str = ""  # a memory figure, or why the comparison was skipped

    def ratio(self, a: list[float], b: list[float]) -> float:
        return statistics.median(x / y for x, y in zip(a, b))

    @property
    def ratio_wall(self) -> float:
        return self.ratio(self.a_wall, self.b_wall)

    @property
    def ratio_cpu(self) -> float:
        return self.ratio(self.a_cpu, self.b_cpu)


def interleave(name: str, what: str, target: float | None, a: Side, b: Side, runs: int,
               rng: random.Random) -> Result:
    """Runs A and B once each per round, in shuffled order, after one untimed run of each."""
    progress(f"{name}: warm-up")
    a.run()
    b.run()
    orders = [(a, b)] * ((runs + 1) // 2) + [(b, a)] * (runs // 2)
    rng.shuffle(orders)
    result = Result(name, what, target)
    for number, order in enumerate(orders, 1):
        progress(f"{name}: round {number}/{runs}")
        for side in order:
            wall, cpu = side.run()
            walls, cpus = (result.a_wall, result.a_cpu) if side is a else (result.b_wall, result.b_cpu)
            walls.append(wall)
            cpus.append(cpu)
    return result


# --- inputs -------------------------------------------------------------------------------------------------


def copy_accounts(folder: Path, count: int) -> Path:
    """`count` accounts in `folder`: copies of accounts/*.yaml under new file names, each its own `name:`."""
    folder.mkdir(parents=True)
    samples = sorted((ROOT / "accounts").glob("*.yaml"))
    for other in (ROOT / "accounts").iterdir():
        if other.is_file() and other.suffix != ".yaml":
            shutil.copy(other, folder)  # logos, named relative to the account file
    for number in range(count):
        sample = samples[number % len(samples)]
        text, changed = re.subn(r"^name: *(.+?) *$", rf"name: \1 {number:03d}", sample.read_text(encoding="utf-8"),
                                count=1, flags=re.MULTILINE)
        assert changed, f"no name: line in {sample}"
        (folder / f"{sample.stem}-{number:03d}.yaml").write_text(text, encoding="utf-8")
    return folder


def doubled_project(folder: Path) -> Path:
    """A copy of templates/ and accounts/ with every block, scenario and account there twice."""
    shutil.copytree(ROOT / "templates", folder / "templates")
    shutil.copytree(ROOT / "accounts", folder / "accounts")
    for pattern, key in (("templates/blocks/*.md", "id"), ("templates/scenarios/*.yaml", "id"),
                         ("accounts/*.yaml", "name")):
        for path in sorted(folder.glob(pattern)):
            variant = re.fullmatch(r"([a-z0-9-]+)(\.[a-z]{2,3}(?:-[A-Za-z0-9]+)*\.(?:md|yaml))", path.name)
            if variant:  # a translation names its source by its file's name: the copy's, for the source's copy
                path.with_name(f"{variant[1]}-copy2{variant[2]}").write_text(path.read_text(encoding="utf-8"),
                                                                             encoding="utf-8")
                continue
            text, changed = re.subn(rf"^{key}: *(.+?) *$", rf"{key}: \1-copy2", path.read_text(encoding="utf-8"),
                                    count=1, flags=re.MULTILINE)
            assert changed, f"no {key}: line in {path}"
            path.with_name(f"{path.stem}-copy2{path.suffix}").write_text(text, encoding="utf-8")
    return folder


def cached(tmp: Path) -> dict[str, str]:
    """The environment of an aspo command with its own cache folder under `tmp`."""
    return {**os.environ, "ASPO_CACHE_DIR": str(tmp / "aspo-cache")}


def fresh(folder: Path) -> Callable[[], None]:
    return lambda: shutil.rmtree(folder, ignore_errors=True)


# --- the comparisons ----------------------------------------------------------------------------------------


def compare_build(tmp: Path, runs: int, rng: random.Random) -> Result:
    account = "accounts/acme.yaml"
    return interleave("build", f"`aspo build --force {account}` vs plain script, whole process, warm", 0.9,
                      Side("aspo", ASPO + ["build", "--force", account, "-o", str(tmp / "aspo")], env=cached(tmp)),
                      Side("plain", [sys.executable, str(PLAIN), "-o", str(tmp / "plain"), account]), runs, rng)


def compare_cold(tmp: Path, runs: int, rng: random.Random) -> Result:
    account = "accounts/acme.yaml"
    return interleave("cold", f"`aspo build --force {account}` vs plain script, whole process, ASPO_NO_CACHE=1",
                      None, Side("aspo", ASPO + ["build", "--force", account, "-o", str(tmp / "aspo")],
                                 env={**cached(tmp), "ASPO_NO_CACHE": "1"}),
                      Side("plain", [sys.executable, str(PLAIN), "-o", str(tmp / "plain"), account]), runs, rng)


def compare_inproc(tmp: Path, runs: int, rng: random.Random) -> Result:
    what = "one account in process (library loaded once) vs plain build function"
    account = ROOT / "accounts" / "acme.yaml"
    try:
        aspo = aspo_in_process(account, ROOT / "templates", tmp / "aspo")
    except ImportError as exc:
        return Result("inproc", what, 0.25, note=f"skipped: aspo's in-process API has moved ({exc})")
    plain = plain_in_process(account, tmp / "plain")
    return interleave("inproc", what, 0.25, Side("aspo", call=aspo), Side("plain", call=plain), runs, rng)


def compare_batch(tmp: Path, runs: int, rng: random.Random) -> Result:
    accounts = copy_accounts(tmp / "accounts", 100)
    aspo_out, plain_out = tmp / "aspo", tmp / "plain"
    return interleave(
        "batch", "100 accounts from scratch: `aspo build -j 2` vs plain script, pool of 2, whole process", 0.33,
        Side("aspo", ASPO + ["build", "-j", "2", "--templates", str(ROOT / "templates"), "-o", str(aspo_out),
                             str(accounts)], before=fresh(aspo_out), env=cached(tmp)),
        Side("plain", [sys.executable, str(PLAIN), "-j", "2", "-o", str(plain_out), str(accounts)],
             before=fresh(plain_out)), runs, rng)


def compare_explain(tmp: Path, runs: int, rng: random.Random) -> Result:
    return interleave("explain", '`aspo explain accounts/acme.yaml` vs `python -c "import click"`, warm', 2.0,
                      Side("aspo", ASPO + ["explain", "accounts/acme.yaml"], env=cached(tmp)),
                      Side("click", IMPORT_CLICK), runs, rng)


def compare_help(tmp: Path, runs: int, rng: random.Random) -> Result:
    return interleave("help", '`aspo --help` vs `python -c "import click"`', 1.2,
                      Side("aspo", ASPO + ["--help"], env=cached(tmp)), Side("click", IMPORT_CLICK), runs, rng)


def compare_check(tmp: Path, runs: int, rng: random.Random) -> Result:
    normal, doubled = tmp / "normal", doubled_project(tmp / "doubled")
    shutil.copytree(ROOT / "templates", normal / "templates")
    shutil.copytree(ROOT / "accounts", normal / "accounts")

    def check(project: Path) -> Side:
        # exit 1 (problems found) still means the whole check ran; 2 means it could not
        return Side(project.name, ASPO + ["check", "--templates", str(project / "templates"),
                                          "--accounts", str(project / "accounts")], ok_codes=(0, 1), env=cached(tmp))

    blocks = len(list((doubled / "templates" / "blocks").glob("*.md")))
    accounts = len(list((doubled / "accounts").glob("*.yaml")))
    return interleave("check", f"`aspo check`, library and accounts doubled ({blocks} blocks, {accounts} accounts) "
                      "vs normal", 2.4, check(doubled), check(normal), runs, rng)


def measure_memory(tmp: Path, runs: int, rng: random.Random) -> Result:
    accounts = copy_accounts(tmp / "accounts", 200)
    output = tmp / "output"
    command = ASPO + ["build", "--templates", str(ROOT / "templates"), "-o", str(output), str(accounts)]
    os.environ["ASPO_CACHE_DIR"] = str(tmp / "aspo-cache")  # the probe's children: this comparison's own cache
    result = Result("memory", "peak memory, `aspo build` of 200 accounts from scratch (default jobs)", None)
    largest, tree = [], []
    for number in range(runs):
        progress(f"memory: run {number + 1}/{runs}")
        shutil.rmtree(output, ignore_errors=True)
        # a fresh probe process, so RUSAGE_CHILDREN's maximum is this build's and not an earlier one's
        probe = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--memory-probe", *command],
                               cwd=ROOT, capture_output=True, text=True)
        if probe.returncode:
            raise SystemExit(f"benchmark: memory probe failed:\n{probe.stderr[-2000:]}")
        figures = json.loads(probe.stdout.splitlines()[-1])
        largest.append(figures["maxrss_mb"])
        tree.append(figures["tree_mb"])
        result.a_wall.append(figures["wall"])
    result.note = (f"{statistics.median(tree):.0f} MB summed over the tree, "
                   f"{statistics.median(largest):.0f} MB largest process")
    return result


def commit_all(folder: Path, message: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", message]):
        subprocess.run(["git", *args], cwd=folder, check=True, env=env)


def templates_and_logos(folder: Path) -> Path:
    """A copy of templates/ in `folder`, and an empty accounts/ beside it holding the samples' logos; returns it."""
    shutil.copytree(ROOT / "templates", folder / "templates")
    accounts = folder / "accounts"
    accounts.mkdir()
    for other in (ROOT / "accounts").iterdir():
        if other.is_file() and other.suffix != ".yaml":
            shutil.copy(other, accounts)
    return accounts


def review_project(folder: Path) -> Path:
    """50 accounts in a new git repository: 10 copies of Acme (of the samples, the only one whose next step is the
    next-steps-pilot block), 20 each of Globex and Northwind Health, each with its own name and next step (so no
    two draw the same slide); then one sentence of that block changed."""
    accounts = templates_and_logos(folder)
    for number in range(50):
        sample = "acme" if number < 10 else "globex" if number < 30 else "northwind-health"
        text, changed = re.subn(r"^name: *(.+?) *$", rf"name: \1 {number:03d}",
                                (ROOT / "accounts" / f"{sample}.yaml").read_text(encoding="utf-8"), count=1,
                                flags=re.MULTILINE)
        text, steps = re.subn(r"^(  action: *.+?) *$", rf"\1, step {number:03d}", text, count=1, flags=re.MULTILINE)
        assert changed and steps, f"no name: or next_step's action: line in {sample}.yaml"
        (accounts / f"{sample}-{number:03d}.yaml").write_text(text, encoding="utf-8")
    commit_all(folder, "fifty accounts")
    block = folder / "templates/blocks/next-steps-pilot.md"
    old = "A pilot should answer one question"
    assert old in block.read_text(encoding="utf-8"), f"{old!r} is no longer in {block.name}"
    block.write_text(block.read_text(encoding="utf-8").replace(old, "A pilot should answer a single question"),
                     encoding="utf-8")
    return folder


def layout_project(folder: Path) -> Path:
    """30 accounts (10 each of Acme, Globex and Northwind Health, each its own name) in a new git repository; then
    the deck template's heading font changed, as a rebranding would: every slide of every deck draws differently."""
    import zipfile

    accounts = templates_and_logos(folder)
    for number in range(30):
        sample = ("acme", "globex", "northwind-health")[number % 3]
        text, changed = re.subn(r"^name: *(.+?) *$", rf"name: \1 {number:03d}",
                                (ROOT / "accounts" / f"{sample}.yaml").read_text(encoding="utf-8"), count=1,
                                flags=re.MULTILINE)
        assert changed, f"no name: line in {sample}.yaml"
        (accounts / f"{sample}-{number:03d}.yaml").write_text(text, encoding="utf-8")
    commit_all(folder, "thirty accounts")
    deck = folder / "templates" / "layouts" / "deck.pptx"
    with zipfile.ZipFile(deck) as old:
        parts = [(info, old.read(info)) for info in old.infolist()]
    changed = 0
    with zipfile.ZipFile(deck, "w", zipfile.ZIP_DEFLATED) as new:
        for info, data in parts:
            if info.filename.startswith("ppt/theme/"):
                data, count = re.subn(rb'(<a:majorFont><a:latin typeface=")[^"]*"', rb'\1DejaVu Serif"', data)
                changed += count
            new.writestr(info, data)
    assert changed, f"no heading font in {deck.name}'s themes"
    return folder


def review_tools() -> bool:
    """Whether LibreOffice and poppler-utils are here to draw a review page."""
    return bool((shutil.which("soffice") or shutil.which("libreoffice")) and shutil.which("pdftoppm"))


def review_command(tmp: Path) -> tuple[list[str], Path, dict[str, str]]:
    """`aspo diff --rev HEAD --html` of a review project's accounts, its cache folder and its environment."""
    cache = tmp / "cache"
    return (ASPO + ["diff", "--rev", "HEAD", "--html", str(tmp / "review"), "accounts/"], cache,
            {**os.environ, "ASPO_CACHE_DIR": str(cache)})


def measure_review(tmp: Path, runs: int, rng: random.Random) -> Result:
    what = "`aspo diff --rev HEAD --html` of 50 accounts, a block 10 use changed: empty picture cache vs full"
    if not review_tools():
        return Result("review", what, None, note="skipped: needs LibreOffice and poppler-utils")
    project = review_project(tmp / "project")
    command, cache, env = review_command(tmp)
    # exit status 1: the review found changes
    empty = Side("empty cache", command, before=fresh(cache), ok_codes=(1,), cwd=project, env=env)
    full = Side("full cache", command, ok_codes=(1,), cwd=project, env=env)
    return interleave("review", what, None, empty, full, runs, rng)


def measure_layout(tmp: Path, runs: int, rng: random.Random) -> Result:
    what = ("`aspo diff --rev HEAD --html` of 30 accounts after a layout change, empty picture cache: "
            "default jobs vs -j 1")
    if not review_tools():
        return Result("layout", what, None, note="skipped: needs LibreOffice and poppler-utils")
    project = layout_project(tmp / "project")
    command, cache, env = review_command(tmp)
    every_core = Side("default jobs", command, before=fresh(cache / "pictures"), ok_codes=(1,), cwd=project, env=env)
    one = Side("-j 1", command + ["-j", "1"], before=fresh(cache / "pictures"), ok_codes=(1,), cwd=project, env=env)
    return interleave("layout", what, None, every_core, one, runs, rng)


def memory_probe(command: list[str]) -> None:
    """Runs `command`, sampling the RSS of it and its descendants; prints the figures as one JSON line."""
    page = os.sysconf("SC_PAGE_SIZE")
    start = time.perf_counter()
    errors = tempfile.TemporaryFile()  # not a pipe: 200 accounts' warnings would fill it while we poll
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=errors)
    peak = 0
    while child.poll() is None:
        peak = max(peak, tree_rss(child.pid, page))
        time.sleep(SAMPLE_EVERY)
    wall = time.perf_counter() - start
    if child.returncode:
        errors.seek(0)
        sys.exit(f"{' '.join(command)} exited {child.returncode}:\n{errors.read().decode(errors='replace')[-2000:]}")
    maxrss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KB on Linux
    print(json.dumps({"maxrss_mb": maxrss / 1024, "tree_mb": peak / 2**20, "wall": wall}))


def tree_rss(root: int, page: int) -> int:
    """Bytes resident in `root` and all its descendants (shared pages counted in each process)."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):  # no /proc/PID/task/*/children on every kernel: read every parent
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as stat:
                    parents[int(entry.name)] = int(stat.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass  # gone meanwhile
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/statm", "rb") as statm:
                total += int(statm.read().split()[1]) * page
        except (OSError, IndexError, ValueError):
            pass
    return total


COMPARISONS: dict[str, tuple[Callable[[Path, int, random.Random], Result], int]] = {
    # name: (function, default rounds), chosen so the whole benchmark takes 2-4 minutes on 2 cores
    "build": (compare_build, 15),
    "cold": (compare_cold, 11),
    "inproc": (compare_inproc, 31),
    "batch": (compare_batch, 5),
    "explain": (compare_explain, 15),
    "help": (compare_help, 21),
    "check": (compare_check, 11),
    "memory": (measure_memory, 3),
    "review": (measure_review, 5),
    "layout": (measure_layout, 3),
}


# --- report -------------------------------------------------------------------------------------------------


def progress(message: str) -> None:
    if sys.stderr.isatty():  # one line, rewritten; nothing in logs
        print(f"\r\033[K{message}", end="", file=sys.stderr, flush=True)


def duration(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1000:.0f} ms"


def facts(seed: int) -> str:
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True,
                           text=True).stdout.strip()
    revision = (head.stdout.strip() or "unknown") + (" with uncommitted changes" if dirty else "")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (f"Python {platform.python_version()} ({sys.executable}), {os.cpu_count()} CPUs ({cores} usable), "
            f"{platform.system()} {platform.machine()}, seed {seed}, aspo at {revision}")


def rows(results: list[Result]) -> list[tuple[str, ...]]:
    table = []
    for r in results:
        target = f"≤ {r.target:g}×" if r.target else "report"
        if not r.a_wall or not r.b_wall:
            table.append((r.what, r.note or "-", "-", "-", "-", target, ""))
            continue
        met = "" if r.target is None else "met" if r.ratio_wall <= r.target else "not met"
        table.append((r.what,
                      f"{duration(statistics.median(r.a_wall))} (CPU {duration(statistics.median(r.a_cpu))})",
                      f"{duration(statistics.median(r.b_wall))} (CPU {duration(statistics.median(r.b_cpu))})",
                      f"{r.ratio_wall:.2f}×", f"{r.ratio_cpu:.2f}×", target, met))
    return table


HEADER = ("what", "aspo median", "comparison median", "ratio wall", "ratio CPU", "target", "")


def markdown(results: list[Result]) -> str:
    lines = ["| " + " | ".join(HEADER[:6]) + " |", "|---|---|---|---|---|---|"]
    lines += ["| " + " | ".join(row[:6]) + " |" for row in rows(results)]
    return "\n".join(lines)


def text(results: list[Result]) -> str:
    table = [HEADER] + rows(results)
    widths = [max(len(row[i]) for row in table) for i in range(len(HEADER))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in table)


def main() -> None:
    if sys.argv[1:2] == ["--memory-probe"]:  # the helper measure_memory starts: python benchmark.py --memory-probe CMD
        return memory_probe(sys.argv[2:])
    parser = argparse.ArgumentParser(prog="python tools/benchmark.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, help="rounds of every comparison (default: each its own, 3 to 31)")
    parser.add_argument("--only", choices=list(COMPARISONS), action="append",
                        help="run only this comparison (repeatable)")
    parser.add_argument("--seed", type=int, help="the shuffle's seed (default: a random one, printed)")
    parser.add_argument("--markdown", action="store_true", help="print the results as a Markdown table")
    args = parser.parse_args()

    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))  # this checkout's aspo, as `python -m aspo` from ROOT runs it
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10**6)
    rng = random.Random(seed)
    print(facts(seed), flush=True)
    started = time.perf_counter()
    results = []
    for name, (compare, default_runs) in COMPARISONS.items():
        if args.only and name not in args.only:
            continue
        with tempfile.TemporaryDirectory(prefix=f"aspo-bench-{name}-") as tmp:
            results.append(compare(Path(tmp), args.runs or default_runs, rng))
    progress("")
    print("\nrounds: " + ", ".join(f"{r.name} {max(len(r.a_wall), len(r.b_wall))}" for r in results))
    print(text(results))
    for r in results:
        if r.name == "memory" and r.note:
            print(f"memory: {r.note} (median of {len(r.a_wall)} builds, {duration(statistics.median(r.a_wall))} each)")
    if args.markdown:
        print()
        print(markdown(results))
    print(f"\nwhole benchmark: {duration(time.perf_counter() - started)}")


if __name__ == "__main__":
    main()
