"""`kill -9` of `aspo build --pdf -j 2` of every sample at many moments, with the real LibreOffice (Linux): after
each kill no converter is running within 5 s, and after the next aspo command no `aspo-*` scratch folder is left.
The quick test of the same promise (one moment, a stand-in converter) is in tests/test_pdf.py.

    .venv/bin/python tools/kill_pdf_build.py [--rounds 20] [--seed N]

Works in a copy of templates/ and accounts/ with a temporary folder (TMPDIR) and cache of its own; prints one line
per round, and exits 1 if any round broke the promise.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import click

REPO = Path(__file__).resolve().parents[1]
GONE_WITHIN = 5.0


def processes_mentioning(text: str) -> dict[int, str]:
    """Live processes (zombies aside) whose command line mentions `text`: pid -> command line."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/stat").read_text()
            command = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if status[status.rindex(")") + 2:].split()[0] != "Z" and text in command:
            found[int(entry)] = command.strip()
    return found


def run_round(root: Path, env: dict[str, str], delay: float) -> tuple[float | None, list[str]]:
    """One build killed after `delay` seconds: (when it was killed, or None if it ended first; what went wrong)."""
    scratch = Path(env["TMPDIR"])
    build = subprocess.Popen([sys.executable, "-m", "aspo", "build", "--pdf", "--force", "-j", "2", "accounts/"],
                             cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + delay
    while build.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    killed = None if build.poll() is not None else delay
    build.kill()
    build.wait()
    problems = []
    until = time.monotonic() + GONE_WITHIN
    while (left := processes_mentioning(str(scratch))) and time.monotonic() < until:
        time.sleep(0.05)
    if left:
        problems.append(f"still running {GONE_WITHIN:g} s after the kill: {sorted(left.values())}")
        for pid in left:
            try:
                os.kill(pid, 9)
            except OSError:
                pass
    subprocess.run([sys.executable, "-m", "aspo", "--version"], cwd=root, env=env, capture_output=True, check=True)
    leftovers = sorted(path.name for path in scratch.iterdir() if path.name.startswith("aspo-"))
    if leftovers:
        problems.append(f"left after the next aspo command: {leftovers}")
        for name in leftovers:
            shutil.rmtree(scratch / name, ignore_errors=True)
    return killed, problems


@click.command()
@click.option("--rounds", default=20, show_default=True, help="How many builds to kill.")
@click.option("--seed", type=int, default=None, help="For the same moments again.")
def main(rounds: int, seed: int | None) -> None:
    if not shutil.which("soffice"):
        sys.exit("kill_pdf_build: needs LibreOffice (soffice)")
    seed = random.randrange(1 << 30) if seed is None else seed
    chooser = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="kill-pdf-build-") as base:
        root = Path(base, "project")
        for folder in ("templates", "accounts"):
            shutil.copytree(REPO / folder, root / folder)
        Path(base, "tmp").mkdir()
        env = {**os.environ, "TMPDIR": str(Path(base, "tmp")), "ASPO_CACHE_DIR": str(Path(base, "cache"))}
        env.pop("ASPO_SOFFICE", None)
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "aspo", "build", "--pdf", "--force", "-j", "2", "accounts/"], cwd=root,
                       env=env, capture_output=True, check=True)
        whole = time.monotonic() - started
        print(f"seed {seed}: a whole build takes {whole:.1f} s; killing {rounds} builds at random moments in it")
        failed = 0
        for number in range(1, rounds + 1):
            killed, problems = run_round(root, env, chooser.uniform(0.0, whole))
            when = f"killed at {killed:.2f} s" if killed is not None else "ended before the kill"
            print(f"round {number}: {when}: {'; '.join(problems) or 'nothing left'}")
            failed += bool(problems)
    print(f"{failed} of {rounds} rounds left something behind")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
