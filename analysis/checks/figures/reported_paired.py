"""A reported paired t: reproduced by the dataset (t, the mean change and its SD, p at the printed rounding), its
printed p statchecked at df = n - 1, the printed t against the mean change and its SD, and the correlation of before
and after that the SD of the change implies (it must lie in [-1, 1])."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats as sps

from analysis.checks.figures.reported import no_p, p_check, statcheck
from analysis.checks.registry import Check, ForensicCheck, examines, fmt, reproduces, rounds_as_printed, verdict_of
from analysis.spec.parts import ReportedPairedT


def _what(rt: ReportedPairedT) -> str:
    return f"paired t of {rt.after} - {rt.before} in {rt.group}"


def _around(value: float, places: int) -> tuple[float, float]:
    half = 0.5 * 10.0**-places
    return value - half, value + half


@reproduces(ReportedPairedT)
def paired_ts_reproduced(reported: list[ReportedPairedT], spec, frame) -> list[Check]:
    out = []
    for rt in reported:
        rows = frame[frame["group"] == rt.group]
        change = rows[rt.after].to_numpy(float) - rows[rt.before].to_numpy(float)
        n = change.size
        sd = float(np.std(change, ddof=1))
        t = float(change.mean() / (sd / math.sqrt(n)))
        p = float(2 * sps.t.sf(abs(t), n - 1))
        out.append(Check(_what(rt), fmt(rt.value, rt.places), fmt(t, rt.places),
                         rounds_as_printed(t, rt.value, rt.places), rt.source))
        for field, got in (("mean_change", float(change.mean())), ("sd_change", sd)):
            printed = getattr(rt, field)
            if printed is not None:
                d = rt.change_places(field)
                out.append(Check(f"{field.replace('_', ' ')} of {rt.after} - {rt.before} in {rt.group}",
                                 fmt(printed, d), fmt(got, d), rounds_as_printed(got, printed, d), rt.source))
        if rt.p is not None:
            out.append(p_check(f"p of the {_what(rt)}", rt, p))
    return out


@examines(ReportedPairedT)
def paired_ts_possible(reported: list[ReportedPairedT], spec) -> list[ForensicCheck]:
    out = []
    for rt in reported:
        n = spec.n(rt.group)
        out += _t_against_change(rt, spec, n)
        if rt.p is None:
            out.append(no_p(spec, _what(rt), f"t = {rt.value:.{rt.places}f}", "t"))
            continue
        printed = f"t = {rt.value:.{rt.places}f}, p {rt.p_relation} {rt.p:.{rt.p_places}f}"
        _, sc = statcheck(rt, "t", float(n - 1), None, f"t({n - 1}) = {printed.removeprefix('t = ')}")
        out.append(ForensicCheck(spec.id, "statcheck", _what(rt), printed,
                                 f"p in [{sc.p_low:.3g}, {sc.p_high:.3g}] at df = {n - 1} (n - 1, n = {n})",
                                 sc.verdict))
    return out


def _t_against_change(rt: ReportedPairedT, spec, n: int) -> list[ForensicCheck]:
    """The printed t against mean change / (SD of change / sqrt(n)), and the correlation the SDs imply."""
    if rt.mean_change is None or rt.sd_change is None:
        return []
    out = []
    m_lo, m_hi = _around(rt.mean_change, rt.change_places("mean_change"))
    s_lo, s_hi = _around(rt.sd_change, rt.change_places("sd_change"))
    ends = [m / (s / math.sqrt(n)) for m in (m_lo, m_hi) for s in (max(s_lo, 1e-300), s_hi)]
    t_lo, t_hi = _around(rt.value, rt.places)
    ok = t_lo <= max(ends) and min(ends) <= t_hi
    out.append(ForensicCheck(spec.id, "t vs mean change", _what(rt),
                             f"mean change {rt.mean_change:g} (SD {rt.sd_change:g}), t = {rt.value:.{rt.places}f}",
                             f"mean / (SD / sqrt({n})) in [{min(ends):.3g}, {max(ends):.3g}]", verdict_of(ok)))
    before, after = spec.find_summary(rt.group, rt.before), spec.find_summary(rt.group, rt.after)
    if before is None or after is None:
        return out
    sd_b, sd_a = before.sd, after.sd
    if sd_b is None or sd_a is None or sd_b.is_assumption or sd_a.is_assumption:
        return out
    rs = [ReportedPairedT.implied_r(b, a, s) for b in _around(sd_b.value, sd_b.precision)
          for a in _around(sd_a.value, sd_a.precision) for s in (s_lo, s_hi)]
    ok = min(rs) <= 1 and max(rs) >= -1
    out.append(ForensicCheck(spec.id, "SD of change vs SDs", _what(rt),
                             f"SDs {sd_b.value:g}, {sd_a.value:g}; SD of change {rt.sd_change:g}",
                             f"implied r(before, after) in [{min(rs):.3f}, {max(rs):.3f}]", verdict_of(ok),
                             "sd_change^2 = sd_before^2 + sd_after^2 - 2 r sd_before sd_after"))
    return out
