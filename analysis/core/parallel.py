"""Run independent work items in parallel: joblib on this machine, or a Dask cluster.

Claims, assumption ensembles and power grids are independent items. :func:`parallel_map` runs them
with joblib's process pool (``jobs`` workers), or, when a Dask scheduler address is given
(``tcp://host:8786``), through joblib's Dask backend on that cluster. Results come back in input
order, so the output does not depend on how the work was split.

>>> parallel_map(abs, [-1, -2, 3], jobs=1)
[1, 2, 3]
"""

from __future__ import annotations

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
    yield from Parallel(n_jobs=jobs, return_as="generator")(delayed(fn)(item) for item in items)
