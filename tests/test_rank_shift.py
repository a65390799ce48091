"""The large-sample Wilcoxon-Mann-Whitney path (analysis.stats.rank_shift) against R and against the implementation
it replaced.

References: tests/fixtures/r/reference_wilcox_large.R (R's wilcox.test, root finder to 1e-12); brute force over
every pairwise difference; and the previous implementation (scipy ``rankdata`` inside ``brentq``), kept here.
"""

import math

import numpy as np
import pytest
from scipy import optimize, special, stats

import analysis.stats.rank_shift as rank_shift
from analysis.stats import mann_whitney
from analysis.stats.rank_shift import SortedPair, asymptotic_shift
from tests.conftest import load_reference

REF = load_reference("reference_wilcox_large")


def make(recipe: str):
    kind, *args = recipe.split(":")
    if kind == "normal":
        m, n, shift, sd = int(args[0]), int(args[1]), float(args[2]), float(args[3])
        q = lambda k: special.ndtri((np.arange(1, k + 1) - 0.5) / k)  # R's ppoints for k > 10  # noqa: E731
        return q(m) + shift, sd * q(n)
    m, n = int(args[0]), int(args[1])
    return (np.arange(1, m + 1) * 7919 % 101).astype(float), (np.arange(1, n + 1) * 104729 % 97 + 3).astype(float)


def rank_reference(x, y, alpha):
    """The implementation replaced (#33): R's roots by ranking the shifted sample at every brentq step."""
    m, n = x.size, y.size
    mu_min, mu_max = x.min() - y.max(), x.max() - y.min()

    def z_minus(mu, zq):
        ranks = stats.rankdata(np.concatenate([x - mu, y]))
        dz = ranks[:m].sum() - m * (m + 1) / 2 - m * n / 2
        _, counts = np.unique(ranks, return_counts=True)
        sigma = math.sqrt((m * n / 12) * ((m + n + 1) - (counts**3 - counts).sum() / ((m + n) * (m + n - 1))))
        return (dz - np.sign(dz) * 0.5) / sigma - zq

    def root(zq):
        if z_minus(mu_min, zq) <= 0:
            return mu_min
        if z_minus(mu_max, zq) >= 0:
            return mu_max
        return optimize.brentq(z_minus, mu_min, mu_max, args=(zq,), xtol=1e-10)

    zq = stats.norm.ppf(1 - alpha / 2)
    return root(0.0), root(zq), root(-zq)


def test_the_fixture_covers_every_case():
    assert len(REF["cases"]) == 4


@pytest.mark.parametrize("case", REF["cases"], ids=lambda c: c["case"])
def test_large_sample_path_equals_wilcox_test(case):
    x, y = make(case["make"])
    e = mann_whitney(x, y)
    assert "normal approximation" in e.method
    assert e.statistic == case["W"]  # a count of pairs (ties one half): exact
    assert e.p == pytest.approx(case["p"], rel=2e-14, abs=0)  # measured 2.0e-15 at most
    # CI limits are jump points of the step function: R's root finder (tol 1e-12) and the order statistic agree to
    # R's tolerance; measured at most 8.2e-13 absolute
    assert [e.ci_low, e.ci_high] == pytest.approx(case["ci"], rel=0, abs=1e-11)
    # The estimate: where z = 0 on a whole interval, R returns some point of it and we its midpoint. Each lies in
    # the interval between the two middle pairwise differences (checked by brute force below); measured
    # differences: 0 to 1.5e-8.
    assert e.estimate == pytest.approx(case["estimate"], rel=0, abs=1e-7)


@pytest.mark.parametrize("recipe", ["normal:600:600:0.2:1.0", "residues:700:650"])
def test_estimate_is_the_midpoint_of_the_zero_interval_by_brute_force(recipe):
    x, y = make(recipe)
    d = np.sort(np.subtract.outer(x, y).ravel())
    estimate, _, _ = asymptotic_shift(SortedPair(x, y), 0.05)
    k = d.size // 2
    assert d[k - 1] <= estimate <= d[k]
    if d.size % 2 == 0 and len(np.unique(np.r_[x, y])) == x.size + y.size:  # no ties: Hodges-Lehmann's median
        assert estimate == pytest.approx(np.median(d), rel=1e-15, abs=0)


@pytest.mark.parametrize("seed", range(16))
def test_order_statistics_equal_brute_force(seed, monkeypatch):
    """Small brackets and samples force every branch (sampling, bisection on ties, enumeration)."""
    monkeypatch.setattr(rank_shift, "_ENUMERATE_AT_MOST", 7)
    monkeypatch.setattr(rank_shift, "_SAMPLE", 40)
    rng = np.random.default_rng(seed)
    m, n = rng.integers(1, 70, 2)
    if seed % 4 == 0:
        x, y = rng.integers(0, 4, m).astype(float), rng.integers(0, 4, n).astype(float)
    elif seed % 4 == 1:
        x, y = rng.normal(size=m), rng.standard_cauchy(size=n) * 1e6
    elif seed % 4 == 2:
        x, y = rng.normal(size=m).round(1), rng.normal(size=n)
    else:  # distinct y's whose differences from x round to the same float: counts must follow fl(x - y)
        x, y = rng.choice([0.1, 0.2, 0.3], m) + 1e16, rng.normal(size=n) * 1e-3
    d = np.sort(np.subtract.outer(x, y).ravel())
    pair = SortedPair(x, y, seed=seed)
    for k in sorted({1, d.size // 3 + 1, d.size // 2, d.size // 2 + 1, d.size}):
        assert pair.kth_smallest_difference(int(k)) == d[k - 1]


@pytest.mark.parametrize("seed", range(6))
def test_roots_equal_the_replaced_implementation_on_ties(seed):
    """Rounded (tied) and continuous data: the CI limits equal the previous implementation's to its brentq
    tolerance (1e-10); its estimate is a point of the same zero interval as ours."""
    rng = np.random.default_rng(100 + seed)
    x, y = rng.normal(0.3, 1, 300 + 40 * seed), rng.normal(0, 1.2, 250)
    if seed % 2 == 0:
        x, y = np.round(x, 1), np.round(y, 1)
    ours = asymptotic_shift(SortedPair(x, y), 0.05)
    old = rank_reference(x, y, 0.05)
    assert ours[1:] == pytest.approx(old[1:], rel=0, abs=2e-10)
    d = np.sort(np.subtract.outer(x, y).ravel())
    k = d.size // 2
    assert d[k - 2] - 1e-9 <= old[0] <= d[k + 1] + 1e-9 and d[k - 2] <= ours[0] <= d[k + 1]


def test_a_hundred_thousand_heavily_tied_values_finish():
    """30 distinct values over 100,000 rows, as a user's rounded scale gives: during development the bracket stalled
    on such data (S2 resampled) where a sampled difference and the count's ``y >= x - v`` disagreed by one ulp;
    counts now follow fl(x - y) exactly, and the roots equal the replaced implementation's."""
    rng = np.random.default_rng(11)
    values = np.round(rng.normal(30, 9, 30), 6)
    x, y = rng.choice(values, 50_000), rng.choice(values + 0.41, 50_000)
    ours = asymptotic_shift(SortedPair(x, y), 0.05)
    old = rank_reference(x, y, 0.05)
    assert ours == pytest.approx(old, rel=0, abs=1e-9)


def test_two_million_values_are_counted_not_ranked_at_every_step():
    """The path the bench times (2M values) runs here at 200,000 to stay fast; it never ranks the whole sample
    inside a root finder (a rankdata call would raise)."""
    rng = np.random.default_rng(5)
    x, y = rng.normal(0.01, 1, 100_000), rng.normal(0, 1, 100_000)
    original = stats.rankdata
    try:
        stats.rankdata = lambda *a, **k: (_ for _ in ()).throw(AssertionError("rankdata called"))
        e = mann_whitney(x, y)
    finally:
        stats.rankdata = original
    ref = stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic", use_continuity=True)
    assert e.statistic == ref.statistic and e.p == pytest.approx(ref.pvalue, rel=1e-9, abs=0)
    assert e.ci_low < e.estimate < e.ci_high


def test_all_tied_samples_are_an_analysis_error_as_in_r():
    # R 4.2.2: wilcox.test(c(2, 2, 2), c(2, 2), conf.int = TRUE) stops with an error (U has no spread);
    # before this, we returned p = 1 with a CI of [0, 0] and only a RuntimeWarning.
    from analysis.core.errors import AnalysisError
    from analysis.stats.groups import mann_whitney

    with pytest.raises(AnalysisError, match="all 5 observations are tied"):
        mann_whitney([2.0, 2.0, 2.0], [2.0, 2.0])
