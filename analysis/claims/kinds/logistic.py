"""``logistic``: the odds ratio of ``covariate`` for a 0/1 ``outcome``, adjusted for ``adjust`` (cohort rows)."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats as sps

from analysis import stats
from analysis.claims.kinds.base import EvidenceKind, Outcome, Plot, log_scale, register, term, wald_outcome
from analysis.claims.synthesis import Basis
from analysis.core import scales
from analysis.core.names import formula_names


@register
class LogisticEvidence(EvidenceKind):
    """Logistic regression ``outcome ~ covariate + adjust`` on rows where ``among`` is 1 (all rows without it)."""

    analysis: Literal["logistic"]
    outcome: str
    covariate: str
    adjust: list[str] = []
    among: str | None = None

    scale = scales.LOG_OR
    ratio = True

    def columns(self) -> list[str]:
        return [self.outcome, self.covariate, *self.adjust]

    def prepare(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame[self.among] == 1] if self.among else frame

    def basis_hint(self, spec) -> Basis | None:
        """``Basis.RESTATED`` only when the paper printed just the significance of this OR *and* this entry fits the
        paper's own model (adjusted for the outcome's other covariates, or the covariate alone, on every row): a
        restated result is never judged under another model, whose test the paper's statement does not pin (#30:
        S19's age, significant unadjusted, read as 'no significant effect' under an adjusted model)."""
        for o in spec.cohort.outcomes if spec.cohort is not None else []:
            q = o.odds_ratios.get(self.covariate)
            if o.name != self.outcome or q is None or not q.is_assumption:
                continue
            for a in o.reported:
                if a.covariate == self.covariate and self.fits_paper_model(a, o):
                    return Basis.RESTATED
        return None

    def fits_paper_model(self, assoc, outcome) -> bool:
        """Is this entry's model the one the paper's statement ``assoc`` was tested under (see
        :class:`~analysis.spec.parts.cohort.ReportedAssociation`)?"""
        paper = set(outcome.odds_ratios) - {self.covariate} if assoc.adjusted else set()
        return self.among is None and set(self.adjust) == paper

    def consistent_with(self, spec) -> str | None:
        """What the paper's statement allows for the odds ratio: above or below 1, or not shown to differ from 1."""
        for o in spec.cohort.outcomes if spec.cohort is not None else []:
            for a in o.reported:
                if o.name == self.outcome and a.covariate == self.covariate:
                    if a.significant:
                        side = "above 1" if a.direction == "positive" else "below 1"
                        return f"an OR {side}, of unpublished size (printed: {a.published})"
                    return f"an OR whose 95% CI includes 1, of unpublished size (printed: {a.published})"
        return None

    def run(self, frame, spec) -> Outcome:
        names = formula_names([self.outcome, self.covariate, *self.adjust], f"evidence {self.id}")
        formula = f"{names[0]} ~ " + " + ".join(names[1:])
        records = stats.logistic(formula, self.prepare(frame))
        primary = term(records, self.covariate)
        others = [e for e in records if e is not primary and e.term != "Intercept"]
        return Outcome([primary, *others], log_scale(primary), self.scale, self.judged_sesoi)

    def run_batch(self, frames: list[pd.DataFrame], spec) -> list[Outcome] | None:
        """One batched Newton fit (:func:`analysis.stats.batched.logistic_batch`) for the whole ensemble.

        The log OR of ``covariate`` and its Wald SE equal :meth:`run`'s (tested). Datasets of different sizes
        (``among``) are padded with all-zero rows, which add nothing to the likelihood. A fit that does not settle
        (separation) is redone by :meth:`run`, so every draw gets exactly the per-dataset verdict. Returns None when a
        needed column is missing, non-numeric or has missing values: the caller then runs each dataset.
        """
        from analysis.stats.batched import logistic_batch

        columns = [self.covariate, *self.adjust]
        rows = [self.prepare(f) for f in frames]
        needed = [self.outcome, *columns]
        arrays = []  # (outcome, covariates...) per dataset, column by column (a frame[list] per dataset cost 1 ms)
        for r in rows:
            if not set(needed) <= set(r.columns) or len(r) < 5:
                return None
            series = [r[c] for c in needed]
            if not all(pd.api.types.is_numeric_dtype(s.dtype) for s in series):
                return None
            values = np.column_stack([s.to_numpy(dtype=float, na_value=np.nan) for s in series])
            if np.isnan(values).any():
                return None
            arrays.append(values)
        if not arrays:
            return None
        n = max(len(r) for r in rows)
        X = np.zeros((len(rows), n, len(columns) + 1))
        y = np.zeros((len(rows), n))
        for b, values in enumerate(arrays):
            X[b, :len(values), 0] = 1.0
            X[b, :len(values), 1:] = values[:, 1:]
            y[b, :len(values)] = values[:, 0]
        beta, se, converged = logistic_batch(X, y)
        return [wald_outcome("Logistic regression", self.covariate, float(beta[b, 1]), float(se[b, 1]),
                             "log odds ratio", len(r),
                             "Logistic regression, batched Newton-Raphson (assumption ensemble); Wald CIs",
                             self.scale, self.judged_sesoi)
                if converged[b] else self.run(frames[b], spec) for b, r in enumerate(rows)]

    def simulate_power(self, frame: pd.DataFrame, spec, n: int, ratio: float, sims: int, seed: int,
                       alpha: float = 0.05) -> dict:
        """Power of this entry's Wald test at ``n`` rows when the odds ratio of ``covariate`` is ``ratio``.

        The entry's own model is fitted to its reconstruction (the spec's reported and assumed values); simulated
        cohorts resample that reconstruction's covariate rows, keep the fitted coefficients of the other terms, set
        the tested one to ``log(ratio)``, draw the outcome and refit, all in one batched Newton fit.
        """
        from analysis.stats.batched import logistic_batch, sigmoid

        rows = self.prepare(frame)
        fit = self.run(frame, spec)
        records = {e.term: e for e in fit.estimates}
        columns = [self.covariate, *self.adjust]
        coef = np.array([0.0] + [np.log(records[c].estimate) if c in records else 0.0 for c in columns])
        coef[1] = np.log(ratio)
        X_rows = rows[columns].to_numpy(float)
        base = float(np.log(rows[self.outcome].mean() / (1 - rows[self.outcome].mean())))
        coef[0] = base - float(X_rows.mean(axis=0) @ coef[1:])  # keep the reconstruction's event rate
        rng = np.random.default_rng(seed)
        pick = rng.integers(0, len(X_rows), size=(sims, n))
        X = np.concatenate([np.ones((sims, n, 1)), X_rows[pick]], axis=2)
        y = (rng.random((sims, n)) < sigmoid(X @ coef)).astype(float)
        beta, se, ok = logistic_batch(X, y)
        p = 2 * sps.norm.sf(np.abs(beta[:, 1] / se[:, 1]))
        hit = ok & (p < alpha) & (np.sign(beta[:, 1]) == (self.sign or 1))
        power = float(hit.mean())
        return {"n": n, "effect": ratio, "power": power, "mc_se": float(np.sqrt(power * (1 - power) / sims)),
                "failed": int((~ok).sum()), "sims": sims,
                "model": f"logistic {self.outcome} ~ {' + '.join(columns)}; covariate rows resampled from the "
                         f"{spec.short} reconstruction"}

    def figures(self, result, synthetic: str) -> list[Plot]:
        from analysis import figures

        rows = self.prepare(result.frame)
        labels, events, n = binned_rates(rows, self.covariate, self.outcome)
        return [Plot(figures.proportions(labels, events, n, f"proportion with {self.outcome}"),
                       f"Proportion with {self.outcome} by {self.covariate} (quartiles when continuous), exact 95% "
                       f"CIs; the model adjusts for {', '.join(self.adjust) or 'nothing else'}.{synthetic}")]


def binned_rates(frame: pd.DataFrame, covariate: str, outcome: str):
    """Event counts of ``outcome`` by the levels of a 0/1 ``covariate``, or by its quartiles."""
    values = frame[covariate]
    if set(values.dropna().unique()) <= {0, 1}:
        keys = [(f"{covariate} = 0", values == 0), (f"{covariate} = 1", values == 1)]
    else:
        edges = np.unique(np.quantile(values, [0, 0.25, 0.5, 0.75, 1.0]))
        bins = pd.cut(values, edges, include_lowest=True)
        keys = [(f"{iv.left:.0f}-{iv.right:.0f}", bins == iv) for iv in bins.cat.categories]
    labels = [k for k, _ in keys]
    events = [int(frame.loc[m, outcome].sum()) for _, m in keys]
    n = [int(m.sum()) for _, m in keys]
    return labels, events, n
