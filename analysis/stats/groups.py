"""Two-group comparisons: t tests, Mann-Whitney with Hodges-Lehmann CI, Hedges' g.

Results tested against R 4.2 ``t.test``, ``wilcox.test(conf.int = TRUE)``,
``effectsize::hedges_g`` and ``BayesFactor::ttestBF`` (``tests/fixtures/r/``).

Examples
--------
>>> import numpy as np
>>> a = np.array([31., 35, 28, 40, 33]); b = np.array([14., 20, 11, 18, 16])
>>> round(welch_t(a, b).estimate, 2)
17.6
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache

import numpy as np
from scipy import optimize, stats

from analysis.core.errors import AnalysisError
from analysis.core.results import Estimate
from analysis.stats._checks import group
from analysis.stats._lazy import pingouin
from analysis.stats.rank_shift import SortedPair, asymptotic_p, asymptotic_shift

EXACT_WILCOX_MAX_N = 50  # R's default: exact when both groups < 50 and no ties


def _pair(a, b, names):
    x, dx = group(a, names[0])
    y, dy = group(b, names[1])
    return x, y, dx + dy


def welch_t(a, b, level: float = 0.95, names: tuple[str, str] = ("a", "b")) -> Estimate:
    """Welch's unequal-variance t test of ``mean(a) - mean(b)``.

    Returns
    -------
    Estimate
        ``estimate`` = mean difference with its Welch CI, ``statistic`` = t,
        ``df`` = Welch-Satterthwaite df, ``p`` two-sided.
    """
    x, y, dropped = _pair(a, b, names)
    if np.var(x) == 0 and np.var(y) == 0:
        raise AnalysisError(f"{names[0]}, {names[1]}: both groups are constant; the t test is undefined")
    res = stats.ttest_ind(x, y, equal_var=False)
    ci = res.confidence_interval(level)
    return Estimate(
        test="Welch t test", term=f"{names[0]} - {names[1]}", estimate=float(x.mean() - y.mean()),
        estimate_type="mean difference", ci_low=float(ci.low), ci_high=float(ci.high), ci_level=level,
        ci_method="Welch t", statistic=float(res.statistic), statistic_name="t", df=float(res.df),
        p=float(res.pvalue), n=x.size + y.size, n_dropped=dropped,
        effect_size=float(_standardised_difference(x, y, False, level)[0]), effect_size_type="Cohen's d (unpooled SD)",
        method="Welch two-sample t test (unequal variances, Welch-Satterthwaite df)",
    )


def student_t(a, b, level: float = 0.95, names: tuple[str, str] = ("a", "b"), r_scale: float = math.sqrt(2) / 2) -> Estimate:
    """Student's pooled-variance t test with the JZS Bayes factor.

    Notes
    -----
    BF10 is the JZS Bayes factor of Rouder et al. (2009), doi:10.3758/PBR.16.2.225,
    with a Cauchy prior of scale ``r_scale`` (0.707, "medium") on delta, as
    ``BayesFactor::ttestBF``; computed by pingouin.
    """
    x, y, dropped = _pair(a, b, names)
    if np.var(x) == 0 and np.var(y) == 0:
        raise AnalysisError(f"{names[0]}, {names[1]}: both groups are constant; the t test is undefined")
    res = stats.ttest_ind(x, y, equal_var=True)
    ci = res.confidence_interval(level)
    bf_note = f"BF10 JZS, Cauchy prior scale {r_scale:.3f}"
    try:
        bf = float(pingouin().bayesfactor_ttest(float(res.statistic), x.size, y.size, r=r_scale))
    except (ZeroDivisionError, OverflowError):  # the JZS integral underflows for very large |t| and n
        bf = None
        bf_note = f"BF10 not computed: the JZS integral underflows at t = {float(res.statistic):.3g}, n = {x.size + y.size}"
    if bf is not None and not math.isfinite(bf):
        bf, bf_note = None, f"BF10 not computed: the JZS integral is not finite at t = {float(res.statistic):.3g}"
    return Estimate(
        test="Student t test", term=f"{names[0]} - {names[1]}", estimate=float(x.mean() - y.mean()),
        estimate_type="mean difference", ci_low=float(ci.low), ci_high=float(ci.high), ci_level=level,
        ci_method="pooled-variance t", statistic=float(res.statistic), statistic_name="t", df=float(res.df),
        p=float(res.pvalue), bf10=bf, n=x.size + y.size, n_dropped=dropped,
        effect_size=float(_standardised_difference(x, y, True, level)[0] * _hedges_j(x.size + y.size - 2)),
        effect_size_type="Hedges' g",
        method=f"Student two-sample t test (pooled variance); {bf_note}",
    )


@lru_cache(maxsize=64)
def _wilcox_counts(m: int, n: int) -> tuple[int, ...]:
    """Number of rank arrangements giving each W = 0..m*n (Gaussian binomial coefficient)."""
    size = m * n + 1
    c = [0] * size
    c[0] = 1
    for i in range(1, m + 1):
        shift = n + i
        for k in range(size - 1, shift - 1, -1):  # multiply by (1 - q^(n+i))
            c[k] -= c[k - shift]
        for k in range(i, size):  # divide by (1 - q^i)
            c[k] += c[k - i]
    return tuple(c)


def _wilcox_cdf(m: int, n: int) -> np.ndarray:
    counts = np.array(_wilcox_counts(m, n), dtype=object)
    total = sum(counts)
    return np.array([float(v) for v in np.cumsum(counts) / total])


def _wilcox_two_sided_p(w: int, m: int, n: int) -> float:
    """Exact two-sided p of W = ``w`` (R ``wilcox.test``): twice the smaller tail, summed in exact integers.

    The null distribution is symmetric about m*n/2, so P(W >= w) = P(W <= m*n - w): both tails are a sum of the
    lower counts, with no ``1 - CDF`` cancellation (which loses every digit of a p near 1e-17).

    >>> _wilcox_two_sided_p(0, 30, 30) == 2 / math.comb(60, 30)  # fully separated groups of 30
    True
    """
    counts = _wilcox_counts(m, n)
    k = min(w, m * n - w)
    tail = Fraction(sum(counts[: k + 1]), sum(counts))
    return float(min(Fraction(1), 2 * tail))


def mann_whitney_p_from_u(u: float, m: int, n: int) -> dict[str, float]:
    """Two-sided p of a printed Mann-Whitney U at group sizes ``m``, ``n``, both ways a paper may have computed it.

    ``exact``: the exact null distribution without ties (R ``wilcox.test(exact = TRUE)``; None when U is not a
    whole or half number, or either group has 50 or more, where R would not use it); ``normal``: the normal
    approximation with continuity correction and no tie correction (R's ``exact = FALSE``).

    >>> r = mann_whitney_p_from_u(81, 30, 30)  # R: 2 * pwilcox(81, 30, 30); 2 * pnorm(-(369 - 0.5) / sqrt(4575))
    >>> f"{r['exact']:.4g}", f"{r['normal']:.4g}"
    ('2.124e-09', '5.092e-08')
    """
    k = min(u, m * n - u)
    exact = None
    if float(k).is_integer() and m < EXACT_WILCOX_MAX_N and n < EXACT_WILCOX_MAX_N:
        exact = _wilcox_two_sided_p(int(k), m, n)
    z = (abs(u - m * n / 2) - 0.5) / math.sqrt(m * n * (m + n + 1) / 12)
    return {"exact": exact, "normal": float(min(1.0, 2 * stats.norm.sf(max(z, 0.0))))}


def _qwilcox(p: float, m: int, n: int) -> int:
    """Smallest w with P(W <= w) >= p (R ``qwilcox``)."""
    cdf = _wilcox_cdf(m, n)
    return int(np.searchsorted(cdf, p * (1 - 64 * np.finfo(float).eps)))


def mann_whitney(a, b, level: float = 0.95, names: tuple[str, str] = ("a", "b")) -> Estimate:
    """Wilcoxon-Mann-Whitney test with the Hodges-Lehmann shift and its CI.

    Returns
    -------
    Estimate
        ``statistic`` = W, the Mann-Whitney U of ``a`` (R's ``W``); ``estimate``
        = Hodges-Lehmann location shift (median of all ``a_i - b_j``) with the
        CI from inverting the test. The exact null distribution is used when
        both groups have fewer than 50 values and there are no ties (R's rule);
        otherwise the normal approximation with continuity and tie corrections.
        ``extra`` holds the smaller U and the rank-biserial correlation.
    """
    x, y, dropped = _pair(a, b, names)
    m, n = x.size, y.size
    pair = SortedPair(x, y)  # sorted once: W, its ties, the large-sample p and the shift all count from here
    w, tie_sum = pair.u_and_ties(0.0)
    if pair.sigma(tie_sum) == 0:  # every value equal: U has no spread, so there is no p value and no CI
        raise AnalysisError(
            f"cannot compute the Mann-Whitney test of {names[0]} vs {names[1]}: all {m + n} observations are tied "
            "(R: 'cannot compute confidence interval when all observations are tied')"
        )
    exact = m < EXACT_WILCOX_MAX_N and n < EXACT_WILCOX_MAX_N and tie_sum == 0
    alpha = 1 - level
    if exact:
        p = _wilcox_two_sided_p(int(round(w)), m, n)
        diffs = np.sort(np.subtract.outer(x, y).ravel())  # m, n < 50: at most 2,401 differences
        qu = max(_qwilcox(alpha / 2, m, n), 1)
        ql = m * n - qu
        low, high = diffs[qu - 1], diffs[ql]
        shift = float(np.median(diffs))
        how = "exact"
    else:
        p = asymptotic_p(pair)
        shift, low, high = asymptotic_shift(pair, alpha)
        how = "normal approximation with continuity correction"
    rbc = 2 * w / (m * n) - 1  # rank-biserial correlation, positive when a tends to exceed b
    return Estimate(
        test="Mann-Whitney test", term=f"{names[0]} - {names[1]}", estimate=float(shift),
        estimate_type="Hodges-Lehmann shift", ci_low=float(low), ci_high=float(high), ci_level=level,
        ci_method=f"test inversion ({how})", statistic=w, statistic_name="W", p=float(p),
        n=m + n, n_dropped=dropped, effect_size=float(rbc), effect_size_type="rank-biserial r",
        method=f"Wilcoxon-Mann-Whitney rank-sum test ({how}); Hodges-Lehmann estimate",
        extra={"U_min": min(w, m * n - w), "rank_biserial": float(rbc)},
    )


def _hedges_j(df: float) -> float:
    """Exact small-sample correction J(df) = Gamma(df/2) / (sqrt(df/2) Gamma((df-1)/2))."""
    return math.exp(math.lgamma(df / 2) - math.log(math.sqrt(df / 2)) - math.lgamma((df - 1) / 2))


def _ncp_interval(t: float, df: float, level: float) -> tuple[float, float]:
    """CI of the noncentrality parameter of a t statistic (Steiger & Fouladi 1997).

    The CDF of t at the observed value decreases in the ncp; each limit is bracketed by
    stepping outward from ``t`` (a wide fixed bracket reaches regions where scipy's
    noncentral t CDF returns NaN).
    """
    alpha = 1 - level

    def solve(target: float) -> float:
        f = lambda ncp: stats.nct.cdf(t, df, ncp) - target  # noqa: E731
        step = 1.0
        low, high = t - step, t + step
        while f(low) < 0:
            step *= 2
            low = t - step
        while f(high) > 0:
            step *= 2
            high = t + step
        return optimize.brentq(f, low, high, xtol=1e-12)

    return solve(1 - alpha / 2), solve(alpha / 2)


def _standardised_difference(x: np.ndarray, y: np.ndarray, pooled: bool, level: float):
    r"""d, its noncentral-t CI and the df, as R ``effectsize`` computes them.

    Pooled: :math:`s_p` on n - 2 df. Unpooled: :math:`s = \sqrt{(s_1^2 + s_2^2)/2}`, the Welch t
    and Welch-Satterthwaite df, with the CI scaled by
    :math:`\sqrt{2(n_2 s_1^2 + n_1 s_2^2) / (n_1 n_2 (s_1^2 + s_2^2))}`.
    """
    m, n = x.size, y.size
    v1, v2 = x.var(ddof=1), y.var(ddof=1)
    diff = x.mean() - y.mean()
    if pooled:
        s = math.sqrt(((m - 1) * v1 + (n - 1) * v2) / (m + n - 2))
        scale = 1 / m + 1 / n
        se = s * math.sqrt(scale)
        df = m + n - 2
    else:
        s = math.sqrt((v1 + v2) / 2)
        scale = 2 * (n * v1 + m * v2) / (m * n * (v1 + v2))
        se1, se2 = v1 / m, v2 / n
        se = math.sqrt(se1 + se2)
        df = (se1 + se2) ** 2 / (se1**2 / (m - 1) + se2**2 / (n - 1))
    if s == 0:
        raise AnalysisError("the standardiser (SD) is zero; a standardised difference is undefined")
    ncp_low, ncp_high = _ncp_interval(diff / se, df, level)
    return diff / s, ncp_low * math.sqrt(scale), ncp_high * math.sqrt(scale), df


def cohens_d(a, b, pooled: bool = True, level: float = 0.95, names: tuple[str, str] = ("a", "b")) -> Estimate:
    """Cohen's d with a noncentral-t CI, standardised by the pooled SD or (``pooled=False``) the unpooled one.

    Notes
    -----
    As R ``effectsize::cohens_d(pooled_sd = ...)``; see :func:`_standardised_difference`.
    """
    x, y, dropped = _pair(a, b, names)
    d, low, high, df = _standardised_difference(x, y, pooled, level)
    kind = "pooled SD" if pooled else "unpooled SD (root mean of the two variances), Welch df"
    return Estimate(test="Cohen's d", term=f"{names[0]} - {names[1]}", estimate=float(d),
                    estimate_type=f"Cohen's d ({'pooled' if pooled else 'unpooled'} SD)", ci_low=float(low),
                    ci_high=float(high), ci_level=level, ci_method="noncentral t inversion", n=x.size + y.size,
                    n_dropped=dropped, df=float(df), method=f"Cohen's d: standardised mean difference with {kind}")


def hedges_g(a, b, level: float = 0.95, names: tuple[str, str] = ("a", "b")) -> Estimate:
    r"""Hedges' g (pooled SD, exact small-sample correction) with a noncentral-t CI.

    Notes
    -----
    :math:`d = (\bar a - \bar b)/s_p`, :math:`g = J(n_a+n_b-2)\,d` with the exact
    :math:`J`. The CI inverts the noncentral t distribution of
    :math:`t = d\sqrt{n_a n_b/(n_a+n_b)}` (Steiger & Fouladi 1997) and applies
    :math:`J` to both limits, as R ``effectsize::hedges_g``. Cohen's d (pooled)
    is given in ``extra``.
    """
    x, y, dropped = _pair(a, b, names)
    d, low, high, df = _standardised_difference(x, y, True, level)
    j = _hedges_j(df)
    return Estimate(
        test="Hedges' g", term=f"{names[0]} - {names[1]}", estimate=float(d * j), estimate_type="Hedges' g",
        ci_low=float(low * j), ci_high=float(high * j), ci_level=level,
        ci_method="noncentral t inversion", n=x.size + y.size, n_dropped=dropped,
        method="Hedges' g: standardised mean difference with pooled SD and exact small-sample correction J",
        extra={"cohens_d_pooled": float(d), "J": j},
    )

