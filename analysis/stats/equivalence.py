"""Equivalence: two one-sided Welch t tests (TOST) against +/- a bound.

Results tested against R 4.2 ``t.test(mu = +/-bound, alternative = ...)``.

Examples
--------
>>> import numpy as np
>>> a = np.array([5.0, 5.2, 4.9, 5.1, 5.0, 4.8]); b = np.array([5.1, 4.9, 5.0, 5.2, 4.9, 5.0])
>>> tost(a, b, bound=0.5).p < 0.05
True
"""

from __future__ import annotations

from scipy import stats

from analysis.core.errors import AnalysisError
from analysis.core.results import Estimate
from analysis.stats._checks import group


def tost(a, b, bound: float, names: tuple[str, str] = ("a", "b")) -> Estimate:
    """TOST for ``mean(a) - mean(b)`` within ``(-bound, bound)``, Welch variant.

    Returns
    -------
    Estimate
        ``estimate`` = mean difference with its 90% CI (the CI that matches TOST at
        alpha = .05); ``p`` = the larger of the two one-sided p values; equivalence is
        shown when ``p < alpha``. The one-sided statistics are in ``extra``.
    """
    if bound <= 0:
        raise AnalysisError(f"bound must be positive, got {bound}")
    x, dx = group(a, names[0])
    y, dy = group(b, names[1])
    welch = stats.ttest_ind(x, y, equal_var=False)
    diff = float(x.mean() - y.mean())
    se = float((x.var(ddof=1) / x.size + y.var(ddof=1) / y.size) ** 0.5)
    df = float(welch.df)
    t_low, t_up = (diff + bound) / se, (diff - bound) / se
    p_low, p_up = float(stats.t.sf(t_low, df)), float(stats.t.cdf(t_up, df))
    ci = welch.confidence_interval(0.90)
    return Estimate(test="TOST equivalence (Welch)", term=f"{names[0]} - {names[1]}", estimate=diff,
                    estimate_type="mean difference", ci_low=float(ci.low), ci_high=float(ci.high), ci_level=0.90,
                    ci_method="Welch t", statistic=min(t_low, -t_up), statistic_name="t", df=df, p=max(p_low, p_up),
                    n=x.size + y.size, n_dropped=dx + dy,
                    method=f"Two one-sided Welch t tests against +/-{bound:g} (Schuirmann 1987)",
                    extra={"bound": bound, "t_lower": t_low, "p_lower": p_low, "t_upper": t_up, "p_upper": p_up})
