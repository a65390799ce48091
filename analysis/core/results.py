"""One tidy result type for every statistic the toolkit reports.

Each :class:`Estimate` is one estimate with its CI and the name of the method
that produced it. It converts to a dict (JSON-safe), a DataFrame row, and an
APA-style sentence that names the method, as easystats ``report`` does.

Examples
--------
>>> e = Estimate(test="Pearson correlation", term="x, y", estimate=-0.40, ci_low=-0.59,
...              ci_high=-0.16, ci_method="Fisher z", statistic=-3.32, statistic_name="t",
...              df=58, p=0.0016, n=60, method="Pearson product-moment correlation")
>>> for part in e.sentence().split("; "):
...     print(part)
Pearson correlation (x, y): estimate = -0.40, 95% CI [-0.59, -0.16] (Fisher z), t(58) = -3.32, p = .002
n = 60. Method: Pearson product-moment correlation.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, fields, replace

import numpy as np
from scipy.stats import norm
from scipy.stats import t as student_t


@dataclass(frozen=True)
class Estimate:
    """One estimate, its uncertainty and its provenance.

    Attributes
    ----------
    test : str
        Short name of the test (``"Welch t test"``).
    term : str
        What is estimated (``"lbp - healthy"``, ``"hamstring_length, nprs"``).
    estimate : float
        The point estimate, on the scale named by ``estimate_type``.
    ci_low, ci_high : float or None
        Confidence limits at ``ci_level``.
    ci_level : float
        Confidence level (0.95 unless stated).
    ci_method : str
        How the CI was computed (``"Fisher z"``, ``"noncentral t inversion"``).
    statistic, statistic_name, df, p : optional
        The test statistic, its name (``t``, ``W``, ``chi2``), degrees of freedom and p value.
    estimate_type : str
        What the estimate is (``"r"``, ``"mean difference"``, ``"Hedges' g"``).
    effect_size, effect_size_type : float or None, str or None
        A standardised effect accompanying a test (e.g. Hedges' g beside a t test), and which one.
    bf10 : float or None
        Bayes factor for H1 over H0, as a float.
    n : int
        Observations used (after dropping missing values).
    n_dropped : int
        Observations dropped for missing values.
    source, source_sha256 : str
        The data: a study id or a user file, and the file's sha256 when known.
    method : str
        Full name of the method with its variant and reference.
    alternative : str
        ``"two-sided"`` unless stated.
    se : float or None
        Standard error of the estimate on the scale its Wald CI is symmetric on (the log scale for an
        exponentiated ratio); set by methods whose CI is estimate +/- z * SE.
    converged : bool or None
        Whether an iterative fit converged (None for closed forms).
    log_wald : bool
        True when the Wald CI is symmetric on the log scale and exponentiated back (a ratio from a log-link model):
        :meth:`conf_int` then works on the log scale. Set by the method, never read from ``ci_method``.
    other_cis : tuple of (level, low, high)
        CIs at other levels computed by the method itself (e.g. the 90% CI of Hedges' g by noncentral t
        inversion), returned by :meth:`conf_int`.
    extra : dict
        Method-specific quantities (tau^2, I^2, U, ...), documented by each method.
    """

    test: str
    term: str
    estimate: float
    ci_low: float | None = None
    ci_high: float | None = None
    ci_level: float = 0.95
    ci_method: str = ""
    statistic: float | None = None
    statistic_name: str | None = None
    df: float | None = None
    p: float | None = None
    estimate_type: str = ""
    effect_size: float | None = None
    effect_size_type: str | None = None
    bf10: float | None = None
    n: int = 0
    n_dropped: int = 0
    source: str = ""
    source_sha256: str | None = None
    method: str = ""
    alternative: str = "two-sided"
    se: float | None = None
    converged: bool | None = None
    log_wald: bool = False
    other_cis: tuple[tuple[float, float, float], ...] = ()
    extra: dict = field(default_factory=dict)

    # --- conversions -------------------------------------------------------
    def to_dict(self) -> dict:
        """A JSON-safe dict (NaN and infinities become None)."""
        out = {k: _json_safe(v) for k, v in asdict(self).items()}
        out["other_cis"] = [{"level": lv, "ci_low": _json_safe(lo), "ci_high": _json_safe(hi)}
                            for lv, lo, hi in self.other_cis]
        return out

    def to_json(self) -> str:
        """The record as a JSON object."""
        return json.dumps(self.to_dict(), sort_keys=True)

    def with_source(self, source: str, sha256: str | None = None) -> "Estimate":
        """A copy that names where the data came from."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(source=source, source_sha256=sha256)
        return Estimate(**values)

    def with_interval(self, other: "Estimate") -> "Estimate":
        """A copy that also carries ``other``'s CI (the same estimate computed at another level).

        >>> a = Estimate(test="g", term="a - b", estimate=0.5, ci_low=0.1, ci_high=0.9)
        >>> a.with_interval(replace(a, ci_low=0.2, ci_high=0.8, ci_level=0.90)).conf_int(0.90)
        (0.2, 0.8)
        """
        return replace(self, other_cis=(*self.other_cis, (other.ci_level, other.ci_low, other.ci_high)))

    def conf_int(self, level: float = 0.95) -> tuple[float, float]:
        """The CI at ``level``, as statsmodels results give it.

        The method's own CI when it was computed at that level (``ci_level`` or ``other_cis``); otherwise, for an
        estimate with a standard error, the interval centre +/- q * SE, where q is the t quantile with ``df``
        degrees of freedom when the estimate is t-based (``statistic_name`` "t" with ``df``: an OLS coefficient,
        a mean change, a Hartung-Knapp pool, as R's ``t.test`` and ``confint``) and the normal quantile
        otherwise; on the log scale and exponentiated back when ``log_wald``. Anything else raises: such a CI
        must be computed from the data.

        Examples
        --------
        >>> e = Estimate(test="Logistic regression", term="age", estimate=math.exp(0.5), ci_low=math.exp(0.5 - 1.96),
        ...              ci_high=math.exp(0.5 + 1.96), ci_method="Wald z (exponentiated)", se=1.0, log_wald=True)
        >>> low, high = e.conf_int(0.90)
        >>> round(math.log(low), 4), round(math.log(high), 4)
        (-1.1449, 2.1449)
        >>> m = Estimate(test="Paired t test", term="after - before", estimate=1.0, se=0.5, df=4.0,
        ...              statistic=2.0, statistic_name="t")
        >>> [round(v, 4) for v in m.conf_int(0.90)]  # 1 -/+ qt(0.95, 4) * 0.5
        [-0.0659, 2.0659]
        """
        if math.isclose(level, self.ci_level) and self.ci_low is not None:
            return self.ci_low, self.ci_high
        for lv, low, high in self.other_cis:
            if math.isclose(level, lv):
                return low, high
        if self.se is None:
            raise ValueError(f"conf_int: {self.test} ({self.term}) has no {level:.0%} CI and no standard error; "
                             f"compute it from the data at that level")
        t_based = self.df is not None and self.statistic_name == "t"
        q = float(student_t.ppf(0.5 + level / 2, self.df) if t_based else norm.ppf(0.5 + level / 2))
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            centre = np.log(self.estimate) if self.log_wald else self.estimate
            low, high = centre - q * self.se, centre + q * self.se
            if self.log_wald:
                low, high = np.exp(low), np.exp(high)
        return float(low), float(high)

    def sentence(self, digits: int = 2) -> str:
        """An APA-style sentence naming the estimate, CI and its method, the test and the method."""
        parts = [f"{self.test} ({self.term}): "
                 f"{self.estimate_type + ' = ' if self.estimate_type else 'estimate = '}{_num(self.estimate, digits)}"]
        if self.ci_low is not None and self.ci_high is not None:
            method = f" ({self.ci_method})" if self.ci_method else ""
            parts.append(f"{round(self.ci_level * 100):d}% CI [{_num(self.ci_low, digits)}, "
                         f"{_num(self.ci_high, digits)}]{method}")
        if self.statistic is not None and self.statistic_name:
            df = f"({_df(self.df)})" if self.df is not None else ""
            parts.append(f"{self.statistic_name}{df} = {_num(self.statistic, digits)}")
        if self.p is not None:
            parts.append(format_p(self.p))
        if self.effect_size is not None and self.effect_size_type:
            parts.append(f"{self.effect_size_type} = {_num(self.effect_size, digits)}")
        if self.bf10 is not None:
            parts.append(f"BF10 = {format_bf(self.bf10)}")
        text = ", ".join(parts) + (f"; n = {self.n}" if self.n else "")
        if self.n_dropped:
            text += f" ({self.n_dropped} dropped for missing values)"
        text += "."
        if self.method:
            text += f" Method: {self.method}."
        return text


def _json_safe(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if hasattr(value, "item"):  # numpy scalar
        return _json_safe(value.item())
    return value


def _num(value: float, digits: int) -> str:
    if value is None or not math.isfinite(value):
        return "NA"
    text = f"{value:.{digits}f}"
    return "0." + "0" * digits if text in ("-0." + "0" * digits) else text


def _df(df: float) -> str:
    return f"{df:.0f}" if float(df).is_integer() else f"{df:.2f}"


def format_p(p: float) -> str:
    """APA p: no leading zero, ``p < .001`` below one in a thousand.

    >>> format_p(0.0412), format_p(0.00001), format_p(0.5)
    ('p = .041', 'p < .001', 'p = .500')
    """
    if p < 0.001:
        return "p < .001"
    return "p = " + f"{p:.3f}".removeprefix("0")


def format_bf(bf: float) -> str:
    """A Bayes factor with sensible precision.

    >>> format_bf(3.2012), format_bf(123456.0), format_bf(0.0123)
    ('3.20', '1.23e+05', '0.012')
    """
    if bf >= 1000:
        return f"{bf:.2e}"
    if bf < 0.1:
        return f"{bf:.2g}"
    return f"{bf:.2f}"
