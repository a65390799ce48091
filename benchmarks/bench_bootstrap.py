"""10,000 BCa bootstrap resamples of a correlation at n = 60. Peer, in the same run:
scipy.stats.bootstrap(method="BCa", vectorized=True) with a vectorised correlation statistic."""

from __future__ import annotations

import numpy as np
import scipy
from _table import machine, median_time, row
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
    n = len(x)
    limit = machine().limit(bytes_touched=resamples * n * 3 * 8, flops=resamples * n * 10)
    return [row(f"bootstrap: {resamples} BCa resamples of r, n = 60", ours,
                [(f"scipy {scipy.__version__} stats.bootstrap (BCa, vectorized)", peer)], "<0.1 s and >=1x fairest",
                ours < 0.1 and ours <= peer, limit=limit,
                limit_what=f"each resample gathers n pairs by index ({resamples * n * 24 / 1e6:.1f} MB), ~10 flops a pair")]

if __name__ == "__main__":
    from _table import print_table

    print_table(run())
