"""Simple mediation x -> m -> y with a percentile bootstrap CI for the indirect effect.

Point estimates (a, b, a*b, direct, total) are tested against R 4.2 ``lm``; the bootstrap CI
against the Sobel normal-theory interval (they agree for large n).

Examples
--------
>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(0)
>>> x = rng.normal(size=200); m = 0.5 * x + rng.normal(size=200); y = 0.4 * m + rng.normal(size=200)
>>> res = mediation(pd.DataFrame({"x": x, "m": m, "y": y}), "x", "m", "y", n_boot=500)
>>> res[2].term, res[2].ci_low > 0
('indirect (a*b)', True)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..results import Estimate
from ._frames import model_frame


def _paths(X: np.ndarray, M: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """a, b, c' for a batch of samples (arrays of shape (B, n)), by closed-form least squares."""
    xc = X - X.mean(axis=1, keepdims=True)
    mc = M - M.mean(axis=1, keepdims=True)
    yc = Y - Y.mean(axis=1, keepdims=True)
    sxx, smm = (xc * xc).sum(1), (mc * mc).sum(1)
    sxm, sxy, smy = (xc * mc).sum(1), (xc * yc).sum(1), (mc * yc).sum(1)
    a = sxm / sxx
    det = sxx * smm - sxm**2
    b = (sxx * smy - sxm * sxy) / det
    c_prime = (smm * sxy - sxm * smy) / det
    return a, b, c_prime


def mediation(data: pd.DataFrame, x: str, m: str, y: str, n_boot: int = 5000, seed: int = 1,
              level: float = 0.95) -> list[Estimate]:
    """Paths a (x -> m), b (m -> y | x), the indirect effect a*b, the direct effect c' and the total c.

    The indirect effect's CI is a percentile bootstrap over ``n_boot`` resamples of rows,
    computed in one vectorised batch; the other paths get their bootstrap percentile CIs too.
    """
    frame, dropped = model_frame(data, [x, m, y], min_rows=10)
    X, M, Y = (frame[c].to_numpy(float)[None, :] for c in (x, m, y))
    a, b, cp = (float(v[0]) for v in _paths(X, M, Y))
    xc = X[0] - X[0].mean()
    total = float((xc * (Y[0] - Y[0].mean())).sum() / (xc * xc).sum())
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, frame.shape[0], size=(n_boot, frame.shape[0]))
    ba, bb, bcp = _paths(X[0][idx], M[0][idx], Y[0][idx])
    q = [(1 - level) / 2 * 100, (1 + level) / 2 * 100]
    boots = {"a": ba, "b": bb, "indirect (a*b)": ba * bb, "direct (c')": bcp, "total (c)": ba * bb + bcp}
    point = {"a": a, "b": b, "indirect (a*b)": a * b, "direct (c')": cp, "total (c)": total}
    method = (f"Mediation {x} -> {m} -> {y} by two least-squares regressions; percentile bootstrap "
              f"({n_boot} resamples, seed {seed})")
    return [Estimate(test="Mediation", term=term, estimate=point[term], estimate_type="path coefficient",
                     ci_low=float(np.percentile(boots[term], q[0])), ci_high=float(np.percentile(boots[term], q[1])),
                     ci_level=level, ci_method="percentile bootstrap", n=int(frame.shape[0]), n_dropped=dropped,
                     method=method) for term in point]
