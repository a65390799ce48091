"""A Fisher exact p of a 2x2 table the paper reports (the printed number is the p itself)."""

from __future__ import annotations

from typing import ClassVar, Literal

from analysis.spec.parts.reported import TableTest


class ReportedFisherP(TableTest):
    """Fisher's exact two-sided p of one of the spec's tables, printed as ``value``."""

    kind: Literal["fisher_p"]
    label: ClassVar[str] = "fisher p"
