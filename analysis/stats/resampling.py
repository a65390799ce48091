"""Bootstrap CIs for a correlation, vectorised over resamples.

All resamples are drawn as one index matrix and their correlations computed in one pass; the
jackknife for the BCa acceleration uses leave-one-out sums (O(n)). Tested against
``scipy.stats.bootstrap(method="BCa")`` within Monte Carlo error.

>>> import numpy as np
>>> rng = np.random.default_rng(0); x = rng.normal(size=60); y = 0.5 * x + rng.normal(size=60)
>>> e = bootstrap_correlation(x, y, n_resamples=2000, seed=1)
>>> e.ci_low < e.estimate < e.ci_high, e.ci_method
(True, 'BCa bootstrap (2000 resamples)')
"""

from __future__ import annotations

import numpy as np
from scipy import stats as sps

from analysis.core.results import Estimate
from analysis.stats._checks import paired


def _batched_r(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Pearson r of each row pair of (B, n) arrays."""
    xc = x - x.mean(axis=1, keepdims=True)
    yc = y - y.mean(axis=1, keepdims=True)
    return (xc * yc).sum(axis=1) / np.sqrt((xc * xc).sum(axis=1) * (yc * yc).sum(axis=1))


def _jackknife_r(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Leave-one-out correlations from running sums."""
    n = x.size
    sx, sy, sxx, syy, sxy = x.sum(), y.sum(), (x * x).sum(), (y * y).sum(), (x * y).sum()
    m = n - 1
    lx, ly = sx - x, sy - y
    cov = (sxy - x * y) - lx * ly / m
    vx = (sxx - x * x) - lx**2 / m
    vy = (syy - y * y) - ly**2 / m
    return cov / np.sqrt(vx * vy)


def bootstrap_correlation(x, y, n_resamples: int = 10_000, level: float = 0.95, method: str = "BCa",
                          seed: int | np.random.Generator = 1, names: tuple[str, str] = ("x", "y")) -> Estimate:
    """Bootstrap CI of a Pearson correlation (BCa or percentile).

    Notes
    -----
    BCa (Efron 1987, doi:10.1080/01621459.1987.10478410): bias correction
    :math:`z_0 = \\Phi^{-1}(\\#\\{r^* < r\\}/B)` (ties counted half), acceleration from the jackknife
    :math:`a = \\sum (\\bar r_{(.)} - r_{(i)})^3 / (6 [\\sum (\\bar r_{(.)} - r_{(i)})^2]^{3/2})`, and
    percentiles :math:`\\Phi(z_0 + (z_0 + z_\\alpha)/(1 - a(z_0 + z_\\alpha)))` of the resampled r.
    """
    a, b, dropped = paired(x, y, names)
    n = a.size
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_resamples, n))
    boot = _batched_r(a[idx], b[idx])
    boot = boot[np.isfinite(boot)]
    r = float(np.corrcoef(a, b)[0, 1])
    alpha = (1 - level) / 2
    if method == "percentile":
        low, high = np.percentile(boot, [100 * alpha, 100 * (1 - alpha)])
    elif method == "BCa":
        z0 = sps.norm.ppf(((boot < r).sum() + 0.5 * (boot == r).sum()) / boot.size)
        jack = _jackknife_r(a, b)
        d = jack.mean() - jack
        acc = (d**3).sum() / (6 * ((d**2).sum()) ** 1.5)
        z = sps.norm.ppf([alpha, 1 - alpha])
        adjusted = sps.norm.cdf(z0 + (z0 + z) / (1 - acc * (z0 + z)))
        low, high = np.percentile(boot, 100 * adjusted)
    else:
        raise ValueError(f"method must be 'BCa' or 'percentile', got {method!r}")
    return Estimate(test="Pearson correlation", term=f"{names[0]}, {names[1]}", estimate=r, estimate_type="r",
                    ci_low=float(low), ci_high=float(high), ci_level=level,
                    ci_method=f"{method} bootstrap ({n_resamples} resamples)", n=n, n_dropped=dropped,
                    method=f"Pearson correlation with a {method} bootstrap CI ({n_resamples} resamples of pairs)")
