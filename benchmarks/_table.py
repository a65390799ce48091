"""Shared timing helpers, this machine's limits, and the table `make bench` prints.

Each row has our time, every peer's time (same run), the ratio to the fairest peer (the fastest one doing the same
work: the one a competent user who cared about speed would pick; a formulation that does less is shown beside it,
never compared), and where it applies a *limit*: the least time the work could
take on this machine, from the bytes it must touch over the measured memory bandwidth and the floating-point
operations it must do over the measured peak (whichever is larger), with our distance to it.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from functools import lru_cache

import numpy as np


def median_time(fn, repeats: int = 5, warmup: int = 1) -> float:
    """Median wall time of ``fn()`` over ``repeats`` runs, after ``warmup`` untimed runs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


@dataclass(frozen=True)
class Machine:
    """Measured in this run: memory bandwidth (bytes/s, a large array copy: read + write) and floating-point peak
    (flop/s, a large float64 matrix product through numpy's BLAS, all cores)."""

    bandwidth: float
    flops: float

    def limit(self, bytes_touched: float = 0.0, flops: float = 0.0) -> float:
        """Least seconds for work that must touch ``bytes_touched`` bytes and do ``flops`` operations."""
        return max(bytes_touched / self.bandwidth, flops / self.flops)


@lru_cache(maxsize=1)
def machine() -> Machine:
    src = np.ones(1 << 28, dtype=np.uint8)  # 256 MB: far beyond the caches
    dst = np.empty_like(src)
    np.copyto(dst, src)  # touch every page first
    copy = min(median_time(lambda: np.copyto(dst, src), repeats=5, warmup=1), 1e9)
    a = np.random.default_rng(0).random((2048, 2048))
    matmul = median_time(lambda: a @ a, repeats=3, warmup=1)
    return Machine(bandwidth=2 * src.nbytes / copy, flops=2 * 2048**3 / matmul)


def row(task: str, ours: float, peers: list[tuple[str, float]], target: str, met: bool, note: str = "",
        limit: float | None = None, limit_what: str = "", lesser: list[tuple[str, float]] = ()) -> dict:
    """One benchmark row. ``peers``: (name, seconds) measured in the same run, doing the same work as ours;
    ``lesser``: the same for formulations that do less than ours (shown for what the difference costs, never taken
    as the fairest); ``limit``: see :class:`Machine`."""
    fairest = min(peers, key=lambda p: p[1]) if peers else None
    return {"task": task, "ours": ours, "peers": peers, "fairest": fairest,
            "ratio": fairest[1] / ours if fairest else None, "target": target, "met": met, "note": note,
            "limit": limit, "limit_what": limit_what, "lesser": list(lesser)}


def print_table(rows: list[dict]) -> None:
    m = machine()
    print(f"machine: memory bandwidth {m.bandwidth / 1e9:.1f} GB/s (copy), peak {m.flops / 1e9:.1f} GFLOP/s (matmul)\n")
    print(f"{'task':<52} {'ours s':>8} {'fairest s':>10} {'ratio':>7} {'limit s':>9} {'x limit':>8}  {'target':<30} met")
    for r in rows:
        fairest = f"{r['fairest'][1]:10.3f}" if r["fairest"] else f"{'-':>10}"
        ratio = f"{r['ratio']:6.1f}x" if r["ratio"] else f"{'-':>7}"
        limit = f"{r['limit']:9.4f}" if r["limit"] else f"{'-':>9}"
        distance = f"{r['ours'] / r['limit']:7.0f}x" if r["limit"] else f"{'-':>8}"
        print(f"{r['task']:<52} {r['ours']:8.3f} {fairest} {ratio} {limit} {distance}  {r['target']:<30} "
              f"{'yes' if r['met'] else 'NO'}")
    print()
    for r in rows:
        print(f"- {r['task']}:")
        for name, seconds in r["peers"]:
            mark = "  <- fairest" if r["fairest"] and name == r["fairest"][0] and len(r["peers"]) > 1 else ""
            print(f"    peer {seconds:9.3f} s ({seconds / r['ours']:.1f}x ours): {name}{mark}")
        for name, seconds in r.get("lesser", []):
            print(f"    less  {seconds:9.3f} s ({seconds / r['ours']:.1f}x ours): {name} (does less: not compared)")
        if r["limit"]:
            print(f"    limit {r['limit']:.4f} s: {r['limit_what']}")
        if r["note"]:
            print(f"    {r['note']}")
