"""Group sizes: how many people a group of the study has."""

from __future__ import annotations

from typing import ClassVar, Iterator

from pydantic import model_validator

from analysis.spec.parts.base import Figure, Quantity, SlotKey, SlotQuantity, display_row


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
        if self.n.is_assumption and self.n.range is not None and self.n.range[0] != self.n.range[1]:
            raise ValueError(f"an assumed group size cannot be varied yet (the generators build exactly n people): give "
                             f"the n the paper printed, or a fixed assumed n with range [{n:g}, {n:g}] and its reason, "
                             f"got range {list(self.n.range)}")
        return self

    def slots(self, spec) -> Iterator[SlotQuantity]:
        """An assumed n is listed with the other assumptions (fixed: its range is one value)."""
        gid = next(k for k, g in spec.groups.items() if g is self)
        yield SlotQuantity(SlotKey("n", (gid,)), f"n of {self.label} (assumed, fixed)", self.n, whole=True)

    def display_rows(self, spec) -> list[dict]:
        return [] if self.n.is_assumption else [display_row(f"n, {self.label}", f"{self.n.value:.0f}", self.n.source)]
