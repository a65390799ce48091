"""Correlations with CIs and Bayes factors.

Results tested against R 4.2 ``cor.test`` and ``BayesFactor::correlationBF``
(``tests/fixtures/r/``).

Examples
--------
>>> import numpy as np
>>> x = np.array([1., 2, 3, 4, 5, 6]); y = np.array([2., 1, 4, 3, 6, 5])
>>> e = pearson(x, y)
>>> round(e.estimate, 4), round(e.ci_low, 4), round(e.p, 4)
(0.8286, 0.0519, 0.0416)
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special, stats

from analysis.core.results import Estimate
from analysis.stats._checks import paired


def fisher_z_ci(r: float, n: int, level: float = 0.95, se_scale: float = 1.0) -> tuple[float, float]:
    """CI of a correlation by Fisher's z transform: ``tanh(atanh(r) -/+ z * se_scale / sqrt(n - 3))``."""
    if n <= 3:
        return (math.nan, math.nan)
    z = stats.norm.ppf(0.5 + level / 2)
    half = z * se_scale / math.sqrt(n - 3)
    centre = math.atanh(max(min(r, 1 - 1e-15), -1 + 1e-15))
    return math.tanh(centre - half), math.tanh(centre + half)


def _hyp2f1_positive_series(a: float, b: float, c: float, z: float, chunk: int = 4096,
                            max_terms: int = 50_000_000) -> float:
    """Gauss's series for 2F1(a, b; c; z) with a, b, c > 0 and 0 <= z < 1 (every term positive), summed in
    chunks of terms built from cumulative log ratios. scipy's ``hyp2f1`` returns nan for large c near z = 1
    (e.g. 2F1(3/2, 3/2; 201; 0.9409)), which is exactly where the Pearson BF needs it."""
    if z == 0:
        return 1.0
    total, log_term, start = 0.0, 0.0, 0
    while start < max_terms:
        k = np.arange(start, start + chunk, dtype=float)
        log_ratio = np.log(a + k) + np.log(b + k) - np.log(c + k) - np.log1p(k) + math.log(z)
        logs = log_term + np.concatenate(([0.0], np.cumsum(log_ratio[:-1])))
        terms = np.exp(logs)
        total += float(terms.sum())
        log_term = float(logs[-1] + log_ratio[-1])
        if log_ratio[-1] < 0 and math.exp(log_term) < 1e-17 * total:
            return total
        start += chunk
    raise ArithmeticError(f"2F1({a}, {b}; {c}; {z}) did not converge in {max_terms} terms")


def log_bf10_pearson(r: float, n: int, kappa: float = 1.0) -> float:
    """Natural log of the two-sided Pearson BF10 of Ly, Verhagen & Wagenmakers (2016), never overflowing.

    The closed form (the one pingouin evaluates) is ``2^(1-2/k) sqrt(pi) / B(1/k, 1/k) * G((n+2/k-1)/2) /
    G((n+2/k)/2) * 2F1((n-1)/2, (n-1)/2; (n+2/k)/2; r^2)``. Its hypergeometric factor overflows for a strong
    correlation in a large sample (r = 0.97, n = 400: BF10 is about 1e242, pingouin returns nan), so Euler's
    transformation ``2F1(a, b; c; z) = (1 - z)^(c-a-b) 2F1(c-a, c-b; c; z)`` moves the growth into a power taken
    on the log scale, leaving a series with small parameters (3/2, 3/2 at k = 1) of positive terms, summed here
    (scipy's ``hyp2f1`` returns nan for it near z = 1). Tested against the untransformed closed form evaluated
    by mpmath at 60 digits.

    Examples
    --------
    >>> round(math.exp(log_bf10_pearson(0.6, 20)), 3)  # pingouin's documented value: 10.634
    10.634
    >>> round(log_bf10_pearson(0.97, 400) / math.log(10), 2)  # log10 BF10
    242.03
    """
    a = (n - 1) / 2
    c = (n + 2 / kappa) / 2
    z = r * r
    if z >= 1:
        return math.inf
    log_hyper = (c - 2 * a) * math.log1p(-z) + math.log(_hyp2f1_positive_series(c - a, c - a, c, z))
    return float((1 - 2 / kappa) * math.log(2) + 0.5 * math.log(math.pi) - special.betaln(1 / kappa, 1 / kappa)
                 + special.gammaln((n + 2 / kappa - 1) / 2) - special.gammaln(c) + log_hyper)


def bf10_pearson(r: float, n: int, kappa: float = 1.0) -> float:
    """The two-sided Pearson BF10 (Ly et al. 2016) as a float: ``inf`` only past 1.8e308, where the log (see
    :func:`log_bf10_pearson`) is the number to report."""
    with np.errstate(over="ignore"):
        return float(np.exp(log_bf10_pearson(r, n, kappa)))


def pearson(x, y, level: float = 0.95, names: tuple[str, str] = ("x", "y")) -> Estimate:
    """Pearson correlation with a Fisher-z CI, the t test and BF10.

    Parameters
    ----------
    x, y : array-like
        Paired numeric values; pairs with a missing value are dropped and counted.
    level : float
        Confidence level of the CI.
    names : tuple of str
        Names of the two variables (used in ``term`` and in error messages).

    Returns
    -------
    Estimate
        ``estimate`` = r; ``ci_low``/``ci_high`` by Fisher z (as R ``cor.test``);
        ``statistic`` = t on ``df`` = n - 2; ``p`` two-sided; ``bf10`` with a
        uniform (stretched beta, kappa = 1) prior on rho.

    Notes
    -----
    :math:`t = r\\sqrt{n-2}/\\sqrt{1-r^2}`. The CI is
    :math:`\\tanh(\\operatorname{atanh} r \\pm z_{1-\\alpha/2}/\\sqrt{n-3})`. BF10 is
    the analytic Jeffreys test of Ly, Verhagen & Wagenmakers (2016),
    doi:10.1016/j.jmp.2015.06.004, computed by :func:`bf10_pearson` (pingouin's closed form, made
    overflow-free; ``inf`` only past 1.8e308); it equals
    ``BayesFactor::correlationBF(rscale = 1)`` up to numerical integration error.
    Results tested against R 4.2.
    """
    a, b, dropped = paired(x, y, names)
    n = a.size
    res = stats.pearsonr(a, b)
    r = float(res.statistic)
    df = n - 2
    t = r * math.sqrt(df) / math.sqrt(max(1 - r * r, 1e-300))
    low, high = fisher_z_ci(r, n, level)
    return Estimate(
        test="Pearson correlation", term=f"{names[0]}, {names[1]}", estimate=r, estimate_type="r",
        ci_low=low, ci_high=high, ci_level=level, ci_method="Fisher z",
        statistic=t, statistic_name="t", df=df, p=float(res.pvalue),
        bf10=bf10_pearson(r, n), n=n, n_dropped=dropped,
        method="Pearson product-moment correlation; t test on n - 2 df; BF10 by Ly et al. (2016), kappa = 1",
    )


def spearman(x, y, level: float = 0.95, names: tuple[str, str] = ("x", "y")) -> Estimate:
    """Spearman rank correlation with a Bonett-Wright CI and the t-approximation p value.

    Returns
    -------
    Estimate
        ``estimate`` = rho; ``p`` from :math:`t = \\rho\\sqrt{(n-2)/(1-\\rho^2)}` on
        n - 2 df (R ``cor.test(method = "spearman", exact = FALSE)``); CI by Fisher
        z with the Bonett & Wright (2000) standard error
        :math:`\\sqrt{(1 + \\rho^2/2)/(n - 3)}`, doi:10.1007/BF02294183.
    """
    a, b, dropped = paired(x, y, names)
    n = a.size
    rho = float(stats.spearmanr(a, b).statistic)
    df = n - 2
    t = rho * math.sqrt(df / max(1 - rho * rho, 1e-300))
    p = float(2 * stats.t.sf(abs(t), df))
    low, high = fisher_z_ci(rho, n, level, se_scale=math.sqrt(1 + rho * rho / 2))
    return Estimate(
        test="Spearman correlation", term=f"{names[0]}, {names[1]}", estimate=rho, estimate_type="rho",
        ci_low=low, ci_high=high, ci_level=level, ci_method="Fisher z, Bonett-Wright SE",
        statistic=t, statistic_name="t", df=df, p=p, n=n, n_dropped=dropped,
        method="Spearman rank correlation; p by t approximation on n - 2 df; CI by Bonett & Wright (2000)",
    )


def correlation_from_summary(r: float, n: int, level: float = 0.95, term: str = "x, y") -> Estimate:
    """Test and CI of a correlation known only as ``r`` and ``n`` (no raw data).

    >>> e = correlation_from_summary(-0.4, 60)
    >>> round(e.p, 5), round(e.ci_high, 4)
    (0.00154, -0.1626)
    """
    if not -1 < r < 1:
        raise ValueError(f"r must lie strictly between -1 and 1, got {r}")
    if n < 4:
        raise ValueError(f"n must be at least 4, got {n}")
    df = n - 2
    t = r * math.sqrt(df) / math.sqrt(1 - r * r)
    low, high = fisher_z_ci(r, n, level)
    return Estimate(
        test="Pearson correlation", term=term, estimate=r, estimate_type="r", ci_low=low, ci_high=high,
        ci_level=level, ci_method="Fisher z", statistic=t, statistic_name="t", df=df,
        p=float(2 * stats.t.sf(abs(t), df)), bf10=bf10_pearson(r, n), n=n,
        method="Pearson correlation from reported r and n; t test on n - 2 df; BF10 by Ly et al. (2016), kappa = 1",
    )


def partial(data, x: str, y: str, covariates: list[str], level: float = 0.95) -> Estimate:
    """Partial Pearson correlation of ``x`` and ``y`` given ``covariates``.

    Notes
    -----
    r is the correlation of the residuals of ``x`` and ``y`` on the covariates (and an
    intercept); :math:`t = r\\sqrt{(n - 2 - k)/(1 - r^2)}` on n - 2 - k df, and the CI is Fisher z
    with :math:`1/\\sqrt{n - 3 - k}`, for k covariates (as ``ppcor::pcor.test``).
    Missing rows are dropped and counted.
    """
    from analysis.stats._frames import model_frame

    frame, dropped = model_frame(data, [x, y, *covariates], min_rows=len(covariates) + 4)
    Z = np.column_stack([np.ones(len(frame)), frame[covariates].to_numpy(float)])
    resid = {}
    for name in (x, y):
        v = frame[name].to_numpy(float)
        beta, *_ = np.linalg.lstsq(Z, v, rcond=None)
        resid[name] = v - Z @ beta
    r = float(np.corrcoef(resid[x], resid[y])[0, 1])
    n, k = len(frame), len(covariates)
    df = n - 2 - k
    t = r * math.sqrt(df / (1 - r * r))
    zq = stats.norm.ppf(0.5 + level / 2)
    half = zq / math.sqrt(n - 3 - k)
    return Estimate(test="Partial correlation", term=f"{x}, {y} | {', '.join(covariates)}", estimate=r,
                    estimate_type="partial r", ci_low=math.tanh(math.atanh(r) - half),
                    ci_high=math.tanh(math.atanh(r) + half), ci_level=level, ci_method="Fisher z",
                    statistic=t, statistic_name="t", df=df, p=float(2 * stats.t.sf(abs(t), df)), n=n,
                    n_dropped=dropped, method=f"Partial Pearson correlation controlling for {', '.join(covariates)}")

