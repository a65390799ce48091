"""Results analysts can use in a notebook (issue #32 item 3): short reprs, ``to_frame()`` on every result type, the
text ``analyze`` prints as ``summary()``, and an HTML view that marks synthetic results and escapes what it shows."""

import dataclasses
import math

import pandas as pd
import pytest
from typer.testing import CliRunner

from analysis.claims.engine import run_claim
from analysis.claims.verdicts import Robustness


@pytest.fixture(scope="module")
def reconstructed():
    """A claim whose entries ran on synthetic reconstructions and on published figures."""
    return run_claim("clbp-less-flexible", ensemble_draws=4)


@pytest.fixture(scope="module")
def on_users_data():
    mine = pd.DataFrame({"arm": ["back pain"] * 4 + ["Healthy"] * 4, "knee": [30, 25, 28, 31, 12, 15, 10, 14]})
    return run_claim("clbp-less-flexible", data=mine, mapping={
        "columns": {"group": "arm", "ake_tightness": "knee"},
        "levels": {"group": {"back pain": "lbp", "Healthy": "healthy"}}})


def test_reprs_are_short_and_say_what_a_result_is(reconstructed):
    text = repr(reconstructed)
    assert len(text) < 200 and text.startswith("<ClaimResult 'clbp-less-flexible': very uncertain")
    assert f"{len(reconstructed.results)} results" in text and "1 outcome>" in text  # singular for one
    synthetic = next(r for r in reconstructed.results if r.synthetic)
    published = next(r for r in reconstructed.results if not r.synthetic)
    assert "SYNTHETIC" in repr(synthetic) and "SYNTHETIC" not in repr(published)
    assert len(repr(synthetic)) < 200
    outcome = reconstructed.outcomes[0]
    assert repr(outcome).startswith(f"<OutcomeSummary {outcome.decl.id!r}: {outcome.reading}, certainty very low")


def _same(shown, value) -> bool:
    """Equal, or both missing (a table shows a NaN or an absent value as missing)."""
    def missing(v):
        return v is None or (isinstance(v, float) and math.isnan(v))
    return (missing(shown) and missing(value)) or shown == value


def test_to_frame_holds_every_estimate_with_its_ci_method_basis_and_data(reconstructed):
    frame = reconstructed.to_frame()
    estimates = [(r, e) for r in reconstructed.results for e in r.estimates]
    assert len(frame) == len(estimates)
    for (result, estimate), (_, row) in zip(estimates, frame.iterrows()):
        assert row["evidence_id"] == result.evidence.id and row["study_id"] == result.study.spec.id
        for column in ("estimate", "ci_low", "ci_high", "p"):
            assert _same(row[column], getattr(estimate, column)), (result.evidence.id, column)
        assert row["ci_method"] == estimate.ci_method
        assert row["basis"] == result.basis.value and row["synthetic"] is result.synthetic
        assert ("SYNTHETIC" in row["data"]) is result.synthetic
    assert frame["primary"].sum() == len(reconstructed.results)
    one = reconstructed.results[0].to_frame()
    assert len(one) == len(reconstructed.results[0].estimates) and list(one.columns) == list(frame.columns[1:])


def test_outcomes_frame_is_the_summary_of_findings(reconstructed):
    frame = reconstructed.outcomes_frame()
    assert len(frame) == len(reconstructed.outcomes)
    for summary, (_, row) in zip(reconstructed.outcomes, frame.iterrows()):
        data = summary.to_json_dict()
        assert row["outcome"] == data["outcome"] and row["certainty"] == data["certainty"]
        assert row["statement"] == data["statement"] and row["studies"] == len(data["studies"])
        assert summary.to_frame().iloc[0].to_dict() == row.to_dict()


def test_a_pooled_result_is_one_row():
    result = run_claim("older-athletes-more-strains", ensemble_draws=4)
    for pooled in result.pooled:
        row = pooled.to_frame().iloc[0]
        assert row["evidence_ids"] == ", ".join(pooled.evidence_ids)
        assert (row["estimate"], row["ci_low"], row["ci_high"]) == (pooled.estimate.estimate, pooled.estimate.ci_low,
                                                                    pooled.estimate.ci_high)


def test_summary_is_what_analyze_prints(reconstructed):
    from analysis.cli import app

    printed = CliRunner().invoke(app, ["analyze", "clbp-less-flexible"])
    assert printed.exit_code == 0
    # the CLI runs the default ensemble; the lines that do not depend on it are the same
    first = reconstructed.summary().splitlines()
    assert printed.stdout.splitlines()[:3] == first[:3]
    assert reconstructed.summary().count("\n[") == len(reconstructed.results)


def test_the_html_view_marks_synthetic_results_and_never_a_users_data(reconstructed, on_users_data):
    page = reconstructed._repr_html_()
    assert "very uncertain" in page and "Summary of findings" in page
    assert page.count("SYNTHETIC reconstruction") == sum(r.synthetic for r in reconstructed.results)
    mine = on_users_data._repr_html_()
    assert "ynthetic" not in mine.replace("a result on a synthetic reconstruction is marked so", "")
    assert "the user&#x27;s own data" in mine or "the user's own data" in mine
    assert not on_users_data.to_frame()["synthetic"].any()
    assert "ynthetic" not in on_users_data.results[0]._repr_html_()


def test_the_html_view_escapes_what_it_shows(reconstructed):
    planted = reconstructed.claim.model_copy(update={"title": "<script>alert(1)</script> & more"})
    page = dataclasses.replace(reconstructed, claim=planted)._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page
    assert "p &lt; 0.05" in page and "p < 0.05" not in page  # a table cell (S33's restated test) escaped too


def test_enums_print_their_words_not_their_python_names():
    assert f"{Robustness.HOLDS}" == str(Robustness.HOLDS) == "holds across the assumptions"
