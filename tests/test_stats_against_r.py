"""analysis.stats against R 4.2 (cor.test, t.test, wilcox.test, effectsize, BayesFactor).

Tolerances (relative unless said):
- 1e-10 for closed forms computed in double precision on both sides (r, t, df, p of
  t tests, Fisher-z and Welch CIs): the only difference is summation order.
- 1e-7 for Hedges' g CI: both sides invert the noncentral t CDF numerically
  (R uniroot vs scipy brentq at xtol 1e-12; nct CDF accuracy ~1e-9).
- 1e-9 for BF10: R BayesFactor and pingouin integrate the same one-dimensional JZS integral by quadrature;
  measured agreement on these cases is about 1e-11.
- Every comparison states abs=0: pytest.approx's default abs=1e-12 would otherwise decide every comparison of a
  p value below about 1e-4 (a p of 1e-17 would pass against 0).
- 2e-3 absolute for the asymptotic Hodges-Lehmann estimate/CI: R's uniroot stops at
  tol = 1e-4 on a step function, so R itself is only accurate to about that.
"""

import numpy as np
import pytest
from conftest import load_reference, read_fixture_csv

from analysis.stats import cohens_d, correlation_from_summary, hedges_g, mann_whitney, pearson, spearman, student_t, welch_t

REF = load_reference("reference_two_sample_and_correlation")


def test_fixture_records_versions_and_cases():
    assert REF["r_version"].startswith("R version 4.2")
    assert {"stats", "effectsize", "BayesFactor"} <= set(REF["packages"])
    # guard: a regenerated fixture must not cover fewer cases
    assert len(REF["correlations"]) >= 3 and len(REF["two_sample"]) >= 2


@pytest.mark.parametrize("case", REF["correlations"], ids=lambda c: c["case"])
def test_pearson_matches_cor_test(case):
    data = read_fixture_csv("s1_correlations.csv")
    e = pearson(data[case["x"]], data[case["y"]], names=(case["x"], case["y"]))
    ref = case["pearson"]
    assert e.estimate == pytest.approx(ref["r"], rel=1e-10, abs=0)
    assert e.statistic == pytest.approx(ref["t"], rel=1e-10, abs=0)
    assert e.df == ref["df"]
    assert e.p == pytest.approx(ref["p"], rel=1e-8, abs=0)
    assert [e.ci_low, e.ci_high] == pytest.approx(ref["ci"], rel=1e-10, abs=0)
    assert e.bf10 == pytest.approx(ref["bf10"], rel=1e-9, abs=0)


@pytest.mark.parametrize("case", REF["correlations"], ids=lambda c: c["case"])
def test_spearman_matches_cor_test(case):
    data = read_fixture_csv("s1_correlations.csv")
    e = spearman(data[case["x"]], data[case["y"]])
    assert e.estimate == pytest.approx(case["spearman"]["rho"], rel=1e-10, abs=0)
    assert e.p == pytest.approx(case["spearman"]["p"], rel=1e-8, abs=0)


def test_spearman_ci_closed_form():
    # Bonett & Wright (2000): atanh(rho) +/- 1.96 * sqrt((1 + rho^2/2) / (n - 3)), computed by hand
    rho, n = -0.383439844401223, 60
    half = 1.959963984540054 * np.sqrt((1 + rho**2 / 2) / (n - 3))
    expected = np.tanh([np.arctanh(rho) - half, np.arctanh(rho) + half])
    data = read_fixture_csv("s1_correlations.csv")
    e = spearman(data["hamstring_length"], data["nprs"])
    assert [e.ci_low, e.ci_high] == pytest.approx(expected, rel=1e-9, abs=0)


def _groups(case):
    data = read_fixture_csv(case["file"].split("/")[-1])
    return data.loc[data.group == "lbp", "ake_tightness"], data.loc[data.group == "healthy", "ake_tightness"]


@pytest.mark.parametrize("case", REF["two_sample"], ids=lambda c: c["case"])
def test_welch_and_student_match_t_test(case):
    a, b = _groups(case)
    w, s = welch_t(a, b), student_t(a, b)
    ref_w, ref_s = case["welch"], case["student"]
    assert w.estimate == pytest.approx(ref_w["estimate"], rel=1e-10, abs=0)
    assert w.statistic == pytest.approx(ref_w["t"], rel=1e-10, abs=0)
    assert w.df == pytest.approx(ref_w["df"], rel=1e-10, abs=0)
    assert w.p == pytest.approx(ref_w["p"], rel=1e-7, abs=0)
    assert [w.ci_low, w.ci_high] == pytest.approx(ref_w["ci"], rel=1e-10, abs=0)
    assert s.statistic == pytest.approx(ref_s["t"], rel=1e-10, abs=0)
    assert s.df == ref_s["df"]
    assert [s.ci_low, s.ci_high] == pytest.approx(ref_s["ci"], rel=1e-10, abs=0)
    assert s.bf10 == pytest.approx(ref_s["bf10"], rel=1e-9, abs=0)


@pytest.mark.parametrize("case", REF["two_sample"], ids=lambda c: c["case"])
def test_mann_whitney_matches_wilcox_test(case):
    a, b = _groups(case)
    e = mann_whitney(a, b)
    ref = case["wilcox"]
    assert e.statistic == ref["W"]
    assert e.p == pytest.approx(ref["p"], rel=1e-9, abs=0)  # abs=0: approx's default abs=1e-12 would hide a small p
    assert ("exact" in e.method) is ref["exact"]
    if ref["exact"]:
        assert e.estimate == pytest.approx(ref["estimate"], rel=1e-12, abs=0)
        assert [e.ci_low, e.ci_high] == pytest.approx(ref["ci"], rel=1e-12, abs=0)
    else:
        assert e.estimate == pytest.approx(ref["estimate"], abs=2e-3)
        assert [e.ci_low, e.ci_high] == pytest.approx(ref["ci"], abs=2e-3)


@pytest.mark.parametrize("case", REF["two_sample"], ids=lambda c: c["case"])
def test_hedges_g_matches_effectsize(case):
    a, b = _groups(case)
    e = hedges_g(a, b)
    assert e.estimate == pytest.approx(case["hedges_g"]["g"], rel=1e-10, abs=0)
    assert [e.ci_low, e.ci_high] == pytest.approx(case["hedges_g"]["ci"], rel=1e-7, abs=0)


@pytest.mark.parametrize("case", REF["two_sample"], ids=lambda c: c["case"])
@pytest.mark.parametrize("pooled", [True, False], ids=["pooled", "unpooled"])
def test_cohens_d_matches_effectsize(case, pooled):
    a, b = _groups(case)
    e = cohens_d(a, b, pooled=pooled)
    ref = case["cohens_d_pooled" if pooled else "cohens_d_unpooled"]
    assert e.estimate == pytest.approx(ref["d"], rel=1e-10, abs=0)
    assert [e.ci_low, e.ci_high] == pytest.approx(ref["ci"], rel=1e-7, abs=0)
    assert ("unpooled" in e.estimate_type) is (not pooled)


def test_correlation_from_reported_r_and_n_matches_cor_test():
    # the first fixture case has r = -0.4 exactly at n = 60 (an exact-moment reconstruction)
    case = REF["correlations"][0]["pearson"]
    e = correlation_from_summary(case["r"], 60)
    assert e.p == pytest.approx(case["p"], rel=1e-8, abs=0)
    assert [e.ci_low, e.ci_high] == pytest.approx(case["ci"], rel=1e-10, abs=0)
    assert e.bf10 == pytest.approx(case["bf10"], rel=1e-9, abs=0)


@pytest.mark.parametrize("case", REF["two_sample"], ids=lambda c: c["case"])
def test_tests_carry_their_named_effect_sizes(case):
    a, b = _groups(case)
    w, s, m = welch_t(a, b), student_t(a, b), mann_whitney(a, b)
    assert w.effect_size == pytest.approx(case["cohens_d_unpooled"]["d"], rel=1e-10, abs=0)
    assert s.effect_size == pytest.approx(case["hedges_g"]["g"], rel=1e-10, abs=0)
    assert "Cohen's d (unpooled SD) =" in w.sentence() and "Hedges' g =" in s.sentence()
    # rank-biserial r = 2U/(mn) - 1 (closed form from R's W)
    assert m.effect_size == pytest.approx(2 * case["wilcox"]["W"] / (len(a) * len(b)) - 1, rel=1e-12, abs=0)


LOW, HIGH = np.arange(1, 31.0), np.arange(31, 61.0)


@pytest.mark.parametrize("first, second", [(LOW, HIGH), (HIGH, LOW)], ids=["first-lower", "first-higher"])
def test_exact_mann_whitney_p_keeps_its_digits_when_tiny(first, second):
    """Fully separated groups of 30: p = 2 / C(60, 30) exactly (closed form, correctly rounded: 1.6911233892144735e-17).
    R wilcox.test prints 1.691123389214478e-17 for both orders: R sums the distribution in doubles, so it is off in
    the 15th digit, hence rel=1e-14 against R. A 1 - CDF computation gave 0 when the first group was the larger."""
    import math

    p = mann_whitney(first, second).p
    assert p == pytest.approx(2 / math.comb(60, 30), rel=1e-15, abs=0)
    assert p == pytest.approx(1.691123389214478e-17, rel=1e-14, abs=0)


def test_exact_mann_whitney_p_of_a_small_case_matches_r():
    """R 4.x: wilcox.test(c(1.1,2.3,3.7,4.2,5.9,6.4,7.8), c(2.0,8.1,9.3,10.5,11.2,12.8,13.6,14.1)):
    W = 6, p = 0.009324009324009324 (= 2 * 30 / 6435 exactly: 30 of the C(15, 7) = 6435 rank arrangements give
    W <= 6)."""
    e = mann_whitney([1.1, 2.3, 3.7, 4.2, 5.9, 6.4, 7.8], [2.0, 8.1, 9.3, 10.5, 11.2, 12.8, 13.6, 14.1])
    assert e.statistic == 6
    assert e.p == pytest.approx(0.009324009324009324, rel=1e-15, abs=0)


def test_mann_whitney_on_large_groups_never_forms_every_pairwise_difference():
    """60,000 per group: the exact branch's m x n differences (28.8 GB) would not fit; the asymptotic path ranks
    instead. Its p equals scipy's asymptotic p with continuity correction (the same formula as R's exact = FALSE),
    an independent implementation: ours counts pairs on the sorted samples, scipy ranks (tests/test_rank_shift.py
    pins the large-sample path to R itself)."""
    from scipy import stats as sps

    rng = np.random.default_rng(7)
    a, b = rng.normal(0, 1, 60_000), rng.normal(0.05, 1, 60_000)
    e = mann_whitney(a, b)
    ref = sps.mannwhitneyu(a, b, alternative="two-sided", method="asymptotic", use_continuity=True).pvalue
    assert e.p == pytest.approx(ref, rel=1e-12, abs=0) and e.ci_low < e.estimate < e.ci_high
