"""Work shared among worker processes that end with aspo: each stop (Ctrl-C, SIGTERM, an error) ends them all."""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, Callable, Iterable, TypeVar

from aspo.core.errors import AspoError

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

T = TypeVar("T")
R = TypeVar("R")

#: What a forked worker runs: set by in_forked_workers before the pool starts, inherited by every worker.
_work: Callable | None = None


def cores() -> int:
    """The CPU cores this process may run on: how many jobs run at once unless the user says."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def in_forked_workers(work: Callable[[T], R], items: Iterable[T], jobs: int, where: object) -> list[R]:
    """`work` of each item, in order, run by `jobs` forked processes (which inherit `work` and all it holds: nothing
    is pickled but the items and results). `where` names what a worker that dies unexpectedly stopped."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from aspo.core.stopping import die_with_parent

    global _work
    _work = work
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"), initializer=die_with_parent,
                               initargs=(os.getpid(),))
    try:
        results = list(pool.map(_run_work, items))
        pool.shutdown()
        return results
    except BrokenProcessPool:
        stop_workers(pool)
        raise AspoError.at(where, None, None, "a worker stopped unexpectedly (out of memory, or killed); "
                           "run again, or with -j 1") from None
    except BaseException:  # Ctrl-C, SIGTERM, SIGHUP, or an error here: no worker may go on without us
        stop_workers(pool)
        raise
    finally:
        _work = None


def _run_work(item):
    from aspo.core.stopping import run_in_worker

    return run_in_worker(_work, item)


def stop_workers(pool: ProcessPoolExecutor, patience: float = 5.0) -> None:
    """Cancels what has not started and ends the workers: SIGTERM first, so each removes its staging folder."""
    workers = list((pool._processes or {}).values())  # Python 3.14 has pool.terminate_workers(); 3.11-3.13 do not
    # Python before 3.12 can race its own exit hook against this thread closing its wake-up pipe ("OSError: Bad
    # file descriptor" printed after our last line): it is joined below, and shutdown() forgets it, so take it now.
    manager = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        if worker.is_alive():
            worker.terminate()
    deadline = time.monotonic() + patience
    for worker in workers:
        worker.join(max(0.0, deadline - time.monotonic()))
    for worker in workers:
        if worker.is_alive():
            worker.kill()
            worker.join(1.0)
    if manager is not None:
        manager.join(patience)
