"""GRADE per outcome (analysis.claims.grade) on constructed bodies of evidence whose answer the GRADE handbook
gives (#29 done-when), the informative statements of Santesso 2020, and the direction-of-effect sign test."""

import math

import pytest

from analysis.claims.grade import (
    Question,
    StudyLine,
    direction_count,
    grade_outcome,
    informative_statement,
    optimal_information_size,
    size_word,
)


def rct(study, estimate, ci, weight, rob="low", n=300, indirect=None, levels=1):
    return StudyLine(study, True, "rct", estimate=estimate, ci=ci, weight=weight, participants=n, risk_of_bias=rob,
                     indirect=indirect, indirect_levels=levels)


def test_one_large_low_risk_trial_is_high():
    g = grade_outcome(Question.INTERVENTION, [rct("T1", -0.45, (-0.58, -0.32), 1.0, n=1200)], 0.2,
                      interval=(-0.58, -0.32))
    assert (g.start, g.certainty, g.downgrades) == ("high", "high", ())
    assert "inconsistency not assessable with one study" in g.notes


def test_three_trials_where_the_high_risk_one_carries_most_weight_is_moderate():
    lines = [rct("T1", -0.5, (-0.6, -0.4), 0.6, rob="high", n=900), rct("T2", -0.4, (-0.7, -0.1), 0.25),
             rct("T3", -0.45, (-0.8, -0.1), 0.15)]
    g = grade_outcome(Question.INTERVENTION, lines, 0.2, interval=(-0.58, -0.38), i2=0.0, k_pooled=3)
    assert g.certainty == "moderate"
    assert [(d.domain, d.levels) for d in g.downgrades] == [("risk of bias", 1)]
    assert "60%" in g.downgrades[0].reason


def test_the_same_trials_with_the_high_risk_one_light_stay_high():
    lines = [rct("T1", -0.5, (-0.6, -0.4), 0.1, rob="high"), rct("T2", -0.4, (-0.7, -0.1), 0.6, n=900),
             rct("T3", -0.45, (-0.8, -0.1), 0.3, n=600)]
    assert grade_outcome(Question.INTERVENTION, lines, 0.2, interval=(-0.58, -0.38), i2=0.0).certainty == "high"


def test_i_squared_80_with_estimates_on_both_sides_is_inconsistent():
    lines = [rct("T1", -0.8, (-1.0, -0.6), 0.5, n=900), rct("T2", 0.5, (0.3, 0.7), 0.5, n=900)]
    g = grade_outcome(Question.INTERVENTION, lines, 0.2, interval=(-0.9, 0.6), i2=80.0, prediction=(-5.0, 5.0),
                      k_pooled=2)
    domains = {d.domain: d.levels for d in g.downgrades}
    assert domains["inconsistency"] == 2  # I2 >= 75, both directions, intervals that do not overlap
    assert domains["imprecision"] == 2  # the pooled interval holds important effects both ways
    assert g.certainty == "very low"


def test_i_squared_60_with_a_prediction_interval_across_no_effect_is_one_level():
    lines = [rct("T1", -0.6, (-0.9, -0.3), 0.5, n=900), rct("T2", -0.2, (-0.45, 0.05), 0.5, n=900),
             rct("T3", -0.35, (-0.6, -0.1), 0.5, n=900)]
    g = grade_outcome(Question.INTERVENTION, lines, 0.2, interval=(-0.6, -0.25), i2=60.0, prediction=(-1.2, 0.3))
    assert [(d.domain, d.levels) for d in g.downgrades] == [("inconsistency", 1)]


@pytest.mark.parametrize("interval, levels", [
    ((-0.6, -0.25), 0),   # wholly beyond the smallest important effect (-0.2): precise
    ((-0.6, -0.15), 1),   # one side of no effect, across -0.2: unimportant and important effects both in it
    ((-0.15, -0.05), 0),  # wholly within the unimportant range: precise for "little or no difference"
    ((-0.15, 0.1), 0),    # across no effect but within the unimportant range
    ((-0.3, 0.1), 1),     # no effect and an important effect
    ((-0.3, 0.3), 2),     # important effects both ways
])
def test_imprecision_reads_the_interval_against_no_effect_and_the_smallest_important_effect(interval, levels):
    """GRADE guidelines 34 (Zeng 2022), partly contextualised: the interval against the thresholds. Claim 21's
    RR 1.03 to 1.27 against 1.2 is the second case on the log scale."""
    g = grade_outcome(Question.INTERVENTION, [rct("T1", sum(interval) / 2, interval, 1.0, n=5000)], 0.2,
                      interval=interval)
    assert sum(d.levels for d in g.downgrades if d.domain == "imprecision") == levels


def test_a_ratio_across_the_smallest_important_ratio_on_one_side_is_imprecise():
    line = StudyLine("C1", False, "cohort", estimate=math.log(1.15), ci=(math.log(1.03), math.log(1.27)), weight=1.0,
                     events=900, risk_of_bias="low", ratio=True)
    g = grade_outcome(Question.PROGNOSTIC, [line], math.log(1.2), interval=line.ci)
    assert [(d.domain, d.levels) for d in g.downgrades] == [("imprecision", 1)]
    assert "crosses the smallest important effect" in g.downgrades[0].reason


def test_a_review_pooling_only_prospective_cohorts_starts_high_for_a_prognostic_factor():
    review = StudyLine("R1", False, "meta-analysis", estimate=math.log(3.0), ci=(math.log(2.4), math.log(3.7)),
                       weight=1.0, risk_of_bias="low", ratio=True, longitudinal=True)
    g = grade_outcome(Question.PROGNOSTIC, [review], math.log(1.2), interval=review.ci)
    assert g.start == "high" and "R1 pooling only prospective cohorts" in g.start_reason
    mixed = StudyLine("R2", False, "meta-analysis", estimate=math.log(3.0), ci=review.ci, weight=1.0,
                      risk_of_bias="low", ratio=True, longitudinal=False)
    assert grade_outcome(Question.PROGNOSTIC, [mixed], math.log(1.2), interval=review.ci).start == "low"
    unstated = StudyLine("R3", False, "review", estimate=math.log(3.0), ci=review.ci, ratio=True)
    assert grade_outcome(Question.PROGNOSTIC, [unstated], math.log(1.2), interval=review.ci).start == "low"


def test_prognostic_cohorts_with_a_large_consistent_effect_start_high_and_stay_high():
    lines = [StudyLine(f"C{i}", False, "cohort", estimate=math.log(3.0), ci=(math.log(2.2), math.log(4.1)),
                       weight=1.0, events=400, risk_of_bias="low", ratio=True) for i in range(3)]
    g = grade_outcome(Question.PROGNOSTIC, lines, math.log(1.2), interval=(math.log(2.4), math.log(3.7)), i2=0.0)
    assert (g.start, g.certainty, g.downgrades, g.upgrades) == ("high", "high", (), ())
    assert "Foroutan" in g.start_reason


def test_observational_association_with_a_large_effect_and_no_serious_bias_is_upgraded():
    lines = [StudyLine(f"C{i}", False, "case-control", estimate=math.log(3.0), ci=(math.log(2.3), math.log(3.9)),
                       events=500, risk_of_bias="low", ratio=True) for i in range(2)]
    g = grade_outcome(Question.ASSOCIATION, lines, math.log(1.2), interval=(math.log(2.4), math.log(3.7)), i2=0.0)
    assert g.start == "low" and [u.levels for u in g.upgrades] == [1] and g.certainty == "moderate"


def test_a_single_restated_abstract_is_very_low_and_its_statement_has_no_direction():
    line = StudyLine("S5", False, "cross-sectional", direction=1, risk_of_bias="unclear")
    g = grade_outcome(Question.ASSOCIATION, [line], 0.1, interval=None)
    assert g.certainty == "very low"
    assert {d.domain for d in g.downgrades} == {"risk of bias", "imprecision"}
    statement = informative_statement(g.certainty, size_word(None, (0.1, 0.3, 0.5)), "Hamstring tightness",
                                      "disability", 1)
    assert statement == "The evidence is very uncertain about the effect of hamstring tightness on disability"
    assert not any(w in statement for w in ("increase", "reduc", "may", "probably"))
    assert any("unclear" in n for n in g.notes)


def test_an_or_of_19_6_from_9_events_is_imprecise():
    """The case #29 names: OR 19.6 (1.5 to 261) from 9 events was not flagged."""
    line = StudyLine("S19", False, "cohort", estimate=math.log(19.6), ci=(math.log(1.5), math.log(261)), events=9,
                     risk_of_bias="low", ratio=True)
    g = grade_outcome(Question.PROGNOSTIC, [line], math.log(1.2), interval=(math.log(1.5), math.log(261)))
    assert [(d.domain, d.levels) for d in g.downgrades] == [("imprecision", 1)]
    assert "9 events" in g.downgrades[0].reason and g.certainty == "moderate"


def test_indirectness_is_a_pico_mismatch_never_the_design():
    lines = [StudyLine("A1", False, "cross-sectional", estimate=0.3, ci=(0.2, 0.4), participants=900,
                       risk_of_bias="low", indirect="adolescents; the post speaks of adults")]
    g = grade_outcome(Question.ASSOCIATION, lines, 0.2, interval=(0.2, 0.4))
    assert [d.domain for d in g.downgrades] == ["indirectness"] and "adolescents" in g.downgrades[0].reason
    direct = grade_outcome(Question.ASSOCIATION, [StudyLine("A2", False, "cross-sectional", estimate=0.3,
                                                            ci=(0.2, 0.4), participants=900, risk_of_bias="low")],
                           0.2, interval=(0.2, 0.4))
    assert direct.downgrades == () and direct.certainty == "low"  # low from the start, not downgraded again


def test_publication_bias_from_egger_with_ten_studies_else_the_review_else_said():
    lines = [rct(f"T{i}", -0.3, (-0.5, -0.1), 1.0, n=400) for i in range(10)]
    g = grade_outcome(Question.INTERVENTION, lines, 0.1, interval=(-0.4, -0.2), i2=0.0, k_pooled=10, egger_p=0.03)
    assert [d.domain for d in g.downgrades] == ["publication bias"]
    g = grade_outcome(Question.INTERVENTION, lines[:3], 0.2, interval=(-0.4, -0.2), i2=0.0, k_pooled=3,
                      review_judgement=(1, "small-study effects in 35 trials"))
    assert g.downgrades[0].reason == "as the source review judged: small-study effects in 35 trials"
    g = grade_outcome(Question.INTERVENTION, lines[:3], 0.2, interval=(-0.4, -0.2), i2=0.0, k_pooled=3)
    assert g.downgrades == () and any("not assessed" in n for n in g.notes)


def test_too_few_participants_for_the_smallest_important_effect_is_imprecise():
    lines = [rct("T1", -0.4, (-0.6, -0.2), 1.0, n=300)]
    g = grade_outcome(Question.INTERVENTION, lines, 0.2, interval=(-0.6, -0.2))
    assert [(d.domain, d.levels) for d in g.downgrades] == [("imprecision", 1)] and "785" in g.downgrades[0].reason


def test_optimal_information_size_is_the_two_arm_trial_size():
    """Closed form: 2 groups x 2 (z_0.975 + z_0.8)^2 / d^2; at d = 0.2: 2 * 2 * 7.849 / 0.04 = 784.9 -> 785."""
    assert optimal_information_size(0.2, ratio=False) == 785
    assert optimal_information_size(math.log(1.2), ratio=True) == 300


@pytest.mark.parametrize("certainty, size, direction, expected", [
    ("high", "large", -1, "Exercise results in a large reduction in pain"),
    ("moderate", "small", -1, "Exercise probably results in a small reduction in pain"),
    ("low", "moderate", 1, "Exercise may result in a moderate increase in pain"),
    ("moderate", "little or no difference", -1, "Exercise probably results in little to no difference in pain"),
    ("very low", "large", -1, "The evidence is very uncertain about the effect of exercise on pain"),
])
def test_statements_follow_santesso_2020(certainty, size, direction, expected):
    assert informative_statement(certainty, size, "Exercise", "pain", direction) == expected


def test_size_words_follow_the_outcomes_thresholds():
    t = (0.2, 0.5, 0.8)
    assert [size_word(v, t) for v in (0.1, -0.3, 0.6, -1.2, None)] == [
        "little or no difference", "small", "moderate", "large", "unknown size"]


def test_direction_count_is_a_sign_test_not_a_significance_count():
    """Six studies, five positive (two significant) and one negative: the sign test's p is the exact binomial
    2 * P(X >= 5 | 6, 0.5) = 2 * 7/64 = 0.21875 (closed form); significance plays no part."""
    lines = [StudyLine(f"S{i}", False, "cohort", estimate=e, ci=(e - 1, e + 1)) for i, e in
             enumerate([0.1, 0.2, 2.5, 3.0, 0.05, -0.4])]
    out = direction_count(lines)
    assert (out["positive"], out["negative"]) == (5, 1)
    assert out["p"] == pytest.approx(14 / 64, rel=1e-12, abs=0)


@pytest.mark.parametrize("levels, weights, expected", [
    ((2, 2), (0.5, 0.5), 2),   # both very indirect: very serious
    ((2, 1), (0.7, 0.3), 2),   # the very indirect one carries most of the weight
    ((2, 1), (0.3, 0.7), 1),   # most of the weight only indirect: serious
])
def test_very_serious_indirectness_is_two_levels_when_it_carries_most_of_the_weight(levels, weights, expected):
    """GRADE handbook 5.2.3: indirectness may be very serious (-2), e.g. another intervention at another time."""
    lines = [rct(f"T{i}", -0.5, (-0.6, -0.4), w, n=2000, indirect="massage alone; up to 6 months", levels=lv)
             for i, (lv, w) in enumerate(zip(levels, weights))]
    g = grade_outcome(Question.INTERVENTION, lines, 0.2, interval=(-0.6, -0.4), i2=0.0)
    assert [(d.domain, d.levels) for d in g.downgrades] == [("indirectness", expected)]
