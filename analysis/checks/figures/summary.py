"""Means and SDs, and category counts: reproduced at the published rounding; GRIM, GRIMMER and scale bounds."""

from __future__ import annotations

from analysis.checks.registry import Check, ForensicCheck, examines, fmt, reproduces, rounds_as_printed, verdict_of
from analysis.spec.parts import Categorical, Summary
from analysis.stats.granularity import grim, grim_sums, grimmer, max_sd, reachable_sums_of_squares


@reproduces(Summary)
def summaries_reproduced(summaries: list[Summary], spec, frame) -> list[Check]:
    checks = []
    for s in summaries:
        rows = frame[frame["group"] == s.group][s.variable]
        spread = ("SE", s.se, rows.std(ddof=1) / len(rows) ** 0.5) if s.sd_derived else ("SD", s.sd, rows.std(ddof=1))
        for stat, q, got in (("mean", s.mean, rows.mean()), spread):
            if q is not None and not q.is_assumption:
                d = q.precision
                checks.append(Check(f"{stat} of {s.variable} in {s.group}", fmt(q.value, d), fmt(got, d),
                                    rounds_as_printed(got, q.value, d), q.source))
    return checks


@examines(Summary)
def summaries_possible(summaries: list[Summary], spec) -> list[ForensicCheck]:
    out = []
    continuous = []
    for s in summaries:
        if s.mean is None or s.mean.is_assumption:
            continue
        var, n = spec.variables[s.variable], spec.n(s.group)
        what = f"{s.variable} in {s.group} (n = {n})"
        mean_text = f"{s.mean.value:.{s.mean.precision}f}"
        sd_known = s.sd is not None and not s.sd.is_assumption
        sd_text = f"{s.sd.value:.{s.sd.precision}f}" if sd_known else None
        sd_half = 0.5 * 10 ** -s.sd.precision if sd_known else 0.0
        if sd_known and s.sd_derived:  # a mean ± SE: the SD's window is sqrt(n) times the SE's
            sd_text = f"{s.sd.value:.3f} (SE {s.se.value:.{s.se.precision}f} x sqrt({n}))"
            sd_half = 0.5 * 10 ** -s.se.precision * n**0.5
        if var.bounds is not None:
            lo, hi = var.bounds
            ok = lo <= s.mean.value <= hi
            limit = max_sd(s.mean.value, lo, hi, n)
            if sd_known:
                ok = ok and s.sd.value <= limit + sd_half
            out.append(ForensicCheck(spec.id, "bounds", what, f"mean {mean_text}" + (f", SD {sd_text}" if sd_known else "")
                                     + f" on [{lo:g}, {hi:g}]", f"largest possible SD {limit:.2f}", verdict_of(ok)))
        if var.integer and (var.step or 1) == 1:
            out.append(ForensicCheck(spec.id, "GRIM", what, f"mean {mean_text}", f"multiples of 1/{n}",
                                     verdict_of(grim(mean_text, n)), "whole-number responses, one item"))
            if sd_known:
                out.append(ForensicCheck(spec.id, "GRIMMER", what, f"mean {mean_text}, SD {sd_text}",
                                         "sum of squares with the parity of the total",
                                         verdict_of(_grimmer(s, mean_text, sd_text, sd_half, n))))
        elif not var.integer:
            continuous.append(s.variable)
    if continuous:
        out.append(ForensicCheck(spec.id, "GRIM", ", ".join(sorted(set(continuous))), "means", "-", "not checkable",
                                 "continuous measures: no granularity to check"))
    return out


def _grimmer(s, mean_text: str, sd_text: str, sd_half: float, n: int) -> bool:
    """GRIMMER, for a mean ± SE over the SD window SE sqrt(n) allows (analytic: a GRIM-consistent total with a
    reachable sum of squares)."""
    if not s.sd_derived:
        return grimmer(mean_text, sd_text, n)
    return any(reachable_sums_of_squares(n, total, s.sd.value, sd_half)
               for total in grim_sums(n, s.mean.value, 0.0, 1.0, s.mean.precision))


@reproduces(Categorical)
def counts_reproduced(categoricals: list[Categorical], spec, frame) -> list[Check]:
    checks = []
    for cat in categoricals:
        rows = frame[frame["group"] == cat.group][cat.variable]
        for level, q in cat.counts.items():
            if not q.is_assumption:
                got = int((rows == level).sum())
                checks.append(Check(f"count of {cat.variable} = {level} in {cat.group}", fmt(q.value, 0), str(got),
                                    got == q.value, q.source))
    return checks


@examines(Categorical)
def counts_add_up(categoricals: list[Categorical], spec) -> list[ForensicCheck]:
    out = []
    for cat in categoricals:
        reported = [q for q in cat.counts.values() if not q.is_assumption]
        if len(reported) == len(cat.counts):
            total = sum(q.value for q in reported)
            out.append(ForensicCheck(spec.id, "counts", f"{cat.variable} in {cat.group}", f"n = {spec.n(cat.group)}",
                                     f"counts add to {total:g}", verdict_of(total == spec.n(cat.group))))
    return out
