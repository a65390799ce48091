"""A reported one-way ANOVA F: reproduced by the dataset (F and p at the printed rounding) and statchecked at df
(k - 1, N - k)."""

from __future__ import annotations

from analysis.checks.figures.reported import p_check, statcheck, values
from analysis.checks.registry import Check, ForensicCheck, examines, fmt, reproduces, rounds_as_printed
from analysis.spec.parts import ReportedF


def _what(rt: ReportedF) -> str:
    return f"one-way ANOVA F of {rt.variable} ({', '.join(rt.groups)})"


@reproduces(ReportedF)
def anovas_reproduced(reported: list[ReportedF], spec, frame) -> list[Check]:
    """The dataset's one-way ANOVA F (and p) across the named groups, at the printed rounding."""
    from scipy.stats import f_oneway

    out = []
    for rt in reported:
        res = f_oneway(*(values(frame, rt, g) for g in rt.groups))
        statistic = float(res.statistic)
        out.append(Check(_what(rt), fmt(rt.value, rt.places), fmt(statistic, rt.places),
                         rounds_as_printed(statistic, rt.value, rt.places), rt.source))
        if rt.p is not None:
            out.append(p_check(f"p of the {_what(rt)}", rt, float(res.pvalue)))
    return out


@examines(ReportedF)
def anovas_possible(reported: list[ReportedF], spec) -> list[ForensicCheck]:
    """statcheck: is the printed p possible for the printed F at df (k - 1, N - k)?"""
    out = []
    for rt in reported:
        k, total = len(rt.groups), sum(spec.n(g) for g in rt.groups)
        printed = f"F = {rt.value:.{rt.places}f}" + (f", p {rt.p_relation} {rt.p:.{rt.p_places}f}"
                                                     if rt.p is not None else "")
        if rt.p is None:
            out.append(ForensicCheck(spec.id, "statcheck", _what(rt), printed, "no p printed", "not checkable",
                                     "the paper prints no p for this F"))
            continue
        _, sc = statcheck(rt, "F", float(k - 1), float(total - k),
                          f"F({k - 1}, {total - k}) = {printed.removeprefix('F = ')}")
        out.append(ForensicCheck(spec.id, "statcheck", _what(rt), printed,
                                 f"p in [{sc.p_low:.3g}, {sc.p_high:.3g}] at df = ({k - 1}, {total - k})", sc.verdict))
    return out
