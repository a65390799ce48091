"""A paired (pre/post, crossover) comparison the paper reports: a paired t of two variables measured on the same
people of one group, with its df, p and, where printed, the mean change and the SD of the change."""

from __future__ import annotations

import math
from typing import ClassVar, Literal

from pydantic import Field, model_validator

from analysis.core.numbers import decimals_of
from analysis.spec.parts.base import known
from analysis.spec.parts.reported import ReportedStatistic


class ReportedPairedT(ReportedStatistic):
    """A paired t of ``after - before`` in ``group`` (df = n - 1); ``mean_change`` and ``sd_change`` as printed.

    The SD of the change and the two SDs fix the correlation of before and after (which papers rarely print):
    sd_change^2 = sd_before^2 + sd_after^2 - 2 r sd_before sd_after (:meth:`implied_r`).

    >>> ReportedPairedT.implied_r(2.60, 2.63, 1.2246)
    0.8904...
    """

    kind: Literal["paired_t"]
    label: ClassVar[str] = "paired t test"
    group: str
    before: str
    after: str
    df: float | None = Field(default=None, gt=0)
    mean_change: float | None = None
    mean_change_decimals: int | None = Field(default=None, ge=0)
    sd_change: float | None = Field(default=None, gt=0)
    sd_change_decimals: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _two_variables(self) -> "ReportedPairedT":
        if self.before == self.after:
            raise ValueError(f"a paired_t compares two variables; 'before' and 'after' are both {self.before!r}")
        return self

    @staticmethod
    def implied_r(sd_before: float, sd_after: float, sd_change: float) -> float:
        """The correlation of before and after that the SD of the change implies."""
        return (sd_before**2 + sd_after**2 - sd_change**2) / (2 * sd_before * sd_after)

    def change_places(self, field: str) -> int:
        """Printed decimals of ``mean_change`` or ``sd_change``."""
        given = getattr(self, f"{field}_decimals")
        return given if given is not None else decimals_of(getattr(self, field))

    @property
    def target(self) -> str:
        return f"{self.after} - {self.before} ({self.group})"

    def value_text(self) -> str:
        text = f"t{f'({self.df:g})' if self.df is not None else ''} = {self.value:.{self.places}f}"
        if self.mean_change is not None:
            text = f"mean change {self.mean_change:.{self.change_places('mean_change')}f}" + (
                f" (SD {self.sd_change:.{self.change_places('sd_change')}f})" if self.sd_change is not None else ""
            ) + f", {text}"
        return text

    def cross_check(self, spec, where: str) -> None:
        known("group", self.group, f"{where}.group", spec.groups)
        for field in ("before", "after"):
            known("variable", getattr(self, field), f"{where}.{field}", spec.variables)
        if self.df is not None and not math.isclose(self.df, spec.n(self.group) - 1) and \
                not spec.groups[self.group].n.is_assumption:
            raise ValueError(f"{where}.df: a paired t on n = {spec.n(self.group)} has df = "
                             f"{spec.n(self.group) - 1}, not {self.df:g}")
