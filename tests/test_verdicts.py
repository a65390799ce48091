"""The verdict rule, pinned on constructed data whose right answer is known."""

import numpy as np
import pandas as pd
import pytest

from analysis.claims.kinds import make_evidence
from analysis.claims.verdicts import Robustness, Verdict, across_assumptions, judge, observational_cap
from analysis.core.results import Estimate
from analysis.generate import exact_scores


def _corr_frame(r, n, seed=0):
    X = exact_scores(np.random.default_rng(seed), n, np.array([[1, r], [r, 1.0]]))
    return pd.DataFrame({"x": X[:, 0], "y": X[:, 1]})


EV = make_evidence(id="t", study="S1", question="q", analysis="correlation", x="x", y="y", direction="negative",
              sesoi=0.1, sesoi_reason="test")


def _verdict(frame, ev=EV):
    out = ev.run(frame, None)
    return judge(out.judged, ev.sign, out.sesoi)


def test_clear_effect_in_claimed_direction_is_supported():
    assert _verdict(_corr_frame(-0.5, 100)).category == "supported"


def test_clear_effect_in_opposite_direction_is_contradicted():
    v = _verdict(_corr_frame(0.5, 100))
    assert v.category == "contradicted" and "opposite" in v.reason


def test_clear_null_with_large_n_is_contradicted_by_equivalence():
    # r = 0 at n = 2000: 90% CI about +/-0.037, inside +/-0.1
    v = _verdict(_corr_frame(0.0, 2000))
    assert v.category == "contradicted" and "equivalence" in v.reason


def test_underpowered_null_is_inconclusive():
    # r = -0.2 at n = 20: CI spans zero and +/-0.1
    assert _verdict(_corr_frame(-0.2, 20)).category == "inconclusive"


def test_detectable_but_trivial_effect_is_inconclusive():
    # r = -0.08 at n = 5000: CI excludes zero but the effect is below the SESOI of 0.1
    v = _verdict(_corr_frame(-0.08, 5000))
    assert v.category == "inconclusive" and "below the SESOI" in v.reason


def test_two_group_direction_follows_group_order():
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"group": ["a"] * 40 + ["b"] * 40,
                          "v": np.r_[rng.normal(1.0, 1, 40), rng.normal(0, 1, 40)]})
    ev = make_evidence(id="g", study="S2", question="q", analysis="two_group", variable="v", groups=("a", "b"),
                  direction="positive", sesoi=0.2, sesoi_reason="t")
    assert _verdict(frame, ev).category == "supported"
    flipped = ev.model_copy(update={"groups": ("b", "a")})
    assert _verdict(frame, flipped).category == "contradicted"


def test_assumption_range_that_straddles_the_threshold_is_inconclusive():
    base = Verdict("supported", "supported", "x")
    verdict, robustness, text = across_assumptions(base, ["supported"] * 7 + ["inconclusive"] * 3)
    assert verdict.category == "inconclusive" and "depends" in verdict.label
    assert robustness is Robustness.DEPENDS and "7 of 10" in text
    verdict, robustness, text = across_assumptions(base, ["supported"] * 10)
    assert verdict == base and robustness is Robustness.HOLDS and "whole admissible range" in text
    assert across_assumptions(base, [])[1] is Robustness.REPORTED_ONLY


def test_causal_claim_on_observational_data_is_capped():
    v = observational_cap(Verdict("supported", "supported", "r"), True, {"cross-sectional"})
    assert v.label == "association supported; causation not established"
    assert observational_cap(Verdict("supported", "supported", "r"), True, {"rct"}).label == "supported"
    assert observational_cap(Verdict("supported", "supported", "r"), False, {"cohort"}).label == "supported"


def test_conflicting_tests_are_flagged_by_a_typed_field_not_the_label():
    """The synthesis (the one rule that combines tests; the unanimity rule ``combine`` is gone) marks a conflict in
    ``Verdict.conflicting``, which the report reads; the downgrade for it is a typed ``Downgrade``."""
    from analysis.claims.synthesis import Basis, Line, synthesize

    lines = [Line(f"e{k}", f"S{k}", "rct", Basis.PUBLISHED, cat, est, est - 0.1, est + 0.1, sesoi=0.05)
             for k, (cat, est) in enumerate([("supported", 0.4), ("contradicted", -0.4)])]
    s = synthesize(lines, causal_language=False)
    assert s.verdict.conflicting and s.verdict.category == "inconclusive"
    assert [d.domain for d in s.downgrades] == ["inconsistency"]
    agree = synthesize(lines[:1], causal_language=False)
    assert not agree.verdict.conflicting and agree.downgrades == []


def test_judge_uses_the_90_percent_ci_for_equivalence():
    primary = Estimate(test="t", term="x", estimate=0.0, ci_low=-0.12, ci_high=0.12)
    narrow = Estimate(test="t", term="x", estimate=0.0, ci_low=-0.09, ci_high=0.09, ci_level=0.9)
    assert judge(primary.with_interval(narrow), 1, 0.1).category == "contradicted"
    wide = Estimate(test="t", term="x", estimate=0.0, ci_low=-0.11, ci_high=0.11, ci_level=0.9)
    assert judge(primary.with_interval(wide), 1, 0.1).category == "inconclusive"
    with pytest.raises(ValueError, match="no 90% CI and no standard error"):
        judge(primary, 1, 0.1)  # a 95% CI alone cannot give the equivalence test


def test_a_claim_of_no_effect():
    ev = EV.model_copy(update={"direction": "none"})
    assert _verdict(_corr_frame(0.0, 2000), ev).category == "supported"       # equivalence shown
    assert _verdict(_corr_frame(-0.5, 100), ev).category == "contradicted"    # a clear effect
    assert _verdict(_corr_frame(-0.2, 20), ev).category == "inconclusive"     # underpowered


def _effect_evidence(effect_id, direction="positive", sesoi=1.2, study="S11"):
    return make_evidence(id="e", study=study, question="q", analysis="effect", effect=effect_id, direction=direction,
                    sesoi=sesoi, sesoi_reason="t")


@pytest.mark.parametrize("effect_id, direction, sesoi, expected", [
    ("rdq30-stretching-vs-selfcare", "positive", 1.2, "supported"),      # RR 1.58 (1.10, 2.27): above 1 and the SESOI
    ("rdq30-stretching-vs-selfcare", "negative", 1.2, "contradicted"),   # CI entirely on the other side
    ("rdq30-stretching-vs-selfcare", "positive", 2.0, "inconclusive"),   # CI excludes 1 but 1.58 < SESOI 2.0
])
def test_published_ratio_effects_on_the_log_scale(effect_id, direction, sesoi, expected):
    from analysis.spec.model import load_study

    out = _effect_evidence(effect_id, direction, sesoi).run(None, load_study("S11"))
    assert judge(out.judged, {"positive": 1, "negative": -1}[direction], out.sesoi).category == expected
    assert out.judged.estimate == pytest.approx(np.log(1.58), rel=0, abs=1e-15)  # log of the printed value


def test_published_effect_without_ci_cannot_be_judged():
    from analysis.claims.engine import run_evidence

    ev = _effect_evidence("green-previous-strain", study="S21")
    result = run_evidence(ev, causal_language=False)
    assert result.verdict.category == "inconclusive" and "no CI" in result.verdict.label
