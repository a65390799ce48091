"""A reported two-proportion z of a 2x2 table: reproduced by the dataset's table (|z|: the sign depends on the
order of the groups), recomputed from the printed cells, and its printed p statchecked (two-sided)."""

from __future__ import annotations

import math

from analysis import stats
from analysis.checks.figures.reported import p_check, statcheck
from analysis.checks.figures.table import cells, table_counts
from analysis.checks.registry import Check, ForensicCheck, examines, fmt, reproduces, rounds_as_printed, verdict_of
from analysis.spec.parts import ReportedZ


def two_proportion_z(a: int, b: int, c: int, d: int) -> tuple[float, float]:
    """The pooled two-proportion z of a 2x2 table (its square is the uncorrected Pearson chi-square) and its p."""
    e = stats.chi_square(a, a + b, c, c + d, correction=False)
    return math.copysign(math.sqrt(e.statistic), e.estimate), e.p


@reproduces(ReportedZ)
def z_tests_reproduced(reported: list[ReportedZ], spec, frame) -> list[Check]:
    tables = {t.id: t for t in spec.tables}
    out = []
    for rt in reported:
        t, d = tables[rt.table], rt.places
        z, p = two_proportion_z(*cells(table_counts(frame, t)))
        out.append(Check(f"two-proportion z of table {t.id} (|z|)", fmt(abs(rt.value), d), fmt(abs(z), d),
                         rounds_as_printed(abs(z), abs(rt.value), d), rt.source))
        if rt.p is not None:
            out.append(p_check(f"p of the two-proportion z of table {t.id}", rt, p))
    return out


@examines(ReportedZ)
def z_tests_possible(reported: list[ReportedZ], spec) -> list[ForensicCheck]:
    tables = {t.id: t for t in spec.tables}
    out = []
    for rt in reported:
        t, d = tables[rt.table], rt.places
        z, _ = two_proportion_z(*cells(t.counts))
        out.append(ForensicCheck(spec.id, "recomputed", f"two-proportion z of table {t.id}",
                                 f"|z| = {abs(rt.value):.{d}f}", f"|z| = {abs(z):.{d + 2}f} (pooled SE)",
                                 verdict_of(rounds_as_printed(abs(z), abs(rt.value), d))))
        if rt.p is not None:
            report, sc = statcheck(rt, "z", None, None,
                                   f"z = {rt.value:.{d}f}, p {rt.p_relation} {rt.p:.{rt.p_places}f}")
            out.append(ForensicCheck(spec.id, "statcheck", report.text, f"p {rt.p_relation} {rt.p}",
                                     f"p in [{sc.p_low:.3g}, {sc.p_high:.3g}]", sc.verdict))
    return out
