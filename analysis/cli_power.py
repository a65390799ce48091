"""The ``power`` command: a power grid by simulation of one evidence entry's own model."""

from __future__ import annotations

import math
from typing import Annotated

import typer

from analysis.cli_options import JobsOption, JsonFlag, SchedulerOption, _checked_seed, _print_json, say
from analysis.core.errors import InputError

MAX_SIMULATED_ROWS = 50_000_000  # power: simulated rows per grid point (~8 bytes x a dozen arrays each fits in 24 GB)


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
