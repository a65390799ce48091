"""Time to recurrence: Cox proportional hazards and Kaplan-Meier.

Results tested against R 4.2 ``survival::coxph`` (Efron ties) and ``survfit`` (log CI).

Examples
--------
>>> import pandas as pd
>>> d = pd.DataFrame({"time": [2, 3, 3, 5, 8, 9], "event": [1, 1, 0, 1, 0, 1]})
>>> km = kaplan_meier(d, "time", "event")
>>> [round(s, 4) for s in km["surv"]]
[0.8333, 0.6667, 0.4444, 0.0]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from scipy import stats
from statsmodels.duration.survfunc import SurvfuncRight

from analysis.core.errors import AnalysisError
from analysis.core.names import formula_names
from analysis.core.results import Estimate
from analysis.stats._frames import model_frame
from analysis.stats.regression import _fit_quietly
from analysis.stats.separation import cox_monotone_likelihood


def cox(data: pd.DataFrame, time: str, event: str, covariates: list[str], level: float = 0.95) -> list[Estimate]:
    """Cox proportional-hazards model with Efron ties; estimates are hazard ratios with Wald CIs."""
    frame, dropped = model_frame(data, [time, event, *covariates], min_rows=5)
    if (frame[time] <= 0).any():
        raise AnalysisError(f"{time}: times must be positive")
    if not set(frame[event].unique()) <= {0, 1}:
        raise AnalysisError(f"{event}: event must be coded 0 (censored) / 1 (event)")
    if frame[event].sum() == 0:
        raise AnalysisError(f"{event}: no events, so hazards cannot be compared")
    formula = f"{time} ~ " + " + ".join(formula_names([time, *covariates], "Cox model")[1:])
    model = smf.phreg(formula, data=frame, status=frame[event].to_numpy(), ties="efron")
    fit = _fit_quietly(model)
    monotone, converged, check = _cox_reached(model, fit, frame[time].to_numpy(float), frame[event].to_numpy(int))
    ci = np.asarray(fit.conf_int(alpha=1 - level))
    with np.errstate(over="ignore"):
        hr, lo, hi = np.exp(fit.params), np.exp(ci[:, 0]), np.exp(ci[:, 1])
    note = (f"; NO FINITE ESTIMATE: {monotone.describe()}, so the estimates, SEs and p values are not meaningful"
            if monotone is not None else "" if converged else
            "; DID NOT CONVERGE (the Newton step at the reported estimate is not negligible): the estimate is unreliable")
    extra = {"events": int(frame[event].sum()), "separation_check": check}
    if monotone is not None:
        extra.update(separation=monotone.kind, infinite_terms=list(monotone.terms))
    return [Estimate(test="Cox proportional hazards", term=name, estimate=float(hr[i]),
                     estimate_type="hazard ratio", ci_low=float(lo[i]), ci_high=float(hi[i]),
                     ci_level=level, ci_method="Wald z (exponentiated)", statistic=float(fit.tvalues[i]),
                     statistic_name="z", p=float(fit.pvalues[i]), n=int(len(frame)), n_dropped=dropped,
                     method=f"Cox proportional hazards ({formula}), Efron ties, partial likelihood" + note,
                     se=float(fit.bse[i]), converged=converged, log_wald=True, extra=dict(extra))
            for i, name in enumerate(covariates)]


def _cox_reached(model, fit, time: np.ndarray, event: np.ndarray):
    """(monotone likelihood or None, converged, how separation was checked) for a statsmodels PHReg fit.

    PHReg's results carry no convergence record, so convergence is checked where it matters: the Newton step
    still to go at the reported coefficients, ``|I^-1 u|`` (R ``coxph``'s own test for an infinite coefficient),
    must be below 1e-6 * (1 + |beta|). Monotone likelihood is decided by the linear program of
    :func:`~analysis.stats.separation.cox_monotone_likelihood`, skipped (and said) past its size limit.
    """
    params = np.asarray(fit.params, float)
    try:
        monotone = cox_monotone_likelihood(time, event, model.exog, list(model.exog_names))
        check = "linear program"
    except OverflowError:
        monotone, check = None, "skipped (too many event/at-risk pairs); Newton step only"
    converged = monotone is None and bool(np.isfinite(params).all())
    if converged:
        with np.errstate(all="ignore"):
            step = np.linalg.solve(-model.hessian(params), model.score(params))
        converged = bool(np.isfinite(step).all() and (np.abs(step) < 1e-6 * (1 + np.abs(params))).all())
    return monotone, converged, check


def cox_efron(time: np.ndarray, event: np.ndarray, X: np.ndarray, max_iter: int = 50, tol: float = 1e-10
              ) -> tuple[np.ndarray, np.ndarray, bool]:
    """Cox partial-likelihood fit with Efron ties by Newton-Raphson on arrays: (coefficients, Wald SEs, converged).

    The same model as :func:`cox` (statsmodels ``PHReg``, Efron ties) without the formula layer, for assumption
    ensembles that fit many small datasets: rows sorted by descending time make every risk set a prefix, so its
    sums are cumulative sums; the Efron terms of tied events are one vector over the events. Equal to :func:`cox`
    draw by draw (tested). A fit whose coefficients leave +/-30 or stop being finite (separation) is not converged.

    >>> t = np.array([2., 3, 3, 5, 8, 9, 4, 6])
    >>> e = np.array([1, 1, 0, 1, 0, 1, 1, 1])
    >>> x = np.array([[0.], [1], [0], [1], [0], [1], [0], [1]])
    >>> beta, se, ok = cox_efron(t, e, x)
    >>> bool(ok), beta.shape
    (True, (1,))
    """
    order = np.argsort(-time, kind="stable")
    t, d, X = time[order], event[order].astype(bool), np.asarray(X, dtype=float)[order]
    n, k = X.shape
    starts = np.flatnonzero(np.r_[True, t[1:] != t[:-1]])  # groups of tied times, latest first
    ends = np.r_[starts[1:], n]
    group = np.repeat(np.arange(len(starts)), ends - starts)
    counts = np.bincount(group[d], minlength=len(starts))
    slot_group = np.repeat(np.arange(len(starts)), counts)  # one slot per event: l = 0 .. d_j - 1 in its group
    slot_frac = np.concatenate([np.arange(c) / c for c in counts if c]) if counts.any() else np.zeros(0)
    risk_end = ends[slot_group] - 1
    beta = np.zeros(k)
    converged = False

    def terms(beta):
        eta = X @ beta
        w = np.exp(eta - eta.max())  # a common factor cancels from every ratio below
        wx = w[:, None] * X
        wxx = wx[:, :, None] * X[:, None, :]
        r0, r1, r2 = np.cumsum(w)[risk_end], np.cumsum(wx, axis=0)[risk_end], np.cumsum(wxx, axis=0)[risk_end]
        de = d.astype(float)
        d0 = np.bincount(group, weights=w * de, minlength=len(starts))[slot_group]
        d1 = np.stack([np.bincount(group, weights=wx[:, j] * de, minlength=len(starts)) for j in range(k)], axis=1)
        d2 = np.stack([np.bincount(group, weights=wxx[:, a, b] * de, minlength=len(starts))
                       for a in range(k) for b in range(k)], axis=1).reshape(len(starts), k, k)
        f = slot_frac
        denom = r0 - f * d0
        num1 = r1 - f[:, None] * d1[slot_group]
        num2 = r2 - f[:, None, None] * d2[slot_group]
        mean = num1 / denom[:, None]
        grad = X[d].sum(axis=0) - mean.sum(axis=0)
        hess = (num2 / denom[:, None, None]).sum(axis=0) - np.einsum("si,sj->ij", mean, mean)
        return grad, hess

    for _ in range(max_iter):
        grad, hess = terms(beta)
        step = np.linalg.solve(hess, grad)
        proposed = beta + step
        if not np.isfinite(proposed).all() or np.abs(proposed).max() > 30:
            break
        beta = proposed
        if np.abs(step).max() < tol:
            converged = True
            break
    _, hess = terms(beta)
    se = np.sqrt(np.diag(np.linalg.inv(hess)))
    return beta, se, converged


def kaplan_meier(data: pd.DataFrame, time: str, event: str, level: float = 0.95) -> pd.DataFrame:
    """Kaplan-Meier survival at each event time with a pointwise CI on the log scale (R ``conf.type = "log"``).

    Returns
    -------
    DataFrame
        ``time``, ``n_risk``, ``n_event``, ``surv``, ``se`` (Greenwood), ``lower``, ``upper``.
    """
    frame, _ = model_frame(data, [time, event], min_rows=2)
    sf = SurvfuncRight(frame[time].to_numpy(float), frame[event].to_numpy(int))
    z = stats.norm.ppf(0.5 + level / 2)
    surv = sf.surv_prob
    with np.errstate(divide="ignore", invalid="ignore"):
        se_log = sf.surv_prob_se / surv
        lower = np.where(surv > 0, surv * np.exp(-z * se_log), np.nan)
        upper = np.where(surv > 0, np.minimum(1.0, surv * np.exp(z * se_log)), np.nan)
    return pd.DataFrame({"time": sf.surv_times, "n_risk": sf.n_risk, "n_event": sf.n_events, "surv": surv,
                         "se": sf.surv_prob_se, "lower": lower, "upper": upper})


def km_median(table: pd.DataFrame) -> float:
    """Median survival time: the first time survival drops to 0.5 or below (NaN if never)."""
    below = table.loc[table["surv"] <= 0.5, "time"]
    return float(below.iloc[0]) if len(below) else float("nan")
