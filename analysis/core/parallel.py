"""Run independent work items in parallel: joblib on this machine, or a Dask cluster.

Claims, assumption ensembles and power grids are independent items. :func:`parallel_map` runs them
with joblib's process pool (``jobs`` workers), or, when a Dask scheduler address is given
(``tcp://host:8786``), through joblib's Dask backend on that cluster. Results come back in input
order, so the output does not depend on how the work was split.

>>> parallel_map(abs, [-1, -2, 3], jobs=1)
[1, 2, 3]
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterable

from joblib import Parallel, delayed, parallel_config

from analysis.core.errors import InputError


def parallel_map(fn: Callable, items: Iterable, jobs: int = 1, scheduler: str | None = None,
                 on_result: Callable | None = None) -> list:
    """``[fn(item) for item in items]``, in parallel.

    Parameters
    ----------
    jobs : int
        Worker processes on this machine (1 = no parallelism, -1 = one per core).
    scheduler : str, optional
        Address of a Dask distributed scheduler; the work then runs on its workers.
    on_result : callable, optional
        Called with each result as it arrives, in input order (e.g. to move a progress bar).
    """
    results = []
    for result in _results(fn, list(items), jobs, scheduler):
        if on_result is not None:
            on_result(result)
        results.append(result)
    return results


def _results(fn: Callable, items: list, jobs: int, scheduler: str | None):
    """The results of ``fn`` over ``items`` as an iterator, in input order."""
    if scheduler:
        try:
            from dask.distributed import Client
        except ImportError as exc:  # pragma: no cover - dask is a declared dependency
            raise InputError("--scheduler", "dask", f"dask.distributed is not installed ({exc})") from None
        try:
            client = Client(scheduler, timeout="10s")
        except OSError as exc:
            raise InputError("--scheduler", scheduler, f"cannot reach the Dask scheduler: {exc}") from None
        with client, parallel_config(backend="dask"):
            yield from Parallel(return_as="generator")(delayed(fn)(item) for item in items)
        return
    if jobs == 1 or len(items) <= 1:
        yield from (fn(item) for item in items)
        return
    if sys.platform == "linux":
        yield from _forked(fn, items, jobs)
        return
    yield from Parallel(n_jobs=jobs, return_as="generator")(delayed(fn)(item) for item in items)


def _forked(fn: Callable, items: list, jobs: int):
    """Worker processes forked from this one, so they start with everything it has imported.

    joblib's default (loky) starts fresh interpreters: each pays the imports again (2.5 s of pandas, scipy,
    statsmodels and matplotlib here), which on a 2-core machine took all of the gain of a second worker. A fork
    shares the imported modules copy-on-write and starts in milliseconds. Linux only: forking a process that has
    started threads is unsafe on macOS, where joblib's workers stay. Each forked worker dies with its parent
    (prctl PR_SET_PDEATHSIG). Elsewhere joblib offers no parent-death hook: its loky workers exit when they find
    their task queue broken, which a task already running does not notice (untested here: no such system).
    """
    workers = min(os.cpu_count() or 1, len(items)) if jobs < 0 else min(jobs, len(items))
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                             initializer=_start_worker, initargs=(os.getpid(),)) as pool:
        yield from pool.map(fn, items)


#: prctl(2) option: the signal a process receives when its parent dies (<linux/prctl.h>).
PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Ask Linux to SIGKILL this worker when its parent dies, then check the parent did not die before that.

    Without it, workers of a killed ``report --jobs 2`` ran on (and held ~200 MB each) until their work was done.
    The check closes the gap between the fork and the prctl call: a parent that died in it is no longer our
    parent (we were reparented), so the signal would never come.
    """
    import ctypes
    import signal

    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
        prctl.argtypes = [ctypes.c_int] + [ctypes.c_ulong] * 4
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - every Linux C library has prctl
        pass
    if os.getppid() != parent:
        os._exit(1)


def _start_worker(parent: int) -> None:
    """Set a forked worker up: it dies with its parent (:func:`_die_with_parent`) and uses one BLAS thread.

    One BLAS thread per worker: the workers already use every core, and BLAS threads on top of them made the
    same claims 1.5-3x slower (as joblib's own workers do by default).
    """
    _die_with_parent(parent)
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
