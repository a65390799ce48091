"""Specs load, validate field by field, and turn words into admissible ranges."""

import math

import pytest
from scipy import stats

from analysis.core.errors import InputError
from analysis.spec.constraints import critical_r, significance_range
from analysis.spec.model import load_study, parse_study_file, study_files


def test_both_first_claim_specs_load():
    files = study_files()
    assert {"S1", "S2"} <= set(files)
    assert all(len(f.sha256) == 64 for f in files.values())


def test_critical_r_matches_published_threshold_and_closed_form():
    # published-numbers.md, checked with R: at n = 60 a two-sided p < 0.05 needs |r| >= 0.254
    rc = critical_r(60)
    assert round(rc, 3) == 0.254
    t = rc * math.sqrt(58) / math.sqrt(1 - rc**2)
    assert 2 * stats.t.sf(t, 58) == pytest.approx(0.05, rel=1e-12, abs=0)  # ppf then sf: round trip


def test_significance_ranges():
    rc = critical_r(60)
    assert significance_range(60, "negative", True) == (-1.0, -rc)
    assert significance_range(60, "positive", True) == (rc, 1.0)
    assert significance_range(60, None, False) == (-rc, rc)


def test_s1_assumed_r_ranges_are_clipped_by_the_abstract():
    spec = load_study("S1")
    c = spec.correlation("clbp", "hamstring_length", "nprs")
    low, high = c.admissible_range(60)
    assert low == -0.70 and high == pytest.approx(-critical_r(60), rel=0, abs=0)  # the same function


@pytest.mark.parametrize("text, field, problem", [
    ("id: S9\n", "short", "Field required"),
    ("- a\n- b\n", "(top level)", "must be a mapping"),
    (":\n  - [", "(file)", "not valid YAML"),
])
def test_bad_spec_names_file_field_and_problem(tmp_path, text, field, problem):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as info:
        parse_study_file(path)
    assert info.value.field == field
    assert problem in info.value.problem
    assert str(path) in str(info.value)


def test_assumed_value_outside_its_range_is_rejected(tmp_path):
    good = (load_study_file_path("S2")).read_text()
    bad = good.replace("mean: {value: 31.63, source: abstract}",
                       'mean: {assume: 50, range: [10, 20], reason: "test"}')
    path = tmp_path / "S2.yaml"
    path.write_text(bad)
    with pytest.raises(InputError, match=r"summaries\.0\.mean.*outside its range"):
        parse_study_file(path)


def test_reported_value_without_source_is_rejected(tmp_path):
    bad = load_study_file_path("S2").read_text().replace("mean: {value: 31.63, source: abstract}", "mean: {value: 31.63}")
    path = tmp_path / "S2.yaml"
    path.write_text(bad)
    with pytest.raises(InputError, match="needs 'source'"):
        parse_study_file(path)


def load_study_file_path(study_id):
    return study_files()[study_id].path


@pytest.mark.parametrize("old, new, message", [
    ("- {covariate: age, significant: true, direction: positive, adjusted: true,",
     "- {covariate: height, significant: true, direction: positive, adjusted: true,",
     r"reported\[0\]\.covariate: unknown covariate with an odds ratio on this outcome 'height'"),
    ("- {covariate: age, significant: true, direction: positive, adjusted: true,",
     "- {covariate: age, significant: true, adjusted: true,", "needs its 'direction'"),
])
def test_reported_associations_are_checked(tmp_path, old, new, message):
    good = load_study_file_path("S17").read_text()
    assert old in good
    path = tmp_path / "S17.yaml"
    path.write_text(good.replace(old, new))
    with pytest.raises(InputError, match=message):
        parse_study_file(path)


S2_SIZES = ("n: {assume: 30, range: [20, 40], reason: only n1 + n2 = 60 printed}",
            "n: {assume: 30, reason: n1 + n2 = 60}\n    total_with: {group: lbp, total: 60, reason: t(58) gives 60}")


def _s2_with_assumed_sizes(text: str, sizes=S2_SIZES) -> str:
    """S2 as if the paper printed only "t(58)": the split of its 60 people is assumed; U = 81 is dropped (it needs
    the printed sizes)."""
    assert text.count("n: {value: 30, source: abstract}") == 2
    for size in sizes:
        text = text.replace("n: {value: 30, source: abstract}", size, 1)
    return text[:text.index("reported_tests:")] + text[text.index("notes:"):]


def test_an_assumed_group_size_is_listed_and_drawn_with_the_size_tied_to_it(tmp_path):
    import numpy as np

    from analysis.generate import build_dataset
    from analysis.spec.assumptions import draw_assumptions
    from analysis.spec.model import load_study, parse_study_file, study_files

    listed = [a for a in load_study("AC1").assumptions() if a["key"] == "n:athletes"]
    assert listed and listed[0]["range"] == [1000.0, 1000.0]
    path = tmp_path / "S2.yaml"
    path.write_text(_s2_with_assumed_sizes(study_files()["S2"].path.read_text()))
    spec = parse_study_file(path).spec
    listed = {a["key"]: a for a in spec.assumptions()}
    assert listed["n:lbp"]["range"] == [20.0, 40.0]
    assert listed["n:healthy"]["range"] == [20.0, 40.0] and "60 minus n of Chronic LBP" in listed["n:healthy"]["what"]
    draws = draw_assumptions(spec, np.random.default_rng(1), 12)
    sizes = [int(d["n:lbp"]) for d in draws]
    assert len(set(sizes)) > 3 and all(20 <= n <= 40 for n in sizes)
    for d in draws[:4]:
        ds = build_dataset(spec, seed=3, overrides=d)
        counts = ds.frame["group"].value_counts()
        assert counts["lbp"] == d["n:lbp"] and counts["healthy"] == 60 - d["n:lbp"]
        used = {a["key"]: a["value"] for a in ds.assumptions}
        assert used == {"n:lbp": d["n:lbp"], "n:healthy": 60 - d["n:lbp"]}


@pytest.mark.parametrize("sizes, message", [
    (("n: {assume: 30, range: [20.5, 40], reason: r}", "n: {value: 30, source: abstract}"), "whole numbers"),
    (("n: {assume: 30, range: [20, 59], reason: r}",
      "n: {assume: 30, reason: r}\n    total_with: {group: lbp, total: 60, reason: r}"), "leaves fewer than 2"),
    (("n: {assume: 30, range: [20, 40], reason: r}",
      "n: {assume: 31, reason: r}\n    total_with: {group: lbp, total: 60, reason: r}"), "is not total 60 minus"),
    (("n: {value: 30, source: abstract}",
      "n: {assume: 30, reason: r}\n    total_with: {group: lbp, total: 60, reason: r}"), "whose n is assumed"),
    (("n: {assume: 30, range: [20, 40], reason: r}",
      "n: {value: 30, source: abstract}\n    total_with: {group: lbp, total: 60, reason: r}"), "this n is printed"),
])
def test_a_malformed_size_assumption_is_a_load_error_naming_the_field(tmp_path, sizes, message):
    from analysis.spec.model import parse_study_file, study_files

    path = tmp_path / "S2.yaml"
    path.write_text(_s2_with_assumed_sizes(study_files()["S2"].path.read_text(), sizes))
    with pytest.raises(InputError, match=message):
        parse_study_file(path)


def test_a_drawn_size_keeps_each_assumed_correlation_inside_what_its_p_allows(tmp_path):
    """S1's correlations are 'p < 0.05' at n = 60 (|r| >= 0.2542); at n = 40 a significant r needs
    |r| >= 0.3120 (R 4.2, digits 10: t <- qt(.975, 38); t / sqrt(t^2 + 38) = 0.3120063687). Every draw keeps each r inside
    the range its statement allows at the drawn n."""
    import numpy as np

    from analysis.spec.assumptions import draw_assumptions
    from analysis.spec.constraints import critical_r
    from analysis.spec.model import parse_study_file, study_files

    assert critical_r(40) == pytest.approx(0.3120063687, abs=5e-11, rel=0)  # R printed 10 significant digits
    text = study_files()["S1"].path.read_text()
    assert "n: {value: 60, source: abstract}" in text
    path = tmp_path / "S1.yaml"
    path.write_text(text.replace("n: {value: 60, source: abstract}",
                                 "n: {assume: 60, range: [40, 80], reason: not printed}", 1))
    spec = parse_study_file(path).spec
    draws = draw_assumptions(spec, np.random.default_rng(5), 30)
    assert len({d["n:clbp"] for d in draws}) > 5
    significant = [c for c in spec.correlations if c.r.is_assumption and c.significant]
    assert len(significant) >= 5
    for d in draws:
        n = int(d["n:clbp"])
        for c in significant:
            assert abs(d[str(c.key)]) >= critical_r(n)


def test_an_evidence_entry_varies_an_assumed_size_and_says_it_rests_on_it(isolated_data):
    from analysis.claims.engine import run_evidence
    from analysis.claims.model import load_claim

    path = next((isolated_data / "studies").glob("S2-*.yaml"))
    path.write_text(_s2_with_assumed_sizes(path.read_text()))
    ev = next(e for e in load_claim("clbp-less-flexible").evidence if e.id == "s2-clbp-vs-healthy")
    result = run_evidence(ev, causal_language=False, ensemble_draws=20)
    assert result.ensemble["n:lbp"].nunique() > 3  # the size is drawn, draw by draw
    assert result.basis.value == "assumed" and "moves with values the paper did not report" in result.basis_text
    assert {a["key"] for a in result.dataset.assumptions} == {"n:lbp", "n:healthy"}


def test_an_exact_p_without_a_sign_allows_either_sign_but_never_a_smaller_r():
    """S8 prints p = 0.717 (n = 50) for r(ake, ftf) in men and no sign: |r| is fixed by p (R 4.2:
    r = t / sqrt(t^2 + 48) with t = qt(1 - p/2, 48) at p = 0.7175 and 0.7165 gives 0.05246 and 0.05265), so the
    admissible set is two short intervals, not the hull [-0.0527, 0.0527] that included r = 0 (p = 1)."""
    import numpy as np

    from analysis.spec.assumptions import draw_assumptions
    from analysis.spec.model import load_study

    spec = load_study("S8")
    slot = next(a for a in spec.assumptions() if a["what"].startswith("r(ake, ftf) in men"))
    assert slot["mirrored"] and slot["range"] == pytest.approx([0.052458, 0.052652], abs=5e-7, rel=0)
    draws = np.array([d[slot["key"]] for d in draw_assumptions(spec, np.random.default_rng(1), 400)])
    assert (np.abs(draws) >= slot["range"][0]).all() and (np.abs(draws) <= slot["range"][1]).all()
    assert 150 < (draws > 0).sum() < 250  # both signs, about equally often


def test_assumption_sets_drawn_together_equal_those_drawn_one_at_a_time():
    """Sets are drawn as many at a time as are still needed (one batched call, rejected sets dropped); that must be
    the same random stream, and the same sets, as drawing each set alone: for every study in the registry, including
    those with drawn group sizes, signless correlations and no assumptions at all."""
    import numpy as np

    from analysis.spec.assumptions import draw_assumption_values, draw_assumptions
    from analysis.spec.model import load_study, study_files

    compared = 0
    for study_id in study_files():
        spec = load_study(study_id)
        one_rng = np.random.default_rng(11)
        one_at_a_time = [draw_assumptions(spec, one_rng, 1)[0] for _ in range(15)]
        keys, values = draw_assumption_values(spec, np.random.default_rng(11), 15)
        assert values.shape == (15, len(keys)), study_id
        assert [dict(zip(keys, row)) for row in values.tolist()] == one_at_a_time, study_id
        assert draw_assumptions(spec, np.random.default_rng(11), 15) == one_at_a_time, study_id
        assert draw_assumptions(spec, np.random.default_rng(11), 0) == [], study_id
        compared += 1
    assert compared == len(study_files()) > 40
