"""The ``power`` command: a power grid by simulation of one evidence entry's own model."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Annotated

import typer

from analysis.cli_options import JobsOption, JsonFlag, SchedulerOption, _checked_seed, _print_json, say
from analysis.core.errors import InputError

MAX_SIMULATED_ROWS = 50_000_000  # power: simulated rows per grid point (x BYTES_PER_SIMULATED_ROW: 12 GB)
#: Peak memory per simulated row, measured (``/usr/bin/time -v``) on ``power s17-age --sims 10``: 427 MB at n = 100,000
#: and 1,040 MB at n = 400,000, so 209 bytes a row; 256 leaves room for entries with a few more terms.
BYTES_PER_SIMULATED_ROW = 256
#: Largest true ratio simulated (and 1 / it the smallest): far beyond any effect in the evidence, and large ratios
#: overflow the simulated probabilities (an OR of 1e308 printed "power 0.000" with exit 0).
MAX_RATIO = 1_000.0


def _free_memory() -> int | None:
    """Bytes this process may still allocate: free physical memory, or less under an address-space limit (Linux)."""
    import resource

    try:
        free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None
    limit = resource.getrlimit(resource.RLIMIT_AS)[0]
    if limit != resource.RLIM_INFINITY:
        try:
            used = int(Path("/proc/self/statm").read_text().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            used = 0
        free = min(free, limit - used)
    return max(free, 0)


def _check_memory(sims: int, n: int) -> None:
    """Refuse a grid point whose simulated rows would not fit in memory, before any work, in the user's terms.

    >>> _check_memory(10, 100)
    """
    need, free = sims * n * BYTES_PER_SIMULATED_ROW, _free_memory()
    if free is not None and need > free:
        raise InputError("power", "--sims/--n", f"{sims:,} simulations of {n:,} rows need about {need / 1e9:,.1f} GB; "
                                                f"{free / 1e9:,.1f} GB is free here: use fewer --sims or a smaller --n")


def _power_point(args) -> dict:
    from analysis.claims.engine import load_evidence_frame

    ev, n, ratio, sims, seed = args
    frame, spec = load_evidence_frame(ev)
    return ev.simulate_power(frame, spec, n, ratio, sims, seed)


def _find_evidence(entry_id: str):
    """An evidence entry by its id (``claim-id/evidence-id`` when ids repeat), or a claim's only simulable entry."""
    from analysis.claims.kinds import EvidenceKind
    from analysis.claims.model import load_claims

    claims = load_claims()
    claim_id, _, evidence_id = entry_id.rpartition("/")
    if not claim_id and entry_id in claims:
        simulable = [e for e in claims[entry_id].evidence if type(e).simulate_power is not EvidenceKind.simulate_power]
        if len(simulable) != 1:
            raise InputError("power", "EVIDENCE_ID", f"claim {entry_id!r} has {len(simulable)} entries with a simulation "
                                                     f"model; name one of: {', '.join(e.id for e in simulable) or 'none'}")
        return simulable[0]
    found = [e for cid, c in claims.items() if not claim_id or cid == claim_id for e in c.evidence if e.id == evidence_id]
    if len(found) != 1:
        known = ", ".join(e.id for c in claims.values() for e in c.evidence)
        raise InputError("power", "EVIDENCE_ID", f"{entry_id!r} names {len(found)} evidence entries; known: {known}")
    return found[0]


def power_cmd(
    evidence_id: Annotated[str, typer.Argument(help="Evidence id (e.g. s17-age), claim-id/evidence-id, or a claim "
                                                    "id with one logistic or rate entry.")],
    n: Annotated[list[int], typer.Option("--n", help="Cohort sizes (logistic) or exposure multiples (rate models); "
                                                     "repeatable.")] = [100, 200, 400],
    effect: Annotated[list[float], typer.Option("--or", "--effect", help="True ratio (OR, or rate ratio) of the "
                                                                          "tested term; repeatable.")] = [1.5, 2.0, 3.0],
    sims: Annotated[int, typer.Option(help="Simulated datasets per grid point.")] = 2000,
    seed: Annotated[int, typer.Option(callback=_checked_seed, help="Random seed.")] = 1,
    jobs: JobsOption = 1,
    scheduler: SchedulerOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Power grid by simulation of one evidence entry's own model (size x effect), from its reconstruction."""
    from analysis.core.parallel import parallel_map

    if sims < 10 or any(v < 1 for v in n) or any(not (math.isfinite(v) and v > 0) for v in effect):
        raise InputError("power", "--n/--or/--sims", "need n >= 1, finite ratios > 0 and at least 10 simulations")
    if sims * max(n) > MAX_SIMULATED_ROWS:
        raise InputError("power", "--sims/--n", f"{sims:,} simulations of {max(n):,} rows is {sims * max(n):,} rows per "
                                                f"grid point; at most {MAX_SIMULATED_ROWS:,} fit in memory here")
    outside = [v for v in effect if not 1 / MAX_RATIO <= v <= MAX_RATIO]
    if outside:
        raise InputError("power", "--or", f"a true ratio of {outside[0]:g} is outside [{1 / MAX_RATIO:g}, {MAX_RATIO:g}]; "
                                          f"a larger one overflows the simulated probabilities")
    _check_memory(sims, max(n))
    ev = _find_evidence(evidence_id)
    grid = [(ev, size, ratio, sims, seed + k) for k, (size, ratio) in
            enumerate((size, ratio) for size in n for ratio in effect)]
    rows = parallel_map(_power_point, grid, jobs=jobs, scheduler=scheduler)
    if as_json:
        _print_json([{"evidence_id": ev.id, **r} for r in rows])
        return
    say(f"{ev.id}: {rows[0]['model']} ({sims} simulated datasets each)")
    say(f"{'n':>8} {'ratio':>7} {'power':>7}")
    for r in rows:
        say(f"{r['n']:>8} {r['effect']:>7g} {r['power']:>7.3f} +/- {r['mc_se']:.3f}")
