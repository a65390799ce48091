"""Published effect estimates (OR, RR, HR, SMD, ...) with their CIs, and published percentages with their counts."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, model_validator

from analysis.spec.parts.base import Figure, Quantity, Source, display_row


class Effect(Figure):
    """A published effect estimate (OR, RR, HR, SMD, ...) with its CI and p where reported."""

    spec_field: ClassVar[str] = "effects"
    id: str
    measure: Literal["OR", "RR", "HR", "SMD", "MD", "r", "R2", "proportion"]
    outcome: str
    comparison: str
    estimate: Quantity
    ci: tuple[float, float] | None = None
    ci_level: float = 0.95
    p: float | None = None
    p_relation: Literal["=", "<", ">"] = "="
    n: int | None = None
    adjusted: bool = False
    unit: str | None = None
    note: str | None = None

    def display_rows(self, spec) -> list[dict]:
        value = f"{self.measure} {self.estimate.point:g}" + (f" ({self.ci[0]:g}-{self.ci[1]:g})" if self.ci else ", no CI")
        value += f", p {self.p_relation} {self.p:g}" if self.p is not None else ""
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
