"""A reported t test (Student or Welch): reproduced by the dataset (t, df, p at the printed rounding) and checked
statcheck-style (p possible for t at its df, one decision error flagged)."""

from __future__ import annotations

from analysis import stats
from analysis.checks.figures.reported import no_p, p_check, statcheck, values
from analysis.checks.registry import Check, ForensicCheck, examines, fmt, reproduces, rounds_as_printed
from analysis.spec.parts import ReportedT
from analysis.stats.granularity import decimals_of


def _name(rt: ReportedT) -> str:
    return "Welch t" if rt.welch else "Student t"


@reproduces(ReportedT)
def t_tests_reproduced(reported: list[ReportedT], spec, frame) -> list[Check]:
    """The dataset's t (Student or Welch, first group minus second), its df and its p, at the printed rounding."""
    out = []
    for rt in reported:
        a, b = values(frame, rt, rt.groups[0]), values(frame, rt, rt.groups[1])
        e = (stats.welch_t if rt.welch else stats.student_t)(a, b, names=tuple(rt.groups))
        name, d = _name(rt), rt.places
        out.append(Check(f"{name} of {rt.variable} ({' vs '.join(rt.groups)})", fmt(rt.value, d),
                         fmt(e.statistic, d), rounds_as_printed(e.statistic, rt.value, d), rt.source))
        if rt.df is not None:
            df_places = decimals_of(f"{rt.df:g}")
            out.append(Check(f"df of the {name} test of {rt.variable}", f"{rt.df:g}", f"{e.df:.{df_places}f}",
                             rounds_as_printed(e.df, rt.df, df_places), rt.source))
        if rt.p is not None:
            out.append(p_check(f"p of the {name} test of {rt.variable}", rt, e.p))
    return out


def t_test_df(rt: ReportedT, spec) -> tuple[float | None, str]:
    """The df of a reported t test: as printed; else n1 + n2 - 2 (Student) or Welch-Satterthwaite from the
    published SDs; None (with the reason) when the paper gives neither."""
    if rt.df is not None:
        return rt.df, "as printed"
    n1, n2 = spec.n(rt.groups[0]), spec.n(rt.groups[1])
    if not rt.welch:
        return float(n1 + n2 - 2), f"n1 + n2 - 2 (n = {n1}, {n2})"
    s1, s2 = (spec.find_summary(g, rt.variable) for g in rt.groups)
    if s1 is None or s2 is None:
        return None, "Welch df not printed and no published SDs to compute them from"
    if s1.sd is None or s2.sd is None or s1.sd.is_assumption or s2.sd.is_assumption:
        return None, "Welch df not printed and the SDs are not published"
    v1, v2 = s1.sd.point**2 / n1, s2.sd.point**2 / n2
    return (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1)), "Welch-Satterthwaite from the published SDs"


@examines(ReportedT)
def t_tests_possible(reported: list[ReportedT], spec) -> list[ForensicCheck]:
    """statcheck: is the printed p possible for the printed t at its df (each at its printed rounding)?"""
    out = []
    for rt in reported:
        what = f"{_name(rt)} of {rt.variable} ({' vs '.join(rt.groups)})"
        if rt.p is None:
            out.append(no_p(spec, what, f"t = {rt.value:.{rt.places}f}", "t"))
            continue
        df, how = t_test_df(rt, spec)
        printed = f"t = {rt.value:.{rt.places}f}, p {rt.p_relation} {rt.p:.{rt.p_places}f}"
        if df is None:
            out.append(ForensicCheck(spec.id, "statcheck", what, printed, "df unknown", "not checkable", how))
            continue
        _, sc = statcheck(rt, "t", df, None, f"t({df:.4g}) = {rt.value:.{rt.places}f}, p {rt.p_relation} "
                                             f"{rt.p:.{rt.p_places}f}")
        out.append(ForensicCheck(spec.id, "statcheck", what, printed,
                                 f"p in [{sc.p_low:.3g}, {sc.p_high:.3g}] at df = {df:.4g} ({how})", sc.verdict))
    return out
