"""Child processes (LibreOffice, pdftoppm, git) and their scratch folders: neither outlives aspo, kill -9 included.

Every child is started through `start` (or `run`), which starts it under a guardian: a small Python process that
puts the child in a process group of its own and holds one end of a socket whose other end only aspo holds. When
aspo ends, however it ends, the kernel closes aspo's end; the guardian sees that at once and kills the child's whole
group, so grandchildren die too (soffice forks soffice.bin, which Linux's parent-death signal would miss: that
signal is neither inherited across fork nor sent for a grandparent). When the child ends, the guardian kills what it
left running in its group and exits with the child's status.

Scratch folders (`ScratchFolder`) are named for their owner (pid and start time) and locked while it lives; the
next aspo command removes those of owners that are gone (`remove_leftovers`).

This file is also the guardian's program: it runs as `python -I -S children.py guard FD COMMAND...`, so at the top
it imports nothing but what the guardian needs.
"""

from __future__ import annotations

import os
import signal
import stat
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing, which would slow every guardian's start
if TYPE_CHECKING:
    import socket
    import subprocess
    from pathlib import Path

#: What `run` keeps of a child's standard output unless told otherwise, and of its error output.
MAX_OUTPUT = 64 * 1024 * 1024
MAX_ERROR_OUTPUT = 64 * 1024
#: How long a guardian told to stop may take before it is killed itself (it needs milliseconds).
_STOP_SECONDS = 5.0
#: Scratch folders: aspo-KIND-PID-START-XXXXXXXX in the temporary folder.
SCRATCH_PREFIX = "aspo-"
_KILLED_WITH_ASPO = 128 + 9  # the guardian's status when aspo went first (nobody reads it)


class OutputTooLarge(Exception):
    """A child wrote more to its standard output than the caller allowed; it was stopped."""

    def __init__(self, limit: int):
        super().__init__(f"more than {limit} bytes of output")
        self.limit = limit


class Child:
    """A child process started by `start`: its pid, its pipes (if any), and how to wait for it or stop it."""

    def __init__(self, guardian: subprocess.Popen, link: socket.socket, pid: int):
        self._guardian, self._link, self.pid = guardian, link, pid
        self.stdout, self.stderr = guardian.stdout, guardian.stderr

    @property
    def returncode(self) -> int | None:
        return self._guardian.returncode

    def poll(self) -> int | None:
        return self._guardian.poll()

    def wait(self, timeout: float | None = None) -> int:
        """The child's exit status (negative: the signal that ended it), once it and all it started have ended;
        subprocess.TimeoutExpired if that takes longer than `timeout` seconds (the child keeps running)."""
        status = self._guardian.wait(timeout)
        self._link.close()
        return status

    def stop(self) -> None:
        """Ends the child and everything it started, now; nothing if it has ended already."""
        import subprocess

        self._link.close()  # the guardian kills the child's group as soon as it sees this
        try:
            self._guardian.wait(_STOP_SECONDS)
        except subprocess.TimeoutExpired:  # never seen: the guardian is a few lines of Python
            _kill_group(self.pid)
            self._guardian.kill()
            self._guardian.wait()


class LeafChild:
    """A child that starts no processes of its own (pdftoppm, pdftotext, git), started by `start(..., leaf=True)`
    with the kernel's parent-death signal instead of a guardian: the same interface as Child."""

    def __init__(self, process: subprocess.Popen):
        self._process, self.pid = process, process.pid
        self.stdout, self.stderr = process.stdout, process.stderr

    @property
    def returncode(self) -> int | None:
        return self._process.returncode

    def poll(self) -> int | None:
        return self._process.poll()

    def wait(self, timeout: float | None = None) -> int:
        return self._process.wait(timeout)

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()


def _death_signal_wrapper() -> list[str] | None:
    """util-linux's setpriv, which sets Linux's parent-death signal and then runs the program (about 1 ms, where a
    guardian takes 15): a program started so is killed the moment the thread that started it ends, and with it
    aspo, kill -9 included. None where there is no setpriv (then a guardian does the job)."""
    global _WRAPPER
    if _WRAPPER is None:
        import shutil

        found = shutil.which("setpriv") if sys.platform.startswith("linux") else None
        _WRAPPER = [found, "--pdeathsig", "KILL", "--"] if found else []
    return _WRAPPER or None


_WRAPPER: list[str] | None = None


def start(command: list[str], *, stdin=None, stdout=None, stderr=None, env: dict[str, str] | None = None,
          cwd: str | os.PathLike | None = None, leaf: bool = False) -> Child | LeafChild:
    """Starts `command` so that it, and every process it starts, ends when aspo ends; in a session of its own, so
    Ctrl-C at a terminal reaches aspo only (aspo then stops it). `stdin` (DEVNULL unless given), `stdout`,
    `stderr`, `env` (aspo's own unless given) and `cwd` are as for subprocess.Popen. Raises OSError, as Popen
    does, when the command cannot be started.

    `leaf`: the program starts nothing that outlives it, and the calling thread waits for it; then the kernel's
    parent-death signal is enough, and cheaper than a guardian. (Should aspo die in the millisecond before the
    signal is set, such a program runs on to its end, which for these is soon.)"""
    import socket
    import subprocess

    from aspo.core.stopping import stops_deferred

    wrapper = _death_signal_wrapper() if leaf else None
    if wrapper:
        import shutil

        if shutil.which(command[0], path=(env or os.environ).get("PATH")) is None:  # as Popen would say it
            raise FileNotFoundError(2, os.strerror(2), command[0])
        with stops_deferred():  # a stop inside Popen would leave a child no code knows about
            process = subprocess.Popen([*wrapper, *command], stdin=subprocess.DEVNULL if stdin is None else stdin,
                                       stdout=stdout, stderr=stderr, cwd=cwd, env=env, start_new_session=True)
        return LeafChild(process)
    ours, theirs = socket.socketpair()
    try:
        # a stop while Popen runs would leave a guardian no code knows about: it waits until `guardian` is set
        with stops_deferred():
            guardian = subprocess.Popen(
                [sys.executable, "-I", "-S", os.path.abspath(__file__), "guard", str(theirs.fileno()), *command],
                stdin=subprocess.DEVNULL if stdin is None else stdin, stdout=stdout, stderr=stderr, cwd=cwd,
                env=env, pass_fds=(theirs.fileno(),), start_new_session=True)
        theirs.close()
        environment = os.environ if env is None else env
        # the guardian's own environment may differ (Python may set LC_CTYPE as it starts): it is sent the real one
        blob = b"\0".join(os.fsencode(key) + b"=" + os.fsencode(value) for key, value in environment.items())
        ours.sendall(len(blob).to_bytes(8, "big") + blob)
        reply = _read_line(ours)
        if not reply.startswith(b"S"):
            guardian.wait()
            ours.close()
            number = int(reply[1:] or 0) if reply.startswith(b"E") else 0
            raise OSError(number, os.strerror(number) if number else "its guardian did not start", command[0])
        return Child(guardian, ours, int(reply[1:]))
    except BaseException:  # a guardian already started sees its link close, kills what it started, and exits
        theirs.close()
        ours.close()
        raise


def run(command: list[str], *, timeout: float, limit: int = MAX_OUTPUT, env: dict[str, str] | None = None,
        cwd: str | os.PathLike | None = None, leaf: bool = False) -> subprocess.CompletedProcess:
    """Runs `command` to its end, as `start` starts it, and returns its status and output (bytes): stdout up to
    `limit` bytes, stderr's first MAX_ERROR_OUTPUT. The command is stopped, and subprocess.TimeoutExpired raised,
    after `timeout` seconds; OutputTooLarge when it writes more than `limit` bytes."""
    import subprocess

    child = start(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd, leaf=leaf)
    try:
        out, err = _collect(child, command, timeout, limit)
        status = child.wait(_STOP_SECONDS)  # both pipes closed: the guardian is on its way out
    finally:
        child.stop()
        for pipe in (child.stdout, child.stderr):
            pipe.close()
    return subprocess.CompletedProcess(command, status, out, err)


def _collect(child: Child | LeafChild, command: list[str], timeout: float, limit: int) -> tuple[bytes, bytes]:
    """Reads both pipes to their ends within `timeout` seconds, stdout up to `limit` bytes."""
    import selectors
    import subprocess
    import time

    deadline = time.monotonic() + timeout
    kept: dict[int, list[bytes]] = {child.stdout.fileno(): [], child.stderr.fileno(): []}
    sizes = dict.fromkeys(kept, 0)
    caps = {child.stdout.fileno(): limit, child.stderr.fileno(): MAX_ERROR_OUTPUT}
    with selectors.DefaultSelector() as selector:
        for fd in kept:
            selector.register(fd, selectors.EVENT_READ)
        while selector.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                raise subprocess.TimeoutExpired(command, timeout)
            for key, _ in selector.select(left):
                chunk = os.read(key.fd, 1 << 16)
                if not chunk:
                    selector.unregister(key.fd)
                    continue
                room = caps[key.fd] - sizes[key.fd]
                if key.fd == child.stdout.fileno() and len(chunk) > room:
                    raise OutputTooLarge(limit)
                kept[key.fd].append(chunk[:max(room, 0)])  # error output past its cap is read and dropped
                sizes[key.fd] += len(chunk)
    return b"".join(kept[child.stdout.fileno()]), b"".join(kept[child.stderr.fileno()])


def _read_line(link: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\n"):
        chunk = link.recv(64)
        if not chunk:
            break
        data += chunk
    return data.strip()


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass  # gone already


# --- the guardian ------------------------------------------------------------------------------------------------

def _guard(link: int, command: list[str]) -> None:
    """Starts `command` in a group of its own and kills that group when aspo's end of `link` closes (aspo ended
    or stopped the child), when the guardian is told to stop, or when the child ends (whatever it left running);
    exits as the child did."""
    import threading

    os.set_inheritable(link, False)
    size = int.from_bytes(_receive(link, 8), "big")
    env = dict(entry.split(b"=", 1) for entry in _receive(link, size).split(b"\0") if entry)
    try:
        # SIGPIPE and SIGXFSZ as a program expects them: Python ignores them in its own process
        child = os.posix_spawnp(command[0], command, env, setpgroup=0,
                                setsigdef=(signal.SIGPIPE, signal.SIGXFSZ), setsigmask=())
    except OSError as exc:
        os.write(link, b"E%d\n" % (exc.errno or 0))
        os._exit(127)
    lock, reaped = threading.Lock(), []

    def end(*_) -> None:
        if not reaped:  # once reaped, its group number may belong to someone else
            _kill_group(child)
        os._exit(_KILLED_WITH_ASPO)

    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(signum, end)

    def watch() -> None:
        while True:
            try:
                if not os.read(link, 4096):
                    break
            except OSError:
                break
        with lock:
            end()

    try:
        os.write(link, b"S%d\n" % child)
    except OSError:  # aspo is gone already
        end()
    threading.Thread(target=watch, daemon=True).start()
    if hasattr(os, "waitid"):  # ended but not reaped, so its group number cannot be reused meanwhile
        os.waitid(os.P_PID, child, os.WEXITED | os.WNOWAIT)
    with lock:
        _kill_group(child)  # what it left running
        status = os.waitstatus_to_exitcode(os.waitpid(child, 0)[1])
        reaped.append(child)
        if status < 0:  # killed by a signal: the guardian ends the same way, so aspo sees what the child did
            signal.signal(-status, signal.SIG_DFL)
            os.kill(os.getpid(), -status)
        os._exit(status if status >= 0 else 128 - status)


def _receive(link: int, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = os.read(link, count - len(data))
        if not chunk:
            os._exit(_KILLED_WITH_ASPO)  # aspo ended before the child was started
        data += chunk
    return data


# --- scratch folders ---------------------------------------------------------------------------------------------

class ScratchFolder:
    """A new private folder (mode 0700) in the temporary folder, named for its owner and locked while it lives;
    removed with all it holds by remove(), or on leaving a `with` block. Should aspo be killed first, the next aspo
    command removes it."""

    def __init__(self, kind: str):
        import tempfile
        from pathlib import Path

        self.path = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{kind}-{os.getpid()}-"
                                          f"{_start_time(os.getpid()) or 0}-"))
        self._lock = _lock(str(self.path), wait=True)

    def remove(self) -> None:
        import shutil

        shutil.rmtree(self.path, ignore_errors=True)
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    def __enter__(self) -> Path:
        return self.path

    def __exit__(self, *exc) -> None:
        self.remove()


def remove_leftovers() -> list[str]:
    """Removes the scratch folders of aspo processes that are gone (killed before they could), in every folder
    aspo's temporary files may be in; returns their paths. Folders of live owners, of other users, and whatever
    is not a scratch folder aspo made stay. Runs before every command, so it never fails one: what it cannot
    judge or remove it leaves."""
    removed = []
    for parent in _temporary_folders():
        try:
            entries = [entry for entry in os.scandir(parent) if entry.name.startswith(SCRATCH_PREFIX)]
        except OSError:
            continue
        for entry in entries:
            try:
                if _abandoned(entry) and _remove_unlocked(entry.path):
                    removed.append(entry.path)
            except Exception:  # anything in /tmp may be named anything: a sweep that fails leaves that entry
                continue
    return removed


def _abandoned(entry: os.DirEntry) -> bool:
    """Whether `entry` is a scratch folder of ours whose owner is gone: judged by its type and owner first (a
    link or another user's folder is never ours), then by its name."""
    found = entry.stat(follow_symlinks=False)
    if not stat.S_ISDIR(found.st_mode) or found.st_uid != os.getuid():
        return False
    owner = _owner(entry.name)
    return owner is not None and not process_alive(*owner)


def _remove_unlocked(folder: str) -> bool:
    """Removes the folder unless it is locked: its owner, or a process it started, still works in it."""
    import shutil

    lock = _lock(folder, wait=False)
    if lock is None:
        return False
    try:
        shutil.rmtree(folder, ignore_errors=True)
    finally:
        os.close(lock)
    return True


def _temporary_folders() -> list[str]:
    """Where tempfile may put aspo's scratch folders (its first choice, by the same rules, without importing it)."""
    named = [os.environ.get(name) for name in ("TMPDIR", "TEMP", "TMP")]
    found = []
    for folder in (*named, "/tmp", "/var/tmp", "/usr/tmp"):
        if folder and folder not in found and os.path.isdir(folder):
            found.append(folder)
    return found


#: A scratch folder's name, in ASCII only (str.isdigit takes "²", which int() refuses): its kind, its owner's pid
#: and start time, and what tempfile.mkdtemp adds. A pid has at most 10 digits, and a start time 20.
_SCRATCH_NAME = r"aspo-[a-z]+-(?P<pid>[0-9]{1,10})-(?P<started>[0-9]{1,20})-[a-z0-9_]+"


def _owner(name: str) -> tuple[int, int] | None:
    """(pid, start time) from a scratch folder's name, or None when it is not one."""
    import re

    found = re.fullmatch(_SCRATCH_NAME, name)
    return (int(found["pid"]), int(found["started"])) if found else None


def process_alive(pid: int, started: int | None = None) -> bool:
    """Whether the process `pid` runs (another user's counts). With `started`, its start time as _start_time read
    it (0: not known), whether it is still that process: a pid is reused, a pid and start time are not.

    What cannot be told counts as alive, so that what the process may own stays (age or a lock decides then): a
    number no process can have, and Windows, where os.kill would end the process."""
    if os.name == "nt" or pid <= 0:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        pass  # another user's process holds the pid (alive), or no process can hold it
    now = _start_time(pid) if started else None
    return now is None or now == started


def _start_time(pid: int) -> int | None:
    """When a process started, in clock ticks since boot (Linux's /proc), or None where that cannot be read."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as file:
            text = file.read()
        return int(text[text.rindex(b")") + 2:].split()[19])  # the command's name, in parentheses, may hold spaces
    except (OSError, ValueError, IndexError):
        return None


def _lock(folder: str, wait: bool) -> int | None:
    """A descriptor holding an exclusive lock on the folder, or None: locked by another (`wait` False), or no
    locks here (no fcntl). The lock goes with the last descriptor of the process that took it, kill -9 included."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return None
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except OSError:
        os.close(fd)
        return None
    return fd


if __name__ == "__main__" and sys.argv[1:2] == ["guard"]:
    _guard(int(sys.argv[2]), sys.argv[3:])
