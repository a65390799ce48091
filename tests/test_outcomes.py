"""Summary of findings per outcome (issue #29), end to end on constructed bodies whose GRADE answer is known from the
handbook: one line per study per outcome, a review standing for its included studies, known overlap counted once,
pooling (REML + HKSJ) refused across measures and direction conventions, the direction-of-effect count where pooling
is impossible, a single restated abstract at very low certainty with no direction word, and the claim verdict from
its critical outcomes. The pooled numbers themselves are pinned to metafor in tests/test_meta_knha.py (R fixture
reference_meta_knha_egger); here the pool is checked against a direct call of the same function."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest

from analysis.claims.model import Claim, load_claims, outcome_problem, parse_claim_file
from analysis.claims.outcomes import OutcomeDecl, summarise_outcomes
from analysis.claims.sof_verdict import claim_verdict
from analysis.claims.synthesis import Basis
from analysis.core.errors import InputError
from analysis.core.results import Estimate
from analysis.core.scales import Scale
from analysis.stats.meta import meta_analysis

Z = 1.959963984540054


def decl(oid="pain", question="intervention effect", scale="SMD", critical=True, smallest=0.2, **kw):
    return OutcomeDecl(id=oid, question=question, population="adults with chronic low back pain",
                       exposure="Stretching", comparator="no exercise", outcome=f"{oid}", scale=scale,
                       direction="higher = worse", time_frame="6 weeks", critical=critical,
                       smallest_important=smallest, **kw)


def spec(sid, design="rct", rob="low", includes=(), overlap=(), randomised=None, longitudinal=None, ratings=()):
    rob_obj = SimpleNamespace(overall=rob) if rob else None
    randomised = design == "rct" if randomised is None else randomised
    longitudinal = design in ("cohort", "surveillance", "rct") or randomised if longitudinal is None else longitudinal
    return SimpleNamespace(id=sid, design=design, randomised=randomised, longitudinal=longitudinal,
                           risk_of_bias=rob_obj, includes=list(includes), overlap=list(overlap),
                           review_certainty=list(ratings))


def result(eid, sp, est=None, se=None, n=100, basis="published", scale="SMD", direction="negative", outcome=None,
           ratio=False, stated=None, indirect=None, review_rating=None):
    judged = None
    if est is not None:
        judged = Estimate(test="t", term="x", estimate=est, ci_low=est - Z * se, ci_high=est + Z * se, n=n)
    sign = {"positive": 1, "negative": -1, "none": 0}[direction]
    ev = SimpleNamespace(id=eid, direction=direction, sign=sign, indirectness=indirect, ratio=ratio, outcome_id=outcome,
                         stated_direction=lambda _spec: stated, review_rating=review_rating,
                         indirectness_rating="serious", rests_on=None, reverse_scale=False)
    return SimpleNamespace(evidence=ev, study=SimpleNamespace(spec=sp), basis=Basis(basis),
                           outcome=SimpleNamespace(judged=judged, scale=Scale(scale, ratio=scale.startswith("log "))),
                           verdict=SimpleNamespace(category="x"),
                           estimates=[judged or Estimate(test="t", term="x", estimate=float("nan"), n=n)],
                           primary=judged or Estimate(test="t", term="x", estimate=float("nan"), n=n))


def claim_of(outcomes, results, reason=None, causal_language=False):
    return SimpleNamespace(outcomes=outcomes, evidence=[r.evidence for r in results], not_testable_reason=reason,
                           causal_language=causal_language)


def test_one_large_low_risk_rct_is_high():
    r = [result("e1", spec("S1"), est=-0.5, se=0.05, n=2000)]
    (row,) = summarise_outcomes(claim_of([decl(thresholds=(0.2, 0.5, 0.8))], r), r)
    assert row.grade.certainty == "high" and row.grade.downgrades == ()
    assert row.statement == "Stretching results in a moderate reduction in pain"
    assert claim_verdict(claim_of([row.decl], r), [row]) == ("supported", row.statement)


def test_three_rcts_high_risk_one_carrying_weight_pooled_with_hksj():
    r = [result("a", spec("S1", rob="high"), est=-0.40, se=0.05, n=1500),
         result("b", spec("S2"), est=-0.35, se=0.15, n=150), result("c", spec("S3"), est=-0.45, se=0.15, n=150)]
    (row,) = summarise_outcomes(claim_of([decl()], r), r)
    direct = meta_analysis([-0.40, -0.35, -0.45], [0.05**2, 0.15**2, 0.15**2], method="REML", test="knha")
    assert row.effect["pooled"] and row.effect["k"] == 3
    assert row.effect["estimate"] == pytest.approx(direct.estimate, rel=1e-12, abs=0)  # same function, same input
    assert row.effect["ci"] == pytest.approx([direct.ci_low, direct.ci_high], rel=1e-12, abs=0)
    assert "Hartung-Knapp" in row.effect["method"] and row.effect["prediction_interval"] is not None
    assert row.grade.certainty == "moderate"
    assert [d.domain for d in row.grade.downgrades] == ["risk of bias"]
    # the weighted share, not a head count: one high-risk study of three carries most of the pooled weight
    assert "of the weight" in row.grade.downgrades[0].reason


def test_review_and_its_own_included_studies_counted_once():
    review = spec("S7", design="meta-analysis", includes=["S28", "S29"], randomised=False)
    r = [result("rev", review, est=-0.3, se=0.1, n=5000), result("s28", spec("S28", design="cohort"), est=-0.2,
                                                                  se=0.2),
         result("s29", spec("S29", design="cohort"), est=-0.4, se=0.2)]
    (row,) = summarise_outcomes(claim_of([decl(question="prognostic factor")], r), r)
    assert [line.study for line in row.lines] == ["S7"]
    assert row.lines[0].stands_for == ["S28", "S29"]
    assert any("S28: included in S7" in s for s in row.left_out)
    studies = [line.study for line in row.lines]
    assert len(studies) == len(set(studies))


def test_known_overlap_keeps_the_larger_cohort():
    a = spec("S20", design="cohort", overlap=[SimpleNamespace(study="S120", certainty="known", reason="same cohort")])
    r = [result("a", a, est=0.3, se=0.1, n=400), result("b", spec("S120", design="cohort"), est=0.2, se=0.1, n=900)]
    (row,) = summarise_outcomes(claim_of([decl(question="prognostic factor")], r), r)
    assert [line.study for line in row.lines] == ["S120"] and row.lines[0].stands_for == ["S20"]


def test_two_outcomes_of_one_study_are_one_line_each_in_two_rows():
    s1 = spec("S1", design="cross-sectional")
    r = [result("pain", s1, est=-0.3, se=0.1, scale="r", outcome="pain"),
         result("disability", s1, est=-0.2, se=0.1, scale="r", outcome="disability")]
    rows = summarise_outcomes(claim_of([decl("pain", "association", "r"), decl("disability", "association", "r")],
                                       r), r)
    assert [[line.study for line in row.lines] for row in rows] == [["S1"], ["S1"]]
    assert [row.lines[0].result.evidence.id for row in rows] == ["pain", "disability"]


def test_several_analyses_of_one_study_one_line_most_direct_decides():
    s1 = spec("S1")
    r = [result("assumed", s1, est=-0.9, se=0.1, basis="assumed"), result("ident", s1, est=-0.2, se=0.1,
                                                                         basis="identified"),
         result("pub", s1, est=-0.3, se=0.1, basis="published")]
    (row,) = summarise_outcomes(claim_of([decl()], r), r)
    assert len(row.lines) == 1 and row.lines[0].result.evidence.id == "pub"
    assert row.lines[0].sensitivity == ["ident"]
    assert any("assumed" in s for s in row.left_out)  # an assumed value counts nowhere, and is said


@pytest.mark.parametrize("change", [{"scale": "log OR"}, {"direction": "positive"}])
def test_pooling_refused_across_measures_and_directions(change):
    r = [result("a", spec("S1"), est=-0.3, se=0.1), result("b", spec("S2"), est=-0.4, se=0.1, **change)]
    (row,) = summarise_outcomes(claim_of([decl()], r), r)
    assert row.effect["pooled"] is False and row.effect["estimate"] is None
    assert row.effect["method"].startswith("not pooled")
    assert row.effect["direction_count"]["method"].startswith("direction of effect")


def test_single_restated_abstract_is_very_low_with_no_direction_word():
    r = [result("abs", spec("S1", design="cross-sectional", rob="unclear"), basis="restated", stated=-1)]
    (row,) = summarise_outcomes(claim_of([decl(question="association")], r), r)
    assert row.grade.certainty == "very low"
    assert row.statement == "The evidence is very uncertain about the association between stretching and pain"
    for word in ("reduc", "increas", "may", "probably", "effect"):
        assert word not in row.statement
    assert claim_verdict(claim_of([row.decl], r), [row])[0] == "very uncertain"


def test_prognostic_cohorts_large_consistent_effect_start_high():
    r = [result(f"c{i}", spec(f"S{i}", design="cohort"), est=math.log(3.0) + d, se=0.1, n=800, ratio=True,
                scale="log OR", direction="positive") for i, d in enumerate([-0.05, 0.0, 0.05])]
    (row,) = summarise_outcomes(claim_of([decl(question="prognostic factor", scale="OR", smallest=1.2)], r), r)
    assert row.grade.start == "high"
    assert row.grade.certainty in ("high",) and row.reading == "supported"


def test_not_assessed_and_not_testable_and_conflicting():
    (row,) = summarise_outcomes(claim_of([decl()], []), [])
    assert row.reading == "not assessed" and row.grade is None
    assert claim_verdict(claim_of([row.decl], []), [row])[0] == "not assessed"
    assert claim_verdict(claim_of([], [], reason="no study could"), []) == ("not testable", "no study could")
    up = [result("u", spec("S1"), est=0.5, se=0.05, n=2000, outcome="pain")]
    down = [result("d", spec("S2"), est=-0.5, se=0.05, n=2000, outcome="function")]
    rows = summarise_outcomes(claim_of([decl("pain"), decl("function")], up + down), up + down)
    assert [row.reading for row in rows] == ["contradicted", "supported"]
    assert claim_verdict(claim_of([], up + down), rows)[0] == "conflicting"


def test_json_item_has_the_issue_fields():
    r = [result("e1", spec("S1"), est=-0.5, se=0.05, n=2000)]
    (row,) = summarise_outcomes(claim_of([decl()], r), r)
    assert list(row.to_json_dict()) == ["outcome", "question", "critical", "population", "comparator", "studies",
                                        "participants", "effect", "absolute", "certainty", "start", "downgrades",
                                        "upgrades", "review_ratings", "statement"]  # review_ratings: an addition
    for key in ("measure", "estimate", "ci", "pooled", "k", "i2", "prediction_interval", "method"):
        assert key in row.to_json_dict()["effect"]


def test_absolute_effect_per_1000_from_a_printed_baseline():
    r = [result("e1", spec("S1"), est=math.log(2.0), se=0.1, n=3000, ratio=True, scale="log RR", direction="positive")]
    d = decl(scale="RR", smallest=1.2, baseline_risk=100, baseline_source="a cohort")
    (row,) = summarise_outcomes(claim_of([d], r), r)
    absolute = row.to_json_dict()["absolute"]
    assert absolute["per_1000"] == 200  # RR 2 times 100 per 1,000 (closed form)


def test_unknown_outcome_id_is_an_input_error_naming_file_and_field(tmp_path):
    src = next(p for p in sorted((load_claims() and __import__("analysis.core.paths", fromlist=["x"])
                                  .claims_dir()).glob("00-*.yaml")))
    text = src.read_text().replace("    question: Do patients with shorter hamstrings report more pain?",
                                   "    question: Do patients with shorter hamstrings report more pain?\n"
                                   "    outcome_id: nowhere", 1)
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    with pytest.raises(InputError) as err:
        parse_claim_file(bad)
    assert "bad.yaml" in str(err.value) and "evidence[0].outcome_id" in str(err.value) and "nowhere" in str(err.value)


def test_registry_outcomes_are_consistent():
    for claim in load_claims().values():
        assert outcome_problem(claim) is None
        assert isinstance(claim, Claim)


def test_unpooled_same_direction_reads_by_direction_with_size_unknown():
    r = [result("a", spec("S1", design="cohort"), est=0.5, se=0.1, n=500, scale="log OR", direction="positive",
                ratio=True),
         result("b", spec("S2", design="cohort"), est=0.4, se=0.1, n=500, scale="log RR", direction="positive",
                ratio=True)]
    (row,) = summarise_outcomes(claim_of([decl(question="prognostic factor", scale="ratio", smallest=1.2)], r), r)
    assert ("imprecision", 1) in [(d.domain, d.levels) for d in row.grade.downgrades]
    assert row.grade.certainty == "moderate" and row.reading == "supported"
    assert row.statement.endswith("(size not known)")


def test_unpooled_both_ways_is_conflicting_and_says_so():
    r = [result("a", spec("S1"), est=0.5, se=0.1, n=500), result("b", spec("S2"), est=-0.4, se=0.1, n=500,
                                                                   scale="MD")]
    (row,) = summarise_outcomes(claim_of([decl()], r), r)
    assert row.reading in ("conflicting", "very uncertain")
    assert "reduc" not in row.statement and "increas" not in row.statement


def test_a_claim_with_a_critical_outcome_not_assessed_is_partly_assessed_never_supported():
    """Claim 3's shape: a previous injury raises recurrence (measured), and so does older age (no gathered study
    measured it). The claim as stated has two parts; one measured part cannot make it "supported"."""
    r = [result("e1", spec("S1"), est=-0.5, se=0.05, n=2000, outcome="pain")]
    rows = summarise_outcomes(claim_of([decl("pain"), decl("function")], r), r)
    assert [row.reading for row in rows] == ["supported", "not assessed"]
    category, bottom = claim_verdict(claim_of([row.decl for row in rows], r), rows)
    assert category == "partly assessed"
    assert bottom == f"{rows[0].statement}. {rows[1].statement}"


def test_a_published_ratio_is_a_ratio_whatever_the_entry_kind_says():
    """A published OR reaches the outcome through the ``effect`` kind, whose class flag says nothing about ratios;
    the line reads the analysis's own scale, so the smallest important ratio is judged on the log scale and the
    table prints the ratio, not its log (found by the helpers declaring claim outcomes: claim 25 showed
    "OR 0.46" for Pinheiro's OR 1.59)."""
    from analysis.report.sof_text import effect_text

    r = [result("e1", spec("S1", design="cohort"), est=math.log(1.59), se=0.12, n=3000, ratio=False,
                scale="log OR", direction="positive")]
    (row,) = summarise_outcomes(claim_of([decl(question="prognostic factor", scale="OR", smallest=1.2)], r), r)
    assert row.lines[0].line.ratio and row.effect["ratio"]
    assert effect_text(row).startswith("OR 1.59 (1.26 to 2.01)")


def test_no_estimate_and_no_direction_is_never_little_or_no_difference():
    """A restated 'not associated' prints neither a size nor a direction: the statement says what is not known
    instead of 'may result in little to no difference' (claim 4, S19)."""
    r = [result("e1", spec("S1", design="cohort"), basis="restated", direction="positive", stated=0)]
    (row,) = summarise_outcomes(claim_of([decl(question="prognostic factor", scale="OR", smallest=1.5)], r), r)
    assert row.grade.certainty == "moderate"  # not very low: the statement is the one this test is about
    assert "little to no difference" not in row.statement and "is not known" in row.statement


def test_opposite_conventions_are_turned_to_the_claim_for_the_count_never_pooled():
    """Range (below 1 = the claim: S7) beside tightness (above 1 = the claim: S28) for one claim: both support it.
    The direction count turns each study to its entry's claimed direction (1 the claimed way, not 'both ways');
    pooling still refuses opposite conventions (claims 0, 10 and 12 hit this)."""
    from analysis.report.sof_text import effect_text

    r = [result("range", spec("S1", design="cohort"), est=math.log(0.96), se=0.01, n=700, scale="log OR",
                direction="negative"),
         result("tight", spec("S2", design="cohort"), est=math.log(1.5), se=0.1, n=500, scale="log OR",
                direction="positive")]
    (row,) = summarise_outcomes(claim_of([decl(question="prognostic factor", scale="OR", smallest=1.01)], r), r)
    assert row.claimed == 1 and not row.effect["pooled"]
    assert row.effect["direction_count"]["positive"] == 2 and row.effect["direction_count"]["negative"] == 0
    assert "2 studies point the claimed way, 0 the other way" in effect_text(row)


def test_ratios_per_different_units_are_not_pooled():
    """S7's OR per degree of range and S29's OR of tight vs not are both 'log OR' but not one measure: pooling them
    gave claim 12 a meaningless 'OR 1.51, I-squared 83%'."""
    r = []
    for sid, est, unit in (("S1", math.log(0.96), "per degree"), ("S2", math.log(2.86), None)):
        sp = spec(sid, design="cohort")
        sp.effects = [SimpleNamespace(id="e", unit=unit)]
        r.append(result(sid, sp, est=est, se=0.1, n=300, scale="log OR", direction="none"))
        r[-1].evidence.effect = "e"
    (row,) = summarise_outcomes(claim_of([decl(question="prognostic factor", scale="OR", smallest=1.2)], r), r)
    assert not row.effect["pooled"]
    assert "per different units (no unit printed; per degree)" in row.effect["method"]


def test_intervals_on_different_scales_are_not_compared_for_inconsistency():
    """An MD in points beside an SMD (claim 11: S23 beside the SMD trials) cannot 'not overlap': no inconsistency
    downgrade from comparing them."""
    r = [result("md", spec("S1"), est=-15.0, se=2.0, n=500, scale="MD", outcome="pain"),
         result("smd", spec("S2"), est=-0.3, se=0.05, n=500, scale="SMD", outcome="pain")]
    (row,) = summarise_outcomes(claim_of([decl("pain")], r), r)
    assert "different scales" in row.effect["method"]
    assert "inconsistency" not in [d.domain for d in row.grade.downgrades]


def test_a_review_of_prospective_cohorts_starts_high_for_a_prognostic_factor():
    """A review's design is "review"; what it pools (``evidence_from``) decides where certainty starts."""
    for longitudinal, start in ((True, "high"), (False, "low")):
        r = [result("r", spec("R1", design="meta-analysis", longitudinal=longitudinal), est=math.log(3.0), se=0.1,
                    n=800, ratio=True, scale="log OR", direction="positive")]
        (row,) = summarise_outcomes(claim_of([decl(question="prognostic factor", scale="OR", smallest=1.2)], r), r)
        assert row.grade.start == start


def test_a_90_percent_interval_is_widened_to_95_before_pooling_and_grading():
    """S62 prints 90% confidence limits: a 90% interval read as a 95% one would be too narrow by 1.96 / 1.645."""
    sp = spec("S62", design="cohort")
    r = result("m", sp, est=6.3, se=1.0, scale="MD", direction="positive")
    r.outcome.judged = Estimate(test="Published MD", term="x", estimate=6.3, ci_low=3.6, ci_high=9.0, ci_level=0.90)
    (row,) = summarise_outcomes(claim_of([decl(scale="MD", smallest=5.0)], [r]), [r])
    low, high = row.lines[0].line.ci
    half = 2.7 * 1.959963984540054 / 1.6448536269514722  # qnorm(0.975) / qnorm(0.95), closed form
    assert (low, high) == pytest.approx((6.3 - half, 6.3 + half), rel=1e-12, abs=0)
    assert row.effect["ci"] == pytest.approx([low, high], rel=1e-12, abs=0)


@pytest.mark.parametrize("question, expected", [
    ("prognostic factor", "Stretching may be associated with more pain (a moderate association)"),
    ("association", "Stretching may be associated with more pain (a moderate association)"),
    ("intervention effect", "Stretching may result in a moderate increase in pain"),
])
def test_a_prognostic_or_associational_outcome_is_worded_as_an_association(question, expected):
    """Observational designs neither confirm nor refute a cause: a factor "is associated with" an outcome."""
    r = [result("c", spec("S1", design="case-control", rob="low"), est=math.log(1.5), se=0.05, n=4000, ratio=True,
                scale="log OR", direction="positive")]
    row, = summarise_outcomes(claim_of([decl(question=question, scale="OR", smallest=1.2,
                                             thresholds=(1.2, 1.4, 2.0))], r), r)
    assert row.grade.certainty == "low"
    assert row.statement == expected


def test_a_causal_claim_supported_only_by_observational_outcomes_is_an_association():
    from analysis.claims.sof_verdict import outcome_verdict

    r = [result("c", spec("S1", design="cohort", rob="low"), est=math.log(1.5), se=0.05, n=4000, ratio=True,
                scale="log OR", direction="positive")]
    for causal, label in ((True, "association supported; causation not established"), (False, "supported")):
        claim = claim_of([decl(question="prognostic factor", scale="OR", smallest=1.2)], r, causal_language=causal)
        rows = summarise_outcomes(claim, r)
        verdict, certainty, _, _ = outcome_verdict(claim, rows)
        assert (verdict.category, verdict.label, certainty) == ("supported", label, "high")


def test_a_reviews_publication_bias_judgement_comes_from_its_rating_of_this_outcome_only():
    """S23 (Cochrane 2021) rates pain down for inconsistency and function down for publication bias: the pain row
    must not take the function row's publication-bias judgement (claim 11 did before)."""
    from analysis.spec.parts.appraisal import ReviewCertainty

    ratings = [ReviewCertainty(outcome="pain", rating="moderate", reasons="inconsistency", source="SoF table"),
               ReviewCertainty(outcome="function", rating="moderate", reasons="publication bias", source="SoF table")]
    review = spec("R1", design="meta-analysis", randomised=True, ratings=ratings)
    rows = {}
    for oid in ("pain", "function"):
        r = [result(oid, review, est=-0.4, se=0.05, n=900, outcome=oid, review_rating=oid)]
        (rows[oid],) = summarise_outcomes(claim_of([decl(oid)], r), r)
    pub = {oid: [d for d in row.grade.downgrades if d.domain == "publication bias"] for oid, row in rows.items()}
    assert pub["pain"] == [] and pub["function"][0].levels == 1 and "R1 (function)" in pub["function"][0].reason
    assert rows["pain"].to_json_dict()["review_ratings"] == [{"study": "R1", "outcome": "pain", "certainty": "moderate",
                                                             "reasons": "inconsistency"}]
    unnamed = [result("pain", review, est=-0.4, se=0.05, n=900)]  # no review_rating: no judgement is borrowed
    (row,) = summarise_outcomes(claim_of([decl("pain")], unnamed), unnamed)
    assert not [d for d in row.grade.downgrades if d.domain == "publication bias"] and row.review_ratings == []
    wrong = [result("pain", review, est=-0.4, se=0.05, n=900, review_rating="pain at 12 months")]
    with pytest.raises(InputError) as info:
        summarise_outcomes(claim_of([decl("pain")], wrong), wrong)
    assert info.value.field == "review_rating" and "pain at 12 months" in info.value.problem


def test_very_serious_indirectness_needs_its_reason():
    from pydantic import ValidationError

    from analysis.claims.kinds import make_evidence

    fields = dict(id="e", study="S7", question="q", analysis="effect", effect="hamstring-range", direction="negative",
                  sesoi=0.01, sesoi_reason="r", indirectness_rating="very serious")
    with pytest.raises(ValidationError, match="needs the indirectness sentence"):
        make_evidence(**fields)
    ev = make_evidence(**fields, indirectness="another intervention at another time frame")
    assert ev.indirectness_rating == "very serious"


def test_a_review_stands_only_for_the_included_studies_its_figure_rests_on():
    """A review of several treatments (S53 in claim 19) judged one of them: an included trial of another treatment
    in the same row stays a line of its own."""
    review = spec("R1", design="review", includes=["T1", "T2"])
    r = [result("rev", review, est=-0.3, se=0.1), result("t1", spec("T1"), est=-0.4, se=0.1),
         result("t2", spec("T2"), est=-0.2, se=0.1)]
    (row,) = summarise_outcomes(claim_of([decl()], r), r)
    assert [line.study for line in row.lines] == ["R1"]  # by default the review stands for all it includes
    r[0].evidence.rests_on = ["T1"]
    (row,) = summarise_outcomes(claim_of([decl()], r), r)
    assert [line.study for line in row.lines] == ["R1", "T2"]
    assert row.lines[0].stands_for == ["T1"]
    r[0].evidence.rests_on = ["T9"]
    with pytest.raises(InputError) as info:
        summarise_outcomes(claim_of([decl()], r), r)
    assert info.value.field == "rests_on" and "T9 not among the studies R1 includes" in info.value.problem


def test_a_no_effect_claims_reversed_entry_is_turned_before_directions_are_counted():
    """Claim 12 ("tightness may be a result rather than a cause": no association) reads S7's OR per degree of range
    (below 1 = more pain with tighter hamstrings) beside S29's OR for tightness (above 1 = the same thing): unturned
    they seem to point both ways, a spurious inconsistency downgrade."""
    def body(reverse):
        r = [result("s7", spec("S7", design="cohort"), est=math.log(0.96), se=0.01, ratio=True, scale="log OR",
                    direction="none"),
             result("s29", spec("S29", design="cohort"), est=math.log(1.5), se=0.2, ratio=True, scale="log RR",
                    direction="none")]  # another measure: not pooled, as claim 12's per-degree and tight-vs-not ORs
        r[0].evidence.reverse_scale = reverse
        (row,) = summarise_outcomes(claim_of([decl(question="prognostic factor", scale="OR", smallest=1.01)], r), r)
        return row
    unturned, turned = body(False), body(True)
    assert "inconsistency" in [d.domain for d in unturned.grade.downgrades]
    assert "inconsistency" not in [d.domain for d in turned.grade.downgrades]
    assert [line.line.sign for line in turned.lines] == [1, 1]
    from analysis.report.sof_text import effect_text

    assert effect_text(turned).endswith("(direction of effect, S7 turned to the outcome's convention, sign test p = 0.5)")
