"""analysis.stats.meta against R metafor: the Hartung-Knapp-Sidik-Jonkman interval and Egger's regression test.

Reference: tests/fixtures/r/reference_meta_knha_egger.R (metafor's REML run to 1e-12; versions in the JSON).
Tolerances are measured (largest relative difference over the five cases, then about 10x): metafor stops REML
when tau^2 changes by less than 1e-12 in absolute terms (6.9e-9 relative on a tau^2 of 2.4e-4), ours at 1e-13
relative, so what depends on tau^2 differs by up to 5e-11 (p of the t test 3.7e-10); Egger's "lm" test does not
depend on tau^2 and agrees to 7e-14.
"""

import math

import pytest

from analysis.stats.meta import egger_test, meta_analysis
from tests.conftest import load_reference

REF = load_reference("reference_meta_knha_egger")
CASES = list(REF["cases"].items())
REL = 5e-10  # measured: at most 5.3e-11 relative (KNHA SE) on the estimates, CIs, statistics and limits


def test_the_fixture_covers_every_case():
    """Guard: a regenerated fixture with fewer cases fails here rather than testing less."""
    assert sorted(REF["cases"]) == ["asymmetric_12", "heterogeneous", "homogeneous", "symmetric_12", "three"]


@pytest.mark.parametrize("name, case", CASES, ids=[c[0] for c in CASES])
def test_knha_interval_equals_metafor(name, case):
    wald = meta_analysis(case["yi"], case["vi"], method="REML")
    knha = meta_analysis(case["yi"], case["vi"], method="REML", test="knha")
    assert wald.estimate == pytest.approx(case["estimate"], rel=REL, abs=1e-14)
    # measured 6.9e-9 (metafor's absolute 1e-12 stopping rule); tau2 is exactly 0 for the homogeneous case
    assert wald.extra["tau2"] == pytest.approx(case["tau2"], rel=7e-8, abs=1e-14)
    assert [wald.ci_low, wald.ci_high] == pytest.approx(case["wald"]["ci"], rel=REL, abs=1e-14)
    assert knha.se == pytest.approx(case["knha"]["se"], rel=REL, abs=0)
    assert [knha.ci_low, knha.ci_high] == pytest.approx(case["knha"]["ci"], rel=REL, abs=1e-14)
    assert knha.statistic == pytest.approx(case["knha"]["t"], rel=REL, abs=0)
    assert knha.df == case["knha"]["df"] == case["k"] - 1
    assert knha.p == pytest.approx(case["knha"]["p"], rel=4e-9, abs=0)  # measured 3.7e-10
    assert knha.ci_method == "Hartung-Knapp-Sidik-Jonkman t"
    wider = (knha.ci_high - knha.ci_low) > (wald.ci_high - wald.ci_low)
    assert knha.extra["knha_vs_wald"] == ("wider" if wider else "narrower")
    assert (knha.extra["wald_low"], knha.extra["wald_high"]) == (wald.ci_low, wald.ci_high)


@pytest.mark.parametrize("name, case", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("model", ["lm", "rma"])
def test_egger_equals_metafor_regtest(name, case, model):
    ref = case[f"egger_{model}"]
    out = egger_test(case["yi"], case["vi"], model=model)
    assert out["statistic"] == pytest.approx(ref["statistic"], rel=REL, abs=1e-12)
    assert out["p"] == pytest.approx(ref["p"], rel=1e-11, abs=0)  # measured 9.5e-13 (rma), 6.7e-14 (lm)
    assert out["limit"] == pytest.approx(ref["limit"], rel=REL, abs=1e-12)
    assert out["df"] == (ref["df"] if model == "lm" else None)


def test_egger_finds_the_planted_asymmetry_and_not_the_symmetric_set():
    asym, sym = REF["cases"]["asymmetric_12"], REF["cases"]["symmetric_12"]
    assert egger_test(asym["yi"], asym["vi"])["p"] < 0.01 < egger_test(sym["yi"], sym["vi"])["p"]


def test_knha_with_two_studies_uses_one_df():
    """k = 2: t on 1 df (qt(0.975, 1) = 12.7062047361747), so the interval is very wide; closed form."""
    out = meta_analysis([0.1, 0.5], [0.01, 0.02], method="REML", test="knha")
    half = (out.ci_high - out.ci_low) / 2
    assert half == pytest.approx(12.706204736174707 * out.se, rel=1e-12, abs=0)
    assert math.isclose(out.estimate, (out.ci_high + out.ci_low) / 2, rel_tol=1e-12)
