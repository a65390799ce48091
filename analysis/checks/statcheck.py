"""Recompute a reported test's p value from its statistic, as R's statcheck does.

A report such as ``"t(28) = 2.20, p = .06"`` is parsed; the p value is recomputed from the
statistic, allowing for the rounding of the statistic (its printed decimals); the report is an
*error* when the reported p lies outside that range (after rounding to the reported p's
decimals) and a *decision error* when, in addition, significance at alpha flips. Tested
against R statcheck 1.4.0 on its own test cases (``tests/fixtures/r/reference_statcheck.*``).

>>> r = check_report("t(28) = 2.20, p = .06")
>>> round(r.computed_p, 4), r.error, r.decision_error
(0.0362, True, True)
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from scipy import stats

from analysis.spec.parts.base import printed_significance
from analysis.stats.granularity import decimals_of

_PATTERN = re.compile(
    r"^\s*(?P<type>t|F|r|chi2|z)\s*(\(\s*(?P<df1>\d+(\.\d+)?)\s*(,\s*(?P<df2>\d+(\.\d+)?))?\s*\))?\s*"
    r"(?P<tcomp>[=<>])\s*(?P<value>-?\d*\.?\d+)\s*,\s*p\s*(?P<pcomp>[=<>])\s*(?P<p>\d*\.?\d+)\s*$")


@dataclass(frozen=True)
class Report:
    """A parsed test report."""

    test_type: str
    df1: float | None
    df2: float | None
    value: float
    value_decimals: int
    test_comparison: str
    p_comparison: str
    reported_p: float
    p_decimals: int
    text: str


@dataclass(frozen=True)
class StatcheckResult:
    report: Report
    computed_p: float
    p_low: float
    p_high: float
    error: bool
    decision_error: bool

    @property
    def verdict(self) -> str:
        """``consistent``, ``inconsistent``, or ``decision-inconsistent`` (an error that flips significance)."""
        return "decision-inconsistent" if self.decision_error else ("inconsistent" if self.error else "consistent")


def is_test_report(text: str) -> bool:
    """Whether ``text`` is a test report :func:`parse_report` reads.

    Examples
    --------
    >>> is_test_report("t(28) = 2.20, p = .06"), is_test_report("significant")
    (True, False)
    """
    return _PATTERN.match(text) is not None


def parse_report(text: str) -> Report:
    """Parse ``"t(28) = 2.20, p = .06"``-style text (t, F, r, chi2, z).

    Raises
    ------
    ValueError
        When the text is not a test report of that form.
    """
    m = _PATTERN.match(text)
    if not m:
        raise ValueError(f"not a test report of the form 't(28) = 2.20, p = .06': {text!r}")
    value_text, p_text = m.group("value"), m.group("p")
    return Report(m.group("type"), float(m.group("df1")) if m.group("df1") else None,
                  float(m.group("df2")) if m.group("df2") else None, float(value_text),
                  decimals_of(value_text), m.group("tcomp"), m.group("pcomp"), float(p_text), decimals_of(p_text), text)


def compute_p(test_type: str, value: float, df1: float | None, df2: float | None) -> float:
    """Two-tailed p of a test statistic (statcheck's ``compute_p``)."""
    if test_type == "t":
        return float(2 * stats.t.sf(abs(value), df1))
    if test_type == "F":
        return float(stats.f.sf(value, df1, df2))
    if test_type == "r":
        if abs(value) >= 1:
            return 0.0
        t = value * math.sqrt(df1 / (1 - value**2))
        return float(2 * stats.t.sf(abs(t), df1))
    if test_type == "chi2":
        return float(stats.chi2.sf(value, df1))
    return float(2 * stats.norm.sf(abs(value)))


def check(report: Report, alpha: float = 0.05, p_equal_alpha_sig: bool = True) -> StatcheckResult:
    """statcheck's error and decision-error tests for one report (test comparison '=')."""
    half = 0.5 / 10**report.value_decimals
    lo_stat, hi_stat = (report.value - half, report.value + half) if report.value >= 0 else \
        (report.value + half, report.value - half)
    df1, df2 = report.df1, report.df2
    p_high = compute_p(report.test_type, lo_stat, df1, df2)
    p_low = compute_p(report.test_type, hi_stat, df1, df2)
    computed = compute_p(report.test_type, report.value, df1, df2)
    reported, comparison = report.reported_p, report.p_comparison
    if comparison == "=":  # some p the statistic's rounding allows prints as the reported p (R: round(p, digits))
        error = reported > round(p_high, report.p_decimals) or reported < round(p_low, report.p_decimals)
    elif comparison == "<":
        error = reported < p_low
    else:
        error = reported > p_high
    said = printed_significance(reported, comparison, report.p_decimals, alpha, p_equal_alpha_sig)
    flips = said is not None and said != (computed <= alpha if p_equal_alpha_sig else computed < alpha)
    return StatcheckResult(report, computed, p_low, p_high, bool(error), bool(error and flips))


def check_report(text: str, alpha: float = 0.05) -> StatcheckResult:
    """Parse and check a report in one step."""
    return check(parse_report(text), alpha)
