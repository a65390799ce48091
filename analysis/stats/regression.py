"""Regression models through the statsmodels formula API, reported as :class:`Estimate` records.

Results tested against R 4.2 ``lm`` + ``sandwich::vcovHC``, ``glm`` (binomial, poisson with an
offset), ``MASS::glm.nb`` and NIST StRD Longley and Norris certified values.

Examples
--------
>>> import pandas as pd
>>> data = pd.DataFrame({"y": [1.0, 2.1, 2.9, 4.2, 5.1, 5.8], "x": [1, 2, 3, 4, 5, 6]})
>>> [round(e.estimate, 3) for e in ols("y ~ x", data, robust=None)]
[0.087, 0.98]
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from formulaic import Formula
from statsmodels.genmod import families

from analysis.core.errors import AnalysisError
from analysis.core.results import Estimate
from analysis.stats._frames import model_frame
from analysis.stats.separation import Separation, logistic_separation, poisson_separation


def _fit_quietly(model, **kwargs):
    """Fit, keeping statsmodels' convergence and overflow warnings out of the user's terminal
    (non-convergence is reported in the records instead)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            return model.fit(**kwargs)

GLM_TOL = 1e-12  # IRLS convergence on the deviance; the default 1e-8 leaves ~1e-4 in coefficients


def _fit_at_optimum(model, separation: Separation | None = None):
    """IRLS to convergence, then the covariance at the converged coefficients.

    statsmodels' IRLS reports the covariance of its last weighted least-squares step, whose weights come from the
    coefficients one step before the final ones (p off by up to 3e-8 against the exact MLE). One more IRLS pass
    started at the converged coefficients, with zero further iterations allowed to move them, gives the
    covariance at the optimum (tested against R ``glm`` with epsilon 1e-14). Under separation there is no
    optimum, and the first fit is returned as it stopped.
    """
    fit = _fit_quietly(model, tol=GLM_TOL, maxiter=100)
    if not fit.converged or separation is not None:  # no optimum to take the covariance at
        return fit
    return _fit_quietly(model, start_params=np.asarray(fit.params), tol=GLM_TOL, maxiter=100)


def _variables(formula: str, data: pd.DataFrame) -> tuple[list[str], list[str]]:
    names = [str(v) for v in Formula(formula).required_variables]
    numeric = [n for n in names if n in data.columns and pd.api.types.is_numeric_dtype(data[n])]
    categorical = [n for n in names if n not in numeric]
    return numeric, categorical


def _records(fit, test: str, method: str, n: int, dropped: int, transform=None, estimate_type="coefficient",
             level: float = 0.95, stat_name: str = "t", df=None, separation: Separation | None = None
             ) -> list[Estimate]:
    ci = np.asarray(fit.conf_int(alpha=1 - level))
    converged = bool(getattr(fit, "converged", True)) and separation is None
    extra = {} if separation is None else {"separation": separation.kind, "infinite_terms": list(separation.terms)}
    if separation is not None:
        method += (f"; NO FINITE ESTIMATE: {separation.describe()}, so the fit stopped where its tolerance "
                   "stopped it and the estimates, SEs and p values are not meaningful")
    elif not converged:
        method += "; DID NOT CONVERGE (separation or too few events): the estimate is unreliable"
    out = []
    for i, term in enumerate(fit.params.index):
        est, low, high = float(fit.params.iloc[i]), float(ci[i, 0]), float(ci[i, 1])
        if transform is not None:
            with np.errstate(over="ignore"):
                est, low, high = float(transform(est)), float(transform(low)), float(transform(high))
        out.append(Estimate(test=test, term=str(term), estimate=est, estimate_type=estimate_type,
                            ci_low=low, ci_high=high, ci_level=level,
                            ci_method="Wald " + ("t" if stat_name == "t" else "z") +
                                      (" (exponentiated)" if transform else ""),
                            statistic=float(fit.tvalues.iloc[i]), statistic_name=stat_name, df=df,
                            p=float(fit.pvalues.iloc[i]), n=n, n_dropped=dropped, method=method,
                            se=float(fit.bse.iloc[i]), converged=converged, log_wald=transform is not None,
                            extra=dict(extra)))
    return out


def ols(formula: str, data: pd.DataFrame, robust: str | None = "HC3", level: float = 0.95) -> list[Estimate]:
    """Ordinary least squares, one record per coefficient.

    Parameters
    ----------
    robust : {"HC3", "HC1", None}
        Heteroscedasticity-consistent SEs (``sandwich::vcovHC`` types), or the classical ones.
        Tests and CIs use t on the residual df either way, as ``lmtest::coeftest`` does.
    """
    numeric, categorical = _variables(formula, data)
    frame, dropped = model_frame(data, numeric, categorical, min_rows=3)
    model = smf.ols(formula, data=frame)
    if model.exog.shape[0] <= model.exog.shape[1]:
        raise AnalysisError(f"{formula}: {model.exog.shape[0]} rows cannot fit {model.exog.shape[1]} coefficients")
    fit = model.fit(cov_type=robust, use_t=True) if robust else model.fit()
    se_name = f"{robust} robust SEs" if robust else "classical SEs"
    return _records(fit, "OLS", f"Ordinary least squares ({formula}) with {se_name}", int(fit.nobs), dropped,
                    level=level, df=float(fit.df_resid))


def logistic(formula: str, data: pd.DataFrame, level: float = 0.95) -> list[Estimate]:
    """Logistic regression; estimates are odds ratios with Wald CIs (R ``confint.default``)."""
    numeric, categorical = _variables(formula, data)
    frame, dropped = model_frame(data, numeric, categorical, min_rows=5)
    outcome = formula.split("~")[0].strip()
    if not set(frame[outcome].unique()) <= {0, 1}:
        raise AnalysisError(f"{outcome}: a logistic outcome must be coded 0/1")
    model = smf.glm(formula, data=frame, family=families.Binomial())
    separation = logistic_separation(model.exog, model.endog, list(model.exog_names))
    fit = _fit_at_optimum(model, separation)
    return _records(fit, "Logistic regression", f"Binomial GLM, logit link ({formula}); Wald CIs",
                    int(fit.nobs), dropped, transform=np.exp, estimate_type="odds ratio", level=level, stat_name="z",
                    separation=separation)


def _rate_frame(formula: str, data: pd.DataFrame, exposure: str):
    numeric, categorical = _variables(formula, data)
    frame, dropped = model_frame(data, [*numeric, exposure], categorical, min_rows=5, constant_ok=(exposure,))
    if (frame[exposure] <= 0).any():
        raise AnalysisError(f"{exposure}: exposure must be positive")
    outcome = formula.split("~")[0].strip()
    if (frame[outcome] < 0).any() or (frame[outcome] % 1 != 0).any():
        raise AnalysisError(f"{outcome}: counts must be whole numbers >= 0")
    return frame, dropped


def poisson(formula: str, data: pd.DataFrame, exposure: str, level: float = 0.95) -> list[Estimate]:
    """Poisson regression of counts with ``log(exposure)`` as offset; estimates are rate ratios."""
    frame, dropped = _rate_frame(formula, data, exposure)
    model = smf.glm(formula, data=frame, family=families.Poisson(), offset=np.log(frame[exposure]))
    separation = poisson_separation(model.exog, model.endog, list(model.exog_names))
    fit = _fit_at_optimum(model, separation)
    records = _records(fit, "Poisson regression", f"Poisson GLM, log link, offset log({exposure}) ({formula}); Wald CIs",
                       int(fit.nobs), dropped, transform=np.exp, estimate_type="rate ratio", level=level, stat_name="z",
                       separation=separation)
    dispersion = float(fit.pearson_chi2 / fit.df_resid)
    return [e.__class__(**{**e.__dict__, "extra": {**e.extra, "pearson_dispersion": dispersion}}) for e in records]


def negative_binomial(formula: str, data: pd.DataFrame, exposure: str, level: float = 0.95) -> list[Estimate]:
    """Negative binomial (NB2) regression with an exposure offset; estimates are rate ratios.

    Notes
    -----
    As ``MASS::glm.nb``: theta (= 1/alpha) by maximum likelihood, then the coefficients
    and their SEs from the GLM at that theta.
    """
    frame, dropped = _rate_frame(formula, data, exposure)
    offset = np.log(frame[exposure])
    discrete = smf.negativebinomial(formula, data=frame, offset=offset, loglike_method="nb2")
    # the NB likelihood has the Poisson's recession directions (a pattern with no events), so the same check holds
    separation = poisson_separation(discrete.exog, discrete.endog, list(discrete.exog_names))
    ml = _fit_quietly(discrete, disp=False, maxiter=200, method="bfgs")
    if separation is None:  # Newton from a separated start runs to nan; there is no optimum to polish
        ml = _fit_quietly(discrete, start_params=ml.params, disp=False, maxiter=100, method="newton")
    alpha = float(ml.params["alpha"])
    if separation is not None and not (np.isfinite(alpha) and alpha > 0):
        alpha = 1e-8  # only reached under separation, whose records are flagged as holding no finite estimate
    model = smf.glm(formula, data=frame, family=families.NegativeBinomial(alpha=alpha), offset=offset)
    fit = _fit_at_optimum(model, separation)
    records = _records(fit, "Negative binomial regression",
                       f"NB2 GLM, log link, offset log({exposure}) ({formula}); theta by ML; Wald CIs",
                       int(fit.nobs), dropped, transform=np.exp, estimate_type="rate ratio", level=level, stat_name="z",
                       separation=separation)
    return [e.__class__(**{**e.__dict__, "extra": {**e.extra, "theta": 1 / alpha}}) for e in records]
