"""Trial analyses: ANCOVA of post on pre and arm, and a linear mixed model for repeated measures.

Results tested against R 4.2 ``lm`` and ``lme4::lmer`` (REML).

Examples
--------
>>> import pandas as pd
>>> d = pd.DataFrame({"arm": ["a", "a", "a", "b", "b", "b"], "pre": [5., 7, 6, 6, 8, 5],
...                   "post": [4., 6, 5, 3, 5, 2]})
>>> round(ancova(d, "pre", "post", "arm", reference="a").estimate, 3)
-2.0
"""

from __future__ import annotations

import pandas as pd
import statsmodels.formula.api as smf

from analysis.core.errors import AnalysisError
from analysis.core.names import formula_names
from analysis.core.results import Estimate
from analysis.stats._frames import model_frame
from analysis.stats.regression import ols


def ancova(data: pd.DataFrame, pre: str, post: str, arm: str, reference: str, robust: str | None = None,
           level: float = 0.95) -> Estimate:
    """Adjusted difference between arms in ``post``, controlling for ``pre`` (OLS)."""
    frame, _ = model_frame(data, [pre, post], [arm], min_rows=4)
    if reference not in set(frame[arm]):
        raise AnalysisError(f"{arm}: reference arm {reference!r} not in the data")
    formula_names([post, pre, arm], "ANCOVA")
    formula = f"{post} ~ {pre} + C({arm}, Treatment(reference={reference!r}))"
    records = ols(formula, data.assign(**{arm: data[arm].astype(str)}), robust=robust, level=level)
    effect = next(e for e in records if e.term.startswith(f"C({arm}"))
    other = effect.term.split("[T.")[-1].rstrip("]")
    return Estimate(**{**effect.__dict__, "test": "ANCOVA", "term": f"{other} - {reference} (adjusted for {pre})",
                       "estimate_type": "adjusted mean difference",
                       "method": f"ANCOVA: OLS of {post} on {pre} and {arm}" +
                                 (f" with {robust} SEs" if robust else "")})


def mixed_model(data: pd.DataFrame, formula: str, group: str, numeric: list[str], categorical: list[str] = (),
                level: float = 0.95) -> list[Estimate]:
    """Linear mixed model with a random intercept per ``group``, fitted by REML; one record per fixed effect."""
    frame, dropped = model_frame(data, numeric, [*categorical, group], min_rows=6)
    sizes = frame.groupby(group).size()
    if (sizes < 2).all():
        raise AnalysisError(f"{group}: every group has one observation; a random intercept needs repeated measures")
    fit = smf.mixedlm(formula, data=frame, groups=frame[group]).fit(reml=True, method=["lbfgs", "powell"])
    ci = fit.conf_int(alpha=1 - level)
    out = []
    for term in fit.fe_params.index:
        out.append(Estimate(test="Linear mixed model", term=str(term), estimate=float(fit.fe_params[term]),
                            estimate_type="fixed effect", ci_low=float(ci.loc[term, 0]), ci_high=float(ci.loc[term, 1]),
                            ci_level=level, ci_method="Wald z", statistic=float(fit.tvalues[term]), statistic_name="z",
                            p=float(fit.pvalues[term]), n=int(len(frame)), n_dropped=dropped,
                            method=f"Linear mixed model ({formula}, random intercept per {group}), REML",
                            se=float(fit.bse_fe[term]), extra={"var_group": float(fit.cov_re.iloc[0, 0]),
                                   "var_residual": float(fit.scale), "groups": int(len(sizes))}))
    return out
