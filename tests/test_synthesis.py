"""The synthesis rule on constructed bodies of evidence whose right answer is known (issue #14).

Each body is written by hand: what GRADE and the rule in analysis/claims/synthesis.py say it must give. The
expected answers follow the GRADE handbook (randomised evidence starts high, observational low; one level off per
serious concern), not the code's earlier output.
"""

from __future__ import annotations

import pytest

from analysis.claims.synthesis import SYNTHESIS_RULE, Basis, Line, synthesize


def rct(eid="t1", category="supported", est=0.5, lo=0.35, hi=0.65, **kw):
    return Line(eid, kw.pop("study", "T1"), "rct", kw.pop("basis", Basis.PUBLISHED), category, est, lo, hi,
                sesoi=0.2, **kw)


def case_control(eid, category="supported", est=0.6, lo=0.3, hi=0.9, **kw):
    return Line(eid, eid.upper(), "case-control", kw.pop("basis", Basis.IDENTIFIED), category, est, lo, hi,
                sesoi=0.2, risk_of_bias=("a reconstruction from summary figures",), **kw)


def test_one_strong_rct_is_supported_with_high_certainty():
    s = synthesize([rct()], causal_language=True)
    assert (s.verdict.category, s.certainty) == ("supported", "high")
    assert s.verdict.label == "supported (high certainty)"  # randomised: no observational cap
    assert not any("(-1)" in r for r in s.reasons)


def test_an_rct_whose_ci_crosses_the_sesoi_is_moderate():
    s = synthesize([rct(est=0.3, lo=0.1, hi=0.5)], causal_language=False)
    assert s.certainty == "moderate" and any(r.startswith("imprecision (-1)") for r in s.reasons)
    assert s.verdict.label.startswith("probably")


def test_three_small_concordant_case_control_studies():
    lines = [case_control("a"), case_control("b"), case_control("c", est=0.5, lo=0.25, hi=0.75)]
    s = synthesize(lines, causal_language=True)
    # observational: start low; reconstructions: risk of bias -1 -> very low; CIs all above the SESOI
    assert (s.verdict.category, s.certainty) == ("supported", "very low")
    assert "causation not established" in s.verdict.label
    assert any(r.startswith("risk of bias (-1)") for r in s.reasons)


def test_two_conflicting_cohorts_are_inconclusive():
    lines = [Line("c1", "C1", "cohort", Basis.PUBLISHED, "supported", 0.5, 0.3, 0.7, sesoi=0.1),
             Line("c2", "C2", "cohort", Basis.PUBLISHED, "contradicted", -0.5, -0.7, -0.3, sesoi=0.1)]
    s = synthesize(lines, causal_language=False)
    assert s.verdict.category == "inconclusive" and "conflicting" in s.verdict.label
    assert s.certainty == "very low" and any(r.startswith("inconsistency (-1)") for r in s.reasons)


def test_a_single_restated_significance_abstract():
    line = Line("r1", "S1", "cross-sectional", Basis.RESTATED, "supported", -0.4, -0.6, -0.15, sesoi=0.1, sign=-1,
                risk_of_bias=("figures from the abstract or a secondary source only",))
    s = synthesize([line], causal_language=True)
    # direction only, observational, abstract-only, size never published: very low, "very uncertain"
    assert s.certainty == "very low" and s.verdict.label.startswith("very uncertain")
    assert any("only significance was published" in r for r in s.reasons)


@pytest.mark.parametrize("category", ["supported", "contradicted", "inconclusive"])
def test_only_assumed_reconstructions_never_decide(category):
    lines = [Line(f"a{k}", f"A{k}", "cohort", Basis.ASSUMED, category, 0.9, 0.7, 1.1, sesoi=0.1) for k in range(3)]
    s = synthesize(lines, causal_language=False)
    assert s.verdict.category in ("inconclusive", "not testable") and s.certainty in ("very low", None)
    assert s.deciding == [] and s.set_aside == ["a0", "a1", "a2"]


def test_a_composite_never_counts_even_when_identified():
    comp = Line("ac1", "AC1", "cohort", Basis.IDENTIFIED, "contradicted", -0.9, -1.1, -0.7, sesoi=0.1, composite=True)
    s = synthesize([comp, rct()], causal_language=False)
    assert s.verdict.category == "supported" and s.deciding == ["t1"] and "ac1" in s.set_aside[0]


def test_randomised_evidence_decides_over_observational():
    s = synthesize([rct(category="contradicted", est=-0.3, lo=-0.45, hi=-0.15),
                    case_control("a"), case_control("b")], causal_language=False)
    assert s.verdict.category == "contradicted" and s.deciding == ["t1"]
    assert any("observational test(s) shown beside" in r for r in s.reasons)


def test_a_pooled_estimate_stands_in_for_its_members_and_heterogeneity_downgrades():
    members = [case_control("a", basis=Basis.PUBLISHED), case_control("b", basis=Basis.PUBLISHED)]
    pooled = Line("pooled a, b", "A+B", "case-control", Basis.PUBLISHED, "supported", 0.6, 0.35, 0.85, sesoi=0.2,
                  i2=72.0, members=("a", "b"))
    s = synthesize(members, causal_language=False, pooled=[pooled])
    assert s.deciding == ["pooled a, b"]
    assert any(r.startswith("inconsistency (-1): I-squared 72%") for r in s.reasons)


def test_no_evidence_is_not_testable_without_certainty():
    s = synthesize([], causal_language=False)
    assert (s.verdict.category, s.certainty) == ("not testable", None)


def test_mostly_inconclusive_bodies_are_not_supported_by_one_test():
    lines = [rct("t1"), rct("t2", category="inconclusive", study="T2"), rct("t3", category="inconclusive", study="T3")]
    assert synthesize(lines, causal_language=False).verdict.category == "inconclusive"


def test_the_rule_names_its_sources():
    assert "GRADE handbook" in SYNTHESIS_RULE and "Cochrane Handbook" in SYNTHESIS_RULE
    assert "prediction interval" in SYNTHESIS_RULE


@pytest.mark.parametrize("category, qualifier", [
    ("contradicted", "association shown, which observational designs can neither establish nor exclude as a cause"),
    ("supported", "no association shown, and observational designs cannot exclude a cause")])
def test_a_claim_that_denies_a_cause_is_qualified_the_other_way_round(category, qualifier):
    """A claim of no effect ("rather than a cause", direction none): cohorts finding an association contradict it, and
    the label must say an association was shown; cohorts finding none support it, and cannot exclude a cause."""
    lines = [Line(e, e.upper(), "cohort", Basis.PUBLISHED, category, 0.3, 0.1, 0.5, sesoi=0.01, sign=0)
             for e in ("c1", "c2", "c3")]
    assert synthesize(lines, causal_language=True).verdict.label == f"may be {category} (low certainty); {qualifier}"


def test_real_claims_keep_the_done_when_guarantees():
    """No verdict on assumed results alone; no pooled estimate with an assumed result; AC1 decides nothing."""
    from analysis.claims.engine import run_claim
    from analysis.claims.model import load_claims

    for claim in load_claims().values():
        cr = run_claim(claim, ensemble_draws=10)
        bases = {r.evidence.id: r.basis for r in cr.results}
        if cr.verdict.category in ("supported", "contradicted"):
            assert any(b.counts for b in bases.values()), claim.id
        for p in cr.pooled:
            assert all(bases[i] in (Basis.PUBLISHED, Basis.IDENTIFIED) for i in p.evidence_ids), claim.id
        for r in cr.results:
            if r.study.spec.composite:
                assert r.basis is Basis.ASSUMED, claim.id
        data = cr.to_json_dict()
        assert data["certainty"] in ("high", "moderate", "low", "very low", None)
        assert all(rec["basis"] in ("published", "identified", "restated", "assumed") for rec in data["results"])


def test_risk_of_bias_reasons_are_grouped_by_reason():
    lines = [case_control("a"), case_control("b")]
    reasons = synthesize(lines, causal_language=False).reasons
    assert "risk of bias (-1): a reconstruction from summary figures (a, b)" in reasons


def test_a_restated_correlation_shows_the_interval_its_statement_allows():
    """S1 printed only "negative, p < 0.05" at n = 60: r must lie at or below minus the critical r.

    Reference: R 4.x, ``t <- qt(0.975, 58); t / sqrt(58 + t^2)`` = 0.254204 (printed to two decimals).
    """
    from analysis.claims.engine import run_evidence
    from analysis.claims.model import load_claim

    claim = load_claim("hamstring-stiffness-lbp")
    restated = [run_evidence(ev, claim.causal_language, ensemble_draws=5) for ev in claim.evidence
                if ev.study == "S1"]
    assert restated and all(r.basis is Basis.RESTATED for r in restated)
    assert restated[0].consistent_with.startswith("r between -1.00 and -0.25 (printed: negative, p < 0.05; n = 60")
    assert "-0.40" not in restated[0].basis_text  # the assumed point value is never the stated result


def test_each_page_opens_with_the_evidence_table_and_hides_assumed_numbers(tmp_path):
    """The evidence table (study, design, population, basis, found) comes before the claim's text; a restated
    or assumed test's point values sit in a collapsed block labelled as not a result; the index forest draws
    neither."""
    from analysis.claims.engine import run_claim
    from analysis.claims.model import load_claim
    from analysis.report.build import build_reports
    from analysis.report.context import evidence_table, forest_rows

    cr = run_claim(load_claim("older-athletes-more-strains"), ensemble_draws=5)
    rows = evidence_table(cr)
    assert {"study", "design", "population", "basis", "found", "role"} <= set(rows[0])
    by_id = {r.evidence.id: row for r, row in zip(cr.results, rows)}
    assert by_id["s19-age"]["basis"] == "restated"
    assert by_id["s19-age"]["found"].startswith("consistent with an OR above 1")
    assert by_id["s14-age-hamstring"]["found"].startswith("not evidence")
    assert by_id["s14-age-hamstring"]["role"] == "set aside (sensitivity analysis)"
    assert set(forest_rows([cr])["label"].str.extract(r": (\S+) ")[0]) == {
        r.evidence.id for r in cr.results if r.basis in (Basis.PUBLISHED, Basis.IDENTIFIED)
        and r.outcome and r.outcome.judged is not None and r.outcome.judged.ci_low is not None}

    build_reports(tmp_path, ["older-athletes-more-strains"], ensemble_draws=5)
    page = (tmp_path / "older-athletes-more-strains.html").read_text()
    assert page.index('class="evidence-table"') < page.index("The claim and where it comes from")
    assert page.count('<details class="assumed-numbers">') == sum(
        r.basis in (Basis.RESTATED, Basis.ASSUMED) for r in cr.results)
    assert "sensitivity analysis, not evidence" in page


def test_the_docs_carry_both_rules_word_for_word():
    from pathlib import Path

    from analysis.claims.verdicts import VERDICT_RULE

    doc = (Path(__file__).parents[1] / "docs" / "verdicts.md").read_text()
    assert VERDICT_RULE in doc and SYNTHESIS_RULE in doc


def test_a_studys_published_estimate_decides_over_its_restated_significance():
    """One study, two tests: the restatement of its significance is shown beside its published estimate, so the
    study is not counted twice."""
    published = Line("s-or", "S9", "cohort", Basis.PUBLISHED, "inconclusive", 0.3, -0.1, 0.7, sesoi=0.1)
    restated = Line("s-sig", "S9", "cohort", Basis.RESTATED, "supported")
    other = Line("o-sig", "S8", "cohort", Basis.RESTATED, "supported")
    s = synthesize([published, restated, other], causal_language=False)
    assert s.deciding == ["s-or", "o-sig"]
    assert s.verdict.category == "supported"  # 1 of 2 deciding tests supports and none contradicts
    assert any(r.startswith("shown beside, not deciding") and "s-sig" in r for r in s.reasons)
