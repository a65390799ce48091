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
import pandas as pd
from scipy.stats import norm


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
    extra: dict = field(default_factory=dict)

    # --- conversions -------------------------------------------------------
    def to_dict(self) -> dict:
        """A JSON-safe dict (NaN and infinities become None)."""
        return {k: _json_safe(v) for k, v in asdict(self).items()}

    def to_json(self) -> str:
        """The record as a JSON object."""
        return json.dumps(self.to_dict(), sort_keys=True)

    def with_source(self, source: str, sha256: str | None = None) -> "Estimate":
        """A copy that names where the data came from."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(source=source, source_sha256=sha256)
        return Estimate(**values)

    def wald_at_level(self, level: float) -> "Estimate":
        """The same Wald z estimate with its CI at another ``level``: centre +/- z * SE, on the log
        scale when the estimate is exponentiated (an odds, rate or hazard ratio).

        The model is not refitted: a Wald CI at any level follows from the estimate and its SE
        (``extra["se"]``).

        Examples
        --------
        >>> e = Estimate(test="Logistic regression", term="age", estimate=math.exp(0.5), ci_low=math.exp(0.5 - 1.96),
        ...              ci_high=math.exp(0.5 + 1.96), ci_method="Wald z (exponentiated)", extra={"se": 1.0})
        >>> ninety = e.wald_at_level(0.90)
        >>> round(math.log(ninety.ci_low), 4), round(math.log(ninety.ci_high), 4), ninety.ci_level
        (-1.1449, 2.1449, 0.9)
        """
        se = self.extra.get("se")
        if se is None or not self.ci_method.startswith("Wald z"):
            raise ValueError(f"wald_at_level: {self.test} ({self.term}) is not a Wald z estimate with an SE "
                             f"(ci_method {self.ci_method!r}); compute its {level:.0%} CI from the data instead")
        z = float(norm.ppf(0.5 + level / 2))
        exponentiated = "exponentiated" in self.ci_method
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            centre = np.log(self.estimate) if exponentiated else self.estimate
            low, high = centre - z * se, centre + z * se
            if exponentiated:
                low, high = np.exp(low), np.exp(high)
        return replace(self, ci_low=float(low), ci_high=float(high), ci_level=level)

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


def results_frame(estimates: list[Estimate]) -> pd.DataFrame:
    """Stack estimates into a tidy DataFrame, one row each."""
    return pd.DataFrame([e.to_dict() for e in estimates])
