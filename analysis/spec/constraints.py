"""Turn what a paper says in words into admissible ranges of numbers.

Examples
--------
>>> round(critical_r(60), 4)
0.2542
>>> low, high = significance_range(60, "negative", True)
>>> (low, round(high, 4))
(-1.0, -0.2542)
"""

from __future__ import annotations

import math
from functools import lru_cache

from scipy import stats


@lru_cache(maxsize=4096)  # a pure function of (n, alpha), asked for the same few sizes thousands of times a run
def critical_r(n: int, alpha: float = 0.05) -> float:
    """Smallest |r| that is significant (two-sided) at ``alpha`` with ``n`` pairs.

    Notes
    -----
    From the t test of a Pearson correlation, :math:`t = r\\sqrt{n-2}/\\sqrt{1-r^2}`,
    so :math:`r_c = t_c / \\sqrt{t_c^2 + n - 2}` with :math:`t_c` the
    :math:`1-\\alpha/2` quantile of t on ``n - 2`` df.
    """
    if n < 3:
        raise ValueError(f"n must be at least 3 for a correlation test, got {n}")
    t_crit = stats.t.ppf(1 - alpha / 2, n - 2)
    return float(t_crit / math.sqrt(t_crit**2 + n - 2))


def significance_range(n: int, sign: str | None, significant: bool, alpha: float = 0.05) -> tuple[float, float]:
    """Range of r consistent with a reported sign and (non-)significance.

    Parameters
    ----------
    n : int
        Number of pairs.
    sign : {"positive", "negative", None}
        Reported direction; None when only significance is known.
    significant : bool
        Whether the paper reports p < alpha.
    alpha : float
        Two-sided significance level.

    Returns
    -------
    (low, high) : tuple of float
        Closed bounds; the boundary at the critical value itself has p = alpha
        exactly and is excluded in practice.
    """
    rc = critical_r(n, alpha)
    if not significant:
        low, high = -rc, rc
        if sign == "positive":
            low = 0.0
        elif sign == "negative":
            high = 0.0
        return low, high
    if sign == "negative":
        return -1.0, -rc
    if sign == "positive":
        return rc, 1.0
    raise ValueError("a significant correlation needs its sign to give one admissible range")


def r_from_p(n: int, p: float) -> float:
    """|r| whose two-sided t-test p value at ``n`` pairs is ``p``.

    >>> round(r_from_p(60, 0.05), 4) == round(critical_r(60), 4)
    True
    """
    if not 0 < p <= 1:
        raise ValueError(f"p must lie in (0, 1], got {p}")
    t = stats.t.isf(p / 2, n - 2)
    return float(t / math.sqrt(t**2 + n - 2))


def p_value_range(n: int, p: float, decimals: int | None = None, sign: str | None = None) -> tuple[float, float]:
    """Range of r consistent with an exact p value reported at ``decimals`` places.

    A p printed as 0.001 lies in [0.0005, 0.0015); the larger p gives the smaller |r|.
    Without a sign the range is the union, returned here as the positive branch's
    mirror-symmetric hull [-hi, hi] only when the sign is unknown.

    >>> low, high = p_value_range(50, 0.001, sign="positive")
    >>> round(low, 3), round(high, 3)
    (0.437, 0.474)
    """
    if decimals is None:
        text = repr(p)
        decimals = len(text.split(".")[1]) if "." in text else 0
    half = 0.5 * 10 ** (-decimals)
    p_low, p_high = max(p - half, 1e-300), min(p + half, 1.0)
    r_small, r_large = r_from_p(n, p_high), r_from_p(n, p_low)
    if sign == "positive":
        return r_small, r_large
    if sign == "negative":
        return -r_large, -r_small
    return -r_large, r_large
