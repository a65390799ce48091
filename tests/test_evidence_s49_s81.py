"""The specs S49-S81 (evidence-for-untested-claims.md, issue #30) and the claims they are wired into.

Pins what the evidence files print, not what the code computed earlier: the ratings risk-of-bias.md part 1 gives,
the NSAID row of Warren 2010's Table 3 and its printed p, and, for each claim of the range, that a study which
differs from what the post claims says how.
"""

from __future__ import annotations

import pytest

from analysis.checks.forensics import forensic_checks
from analysis.claims.model import load_claims
from analysis.spec.model import load_study, study_files

#: Studies of S49-S81 that risk-of-bias.md part 1 rates (1a trials; 1d reviews, under the ids S130, S124, S113 and S67
#: it gives them), pinned from the file (4 Dec 2026), with the overall word it prints.
RATED = {"S68": ("RoB 2", "high"), "S69": ("RoB 2", "some concerns"), "S51": ("AMSTAR 2", "unclear"),
         "S63": ("AMSTAR 2", "unclear"), "S65": ("AMSTAR 2", "unclear"), "S67": ("AMSTAR 2", "unclear")}

#: The claims of the range that the evidence makes testable at least in part (claim 16 stays not testable as worded).
WIRED = ["anti-inflammatories-retard-healing", "ultrasound-better-than-mri", "treat-back-when-strain-persists",
         "normal-mri-means-nerve-impingement", "cortisone-injection", "chronic-pain-psychogenic",
         "massage-exercise-rapid-improvement", "lower-crossed-pattern-common", "hip-flexors-switch-off-glutes"]


@pytest.mark.parametrize("study", sorted(RATED))
def test_every_study_of_the_range_that_the_file_rates_carries_its_rating(study):
    rob = study_files()[study].spec.risk_of_bias
    tool, overall = RATED[study]
    assert rob is not None and (rob.tool, rob.overall) == (tool, overall)
    assert rob.source.startswith("risk-of-bias.md part 1") and all(d.support for d in rob.domains)


def test_preyde_and_cherkin_keep_the_sources_words():
    preyde = {d.domain[:2]: d for d in load_study("S68").risk_of_bias.domains}
    assert [preyde[k].judgement for k in ("D1", "D2", "D3", "D4", "D5")] == [
        "unclear", "some concerns", "some concerns", "high", "unclear"]  # "U | SC | SC | H | U"
    d4 = next(d for d in load_study("S69").risk_of_bias.domains if d.domain.startswith("D4"))
    assert (d4.judgement, d4.provisional) == ("some concerns", "high")  # "SC→H"


def test_warrens_nsaid_row_is_kept_as_printed_and_its_p_is_a_finding():
    s16 = load_study("S16")
    table = next(t for t in s16.tables if t.id == "nsaid_first_3_days")
    assert table.counts == [[6, 7], [3, 26]]  # 46.2% of 13 and 10.3% of 29 recurred (Table 3)
    flagged = [c for c in forensic_checks(s16) if c.check == "p from CI" and "NSAID" in c.what]
    # printed p = 0.160 beside RR 4.5 (1.3 to 15.1), whose CI gives p of about 0.016
    assert len(flagged) == 1 and flagged[0].verdict == "decision-inconsistent"


@pytest.mark.parametrize("claim_id", WIRED)
def test_each_claim_of_the_range_is_tested_and_says_how_its_evidence_differs(claim_id):
    claim = load_claims()[claim_id]
    assert claim.evidence and claim.not_testable_reason is None
    assert all(e.indirectness for e in claim.evidence), [e.id for e in claim.evidence if not e.indirectness]
    assert all(e.study != "S61" for e in claim.evidence)  # retracted: cited in notes only


def test_a_review_and_the_studies_it_probably_includes_say_so():
    assert set(load_study("S53").includes) == {"S49", "S59", "S60", "S114", "S116"}
    assert load_study("S67").includes == ["S69"]
    assert [(o.study, o.certainty) for o in load_study("S63").overlap] == [("S124", "known"), ("S64", "known")]
    assert [(o.study, o.certainty) for o in load_study("S65").overlap] == [("S113", "known")]
    assert load_study("S64").unused_reason  # counted once, as its update S63
