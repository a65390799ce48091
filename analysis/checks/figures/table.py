"""Contingency tables and reported tests: cross-tabulations reproduced cell by cell; chi-square, Fisher p and risk
ratios (Katz CI) recomputed from the published cells; Mann-Whitney U within range; t tests (Student or Welch)
reproduced by the dataset (t, df, p at the printed rounding) and checked statcheck-style (p possible for t at its
df, one decision error flagged)."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd

from analysis import stats
from analysis.checks.registry import Check, ForensicCheck, examines, fmt, reproduces, rounds_as_printed, verdict_of
from analysis.checks.statcheck import Report, check
from analysis.generate import mann_whitney_u
from analysis.spec.parts import ReportedTest, Table
from analysis.spec.parts.base import fits_printed_p, printed_significance
from analysis.stats.granularity import decimals_of, rounds_to


def table_counts(frame: pd.DataFrame, table: Table) -> np.ndarray:
    """The cross-tabulation of ``frame`` in the table's row and column levels."""
    return (pd.crosstab(frame[table.row], frame[table.col])
            .reindex(index=table.row_levels, columns=table.col_levels, fill_value=0).to_numpy())


@reproduces(Table)
def tables_reproduced(tables: list[Table], spec, frame) -> list[Check]:
    checks = []
    for t in tables:
        got = table_counts(frame, t)
        checks.append(Check(f"table {t.id} ({t.row} x {t.col})", str(t.counts), str(got.tolist()),
                            bool((got == np.asarray(t.counts)).all()), t.source))
    return checks


@examines(Table)
def table_totals(tables: list[Table], spec) -> list[ForensicCheck]:
    if len(spec.groups) != 1:
        return []
    (gid, _), = spec.groups.items()
    return [ForensicCheck(spec.id, "table total", f"table {t.id}", f"n = {spec.n(gid)}", f"cells add to {t.total}",
                          verdict_of(t.total == spec.n(gid))) for t in tables]


def _cells(counts) -> tuple[int, int, int, int]:
    (a, b), (c, d) = np.asarray(counts).tolist()
    return int(a), int(b), int(c), int(d)


@reproduces(ReportedTest)
def reported_tests_reproduced(reported: list[ReportedTest], spec, frame) -> list[Check]:
    tables = {t.id: t for t in spec.tables}
    checks = []
    for rt in reported:
        d = rt.places
        if rt.kind == "t_test":
            checks += _t_test_reproduced(rt, frame)
            continue
        if rt.kind == "anova_f":
            checks += _anova_reproduced(rt, frame)
            continue
        if rt.kind == "mann_whitney_u":
            a = frame.loc[frame["group"] == rt.groups[0], rt.variable].to_numpy(float)
            b = frame.loc[frame["group"] == rt.groups[1], rt.variable].to_numpy(float)
            u = mann_whitney_u(a, b)
            checks.append(Check(f"Mann-Whitney U of {rt.variable} ({' vs '.join(rt.groups)})", fmt(rt.value, d),
                                fmt(u, d), rounds_as_printed(u, rt.value, d), rt.source))
            if rt.p is not None:
                p_both = stats.groups.mann_whitney_p_from_u(u, a.size, b.size)
                p_data = p_both["exact"] if p_both["exact"] is not None else p_both["normal"]
                checks.append(_p_check(f"p of the Mann-Whitney U of {rt.variable}", rt, p_data))
            continue
        t = tables[rt.table]
        a, b, c, dd = _cells(table_counts(frame, t))
        if rt.kind == "chi_square":
            e = stats.chi_square(a, a + b, c, c + dd, correction=rt.correction)
            checks.append(Check(f"chi-square{' (Yates)' if rt.correction else ''} of table {t.id}", fmt(rt.value, d),
                                fmt(e.statistic, d), rounds_as_printed(e.statistic, rt.value, d), rt.source))
            if rt.p is not None:
                checks.append(_p_check(f"p of the chi-square of table {t.id}", rt, e.p))
        elif rt.kind == "z_test":
            z, p = _two_proportion_z(a, b, c, dd)
            checks.append(Check(f"two-proportion z of table {t.id} (|z|)", fmt(abs(rt.value), d), fmt(abs(z), d),
                                rounds_as_printed(abs(z), abs(rt.value), d), rt.source))
            if rt.p is not None:
                checks.append(_p_check(f"p of the two-proportion z of table {t.id}", rt, p))
        elif rt.kind == "fisher_p":
            e = stats.fisher_exact(a, a + b, c, c + dd)
            checks.append(Check(f"Fisher exact p of table {t.id}", fmt(rt.value, d), fmt(e.p, d),
                                rounds_as_printed(e.p, rt.value, d), rt.source))
        else:
            e = stats.risk_ratio(a, a + b, c, c + dd)
            ok = rounds_as_printed(e.estimate, rt.value, d)
            text = fmt(e.estimate, d)
            if rt.ci is not None:
                ok = ok and rounds_as_printed(e.ci_low, rt.ci[0], d) and rounds_as_printed(e.ci_high, rt.ci[1], d)
                text += f" ({fmt(e.ci_low, d)}-{fmt(e.ci_high, d)})"
            published = fmt(rt.value, d) + (f" ({fmt(rt.ci[0], d)}-{fmt(rt.ci[1], d)})" if rt.ci else "")
            checks.append(Check(f"risk ratio of table {t.id}", published, text, ok, rt.source))
    return checks


@examines(ReportedTest)
def reported_tests_possible(reported: list[ReportedTest], spec) -> list[ForensicCheck]:
    tables = {t.id: t for t in spec.tables}
    out = []
    for rt in reported:
        d = rt.places
        if rt.kind == "t_test":
            out.append(_t_test_possible(rt, spec))
            continue
        if rt.kind == "anova_f":
            out.append(_anova_possible(rt, spec))
            continue
        if rt.kind == "mann_whitney_u":
            n1, n2 = spec.n(rt.groups[0]), spec.n(rt.groups[1])
            out.append(ForensicCheck(spec.id, "range", f"Mann-Whitney U of {rt.variable}", f"U = {rt.value:.{d}f}",
                                     f"0 <= U <= {n1 * n2 / 2:g} (n = {n1}, {n2})",
                                     verdict_of(0 <= rt.value <= n1 * n2 / 2 and (2 * rt.value) % 1 == 0),
                                     "" if rt.p is not None else "the p value is not reported, so it cannot be recomputed"))
            if rt.p is not None:
                out.append(_mann_whitney_p_possible(rt, spec))
            continue
        t = tables[rt.table]
        a, b, c, dd = _cells(t.counts)
        if rt.kind == "chi_square":
            e = stats.chi_square(a, a + b, c, c + dd, correction=rt.correction)
            out.append(ForensicCheck(spec.id, "recomputed", f"chi-square of table {t.id}", f"{rt.value:.{d}f}",
                                     f"{e.statistic:.{d}f}" + (" (Yates)" if rt.correction else " (no correction)"),
                                     verdict_of(rounds_as_printed(e.statistic, rt.value, d))))
            if rt.p is not None:
                pd_ = rt.p_places
                report = Report("chi2", 1.0, None, rt.value, d, "=", rt.p_relation, rt.p, pd_,
                                f"chi2(1) = {rt.value:.{d}f}, p {rt.p_relation} {rt.p:.{pd_}f}")
                sc = check(report)
                out.append(ForensicCheck(spec.id, "statcheck", report.text, f"p = {rt.p}",
                                         f"p in [{sc.p_low:.2g}, {sc.p_high:.2g}]",
                                         sc.verdict))
        elif rt.kind == "z_test":
            out += _z_test_possible(rt, spec, t, (a, b, c, dd))
        elif rt.kind == "fisher_p":
            p = stats.fisher_exact(a, a + b, c, c + dd).p
            out.append(ForensicCheck(spec.id, "recomputed", f"Fisher exact p of table {t.id}", f"{rt.value:.{d}f}",
                                     f"{p:.{d + 2}f}", verdict_of(rounds_to(Fraction(p), rt.value, d))))
        else:
            e = stats.risk_ratio(a, a + b, c, c + dd)
            ok = rounds_to(Fraction(e.estimate), rt.value, d)
            published = f"{rt.value:.{d}f}"
            if rt.ci is not None:
                ok = ok and rounds_to(Fraction(e.ci_low), rt.ci[0], d) and rounds_to(Fraction(e.ci_high), rt.ci[1], d)
                published += f" ({rt.ci[0]:.{d}f}-{rt.ci[1]:.{d}f})"
            out.append(ForensicCheck(spec.id, "recomputed", f"risk ratio and CI of table {t.id}", published,
                                     f"{e.estimate:.{d + 2}f} ({e.ci_low:.{d + 2}f}-{e.ci_high:.{d + 2}f}), Katz",
                                     verdict_of(ok)))
    return out


def _fits_printed_p(p: float, rt: ReportedTest) -> bool:
    """Does ``p`` agree with the printed p (:func:`~analysis.spec.parts.base.fits_printed_p`)?"""
    return fits_printed_p(p, rt.p, rt.p_relation, rt.p_places)


def _p_check(what: str, rt: ReportedTest, p: float) -> Check:
    """Does the dataset's p agree with the printed one (:func:`_fits_printed_p`)?"""
    d = rt.p_places
    if rt.p_relation == "=":
        return Check(what, fmt(rt.p, d), fmt(p, d), _fits_printed_p(p, rt), rt.source)
    return Check(what, f"{rt.p_relation} {fmt(rt.p, d)}", f"{p:.3g}" if p < 10**-d else fmt(p, d),
                 _fits_printed_p(p, rt), rt.source)


def _t_test_reproduced(rt: ReportedTest, frame) -> list[Check]:
    """The dataset's t (Student or Welch, first group minus second), its df and its p, at the printed rounding."""
    a = frame.loc[frame["group"] == rt.groups[0], rt.variable].to_numpy(float)
    b = frame.loc[frame["group"] == rt.groups[1], rt.variable].to_numpy(float)
    e = (stats.welch_t if rt.welch else stats.student_t)(a, b, names=tuple(rt.groups))
    name = "Welch t" if rt.welch else "Student t"
    d = rt.places
    out = [Check(f"{name} of {rt.variable} ({' vs '.join(rt.groups)})", fmt(rt.value, d), fmt(e.statistic, d),
                 rounds_as_printed(e.statistic, rt.value, d), rt.source)]
    if rt.df is not None:
        df_places = decimals_of(f"{rt.df:g}")
        out.append(Check(f"df of the {name} test of {rt.variable}", f"{rt.df:g}", f"{e.df:.{df_places}f}",
                         rounds_as_printed(e.df, rt.df, df_places), rt.source))
    if rt.p is not None:
        out.append(_p_check(f"p of the {name} test of {rt.variable}", rt, e.p))
    return out


def t_test_df(rt: ReportedTest, spec) -> tuple[float | None, str]:
    """The df of a reported t test: as printed; else n1 + n2 - 2 (Student) or Welch-Satterthwaite from the
    published SDs; None (with the reason) when the paper gives neither."""
    if rt.df is not None:
        return rt.df, "as printed"
    n1, n2 = spec.n(rt.groups[0]), spec.n(rt.groups[1])
    if not rt.welch:
        return float(n1 + n2 - 2), f"n1 + n2 - 2 (n = {n1}, {n2})"
    try:
        s1, s2 = (spec.summary(g, rt.variable) for g in rt.groups)
    except (KeyError, ValueError):
        return None, "Welch df not printed and no published SDs to compute them from"
    if s1.sd is None or s2.sd is None or s1.sd.is_assumption or s2.sd.is_assumption:
        return None, "Welch df not printed and the SDs are not published"
    v1, v2 = s1.sd.point**2 / n1, s2.sd.point**2 / n2
    return (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1)), "Welch-Satterthwaite from the published SDs"


def _t_test_possible(rt: ReportedTest, spec) -> ForensicCheck:
    """statcheck: is the printed p possible for the printed t at its df (each at its printed rounding)?"""
    name = "Welch t" if rt.welch else "Student t"
    what = f"{name} of {rt.variable} ({' vs '.join(rt.groups)})"
    if rt.p is None:
        return ForensicCheck(spec.id, "statcheck", what, f"t = {rt.value:.{rt.places}f}", "no p printed",
                             "not checkable", "the paper prints no p for this t")
    df, how = t_test_df(rt, spec)
    printed = f"t = {rt.value:.{rt.places}f}, p {rt.p_relation} {rt.p:.{rt.p_places}f}"
    if df is None:
        return ForensicCheck(spec.id, "statcheck", what, printed, "df unknown", "not checkable", how)
    report = Report("t", df, None, rt.value, rt.places, "=", rt.p_relation, rt.p, rt.p_places,
                    f"t({df:.4g}) = {rt.value:.{rt.places}f}, p {rt.p_relation} {rt.p:.{rt.p_places}f}")
    sc = check(report)
    return ForensicCheck(spec.id, "statcheck", what, printed,
                         f"p in [{sc.p_low:.3g}, {sc.p_high:.3g}] at df = {df:.4g} ({how})", sc.verdict)


def _anova_reproduced(rt: ReportedTest, frame) -> list[Check]:
    """The dataset's one-way ANOVA F (and p) across the named groups, at the printed rounding."""
    from scipy.stats import f_oneway

    samples = [frame.loc[frame["group"] == g, rt.variable].to_numpy(float) for g in rt.groups]
    res = f_oneway(*samples)
    what = f"one-way ANOVA F of {rt.variable} ({', '.join(rt.groups)})"
    out = [Check(what, fmt(rt.value, rt.places), fmt(float(res.statistic), rt.places),
                 rounds_as_printed(float(res.statistic), rt.value, rt.places), rt.source)]
    if rt.p is not None:
        out.append(_p_check(f"p of the {what}", rt, float(res.pvalue)))
    return out


def _anova_possible(rt: ReportedTest, spec) -> ForensicCheck:
    """statcheck: is the printed p possible for the printed F at df (k - 1, N - k)?"""
    what = f"one-way ANOVA F of {rt.variable} ({', '.join(rt.groups)})"
    k, total = len(rt.groups), sum(spec.n(g) for g in rt.groups)
    printed = f"F = {rt.value:.{rt.places}f}" + (f", p {rt.p_relation} {rt.p:.{rt.p_places}f}" if rt.p is not None else "")
    if rt.p is None:
        return ForensicCheck(spec.id, "statcheck", what, printed, "no p printed", "not checkable",
                             "the paper prints no p for this F")
    report = Report("F", float(k - 1), float(total - k), rt.value, rt.places, "=", rt.p_relation, rt.p, rt.p_places,
                    f"F({k - 1}, {total - k}) = {printed.removeprefix('F = ')}")
    sc = check(report)
    return ForensicCheck(spec.id, "statcheck", what, printed,
                         f"p in [{sc.p_low:.3g}, {sc.p_high:.3g}] at df = ({k - 1}, {total - k})", sc.verdict)


def _mann_whitney_p_possible(rt: ReportedTest, spec) -> ForensicCheck:
    """Is the printed p possible for the printed U? Exact (no ties) or normal approximation: a paper may have used
    either, so the p is consistent when it fits one of them and a decision error when it fits neither's side."""
    n1, n2 = spec.n(rt.groups[0]), spec.n(rt.groups[1])
    both = stats.groups.mann_whitney_p_from_u(rt.value, n1, n2)
    candidates = {k: v for k, v in both.items() if v is not None}
    d = rt.p_places
    printed = f"U = {rt.value:.{rt.places}f}, p {rt.p_relation} {rt.p:.{d}f}"
    computed = "; ".join(f"{k} p = {v:.3g}" for k, v in candidates.items())
    if any(_fits_printed_p(p, rt) for p in candidates.values()):
        verdict = "consistent"
    else:
        said = printed_significance(rt.p, rt.p_relation, d, rt.alpha)
        verdict = "decision-inconsistent" if said is not None and all((p <= rt.alpha) != said
                                                                      for p in candidates.values()) else "inconsistent"
    return ForensicCheck(spec.id, "recomputed", f"p of the Mann-Whitney U of {rt.variable} (n = {n1}, {n2})",
                         printed, computed, verdict, "exact (no ties) or normal approximation: either may be the paper's")


def _two_proportion_z(a: int, b: int, c: int, d: int) -> tuple[float, float]:
    """The pooled two-proportion z of a 2x2 table (its square is the uncorrected Pearson chi-square) and its p."""
    e = stats.chi_square(a, a + b, c, c + d, correction=False)
    return math.copysign(math.sqrt(e.statistic), e.estimate), e.p


def _z_test_possible(rt: ReportedTest, spec, t, cells) -> list[ForensicCheck]:
    """A printed z recomputed from the printed table (|z|: the sign depends on the order of the groups), and the
    printed p statchecked against the printed z (two-sided)."""
    d = rt.places
    z, _ = _two_proportion_z(*cells)
    out = [ForensicCheck(spec.id, "recomputed", f"two-proportion z of table {t.id}", f"|z| = {abs(rt.value):.{d}f}",
                         f"|z| = {abs(z):.{d + 2}f} (pooled SE)", verdict_of(rounds_as_printed(abs(z), abs(rt.value), d)))]
    if rt.p is not None:
        report = Report("z", None, None, rt.value, d, "=", rt.p_relation, rt.p, rt.p_places,
                        f"z = {rt.value:.{d}f}, p {rt.p_relation} {rt.p:.{rt.p_places}f}")
        sc = check(report)
        out.append(ForensicCheck(spec.id, "statcheck", report.text, f"p {rt.p_relation} {rt.p}",
                                 f"p in [{sc.p_low:.3g}, {sc.p_high:.3g}]", sc.verdict))
    return out
