"""No code runs from a registry (#35): names that reach a model formula are plain identifiers, checked at load and
where each formula is built; the scatter's fit is built from arrays, not from a formula.

Each payload below, pasted into a statsmodels/formulaic formula as the code did before, creates a file: the tests
assert that the file never appears and that the user gets a one-line error naming the file and the field.
"""

import numpy as np
import pandas as pd
import pytest

from analysis.cli import main
from analysis.core.errors import InputError
from analysis.core.names import formula_names, is_formula_name


def run(capsys, *argv):
    with pytest.raises(SystemExit) as info:
        main(list(argv))
    out, err = capsys.readouterr()
    return info.value.code, out, err


def payload(marker):
    """A column name that, evaluated as Python, creates ``marker``."""
    return f"__import__('pathlib').Path({str(marker)!r}).touch()"


@pytest.mark.parametrize("name, ok", [
    ("ake_tightness", True), ("_x1", True), ("age", True),
    ("1age", False), ("age band", False), ("age-band", False), ("Q('x')", False), ("lambda", False),
    ("x" * 65, False), ("ünï", False), ("", False), ("a\nb", False),
])
def test_only_plain_identifiers_are_formula_names(name, ok):
    assert is_formula_name(name) is ok


def test_a_claim_whose_covariate_carries_python_runs_nothing(capsys, isolated_data, tmp_path):
    marker = tmp_path / "pwned"
    path = isolated_data / "claims" / "01-older-athletes-more-strains.yaml"
    text = path.read_text()
    old = "analysis: logistic, outcome: hamstring_injury, covariate: age, adjust: [prior_hamstring_12m]"
    assert old in text
    path.write_text(text.replace(old, old.replace("covariate: age", f'covariate: "{payload(marker)}"'), 1))
    for argv in (("analyze", "older-athletes-more-strains"), ("claims", "list"),
                 ("report", "--out", str(tmp_path / "out"), "--claim", "older-athletes-more-strains")):
        code, out, err = run(capsys, *argv)
        assert code == 2, (argv, err)
        assert len(err.strip().splitlines()) == 1
        assert "01-older-athletes-more-strains.yaml" in err and "not a usable column name" in err
        assert not marker.exists(), argv
    assert not (tmp_path / "out").exists()


def test_a_spec_variable_carrying_python_is_refused_at_load(capsys, isolated_data, tmp_path):
    marker = tmp_path / "pwned"
    path = next((isolated_data / "studies").glob("S2-*.yaml"))
    text = path.read_text()
    assert "ake_tightness" in text
    path.write_text(text.replace("ake_tightness", f'"{payload(marker)}"'))
    code, out, err = run(capsys, "studies", "show", "S2")
    assert code == 2 and "S2-" in err and "variables" in err and "not a usable column name" in err
    assert not marker.exists()


def test_formulas_built_by_the_statistics_layer_refuse_such_names(tmp_path):
    from analysis import stats

    marker = tmp_path / "pwned"
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"t": rng.uniform(1, 9, 40), "e": rng.integers(0, 2, 40), payload(marker): rng.normal(size=40)})
    with pytest.raises(InputError, match="Cox model: column name"):
        stats.cox(frame, "t", "e", [payload(marker)])
    frame = pd.DataFrame({"pre": rng.normal(size=20), "arm": ["a", "b"] * 10, payload(marker): rng.normal(size=20)})
    with pytest.raises(InputError, match="ANCOVA: column name"):
        stats.ancova(frame, "pre", payload(marker), "arm", reference="a")
    assert not marker.exists()
    with pytest.raises(InputError, match="where: column name: 'class' is a Python keyword"):
        formula_names(["age", "class"], "where")


def test_the_scatter_fit_takes_any_column_name_and_runs_nothing(tmp_path):
    """The scatter's columns are drawn whatever their names; before, ``Q('{y}')`` let a quote end the string."""
    from analysis.figures import scatter_with_fit

    marker = tmp_path / "pwned"
    x = f"x') + {payload(marker)} + Q('x"
    rng = np.random.default_rng(2)
    frame = pd.DataFrame({x: rng.normal(size=30), "y": rng.normal(size=30)})
    svg = scatter_with_fit(frame, x, "y", "X", "Y")
    assert svg.startswith("<svg") and not marker.exists()
    # the fitted line is statsmodels' OLS on the same arrays: its ends are the fit at the data's extremes
    plain = scatter_with_fit(frame.rename(columns={x: "x"}), "x", "y", "X", "Y")
    assert svg == plain
