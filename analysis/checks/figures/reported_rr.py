"""A reported risk ratio of a 2x2 table with its CI: reproduced by the dataset's table and recomputed from the
printed cells (Katz CI), each limit at its printed rounding."""

from __future__ import annotations

from analysis import stats
from analysis.checks.figures.table import cells, table_counts
from analysis.checks.registry import Check, ForensicCheck, examines, fmt, reproduces, rounds_as_printed, verdict_of
from analysis.spec.parts import ReportedRiskRatio


def _risk_ratio(counts):
    a, b, c, d = cells(counts)
    return stats.risk_ratio(a, a + b, c, c + d)


def _agrees(e, rt: ReportedRiskRatio) -> bool:
    d = rt.places
    ok = rounds_as_printed(e.estimate, rt.value, d)
    if rt.ci is not None:
        ok = ok and rounds_as_printed(e.ci_low, rt.ci[0], d) and rounds_as_printed(e.ci_high, rt.ci[1], d)
    return ok


@reproduces(ReportedRiskRatio)
def risk_ratios_reproduced(reported: list[ReportedRiskRatio], spec, frame) -> list[Check]:
    tables = {t.id: t for t in spec.tables}
    out = []
    for rt in reported:
        e, d = _risk_ratio(table_counts(frame, tables[rt.table])), rt.places
        text = fmt(e.estimate, d) + (f" ({fmt(e.ci_low, d)}-{fmt(e.ci_high, d)})" if rt.ci is not None else "")
        published = fmt(rt.value, d) + (f" ({fmt(rt.ci[0], d)}-{fmt(rt.ci[1], d)})" if rt.ci else "")
        out.append(Check(f"risk ratio of table {rt.table}", published, text, _agrees(e, rt), rt.source))
    return out


@examines(ReportedRiskRatio)
def risk_ratios_possible(reported: list[ReportedRiskRatio], spec) -> list[ForensicCheck]:
    tables = {t.id: t for t in spec.tables}
    out = []
    for rt in reported:
        e, d = _risk_ratio(tables[rt.table].counts), rt.places
        published = f"{rt.value:.{d}f}" + (f" ({rt.ci[0]:.{d}f}-{rt.ci[1]:.{d}f})" if rt.ci is not None else "")
        out.append(ForensicCheck(spec.id, "recomputed", f"risk ratio and CI of table {rt.table}", published,
                                 f"{e.estimate:.{d + 2}f} ({e.ci_low:.{d + 2}f}-{e.ci_high:.{d + 2}f}), Katz",
                                 verdict_of(_agrees(e, rt))))
    return out
