"""A published proportion: the count behind a printed percentage, its exact (Clopper-Pearson) CI, and a
random-effects pool of several proportions on the logit scale.

Results tested against R 4.2.2 (``binom.test``) and metafor 3.8.1 (``rma`` on ``escalc(measure = "PLO")``):
``tests/fixtures/r/reference_proportions.R``.

Examples
--------
>>> x = events_from_printed(0.612, 98, 3)      # "60 (61.2%)" of 98
>>> x, [round(v, 4) for v in exact_ci(x, 98)]
(60, [0.5085, 0.709])
>>> events_from_printed(0.51, 31, 2) is None   # no whole count of 31 rounds to 51% (15/31 = 48.4%, 16/31 = 51.6%)
True
>>> events_from_printed(0.51, 31, 2, rounding="truncated")  # 16/31 = 0.516..., printed cut to 0.51
16
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Literal

from scipy import stats

from analysis.stats.granularity import rounds_to

__all__ = ["events_from_printed", "exact_ci", "logit_pool", "LEAST_EACH_WAY"]

#: Events and non-events each line needs before proportions are pooled on the logit scale: the logit's normal
#: approximation (variance 1/x + 1/(n - x)) is poor with fewer (the rule np >= 5 and n(1 - p) >= 5).
LEAST_EACH_WAY = 5


def _shows_as(x: int, n: int, printed: float, decimals: int, rounding: str) -> bool:
    exact = Fraction(x, n)
    if rounding == "truncated":
        target = Fraction(str(round(printed, decimals)))
        return target <= exact < target + Fraction(1, 10**decimals)
    return rounds_to(exact, printed, decimals)


def events_from_printed(printed: float, n: int, decimals: int,
                        rounding: Literal["rounded", "truncated"] = "rounded") -> int | None:
    """The count x of n that the printed proportion comes from, or None when no whole count gives it.

    Parameters
    ----------
    printed : float
        The proportion as printed, between 0 and 1 (61.2% is 0.612).
    n : int
        The denominator.
    decimals : int
        Decimals of ``printed`` as printed (0.612 -> 3).
    rounding : {"rounded", "truncated"}
        How the paper turned x / n into the printed digits: rounded (exact halves either way), or cut off.

    Returns
    -------
    int or None
        The count nearest ``printed * n`` among those whose x / n prints as ``printed``; under rounding that is
        ``round(printed * n)`` whenever that count fits. None when no count of ``n`` fits (an input error for the
        caller: the printed value and n disagree).

    Examples
    --------
    >>> events_from_printed(0.2431, 292, 4), events_from_printed(0.2431, 292, 4, "truncated")  # 71/292 = 0.243150...
    (None, 71)
    """
    if n < 1 or not 0 <= printed <= 1:
        return None
    fits = [x for x in range(n + 1) if _shows_as(x, n, printed, decimals, rounding)]
    return min(fits, key=lambda x: (abs(x - printed * n), x)) if fits else None


def exact_ci(x: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """The exact (Clopper-Pearson) CI of x events of n: ``scipy.stats.binomtest(x, n).proportion_ci("exact")``,
    the interval of R's ``binom.test``.

    Examples
    --------
    >>> [round(v, 4) for v in exact_ci(0, 10)], [round(v, 4) for v in exact_ci(10, 10)]
    ([0.0, 0.3085], [0.6915, 1.0])
    """
    ci = stats.binomtest(int(x), int(n)).proportion_ci(confidence_level=level, method="exact")
    return float(ci.low), float(ci.high)


def logit_pool(events: list[int], n: list[int], labels: list[str] | None = None) -> dict:
    """Pool proportions on the logit scale: REML tau-squared, with three or more the Hartung-Knapp-Sidik-Jonkman
    interval (:func:`analysis.stats.meta.meta_analysis`), each study's logit x / (n - x) with variance
    1 / x + 1 / (n - x) (metafor's ``escalc(measure = "PLO")``), back-transformed.

    Returns
    -------
    dict
        ``estimate`` and ``ci`` (proportions), ``logit`` (the pooled :class:`~analysis.core.results.Estimate`),
        ``prediction_interval`` (proportions, or None), ``i2``, ``k``, ``weights`` (by label) and ``method``.

    Examples
    --------
    >>> out = logit_pool([30, 9, 71], [83, 33, 292], ["S74", "S75", "S76"])
    >>> round(out["estimate"], 4), [round(v, 4) for v in out["ci"]], round(out["i2"])
    (0.2861, [0.156, 0.4649], 55)
    """
    from analysis.stats.meta import meta_analysis

    if any(not 0 < x < m for x, m in zip(events, n)):
        raise ValueError("every proportion pooled on the logit scale needs 0 < events < n")
    y = [math.log(x / (m - x)) for x, m in zip(events, n)]
    v = [1 / x + 1 / (m - x) for x, m in zip(events, n)]
    test = "knha" if len(y) >= 3 else "z"
    est = meta_analysis(y, v, method="REML", test=test, labels=labels)
    extra = est.extra
    back = _expit
    pi = None
    if extra.get("pi_low") is not None:
        pi = [back(extra["pi_low"]), back(extra["pi_high"])]
    interval = ("Hartung-Knapp-Sidik-Jonkman interval (t, k - 1 df), "
                f"{extra.get('knha_vs_wald', '')} than Wald's" if test == "knha" else "Wald interval (k = 2)")
    names = labels or [str(i) for i in range(len(y))]
    return {"estimate": back(est.estimate), "ci": [back(est.ci_low), back(est.ci_high)], "logit": est,
            "prediction_interval": pi, "i2": extra.get("I2"), "k": len(y),
            "weights": {name: 1 / (vi + extra["tau2"]) for name, vi in zip(names, v)},
            "method": f"REML tau-squared on the logit scale, {interval}; back-transformed to a proportion"}


def _expit(value: float) -> float:
    return 1 / (1 + math.exp(-value))
