"""check --text: reported tests found in running text and recomputed (analysis.checks.text), pinned to R's
statcheck on a committed sample text; the medical forms statcheck does not read against closed forms."""

import json
import math
from pathlib import Path

import pytest
from scipy import stats as sps

from analysis.checks.text import check_text, normalise, two_group_p_range
from analysis.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = FIXTURES / "text" / "sample_results.txt"
R_TYPES = {"t": "t", "F": "F", "r": "r", "Chi2": "chi2", "Z": "z"}
STATCHECK_KINDS = set(R_TYPES.values())


def run(capsys, *argv):
    with pytest.raises(SystemExit) as info:
        main(list(argv))
    out, err = capsys.readouterr()
    return info.value.code, out, err


def _key(kind, df1, df2, value, p_comparison, p):
    dfs = tuple(sorted(d for d in (df1, df2) if d is not None))
    return kind, dfs, round(value, 6), p_comparison, round(p, 6)


def test_every_statcheck_statistic_is_found_and_judged_as_r_statcheck_does():
    ref = json.loads((FIXTURES / "r" / "reference_check_text.json").read_text())
    assert ref["packages"]["statcheck"] == "1.4.0"
    ours = {_key(f.kind, f.values["df1"], f.values["df2"], f.values["value"], f.values["p_comparison"],
                 f.values["p"]): f for f in check_text(SAMPLE.read_text(encoding="utf-8"))
            if f.kind in STATCHECK_KINDS}
    assert len(ours) == len(ref["cases"]) == 10  # nothing extra found, nothing missed
    for case in ref["cases"]:
        key = _key(R_TYPES[case["test_type"]], case["df1"], case["df2"], case["test_value"],
                   case["reported_comparison"], case["reported_p"])
        f = ours[key]
        assert (f.verdict != "consistent") == case["error"], case["raw"]
        assert (f.verdict == "decision-inconsistent") == case["decision_error"], case["raw"]
        # the same distribution functions (R's pt/pf/pchisq/pnorm vs scipy's), both to ~1e-15 relative;
        # rel 1e-9 leaves room for the last bits of the two libraries' tail algorithms
        assert f.values["computed_p"] == pytest.approx(case["computed_p"], rel=1e-9, abs=0)
    flagged = sorted(f.text for f in ours.values() if f.verdict != "consistent")
    assert flagged == ["F(1, 34) = 23.76, p = .02", "t(28) = 2.20, p = .06"]  # the two planted errors


def test_common_spellings_are_read():
    assert normalise("χ²(2) = 4.10, p ≤ .13") == "chi2(2) = 4.10, p < .13"
    text = ("A chi-square test, chi-square(1) = 3.90, p = .048; X2(1) = 3.90, p = .048; and t(20) = −2.10, "
            "p = .049; no effect, t(30) = 0.50, ns. And t = 2.1, p = .04 has no df.")
    found = check_text(text)
    assert [(f.kind, f.values["value"], f.verdict) for f in found] == [
        ("chi2", 3.9, "consistent"), ("chi2", 3.9, "consistent"), ("t", -2.1, "consistent"), ("t", 0.5, "consistent")]
    assert found[-1].note == "'ns' read as p > alpha"
    assert check_text("no effect, t(30) = 2.50, ns.")[0].verdict == "decision-inconsistent"


def _wald_p(est_lo, hi, level=0.95):
    """Closed form: the Wald p of a ratio from its CI, SE = (ln hi - ln lo) / (2 z), z = ln(centre) / SE."""
    z = sps.norm.ppf(0.5 + level / 2)
    se = (math.log(hi) - math.log(est_lo)) / (2 * z)
    centre = (math.log(hi) + math.log(est_lo)) / 2
    return 2 * sps.norm.sf(abs(centre) / se)


@pytest.mark.parametrize("measure, est, lo, hi", [("OR", 2.5, 1.25, 5.0), ("RR", 1.8, 1.2, 2.7), ("HR", 0.62, 0.41, 0.94)])
def test_ratio_with_ci_and_p_against_the_closed_form(measure, est, lo, hi):
    p = _wald_p(lo, hi)
    right = f"{p:.3f}"
    wrong = "0.20" if p < 0.05 else "0.01"  # planted: the other side of alpha
    ok = check_text(f"Risk was higher ({measure} {est:.2f}, 95% CI {lo:.2f} to {hi:.2f}, p = {right}).")
    assert [(f.kind, f.check, f.verdict) for f in ok] == [(measure, "CI vs estimate", "consistent"),
                                                          (measure, "p from CI", "consistent")]
    bad = check_text(f"Risk was higher ({measure} = {est:.2f} [95% CI {lo:.2f}-{hi:.2f}]; p = {wrong}).")
    assert bad[1].verdict == "decision-inconsistent"
    off_centre = check_text(f"{measure} {est * 1.5:.2f} (95% CI {lo:.2f} to {hi:.2f})")
    assert [f.verdict for f in off_centre] == ["inconsistent"]


def test_two_group_means_against_the_closed_form():
    m1, s1, n1, m2, s2, n2 = 152.3, 8.1, 30, 158.9, 7.4, 30
    sp = math.sqrt(((n1 - 1) * s1**2 + (n2 - 1) * s2**2) / (n1 + n2 - 2))
    t = (m1 - m2) / (sp * math.sqrt(1 / n1 + 1 / n2))
    p = 2 * sps.t.sf(abs(t), n1 + n2 - 2)  # closed form: 0.00167 at the printed values
    lo, hi = two_group_p_range(("152.3", "158.9"), ("8.1", "7.4"), (30, 30))["Student"]
    assert lo < p < hi and hi - lo < 0.001  # the printed rounding (0.05 on means and SDs) moves p by < 0.001
    text = "Extension was {} (SD 8.1) degrees in 30 patients and 158.9 (SD 7.4) degrees in 30 controls, p = {}."
    assert check_text(text.format("152.3", "0.002"))[0].verdict == "consistent"
    assert check_text(text.format("152.3", "0.20"))[0].verdict == "decision-inconsistent"
    no_n = check_text("Extension was 152.3 (SD 8.1) in patients and 158.9 ± 7.4 in controls, p = 0.002.")[0]
    assert no_n.verdict == "not checkable" and "no n" in no_n.note


def test_cli_prints_one_row_per_figure_and_exits_1_on_an_error(capsys):
    code, out, err = run(capsys, "check", "--text", str(SAMPLE))
    assert code == 1 and err == ""
    lines = out.strip().splitlines()
    assert lines[-1] == "17 checks: 3 inconsistent, 0 not checkable, 14 consistent"
    assert "t(28) = 2.20, p = .06: recomputed p = 0.03623" in out and "decision-inconsistent" in lines[6]
    code, out, _ = run(capsys, "check", "--text", str(SAMPLE), "--json")
    assert code == 1 and len(json.loads(out)) == 17


@pytest.mark.parametrize("content, says", [(b"", "is empty"), (b"  \n", "is empty"),
                                           (b"t(28) = 2.2\x00\x01", "binary"), (b"\xff\xfe t(2", "not UTF-8"),
                                           (b"a" * 5_000_001, "larger than")])
def test_bad_text_files_are_one_line_errors_naming_the_file(capsys, tmp_path, content, says):
    path = tmp_path / "paper.txt"
    path.write_bytes(content)
    code, out, err = run(capsys, "check", "--text", str(path))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and str(path) in err and says in err


def test_text_is_checked_alone(capsys):
    code, _, err = run(capsys, "check", "S6", "--text", str(SAMPLE))
    assert code == 2 and "--text" in err
    code, _, err = run(capsys, "check", "--text", "/nonexistent/paper.txt")
    assert code == 2 and "/nonexistent/paper.txt" in err


# ---- studies draft (analysis.checks.draft) ----

PAPER = ("Recurrence was more common after a previous strain (OR 2.50, 95% CI 1.25 to 5.00, p = 0.01). "
         "Extension was 152.3 (SD 8.1) degrees in 30 patients and 158.9 (SD 7.4) degrees in 30 controls, p = 0.002. "
         "Range correlated with pain, r(48) = -.12, p = .41.")


def _review(node):
    """What a reviewer does: decide every TODO (here with stand-in values of the right type)."""
    if isinstance(node, dict):
        fixed = {(k.replace("TODO_", "") if isinstance(k, str) else k): _review(v) for k, v in node.items()}
        if "year" in fixed and isinstance(fixed["year"], str):
            fixed["year"] = 2020
        if fixed.get("design") == "reviewed":
            fixed["design"] = "case-control"
        return fixed
    if isinstance(node, list):
        return [_review(v) for v in node]
    if isinstance(node, str):
        return node.replace("TODO_", "") if node.startswith("TODO_") else ("reviewed" if "TODO" in node else node)
    return node


def test_draft_holds_the_printed_figures_and_loads_only_after_review(capsys, tmp_path):
    import yaml

    from analysis.checks.forensics import forensic_checks
    from analysis.core.errors import InputError
    from analysis.spec.model import parse_study_file

    paper, out = tmp_path / "paper.txt", tmp_path / "S132-draft.yaml"
    paper.write_text(PAPER, encoding="utf-8")
    code, said, err = run(capsys, "studies", "draft", str(paper), "--id", "S132", "--out", str(out))
    assert code == 0 and err == "" and "1 reported tests" not in said and "2 summaries" in said
    draft = yaml.safe_load(out.read_text(encoding="utf-8"))
    r, odds = draft["effects"]  # statcheck-style tests first, then ratios, in reading order
    assert odds | {"note": None} == {
        "id": "e2", "measure": "OR", "outcome": "TODO: outcome",
        "comparison": "TODO: exposed vs unexposed, as the paper defines them",
        "estimate": {"value": 2.5, "source": "abstract", "decimals": 2}, "ci": [1.25, 5.0], "ci_decimals": 2,
        "ci_level": 0.95, "p": 0.01, "p_relation": "=", "p_decimals": 2, "note": None}
    assert odds["note"].startswith("extracted from text, needs review: \"Recurrence was more common")
    assert (r["measure"], r["estimate"]["value"], r["n"], r["p"]) == ("r", -0.12, 50, 0.41)
    assert [(s["mean"]["value"], s["sd"]["value"]) for s in draft["summaries"]] == [(152.3, 8.1), (158.9, 7.4)]
    assert [g["n"] for g in draft["groups"].values()] == [{"value": 30, "source": "abstract"}] * 2
    with pytest.raises(InputError, match="year"):  # a draft does not load until its TODOs are decided
        parse_study_file(out)
    reviewed = tmp_path / "S132.yaml"
    reviewed.write_text(yaml.safe_dump(_review(draft), sort_keys=False), encoding="utf-8")
    spec = parse_study_file(reviewed).spec
    verdicts = {(c.check, c.verdict) for c in forensic_checks(spec)}
    assert {("CI vs estimate", "consistent"), ("p from CI", "consistent"), ("r vs p", "consistent")} <= verdicts
    # refused: an existing file, an id already in the registry, an id that is not a safe name (nothing written)
    before = out.read_bytes()
    assert run(capsys, "studies", "draft", str(paper), "--id", "S132", "--out", str(out))[0] == 2
    assert out.read_bytes() == before
    code, _, err = run(capsys, "studies", "draft", str(paper), "--id", "S2", "--out", str(tmp_path / "x.yaml"))
    assert code == 2 and "already has a spec" in err and not (tmp_path / "x.yaml").exists()
    code, _, err = run(capsys, "studies", "draft", str(paper), "--id", "../S9", "--out", str(tmp_path / "y.yaml"))
    assert code == 2 and "--id" in err and not (tmp_path / "y.yaml").exists()
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    code, _, err = run(capsys, "studies", "draft", str(empty), "--id", "S133", "--out", str(tmp_path / "z.yaml"))
    assert code == 2 and str(empty) in err and not (tmp_path / "z.yaml").exists()
