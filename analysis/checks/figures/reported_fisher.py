"""A reported Fisher exact p of a 2x2 table: reproduced by the dataset's table and recomputed from the printed
cells (exactly, at its printed rounding)."""

from __future__ import annotations

from analysis import stats
from analysis.checks.figures.table import cells, table_counts
from analysis.checks.registry import Check, ForensicCheck, examines, fmt, reproduces, rounds_as_printed, verdict_of
from analysis.spec.parts import ReportedFisherP


def _fisher_p(counts) -> float:
    a, b, c, d = cells(counts)
    return stats.fisher_exact(a, a + b, c, c + d).p


@reproduces(ReportedFisherP)
def fisher_ps_reproduced(reported: list[ReportedFisherP], spec, frame) -> list[Check]:
    tables = {t.id: t for t in spec.tables}
    out = []
    for rt in reported:
        p, d = _fisher_p(table_counts(frame, tables[rt.table])), rt.places
        out.append(Check(f"Fisher exact p of table {rt.table}", fmt(rt.value, d), fmt(p, d),
                         rounds_as_printed(p, rt.value, d), rt.source))
    return out


@examines(ReportedFisherP)
def fisher_ps_possible(reported: list[ReportedFisherP], spec) -> list[ForensicCheck]:
    tables = {t.id: t for t in spec.tables}
    out = []
    for rt in reported:
        p, d = _fisher_p(tables[rt.table].counts), rt.places
        out.append(ForensicCheck(spec.id, "recomputed", f"Fisher exact p of table {rt.table}", f"{rt.value:.{d}f}",
                                 f"{p:.{d + 2}f}", verdict_of(rounds_as_printed(p, rt.value, d))))
    return out
