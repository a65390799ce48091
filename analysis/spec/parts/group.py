"""Group sizes: how many people a group of the study has."""

from __future__ import annotations

from typing import ClassVar

from pydantic import model_validator

from analysis.spec.parts.base import Figure, Quantity, display_row


class Group(Figure):
    """A group of the study (cases, controls, a cohort) and its size."""

    spec_field: ClassVar[str] = "groups"
    label: str
    n: Quantity

    @model_validator(mode="after")
    def _n_is_count(self) -> "Group":
        n = self.n.point
        if n != int(n) or n < 2:
            raise ValueError(f"n must be a whole number of at least 2, got {n}")
        return self

    def display_rows(self, spec) -> list[dict]:
        return [] if self.n.is_assumption else [display_row(f"n, {self.label}", f"{self.n.value:.0f}", self.n.source)]
