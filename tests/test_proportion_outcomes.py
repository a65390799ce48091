"""The summary of findings for an outcome measured as a proportion (issue #29 gap): one study's proportion with its
exact CI, several pooled on the logit scale only where every study has enough events and non-events, GRADE's
imprecision against the claim's threshold, and a statement worded for a proportion (no number at very low certainty).

Constructed bodies whose answer is known, then claims 5, 17 and 27 as the repository runs them. The pooled numbers are
pinned to metafor in tests/test_proportions.py (fixture reference_proportions); here the pool is the same function."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from analysis.claims.grade_statements import percent
from analysis.claims.outcomes import OutcomeDecl, summarise_outcomes
from analysis.claims.sof_verdict import claim_verdict
from analysis.claims.synthesis import Basis
from analysis.core.errors import InputError
from analysis.core.results import Estimate
from analysis.core.scales import Scale
from analysis.report.sof_text import effect_text
from analysis.stats.proportion import exact_ci, logit_pool
from tests.conftest import load_reference

REF = load_reference("reference_proportions")


def decl(threshold=0.5, question="prevalence", population="patients with L5 root compression",
         outcome="pain on the back of the leg"):
    return OutcomeDecl(id="share", question=question, population=population, exposure="L5 root compression",
                       comparator="none", outcome=outcome, scale="proportion", direction="above 0.5 = most",
                       time_frame="now", threshold=threshold)


def spec(sid, design="cross-sectional", rob="low"):
    return SimpleNamespace(id=sid, design=design, randomised=False, longitudinal=design == "cohort",
                           risk_of_bias=SimpleNamespace(overall=rob), includes=[], overlap=[], review_certainty=[])


def result(eid, sp, x, n, threshold=0.5, direction="positive", indirect=None):
    low, high = exact_ci(x, n)
    judged = Estimate(test="Published proportion", term="x", estimate=x / n, ci_low=low, ci_high=high, n=n,
                      estimate_type="proportion", extra={"events": x})
    ev = SimpleNamespace(id=eid, direction=direction, sign={"positive": 1, "negative": -1}[direction],
                         indirectness=indirect, outcome_id=None, stated_direction=lambda _spec: None,
                         review_rating=None, indirectness_rating="serious", rests_on=None, threshold=threshold)
    return SimpleNamespace(evidence=ev, study=SimpleNamespace(spec=sp), basis=Basis("published"),
                           outcome=SimpleNamespace(judged=judged, scale=Scale("proportion"), threshold=threshold),
                           verdict=SimpleNamespace(category="x"), estimates=[judged], primary=judged)


def claim_of(outcomes, results):
    return SimpleNamespace(outcomes=outcomes, evidence=[r.evidence for r in results], not_testable_reason=None,
                           causal_language=False)


def test_one_cross_sectional_study_at_low_certainty_says_about_61_percent_with_its_ci():
    r = [result("l5", spec("S1"), 60, 98)]
    (row,) = summarise_outcomes(claim_of([decl()], r), r)
    low, high = exact_ci(60, 98)
    assert row.effect["estimate"] == 60 / 98 and row.effect["ci"] == [low, high] and row.effect["k"] == 1
    assert row.grade.start == "low" and row.grade.downgrades == () and row.grade.certainty == "low"
    assert row.statement == ("About 61% (95% CI 51% to 71%) of patients with L5 root compression may have pain on the "
                             "back of the leg")
    assert row.reading == "supported"
    assert claim_verdict(claim_of([row.decl], r), [row]) == ("supported", row.statement)
    assert effect_text(row) == "61% (51% to 71%); one study (S1: 60 of 98); the claim: above 50%"


def test_an_interval_containing_the_threshold_is_imprecise():
    r = [result("slr", spec("S1", design="cohort"), 16, 31, direction="negative")]
    (row,) = summarise_outcomes(claim_of([decl()], r), r)
    assert row.grade.start == "high"
    assert [(d.domain, d.levels) for d in row.grade.downgrades] == [("imprecision", 1)]
    assert "both sides of the threshold of 50%" in row.grade.downgrades[0].reason
    assert row.grade.certainty == "moderate" and row.statement.startswith("About 52% (95% CI 33% to 70%)")
    assert "probably have" in row.statement
    assert row.reading == "contradicted"  # the point estimate lies above 0.5; the claim says below


def test_the_same_interval_wholly_past_the_threshold_is_not_imprecise():
    r = [result("l5", spec("S1", design="cohort"), 60, 98, threshold=0.45)]
    (row,) = summarise_outcomes(claim_of([decl(threshold=0.45)], r), r)
    assert row.grade.downgrades == () and row.grade.certainty == "high"
    assert row.statement.startswith("About 61% (95% CI 51% to 71%) of patients with L5 root compression have")


def test_very_low_certainty_gives_no_number_and_no_direction():
    r = [result("l5", spec("S1", rob="high"), 60, 98, indirect="not the claim's population")]
    (row,) = summarise_outcomes(claim_of([decl()], r), r)
    assert row.grade.certainty == "very low" and row.reading == "very uncertain"
    assert row.statement == ("The evidence is very uncertain about the proportion of patients with L5 root compression "
                             "with pain on the back of the leg")
    assert "%" not in row.statement


def test_several_proportions_with_enough_events_are_pooled_on_the_logit_scale():
    case = REF["logit_pool"]["claim27"]
    r = [result(s, spec(s), x, n, threshold=0.33) for s, x, n in zip(case["ids"], case["xi"], case["ni"])]
    (row,) = summarise_outcomes(claim_of([decl(threshold=0.33)], r), r)
    pooled = logit_pool(case["xi"], case["ni"], case["ids"])
    assert row.effect["pooled"] and row.effect["k"] == 3
    assert row.effect["estimate"] == pytest.approx(case["estimate"], rel=1e-10, abs=1e-12)
    assert row.effect["ci"] == pytest.approx(case["knha_ci"], rel=1e-10, abs=1e-12)
    assert row.effect["ci"] == pooled["ci"] and "logit" in row.effect["method"]
    domains = {d.domain: d for d in row.grade.downgrades}
    assert "both sides of the threshold of 33%" in domains["inconsistency"].reason  # 36% above, 27% and 24% below
    assert "16% to 46%" in domains["imprecision"].reason
    pi = [percent(v) for v in pooled["prediction_interval"]]  # t on k - 2 = 1 df (Higgins 2009): very wide
    assert f"pooled on the logit scale, 3 studies, I² 55%, prediction interval {pi[0]} to {pi[1]}" in effect_text(row)


def test_a_study_with_fewer_than_five_non_events_is_not_pooled_and_each_line_keeps_its_ci():
    r = [result("a", spec("S102"), 15, 17, direction="negative"), result("b", spec("S103"), 42, 48,
                                                                          direction="negative")]
    (row,) = summarise_outcomes(claim_of([decl()], r), r)
    assert row.effect["pooled"] is False and row.effect["estimate"] is None
    assert row.effect["method"].startswith("not pooled: S102 has 2 of 17 without pain on the back of the leg, "
                                           "fewer than 5")
    assert [line["ci"] for line in row.effect["lines"]] == [list(exact_ci(15, 17)), list(exact_ci(42, 48))]
    assert row.grade.downgrades == ()  # both intervals lie wholly above 0.5
    assert row.reading == "contradicted"  # both above; the claim says below
    assert row.statement == ("Between 88% and 88% of patients with L5 root compression may have pain on the back of "
                             "the leg (2 studies, not pooled)")
    assert effect_text(row).startswith("not pooled: S102 has 2 of 17 without pain on the back of the leg, fewer than 5 "
                                       "(the logit of a proportion is too skewed to pool): S102 88% (64% to 99%); S103 "
                                       "88% (75% to 95%)")


def test_unpooled_studies_on_both_sides_of_the_threshold_conflict():
    r = [result("a", spec("S1", design="cohort"), 3, 17), result("b", spec("S2", design="cohort"), 42, 48)]
    (row,) = summarise_outcomes(claim_of([decl()], r), r)
    assert row.effect["estimate"] is None and row.grade.certainty == "moderate" and row.reading == "conflicting"
    assert [d.domain for d in row.grade.downgrades] == ["inconsistency"]  # 4% to 43% and 75% to 95%: disjoint


def test_an_entry_naming_another_threshold_than_its_outcome_is_an_input_error():
    r = [result("a", spec("S1"), 60, 98, threshold=0.4)]
    with pytest.raises(InputError, match=r"evidence a: threshold: outcome share is judged against 0.5; this entry "
                                         r"names 0.4"):
        summarise_outcomes(claim_of([decl()], r), r)


def test_entries_claiming_both_sides_of_one_threshold_are_an_input_error():
    r = [result("a", spec("S1"), 60, 98), result("b", spec("S2"), 30, 98, direction="negative")]
    with pytest.raises(InputError, match=r"evidence b: direction: the entries of outcome share claim both sides"):
        summarise_outcomes(claim_of([decl()], r), r)


# --- claims 5, 17 and 27 as the repository runs them --------------------------------------------------------------
@pytest.fixture(scope="module")
def rows():
    from analysis.claims.engine import run_claim

    out = {}
    for claim_id in ("lower-lumbar-levels-only", "surgical-release-poor-results", "lower-crossed-pattern-common"):
        result_ = run_claim(claim_id, ensemble_draws=0)
        out[claim_id] = {o.decl.id: o for o in result_.outcomes}
    return out


def test_claim_5_reads_s98s_l5_share_against_one_half(rows):
    row = rows["lower-lumbar-levels-only"]["lower-levels-posterior-symptoms"]
    ref = next(c for c in REF["exact"] if c["id"] == "S98 l5-back")
    assert row.effect["estimate"] == pytest.approx(ref["estimate"], rel=0, abs=1e-15)
    assert row.effect["ci"] == pytest.approx(ref["ci"], rel=0, abs=5e-12)
    assert not any(d.domain == "imprecision" for d in row.grade.downgrades)  # 51% to 71%: wholly above one half
    upper = rows["lower-lumbar-levels-only"]["upper-levels-sciatic-signs"]
    assert any(d.domain == "imprecision" and "threshold of 50%" in d.reason for d in upper.grade.downgrades)
    for r in (row, upper):  # risk of bias and indirectness leave both at very low: no number, no direction
        assert r.grade.certainty == "very low" and r.statement.startswith("The evidence is very uncertain about the "
                                                                          "proportion of")


def test_claim_17_keeps_the_three_surgical_series_unpooled(rows):
    row = rows["surgical-release-poor-results"]["good-result"]
    assert row.effect["estimate"] is None and [e["study"] for e in row.effect["lines"]] == ["S102", "S103", "S129"]
    assert row.effect["method"].startswith("not pooled: S102 has 2 of 17 without a good (excellent, good or complete-"
                                           "relief) result")
    assert not any(d.domain == "imprecision" for d in row.grade.downgrades)  # every interval wholly above one half


def test_claim_27_pools_the_three_prevalences_with_a_count(rows):
    row = rows["lower-crossed-pattern-common"]["lower-crossed-prevalence"]
    case = REF["logit_pool"]["claim27"]
    assert row.effect["pooled"] and row.effect["ci"] == pytest.approx(case["knha_ci"], rel=1e-10, abs=1e-12)
    assert [e["study"] for e in row.effect["lines"]] == ["S74", "S75", "S76"]  # S77 printed no n: no line estimate
    assert {d.domain for d in row.grade.downgrades} >= {"imprecision", "inconsistency"}
