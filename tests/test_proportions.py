"""A published proportion (issue #29 gap): the count behind a printed percentage, its exact Clopper-Pearson CI and
the logit pool of several, against R; then judged against the threshold its claim states.

Reference: tests/fixtures/r/reference_proportions.R (R 4.2.2 binom.test; metafor 3.8.1 rma on escalc "PLO", REML run
to 1e-12; versions in the JSON). Tolerances are measured, then about 10x:

- exact CI: R takes the limits from qbeta, scipy finds them by root finding (brentq, absolute xtol 2e-12); measured
  at most 5.0e-13 absolute (5.2e-13 relative, S129's upper limit), so abs=5e-12, rel=0 (a limit of 0 or 1 is exact);
- logit pool: both REML solvers stop at about 1e-12; measured 5.6e-14 on the pooled logit and 7.2e-14 on the HKSJ
  limits (absolute), 2.7e-12 relative on tau-squared and 1.2e-12 on I-squared, so rel=1e-10 with abs=1e-12.
"""

from __future__ import annotations

import pytest

from analysis.stats.proportion import events_from_printed, exact_ci, logit_pool
from tests.conftest import load_reference

REF = load_reference("reference_proportions")
EXACT = {c["id"]: c for c in REF["exact"]}
CI_ABS = 5e-12
POOL_REL, POOL_ABS = 1e-10, 1e-12


def test_the_fixture_covers_every_case_and_records_its_versions():
    """Guard: a regenerated fixture with fewer cases fails here rather than testing less."""
    assert len(EXACT) == 11 and {"S98 l5-back", "S98 s1-back", "S76 nurses", "none of 10", "all of 10"} <= set(EXACT)
    assert REF["r_version"].startswith("R version 4.2") and REF["packages"]["metafor"] == "3.8.1"
    assert sorted(REF["logit_pool"]) == ["claim27"]


@pytest.mark.parametrize("case", REF["exact"], ids=[c["id"] for c in REF["exact"]])
def test_exact_ci_equals_r_binom_test(case):
    low, high = exact_ci(case["x"], case["n"])
    assert [low, high] == pytest.approx(case["ci"], rel=0, abs=CI_ABS)


def test_the_exact_interval_differs_from_a_normal_one():
    """Not a Wald interval in disguise: 15 of 17 has a Wald upper limit above 1, the exact one stays below."""
    p = 15 / 17
    wald_high = p + 1.959963984540054 * (p * (1 - p) / 17) ** 0.5
    assert wald_high > 1 > exact_ci(15, 17)[1] == pytest.approx(EXACT["S102 excellent"]["ci"][1], rel=0, abs=CI_ABS)


@pytest.mark.parametrize("printed, n, decimals, rounding, events", [
    (0.612, 98, 3, "rounded", 60), (0.771, 83, 3, "rounded", 64), (0.88, 17, 2, "rounded", 15),
    (0.875, 48, 3, "rounded", 42), (0.881, 59, 3, "rounded", 52), (0.361, 83, 3, "rounded", 30),
    (0.2727, 33, 4, "rounded", 9), (0.51, 31, 2, "rounded", None), (0.51, 31, 2, "truncated", 16),
    (0.2431, 292, 4, "rounded", None), (0.2431, 292, 4, "truncated", 71), (0.0, 10, 1, "rounded", 0),
    (0.5, 4, 1, "rounded", 2), (0.613, 98, 3, "rounded", None)])
def test_the_count_is_the_one_whose_share_prints_as_printed(printed, n, decimals, rounding, events):
    assert events_from_printed(printed, n, decimals, rounding) == events


def test_several_counts_can_print_alike_and_the_nearest_is_taken():
    # 0.61 of 1000: 605..614 all round to 0.61 at two decimals; round(0.61 * 1000) = 610 is the one taken
    assert events_from_printed(0.61, 1000, 2) == 610


def test_logit_pool_equals_metafor():
    case = REF["logit_pool"]["claim27"]
    out = logit_pool(case["xi"], case["ni"], case["ids"])
    est = out["logit"]
    assert est.estimate == pytest.approx(case["estimate_logit"], rel=POOL_REL, abs=POOL_ABS)
    assert est.extra["tau2"] == pytest.approx(case["tau2"], rel=POOL_REL, abs=POOL_ABS)
    assert out["i2"] == pytest.approx(case["I2"], rel=POOL_REL, abs=POOL_ABS)
    assert [est.ci_low, est.ci_high] == pytest.approx(case["knha_ci_logit"], rel=POOL_REL, abs=POOL_ABS)
    assert est.se == pytest.approx(case["knha_se"], rel=POOL_REL, abs=POOL_ABS)
    assert out["estimate"] == pytest.approx(case["estimate"], rel=POOL_REL, abs=POOL_ABS)
    assert out["ci"] == pytest.approx(case["knha_ci"], rel=POOL_REL, abs=POOL_ABS)
    assert out["k"] == 3 and "Hartung-Knapp" in out["method"] and "logit" in out["method"]


def test_logit_pool_refuses_a_line_with_no_event_or_no_non_event():
    with pytest.raises(ValueError, match="0 < events < n"):
        logit_pool([0, 9], [10, 33])
