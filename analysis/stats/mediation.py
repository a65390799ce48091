"""Mediation x -> m1 -> ... -> mk -> y (serial) with percentile bootstrap CIs.

One mediator is the classic a*b model; several mediators in series give the chain
x -> m1 -> m2 -> y (Hayes' model 6), the mechanism posts 002 and 003 describe
(hamstring length -> pelvic tilt -> lordosis -> pain). Point estimates are tested against
R 4.2 ``lm``; the bootstrap CI of a single indirect effect against the Sobel interval.

Examples
--------
>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(0)
>>> x = rng.normal(size=200); m = 0.5 * x + rng.normal(size=200); y = 0.4 * m + rng.normal(size=200)
>>> res = mediation(pd.DataFrame({"x": x, "m": m, "y": y}), "x", ["m"], "y", n_boot=500)
>>> [e.term for e in res][:3]
['x -> m', 'm -> y', 'indirect x -> m -> y']
>>> res[2].ci_low > 0
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core.errors import AnalysisError
from analysis.core.results import Estimate
from analysis.stats._frames import model_frame


def _batched_ols(y: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Least-squares coefficients for a batch: y (B, n), X (B, n, p) -> (B, p)."""
    xtx = np.einsum("bni,bnj->bij", X, X)
    xty = np.einsum("bni,bn->bi", X, y)
    return np.linalg.solve(xtx, xty[..., None])[..., 0]


def _paths(cols: np.ndarray) -> np.ndarray:
    """Every path for a batch of samples; ``cols`` is (B, n, k + 2): x, m1..mk, y.

    Returns (B, k + 3): the k + 1 links of the chain, the direct effect c' and the total c.
    """
    B, n, width = cols.shape
    k = width - 2
    ones = np.ones((B, n, 1))
    links = []
    for j in range(1, k + 1):  # m_j ~ 1 + x + m_1..m_{j-1}; the link is the last predictor
        beta = _batched_ols(cols[:, :, j], np.concatenate([ones, cols[:, :, :j]], axis=2))
        links.append(beta[:, -1])
    full = _batched_ols(cols[:, :, k + 1], np.concatenate([ones, cols[:, :, : k + 1]], axis=2))
    links.append(full[:, -1])  # m_k -> y
    direct = full[:, 1]
    total = _batched_ols(cols[:, :, k + 1], np.concatenate([ones, cols[:, :, :1]], axis=2))[:, 1]
    return np.column_stack([*links, direct, total])


def mediation(data: pd.DataFrame, x: str, mediators: str | list[str], y: str, n_boot: int = 5000, seed: int = 1,
              level: float = 0.95) -> list[Estimate]:
    """Links of the chain, the indirect effect through the whole chain, the direct effect c' and the total c.

    Parameters
    ----------
    mediators : str or list of str
        One mediator, or several in causal order (serial mediation).
    n_boot : int
        Bootstrap resamples of rows; all fitted in one vectorised batch.

    Returns
    -------
    list of Estimate
        ``x -> m1``, ``m1 -> m2``, ..., ``mk -> y`` (each adjusted for everything earlier in the
        chain), ``indirect x -> m1 -> ... -> y`` (the product of the links), ``direct (c')`` and
        ``total (c)``; CIs are bootstrap percentiles.
    """
    chain = [mediators] if isinstance(mediators, str) else list(mediators)
    if not chain:
        raise AnalysisError("mediators: give at least one mediator")
    names = [x, *chain, y]
    if len(set(names)) != len(names):
        raise AnalysisError(f"x, mediators and y must be different columns, got {names}")
    frame, dropped = model_frame(data, names, min_rows=len(names) + 8)
    values = frame[names].to_numpy(float)
    point = _paths(values[None])[0]
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(frame), size=(n_boot, len(frame)))
    boot = _paths(values[idx])
    k = len(chain)
    labels = [f"{a} -> {b}" for a, b in zip(names[:-1], names[1:])]
    point_vals = [*point[: k + 1], float(np.prod(point[: k + 1])), point[k + 1], point[k + 2]]
    boot_vals = [*boot[:, : k + 1].T, np.prod(boot[:, : k + 1], axis=1), boot[:, k + 1], boot[:, k + 2]]
    terms = [*labels, "indirect " + " -> ".join(names), "direct (c')", "total (c)"]
    q = [(1 - level) / 2 * 100, (1 + level) / 2 * 100]
    method = (f"{'Serial m' if k > 1 else 'M'}ediation {' -> '.join(names)} by least squares; "
              f"percentile bootstrap ({n_boot} resamples, seed {seed})")
    return [Estimate(test="Mediation", term=t, estimate=float(v), estimate_type="path coefficient",
                     ci_low=float(np.percentile(b, q[0])), ci_high=float(np.percentile(b, q[1])), ci_level=level,
                     ci_method="percentile bootstrap", n=len(frame), n_dropped=dropped, method=method)
            for t, v, b in zip(terms, point_vals, boot_vals)]
