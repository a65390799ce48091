"""Shared timing helpers and the table `make bench` prints."""

from __future__ import annotations

import statistics
import time


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


def row(task: str, ours: float, peer: float | None, peer_name: str, target: str, met: bool, note: str = "") -> dict:
    return {"task": task, "ours": ours, "peer": peer, "peer_name": peer_name,
            "ratio": (peer / ours) if peer else None, "target": target, "met": met, "note": note}


def print_table(rows: list[dict]) -> None:
    print(f"{'task':<52} {'ours s':>8} {'peer s':>9} {'ratio':>7}  {'target':<28} met")
    for r in rows:
        peer = f"{r['peer']:9.3f}" if r["peer"] is not None else f"{'-':>9}"
        ratio = f"{r['ratio']:6.1f}x" if r["ratio"] else f"{'-':>7}"
        print(f"{r['task']:<52} {r['ours']:8.3f} {peer} {ratio}  {r['target']:<28} {'yes' if r['met'] else 'NO'}")
    print()
    for r in rows:
        print(f"- {r['task']}: peer = {r['peer_name']}" + (f"; {r['note']}" if r["note"] else ""))
