"""The assumption slots of a spec, and drawing values for them across their ranges.

A *slot* is one number a dataset needs that the paper does not report: a
mean, an SD or a correlation. Each has a key (``"r:clbp:hamstring_length:nprs"``),
the spec's chosen value and its admissible range.

Examples
--------
>>> from analysis.specs import load_study
>>> slots = assumption_slots(load_study("S1"))
>>> any(s.key == "r:clbp:hamstring_length:nprs" for s in slots)
True
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

from .specs import StudySpec


@dataclass(frozen=True)
class Slot:
    """One assumed number: its key, the spec's value, its admissible range and the reason."""

    key: str
    what: str
    value: float
    low: float
    high: float
    reason: str


def correlation_key(group: str, x: str, y: str) -> str:
    """Key of the correlation slot for a pair, independent of order."""
    a, b = sorted((x, y))
    return f"r:{group}:{a}:{b}"


def assumption_slots(spec: StudySpec) -> list[Slot]:
    """Every assumed number of ``spec`` with its admissible range, in a stable order."""
    slots: list[Slot] = []
    for s in spec.summaries:
        for stat in ("mean", "sd"):
            q = getattr(s, stat)
            if q.is_assumption:
                low, high = q.range if q.range else (q.assume, q.assume)
                slots.append(Slot(f"{stat}:{s.group}:{s.variable}", f"{stat} of {s.variable} in {s.group}",
                                  q.assume, low, high, q.reason))
    for group in spec.groups:
        for x, y in combinations(spec.group_variables(group), 2):
            c = spec.correlation(group, x, y)
            if c is None:
                q = spec.default_correlation
                if q is None:
                    continue
                low, high = q.range if q.range else (q.assume, q.assume)
                slots.append(Slot(correlation_key(group, x, y), f"r({x}, {y}) in {group} (not reported)",
                                  q.assume, low, high, q.reason))
            elif c.r.is_assumption:
                low, high = c.admissible_range(spec.n(group))
                slots.append(Slot(correlation_key(group, x, y), f"r({c.x}, {c.y}) in {group}",
                                  c.r.assume, low, high, c.r.reason))
    return slots


def draw_assumptions(spec: StudySpec, rng: np.random.Generator, draws: int) -> list[dict[str, float]]:
    """Draw ``draws`` sets of assumed values, each uniform over its admissible range.

    Correlation bounds that come from a significance statement are open (the
    boundary has p = alpha exactly), so draws stay strictly inside them.
    Sets whose correlation matrices are not positive definite are redrawn.
    """
    slots = assumption_slots(spec)
    if not slots:
        return [{} for _ in range(draws)]
    lows = np.array([s.low for s in slots])
    highs = np.array([s.high for s in slots])
    margin = np.where(highs > lows, 1e-6 * (highs - lows), 0.0)
    out: list[dict[str, float]] = []
    from .generate import correlation_matrix  # local import: generate depends on this module

    tries = 0
    while len(out) < draws:
        tries += 1
        if tries > 200 * draws + 1000:
            raise ValueError(f"{spec.id}: could not draw positive-definite correlation matrices across the assumption ranges")
        values = rng.uniform(lows + margin, highs - margin)
        overrides = {s.key: float(v) for s, v in zip(slots, values)}
        if all(np.linalg.eigvalsh(correlation_matrix(spec, g, overrides))[0] > 1e-8
               for g in spec.groups if len(spec.group_variables(g)) > 1):
            out.append(overrides)
    return out
