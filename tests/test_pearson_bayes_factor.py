"""The Pearson BF10 against two independent references: the closed form at 60 digits (mpmath, pinned as a
fixture with its script) and pingouin's double-precision evaluation where it does not overflow."""
import json
import math
import pathlib

import pingouin
import pytest

from analysis.stats.correlation import bf10_pearson, log_bf10_pearson

FIXTURE = json.loads((pathlib.Path(__file__).parent / "fixtures" / "highprec" / "reference_pearson_bf.json").read_text())


@pytest.mark.parametrize("case", FIXTURE["cases"], ids=lambda c: f"r={c['r']},n={c['n']}")
def test_log_bf10_equals_the_closed_form_at_60_digits(case):
    # rel 1e-11: the Euler-transformed series sums positive terms in double precision; measured worst
    # relative error over these cases is 2.6e-13 (r = 0.05, n = 1000, where the log of BF10 is a difference of
    # terms near 4 that ends near -2), so 1e-11 leaves a factor of 40 for another libm.
    assert log_bf10_pearson(case["r"], case["n"]) == pytest.approx(float(case["log_bf10"]), rel=1e-11, abs=0)


@pytest.mark.parametrize(("r", "n"), [(0.6, 20), (0.3, 50), (-0.45, 30), (0.2, 150), (0.8, 60)])
def test_bf10_equals_pingouin_where_pingouin_is_finite(r, n):
    # rel 1e-9: pingouin evaluates the untransformed form with scipy's hyp2f1; measured worst relative
    # difference on these cases is 1.4e-14 (r = 0.8, n = 60).
    assert bf10_pearson(r, n) == pytest.approx(float(pingouin.bayesfactor_pearson(r, n)), rel=1e-9, abs=0)


def test_bf10_is_finite_where_pingouin_overflows_and_infinite_only_past_the_float_range():
    assert math.isfinite(bf10_pearson(0.97, 400))
    assert bf10_pearson(0.99, 2000) == math.inf  # e^3905 > 1.8e308: the log is the number to report
    assert math.isfinite(log_bf10_pearson(0.99, 2000))
