"""`aspo layouts use` stopped or killed at random moments: after each, the library is the old one or the new one,
and `aspo check` passes it.

Run from the repository root (python-pptx, from the test extras, makes the template adopted):

    python tools/interrupt_layouts_use.py [--runs N] [--seed S]

The template adopted is named like the library's own deck (so adopting it replaces templates/layouts/deck.pptx)
and its layouts have other names (so the old outline.yaml cannot build on it): a half-made adoption shows. One
run undisturbed measures when outline.yaml changes after aspo starts (T), and how long the change took. Each of
N runs (20 by default) then starts `aspo layouts use` in a fresh copy of the sample project and sends it SIGTERM,
SIGINT or SIGKILL (chosen at random) at a random moment: half of them anywhere up to 1.5 T, half while the change
is being made (from the moment its first hidden file appears, up to 1.2 times as long as the change took). Then
`aspo check` must exit 0, and templates/ must be byte for byte the old library or the new one, no hidden file
left. One line per run; the exit status is 1 if any run failed. tests/test_layouts.py stops it at chosen moments,
once per signal, in the default test run.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ASPO = [sys.executable, "-m", "aspo"]
SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGKILL)
TODAY = "2026-11-22"  # the day the tests check the samples on


def brand_deck() -> bytes:
    """python-pptx's default template with its layouts renamed, as another brand's template would be."""
    from pptx import Presentation

    buffer = io.BytesIO()
    Presentation().save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename.startswith("ppt/slideLayouts/slideLayout"):
                data = re.sub(rb'<p:cSld name="', b'<p:cSld name="Brand ', data)
            new.writestr(info, data)
    return out.getvalue()


def files(templates: Path) -> dict[str, bytes]:
    """Every file of the library, hidden ones included."""
    return {path.relative_to(templates).as_posix(): path.read_bytes() for path in sorted(templates.rglob("*"))
            if path.is_file()}


def project(base: Path, name: str) -> Path:
    folder = base / name
    for part in ("templates", "accounts", "schemas"):
        shutil.copytree(ROOT / part, folder / part)
    return folder


def start(folder: Path, brand: Path) -> subprocess.Popen:
    # Ctrl-C acts as at a terminal, whatever started this tool (a shell starts background jobs with it ignored)
    return subprocess.Popen([*ASPO, "layouts", "use", str(brand)], cwd=folder, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def hidden(templates: Path) -> list[str]:
    """The hidden files in the library and its layouts folder: an adoption under way (or one that was killed)."""
    found = []
    for folder in (templates, templates / "layouts"):
        try:
            found += [entry.name for entry in os.scandir(folder) if entry.name.startswith(".")]
        except OSError:
            pass
    return sorted(found)


def measure(folder: Path, brand: Path) -> tuple[float, float, dict[str, bytes]]:
    """In an undisturbed run: when the change begins (its first hidden file appears) and when outline.yaml has
    changed, after aspo starts; and the library it leaves."""
    templates = folder / "templates"
    before = (templates / "outline.yaml").read_bytes()
    began = time.perf_counter()
    process = start(folder, brand)
    staged = changed = None
    while changed is None and process.poll() is None:
        if staged is None and hidden(templates):
            staged = time.perf_counter() - began
        if (templates / "outline.yaml").read_bytes() != before:
            changed = time.perf_counter() - began
    _, err = process.communicate()
    if process.returncode != 0 or changed is None:
        sys.exit(f"the undisturbed run failed (exit status {process.returncode}): {err}")
    return changed if staged is None else staged, changed, files(templates)


def wait_for_the_change(process: subprocess.Popen, templates: Path) -> None:
    """Returns when the adoption's first hidden file appears (or aspo has ended)."""
    while process.poll() is None and not hidden(templates):
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=None, help="for the moments and signals (default: random)")
    options = parser.parse_args()
    seed = options.seed if options.seed is not None else random.randrange(1 << 30)
    chosen = random.Random(seed)
    failed = 0
    with tempfile.TemporaryDirectory(prefix="interrupt-layouts-use-") as base:
        base = Path(base)
        brand = base / "brand" / "deck.pptx"
        brand.parent.mkdir()
        brand.write_bytes(brand_deck())
        old = files(project(base, "pristine") / "templates")
        begins, ends, new = measure(project(base, "measured"), brand)
        print(f"seed {seed}; the change began {begins * 1000:.1f} ms after aspo started, and outline.yaml had "
              f"changed {ends * 1000:.1f} ms after")
        outcomes = {"old": 0, "new": 0}
        for run in range(options.runs):
            folder = base / f"run-{run}"
            shutil.copytree(base / "pristine", folder)
            signum = chosen.choice(SIGNALS)
            during = run % 2 == 0
            delay = chosen.uniform(0, 1.2 * (ends - begins) if during else 1.5 * ends)
            process = start(folder, brand)
            if during:
                wait_for_the_change(process, folder / "templates")
            time.sleep(delay)  # the random moment itself
            if process.poll() is None:
                process.send_signal(signum)
            _, err = process.communicate()
            left = hidden(folder / "templates")  # for the next command to settle
            check = subprocess.run([*ASPO, "check", "--today", TODAY], cwd=folder, capture_output=True, text=True)
            found = files(folder / "templates")
            outcome = "new" if found == new else "old" if found == old else "mixed"
            problem = ("aspo check failed: " + (check.stderr or check.stdout).strip().splitlines()[-1]
                       if check.returncode else "the library is neither the old one nor the new one"
                       if outcome == "mixed" else "internal error" if "internal error" in err else "")
            failed += bool(problem)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            when = f"{delay * 1000:5.1f} ms into the change" if during else f"{delay * 1000:5.0f} ms after start"
            print(f"run {run + 1:2}: {signal.Signals(signum).name:7} {when}: exit "
                  f"{process.returncode:4}, library {outcome}" + (f" (left {', '.join(left)})" if left else "")
                  + (f"; FAILED: {problem}" if problem else ""))
            shutil.rmtree(folder)
    print(f"{options.runs - failed} of {options.runs} runs left the old library or the new one, which aspo check "
          f"passes ({outcomes['old']} old, {outcomes['new']} new)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
