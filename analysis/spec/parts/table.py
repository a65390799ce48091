"""Contingency tables of individuals, and the test statistics a paper reports."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, model_validator

from analysis.core.numbers import decimals_of
from analysis.spec.parts.base import Figure, Source, display_row, known


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


class ReportedTest(Figure):
    """A test statistic the paper reports and the dataset must reproduce."""

    spec_field: ClassVar[str] = "reported_tests"
    kind: Literal["mann_whitney_u", "t_test", "anova_f", "z_test", "chi_square", "fisher_p", "risk_ratio"]
    value: float
    decimals: int | None = None
    source: Source
    variable: str | None = None
    groups: tuple[str, ...] | None = None
    table: str | None = None
    correction: bool = False
    ci: tuple[float, float] | None = None
    p: float | None = None
    p_decimals: int | None = None
    #: How the paper printed p: "=" (an exact p), "<" (e.g. p < .001) or ">" (e.g. p > .05).
    p_relation: Literal["=", "<", ">", "n.s."] = "="
    #: A t test: Welch's (unequal variances) rather than Student's; and the df if the paper printed them.
    welch: bool = False
    df: float | None = None
    #: The significance level the paper tests at (what "n.s." and a decision error are judged against).
    alpha: float = Field(default=0.05, gt=0, lt=1)
    note: str | None = None

    @model_validator(mode="after")
    def _targets(self) -> "ReportedTest":
        on_groups = self.kind in ("mann_whitney_u", "t_test", "anova_f")
        if on_groups and (self.variable is None or self.groups is None):
            raise ValueError(f"a {self.kind} needs 'variable' and 'groups'")
        if self.groups is not None and len(set(self.groups)) != len(self.groups):
            raise ValueError(f"groups must be different groups, got {list(self.groups)}")
        if self.groups is not None and self.kind != "anova_f" and len(self.groups) != 2:
            raise ValueError(f"a {self.kind} compares two groups, got {len(self.groups)}")
        if self.kind == "anova_f" and self.groups is not None and len(self.groups) < 2:
            raise ValueError("a one-way ANOVA needs at least two groups")
        if not on_groups and self.table is None:
            raise ValueError(f"a {self.kind} needs the 'table' it was computed from")
        if self.kind != "t_test" and self.welch:
            raise ValueError("'welch' belongs to a t_test")
        if self.kind not in ("t_test", "anova_f") and self.df is not None:
            raise ValueError("'df' belongs to a t_test (an anova_f's df are k - 1 and N - k)")
        if self.df is not None and not self.df > 0:
            raise ValueError(f"df must be positive, got {self.df}")
        if self.p is not None and not 0 <= self.p <= 1:
            raise ValueError(f"p must lie in [0, 1], got {self.p}")
        if self.p_relation == "n.s.":  # "not significant": p > alpha, alpha 0.05 unless a p says which
            object.__setattr__(self, "p_relation", ">")
            object.__setattr__(self, "p", self.p if self.p is not None else self.alpha)
        return self

    @property
    def p_places(self) -> int:
        """Published decimals of p (as printed: ``p_decimals``, else the decimals the number was written with)."""
        if self.p_decimals is not None:
            return self.p_decimals
        return decimals_of(self.p) if self.p is not None else 4

    @property
    def places(self) -> int:
        """Published decimals of the statistic (2 when not given)."""
        return self.decimals if self.decimals is not None else 2

    def display_rows(self, spec) -> list[dict]:
        target = self.table or f"{self.variable} ({' vs '.join(self.groups or ())})"
        value = f"{self.value:.{self.places}f}" + (f" ({self.ci[0]}-{self.ci[1]})" if self.ci else "")
        if self.kind == "t_test":
            value = f"t{f'({self.df:g})' if self.df is not None else ''} = {value}"
        if self.kind == "anova_f":
            value = f"F = {value}"
        if self.kind == "z_test":
            value = f"z = {value}"
        value += f", p {self.p_relation} {self.p:.{self.p_places}f}" if self.p is not None else ""
        name = {"t_test": "Welch t test" if self.welch else "Student t test",
                "anova_f": "one-way ANOVA F", "z_test": "two-proportion z test"}.get(self.kind, self.kind.replace("_", " "))
        return [display_row(f"{name} of {target}", value, self.source)]

    def cross_check(self, spec, where: str) -> None:
        for g in self.groups or ():
            known("group", g, f"{where}.groups", spec.groups)
        if self.table is not None:
            known("table", self.table, f"{where}.table", {t.id for t in spec.tables})
