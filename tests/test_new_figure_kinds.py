"""New kinds of published figure (#31), each a hand-written spec in tests/fixtures/specs that checks clean, and its
planted-error twin that ``check`` flags (exit 1), as tests/test_handwritten_spec.py does for P1.

References (R 4.2.2, ``options(digits = 10)``):

- P2, a regression coefficient b = 0.12, SE 0.04, t = 3.00, p = 0.004, n = 60, 2 predictors (df 57):
  b / SE over the rounding of both is [0.115 / 0.045, 0.125 / 0.035] = [2.555555556, 3.571428571], which holds
  3.00; 2 * pt(-c(3.005, 2.995), 57) = [0.003942696518, 0.004055843628] holds .004.
  Planted t = 4.50: outside b / SE's range, and 2 * pt(-c(4.505, 4.495), 57) = [3.341e-05, 3.459e-05] misses .004.
  Planted p = 0.40 (no t printed): b / SE gives 2 * pt(-c(0.125 / 0.035, 0.115 / 0.045), 57) =
  [0.000729824288, 0.013294120912], all below .05: a decision error.
"""

import json
from pathlib import Path

import pytest

from analysis.cli import main

SPECS = Path(__file__).parent / "fixtures" / "specs"


def _check(data: Path, name: str, text: str, capsys, *options: str) -> tuple[int, list[dict]]:
    (data / "studies" / name).write_text(text)
    with pytest.raises(SystemExit) as info:
        main(["check", name.split("-")[0], "--json", *options])
    return info.value.code, json.loads(capsys.readouterr().out)


def _interval(text: str) -> tuple[float, float]:
    low, high = text.split("[")[1].split("]")[0].split(",")
    return float(low), float(high)


# --- a regression coefficient -------------------------------------------------------------------------------------
REGRESSION = SPECS / "P2-regression-example.yaml"


def test_a_regression_coefficient_checks_clean(isolated_data, capsys):
    code, rows = _check(isolated_data, REGRESSION.name, REGRESSION.read_text(), capsys)
    assert code == 0, rows
    by_check = {r["check"]: r for r in rows}
    assert by_check["b / SE vs t"]["verdict"] == "consistent"
    assert _interval(by_check["b / SE vs t"]["recomputed"]) == pytest.approx((2.555555556, 3.571428571), abs=5e-3,
                                                                            rel=0)  # printed to 3 s.f.
    p = by_check["p of b"]
    assert p["verdict"] == "consistent" and "t at df = 57" in p["recomputed"]
    assert _interval(p["recomputed"]) == pytest.approx((0.003942696518, 0.004055843628), abs=5e-6, rel=0)  # 3 s.f.


@pytest.mark.parametrize("planted, verdicts", [
    ("t: 4.50, p: 0.004", {"b / SE vs t": "inconsistent", "p of b": "inconsistent"}),
    ("p: 0.40", {"p of b": "decision-inconsistent"}),
])
def test_a_planted_error_in_a_regression_coefficient_is_flagged(isolated_data, capsys, planted, verdicts):
    text = REGRESSION.read_text()
    assert text.count("t: 3.00, p: 0.004") == 1
    code, rows = _check(isolated_data, REGRESSION.name, text.replace("t: 3.00, p: 0.004", planted), capsys)
    assert code == 1
    assert {r["check"]: r["verdict"] for r in rows} == verdicts


def test_a_regression_without_se_t_or_p_is_a_load_error(isolated_data, capsys):
    text = REGRESSION.read_text().replace("se: 0.04, t: 3.00, p: 0.004,", "")
    (isolated_data / "studies" / REGRESSION.name).write_text(text)
    with pytest.raises(SystemExit) as info:
        main(["check", "P2"])
    captured = capsys.readouterr()
    assert info.value.code == 2
    assert "give at least one of 'se', 't' or 'p'" in captured.err + captured.out


# --- published effects read right: a t interval, a hazard ratio with its events, a log odds ratio -------------------
# P3. The MD is R's paired t.test on made-up data (tests/fixtures/r/reference_paired.R/.json): MD 1.58 (0.70 to 2.46),
# p = 0.0028, n = 10. Its p only fits a t interval at df 9; a normal reading of the same CI gives p ~ 0.0004.
# HR 2.10 (1.30-3.39): SE of log HR from the CI (log(3.395) - log(1.295)) / (2 qnorm(.975)) = 0.2458700959 at its
# widest, at least 2 / sqrt(80) = 0.2236067977 with 80 events (fits; 30 events need 0.365: too narrow); its p
# 2 * pnorm(-z) over the limits' rounding is [0.002289236813, 0.002559516301]. log OR 0.92 (0.10 to 1.74):
# 2 * pnorm(-0.92 / se) = [0.02693388369, 0.02884072318] holds .028.
EFFECTS = SPECS / "P3-effects-example.yaml"
PAIRED = json.loads((Path(__file__).parent / "fixtures" / "r" / "reference_paired.json").read_text())


def test_the_effects_spec_prints_what_r_gives():
    text = EFFECTS.read_text()
    assert f"estimate: {{value: {PAIRED['mean_change']:.2f}" in text
    assert f"ci: [{PAIRED['ci'][0]:.2f}, {PAIRED['ci'][1]:.2f}], p: {PAIRED['p']:.4f}, n: {PAIRED['n']}" in text


def test_published_effects_check_clean_and_say_which_interval_fits(isolated_data, capsys):
    code, rows = _check(isolated_data, EFFECTS.name, EFFECTS.read_text(), capsys)
    assert code == 0, [r for r in rows if r["verdict"] != "consistent"]
    md = next(r for r in rows if r["check"] == "p from CI" and r["what"].startswith("MD"))
    assert md["published"] == "p = 0.0028" and "fits t at df = 9" in md["note"] and "not the others" in md["note"]
    t9 = _interval(md["recomputed"].split("t at df = 9")[1])
    assert t9[0] <= PAIRED["p"] <= t9[1]  # R's exact p lies in the range the rounded CI allows
    normal = _interval(md["recomputed"].split("normal:")[1])
    assert normal[0] <= PAIRED["p_if_read_as_normal"] <= normal[1] and normal[1] < 0.0005
    width = next(r for r in rows if r["check"] == "CI width vs events")
    assert "<= 0.246" in width["recomputed"] and "at least 0.224" in width["recomputed"]
    hr = next(r for r in rows if r["check"] == "p from CI" and r["what"].startswith("HR"))
    assert _interval(hr["recomputed"]) == pytest.approx((0.002289236813, 0.002559516301), abs=5e-6, rel=0)  # 3 s.f.
    log_or = next(r for r in rows if r["check"] == "p from CI" and r["what"].startswith("logOR"))
    assert _interval(log_or["recomputed"]) == pytest.approx((0.02693388369, 0.02884072318), abs=5e-5, rel=0)


@pytest.mark.parametrize("printed, planted, flagged", [
    ("p: 0.0028, n: 10", "p: 0.028, n: 10", {("p from CI", "MD")}),  # no reading gives .028
    ("p: 0.0028, n: 10", "p: 0.0028", {("p from CI", "MD")}),  # without n only the normal reading: as before #31
    ("events: 80", "events: 30", {("CI width vs events", "HR")}),
    ("estimate: {value: 0.92, source: table}", "estimate: {value: 1.92, source: table}",
     {("estimate inside its CI", "logOR"), ("CI vs estimate", "logOR")}),
])
def test_a_planted_error_in_a_published_effect_is_flagged(isolated_data, capsys, printed, planted, flagged):
    text = EFFECTS.read_text()
    assert text.count(printed) == 1
    code, rows = _check(isolated_data, EFFECTS.name, text.replace(printed, planted), capsys)
    assert code == 1
    bad = {(r["check"], r["what"].split()[0]) for r in rows if r["verdict"] in ("inconsistent", "decision-inconsistent")}
    assert bad == flagged


# --- a paired (pre/post, crossover) comparison: a reported paired t and the ``paired`` analysis kind ---------------
# P4 prints R's paired t.test of tests/fixtures/r/reference_paired.* rounded: t = 4.08, df 9, p = .0028, mean change
# 1.58 (SD 1.23), SDs 2.60 and 2.63. 2 * pt(-c(4.085, 4.075), 9) = [0.00274, 0.00278] holds .0028 and R's exact p.
# The correlation of before and after the SDs imply: (sd1^2 + sd2^2 - sd_change^2) / (2 sd1 sd2) over the rounding of
# the three, about [0.888, 0.891]; planted sd_change 6.23 implies r < -1.
PAIRED_SPEC = SPECS / "P4-paired-example.yaml"


def test_the_paired_kind_is_rs_paired_t_test():
    from analysis.claims.kinds.paired import paired_t

    e = paired_t(PAIRED["before"], PAIRED["after"])
    # the same closed form as R's t.test in double precision: agreement to rounding error (rel 1e-9)
    assert (e.estimate, e.ci_low, e.ci_high, e.statistic, e.df) == pytest.approx(
        (PAIRED["mean_change"], *PAIRED["ci"], PAIRED["t"], PAIRED["df"]), rel=1e-9, abs=1e-12)
    assert e.p == pytest.approx(PAIRED["p"], rel=1e-9, abs=0)
    with_gap = paired_t([*PAIRED["before"], float("nan")], [*PAIRED["after"], 40.0])
    assert with_gap.n == 10 and with_gap.n_dropped == 1 and with_gap.estimate == pytest.approx(e.estimate, rel=1e-12)


def test_a_paired_t_checks_builds_and_runs_as_a_claims_evidence(isolated_data, capsys):
    from analysis.claims.kinds import make_evidence
    from analysis.generate import build_dataset
    from analysis.spec.model import load_study

    code, rows = _check(isolated_data, PAIRED_SPEC.name, PAIRED_SPEC.read_text(), capsys, "--reconstruction")
    assert code == 0, [r for r in rows if r.get("verdict") in ("inconsistent", "decision-inconsistent")]
    statcheck = next(r for r in rows if r.get("check") == "statcheck")
    assert statcheck["verdict"] == "consistent" and "df = 9" in statcheck["recomputed"]
    low, high = _interval(statcheck["recomputed"])
    assert low <= PAIRED["p"] <= high
    implied = next(r for r in rows if r.get("check") == "SD of change vs SDs")
    assert implied["verdict"] == "consistent" and _interval(implied["recomputed"]) == pytest.approx(
        (0.888, 0.891), abs=1.5e-3, rel=0)
    rebuilt = [r for r in rows if r.get("check") == "reconstruction"]
    assert rebuilt and all(r["status"] == "reproduced" for r in rebuilt)  # t, change, its SD and p come back
    spec = load_study("P4")
    evidence = make_evidence(id="e", study="P4", question="q", analysis="paired", group="crossover",
                             before="ake_before", after="ake_after", direction="positive", sesoi=1.0,
                             sesoi_reason="one degree")
    outcome = evidence.run(build_dataset(spec).frame, spec)
    assert f"{outcome.judged.estimate:.2f}" == "1.58" and f"{outcome.judged.statistic:.2f}" == "4.08"
    assert outcome.judged.conf_int(0.90)[0] > outcome.judged.ci_low  # the 90% interval is carried for judging


@pytest.mark.parametrize("printed, planted, flagged", [
    ("value: 4.08, df: 9, p: 0.0028", "value: 4.80, df: 9, p: 0.0028", {"t vs mean change", "statcheck"}),
    ("sd_change: 1.23", "sd_change: 6.23", {"t vs mean change", "SD of change vs SDs"}),
])
def test_a_planted_error_in_a_paired_t_is_flagged(isolated_data, capsys, printed, planted, flagged):
    text = PAIRED_SPEC.read_text()
    assert text.count(printed) == 1
    code, rows = _check(isolated_data, PAIRED_SPEC.name, text.replace(printed, planted), capsys)
    assert code == 1
    assert {r["check"] for r in rows if r["verdict"] in ("inconsistent", "decision-inconsistent")} == flagged


def test_a_paired_t_with_the_wrong_df_is_a_load_error(isolated_data, capsys):
    (isolated_data / "studies" / PAIRED_SPEC.name).write_text(PAIRED_SPEC.read_text().replace("df: 9", "df: 18"))
    with pytest.raises(SystemExit) as info:
        main(["check", "P4"])
    captured = capsys.readouterr()
    assert info.value.code == 2 and "has df = 9, not 18" in captured.err + captured.out


# --- a mean ± SE ----------------------------------------------------------------------------------------------------
# P5: n = 20. The SD is SE sqrt(20): 1.80 -> 8.0498, 0.42 -> 1.8783, within +-0.005 sqrt(20) = 0.02236. NPRS (whole
# numbers): 4.35 = 87 / 20 (GRIM); the SD window [1.8559, 1.9006] needs a sum of squares Q = 19 SD^2 + 87^2 / 20 in
# [443.9, 447.1] with the parity of 87: 445 or 447 (GRIMMER); at 2 decimals of the SD itself (1.88) no Q fits, so
# the SD must be matched over the SE's window. Planted: 4.37 is no multiple of 1/20 (GRIM); SE 2.40 gives SD 10.73,
# above the largest SD on [0, 10] with mean 4.35, sqrt(20 / 19 * 4.35 * 5.65) = 5.09.
MEAN_SE = SPECS / "P5-mean-se-example.yaml"


def test_a_mean_and_se_checks_builds_and_gives_back_the_se(isolated_data, capsys):
    code, rows = _check(isolated_data, MEAN_SE.name, MEAN_SE.read_text(), capsys, "--reconstruction")
    assert code == 0, rows
    grimmer = next(r for r in rows if r.get("check") == "GRIMMER")
    assert grimmer["verdict"] == "consistent" and "SD 1.878 (SE 0.42 x sqrt(20))" in grimmer["published"]
    rebuilt = {r["what"]: r for r in rows if r.get("check") == "reconstruction"}
    assert any(w.startswith("SE of nprs") for w in rebuilt) and all(r["status"] == "reproduced"
                                                                    for r in rebuilt.values())


@pytest.mark.parametrize("printed, planted, flagged", [
    ("mean: {value: 4.35, source: table}", "mean: {value: 4.37, source: table}",
     {("GRIM", "nprs in lbp (n = 20)"), ("GRIMMER", "nprs in lbp (n = 20)")}),  # no total: no SD either
    ("se: {value: 0.42, source: table}", "se: {value: 2.40, source: table}", {("bounds", "nprs in lbp (n = 20)")}),
])
def test_a_planted_error_in_a_mean_and_se_is_flagged(isolated_data, capsys, printed, planted, flagged):
    text = MEAN_SE.read_text()
    assert text.count(printed) == 1
    code, rows = _check(isolated_data, MEAN_SE.name, text.replace(printed, planted), capsys)
    assert code == 1
    assert {(r["check"], r["what"]) for r in rows if r["verdict"] == "inconsistent"} == flagged


def test_sd_and_se_together_are_a_load_error(isolated_data, capsys):
    text = MEAN_SE.read_text().replace("se: {value: 1.80, source: table}",
                                       "se: {value: 1.80, source: table}, sd: {value: 8.05, source: table}")
    (isolated_data / "studies" / MEAN_SE.name).write_text(text)
    with pytest.raises(SystemExit) as info:
        main(["check", "P5"])
    captured = capsys.readouterr()
    assert info.value.code == 2 and "give 'sd' or 'se'" in captured.err + captured.out


def test_a_paired_t_spec_is_one_file_away_from_analyze(isolated_data, capsys):
    """P4 and a claim naming the ``paired`` kind: ``analyze`` runs it on the reconstruction, and the mean change,
    its t interval, t and p are R's (reference_paired.json: 1.58, [0.70, 2.46], t = 4.08 on 9 df, p = .003)."""
    (isolated_data / "studies" / PAIRED_SPEC.name).write_text(PAIRED_SPEC.read_text())
    claim = SPECS.parent / "claims" / "paired-example-claim.yaml"
    (isolated_data / "claims" / "99-paired-example.yaml").write_text(claim.read_text())
    with pytest.raises(SystemExit) as info:
        main(["analyze", "paired-example"])
    out = capsys.readouterr().out
    assert info.value.code in (0, None), out
    assert (f"mean change = {PAIRED['mean_change']:.2f}, 95% CI [{PAIRED['ci'][0]:.2f}, {PAIRED['ci'][1]:.2f}] "
            f"(t interval, df = 9), t(9) = {PAIRED['t']:.2f}, p = .003") in out
