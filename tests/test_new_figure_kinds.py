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
