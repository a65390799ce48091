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


# --- the effect kind: a published proportion judged against the threshold its claim names ------------------------
def _entry(claim_id: str, entry_id: str):
    from analysis.claims.model import load_claims

    return next(e for e in load_claims()[claim_id].evidence if e.id == entry_id)


def _with_effect(study: str, effect: str, **change):
    """The study's spec with one published effect changed (the repository's files stay as they are)."""
    from analysis.spec.model import load_study

    spec = load_study(study)
    effects = [e.model_copy(update=change) if e.id == effect else e for e in spec.effects]
    return spec.model_copy(update={"effects": effects})


def _expected(ci, sign, threshold):
    low, high = ci
    if (low > threshold) if sign > 0 else (high < threshold):
        return "supported"
    if (high < threshold) if sign > 0 else (low > threshold):
        return "contradicted"
    return "inconclusive"


ENTRIES = [("lower-lumbar-levels-only", "s98-l5-back", "S98 l5-back"),
           ("lower-lumbar-levels-only", "s98-s1-back", "S98 s1-back"),
           ("lower-lumbar-levels-only", "s97-upper-level-slr", "S97 slr-positive"),
           ("surgical-release-poor-results", "s102-excellent", "S102 excellent"),
           ("surgical-release-poor-results", "s103-excellent-or-good", "S103 excellent-or-good"),
           ("surgical-release-poor-results", "s129-complete-relief", "S129 complete-relief"),
           ("lower-crossed-pattern-common", "s74-young-women", "S74 women"),
           ("lower-crossed-pattern-common", "s75-female-students", "S75 female-students"),
           ("lower-crossed-pattern-common", "s76-nurses", "S76 nurses")]


@pytest.mark.parametrize("claim_id, entry_id, case", ENTRIES, ids=[e[1] for e in ENTRIES])
def test_each_published_proportion_of_claims_5_17_27_gets_rs_exact_ci_and_its_threshold_verdict(claim_id, entry_id,
                                                                                                  case):
    from analysis.claims.engine import run_evidence

    ev = _entry(claim_id, entry_id)
    ref = EXACT[case]
    r = run_evidence(ev, False, ensemble_draws=0)
    judged = r.outcome.judged
    assert judged.extra["events"] == ref["x"] and judged.n == ref["n"]
    assert judged.estimate == pytest.approx(ref["estimate"], rel=0, abs=1e-15)
    assert [judged.ci_low, judged.ci_high] == pytest.approx(ref["ci"], rel=0, abs=CI_ABS)
    assert r.outcome.scale.name == "proportion" and r.outcome.threshold == ev.threshold
    assert r.basis.value == "published"
    assert r.verdict.category == _expected(ref["ci"], ev.sign, ev.threshold)


def test_the_threshold_decides_where_zero_and_a_sesoi_would_not():
    """60 of 98 with 'more than half': the whole CI lies above 0.5 (supported); read as 'fewer than half' the same
    interval contradicts; against 0.6 it straddles (inconclusive). Judged against zero, any proportion would 'support'."""
    from analysis.claims.engine import judge_outcome

    ev = _entry("lower-lumbar-levels-only", "s98-l5-back")
    spec = _with_effect("S98", "l5-back")
    for change, category in [({}, "supported"), ({"direction": "negative"}, "contradicted"),
                             ({"threshold": 0.6}, "inconclusive")]:
        other = type(ev).model_validate({**ev.model_dump(exclude={"sesoi"}), **change})
        assert judge_outcome(other.run(None, spec), other).category == category


def test_a_printed_proportion_no_count_gives_is_an_input_error_naming_the_spec_and_effect():
    from analysis.core.errors import InputError

    ev = _entry("lower-lumbar-levels-only", "s98-l5-back")
    spec = _with_effect("S98", "l5-back", estimate=_quantity(0.613))  # 60/98 = 0.6122, 61/98 = 0.6224
    with pytest.raises(InputError, match=r"study S98: effects\.l5-back\.estimate: no count of n = 98 gives the printed "
                                         r"proportion 0\.613"):
        ev.run(None, spec)


def test_a_truncated_percentage_must_be_declared():
    """S97's 51% of 31 fits no rounded count (15/31 = 48.4%, 16/31 = 51.6%): only its declared truncation lets it
    through, and then as 16 of 31."""
    from analysis.core.errors import InputError

    ev = _entry("lower-lumbar-levels-only", "s97-upper-level-slr")
    assert ev.run(None, _with_effect("S97", "slr-positive")).judged.extra["events"] == 16
    with pytest.raises(InputError, match=r"study S97: effects\.slr-positive\.estimate: no count of n = 31"):
        ev.run(None, _with_effect("S97", "slr-positive", rounding="rounded"))


def test_a_printed_ci_is_used_as_printed():
    ev = _entry("lower-lumbar-levels-only", "s98-l5-back")
    out = ev.run(None, _with_effect("S98", "l5-back", ci=(0.52, 0.70)))
    assert (out.judged.ci_low, out.judged.ci_high) == (0.52, 0.70) and out.estimates[0].ci_method == "as published"
    assert out.threshold == 0.5


def test_without_ci_or_n_a_proportion_is_shown_not_judged():
    from analysis.claims.engine import run_evidence

    r = run_evidence(_entry("lower-crossed-pattern-common", "s77-sedentary-students"), False, ensemble_draws=0)
    assert r.outcome.judged is None and r.verdict.category == "inconclusive" and "threshold" in r.outcome.note


@pytest.mark.parametrize("change, message", [
    ({"sesoi": 0.5}, "threshold .* or sesoi, not both"),
    ({"threshold": 1.5}, "threshold must be a proportion between 0 and 1"),
    ({"direction": "none"}, "direction positive .* or negative"),
])
def test_a_threshold_entry_is_checked_at_load(change, message):
    from pydantic import ValidationError

    ev = _entry("lower-lumbar-levels-only", "s98-l5-back")
    with pytest.raises(ValidationError, match=message):
        type(ev).model_validate({**ev.model_dump(exclude={"sesoi"}), **change})


def test_a_proportion_without_a_threshold_or_a_threshold_on_another_measure_names_the_field():
    from analysis.claims.kinds import make_evidence
    from analysis.core.errors import InputError

    bare = make_evidence(id="e", study="S98", question="q", analysis="effect", effect="l5-back", direction="positive",
                         sesoi=0.2, sesoi_reason="r")
    with pytest.raises(InputError, match=r"evidence e: threshold: S98's l5-back is a proportion"):
        bare.run(None, _with_effect("S98", "l5-back"))
    on_an_md = make_evidence(id="m", study="S98", question="q", analysis="effect", effect="l5-back",
                             direction="positive", threshold=0.5, sesoi_reason="r")
    with pytest.raises(InputError, match=r"evidence m: threshold: a threshold applies to a published proportion"):
        on_an_md.run(None, _with_effect("S98", "l5-back", measure="MD"))


def _quantity(value):
    from analysis.spec.parts.base import Quantity

    return Quantity(value=value, source="abstract")
