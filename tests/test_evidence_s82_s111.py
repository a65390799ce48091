"""The specs S82-S111 (evidence-for-untested-claims.md, issue #30) and the claims they are wired into.

Pins what the evidence files print, not what the code computed earlier: the ratings risk-of-bias.md part 1 gives,
the printed counts, means and estimates, and the tests rebuilt from them against closed forms computed here
(Katz's log interval of a risk ratio, Hedges' g with its exact J, the Fisher z interval of r); and, for each claim of
the range, that every study which differs from what the post claims says how.
"""

from __future__ import annotations

import math

import pytest
from scipy import stats as sps

from analysis.checks.forensics import forensic_checks
from analysis.claims.engine import run_evidence
from analysis.claims.model import load_claims
from analysis.spec.model import load_study, study_files

#: Studies of S82-S111 that risk-of-bias.md part 1 rates (1a: S107; 1c: the cross-sectional, case-control and case
#: series rows; 1d: S88 and S106 with every AMSTAR-2 item "?"), pinned from the file (4 Dec 2026) with its overall word.
RATED = {"S82": ("JBI", "high"), "S83": ("JBI", "high"), "S84": ("JBI", "high"), "S85": ("JBI", "high"),
         "S86": ("JBI", "moderate"), "S87": ("JBI", "high"), "S88": ("AMSTAR 2", "unclear"),
         "S89": ("JBI", "moderate"), "S90": ("JBI", "high"), "S91": ("JBI", "moderate"), "S92": ("JBI", "high"),
         "S106": ("AMSTAR 2", "unclear"), "S107": ("RoB 2", "some concerns"), "S108": ("JBI", "moderate"),
         "S109": ("JBI", "moderate")}

#: The claims of the range the evidence makes testable at least in part.
WIRED = ["lower-lumbar-levels-only", "tilt-lordosis-mechanism", "sitting-tight-hamstrings",
         "l5-root-entrapment-mechanism", "surgical-release-poor-results", "lordosis-disc-herniation",
         "pelvic-misalignment-spondylolisthesis"]

#: Entries that test the claim as the post states it (no indirectness to say): Sadler 2017's prospective cohorts
#: test link 2-3 of claim 9 (less lordosis predicts new LBP) directly.
DIRECT = {"s7-lordosis"}

#: Specs of the range that test nothing (no number, another operation, a composite, a theory): each says why.
UNUSED = ["S85", "S87", "S88", "S92", "S93", "S94", "S96", "S99", "S100", "S104", "S105", "S110", "S111"]

Z975 = float(sps.norm.ppf(0.975))


def _entry(claim_id: str, entry_id: str):
    return next(e for e in load_claims()[claim_id].evidence if e.id == entry_id)


@pytest.mark.parametrize("study", sorted(RATED))
def test_every_study_of_the_range_that_the_file_rates_carries_its_rating(study):
    rob = study_files()[study].spec.risk_of_bias
    tool, overall = RATED[study]
    assert rob is not None and (rob.tool, rob.overall) == (tool, overall)
    assert rob.source.startswith("risk-of-bias.md part 1") and all(d.support for d in rob.domains)


def test_split_and_unclear_ratings_keep_the_sources_words():
    li = {d.domain[:2]: d.judgement for d in load_study("S107").risk_of_bias.domains}
    assert [li[k] for k in ("D1", "D2", "D3", "D4", "D5")] == [
        "unclear", "some concerns", "unclear", "unclear", "unclear"]  # "U | SC | U | U [...] | U", overall "SC (U)"
    comparability = next(d for d in load_study("S108").risk_of_bias.domains if d.domain == "comparability")
    assert comparability.judgement == "moderate" and comparability.support.startswith("L/M")  # the worse word kept
    s86 = load_study("S86").risk_of_bias
    assert s86.overall == "moderate" and s86.overall_note == "H for causation"  # "M (H for causation)"
    assert next(d for d in load_study("S109").risk_of_bias.domains if d.domain == "comparability").judgement == "unclear"


@pytest.mark.parametrize("claim_id", WIRED)
def test_each_claim_of_the_range_is_tested_and_says_how_its_evidence_differs(claim_id):
    claim = load_claims()[claim_id]
    assert claim.evidence and claim.not_testable_reason is None
    missing = [e.id for e in claim.evidence if not e.indirectness and e.id not in DIRECT]
    assert not missing, missing


def test_the_claims_no_study_measured_keep_their_reason_and_name_the_nearest_studies():
    claims = load_claims()
    autopsy, scoliosis = claims["autopsy-ligament-hypertrophy"], claims["unilateral-tightness-scoliosis"]
    assert not autopsy.evidence and "S94" in autopsy.not_assessed_reason and "S95" in autopsy.not_assessed_reason
    assert not scoliosis.evidence and "S93" in scoliosis.not_assessed_reason


@pytest.mark.parametrize("study", UNUSED)
def test_a_spec_that_tests_nothing_says_why(study):
    assert load_study(study).unused_reason


def test_the_misframed_spondylolisthesis_claim_says_so():
    notes = " ".join(load_claims()["pelvic-misalignment-spondylolisthesis"].notes)
    assert "misframed" in notes and "fixed anatomical angle" in notes


def test_osteophytes_and_l5_entrapment_give_katzs_risk_ratio():
    """Matsumoto 2002: entrapment in 6 of 7 cadavers with L5-S1 osteophytes, 1 of 22 without (abstract).

    Closed form: RR = (6/7) / (1/22) = 18.857; Katz SE(log RR) = sqrt(1/6 - 1/7 + 1/1 - 1/22) = 0.98912.
    """
    assert load_study("S95").tables[0].counts == [[6, 1], [1, 21]]
    r = run_evidence(_entry("l5-root-entrapment-mechanism", "s95-osteophytes-entrapment"), False, ensemble_draws=0)
    rr = (6 / 7) / (1 / 22)
    se = math.sqrt(1 / 6 - 1 / 7 + 1 / 1 - 1 / 22)
    e = r.primary
    # tolerance: floating-point rounding only (the table is exact counts)
    assert e.estimate == pytest.approx(rr, rel=1e-9, abs=1e-12)
    assert e.ci_low == pytest.approx(rr * math.exp(-Z975 * se), rel=1e-9, abs=1e-12)
    assert e.ci_high == pytest.approx(rr * math.exp(Z975 * se), rel=1e-9, abs=1e-12)


@pytest.mark.slow
def test_lordosis_in_disc_herniation_is_hedges_g_of_the_printed_means():
    """Orthop Surg (PMC6584466): LL 34.4 +/- 15.3 (LDH, n = 100) vs 50.8 +/- 10.2 (controls, n = 100).

    Closed form: pooled SD sqrt((15.3^2 + 10.2^2) / 2) = 13.0025; J = 1 - 3 / (4 * 198 - 1); g = -1.2565 (the evidence
    file's "(calc) Hedges g = 1.26", controls minus LDH).
    """
    r = run_evidence(_entry("lordosis-disc-herniation", "s86-lordosis"), False, ensemble_draws=0)
    g = (34.4 - 50.8) / math.sqrt((15.3 ** 2 + 10.2 ** 2) / 2) * (1 - 3 / (4 * 198 - 1))
    # tolerance: the reconstruction has the printed moments exactly (to floating-point precision)
    assert r.primary.estimate == pytest.approx(g, rel=1e-6, abs=1e-9)
    assert round(-g, 2) == 1.26


@pytest.mark.parametrize("entry_id,r_printed,n", [("s82-slr-sitting", -0.56, 200), ("s83-ake-sitting", 0.31, 150)])
def test_the_sitting_correlations_are_judged_on_the_fisher_z_interval_of_the_printed_r(entry_id, r_printed, n):
    """Closed form: tanh(atanh(r) +/- z(0.975) / sqrt(n - 3)); the evidence file's calc gives -0.65 to -0.46 (S82)
    and 0.16 to 0.45 (S83)."""
    e = run_evidence(_entry("sitting-tight-hamstrings", entry_id), False).primary
    half = Z975 / math.sqrt(n - 3)
    # tolerance: floating-point rounding only
    assert e.ci_low == pytest.approx(math.tanh(math.atanh(r_printed) - half), rel=1e-9, abs=1e-12)
    assert e.ci_high == pytest.approx(math.tanh(math.atanh(r_printed) + half), rel=1e-9, abs=1e-12)


def test_printed_figures_that_do_not_fit_are_findings():
    """Laird 2014 Table 2: lordosis SMD 0.01 (-0.09 to 0.11) printed with p = 0.89, rotation -0.49 (-0.76 to -0.22)
    with p = 0.04; their CIs give p of about 0.84 and 0.0004. Harris-Hayes 2025: 369 of 488 printed as 75% (75.6%)."""
    laird = [c for c in forensic_checks(load_study("S106")) if c.check == "p from CI" and c.verdict != "consistent"]
    assert sorted(c.what.split("-> ")[1].split(" (")[0] for c in laird) == ["lumbar lordosis in standing",
                                                                           "lumbar rotation"]
    percent = [c for c in forensic_checks(load_study("S111")) if c.check == "percentage"]
    assert len(percent) == 1 and percent[0].verdict == "inconsistent"
    assert percent[0].note == "matches truncation, not rounding"
