"""Contingency tables of individuals (the tests a paper computed from them are kinds of their own: ``reported_*``)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import model_validator

from analysis.spec.parts.base import Figure, Source, display_row


class Table(Figure):
    """A contingency table of individuals: ``counts[i][j]`` = rows with ``row_levels[i]`` and ``col_levels[j]``.

    Tables of one spec that share a variable describe the same people: their margins
    on it must agree, and the generator fills the other variable within each level.
    """

    spec_field: ClassVar[str] = "tables"
    id: str
    row: str
    col: str
    row_levels: list[str]
    col_levels: list[str]
    counts: list[list[int]]
    source: Source

    @model_validator(mode="after")
    def _shape(self) -> "Table":
        if len(self.counts) != len(self.row_levels) or any(len(r) != len(self.col_levels) for r in self.counts):
            raise ValueError(f"counts must be {len(self.row_levels)} x {len(self.col_levels)}")
        if any(c < 0 for r in self.counts for c in r):
            raise ValueError("counts must be >= 0")
        return self

    @property
    def total(self) -> int:
        return sum(sum(r) for r in self.counts)

    def display_rows(self, spec) -> list[dict]:
        rows = []
        for i, rl in enumerate(self.row_levels):
            cells = ", ".join(f"{self.col} = {cl}: {self.counts[i][j]}" for j, cl in enumerate(self.col_levels))
            rows.append(display_row(f"table {self.id}: {self.row} = {rl}", cells, self.source))
        return rows

    def cross_check(self, spec, where: str) -> None:
        totals = {t.total for t in spec.tables}
        if len(totals) > 1:
            raise ValueError(f"tables: every table must describe the same people; totals differ: {sorted(totals)}")
