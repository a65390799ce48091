"""Power a study had for the smallest effect of interest, and the smallest effect it could detect.

Results tested against R 4.2 ``pwr`` (``pwr.r.test``, ``pwr.t.test``, ``pwr.t2n.test``).

Examples
--------
>>> round(power_correlation(0.1, 60), 4)
0.1186
"""

from __future__ import annotations

import math

from scipy import optimize, stats
from statsmodels.stats.power import TTestIndPower

from analysis.core.errors import AnalysisError


def power_correlation(r: float, n: int, alpha: float = 0.05) -> float:
    """Two-sided power of the test of a Pearson correlation (the ``pwr.r.test`` formula).

    Notes
    -----
    :math:`r_c = t_c/\\sqrt{t_c^2 + n - 2}`; :math:`z_r = \\operatorname{atanh} r + r/(2(n-1))`;
    power :math:`= \\Phi((z_r - \\operatorname{atanh} r_c)\\sqrt{n-3})
    + \\Phi((-z_r - \\operatorname{atanh} r_c)\\sqrt{n-3})`.
    """
    if n < 4:
        raise AnalysisError(f"n must be at least 4, got {n}")
    t_c = stats.t.ppf(1 - alpha / 2, n - 2)
    r_c = math.sqrt(t_c**2 / (t_c**2 + n - 2))
    z_r = math.atanh(r) + r / (2 * (n - 1))
    z_c = math.atanh(r_c)
    return float(stats.norm.cdf((z_r - z_c) * math.sqrt(n - 3)) + stats.norm.cdf((-z_r - z_c) * math.sqrt(n - 3)))


def detectable_correlation(n: int, power: float = 0.8, alpha: float = 0.05) -> float:
    """Smallest positive r detected with ``power`` at ``n`` (two-sided)."""
    return float(optimize.brentq(lambda r: power_correlation(r, n, alpha) - power, 1e-6, 0.999999, xtol=1e-12))


def power_two_groups(d: float, n1: int, n2: int | None = None, alpha: float = 0.05) -> float:
    """Two-sided power of the two-sample t test for standardised difference ``d`` (noncentral t)."""
    n2 = n1 if n2 is None else n2
    return float(TTestIndPower().power(effect_size=d, nobs1=n1, alpha=alpha, ratio=n2 / n1, alternative="two-sided"))


def detectable_difference(n1: int, n2: int | None = None, power: float = 0.8, alpha: float = 0.05) -> float:
    """Smallest standardised difference detected with ``power`` (two-sided two-sample t test)."""
    n2 = n1 if n2 is None else n2
    upper = 1.0
    while power_two_groups(upper, n1, n2, alpha) < power:  # grow the bracket; far out the noncentral t is NaN
        upper *= 2
        if upper > 1e3:
            raise AnalysisError(f"no difference reaches power {power} with n1 = {n1}, n2 = {n2}")
    return float(optimize.brentq(lambda d: power_two_groups(d, n1, n2, alpha) - power, 1e-6, upper, xtol=1e-12))
