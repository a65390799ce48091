"""A Mann-Whitney U between two groups the paper reports (the smaller U), with its p if printed."""

from __future__ import annotations

from typing import ClassVar, Literal

from analysis.spec.parts.reported import GroupTest


class ReportedU(GroupTest):
    """A Mann-Whitney U of one variable between two groups (ties count one half)."""

    kind: Literal["mann_whitney_u"]
    label: ClassVar[str] = "mann whitney u"
