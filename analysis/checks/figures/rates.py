"""Rates: events per unit at the published rounding, and the exposure of every unit."""

from __future__ import annotations

from analysis.checks.registry import Check, fmt, reproduces, rounds_as_printed
from analysis.spec.parts import Rates


@reproduces(Rates)
def rates_reproduced(rates: list[Rates], spec, frame) -> list[Check]:
    r, = rates
    checks = []
    if not r.events_per_unit.is_assumption:
        got = frame["events"].sum() / len(frame)
        d = r.events_per_unit.precision
        checks.append(Check(f"{r.event}s per {r.unit}", fmt(r.events_per_unit.value, d), fmt(got, d),
                            rounds_as_printed(got, r.events_per_unit.value, d), r.events_per_unit.source))
    if not r.exposure_per_unit.is_assumption:
        checks.append(Check(f"{r.exposure_unit} per {r.unit}", fmt(r.exposure_per_unit.value, 0),
                            fmt(frame["exposure"].iloc[0], 0),
                            bool((frame["exposure"] == r.exposure_per_unit.value).all()), r.exposure_per_unit.source))
    return checks
