"""Every analysis kind that runs on a user's file runs on 100,000 valid rows within memory (issue #19).

Each study's reconstruction is resampled with replacement to 100,000 rows (valid by construction: every value is
one the study's scales allow) and given to ``run_claim`` as the user's data; every evidence entry whose columns
the file has must run, use every row it should, and stay under a memory bound.
"""

import resource

import pytest

from analysis.claims.engine import run_claim
from analysis.claims.model import load_claims
from analysis.generate import build_dataset
from analysis.spec.model import load_study

pytestmark = pytest.mark.slow
ROWS = 100_000


def _cases():
    seen = {}
    for claim in load_claims().values():
        for ev in claim.evidence:
            # the rate kind reads a table of counts (a registry of millions of rows is reduced to one by
            # analysis/datasets/injury_rates.py: tests/test_scale.py and the registry benchmark cover that path)
            if ev.uses_dataset and ev.analysis != "rate_interaction" and (type(ev).__name__, ev.study) not in seen:
                seen[(type(ev).__name__, ev.study)] = (claim.id, ev.id, ev.study)
    return sorted(seen.values())


@pytest.mark.parametrize("claim_id, evidence_id, study_id", _cases())
def test_each_kind_runs_on_100000_rows(claim_id, evidence_id, study_id):
    frame = build_dataset(load_study(study_id)).frame.drop(columns=["data_origin"])
    if "participant" in frame.columns:
        frame = frame.drop(columns=["participant"])
    spec = load_study(study_id)
    for name, var in spec.variables.items():  # jointly generated integer scales are continuous in a reconstruction
        if var.integer and name in frame.columns:
            step = var.step or 1
            frame[name] = (frame[name] / step).round() * step
    big = frame.sample(n=ROWS, replace=True, random_state=1).reset_index(drop=True)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # the entry alone: a claim may also hold entries on other studies whose labels a file of this study lacks
    claim = load_claims()[claim_id]
    result = run_claim(claim.model_copy(update={"evidence": [e for e in claim.evidence if e.id == evidence_id]}),
                       data=big)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    ran = {r.evidence.id: r for r in result.results}
    assert evidence_id in ran
    rows = ran[evidence_id].rows
    assert rows.rows_read == ROWS and rows.rows_used + sum(n for _, n in rows.left_out) == ROWS
    assert grown_mb < 2048, f"peak memory grew by {grown_mb:.0f} MB"


def test_a_bayes_factor_that_underflows_is_said_not_computed():
    import numpy as np

    from analysis.stats import student_t

    rng = np.random.default_rng(3)
    est = student_t(rng.normal(30, 8, 50_000), rng.normal(15, 8, 50_000))
    assert est.bf10 is None and "BF10 not computed: the JZS integral underflows" in est.method
