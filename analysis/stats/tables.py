"""Two-by-two tables: risk ratio, odds ratio, Fisher's exact test and chi-square.

Results tested against R 4.2 ``fisher.test``, ``chisq.test`` and the published S16 and S6
tables (``tests/fixtures/r/reference_models.json``).

Examples
--------
>>> rr = risk_ratio(5, 8, 4, 34)  # S16: recurrence after a hamstring injury in the past 12 months
>>> round(rr.estimate, 1), round(rr.ci_low, 1), round(rr.ci_high, 1)
(5.3, 1.8, 15.4)
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import optimize, stats

from analysis.core.errors import AnalysisError
from analysis.core.results import Estimate


def _check(a: int, n1: int, c: int, n2: int) -> None:
    for name, value in (("a", a), ("n1", n1), ("c", c), ("n2", n2)):
        if value != int(value) or value < 0:
            raise AnalysisError(f"{name}: counts must be whole numbers >= 0, got {value}")
    if a > n1 or c > n2:
        raise AnalysisError(f"events cannot exceed group sizes (a = {a}, n1 = {n1}, c = {c}, n2 = {n2})")
    if n1 < 1 or n2 < 1:
        raise AnalysisError("each group needs at least one member")


def _z(level: float) -> float:
    return float(stats.norm.ppf(0.5 + level / 2))


def _log_wald_ci(ratio: float, se_log: float, level: float) -> tuple[float, float]:
    """A ratio's Wald interval on the log scale, back-transformed: exp(log ratio -/+ z * SE)."""
    z = _z(level)
    return math.exp(math.log(ratio) - z * se_log), math.exp(math.log(ratio) + z * se_log)


def risk_ratio(a: int, n1: int, c: int, n2: int, level: float = 0.95, term: str = "exposed / unexposed") -> Estimate:
    """Risk ratio (a/n1)/(c/n2) with the Katz log interval.

    Notes
    -----
    :math:`SE(\\log RR) = \\sqrt{1/a - 1/n_1 + 1/c - 1/n_2}` (Katz et al. 1978). A zero
    cell makes the interval undefined; 0.5 is then added to every cell (and said so).
    """
    _check(a, n1, c, n2)
    note = ""
    if a == 0 or c == 0:
        a, n1, c, n2, note = a + 0.5, n1 + 1, c + 0.5, n2 + 1, "; 0.5 added to each cell (zero count)"
    rr = (a / n1) / (c / n2)
    low, high = _log_wald_ci(rr, math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2), level)
    return Estimate(test="Risk ratio", term=term, estimate=rr, estimate_type="RR", ci_low=low, ci_high=high,
                    ci_level=level, ci_method="Katz log", n=int(n1 + n2),
                    method="Risk ratio with Katz (log) confidence interval" + note)


def odds_ratio_woolf(a: int, n1: int, c: int, n2: int, level: float = 0.95, term: str = "exposed / unexposed") -> Estimate:
    """Sample odds ratio with the Woolf (log) interval."""
    _check(a, n1, c, n2)
    b, d = n1 - a, n2 - c
    note = ""
    if 0 in (a, b, c, d):
        a, b, c, d, note = a + 0.5, b + 0.5, c + 0.5, d + 0.5, "; 0.5 added to each cell (zero count)"
    est = (a * d) / (b * c)
    low, high = _log_wald_ci(est, math.sqrt(1 / a + 1 / b + 1 / c + 1 / d), level)
    return Estimate(test="Odds ratio", term=term, estimate=est, estimate_type="OR", ci_low=low, ci_high=high,
                    ci_level=level, ci_method="Woolf log", n=int(n1 + n2),
                    method="Sample odds ratio with Woolf (log) confidence interval" + note)


def fisher_exact(a: int, n1: int, c: int, n2: int, level: float = 0.95, term: str = "exposed / unexposed") -> Estimate:
    """Fisher's exact test with the conditional maximum-likelihood odds ratio and its exact CI (as R ``fisher.test``).

    >>> e = fisher_exact(5, 8, 4, 34)  # S16; R: 11.378, [1.567, 106.015]
    >>> round(e.estimate, 2), round(e.ci_low, 2), round(e.ci_high, 1)
    (11.38, 1.57, 106.0)
    """
    _check(a, n1, c, n2)
    table = np.array([[a, n1 - a], [c, n2 - c]])
    p = float(stats.fisher_exact(table).pvalue)
    estimate, low, high = conditional_odds_ratio(a, n1 - a, c, n2 - c, level)
    return Estimate(test="Fisher exact test", term=term, estimate=estimate,
                    estimate_type="OR (conditional MLE)", ci_low=low, ci_high=high,
                    ci_level=level, ci_method="exact (conditional)", p=p, n=int(n1 + n2),
                    method="Fisher's exact test, two-sided; conditional maximum-likelihood odds ratio")


def conditional_odds_ratio(a: int, b: int, c: int, d: int, level: float = 0.95) -> tuple[float, float, float]:
    """The conditional maximum-likelihood odds ratio of the table [[a, b], [c, d]] and its exact CI.

    The method of R's ``fisher.test``: given the margins, ``a`` follows Fisher's noncentral hypergeometric
    distribution with the odds ratio as its parameter; the estimate makes the distribution's mean equal ``a``, and
    each limit leaves (1 - level) / 2 in a tail. The distribution is computed on its whole support at once (log
    central probabilities from scipy, tilted by the odds ratio) and each equation solved with Brent's method to
    machine precision on the log odds ratio. scipy's ``odds_ratio(kind="conditional")`` gives the same numbers but
    evaluates the distribution a point at a time: 12 s for a 2 x 2 table of 100,000 rows, against milliseconds here.

    >>> [round(v, 3) for v in conditional_odds_ratio(45, 38, 2, 17)]  # S6; R: 9.872, [2.129, 93.537]
    [9.872, 2.129, 93.537]
    """
    m, n, k = a + c, b + d, a + b
    low_end, high_end = max(0, k - n), min(k, m)
    support = np.arange(low_end, high_end + 1, dtype=float)
    log_central = stats.hypergeom.logpmf(support, m + n, m, k)

    def probabilities(log_ncp: float) -> np.ndarray:
        weights = log_central + log_ncp * support
        weights = np.exp(weights - weights.max())
        return weights / weights.sum()

    def solve(gap) -> float:
        """The odds ratio where ``gap(log odds ratio)`` (monotone) crosses zero."""
        span = 8.0
        while gap(-span) * gap(span) > 0 and span < 700:
            span *= 2
        return math.exp(optimize.brentq(gap, -span, span, xtol=1e-13, rtol=4 * np.finfo(float).eps))

    alpha = (1 - level) / 2
    at_low, at_high = a == low_end, a == high_end
    upper_tail, lower_tail = support >= a, support <= a
    estimate = 0.0 if at_low else math.inf if at_high else solve(lambda t: probabilities(t) @ support - a)
    lower = 0.0 if at_low else solve(lambda t: probabilities(t)[upper_tail].sum() - alpha)
    upper = math.inf if at_high else solve(lambda t: probabilities(t)[lower_tail].sum() - alpha)
    return estimate, lower, upper


def chi_square(a: int, n1: int, c: int, n2: int, correction: bool = False, level: float = 0.95,
               term: str = "exposed - unexposed") -> Estimate:
    """Pearson chi-square test of a 2x2 table (Yates' continuity correction optional).

    The estimate is the risk difference a/n1 - c/n2 with its Wald CI.
    """
    _check(a, n1, c, n2)
    table = np.array([[a, n1 - a], [c, n2 - c]])
    if (table.sum(axis=0) == 0).any():
        raise AnalysisError("chi-square needs both outcomes to occur in the table")
    res = stats.chi2_contingency(table, correction=correction)
    p1, p2 = a / n1, c / n2
    se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    z = _z(level)
    name = "Pearson chi-square" + (" (Yates)" if correction else "")
    small = float(res.expected_freq.min()) < 5
    return Estimate(test=name, term=term, estimate=p1 - p2, estimate_type="risk difference",
                    ci_low=p1 - p2 - z * se, ci_high=p1 - p2 + z * se, ci_level=level, ci_method="Wald",
                    statistic=float(res.statistic), statistic_name="chi2", df=1, p=float(res.pvalue), n=int(n1 + n2),
                    effect_size=math.copysign(math.sqrt(stats.chi2_contingency(table, correction=False).statistic
                                                        / (n1 + n2)), p1 - p2), effect_size_type="phi",
                    method=f"{name} test of independence" + ("; an expected count is below 5, prefer Fisher's exact test"
                                                             if small else ""),
                    extra={"min_expected": float(res.expected_freq.min())})


def table_counts(data: pd.DataFrame, exposure: str, outcome: str, exposed=1, event=1) -> tuple[int, int, int, int]:
    """Counts (a, n1, c, n2) of a 2x2 table from individual rows."""
    for col in (exposure, outcome):
        if col not in data.columns:
            raise AnalysisError(f"{col}: not in the data")
    rows = data[[exposure, outcome]].dropna()
    exp_rows = rows[rows[exposure] == exposed]
    unexp_rows = rows[rows[exposure] != exposed]
    return (int((exp_rows[outcome] == event).sum()), len(exp_rows), int((unexp_rows[outcome] == event).sum()),
            len(unexp_rows))
