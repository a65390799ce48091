"""Analysis kinds: one registry of typed classes, dispatched on ``analysis``; adding a kind is one class."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pytest

from analysis.claims.engine import judge_outcome, load_evidence_frame
from analysis.claims.kinds import KINDS, EvidenceKind, Outcome, make_evidence, register
from analysis.claims.model import Claim, parse_claim_file
from analysis.cli import main
from analysis.core.errors import InputError
from analysis.core.results import Estimate
from analysis.core.scales import Scale


def test_every_kind_module_registers_a_kind_with_its_typed_scale():
    """No hand list: every module of analysis/claims/kinds/ (but base) registers at least one kind."""
    import pkgutil

    import analysis.claims.kinds as package

    modules = {m.name for m in pkgutil.iter_modules(package.__path__)} - {"base"}
    registered = {cls.__module__.rsplit(".", 1)[-1] for cls in KINDS.values()}
    assert modules <= registered, f"kind modules that register nothing: {sorted(modules - registered)}"
    assert str({name: cls.scale for name, cls in KINDS.items()}["logistic"]) == "log OR"
    assert all(cls.ratio == cls.scale.ratio for name, cls in KINDS.items() if name != "effect")


def test_a_field_the_kind_does_not_take_is_a_load_error_naming_file_and_field(tmp_path):
    path = tmp_path / "claim.yaml"
    path.write_text("""
id: c
title: t
post: {file: f, title: t, quote: q}
paraphrase: p
causal_language: false
hypothesis: h
evidence:
  - {id: e, study: S1, question: q, analysis: correlation, x: a, y: b, groups: [a, b],
     direction: negative, sesoi: 0.1, sesoi_reason: r}
""")
    with pytest.raises(InputError) as info:
        parse_claim_file(path)
    assert str(path) in str(info.value) and "evidence.0.groups" in str(info.value)
    assert "Extra inputs are not permitted" in str(info.value)


def test_an_unknown_kind_names_the_known_ones():
    with pytest.raises(ValueError, match="unknown kind 'anova'; known: correlation, cox"):
        make_evidence(id="e", study="S1", question="q", analysis="anova", direction="positive", sesoi=0.1,
                      sesoi_reason="r")


@pytest.mark.parametrize("fields, message", [
    ({"sesoi": float("nan")}, "sesoi must be a positive finite number"),
    ({"sesoi": float("inf")}, "sesoi must be a positive finite number"),
    ({"ensemble_draws": -5}, "ensemble_draws must be 0 or more"),
    ({"groups": ["lbp", "lbp"]}, "groups must be two different groups"),
])
def test_bad_numbers_and_groups_are_rejected(fields, message):
    base = dict(id="e", study="S2", question="q", analysis="two_group", variable="ake_tightness",
                groups=["lbp", "healthy"], direction="positive", sesoi=0.2, sesoi_reason="r")
    with pytest.raises(ValueError, match=message):
        make_evidence(**{**base, **fields})


class _MedianShiftEvidence(EvidenceKind):
    """A toy kind: the difference of medians of ``variable`` between the two levels of ``group``, with a
    made-up SE, to prove that a new kind needs nothing but its class."""

    analysis: Literal["toy_median_shift"]
    variable: str
    groups: tuple[str, str]
    scale = Scale("median difference")

    def columns(self):
        return [self.variable, "group"]

    def run(self, frame, spec):
        a = frame.loc[frame["group"] == self.groups[0], self.variable].median()
        b = frame.loc[frame["group"] == self.groups[1], self.variable].median()
        est = Estimate(test="Median shift", term=" - ".join(self.groups), estimate=float(a - b), ci_low=a - b - 1.96,
                       ci_high=a - b + 1.96, se=1.0, ci_method="Wald z", estimate_type="median difference")
        return Outcome([est], est, self.scale, self.judged_sesoi)


def test_a_toy_kind_runs_through_the_registry_engine_and_claim_model():
    register(_MedianShiftEvidence)
    try:
        claim = Claim.model_validate({
            "id": "toy", "title": "t", "post": {"file": "f", "title": "t", "quote": "q"}, "paraphrase": "p",
            "causal_language": False, "hypothesis": "h",
            "evidence": [{"id": "e", "study": "S2", "question": "q", "analysis": "toy_median_shift",
                          "variable": "ake_tightness", "groups": ["lbp", "healthy"], "direction": "positive",
                          "sesoi": 2.0, "sesoi_reason": "r"}]})
        ev = claim.evidence[0]
        assert isinstance(ev, _MedianShiftEvidence)
        frame = pd.DataFrame({"group": ["lbp"] * 5 + ["healthy"] * 5,
                              "ake_tightness": [30, 31, 32, 33, 34, 10, 11, 12, 13, 14.0]})
        out = ev.run(frame, None)
        assert out.judged.estimate == 20 and judge_outcome(out, ev).category == "supported"
        from analysis.claims.engine import run_evidence

        result = run_evidence(ev, causal_language=False, ensemble_draws=0)
        assert result.verdict.category == "supported" and result.evidence is ev
    finally:
        KINDS.pop("toy_median_shift")


def test_conf_int_gives_stored_and_wald_intervals():
    e = Estimate(test="t", term="x", estimate=0.5, ci_low=0.1, ci_high=0.9, se=0.2, ci_method="Wald z")
    assert e.conf_int(0.95) == (0.1, 0.9)
    low, high = e.conf_int(0.90)
    assert (low, high) == pytest.approx((0.5 - 1.6448536269514722 * 0.2, 0.5 + 1.6448536269514722 * 0.2),
                                        rel=1e-12, abs=1e-15)  # closed form: centre -/+ z(0.95) * SE
    stored = e.with_interval(Estimate(test="t", term="x", estimate=0.5, ci_low=0.2, ci_high=0.8, ci_level=0.9))
    assert stored.conf_int(0.90) == (0.2, 0.8)
    assert json.loads(stored.to_json())["other_cis"] == [{"level": 0.9, "ci_low": 0.2, "ci_high": 0.8}]


def test_logistic_power_under_the_null_is_the_one_sided_alpha():
    """With the tested OR at 1, the share of fits significant in the claimed direction is alpha / 2 (closed form)."""
    ev = make_evidence(id="e", study="S17", question="q", analysis="logistic", outcome="hamstring_injury",
                       covariate="age", adjust=["prior_hamstring_12m"], direction="positive", sesoi=1.03,
                       sesoi_reason="r")
    frame, spec = load_evidence_frame(ev)
    res = ev.simulate_power(frame, spec, n=400, ratio=1.0, sims=4000, seed=3)
    assert abs(res["power"] - 0.025) < 4 * math.sqrt(0.025 * 0.975 / 4000)  # within 4 Monte Carlo SEs
    strong = ev.simulate_power(frame, spec, n=400, ratio=1.3, sims=400, seed=3)
    assert strong["power"] > 0.9


def test_rate_model_power_grows_with_exposure(capsys):
    with pytest.raises(SystemExit) as info:
        main(["power", "s14-interaction", "--n", "1", "--n", "4", "--or", "1.2", "--sims", "60", "--json"])
    assert info.value.code == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["evidence_id"] == "s14-interaction" and rows[1]["power"] > rows[0]["power"]


def test_power_of_an_entry_without_a_simulation_model_is_a_clear_error(capsys):
    with pytest.raises(SystemExit) as info:
        main(["power", "hamstring-stiffness-lbp/length-vs-pain", "--sims", "10"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "correlation analysis, which has no simulation model" in err


def test_power_rejects_non_finite_ratios(capsys):
    with pytest.raises(SystemExit) as info:
        main(["power", "s17-age", "--or", "nan"])
    assert info.value.code == 2 and "--n/--or/--sims" in capsys.readouterr().err


def test_rate_interaction_levels_come_from_the_claim_file():
    ev = make_evidence(id="e", study="S14", question="q", analysis="rate_interaction",
                       outcomes={"hamstring_strain": "distal", "quadriceps_strain": "proximal"}, factor="site",
                       reference="proximal", age_bands=[17, 21, 25, 29, 38.01], direction="positive", sesoi=1.05,
                       sesoi_reason="r")
    frame, spec = load_evidence_frame(ev)
    table = ev.prepare(frame)
    assert set(table["site"]) == {"distal", "proximal"}
    out = ev.run(frame, spec)
    assert np.isfinite(out.judged.estimate) and "distal" in out.estimates[0].term


def test_rate_interaction_counts_and_says_the_rows_its_age_bands_leave_out():
    """Per-row data are aggregated into age bands; a row whose age is missing or outside the bands cannot be placed,
    and is counted and said, never dropped silently."""
    ev = make_evidence(id="e", study="S14", question="q", analysis="rate_interaction",
                       outcomes={"hamstring_strain": "distal", "quadriceps_strain": "proximal"}, factor="site",
                       reference="proximal", age_bands=[17, 21, 25, 29, 38.01], direction="positive", sesoi=1.05,
                       sesoi_reason="r")
    frame, spec = load_evidence_frame(ev)
    assert ev.run(frame, spec).note == ""
    frame = frame.copy()
    frame.loc[frame.index[:3], "age"] = [40.0, 16.0, np.nan]
    table = ev.prepare(frame)
    assert table.attrs["left_out"] == {"age missing or outside the bands": 3}
    assert list(table.drop_duplicates("age_step")["age_band"]) == ["17-21", "21-25", "25-29", "29-38.01"], \
        "the last band is closed above like the others (an age of 40 is left out), so it is not labelled '29+'"
    assert table.drop_duplicates("age_step")["exposure"].sum() == len(frame) - 3
    note = ev.run(frame, spec).note
    assert note == "3 rows left out (age missing or outside the bands: 17 to 38.01)"


RATE_ENTRY = dict(id="e", study="S14", question="q", analysis="rate_interaction",
                  outcomes={"hamstring_strain": "distal", "quadriceps_strain": "proximal"}, factor="site",
                  reference="proximal", age_bands=[17, 21, 25, 29, 38.01], direction="positive", sesoi=1.05,
                  sesoi_reason="r")
OUR_RATE_COLUMNS = dict(count_column="strains", exposure_column="player_matches", unit_column="injury_site",
                        band_column="band", age_column="age_years")


def test_rate_interaction_columns_come_from_the_claim_file():
    """#28: the rate table's columns (counts, exposure, the outcome each row counts, the band) and the per-row age are
    named by the claim; an entry naming its own gives the same model as one using the defaults, on per-row data and
    on an aggregated table alike, and its figure and power simulation read them too."""
    default = make_evidence(**RATE_ENTRY)
    ours = make_evidence(**RATE_ENTRY, **OUR_RATE_COLUMNS)
    frame, spec = load_evidence_frame(default)
    renamed = frame.rename(columns={"age": "age_years"})
    assert "age" not in renamed and "age_years" not in frame
    table = ours.prepare(renamed)
    assert {"strains", "player_matches", "injury_site", "band", "site"} <= set(table.columns)
    assert not {"injuries", "exposure", "muscle", "age_step"} & set(table.columns)
    assert ours.columns() == ["band", "injury_site", "site", "player_matches", "strains"]
    assert ours.input_columns(list(renamed.columns)) == ["age_years", "hamstring_strain", "quadriceps_strain"]
    assert ours.input_columns(list(table.columns)) == ours.columns()
    base = default.run(frame, spec)
    for data in (renamed, table):  # per-row data, then the aggregated table as a user would bring it
        out = ours.run(data, spec)
        for a, b in zip(out.estimates, base.estimates, strict=True):
            assert a.term == b.term
            assert [a.estimate, a.ci_low, a.ci_high, a.p] == pytest.approx([b.estimate, b.ci_low, b.ci_high, b.p],
                                                                          rel=1e-12)
    svg = ours.rate_figure(table)
    assert svg.startswith("<svg") and "strains per 1,000 exposures" in svg
    power = ours.simulate_power(renamed, spec, n=1, ratio=1.2, sims=20, seed=4)
    assert power["power"] == default.simulate_power(frame, spec, n=1, ratio=1.2, sims=20, seed=4)["power"]
    assert power["model"].startswith("Poisson strains ~ C(injury_site) + band + band:site, offset log(player_matches")


@pytest.mark.parametrize("field", sorted(OUR_RATE_COLUMNS))
def test_a_rate_column_that_is_not_a_plain_name_is_refused_at_load(field, tmp_path):
    """Each column name reaches the Poisson model's formula (the age column only the aggregation): plain identifiers
    only, as every column a claim names (analysis/core/names.py)."""
    marker = tmp_path / "pwned"
    with pytest.raises(ValueError, match="not a usable column name"):
        make_evidence(**RATE_ENTRY, **{field: f"__import__('pathlib').Path({str(marker)!r}).touch()"})
    assert not marker.exists()


def test_a_published_effects_printed_p_is_used_and_its_z_says_it_was_derived_from_its_ci():
    """Papers print an estimate, a CI and often an exact p: the p is used as printed (#31) and the z beside it comes
    from the CI (normal approximation on the judged scale); the JSON says so, in the method and in extra["derived"].
    Without a printed p, both come from the CI."""
    from analysis.claims.engine import run_claim

    result = run_claim("stretching-reduces-pain", ensemble_draws=2)
    record = next(r for r in result.records() if r["evidence_id"] == "s22-stretching-pain")
    assert record["p"] == 0.107  # S22 prints p = 0.107; the CI's normal reading gives 0.108
    assert "p = 0.107 as printed, z derived from the published CI (normal approximation on the natural scale)" \
        in record["method"]
    assert record["extra"]["derived"].startswith("z, from the published CI")
    ratio = next(r for r in result.records() if r["evidence_id"] == "s11-rdq30")
    assert "normal approximation on the log scale" in ratio["method"]


def test_a_kind_whose_scale_is_a_string_is_refused_when_registered():
    class _Stringly(_MedianShiftEvidence):
        analysis: Literal["toy_stringly"]
        scale = "median difference"

    with pytest.raises(TypeError, match="_Stringly: scale must be"):
        register(_Stringly)


def test_a_kind_without_run_cannot_be_instantiated():
    class _NoRun(EvidenceKind):
        analysis: Literal["toy_no_run"]

    with pytest.raises(TypeError, match="abstract method run"):
        _NoRun(analysis="toy_no_run", id="e", study="S2", question="q", direction="positive", sesoi=0.1,
               sesoi_reason="r")


def _first_entry_of_each_kind() -> dict:
    """The first evidence entry of each kind in the registry's claims, then in the test fixtures' claims (a kind
    no real claim uses yet, such as ``paired``, is shown on a made-up claim and spec in tests/fixtures/)."""
    import shutil

    from analysis.claims.model import load_claims
    from analysis.core.paths import data_dir

    fixtures = Path(__file__).parent / "fixtures"
    for spec in (fixtures / "specs").glob("*.yaml"):
        shutil.copy(spec, data_dir() / "studies" / spec.name)
    for claim in (fixtures / "claims").glob("*.yaml"):
        shutil.copy(claim, data_dir() / "claims" / claim.name)
    entries: dict = {}
    for claim in load_claims().values():
        for ev in claim.evidence:
            entries.setdefault(ev.analysis, (claim, ev))
    return entries


@pytest.mark.parametrize("name", sorted(KINDS))
def test_every_registered_kind_runs_through_the_engine_and_a_page(name, isolated_data):
    """The contract, for every registered kind (a new kind is covered by registering it and writing one claim entry
    that uses it): the engine gives a typed result, its figures render with captions, the page builds."""
    from analysis.claims.engine import run_evidence
    from analysis.claims.results import Basis, DataOrigin, EvidenceResult
    from analysis.core.scales import Scale
    from analysis.report.context import figures_for, study_sections

    entries = _first_entry_of_each_kind()
    if name.startswith("toy_"):
        pytest.skip("a toy kind registered by another test of this module")
    assert name in entries, f"analysis kind {name!r} has no evidence entry in data/claims/: add one to test it"
    claim, ev = entries[name]
    r = run_evidence(ev, claim.causal_language, ensemble_draws=2)
    assert isinstance(r, EvidenceResult) and isinstance(r.basis, Basis) and isinstance(r.origin, DataOrigin)
    assert isinstance(r.outcome.scale, Scale) and r.estimates and r.verdict.category
    assert r.origin is (DataOrigin.RECONSTRUCTION if ev.uses_dataset else DataOrigin.PUBLISHED)
    assert all(f["caption"] for f in figures_for(r))
    cr = type("ClaimLike", (), {"results": [r]})()
    assert study_sections(cr)[0]["tests"][0]["result"] is r
