"""The assumption slots of a spec, and drawing values for them across their ranges.

A *slot* is one number a dataset needs that the paper does not report: a mean, an SD,
a correlation, a count, a cohort parameter. Each has a key (``"r:clbp:hamstring_length:nprs"``),
the spec's chosen value, its admissible range and the reason. Generators read every
assumed number through :func:`value_of`, so an ensemble can override any of them.

Examples
--------
>>> from analysis.spec.model import load_study
>>> slots = assumption_slots(load_study("S1"))
>>> any(s.key == "r:clbp:hamstring_length:nprs" for s in slots)
True
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from analysis.core.errors import ReconstructionError
from analysis.spec.model import StudySpec
from analysis.spec.parts import Quantity, SlotKey, correlation_key
from analysis.spec.slots import Slot, assumption_slots, quantities

__all__ = ["Slot", "assumption_slots", "quantities", "value_of", "draw_assumptions", "draw_assumption_values",
           "correlation_matrices", "moments", "moments_matrix", "correlation_matrix"]


def value_of(q: Quantity, key: SlotKey, overrides: dict[str, float] | None) -> float:
    """The number to use: an override for ``key`` if given, else the reported or assumed value."""
    if overrides:
        text = str(key)
        if text in overrides:
            return float(overrides[text])
    return float(q.point)


def draw_assumptions(spec: StudySpec, rng: np.random.Generator, draws: int) -> list[dict[str, float]]:
    """Draw ``draws`` sets of assumed values, each uniform over its admissible range.

    Bounds that come from a significance statement are open (the boundary has p = alpha
    exactly), so draws stay strictly inside them. Counts are drawn as whole numbers. Sets
    whose correlation matrices are not positive definite are redrawn. An assumed group size is drawn
    as a whole number (a size tied to it by ``total_with`` follows), and a set whose assumed
    correlations no longer agree with their printed significance at the drawn size is redrawn. A
    correlation printed with an exact p but no sign is drawn as |r| in its range with either sign.
    Each set is a dict from slot key to value; :func:`draw_assumption_values` gives the same sets as one array.

    Examples
    --------
    >>> from analysis.spec.model import load_study
    >>> sets = draw_assumptions(load_study("S1"), np.random.default_rng(1), 3)
    >>> len(sets), all(isinstance(v, float) for v in sets[0].values())
    (3, True)
    """
    keys, values = draw_assumption_values(spec, rng, draws)
    return [dict(zip(keys, row)) for row in values.tolist()]


def draw_assumption_values(spec: StudySpec, rng: np.random.Generator, draws: int) -> tuple[list[str], np.ndarray]:
    """:func:`draw_assumptions` as one array: the slot keys and a (draws, len(keys)) array of the drawn sets.

    The same random stream and the same sets as :func:`draw_assumptions` (which is built on it); the keys are the
    fixed group sizes first, then every assumption slot in :func:`assumption_slots` order.

    Examples
    --------
    >>> from analysis.spec.model import load_study
    >>> keys, values = draw_assumption_values(load_study("S1"), np.random.default_rng(1), 3)
    >>> values.shape == (3, len(keys))
    True
    """
    every = assumption_slots(spec)
    fixed = {s.key: float(s.value) for s in every if s.key.startswith("n:") and s.low == s.high}  # fixed sizes
    slots = [s for s in every if s.key not in fixed]
    keys = [*fixed, *(s.key for s in slots)]
    fixed_values = np.array(list(fixed.values()), dtype=float)
    if not slots:
        return keys, np.tile(fixed_values, (draws, 1))
    lows = np.array([s.low for s in slots])
    highs = np.array([s.high for s in slots])
    margin = np.where(highs > lows, 1e-6 * (highs - lows), 0.0)
    is_count = np.array([s.whole for s in slots])
    mirrored = np.array([s.mirrored for s in slots])
    slot_keys = [s.key for s in slots]
    layouts = [_CorrelationLayout(spec, g, slot_keys, fixed) for g in spec.groups if len(spec.joint_variables(g)) > 1]
    sizes_drawn = any(k.startswith("n:") for k in slot_keys)
    limit = 200 * draws + 1000
    kept: list[np.ndarray] = []
    found = tries = 0
    while found < draws:
        if tries >= limit:
            raise ReconstructionError(f"{spec.id}: correlations / default_correlation: no positive-definite "
                                      f"correlation matrix (whose assumed correlations agree with their printed "
                                      f"significance at the drawn group sizes) in {tries} draws across the "
                                      f"assumption ranges; narrow the ranges of the assumed correlations or sizes")
        # as many sets as are still needed, in one call: the same random stream as drawing them one by one (sign
        # choices for mirrored slots interleave with the values, so those sets are drawn one at a time)
        need = min(1 if mirrored.any() else draws - found, limit - tries)
        tries += need
        values = rng.uniform(lows + margin, highs - margin, size=(need, len(slots)))
        values = np.where(is_count, np.round(values), values)
        if mirrored.any():  # a printed p without a sign: |r| in its range, each sign equally likely
            values = np.where(mirrored, values * rng.choice([-1.0, 1.0], size=values.shape), values)
        keep = np.ones(need, dtype=bool)
        for layout in layouts:
            keep &= np.linalg.eigvalsh(layout.matrices(values))[:, 0] > 1e-8
        if sizes_drawn:
            for i in np.flatnonzero(keep):
                keep[i] = _statements_hold(spec, {**fixed, **dict(zip(slot_keys, values[i].tolist()))})
        values = values[keep]
        kept.append(values)
        found += len(values)
    drawn = np.concatenate(kept) if kept else np.empty((0, len(slots)))
    return keys, np.concatenate([np.broadcast_to(fixed_values, (draws, len(fixed))), drawn], axis=1)


def correlation_matrices(spec: StudySpec, group: str, keys: list[str], values: np.ndarray,
                         fixed: dict[str, float] | None = None) -> np.ndarray:
    """:func:`correlation_matrix` for many sets of assumed values at once: ``values`` is (sets, len(keys)), one
    column per slot key; the result is (sets, p, p)."""
    return _CorrelationLayout(spec, group, keys, fixed).matrices(values)


class _CorrelationLayout:
    """Where each drawn value goes in a group's correlation matrix: worked out once, filled for many sets."""

    def __init__(self, spec: StudySpec, group: str, keys: list[str], fixed: dict[str, float] | None = None):
        self.base = correlation_matrix(spec, group, fixed)
        names = spec.joint_variables(group)
        column = {k: c for c, k in enumerate(keys)}
        self.cells = [(i, j, column[key]) for i, j in combinations(range(len(names)), 2)
                      if (key := str(correlation_key(group, names[i], names[j]))) in column]

    def matrices(self, values: np.ndarray) -> np.ndarray:
        R = np.repeat(self.base[None], len(values), axis=0)
        for i, j, c in self.cells:
            R[:, i, j] = R[:, j, i] = values[:, c]
        return R


def _statements_hold(spec: StudySpec, overrides: dict[str, float]) -> bool:
    """With a drawn group size, an assumed correlation must still agree with what the paper printed about it (its
    significance, or its exact p) at that size: the admissible range was worked out at the spec's own n."""
    sized = spec.with_sizes(overrides)
    if sized is spec:
        return True
    return all(c.allows(value_of(c.r, c.key, overrides), sized.n(c.group))
               for c in spec.correlations if c.r.is_assumption)


def moments(spec: StudySpec, group: str, names: list[str], overrides: dict[str, float] | None = None
            ) -> tuple[np.ndarray, np.ndarray]:
    """Target means and SDs of ``names`` in ``group`` (reported, assumed, converted from median/IQR, or overridden)."""
    keys = list(overrides or {})
    means, sds = moments_matrix(spec, group, names, keys, np.array([[float(overrides[k]) for k in keys]]))
    return means[0], sds[0]


def moments_matrix(spec: StudySpec, group: str, names: list[str], keys: list[str], values: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`moments` for many sets of assumed values at once: ``values`` is (sets, len(keys)), one column per slot
    key; the means and SDs are (sets, len(names))."""
    column = {k: c for c, k in enumerate(keys)}
    out = []
    for stat in ("mean", "sd"):
        cols = []
        for v in names:
            s = spec.summary(group, v)
            q = getattr(s, stat)
            c = column.get(str(s.key(stat))) if q is not None else None
            fixed = float(q.point) if q is not None else (s.target_mean if stat == "mean" else s.target_sd)
            cols.append(values[:, c] if c is not None else np.full(len(values), fixed))
        out.append(np.stack(cols, axis=1) if cols else np.empty((len(values), 0)))
    return out[0], out[1]


def correlation_matrix(spec: StudySpec, group: str, overrides: dict[str, float] | None = None) -> np.ndarray:
    """Target correlation matrix of the jointly generated variables of ``group``.

    Raises
    ------
    ValueError
        When a pair has no correlation and the spec has no ``default_correlation``.
    """
    names = spec.joint_variables(group)
    R = np.eye(len(names))
    for i, j in combinations(range(len(names)), 2):
        x, y = names[i], names[j]
        c = spec.correlation(group, x, y)
        q = c.r if c is not None else spec.default_correlation
        if q is None:
            raise ReconstructionError(f"{spec.id}: no correlation for ({x}, {y}) in {group} and no default_correlation")
        R[i, j] = R[j, i] = value_of(q, correlation_key(group, x, y), overrides)
    return R
