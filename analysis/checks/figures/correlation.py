"""Correlations: reproduced (value, or the band that a sign and significance or an exact p allow); a matrix of
published r values must be positive semi-definite."""

from __future__ import annotations

import numpy as np

from analysis import stats
from analysis.checks.registry import Check, ForensicCheck, examines, fmt, reproduces, rounds_as_printed, verdict_of
from analysis.checks.statcheck import Report, check
from analysis.core.numbers import decimals_of
from analysis.spec.parts import Correlation


@reproduces(Correlation)
def correlations_reproduced(correlations: list[Correlation], spec, frame) -> list[Check]:
    checks = []
    for c in correlations:
        rows = frame[frame["group"] == c.group]
        r = float(np.corrcoef(rows[c.x], rows[c.y])[0, 1])
        n = len(rows)
        if not c.r.is_assumption:
            d = c.r.precision
            checks.append(Check(f"r({c.x}, {c.y}) in {c.group}", fmt(c.r.value, d), fmt(r, d),
                                rounds_as_printed(r, c.r.value, d), c.r.source))
        if c.r.is_assumption and (c.significant is not None or c.p is not None):
            published = (f"{c.sign or 'sign not reported'}, p {'<' if c.significant else '>='} {c.alpha}"
                         if c.significant is not None else f"p = {c.p}")
            checks.append(Check(f"r({c.x}, {c.y}) in {c.group}: {'sign and significance' if c.p is None else 'exact p'}",
                                published, f"r = {fmt(r, 3)}, p = {fmt(stats.correlation_from_summary(r, n).p, 4)}",
                                c.allows(r, n, tol=1e-9), c.source or "abstract"))
    return checks


@examines(Correlation)
def correlations_possible(correlations: list[Correlation], spec) -> list[ForensicCheck]:
    """A matrix of printed r values must be positive semi-definite; a printed r must fit its printed p."""
    out = []
    for group in spec.groups:
        reported = [c for c in correlations if c.group == group and not c.r.is_assumption]
        names = sorted({v for c in reported for v in (c.x, c.y)})
        if len(names) >= 3 and len(reported) == len(names) * (len(names) - 1) // 2:
            R = np.eye(len(names))
            for c in reported:
                i, j = names.index(c.x), names.index(c.y)
                R[i, j] = R[j, i] = c.r.value
            smallest = float(np.linalg.eigvalsh(R)[0])
            out.append(ForensicCheck(spec.id, "correlation matrix", f"{len(names)} variables in {group}",
                                     "reported r values", f"smallest eigenvalue {smallest:.3g}",
                                     verdict_of(smallest >= -1e-9), "a correlation matrix must be positive semi-definite"))
        elif any(c.group == group for c in correlations) and not reported:
            out.append(ForensicCheck(spec.id, "correlation matrix", f"correlations in {group}", "signs / p values only",
                                     "-", "not checkable", "no r values are published"))
    return out + printed_r_and_p_agree(correlations, spec)


def printed_r_and_p_agree(correlations: list[Correlation], spec) -> list[ForensicCheck]:
    """statcheck for a printed r beside a printed p (or sign and significance): is that p possible for that r at
    the group's n (each at its printed rounding)? A mismatch is a finding, never a load error."""
    out = []
    for c in correlations:
        if c.r.is_assumption or (c.p is None and c.significant is None):
            continue
        n = spec.n(c.group)
        d = c.r.precision
        what = f"r({c.x}, {c.y}) in {c.group}"
        if c.sign is not None and (c.r.value > 0) != (c.sign == "positive"):
            out.append(ForensicCheck(spec.id, "statcheck", what, f"r = {c.r.value:.{d}f}, {c.sign}",
                                     "the printed sign", "inconsistent", "r and the printed direction disagree"))
            continue
        if c.p is not None:
            p_places = c.p_decimals if c.p_decimals is not None else decimals_of(c.p)
            report = Report("r", float(n - 2), None, c.r.value, d, "=", "=", c.p, p_places,
                            f"r({n - 2}) = {c.r.value:.{d}f}, p = {c.p:.{p_places}f}")
        else:
            relation = "<" if c.significant else ">"
            report = Report("r", float(n - 2), None, c.r.value, d, "=", relation, c.alpha, decimals_of(c.alpha),
                            f"r({n - 2}) = {c.r.value:.{d}f}, p {relation} {c.alpha}")
        sc = check(report)
        out.append(ForensicCheck(spec.id, "statcheck", what, report.text,
                                 f"p in [{sc.p_low:.3g}, {sc.p_high:.3g}] for r at n = {n}", sc.verdict))
    return out
