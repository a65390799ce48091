"""What every test statistic a paper reports shares: the printed value and its decimals, the printed p (exact, a
bound or "n.s.") and the significance level; one kind per test (``reported_t``, ``reported_f``, ...), each chosen
by a ``reported_tests:`` entry's ``kind``.

A kind subclasses :class:`GroupTest` (a test between the spec's groups on one variable) or :class:`TableTest` (a
test computed from one of the spec's contingency tables) and names itself with ``kind: Literal["..."]``; it
registers itself in :attr:`ReportedStatistic.KINDS`, so a field that belongs to another kind is a load error
saying whose it is.
"""

from __future__ import annotations

import typing
from typing import ClassVar, Literal

from pydantic import Field, model_validator

from analysis.core.numbers import decimals_of
from analysis.spec.parts.base import Figure, Source, display_row, known


class ReportedStatistic(Figure):
    """A test statistic the paper reports and the dataset must reproduce."""

    spec_field: ClassVar[str] = "reported_tests"
    #: Every kind by its ``kind`` name, filled as the kinds are defined.
    KINDS: ClassVar[dict[str, type["ReportedStatistic"]]] = {}
    #: The test's name on a page ("Student t test") and the statistic's symbol before its value ("t", or "").
    label: ClassVar[str] = ""
    symbol: ClassVar[str] = ""
    kind: str
    value: float
    decimals: int | None = None
    source: Source
    p: float | None = None
    p_decimals: int | None = None
    #: How the paper printed p: "=" (an exact p), "<" (e.g. p < .001) or ">" (e.g. p > .05); "n.s." means
    #: "not significant", p > alpha (or > the p given).
    p_relation: Literal["=", "<", ">", "n.s."] = "="
    #: The significance level the paper tests at (what "n.s." and a decision error are judged against).
    alpha: float = Field(default=0.05, gt=0, lt=1)
    note: str | None = None

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs) -> None:
        names = typing.get_args(cls.model_fields["kind"].annotation)
        if names:
            ReportedStatistic.KINDS.update({name: cls for name in names})

    @model_validator(mode="before")
    @classmethod
    def _foreign_fields(cls, data):
        """A field of another kind ('welch' on a chi_square) is named with the kinds it belongs to."""
        if isinstance(data, dict):
            for name in data:
                owners = sorted(k for k, c in cls.KINDS.items()
                                if name in c.model_fields and name not in cls.model_fields)
                if owners:
                    raise ValueError(f"'{name}' belongs to a {' or '.join(owners)}")
        return data

    @model_validator(mode="after")
    def _printed_p(self) -> "ReportedStatistic":
        if self.p is not None and not 0 <= self.p <= 1:
            raise ValueError(f"p must lie in [0, 1], got {self.p}")
        if self.p_relation == "n.s.":  # "not significant": p > alpha, unless a p says which
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

    @property
    def target(self) -> str:
        """What the test was computed on, as a page names it."""
        return ""

    def value_text(self) -> str:
        """The statistic as printed, e.g. ``t(38) = 2.20`` (without p)."""
        value = f"{self.value:.{self.places}f}"
        return f"{self.symbol} = {value}" if self.symbol else value

    def display_rows(self, spec) -> list[dict]:
        value = self.value_text()
        value += f", p {self.p_relation} {self.p:.{self.p_places}f}" if self.p is not None else ""
        return [display_row(f"{self.label} of {self.target}", value, self.source)]


class GroupTest(ReportedStatistic):
    """A test between groups of the spec on one variable (two groups unless :attr:`many_groups`)."""

    many_groups: ClassVar[bool] = False
    variable: str | None = None
    groups: tuple[str, ...] | None = None

    @model_validator(mode="after")
    def _groups(self) -> "GroupTest":
        if self.variable is None or self.groups is None:
            raise ValueError(f"a {self.kind} needs 'variable' and 'groups'")
        if len(set(self.groups)) != len(self.groups):
            raise ValueError(f"groups must be different groups, got {list(self.groups)}")
        if not self.many_groups and len(self.groups) != 2:
            raise ValueError(f"a {self.kind} compares two groups, got {len(self.groups)}")
        if len(self.groups) < 2:
            raise ValueError(f"a {self.kind} needs at least two groups")
        return self

    @property
    def target(self) -> str:
        return f"{self.variable} ({' vs '.join(self.groups)})"

    def cross_check(self, spec, where: str) -> None:
        for g in self.groups:
            known("group", g, f"{where}.groups", spec.groups)


class TableTest(ReportedStatistic):
    """A test computed from one of the spec's contingency tables."""

    table: str | None = None

    @model_validator(mode="after")
    def _table(self) -> "TableTest":
        if self.table is None:
            raise ValueError(f"a {self.kind} needs the 'table' it was computed from")
        return self

    @property
    def target(self) -> str:
        return self.table

    def cross_check(self, spec, where: str) -> None:
        known("table", self.table, f"{where}.table", {t.id for t in spec.tables})
