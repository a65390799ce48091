"""A restated result is judged only under the paper's own model (#30 item 4).

Claim 1 said of S19's age "the paper reports no significant effect" while Verrall 2001 reports p < 0.05: the claim's
logistic model adjusted for two covariates the paper's (unadjusted) statement was not made under, so the
reconstruction's adjusted CI crossed 1 and a generic string restated a null the paper never printed.
"""

from analysis.claims.basis import restated_verdict
from analysis.claims.engine import run_evidence
from analysis.claims.model import load_claims
from analysis.claims.synthesis import Basis
from analysis.core.scales import LOG_OR
from analysis.spec.model import load_study_file

CLAIMS = load_claims()


def _entry(claim_id: str, evidence_id: str):
    return next(e for e in CLAIMS[claim_id].evidence if e.id == evidence_id)


def test_every_restated_logistic_entry_uses_the_papers_model():
    for claim in CLAIMS.values():
        for ev in claim.evidence:
            if ev.analysis != "logistic":
                continue
            spec = load_study_file(ev.study).spec
            if ev.basis_hint(spec) == "restated":
                (o,) = [o for o in spec.cohort.outcomes if o.name == ev.outcome]
                (a,) = [a for a in o.reported if a.covariate == ev.covariate]
                assert ev.fits_paper_model(a, o), (claim.id, ev.id)


def test_another_model_than_the_papers_is_not_restated():
    ev = _entry("older-athletes-more-strains", "s19-age")
    spec = load_study_file("S19").spec
    assert ev.basis_hint(spec) == "restated"
    adjusted = ev.model_copy(update={"adjust": ["prior_posterior_thigh_injury", "back_injury_history"]})
    assert adjusted.basis_hint(spec) is None  # the ensemble decides: a sensitivity analysis, never a restatement
    result = run_evidence(adjusted, causal_language=False, ensemble_draws=8, seed=1)
    assert result.basis is not Basis.RESTATED
    assert "the paper reports no significant effect" not in result.verdict.reason


def test_s19_age_restates_the_significant_effect_the_paper_reports():
    result = run_evidence(_entry("older-athletes-more-strains", "s19-age"), causal_language=False,
                          ensemble_draws=8, seed=1)
    assert result.basis is Basis.RESTATED
    assert result.verdict.category == "supported"
    assert "significant effect in the claimed direction" in result.verdict.reason


def test_the_restated_null_names_the_papers_model_not_a_generic_claim():
    import pandas as pd

    from analysis.claims.kinds import Outcome

    ev = _entry("older-athletes-more-strains", "s19-age")
    ensemble = pd.DataFrame({"ci_low": [-0.1, 0.05], "ci_high": [0.3, 0.4]})
    verdict = restated_verdict(ev, ensemble, Outcome([], None, LOG_OR, 0.03))
    assert verdict.category == "inconclusive" and "under the paper's own model" in verdict.reason
