"""Integer and bounded scales: a dataset whose rounded mean and SD equal the published ones.

A SPRITE-style search (Heathers et al. 2018, doi:10.7287/peerj.preprints.26968v1): start from
values with the right sum (a GRIM-consistent total), then move pairs of values one step apart
or together until the SD rounds to the target, never leaving the scale.

>>> import numpy as np
>>> x = sprite(np.random.default_rng(1), n=20, mean=5.7, sd=1.7, low=0, high=10)
>>> float(round(x.mean(), 1)), float(round(x.std(ddof=1), 1)), bool(x.min() >= 0), bool(x.max() <= 10)
(5.7, 1.7, True, True)
"""

from __future__ import annotations

import numpy as np

from analysis.core.errors import ReconstructionError
from analysis.stats.granularity import decimals_of as _decimals
from analysis.stats.granularity import grim_sums, reachable_sums_of_squares


def sprite(rng: np.random.Generator, n: int, mean: float, sd: float, low: float, high: float, step: float = 1.0,
           mean_decimals: int | None = None, sd_decimals: int | None = None, max_iter: int = 200_000,
           sd_window: float | None = None) -> np.ndarray:
    """``n`` values on the grid ``low, low + step, ..., high`` with the given rounded mean and SD.

    Every GRIM-consistent total is tried, nearest first, skipping those for which no sum of
    squares of the right parity gives the SD (GRIMMER); for each, values are moved one step
    apart (or together) until the SD rounds to the target (or, with ``sd_window``, lies within that distance of
    ``sd``: a mean ± SE, whose SD window is sqrt(n) times the SE's).

    Raises
    ------
    ValueError
        When no total fits the mean (GRIM) or no search reaches the SD within the bounds.
    """
    md = _decimals(mean) if mean_decimals is None else mean_decimals
    sdd = _decimals(sd) if sd_decimals is None else sd_decimals
    kmax = int(round((high - low) / step))
    sums = [k for k in grim_sums(n, mean, low, step, md) if k <= n * kmax]
    if not sums:
        raise ReconstructionError(f"no {n} values on [{low:g}, {high:g}] in steps of {step:g} have a mean that rounds to "
                         f"{mean:.{md}f} (GRIM-inconsistent)")
    half = 0.5 * 10 ** (-sdd) if sd_window is None else sd_window
    target = round(sd, sdd) if sd_window is None else sd
    sums.sort(key=lambda k: abs(low + step * k / n - mean))
    candidates = [k for k in sums if reachable_sums_of_squares(n, k, target / step, half / step)]
    for total in candidates:
        found = _search(rng, n, total, kmax, target, half, low, step, max_iter // max(len(candidates), 1))
        if found is not None:
            return found
    raise ReconstructionError(f"no {n} values on [{low:g}, {high:g}] in steps of {step:g} with mean {mean:.{md}f} and SD "
                     f"{sd:.{sdd}f} were found")


def _search(rng, n, total, kmax, target, half, low, step, max_iter):
    k = np.full(n, total // n)
    k[: total % n] += 1
    rng.shuffle(k)
    for _ in range(max_iter):
        current = float(np.std(low + step * k, ddof=1))
        if abs(current - target) <= half + 1e-12:
            return (low + step * k).astype(float)
        if current < target:  # spread: lower a low value, raise a higher one
            down = np.flatnonzero(k > 0)
            up = np.flatnonzero(k < kmax)
            if down.size == 0 or up.size == 0:
                return None
            i = rng.choice(down)
            candidates = up[(k[up] >= k[i]) & (up != i)]
            if candidates.size == 0:
                continue  # this value has no partner above it; draw another pair
            j = rng.choice(candidates)
        else:  # contract: lower a high value, raise a value at least two steps below it
            above = np.flatnonzero(k > k.min())
            if above.size == 0:
                return None
            i = rng.choice(above)
            candidates = np.flatnonzero(k <= k[i] - 2)
            if candidates.size == 0:
                continue
            j = rng.choice(candidates)
        k[i] -= 1
        k[j] += 1
    return None
