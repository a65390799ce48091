"""Typed results and scales (issue #28): t intervals against R, the Scale object, a pool's invariants."""

import json
import math
from pathlib import Path

import pytest
from scipy.stats import norm

from analysis.claims.engine import run_claim
from analysis.claims.kinds import KINDS
from analysis.claims.kinds.paired import paired_t
from analysis.claims.model import load_claim
from analysis.claims.results import ClaimResult, EvidenceResult, PooledResult
from analysis.core import scales
from analysis.core.errors import InputError
from analysis.core.results import Estimate

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "r" / "reference_t_intervals.json").read_text())
#: R writes 15 significant digits; scipy's t quantile agrees with R's qt() to ~1e-14 relative, so the limits (values
#: of 0.1 to 40) agree to ~1e-12. 1e-9 absolute leaves room for that and nothing else (rel 0: not needed).
TOL = 1e-9


@pytest.mark.parametrize("case", FIXTURE["cases"], ids=lambda c: c["name"])
def test_a_t_based_estimates_90_percent_ci_is_rs_t_test_interval(case):
    """The estimate R printed at 95% (its SE and df): conf_int(0.90) gives R's t.test(conf.level = 0.9) interval,
    not the z interval (16% too narrow at n = 8; e.g. qt(.95, 7) / qnorm(.95) = 1.895 / 1.645)."""
    e = Estimate(test="t test", term=case["name"], estimate=case["estimate"], ci_low=case["ci95"][0],
                 ci_high=case["ci95"][1], se=case["se"], df=float(case["df"]), statistic=case["t"],
                 statistic_name="t")
    assert e.conf_int(0.90) == pytest.approx(tuple(case["ci90"]), abs=TOL, rel=0)
    z = norm.ppf(0.95)
    z_interval = (case["estimate"] - z * case["se"], case["estimate"] + z * case["se"])
    assert abs(z_interval[0] - case["ci90"][0]) > 0.05  # the old z fallback would fail this test


def test_the_paired_kinds_estimate_gives_rs_90_percent_interval():
    case = FIXTURE["cases"][0]
    e = paired_t(case["data"]["before"], case["data"]["after"])
    assert (e.estimate, e.se, e.df) == pytest.approx((case["estimate"], case["se"], case["df"]), abs=TOL, rel=0)
    assert e.conf_int(0.95) == pytest.approx(tuple(case["ci95"]), abs=TOL, rel=0)
    assert e.conf_int(0.90) == pytest.approx(tuple(case["ci90"]), abs=TOL, rel=0)


def test_a_log_wald_interval_is_read_from_the_typed_flag_not_the_method_text():
    """Closed form: exp(0.5 -/+ qnorm(.95) * 1)."""
    z = norm.ppf(0.95)
    text_only = Estimate(test="x", term="a", estimate=math.exp(0.5), ci_method="Wald z (exponentiated)", se=1.0)
    flagged = Estimate(test="x", term="a", estimate=math.exp(0.5), ci_method="Wald z", se=1.0, log_wald=True)
    assert flagged.conf_int(0.90) == pytest.approx((math.exp(0.5 - z), math.exp(0.5 + z)), rel=1e-12)
    assert text_only.conf_int(0.90) == pytest.approx((math.exp(0.5) - z, math.exp(0.5) + z), rel=1e-12)


def test_every_kind_has_a_typed_scale_agreeing_with_its_ratio_flag():
    for name, cls in KINDS.items():
        assert isinstance(cls.scale, scales.Scale), name
        if name != "effect":  # the effect kind's scale is its published measure's, per entry
            assert cls.ratio == cls.scale.ratio, name
    assert KINDS["logistic"].scale == scales.LOG_OR and str(KINDS["logistic"].scale) == "log OR"


def test_a_new_scale_gets_its_own_forest_panel_not_the_smd_panel():
    """The panel was picked from the scale's name, so a scale "b" landed on the SMD panel; a mean change (the
    paired kind) is a mean difference."""
    assert scales.Scale("b").panel == "other (b)"
    assert scales.MEAN_CHANGE.panel == scales.MD.panel == scales.MEAN_DIFFERENCE_PANEL
    assert scales.HEDGES_G.panel == scales.SMD.panel == scales.STANDARDISED_PANEL
    assert scales.for_measure("RR") == scales.LOG_RR and scales.LOG_RR.back(math.log(2.0)) == pytest.approx(2.0)


def test_a_pool_of_a_log_rr_and_an_smd_is_an_input_error_naming_both():
    claim = load_claim("older-athletes-more-strains")
    mixed = claim.model_copy(update={"pool": [["s21-green-age", "s41-age-23"]]})
    with pytest.raises(InputError, match=r"pool.*s21-green-age is on the SMD scale and s41-age-23 on the log RR"):
        run_claim(mixed, ensemble_draws=0)


def test_a_pool_of_opposite_claimed_directions_is_an_input_error_naming_both():
    claim = load_claim("older-athletes-more-strains")
    s41 = next(ev for ev in claim.evidence if ev.id == "s41-age-23")
    against = s41.model_copy(update={"id": "s41-against", "direction": "negative"})
    flipped = claim.model_copy(update={"evidence": [*claim.evidence, against], "pool": [["s41-age-23", "s41-against"]]})
    with pytest.raises(InputError, match=r"s41-age-23 claims direction 'positive' and s41-against 'negative'"):
        run_claim(flipped, ensemble_draws=0)
    same = claim.model_copy(update={"evidence": [*claim.evidence, s41.model_copy(update={"id": "s41-again"})],
                                    "pool": [["s41-age-23", "s41-again"]]})
    result = run_claim(same, ensemble_draws=0)
    assert result.pooled and result.pooled[0].scale == scales.LOG_RR
    assert "(ratio " in result.pooled[0].verdict.reason  # a pooled log RR's verdict shows its ratio, from the scale


def test_the_engine_reexports_the_result_types_from_one_module():
    from analysis.claims import engine

    assert (engine.ClaimResult, engine.EvidenceResult, engine.PooledResult) == (ClaimResult, EvidenceResult,
                                                                                PooledResult)
    assert EvidenceResult.__module__ == "analysis.claims.results"


def test_an_ensemble_draw_that_stops_reproducing_a_printed_figure_is_counted_named_and_left_out(monkeypatch):
    """Plant a draw whose dataset no longer gives back the published mean (shifted by 5): it is checked
    like the base dataset, left out of the ensemble, counted and named in the robustness text."""
    from dataclasses import replace

    from analysis.claims import engine

    claim = load_claim("lordosis-disc-herniation")
    ev = next(e for e in claim.evidence if e.id == "s86-lordosis")
    study = engine.load_study_file(ev.study)
    assert engine.assumption_slots(study.spec), "the test needs an entry whose study has assumptions"
    clean = engine.run_evidence(ev, claim.causal_language, ensemble_draws=6)
    assert clean.draws_not_reproduced == {} and len(clean.ensemble) == 6
    real = engine._dataset
    planted_seed = study.spec.seed + 2  # draw 2 is k = 1 (draw k + 1 uses seed + k + 1)

    def planted(study_file, seed, overrides=None):
        ds = real(study_file, seed, overrides)
        if overrides and seed == planted_seed:
            return replace(ds, frame=ds.frame.assign(**{ev.variable: ds.frame[ev.variable] + 5.0}))
        return ds

    monkeypatch.setattr(engine, "_dataset", planted)
    r = engine.run_evidence(ev, claim.causal_language, ensemble_draws=6)
    assert list(r.draws_not_reproduced) == [2] and "lordosis" in r.draws_not_reproduced[2]
    assert len(r.ensemble) == 5 and 2 not in set(r.ensemble["draw"])
    assert "1 of 6 draws were left out" in r.robustness_text and "draw 2 (" in r.robustness_text


def test_identified_needs_the_estimate_and_its_interval_pinned_across_the_draws():
    """A result whose point estimate is the same in every draw but whose CI moves (an assumed SD or group size) rests
    on assumed values: its uncertainty is assumed. Planted ensembles on a real entry: pinned -> identified; one CI
    limit moved by 0.1 (20 times the 0.005 tolerance) -> assumed."""
    import pandas as pd

    from analysis.claims import engine
    from analysis.claims.basis import IDENTIFIED_TOLERANCE, basis_of
    from analysis.claims.results import Basis

    claim = load_claim("lordosis-disc-herniation")
    ev = next(e for e in claim.evidence if e.id == "s86-lordosis")
    study = engine.load_study_file(ev.study)
    out = ev.run(engine._dataset(study, None).frame, study.spec)
    j = out.judged
    pinned = pd.DataFrame([{"draw": k, "estimate": j.estimate, "ci_low": j.ci_low, "ci_high": j.ci_high,
                            "category": "supported"} for k in range(1, 6)])
    assert basis_of(ev, study, pinned, out)[0] is Basis.IDENTIFIED
    wider = pinned.copy()
    wider.loc[2, "ci_high"] = j.ci_high + 20 * IDENTIFIED_TOLERANCE
    basis, text = basis_of(ev, study, wider, out)
    assert basis is Basis.ASSUMED and text.startswith("its CI moves with values the paper did not report")
