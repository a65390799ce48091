"""A regression coefficient a paper prints: b (or a standardised beta), its SE, t (or z), p and df, each as printed.

Checked for internal consistency only (it shapes no dataset): b / SE must give the printed t, and t (or b / SE)
at its df the printed p, each number at its printed rounding.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, model_validator

from analysis.core.numbers import decimals_of
from analysis.spec.parts.base import Figure, Source, display_row


class RegressionCoefficient(Figure):
    """One coefficient of a (linear, logistic, ...) regression: ``b`` and at least one of ``se``, ``t`` or ``p``.

    ``df`` is the residual df as printed, else ``n - predictors - 1`` when both are given; without either the
    statistic is read as a z (a normal reference), and the check says so.

    Examples
    --------
    >>> c = RegressionCoefficient(id="ake", outcome="pain", predictor="AKE", b=0.12, se=0.04, t=3.0, t_decimals=2,
    ...                           p=0.004, n=60, predictors=2, source="table")
    >>> c.residual_df, c.display_rows(None)[0]["value"]
    (57.0, 'b = 0.12, SE 0.04, t(57) = 3.00, p = 0.004')
    """

    spec_field: ClassVar[str] = "regressions"
    id: str
    outcome: str
    predictor: str
    #: What else the model holds ("adjusted for age and sex"), as printed.
    model: str | None = None
    standardised: bool = False
    b: float
    b_decimals: int | None = Field(default=None, ge=0)
    se: float | None = Field(default=None, gt=0)
    se_decimals: int | None = Field(default=None, ge=0)
    #: The printed test statistic (t for a linear model, z (Wald) for a logistic one: ``statistic``).
    t: float | None = None
    t_decimals: int | None = Field(default=None, ge=0)
    statistic: Literal["t", "z"] = "t"
    p: float | None = Field(default=None, ge=0, le=1)
    p_relation: Literal["=", "<", ">"] = "="
    p_decimals: int | None = Field(default=None, ge=0)
    alpha: float = Field(default=0.05, gt=0, lt=1)
    df: float | None = Field(default=None, gt=0)
    n: int | None = Field(default=None, ge=2)
    #: Predictors in the model (this one included), for df = n - predictors - 1.
    predictors: int | None = Field(default=None, ge=1)
    source: Source
    note: str | None = None

    @model_validator(mode="after")
    def _checkable(self) -> "RegressionCoefficient":
        if self.se is None and self.t is None and self.p is None:
            raise ValueError(f"regression {self.id!r}: give at least one of 'se', 't' or 'p' beside 'b'")
        if self.n is not None and self.predictors is not None and self.n - self.predictors - 1 < 1:
            raise ValueError(f"regression {self.id!r}: n = {self.n} leaves no residual df for "
                             f"{self.predictors} predictors")
        return self

    @property
    def residual_df(self) -> float | None:
        """The df of the t: as printed, else n - predictors - 1, else None (a z)."""
        if self.statistic == "z":
            return None
        if self.df is not None:
            return self.df
        if self.n is not None and self.predictors is not None:
            return float(self.n - self.predictors - 1)
        return None

    def places(self, field: str) -> int:
        """Printed decimals of ``b``, ``se``, ``t`` or ``p``."""
        given = getattr(self, f"{field}_decimals")
        return given if given is not None else decimals_of(getattr(self, field))

    def display_rows(self, spec) -> list[dict]:
        name = "beta" if self.standardised else "b"
        parts = [f"{name} = {self.b:.{self.places('b')}f}"]
        if self.se is not None:
            parts.append(f"SE {self.se:.{self.places('se')}f}")
        if self.t is not None:
            df = self.residual_df
            parts.append(f"{self.statistic}{f'({df:g})' if df is not None else ''} = {self.t:.{self.places('t')}f}")
        if self.p is not None:
            parts.append(f"p {self.p_relation} {self.p:.{self.places('p')}f}")
        what = f"{self.predictor} -> {self.outcome} (regression{'; ' + self.model if self.model else ''})"
        return [display_row(what, ", ".join(parts), self.source)]
