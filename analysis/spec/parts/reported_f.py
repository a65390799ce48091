"""A one-way ANOVA F across two or more groups the paper reports (df k - 1 and N - k), with its p."""

from __future__ import annotations

from typing import ClassVar, Literal

from analysis.spec.parts.reported import GroupTest


class ReportedF(GroupTest):
    """A one-way ANOVA F of one variable across the named groups."""

    kind: Literal["anova_f"]
    many_groups: ClassVar[bool] = True
    label: ClassVar[str] = "one-way ANOVA F"
    symbol: ClassVar[str] = "F"
