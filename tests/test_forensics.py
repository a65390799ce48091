"""Forensics: GRIM, GRIMMER, statcheck-style recomputation, against published examples and R statcheck."""

import json
import re
from fractions import Fraction

import pytest
from conftest import load_reference

from analysis.checks.statcheck import check_report
from analysis.core.errors import InputError
from analysis.stats.granularity import grim, grimmer, max_sd, rounds_to

REF = load_reference("reference_statcheck")


def test_statcheck_fixture_is_complete():
    assert REF["packages"]["statcheck"] == "1.4.0"
    assert len(REF["cases"]) == len(REF["inputs"]) >= 25


@pytest.mark.parametrize("i", range(len(REF["inputs"])), ids=lambda i: REF["inputs"][i])
def test_statcheck_matches_r(i):
    text, ref = REF["inputs"][i], REF["cases"][i]
    result = check_report(text)
    # tolerance: scipy and R distribution functions agree to ~1e-12 relative; 1e-9 leaves room
    assert result.computed_p == pytest.approx(ref["computed_p"], rel=1e-9, abs=1e-300)
    assert result.error is ref["error"]
    assert result.decision_error is ref["decision_error"]


def _brute_grim(mean: str, n: int) -> bool:
    """Independent check: enumerate every total of n integers in 0..100 and round exactly."""
    d = len(mean.split(".")[1])
    target = Fraction(mean)
    half = Fraction(1, 2 * 10**d)
    return any(target - half <= Fraction(total, n) <= target + half for total in range(0, 100 * n + 1))


@pytest.mark.parametrize("mean, n", [("5.19", 28), ("5.18", 28), ("3.45", 20), ("2.83", 40), ("4.36", 17),
                                     ("7.14", 7), ("7.15", 7), ("50.08", 50), ("9.80", 92)])
def test_grim_agrees_with_enumeration(mean, n):
    assert grim(mean, n) is _brute_grim(mean, n)


def test_grim_worked_example():
    # Brown & Heathers (2017): with 28 participants a mean must be a multiple of 1/28; 5.19 is not reachable
    assert not grim("5.19", 28) and grim("5.18", 28) and grim("5.21", 28)


def test_rounding_rules_at_an_exact_half():
    # 113/40 = 2.825 exactly: half-up gives 2.83, half-even gives 2.82; "up-or-down" accepts both
    v = Fraction(113, 40)
    assert rounds_to(v, 2.83, 2, "half-up") and not rounds_to(v, 2.82, 2, "half-up")
    assert rounds_to(v, 2.82, 2, "half-even") and not rounds_to(v, 2.83, 2, "half-even")
    assert rounds_to(v, 2.82, 2) and rounds_to(v, 2.83, 2)


def _brute_grimmer(mean: str, sd: str, n: int, high: int) -> bool:
    """Independent check: enumerate every multiset of n integers in 0..high (small n only)."""
    from itertools import combinations_with_replacement
    from statistics import stdev

    dm, ds = len(mean.split(".")[1]), len(sd.split(".")[1])
    for values in combinations_with_replacement(range(high + 1), n):
        if rounds_to(Fraction(sum(values), n), float(mean), dm) and abs(stdev(values) - float(sd)) <= 0.5 * 10**-ds + 1e-12:
            return True
    return False


@pytest.mark.parametrize("mean, sd, n", [("3.00", "1.41", 5), ("3.00", "1.40", 5), ("2.20", "0.84", 5),
                                         ("2.20", "0.85", 5), ("4.50", "2.74", 6), ("1.83", "0.75", 6),
                                         ("1.83", "0.70", 6)])
def test_grimmer_agrees_with_enumeration(mean, sd, n):
    # GRIMMER's analytic condition is necessary, not sufficient (it ignores the scale bounds), so
    # it may accept an SD that enumeration on a bounded scale rejects, but never the other way round
    exact = _brute_grimmer(mean, sd, n, high=10)
    if exact:
        assert grimmer(mean, sd, n)
    if not grimmer(mean, sd, n):
        assert not exact


def test_grimmer_rejects_parity_impossible_sd():
    # n = 5, mean 3.00 (sum 15, odd): SD 1.40 needs sum of squares 52.84, none of the odd ones fits
    assert grimmer("3.00", "1.41", 5) and not grimmer("3.00", "1.40", 5)


def test_max_sd_closed_form():
    # n values split between 0 and 10 with mean 5: SD = sqrt(n/(n-1)) * 5
    assert max_sd(5.0, 0, 10, 10) == pytest.approx(5 * (10 / 9) ** 0.5, rel=1e-12, abs=0)  # one closed form, two roundings


# --- checks on the project's own specs ------------------------------------------------------------
from analysis.checks import VERDICTS, forensic_checks  # noqa: E402
from analysis.spec.model import load_study, study_files  # noqa: E402


def _by(study_id, check):
    return [c for c in forensic_checks(load_study(study_id)) if c.check == check]


def test_s16_risk_ratios_and_fisher_p_are_consistent():
    recomputed = _by("S16", "recomputed")  # 3 RRs and 3 Fisher p of the original rows, and the NSAID row's RR
    assert len(recomputed) == 7 and all(c.verdict == "consistent" for c in recomputed)


def test_s6_chi_square_is_consistent_and_statchecked():
    assert [c.verdict for c in _by("S6", "recomputed")] == ["consistent"]
    assert [c.verdict for c in _by("S6", "statcheck")] == ["consistent"]


def test_s16_truncated_percentages_are_found():
    bad = [c for c in _by("S16", "percentage") if c.verdict == "inconsistent"]
    assert {c.published for c in bad} == {"15.2%", "28.5%"}
    assert all(c.note == "matches truncation, not rounding" for c in bad)


def test_grim_on_sherman_baseline_table():
    # S11 (Sherman 2011) RDQ and bothersomeness means and SDs are possible for whole-number scores
    assert all(c.verdict == "consistent" for c in _by("S11", "GRIM") + _by("S11", "GRIMMER") if "age" not in c.what)


def test_an_impossible_mean_is_caught(tmp_path):
    from analysis.spec.model import parse_study_file

    text = study_files()["S11"].path.read_text().replace(
        "variable: rdq, mean: {value: 9.0, source: table, decimals: 1}",
        "variable: rdq, mean: {value: 9.01, source: table, decimals: 2}")
    path = tmp_path / "S11.yaml"
    path.write_text(text)
    checks = forensic_checks(parse_study_file(path).spec)
    assert any(c.check == "GRIM" and "selfcare" in c.what and c.verdict == "inconsistent" for c in checks)


def test_every_spec_gets_a_verdict_per_check():
    for sid, f in study_files().items():
        checks = forensic_checks(f.spec)
        assert checks, sid
        assert all(c.verdict in VERDICTS for c in checks)


def test_check_cli(capsys):
    import json

    from analysis.cli import main

    with pytest.raises(SystemExit) as info:
        main(["check", "--all", "--json"])
    rows = json.loads(capsys.readouterr().out)
    # exit 1: at least one published figure is inconsistent (S16's truncated percentages, among others); every
    # check is listed, consistent ones included
    assert info.value.code == 1 and {r["study_id"] for r in rows} >= {"S6", "S16"}
    assert {"study_id", "check", "what", "published", "recomputed", "verdict"} <= set(rows[0])
    assert {r["verdict"] for r in rows} >= {"consistent", "inconsistent"}
    with pytest.raises(SystemExit) as info:
        main(["check", "S2"])  # every checkable figure of Mistry 2014 is consistent
    out = capsys.readouterr().out
    assert info.value.code == 0 and "0 inconsistent" in out.splitlines()[-1]
    with pytest.raises(SystemExit) as info:
        main(["check", "S16"])
    # 4 original findings, and Table 3's NSAID row: p = 0.160 printed beside an RR whose CI gives p of about 0.016
    assert info.value.code == 1 and "5 inconsistent" in capsys.readouterr().out.splitlines()[-1]
    with pytest.raises(SystemExit) as info:
        main(["check", "S999"])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        main(["check"])
    assert info.value.code == 2 and "give one study id, or --all" in capsys.readouterr().err


# --- reported t tests (#16). References computed in R 4.2 (closed forms, see each test):
# t = (31.63 - 14.30) / sqrt((8.34^2 + 9.70^2) / 30) = 7.4200532788; Welch df = 56.7249812293;
# 2 * pt(-7.42, 58) = 5.77e-10; 2 * pt(-2.20, 38) = 0.0339598; 2 * pt(-c(2.205, 2.195), 38) = 0.0335791, 0.0343444.
def _s2_with(tmp_path, test: str):
    from analysis.spec.model import parse_study_file

    text = study_files()["S2"].path.read_text().replace("reported_tests:\n", "reported_tests:\n" + test, 1)
    path = tmp_path / "S2.yaml"
    path.write_text(text)
    return parse_study_file(path).spec


def _t_checks(spec, frame=None):
    from analysis.checks import reproduction_checks
    from analysis.generate import build_dataset

    possible = [c for c in forensic_checks(spec) if "t of" in c.what]
    reproduced = [c for c in reproduction_checks(spec, build_dataset(spec).frame) if " t" in c.figure]
    return possible, reproduced


def test_a_reported_t_test_is_reproduced_and_statchecked(tmp_path):
    spec = _s2_with(tmp_path, "  - {kind: t_test, variable: ake_tightness, groups: [lbp, healthy], value: 7.42, "
                              "p: 0.001, p_relation: '<', source: abstract}\n")
    (possible,), reproduced = _t_checks(spec)
    assert possible.verdict == "consistent" and "df = 58" in possible.recomputed
    assert [c.ok for c in reproduced] == [True, True]  # t = 7.42 and p < .001 from the exact-moment dataset


def test_a_t_that_the_dataset_does_not_give_back_is_reported(tmp_path):
    spec = _s2_with(tmp_path, "  - {kind: t_test, variable: ake_tightness, groups: [lbp, healthy], value: 7.43, "
                              "source: abstract}\n")
    _, (t_check,) = _t_checks(spec)
    assert not t_check.ok and t_check.reconstructed == "7.42"


def test_a_decision_error_in_a_printed_t_is_flagged_and_check_exits_1(tmp_path, capsys, isolated_data):
    spec = _s2_with(tmp_path, "  - {kind: t_test, variable: ake_tightness, groups: [lbp, healthy], value: 2.20, "
                              "df: 38, p: 0.06, source: abstract}\n")
    (possible,), _ = _t_checks(spec)
    assert possible.verdict == "decision-inconsistent" and "p in [0.0336, 0.0343] at df = 38" in possible.recomputed
    target = next((isolated_data / "studies").glob("S2-*.yaml"))
    target.write_text((tmp_path / "S2.yaml").read_text())
    from analysis.cli import main

    with pytest.raises(SystemExit) as info:
        main(["check", "S2"])
    out = capsys.readouterr().out
    assert info.value.code == 1 and "decision-inconsistent" in out


def test_welch_df_come_from_the_published_sds_when_not_printed(tmp_path):
    from analysis.checks.figures.reported_t import t_test_df

    spec = _s2_with(tmp_path, "  - {kind: t_test, welch: true, variable: ake_tightness, groups: [lbp, healthy], "
                              "value: 7.42, p: 0.001, p_relation: '<', source: abstract}\n")
    df, how = t_test_df(spec.reported_tests[0], spec)
    assert df == pytest.approx(56.7249812293, rel=1e-9, abs=0)  # closed form in R (above): same formula, floats
    (possible,), reproduced = _t_checks(spec)
    assert possible.verdict == "consistent" and all(c.ok for c in reproduced)


@pytest.mark.parametrize("test, message", [
    ("{kind: t_test, value: 2.0, source: abstract}", "needs 'variable' and 'groups'"),
    ("{kind: chi_square, table: t1, value: 2.0, df: 3, source: abstract}", "'df' belongs to a paired_t or t_test"),
    ("{kind: chi_square, table: t1, value: 2.0, welch: true, source: abstract}", "'welch' belongs to a t_test"),
    ("{kind: t_test, variable: ake_tightness, groups: [lbp, healthy], value: 2.0, p: 1.5, source: abstract}",
     "p must lie in [0, 1]"),
    ("{kind: t_test, variable: ake_tightness, groups: [lbp, healthy], value: 2.0, p: 0.5, p_relation: '~', "
     "source: abstract}", "p_relation"),
])
def test_a_malformed_reported_test_is_a_load_error(tmp_path, test, message):
    with pytest.raises(InputError, match=re.escape(message)):
        _s2_with(tmp_path, f"  - {test}\n")


# --- a printed r beside a printed p: a finding, not a load error (#16). References: R 4.2,
# cor.test-equivalent closed form 2 * pt(-abs(r) * sqrt(58 / (1 - r^2)), 58): r = 0.05 -> p = 0.7044; r = 0.45 ->
# p = 0.000312.
def _s1_with(tmp_path, line: str):
    from analysis.spec.model import parse_study_file

    text = study_files()["S1"].path.read_text().replace("correlations:\n", "correlations:\n" + line, 1)
    path = tmp_path / "S1.yaml"
    path.write_text(text)
    return parse_study_file(path).spec


@pytest.mark.parametrize("r, p, sign, verdict", [
    (0.05, 0.001, None, "decision-inconsistent"), # a tiny |r| with a small p, no sign given: the reverse mistake
    (0.45, 0.0003, "positive", "consistent"),
    (0.45, 0.03, "positive", "inconsistent"),
    (0.45, 0.0003, "negative", "inconsistent"),   # printed direction and r disagree
])
def test_a_printed_r_and_p_that_disagree_are_a_finding(tmp_path, r, p, sign, verdict):
    extra = f", sign: {sign}" if sign else ""
    spec = _s1_with(tmp_path, f"  - {{group: clbp, x: lumbar_flexion, y: nprs, r: {{value: {r}, source: abstract}}, "
                              f"p: {p}{extra}, source: abstract}}\n")
    found = [c for c in forensic_checks(spec) if c.check == "statcheck" and "lumbar_flexion" in c.what]
    assert [c.verdict for c in found] == [verdict]


def test_an_inconsistent_correlation_does_not_break_other_commands(isolated_data, capsys):
    from analysis.cli import main

    target = next((isolated_data / "studies").glob("S1-*.yaml"))
    target.write_text(target.read_text().replace(
        "correlations:\n", "correlations:\n  - {group: clbp, x: lumbar_flexion, y: nprs, r: {value: 0.05, source: "
                           "abstract}, p: 0.001, source: abstract}\n", 1))
    with pytest.raises(SystemExit) as info:
        main(["studies", "list"])
    assert info.value.code == 0
    capsys.readouterr()
    with pytest.raises(SystemExit) as info:
        main(["check", "S1"])
    out = capsys.readouterr().out
    assert info.value.code == 1 and "r(58) = 0.05, p = 0.001" in out and "inconsistent" in out


def test_a_second_check_for_one_kind_of_figure_is_refused_not_silently_swapped():
    from analysis.checks.registry import EXAMINERS, examines
    from analysis.spec.parts import Correlation

    before = EXAMINERS[Correlation]
    with pytest.raises(TypeError, match="Correlation already has a forensic check"):
        @examines(Correlation)
        def another(correlations, spec):
            return []
    assert EXAMINERS[Correlation] is before


# --- a printed odds ratio and exact p of a cohort association must come back, not only "significant" (#16)
S20_AGE_OR = ('age: {assume: 1.20, range: [1.05, 1.40], reason: "Right-sided injury associated with older age, '
              'p = 0.002 (abstract); OR missing."}')
S20_AGE_STATEMENT = "- {covariate: age, significant: true, direction: positive, source: abstract,"


def _s20_with(text: str, odds_ratio: str, p: str | None = None) -> str:
    assert S20_AGE_OR in text and S20_AGE_STATEMENT in text
    text = text.replace(S20_AGE_OR, f"age: {{value: {odds_ratio}, source: abstract}}", 1)
    if p is not None:
        text = text.replace(S20_AGE_STATEMENT, S20_AGE_STATEMENT.replace("source:", f"p: {p}, source:"), 1)
    return text


def _statsmodels_or(frame, covariate: str, outcome: str) -> tuple[float, float]:
    """The reference: statsmodels' Logit (an independent fitter) on the reconstruction's rows."""
    import numpy as np
    import statsmodels.api as sm

    fit = sm.Logit(frame[outcome].to_numpy(float), sm.add_constant(frame[[covariate]].to_numpy(float))).fit(disp=0)
    return float(np.exp(fit.params[1])), float(fit.pvalues[1])


@pytest.mark.parametrize("printed", ["1.35", "1.20", "3.00"])
def test_a_printed_cohort_or_is_given_back_at_its_rounding(tmp_path, printed):
    from analysis.checks import reproduction_checks
    from analysis.generate import build_dataset
    from analysis.spec.model import parse_study_file

    path = tmp_path / "S20.yaml"
    path.write_text(_s20_with(study_files()["S20"].path.read_text(), printed))
    spec = parse_study_file(path).spec
    frame = build_dataset(spec).frame
    odds_ratio, _ = _statsmodels_or(frame, "age", "hamstring_injury")
    assert round(odds_ratio, 2) == float(printed)  # 1.35 is between two steps of the tilt: single moves reach it
    assert int(frame["hamstring_injury"].sum()) == 28  # the event count stays exact
    size = {c.figure: c for c in reproduction_checks(spec, frame)}["odds ratio of age and hamstring_injury (unadjusted)"]
    assert size.ok and size.published == size.reconstructed == printed


def test_an_or_and_p_no_cohort_can_give_together_mark_the_test_not_reproduced(isolated_data, capsys):
    """OR 3.00 per year of age with p = 0.002 implies SE(log OR) = log(3) / 3.09 = 0.356 (R: log(3) / qnorm(0.999)
    = 0.35551); 28 events among 482 with an age SD near 3 give an SE near 0.07, so the p cannot come back. The
    reconstruction keeps the OR, the table says the p is not reproduced, and the test is no longer evidence."""
    from analysis.claims.engine import run_evidence
    from analysis.claims.model import load_claim
    from analysis.cli import main

    path = next((isolated_data / "studies").glob("S20-*.yaml"))
    path.write_text(_s20_with(path.read_text(), "3.00", p="0.002"))
    ev = next(e for e in load_claim("older-athletes-more-strains").evidence if e.id == "s20-age")
    result = run_evidence(ev, causal_language=False, ensemble_draws=4)
    missed = {c.figure: c for c in result.not_reproduced}
    assert list(missed) == ["p of age and hamstring_injury (unadjusted)"]
    assert missed["p of age and hamstring_injury (unadjusted)"].published == "0.002"
    assert result.basis.value == "assumed" and result.basis_text.startswith("not reproduced:")
    assert "printed 0.002" in result.basis_text
    with pytest.raises(SystemExit) as info:
        main(["check", "S20", "--reconstruction"])
    out = capsys.readouterr().out
    assert info.value.code == 1 and "p of age and hamstring_injury (unadjusted): published 0.002" in out
    assert "1 not reproduced" in out


def test_a_shipped_reconstruction_reproduces_every_printed_figure(capsys):
    from analysis.cli import main

    with pytest.raises(SystemExit) as info:
        main(["check", "S17", "--reconstruction", "--json"])
    rows = [r for r in json.loads(capsys.readouterr().out) if r["check"] == "reconstruction"]
    assert info.value.code == 0 and rows and all(r["status"] == "reproduced" for r in rows)


def test_a_printed_binary_or_the_2x2_counts_cannot_give_is_said_not_to_be(tmp_path):
    """A binary covariate's OR takes only the values its 2 x 2 counts allow: with 48 exposed (10% of 482) and 28
    events, 6 exposed cases give OR 6 * 412 / (42 * 22) = 2.68 and 7 give 7 * 413 / (41 * 21) = 3.36 (a d / (b c),
    which the unadjusted logistic OR equals); 3.00 lies between them."""
    from analysis.checks import reproduction_checks
    from analysis.generate import build_dataset
    from analysis.spec.model import parse_study_file

    old = ('prior_right_hamstring: {assume: 3.0, range: [1.3, 8.0], reason: "Associated with previous right hamstring '
           'injury, p = 0.02 (abstract); OR missing."}')
    text = study_files()["S20"].path.read_text()
    assert old in text
    path = tmp_path / "S20.yaml"
    path.write_text(text.replace(old, "prior_right_hamstring: {value: 3.00, source: abstract}"))
    spec = parse_study_file(path).spec
    checks = {c.figure: c for c in reproduction_checks(spec, build_dataset(spec).frame)}
    size = checks["odds ratio of prior_right_hamstring and hamstring_injury (unadjusted)"]
    assert not size.ok and size.published == "3.00" and size.reconstructed in ("2.68", "3.36")
    assert checks["prior_right_hamstring and hamstring_injury (unadjusted logistic, Wald)"].ok  # significance holds


def test_the_printed_size_check_compares_at_the_printed_rounding():
    import math

    from analysis.checks.figures.cohort import _printed_size
    from analysis.spec.parts.base import Quantity
    from analysis.spec.parts.cohort import ReportedAssociation

    assoc = ReportedAssociation(covariate="age", significant=True, direction="positive", p=0.02, source="abstract")
    printed = Quantity(value=1.12, source="abstract")
    close, = [c for c in _printed_size(printed, assoc, "injury", math.log(1.1249), 0.0249) if "odds" in c.figure]
    far, = [c for c in _printed_size(printed, assoc, "injury", math.log(2.5), 0.0001) if "odds" in c.figure]
    assert close.ok and not far.ok and far.reconstructed == "2.50"
    p_far, = [c for c in _printed_size(printed, assoc, "injury", math.log(2.5), 0.0001) if c.figure.startswith("p ")]
    assert not p_far.ok and p_far.reconstructed == "0.00"


# --- a reported one-way ANOVA F (#16). R 4.2: with two groups F = t^2 = 55.057192 (df 1, 58),
# pf(55.057, 1, 58, lower.tail = FALSE) = 5.77e-10; pf(2.06, 1, 58, lower.tail = FALSE) = 0.156581.
@pytest.mark.parametrize("test, verdict, reproduced", [
    ("value: 55.06, p: 0.001, p_relation: '<'", "consistent", [True, True]),
    ("value: 55.06, p: 0.03", "inconsistent", [True, False]),
    ("value: 2.06, p: 0.04", "decision-inconsistent", [False, False]),
])
def test_a_reported_anova_f_is_reproduced_and_statchecked(tmp_path, test, verdict, reproduced):
    from analysis.checks import reproduction_checks
    from analysis.generate import build_dataset

    spec = _s2_with(tmp_path, "  - {kind: anova_f, variable: ake_tightness, groups: [lbp, healthy], "
                              f"{test}, source: abstract}}\n")
    possible, = [c for c in forensic_checks(spec) if "ANOVA" in c.what]
    assert possible.verdict == verdict and "df = (1, 58)" in possible.recomputed
    checks = [c for c in reproduction_checks(spec, build_dataset(spec).frame) if "ANOVA" in c.figure]
    assert [c.ok for c in checks] == reproduced and checks[0].reconstructed == "55.06"


def test_an_anova_needs_distinct_groups_and_a_t_test_two(tmp_path):
    with pytest.raises(InputError, match="groups must be different groups"):
        _s2_with(tmp_path, "  - {kind: anova_f, variable: ake_tightness, groups: [lbp, lbp], value: 1.0, "
                           "source: abstract}\n")
    with pytest.raises(InputError, match="compares two groups"):
        _s2_with(tmp_path, "  - {kind: t_test, variable: ake_tightness, groups: [lbp], value: 1.0, source: abstract}\n")


# --- a printed Mann-Whitney p, and "n.s." (#16). R 4.2: 2 * pwilcox(81, 30, 30) = 2.124206e-09 (exact);
# 2 * pnorm(-(369 - 0.5) / sqrt(30 * 30 * 61 / 12)) = 5.092196e-08 (normal, continuity-corrected).
@pytest.mark.parametrize("p, verdict", [("p: 0.001, p_relation: '<'", "consistent"),
                                        ("p: 0.03", "inconsistent"),
                                        ("p: 0.2", "decision-inconsistent")])
def test_a_printed_mann_whitney_p_is_recomputed_from_u(tmp_path, p, verdict):
    from analysis.checks import reproduction_checks
    from analysis.generate import build_dataset
    from analysis.spec.model import parse_study_file

    lines = p.replace(", ", "\n    ")
    text = study_files()["S2"].path.read_text().replace("    value: 81.00\n", f"    value: 81.00\n    {lines}\n")
    path = tmp_path / "S2.yaml"
    path.write_text(text)
    spec = parse_study_file(path).spec
    found, = [c for c in forensic_checks(spec) if c.what.startswith("p of the Mann-Whitney")]
    assert found.verdict == verdict
    assert "exact p = 2.12e-09" in found.recomputed and "normal p = 5.09e-08" in found.recomputed
    p_check, = [c for c in reproduction_checks(spec, build_dataset(spec).frame) if c.figure.startswith("p of the Mann")]
    assert p_check.ok == (verdict == "consistent")


def test_ns_is_p_above_alpha(tmp_path):
    spec = _s2_with(tmp_path, "  - {kind: t_test, variable: ake_tightness, groups: [lbp, healthy], value: 2.20, df: 38, "
                              "p_relation: n.s., source: abstract}\n")
    rt = [t for t in spec.reported_tests if t.kind == "t_test"][0]
    assert (rt.p_relation, rt.p) == (">", 0.05)
    (possible,), _ = _t_checks(spec)
    assert possible.verdict == "decision-inconsistent"  # t(38) = 2.20 has p = .034: significant, printed n.s.


# --- a reported two-proportion z (#16). R 4.2: chisq.test(matrix(c(45, 2, 38, 17), 2), correct = FALSE):
# sqrt(X-squared) = 3.44645956, p = 0.000567984; 2 * pnorm(-3.45) = 0.000560587.
@pytest.mark.parametrize("test, recomputed, statcheck", [
    ("value: 3.45, p: 0.0006", "consistent", "consistent"),
    ("value: -3.45, p: 0.001, p_relation: '<'", "consistent", "consistent"),  # the sign follows the group order
    ("value: 2.45, p: 0.014", "inconsistent", "consistent"),                 # a z the table cannot give
    ("value: 3.45, p: 0.06", "consistent", "decision-inconsistent"),
])
def test_a_reported_z_is_recomputed_from_its_table_and_statchecked(tmp_path, test, recomputed, statcheck):
    from analysis.checks import reproduction_checks
    from analysis.generate import build_dataset
    from analysis.spec.model import parse_study_file

    text = study_files()["S6"].path.read_text().replace(
        "reported_tests:\n", f"reported_tests:\n  - {{kind: z_test, table: s6, {test}, source: table}}\n", 1)
    path = tmp_path / "S6.yaml"
    path.write_text(text)
    spec = parse_study_file(path).spec
    checks = [c for c in forensic_checks(spec) if "z" in c.what.split()[0] or c.what.startswith("two-proportion")]
    by_kind = {c.check: c for c in checks}
    assert by_kind["recomputed"].verdict == recomputed and "3.4465" in by_kind["recomputed"].recomputed
    assert by_kind["statcheck"].verdict == statcheck
    z_check = next(c for c in reproduction_checks(spec, build_dataset(spec).frame) if "two-proportion z" in c.figure)
    assert z_check.reconstructed == "3.45" and z_check.ok == (recomputed == "consistent")
