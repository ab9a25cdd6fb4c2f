"""How aspo stops: SIGTERM and SIGHUP end it like Ctrl-C, and build workers never outlive the aspo that started them."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from typing import Callable, Iterator, TypeVar

T = TypeVar("T")

#: Signals that stop aspo the way Ctrl-C does. The exit status is 128 + the signal's number, as a shell
#: reports a process the signal killed: 130 for Ctrl-C (SIGINT), 143 for SIGTERM, 129 for SIGHUP.
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_WATCH_SECONDS = 0.5  # how often a worker checks that its parent still runs (where Linux cannot tell it)
_GRACE_SECONDS = 5.0  # how long a worker whose parent is gone may take to clean up before it just exits


class Stopped(BaseException):
    """A stop signal, raised in the main thread. A BaseException, like KeyboardInterrupt, so that no
    `except Exception` on the way swallows it and every `finally:` (staging folders) runs."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_status(self) -> int:
        return 128 + self.signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


def _raise_stopped(signum, frame) -> None:
    raise Stopped(signum)


@contextlib.contextmanager
def _handling(signums, handler) -> Iterator[bool]:
    """Within the block, `handler` handles these signals in the main thread (elsewhere nothing changes: yields
    False); the old handlers come back after."""
    if threading.current_thread() is not threading.main_thread():
        yield False
        return
    previous = {signum: signal.signal(signum, handler) for signum in signums}
    try:
        yield True
    finally:
        for signum, old in previous.items():
            signal.signal(signum, signal.SIG_DFL if old is None else old)


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise Stopped in the main thread; the old handlers come back after."""
    with _handling(STOP_SIGNALS, _raise_stopped):
        yield


@contextlib.contextmanager
def stops_deferred() -> Iterator[None]:
    """Within the block, Ctrl-C and stop signals wait until it ends, then act as they would have. For starting a
    child process: a stop inside subprocess.Popen would leave a child no code knows about to end."""
    pending: list[int] = []
    try:
        with _handling((signal.SIGINT, *STOP_SIGNALS), lambda received, frame: pending.append(received)):
            yield
    finally:
        if pending:  # the old handlers are back: the signal acts as it would have, whatever the block did
            signal.raise_signal(pending[0])


# --- in build workers -------------------------------------------------------------------------------------

_busy = False  # building an account: a stop must unwind it so that its staging folder is removed
_exit_status: int | None = None  # set once told to stop


def die_with_parent(parent: int) -> None:
    """Run first in each build worker, so that it ends when aspo (`parent`) ends, however aspo ends.

    Ctrl-C and hang-ups are ignored: they reach aspo too, and aspo stops its workers with SIGTERM. On SIGTERM a
    worker unwinds the account it is building (removing its staging folder) and exits. Linux sends SIGTERM when
    the parent dies, kill -9 included; elsewhere, and as a second line on Linux, a thread watches getppid().
    """
    for name in ("SIGINT", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_stop)
    _ask_for_death_signal(signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before the request above took effect
        os._exit(128 + signal.SIGTERM)
    threading.Thread(target=_watch_parent, args=(parent,), name="aspo-watch-parent", daemon=True).start()


def run_in_worker(work: Callable[..., T], *args, cleanup: Callable[[], None] = lambda: None) -> T:
    """Runs one task; a stop signal during it unwinds it (every `finally:` runs), then `cleanup` finishes what
    the unwinding may have cut short, and the worker ends."""
    global _busy
    try:
        _busy = True  # set inside the try: a signal on either side of it is handled
        result = work(*args)
        _busy = False
        return result
    except Stopped as exc:
        cleanup()
        os._exit(exc.exit_status)
    finally:
        _busy = False


def _on_stop(signum, frame) -> None:
    global _exit_status
    if _exit_status is not None:
        return  # already stopping (aspo's SIGTERM and the kernel's may both come): let the cleanup finish
    _exit_status = 128 + signum
    if _busy:
        raise Stopped(signum)
    os._exit(_exit_status)  # waiting for work, or between tasks: nothing to clean up


def _ask_for_death_signal(signum: int) -> bool:
    """Linux: have the kernel send `signum` when the parent dies. (It is sent when the parent *thread* that
    started this process ends; ProcessPoolExecutor starts workers from the thread that submits, the main one.)"""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes  # only build workers need it

    try:
        return ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signum), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_WATCH_SECONDS)
    if _exit_status is None:
        os.kill(os.getpid(), signal.SIGTERM)  # the handler runs in the main thread and unwinds the task
    time.sleep(_GRACE_SECONDS)
    os._exit(128 + signal.SIGTERM)  # still here: stuck somewhere a signal cannot reach
