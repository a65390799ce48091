"""Published effect estimates (OR, RR, HR, SMD, ...) with their CIs, and published percentages with their counts."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import Field, model_validator

from analysis.core.numbers import decimals_of
from analysis.spec.parts.base import Figure, Quantity, Source, Strict, display_row


class SecondaryReport(Strict):
    """What a secondary source (a review quoting the paper) printed for the same figure."""

    where: str
    estimate: float
    ci: tuple[float, float] | None = None
    p: float | None = Field(default=None, gt=0, le=1)

    @property
    def printed(self) -> str:
        return f"{self.estimate:g}" + (f" ({self.ci[0]:g}-{self.ci[1]:g})" if self.ci else "") + (
            f", p = {self.p:g}" if self.p is not None else "")


class Effect(Figure):
    """A published effect estimate (OR, RR, HR, SMD, ...) with its CI and p where reported."""

    spec_field: ClassVar[str] = "effects"
    id: str
    #: ``logOR``: a log odds ratio as printed (its CI symmetric on the printed scale).
    measure: Literal["OR", "RR", "HR", "SMD", "MD", "r", "R2", "proportion", "logOR"]
    outcome: str
    comparison: str
    estimate: Quantity
    ci: tuple[float, float] | None = None
    #: Decimals the CI limits and p were printed with, when a trailing zero would be lost ("1.20", "0.340").
    ci_decimals: int | None = Field(default=None, ge=0)
    ci_level: float = 0.95
    p: float | None = None
    p_relation: Literal["=", "<", ">"] = "="
    p_decimals: int | None = Field(default=None, ge=0)
    n: int | None = None
    #: The df of a t-based CI and p (an MD or SMD from a small sample), when printed; else the check tries n - 1
    #: (paired, one sample) and n - 2 (two groups) beside a normal interval, and says which fits.
    df: float | None = Field(default=None, gt=0)
    #: Events behind a ratio (HR, OR): the CI can be no narrower than the events allow (SE of the log ratio at
    #: least 2 / sqrt(events)).
    events: int | None = Field(default=None, ge=1)
    alpha: float = Field(default=0.05, gt=0, lt=1)
    adjusted: bool = False
    unit: str | None = None
    #: For a pooled estimate: the number of studies and the I-squared (%) the review printed.
    studies: int | None = Field(default=None, ge=1)
    i2: float | None = Field(default=None, ge=0, le=100)
    #: The smallest difference the paper (or review) calls clinically important, in the estimate's unit.
    important_difference: float | None = Field(default=None, gt=0)
    #: The certainty the review itself gave (GRADE), as printed.
    certainty: Literal["high", "moderate", "low", "very low"] | None = None
    #: The same figure as a secondary source printed it; the spec keeps the primary, the forensics compare them.
    secondary: SecondaryReport | None = None
    #: For a proportion printed without its count: how the paper cut x / n to the printed digits. "rounded" (the
    #: default); "truncated" only where no count rounds to the printed value and one truncates to it (say so in the
    #: note). The count behind the proportion is the one whose share prints so.
    rounding: Literal["rounded", "truncated"] = "rounded"
    note: str | None = None

    @model_validator(mode="after")
    def _rounding_of_a_proportion(self) -> "Effect":
        if self.rounding != "rounded" and self.measure != "proportion":
            raise ValueError(f"rounding: {self.rounding!r} applies to a printed proportion only, not a {self.measure}")
        return self

    @property
    def p_places(self) -> int:
        """Decimals the p was printed with ("0.0028" -> 4; 1e-05 -> 5)."""
        if self.p_decimals is not None:
            return self.p_decimals
        return decimals_of(format(Decimal(repr(self.p)), "f"))

    @property
    def p_text(self) -> str:
        """The p as printed (its printed decimals when known: "0.0028", "0.10")."""
        return f"{self.p:.{self.p_decimals}f}" if self.p_decimals is not None else f"{self.p:g}"

    def display_rows(self, spec) -> list[dict]:
        value = f"{self.measure} {self.estimate.point:g}" + (f" ({self.ci[0]:g}-{self.ci[1]:g})" if self.ci else ", no CI")
        value += f", p {self.p_relation} {self.p_text}" if self.p is not None else ""
        value += f"; {self.events} events" if self.events else ""
        value += f"; {self.studies} studies" if self.studies else ""
        value += f", I\u00b2 = {self.i2:g}%" if self.i2 is not None else ""
        value += f"; important difference {self.important_difference:g}" if self.important_difference else ""
        value += f"; the review's certainty: {self.certainty}" if self.certainty else ""
        value += f"; {self.secondary.where} prints {self.secondary.printed}" if self.secondary else ""
        return [{"figure": f"{self.comparison} -> {self.outcome}" + (f" [{self.unit}]" if self.unit else ""),
                 "value": value, "where": self.estimate.source or "assumed"}]


class Proportion(Figure):
    """A published percentage with the counts it should come from (``count`` of ``of``)."""

    spec_field: ClassVar[str] = "proportions"
    what: str
    count: int = Field(ge=0)
    of: int = Field(gt=0)
    percent: float
    decimals: int | None = None
    source: Source

    @model_validator(mode="after")
    def _count_within(self) -> "Proportion":
        if self.count > self.of:
            raise ValueError(f"count {self.count} exceeds its denominator {self.of}")
        return self

    def display_rows(self, spec) -> list[dict]:
        shown = f"{self.percent:.{self.decimals}f}" if self.decimals is not None else f"{self.percent:g}"
        return [display_row(self.what, f"{shown}%", self.source)]
