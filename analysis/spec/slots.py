"""The assumption slots of a spec: every number a dataset needs that the paper does not report.

Each slot has a key (``"r:clbp:hamstring_length:nprs"``), the spec's chosen value, its admissible range and the
reason. This module reads a spec only through :class:`~analysis.spec.parts.base.SpecView`, so the spec model can
list its assumptions (:meth:`StudySpec.assumptions`) without an import cycle; drawing values across the ranges is
:mod:`analysis.spec.assumptions`.

Examples
--------
>>> from analysis.spec.model import load_study
>>> slots = assumption_slots(load_study("S1"))
>>> any(s.key == "r:clbp:hamstring_length:nprs" for s in slots)
True
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Iterator

from analysis.spec.parts.base import Quantity, SlotKey, SlotQuantity, SpecView
from analysis.spec.parts.correlation import correlation_key


@dataclass(frozen=True)
class Slot:
    """One assumed number: its key, the spec's value, its admissible range and the reason; ``whole``: a count."""

    key: str
    what: str
    value: float
    low: float
    high: float
    reason: str
    whole: bool = False
    #: ``low``/``high`` bound |value| and the sign is unknown: the admissible set is [-high, -low] and [low, high].
    mirrored: bool = False


def _slot(key: SlotKey, what: str, q: Quantity | None, whole: bool = False) -> list[Slot]:
    if q is None or not q.is_assumption:
        return []
    low, high = q.range if q.range else (q.assume, q.assume)
    return [Slot(str(key), what, q.assume, low, high, q.reason, whole)]


def quantities(spec: SpecView) -> Iterator[SlotQuantity]:
    """Every number a generator reads from the spec's figures, reported or assumed, in a stable order."""
    for _, figure in spec.figures():
        yield from figure.slots(spec)


def assumption_slots(spec: SpecView) -> list[Slot]:
    """Every assumed number of ``spec`` with its admissible range, in a stable order."""
    slots: list[Slot] = []
    for q in quantities(spec):
        slots += _slot(q.key, q.what, q.quantity, q.whole)
    for group in spec.groups:
        for x, y in combinations(spec.joint_variables(group), 2):
            c = spec.correlation(group, x, y)
            if c is None:
                slots += _slot(correlation_key(group, x, y), f"r({x}, {y}) in {group} (not reported)",
                               spec.default_correlation)
            elif c.r.is_assumption:
                low, high, mirrored = c.admissible(spec.n(group))
                slots.append(Slot(str(c.key), f"r({c.x}, {c.y}) in {group}", c.r.assume, low, high, c.r.reason,
                                  mirrored=mirrored))
    return slots
