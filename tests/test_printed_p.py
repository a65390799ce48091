"""One rule for a printed p against a stated significance, one rounding comparison, decimals as printed (#31).

References are closed forms: a p printed "= 0.00" at 2 decimals is some p in [0, 0.005), i.e. p < 0.005 (a p of
exactly 0 is impossible for these tests); a value rounds to a printed one at d decimals when it lies within half a
unit of the d-th decimal, an exact half (0.125 at 2 decimals) printed either way by authors' software (GRIM's
"up-or-down" rule, Brown & Heathers 2017). The significance rule is statcheck's (R statcheck 1.4.0
``decision_error``, ``pEqualAlphaSig = TRUE``): "p = alpha" and "p < alpha" say significant, "p > alpha" says not,
a bound on the far side of alpha ("p < .10" at alpha .05) says neither.
"""

import pytest
import yaml

from analysis.checks.figures.statement import statements_possible
from analysis.checks.registry import rounds_as_printed
from analysis.core.yamlfiles import YamlLoader
from analysis.spec.parts import ReportedT, Statement
from analysis.spec.parts.base import fits_printed_p, printed_significance
from analysis.spec.parts.cohort import ReportedAssociation


def _load(cls, text: str):
    return cls.model_validate(yaml.load(text, Loader=YamlLoader))


@pytest.mark.parametrize("p, relation, places, alpha, said", [
    (0.03, "=", 2, 0.05, True), (0.05, "=", 2, 0.05, True), (0.051, "=", 3, 0.05, False),
    (0.001, "<", 3, 0.05, True), (0.10, "<", 2, 0.05, None), (0.05, ">", 2, 0.05, False), (0.01, ">", 2, 0.05, None),
    (0.03, "=", 2, 0.01, False), (0.0, "=", 2, 0.05, True), (0.0, "=", 1, 0.01, None),  # "p = 0.0": p < 0.05
])
def test_printed_significance_is_statchecks_rule(p, relation, places, alpha, said):
    assert printed_significance(p, relation, places, alpha) is said


def test_p_equal_to_alpha_is_significant_unless_said_otherwise():
    assert printed_significance(0.05, "=", 2, 0.05, equal_is_significant=False) is False


@pytest.mark.parametrize("value, printed, places, agrees", [
    (0.125, 0.13, 2, True), (0.125, 0.12, 2, True),  # an exact half: either neighbour (round() gives only 0.12)
    (0.1251, 0.12, 2, False), (2.345, 2.35, 2, True), (float("nan"), 1.0, 0, False),
])
def test_one_rounding_comparison(value, printed, places, agrees):
    assert rounds_as_printed(value, printed, places) is agrees


@pytest.mark.parametrize("value, p, relation, places, agrees", [
    (0.0049, 0.00, "=", 2, True), (0.0051, 0.00, "=", 2, False),  # "p = 0.00" is p < 0.005
    (0.375, 0.38, "=", 2, True), (0.375, 0.37, "=", 2, True), (0.0009, 0.001, "<", 3, True), (0.2, 0.05, ">", 2, True),
])
def test_a_computed_p_against_a_printed_one(value, p, relation, places, agrees):
    assert fits_printed_p(value, p, relation, places) is agrees


def test_a_p_keeps_its_printed_decimals_in_every_figure_that_prints_one():
    """A cohort's reported association has no 'kind', 'x' or 'measure' key: its "p: 0.010" was read at 2 places."""
    assoc = _load(ReportedAssociation, "{covariate: age, significant: true, direction: positive, p: 0.010, "
                                       "source: table}")
    assert assoc.p_decimals == 3
    assert _load(ReportedAssociation, "{covariate: age, significant: false, p: 0.51, source: table}").p_decimals \
        is None  # nothing lost: the decimals are the float's own


def test_p_printed_as_zero_is_p_below_half_a_unit():
    rt = _load(ReportedT, "{kind: t_test, value: 5.20, variable: x, groups: [a, b], p: 0.00, source: table}")
    assert (rt.p, rt.p_relation, rt.p_places) == (0.005, "<", 3)
    assert rt.display_rows(None)[0]["value"].endswith("p < 0.005")
    s = _load(Statement, "{id: s, outcome: o, comparison: c, measure: MD, significant: true, direction: positive, "
                         "p: 0.00, p_relation: '=', source: abstract}")  # p > 0 was a load error
    assert (s.p, s.p_relation) == (0.005, "<")


def test_a_statement_is_judged_at_its_own_alpha():
    s = Statement(id="s", outcome="o", comparison="c", measure="MD", significant=True, direction="positive",
                  p=0.03, p_relation="=", alpha=0.01, source="abstract")
    (found,) = statements_possible([s], type("Spec", (), {"id": "X"})())
    assert found.verdict == "inconsistent"
