"""``rate_interaction``: does the age gradient of injury rates differ between two levels of a factor?

A Poisson model of injury counts with exposure, ``injuries ~ C(muscle) + age_step + age_step:FACTOR``, on a table of
age band x outcome counts. Which outcomes belong to which level, the factor's name and its reference level come
from the claim file (e.g. muscles by nerve-root supply); nothing here knows any level's name. The table's column
names come from the claim file too (``count_column``, ``exposure_column``, ``unit_column``, ``band_column``, and
``age_column`` for per-row data); their defaults are the injury-rates family's (``data/families.yaml``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import model_validator
from scipy import stats as sps

from analysis import stats
from analysis.claims.kinds.base import EvidenceKind, Outcome, Plot, log_scale, register, term
from analysis.core import scales
from analysis.core.errors import AnalysisError
from analysis.core.names import formula_name_problem, formula_names
from analysis.datasets.injury_rates import OUTSIDE_BANDS, RateColumns, age_steps, rate_table_from_counts


@register
class RateInteractionEvidence(EvidenceKind):
    """Age x ``factor`` interaction (rate ratio per age band) of the outcomes' rates, ``reference`` level as base.

    ``outcomes`` maps each 0/1 outcome column (or ``unit_column`` value of an aggregated table) to its factor level;
    there must be exactly two levels, one of them ``reference``. ``level_labels`` gives readable names. The
    ``*_column`` fields name the aggregated table's columns (and ``age_column`` the per-row data's age); each is a
    plain identifier, checked at load, as every column an entry reads (they reach the model's formula).
    """

    analysis: Literal["rate_interaction"]
    outcomes: dict[str, str]
    age_bands: list[float]
    factor: str
    reference: str
    level_labels: dict[str, str] = {}
    count_column: str = RateColumns.count
    exposure_column: str = RateColumns.exposure
    unit_column: str = RateColumns.unit
    band_column: str = RateColumns.band
    age_column: str = "age"

    scale = scales.LOG_RATE_RATIO
    ratio = True

    @model_validator(mode="after")
    def _two_levels(self) -> "RateInteractionEvidence":
        levels = sorted(set(self.outcomes.values()))
        if len(levels) != 2 or self.reference not in levels:
            raise ValueError(f"outcomes must map to exactly two levels of {self.factor!r}, one of them the reference "
                             f"{self.reference!r}; got {levels}")
        if len(self.age_bands) < 3 or any(b <= a for a, b in zip(self.age_bands, self.age_bands[1:])):
            raise ValueError(f"age_bands must be at least three increasing edges, got {self.age_bands}")
        problem = formula_name_problem(self.age_column)  # the other columns are checked with columns()
        if problem is not None:
            raise ValueError(f"age_column: {problem}")
        return self

    @property
    def tested(self) -> str:
        """The level whose extra age gradient is estimated."""
        return next(v for v in sorted(set(self.outcomes.values())) if v != self.reference)

    def label(self, level: str) -> str:
        return self.level_labels.get(level, level)

    @property
    def rate_columns(self) -> RateColumns:
        """The aggregated table's column names, as this entry names them."""
        return RateColumns(band=self.band_column, unit=self.unit_column, count=self.count_column,
                           exposure=self.exposure_column)

    def columns(self) -> list[str]:
        return [self.band_column, self.unit_column, self.factor, self.exposure_column, self.count_column]

    def _aggregated(self, have) -> bool:
        return {self.count_column, self.exposure_column, self.factor, self.band_column} <= set(have)

    def input_columns(self, have: list[str]) -> list[str]:
        """An aggregated rate table (see :meth:`columns`), or per-row data: age and one 0/1 column per outcome."""
        return self.columns() if self._aggregated(have) else [self.age_column, *self.outcomes]

    def _formula(self) -> str:
        """The Poisson model's formula; every name in it is a checked plain name (:mod:`analysis.core.names`)."""
        count, unit, band, factor = formula_names([self.count_column, self.unit_column, self.band_column, self.factor],
                                                  f"evidence {self.id}")
        return f"{count} ~ C({unit}) + {band} + {band}:{factor}"

    def _interaction(self) -> str:
        """The interaction's term as the formula layer names it."""
        return f"{self.band_column}:{self.factor}[T.{self.tested}]"

    def prepare(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Aggregate per-row data (one 0/1 column per outcome) into age band x outcome counts with exposure."""
        if self._aggregated(frame.columns):
            return frame  # already aggregated (e.g. the user's injury-rates file)
        step, inside = age_steps(frame[self.age_column].to_numpy(float), self.age_bands)
        step = step[inside]
        bands = len(self.age_bands) - 1
        names = list(self.outcomes)
        counts = np.column_stack([np.bincount(step, weights=frame[c].to_numpy(float)[inside], minlength=bands)
                                  for c in names])
        table = rate_table_from_counts(counts, np.bincount(step, minlength=bands), names, self.age_bands,
                                       self.outcomes, factor=self.factor, columns=self.rate_columns)
        table.attrs["left_out"] = {OUTSIDE_BANDS: int(np.count_nonzero(~inside))}
        return table

    def run(self, frame, spec) -> Outcome:
        table = self.prepare(frame)
        levels = sorted(table[self.factor].unique())
        wanted = sorted({self.reference, self.tested})
        if levels != wanted:
            raise AnalysisError(f"{self.factor}: needs rows of both {wanted[0]!r} and {wanted[1]!r}, got {levels}")
        formula = self._formula()
        coded = table.assign(**{self.factor: pd.Categorical(table[self.factor], [self.reference, self.tested])})
        records = stats.poisson(formula, coded, self.exposure_column)
        primary = term(records, self._interaction())
        base = term(records, self.band_column)
        primary = replace(primary, term=f"age x {self.label(self.tested)} (extra rate ratio per age band)")
        base = replace(base, term=f"age, {self.label(self.reference)} (rate ratio per age band)")
        return Outcome([primary, base], log_scale(primary), self.scale, self.judged_sesoi, note=self._left_out(table))

    def _left_out(self, table: pd.DataFrame) -> str:
        """What the aggregation left out, said (rows whose age is missing or outside the bands)."""
        left = {why: rows for why, rows in table.attrs.get("left_out", {}).items() if rows}
        edges = f"{self.age_bands[0]:g} to {self.age_bands[-1]:g}"
        return "; ".join(f"{rows} row{'s' if rows != 1 else ''} left out ({why}: {edges})" for why, rows in left.items())

    def simulate_power(self, frame: pd.DataFrame, spec, n: int, ratio: float, sims: int, seed: int,
                       alpha: float = 0.05) -> dict:
        """Power of this entry's interaction test when its rate ratio per band is ``ratio`` and the exposure is ``n``
        times the reconstruction's.

        The entry's own Poisson model is fitted to its reconstruction's rate table; simulated tables keep the fitted
        rates of every other term, set the interaction to ``log(ratio)``, draw Poisson counts and refit.
        """
        from patsy import dmatrices
        from statsmodels.genmod.families import Poisson
        from statsmodels.genmod.generalized_linear_model import GLM

        table = self.prepare(frame)
        coded = table.assign(**{self.factor: pd.Categorical(table[self.factor], [self.reference, self.tested])})
        formula = self._formula()
        y, X = dmatrices(formula, coded, return_type="dataframe")
        exposure = coded[self.exposure_column].to_numpy(float)
        offset = np.log(exposure * n)
        fit = GLM(y, X, family=Poisson(), offset=np.log(exposure)).fit()
        coef = fit.params.copy()
        name = self._interaction()
        coef[name] = np.log(ratio)
        mu = np.exp(X.to_numpy() @ coef.to_numpy() + offset)
        rng = np.random.default_rng(seed)
        hits = failed = 0
        column = list(X.columns).index(name)
        for _ in range(sims):
            counts = rng.poisson(mu)
            try:
                res = GLM(counts, X.to_numpy(), family=Poisson(), offset=offset).fit()
            except (ValueError, np.linalg.LinAlgError):
                failed += 1
                continue
            b, se = res.params[column], res.bse[column]
            if np.isfinite(se) and se > 0 and 2 * sps.norm.sf(abs(b / se)) < alpha and np.sign(b) == (self.sign or 1):
                hits += 1
        power = hits / sims
        return {"n": n, "effect": ratio, "power": power, "mc_se": float(np.sqrt(power * (1 - power) / sims)),
                "failed": failed, "sims": sims,
                "model": f"Poisson {formula}, offset log({self.exposure_column} x {n}); fitted to the {spec.short} "
                         f"reconstruction"}

    def figures(self, result, synthetic: str) -> list[Plot]:
        return [Plot(self.rate_figure(self.prepare(result.frame)),
                       f"Injury rate by age band for each muscle; solid lines {self.label(self.tested)}, dashed "
                       f"{self.label(self.reference)}.{synthetic}")]

    def rate_figure(self, table: pd.DataFrame) -> str:
        """The rate per 1,000 exposure units by age band, one line per outcome, of a table from :meth:`prepare`."""
        from analysis import figures

        c = self.rate_columns
        return figures.rates_by_band(table, self.factor, self.tested, band=c.band, unit=c.unit, count=c.count,
                                     exposure=c.exposure, band_label=c.band_label, x_label="age band",
                                     y_label=f"{c.count} per 1,000 exposures (95% CI)")
