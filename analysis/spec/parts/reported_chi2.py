"""A chi-square of a 2x2 table the paper reports (with or without Yates' correction), with its p."""

from __future__ import annotations

from typing import ClassVar, Literal

from analysis.spec.parts.reported import TableTest


class ReportedChiSquare(TableTest):
    """Pearson's chi-square of one of the spec's tables; ``correction``: Yates' continuity correction."""

    kind: Literal["chi_square"]
    label: ClassVar[str] = "chi square"
    correction: bool = False
