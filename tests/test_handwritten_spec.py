"""A spec written by hand from docs/spec-format.md, as a new user would (#16): a t test, a "p < .001", an r with its
exact p and an OR with CI and p. It loads, builds and checks clean; with one planted error of each kind, every one
is listed by ``check`` (exit 1) and the spec still loads.

References (R 4.2, ``options(digits = 10)``):

- ake: Student t from the printed moments, sp = sqrt((8^2 + 9^2) / 2), t = 6 / (sp * sqrt(2 / 14)) = 1.864366399;
  the printed t = 1.86 allows p in 2 * pt(-c(1.865, 1.855), 26) = [0.07350639639, 0.07496974214].
- nprs: t = 6.14 allows p in 2 * pt(-c(6.145, 6.135), 26) = [1.695656847e-06, 1.739719664e-06], so "p < .001".
- r = 0.62 at n = 14 (t = r sqrt(12) / sqrt(1 - r^2)): p in [0.01685219434, 0.01924608192] holds .018;
  r = 0.062 gives p in [0.8319068918, 0.8345622913]: the printed .018 belongs to r ten times larger.
- OR 2.50 [1.10, 5.68]: geometric centre exp(mean(log(c(1.10, 5.68)))) = 2.499599968. The p the CI implies, with
  the CI limits' rounding: 2 * pnorm(-mean(log(c(1.10, 5.68))) / se) for se from the narrowest and widest limits,
  c(log(5.675) - log(1.105), log(5.685) - log(1.095)) / (2 * qnorm(.975)): [0.02817885771, 0.02923321129],
  which holds .029.
- GRIM: with n = 14 the sums 71 and 72 give round(71 / 14, 2) = 5.07 and round(72 / 14, 2) = 5.14, so "5.10" is
  impossible on an integer scale while "5.14" is possible.
"""

import json
from pathlib import Path

import pytest

from analysis.cli import main

SPEC = Path(__file__).parent / "fixtures" / "specs" / "P1-handwritten-example.yaml"
PLANTED = [  # (what the paper printed, the planted error)
    ("value: 1.86, df: 26, p: 0.074", "value: 1.86, df: 26, p: 0.04"),  # a statcheck decision error
    ("r: {value: 0.62, source: table}", "r: {value: 0.062, source: table}"),  # an r whose p belongs to r * 10
    ("estimate: {value: 2.50, source: table}", "estimate: {value: 6.10, source: table}"),  # outside its CI
    ("mean: {value: 5.14, source: table}", "mean: {value: 5.10, source: table}"),  # GRIM-impossible, trailing zero
]


def _check(data: Path, text: str, capsys) -> tuple[int, list[dict]]:
    (data / "studies" / SPEC.name).write_text(text)
    with pytest.raises(SystemExit) as info:
        main(["check", "P1", "--reconstruction", "--json"])
    return info.value.code, json.loads(capsys.readouterr().out)


def _interval(text: str) -> tuple[float, float]:
    low, high = text.split("[")[1].split("]")[0].split(",")
    return float(low), float(high)


def test_the_handwritten_spec_loads_builds_and_checks_clean(isolated_data, capsys):
    from analysis.generate import build_dataset
    from analysis.spec.model import load_study

    code, rows = _check(isolated_data, SPEC.read_text(), capsys)
    assert code == 0, [r for r in rows if r.get("verdict") not in ("consistent", "not checkable")]
    by_what = {(r["check"], r["what"]): r for r in rows}
    ake = by_what[("statcheck", "Student t of ake (lbp vs control)")]
    assert ake["verdict"] == "consistent" and ake["published"] == "t = 1.86, p = 0.074"
    assert _interval(ake["recomputed"]) == pytest.approx((0.07350639639, 0.07496974214), abs=5e-4, rel=0)  # 3 s.f.
    nprs = by_what[("statcheck", "Student t of nprs (lbp vs control)")]
    assert nprs["verdict"] == "consistent" and nprs["published"] == "t = 6.14, p < 0.001"
    assert _interval(nprs["recomputed"]) == pytest.approx((1.695656847e-06, 1.739719664e-06), rel=5e-3, abs=0)  # 3 s.f.
    r = by_what[("statcheck", "r(ake, nprs) in lbp")]
    assert r["verdict"] == "consistent"
    assert _interval(r["recomputed"]) == pytest.approx((0.01685219434, 0.01924608192), abs=5e-5, rel=0)  # 3 s.f.
    p_from_ci = by_what[("p from CI", "OR AKE deficit above 20 degrees -> chronic LBP")]
    assert p_from_ci["verdict"] == "consistent"
    assert _interval(p_from_ci["recomputed"]) == pytest.approx((0.02817885771, 0.02923321129), abs=5e-5, rel=0)  # 3 s.f.
    assert by_what[("GRIM", "nprs in lbp (n = 14)")]["verdict"] == "consistent"
    rebuilt = [r for r in rows if r["check"] == "reconstruction"]
    assert rebuilt and all(r["status"] == "reproduced" for r in rebuilt)  # t, df and p come back from the data too
    frame = build_dataset(load_study("P1")).frame
    assert frame["group"].value_counts().to_dict() == {"lbp": 14, "control": 14}


@pytest.mark.parametrize("printed, planted", PLANTED)
def test_each_planted_error_is_listed_and_the_spec_still_loads(isolated_data, capsys, printed, planted):
    text = SPEC.read_text()
    assert text.count(printed) == 1
    code, rows = _check(isolated_data, text.replace(printed, planted), capsys)
    bad = [r for r in rows if r.get("verdict") in ("inconsistent", "decision-inconsistent")]
    assert code == 1 and bad
    found = {r["what"] for r in bad}
    expected = {"value: 1.86, df: 26, p: 0.074": {"Student t of ake (lbp vs control)"},
                "r: {value: 0.62, source: table}": {"r(ake, nprs) in lbp"},
                "estimate: {value: 2.50, source: table}": {"OR AKE deficit above 20 degrees -> chronic LBP"},
                "mean: {value: 5.14, source: table}": {"nprs in lbp (n = 14)"}}[printed]
    assert found == expected


def test_all_planted_errors_at_once_are_all_listed(isolated_data, capsys):
    text = SPEC.read_text()
    for printed, planted in PLANTED:
        text = text.replace(printed, planted)
    code, rows = _check(isolated_data, text, capsys)
    found = {(r["check"], r["what"]) for r in rows if r.get("verdict") in ("inconsistent", "decision-inconsistent")}
    assert code == 1
    assert {("statcheck", "Student t of ake (lbp vs control)"), ("statcheck", "r(ake, nprs) in lbp"),
            ("estimate inside its CI", "OR AKE deficit above 20 degrees -> chronic LBP"),
            ("GRIM", "nprs in lbp (n = 14)")} <= found


def test_the_example_is_not_in_the_registry():
    """The fixture is copied into a test's own data folder only: it is never evidence for a claim."""
    from analysis.core.paths import REPO_ROOT

    assert not (REPO_ROOT / "data" / "studies" / SPEC.name).exists()
