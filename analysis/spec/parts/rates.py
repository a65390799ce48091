"""Events over exposure in repeated units (e.g. hamstring strains per club-season)."""

from __future__ import annotations

from typing import ClassVar, Iterator

from analysis.spec.parts.base import Figure, Quantity, SlotKey, SlotQuantity, display_row


class Rates(Figure):
    """Events over exposure in repeated units (e.g. hamstring strains per club-season of 40 players)."""

    spec_field: ClassVar[str] = "rates"
    unit: str
    units: Quantity
    exposure_per_unit: Quantity
    exposure_unit: str
    events_per_unit: Quantity
    event: str

    @staticmethod
    def key(field: str) -> SlotKey:
        """The slot key of ``units``, ``exposure_per_unit`` or ``events_per_unit``."""
        return SlotKey("rates", (field,))

    def slots(self, spec) -> Iterator[SlotQuantity]:
        for field in ("units", "exposure_per_unit", "events_per_unit"):
            yield SlotQuantity(self.key(field), f"{field.replace('_', ' ')} ({self.unit})", getattr(self, field),
                               whole=field == "units")

    def display_rows(self, spec) -> list[dict]:
        return [display_row(field.replace("_", " ") + f" ({self.unit})", f"{getattr(self, field).value:g}",
                            getattr(self, field).source)
                for field in ("exposure_per_unit", "events_per_unit") if not getattr(self, field).is_assumption]
