"""A two-proportion z of a 2x2 table the paper reports (pooled SE), with its p."""

from __future__ import annotations

from typing import ClassVar, Literal

from analysis.spec.parts.reported import TableTest


class ReportedZ(TableTest):
    """The pooled two-proportion z of one of the spec's tables (its square is the uncorrected chi-square)."""

    kind: Literal["z_test"]
    label: ClassVar[str] = "two-proportion z test"
    symbol: ClassVar[str] = "z"
