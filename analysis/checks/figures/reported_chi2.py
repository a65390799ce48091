"""A reported chi-square of a 2x2 table: reproduced by the dataset's table, recomputed from the printed cells, and
its printed p statchecked at 1 df."""

from __future__ import annotations

from analysis import stats
from analysis.checks.figures.reported import p_check, statcheck
from analysis.checks.figures.table import cells, table_counts
from analysis.checks.registry import Check, ForensicCheck, examines, fmt, reproduces, rounds_as_printed, verdict_of
from analysis.spec.parts import ReportedChiSquare


def _chi_square(rt: ReportedChiSquare, counts):
    a, b, c, d = cells(counts)
    return stats.chi_square(a, a + b, c, c + d, correction=rt.correction)


@reproduces(ReportedChiSquare)
def chi_squares_reproduced(reported: list[ReportedChiSquare], spec, frame) -> list[Check]:
    tables = {t.id: t for t in spec.tables}
    out = []
    for rt in reported:
        t, d = tables[rt.table], rt.places
        e = _chi_square(rt, table_counts(frame, t))
        out.append(Check(f"chi-square{' (Yates)' if rt.correction else ''} of table {t.id}", fmt(rt.value, d),
                         fmt(e.statistic, d), rounds_as_printed(e.statistic, rt.value, d), rt.source))
        if rt.p is not None:
            out.append(p_check(f"p of the chi-square of table {t.id}", rt, e.p))
    return out


@examines(ReportedChiSquare)
def chi_squares_possible(reported: list[ReportedChiSquare], spec) -> list[ForensicCheck]:
    tables = {t.id: t for t in spec.tables}
    out = []
    for rt in reported:
        t, d = tables[rt.table], rt.places
        e = _chi_square(rt, t.counts)
        out.append(ForensicCheck(spec.id, "recomputed", f"chi-square of table {t.id}", f"{rt.value:.{d}f}",
                                 f"{e.statistic:.{d}f}" + (" (Yates)" if rt.correction else " (no correction)"),
                                 verdict_of(rounds_as_printed(e.statistic, rt.value, d))))
        if rt.p is not None:
            report, sc = statcheck(rt, "chi2", 1.0, None,
                                   f"chi2(1) = {rt.value:.{d}f}, p {rt.p_relation} {rt.p:.{rt.p_places}f}")
            out.append(ForensicCheck(spec.id, "statcheck", report.text, f"p = {rt.p}",
                                     f"p in [{sc.p_low:.2g}, {sc.p_high:.2g}]", sc.verdict))
    return out
