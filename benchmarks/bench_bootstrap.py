"""10,000 BCa bootstrap resamples of a correlation at n = 60. Peer, in the same run:
scipy.stats.bootstrap(method="BCa", vectorized=True) with a vectorised correlation statistic."""

from __future__ import annotations

import numpy as np
import scipy
from _table import median_time, row
from scipy import stats

from analysis.stats.resampling import bootstrap_correlation


def _r(a, b, axis=-1):
    ac, bc = a - a.mean(axis=axis, keepdims=True), b - b.mean(axis=axis, keepdims=True)
    return (ac * bc).sum(axis=axis) / np.sqrt((ac * ac).sum(axis=axis) * (bc * bc).sum(axis=axis))


def run(resamples: int = 10_000, repeats: int = 9) -> list[dict]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=60)
    y = 0.4 * x + rng.normal(size=60)
    ours = median_time(lambda: bootstrap_correlation(x, y, resamples, seed=2), repeats)
    peer = median_time(lambda: stats.bootstrap((x, y), _r, paired=True, vectorized=True, n_resamples=resamples,
                                               method="BCa", random_state=3), repeats)
    return [row(f"bootstrap: {resamples} BCa resamples of r, n = 60", ours, peer,
                f"scipy {scipy.__version__} stats.bootstrap (BCa, vectorized)", "<0.1 s and <= peer",
                ours < 0.1 and ours <= peer)]


if __name__ == "__main__":
    from _table import print_table

    print_table(run())
