"""``two_group``: Hedges' g of ``groups[0] - groups[1]`` (Welch t, Mann-Whitney and Student t reported beside it)."""

from __future__ import annotations

from typing import Literal

import pandas as pd
from pydantic import model_validator

from analysis import stats
from analysis.claims.kinds.base import EvidenceKind, Outcome, Plot, register
from analysis.core import scales
from analysis.core.errors import InputError


@register
class TwoGroupEvidence(EvidenceKind):
    """A standardised difference between two groups of the ``group`` column."""

    analysis: Literal["two_group"]
    variable: str
    groups: tuple[str, str]

    scale = scales.HEDGES_G

    @model_validator(mode="after")
    def _distinct_groups(self) -> "TwoGroupEvidence":
        if self.groups[0] == self.groups[1]:
            raise ValueError(f"groups must be two different groups, got {list(self.groups)}")
        return self

    def columns(self) -> list[str]:
        return [self.variable, "group"]

    def used_levels(self) -> dict[str, tuple[str, ...]]:
        return {"group": tuple(self.groups)}

    def _samples(self, frame: pd.DataFrame):
        a_name, b_name = self.groups
        if "group" not in frame.columns:
            raise InputError("data", "group", f"a two-group comparison needs a 'group' column with {a_name!r} and "
                                              f"{b_name!r}")
        return (frame.loc[frame["group"] == a_name, self.variable], frame.loc[frame["group"] == b_name, self.variable])

    def run(self, frame, spec) -> Outcome:
        a, b = self._samples(frame)
        names = tuple(self.groups)
        primary = stats.hedges_g(a, b, names=names).with_interval(stats.hedges_g(a, b, level=0.90, names=names))
        others = [stats.welch_t(a, b, names=names), stats.mann_whitney(a, b, names=names),
                  stats.student_t(a, b, names=names)]
        return Outcome([primary, *others], primary, self.scale, self.judged_sesoi)

    def power_statement(self, result) -> str | None:
        a, b = self.groups
        n1 = int((result.frame["group"] == a).sum())
        n2 = int((result.frame["group"] == b).sum())
        return (f"With n = {n1} and {n2}, the power to detect g = {self.sesoi:g} was "
                f"{100 * stats.power_two_groups(self.sesoi, n1, n2):.0f}%; the smallest standardised difference "
                f"detectable with 80% power is d = {stats.detectable_difference(n1, n2):.2f} (two-sample t test, "
                f"noncentral t).")

    def figures(self, result, synthetic: str) -> list[Plot]:
        from analysis import figures

        spec = result.study.spec
        labels = {g: spec.groups[g].label if g in spec.groups else g for g in self.groups}
        y = spec.variables[self.variable].label if self.variable in spec.variables else self.variable
        return [Plot(figures.group_distributions(result.frame, self.variable, list(self.groups), labels, y),
                       f"{y} by group: points, quartile box and mean.{synthetic}")]
