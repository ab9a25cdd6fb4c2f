"""Processes, seen through /proc (Linux): who is whose child, who is still alive; waiting for events; and what an
aspo command imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, TypeVar

T = TypeVar("T")

HAVE_PROC = Path("/proc/self/stat").exists()


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state, parent pid, start time) of a process, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (OSError, ValueError):
        return None
    fields = text[text.rindex(")") + 2:].split()  # the command name in (...) may hold spaces
    return fields[0], int(fields[1]), int(fields[19])


def running() -> dict[int, tuple[str, int, int]]:
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat is not None:
                found[int(entry)] = stat
    return found


def children(pid: int) -> set[int]:
    """The live processes whose parent is `pid`."""
    return {child for child, (state, parent, _) in running().items() if parent == pid and state != "Z"}


def descendants(pid: int) -> set[int]:
    table = running()
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, (state, parent, _) in table.items()
                    if parent in frontier and state != "Z" and child not in found}
        found |= frontier
    return found


class Proc:
    """One process, remembered by pid and start time so a reused pid is not mistaken for it."""

    def __init__(self, pid: int):
        stat = _stat(pid)
        self.pid, self.started = pid, stat[2] if stat else None

    def alive(self) -> bool:
        stat = _stat(self.pid)
        return stat is not None and stat[2] == self.started and stat[0] != "Z"

    def __eq__(self, other) -> bool:
        return isinstance(other, Proc) and (self.pid, self.started) == (other.pid, other.started)

    def __hash__(self) -> int:
        return hash((self.pid, self.started))

    def __repr__(self) -> str:
        return f"{self.pid} ({describe(self.pid)})"


def describe(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return "?"


def cwd(pid: int) -> str | None:
    try:
        return os.readlink(f"/proc/{pid}/cwd")
    except OSError:
        return None


def wait_for(check: Callable[[], T], what: str, timeout: float = 60.0, every: float = 0.005) -> T:
    """Polls `check` until it returns something true, failing after `timeout` seconds (generous: a slow,
    loaded machine is the case to survive; a pass never waits longer than the event takes)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:g} s for {what}")
        time.sleep(every)


#: Modules that cost start-up time, and so must load only where they are used (Pillow's C core stands for
#: Pillow: python-pptx's import of it is deferred until a deck gets a picture).
HEAVY = ("pptx", "docx", "PIL._imaging", "jinja2", "multiprocessing", "concurrent.futures", "aspo.office.deck_template",
         "aspo.office.safety",
         "aspo.render.powerpoint", "aspo.render.word", "aspo.compose.composer", "pydantic", "yaml",
         "aspo.library.schema", "importlib.metadata")

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
