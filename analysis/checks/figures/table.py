"""Contingency tables: cross-tabulations reproduced cell by cell, and their totals against the group's n. The tests
a paper computed from a table (chi-square, z, Fisher p, risk ratio) are kinds of their own (``reported_*.py``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.checks.registry import Check, ForensicCheck, examines, reproduces, verdict_of
from analysis.spec.parts import Table


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


def cells(counts) -> tuple[int, int, int, int]:
    (a, b), (c, d) = np.asarray(counts).tolist()
    return int(a), int(b), int(c), int(d)
