"""A reported Mann-Whitney U: reproduced by the dataset (U and p at the printed rounding), within its range, and
its printed p possible for U (exact or normal approximation)."""

from __future__ import annotations

from analysis import stats
from analysis.checks.figures.reported import fits, p_check, values
from analysis.checks.registry import Check, ForensicCheck, examines, fmt, reproduces, rounds_as_printed, verdict_of
from analysis.generate import mann_whitney_u
from analysis.spec.parts import ReportedU
from analysis.spec.parts.base import printed_significance


@reproduces(ReportedU)
def mann_whitney_reproduced(reported: list[ReportedU], spec, frame) -> list[Check]:
    out = []
    for rt in reported:
        a, b = values(frame, rt, rt.groups[0]), values(frame, rt, rt.groups[1])
        u, d = mann_whitney_u(a, b), rt.places
        out.append(Check(f"Mann-Whitney U of {rt.variable} ({' vs '.join(rt.groups)})", fmt(rt.value, d),
                         fmt(u, d), rounds_as_printed(u, rt.value, d), rt.source))
        if rt.p is not None:
            p_both = stats.groups.mann_whitney_p_from_u(u, a.size, b.size)
            p_data = p_both["exact"] if p_both["exact"] is not None else p_both["normal"]
            out.append(p_check(f"p of the Mann-Whitney U of {rt.variable}", rt, p_data))
    return out


@examines(ReportedU)
def mann_whitney_possible(reported: list[ReportedU], spec) -> list[ForensicCheck]:
    out = []
    for rt in reported:
        n1, n2 = spec.n(rt.groups[0]), spec.n(rt.groups[1])
        out.append(ForensicCheck(spec.id, "range", f"Mann-Whitney U of {rt.variable}", f"U = {rt.value:.{rt.places}f}",
                                 f"0 <= U <= {n1 * n2 / 2:g} (n = {n1}, {n2})",
                                 verdict_of(0 <= rt.value <= n1 * n2 / 2 and (2 * rt.value) % 1 == 0),
                                 "" if rt.p is not None else "the p value is not reported, so it cannot be recomputed"))
        if rt.p is not None:
            out.append(_p_possible(rt, spec))
    return out


def _p_possible(rt: ReportedU, spec) -> ForensicCheck:
    """Is the printed p possible for the printed U? Exact (no ties) or normal approximation: a paper may have used
    either, so the p is consistent when it fits one of them and a decision error when it fits neither's side."""
    n1, n2 = spec.n(rt.groups[0]), spec.n(rt.groups[1])
    both = stats.groups.mann_whitney_p_from_u(rt.value, n1, n2)
    candidates = {k: v for k, v in both.items() if v is not None}
    d = rt.p_places
    printed = f"U = {rt.value:.{rt.places}f}, p {rt.p_relation} {rt.p:.{d}f}"
    computed = "; ".join(f"{k} p = {v:.3g}" for k, v in candidates.items())
    if any(fits(p, rt) for p in candidates.values()):
        verdict = "consistent"
    else:
        said = printed_significance(rt.p, rt.p_relation, d, rt.alpha)
        verdict = "decision-inconsistent" if said is not None and all((p <= rt.alpha) != said
                                                                      for p in candidates.values()) else "inconsistent"
    return ForensicCheck(spec.id, "recomputed", f"p of the Mann-Whitney U of {rt.variable} (n = {n1}, {n2})",
                         printed, computed, verdict, "exact (no ties) or normal approximation: either may be the paper's")
