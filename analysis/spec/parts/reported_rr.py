"""A risk ratio of a 2x2 table the paper reports, with its CI (Katz) if printed."""

from __future__ import annotations

from typing import ClassVar, Literal

from analysis.spec.parts.reported import TableTest


class ReportedRiskRatio(TableTest):
    """The risk ratio (first row over second) of one of the spec's tables, and its printed CI."""

    kind: Literal["risk_ratio"]
    label: ClassVar[str] = "risk ratio"
    ci: tuple[float, float] | None = None

    def value_text(self) -> str:
        return f"{self.value:.{self.places}f}" + (f" ({self.ci[0]}-{self.ci[1]})" if self.ci else "")
