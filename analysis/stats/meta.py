"""Meta-analysis: fixed effect and random effects (DL clipped at zero, Paule-Mandel, REML).

Results tested against R 4.2 ``metafor::rma``. statsmodels' ``combine_effects(method_re="dl")``
does not clip tau^2 at zero (negative weights, NaN CIs for homogeneous studies); here DL is
clipped as metafor does.

Examples
--------
>>> import numpy as np
>>> res = meta_analysis(np.log([2.7, 4.8, 1.7]), [0.04, 0.09, 0.05], method="REML")
>>> round(float(np.exp(res.estimate)), 2) > 1
True
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize, stats

from analysis.core.errors import AnalysisError
from analysis.core.results import Estimate

METHODS = ("FE", "DL", "PM", "REML")


def _q(y, v, tau2=0.0):
    w = 1 / (v + tau2)
    mu = (w * y).sum() / w.sum()
    return float((w * (y - mu) ** 2).sum()), mu, w


def _reml_tau2(y: np.ndarray, v: np.ndarray) -> float:
    """REML tau^2 by the fixed-point iteration of its estimating equation (Viechtbauer 2005, eq. 12, as metafor's
    Fisher scoring), from the DerSimonian-Laird value, until a step changes tau^2 by less than 1e-15 relative."""
    w = 1 / v
    c = w.sum() - (w**2).sum() / w.sum()
    tau2 = max(0.0, (_q(y, v)[0] - (y.size - 1)) / c)
    for _ in range(10_000):
        w = 1 / (v + tau2)
        mu = (w * y).sum() / w.sum()
        new = max(0.0, float((w**2 * ((y - mu) ** 2 - v)).sum() / (w**2).sum() + 1 / w.sum()))
        if abs(new - tau2) <= 1e-15 * max(tau2, 1e-12):
            return new
        tau2 = new
    raise AnalysisError("REML tau^2 did not converge in 10,000 iterations")


def _pm_tau2(y: np.ndarray, v: np.ndarray) -> float:
    """Paule-Mandel tau^2: the root of Q(tau^2) = k - 1 (Q falls as tau^2 grows), to the last bit (brentq)."""
    k = y.size
    if _q(y, v)[0] <= k - 1:
        return 0.0
    upper = max(float(np.var(y, ddof=1)), 1e-12)
    while _q(y, v, upper)[0] > k - 1:
        upper *= 2
    return float(optimize.brentq(lambda t: _q(y, v, t)[0] - (k - 1), 0.0, upper, xtol=1e-300, rtol=4 * np.finfo(float).eps,
                                 maxiter=1000))


def meta_analysis(effects, variances, method: str = "REML", level: float = 0.95,
                  labels: list[str] | None = None) -> Estimate:
    """Pool effect sizes (on an additive scale, e.g. log RR) by inverse-variance weighting.

    Parameters
    ----------
    method : {"FE", "DL", "PM", "REML"}
        Fixed effect; DerSimonian-Laird (tau^2 clipped at 0); Paule-Mandel (the root of the generalised Q
        equation); restricted maximum likelihood (fixed-point iteration). Both solvers run to machine precision.

    Returns
    -------
    Estimate
        Pooled effect with its z-based CI; ``extra`` holds tau2, I2 (percent), Q, Q_p, k and, for random effects
        with k >= 3, the prediction interval ``pi_low``/``pi_high`` for the effect in a new study (Cochrane Handbook
        10.10.4.3: mu +/- t_{k-2} sqrt(tau^2 + SE^2), Higgins, Thompson & Spiegelhalter 2009; None otherwise).
    """
    y = np.asarray(effects, dtype=float)
    v = np.asarray(variances, dtype=float)
    if method not in METHODS:
        raise AnalysisError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    if y.size != v.size or y.size < 2:
        raise AnalysisError(f"need at least 2 effects with one variance each, got {y.size} and {v.size}")
    if not np.all(np.isfinite(y)) or not np.all(v > 0):
        raise AnalysisError("effects must be finite and variances positive")
    k = y.size
    q_fe, _, w_fe = _q(y, v)
    if method == "FE":
        tau2 = 0.0
    elif method == "DL":
        c = w_fe.sum() - (w_fe**2).sum() / w_fe.sum()
        tau2 = max(0.0, (q_fe - (k - 1)) / c)
    elif method == "PM":
        tau2 = _pm_tau2(y, v)
    else:
        tau2 = _reml_tau2(y, v)
    _, mu, w = _q(y, v, tau2)
    se = math.sqrt(1 / w.sum())
    z = stats.norm.ppf(0.5 + level / 2)
    i2 = max(0.0, (q_fe - (k - 1)) / q_fe) * 100 if q_fe > 0 else 0.0
    if method != "FE":
        s2 = (k - 1) * w_fe.sum() / (w_fe.sum() ** 2 - (w_fe**2).sum())  # metafor's "typical" within-study variance
        i2 = 100 * tau2 / (tau2 + s2)
    names = {"FE": "fixed effect", "DL": "random effects, DerSimonian-Laird (tau^2 >= 0)",
             "PM": "random effects, Paule-Mandel", "REML": "random effects, REML"}
    pi_low = pi_high = None
    if method != "FE" and k >= 3:
        half = float(stats.t.ppf(0.5 + level / 2, k - 2)) * math.sqrt(tau2 + se**2)
        pi_low, pi_high = float(mu - half), float(mu + half)
    return Estimate(test="Meta-analysis", term=f"pooled ({k} studies)", estimate=float(mu),
                    estimate_type="pooled effect", ci_low=float(mu - z * se), ci_high=float(mu + z * se),
                    ci_level=level, ci_method="Wald z", statistic=float(mu / se), statistic_name="z",
                    p=float(2 * stats.norm.sf(abs(mu / se))), n=k,
                    method=f"Inverse-variance meta-analysis, {names[method]}",
                    se=float(se), extra={"tau2": tau2, "I2": i2, "Q": q_fe, "Q_p": float(stats.chi2.sf(q_fe, k - 1)),
                           "k": k, "labels": labels or [], "pi_low": pi_low, "pi_high": pi_high})
