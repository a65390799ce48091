"""Athlete cohorts: covariates with the published (or assumed) moments and outcomes with exact counts.

Who has an event is drawn by weighted sampling without replacement (the Gumbel top-k trick):
exactly the published number of events, with each row's chance proportional to
``exp(sum log(OR_k) * (x_k - centre_k))``. With rare events this gives the assumed odds ratios
approximately; the counts are exact. Where the paper states that a predictor was (or was not)
significantly associated with an outcome, :func:`association_tests` tests it on the rows and the
dataset builder redraws until every statement holds.

>>> import numpy as np
>>> x = bounded_exact(np.random.default_rng(0), 482, mean=20.7, sd=3.0, low=16, high=34)
>>> float(round(x.mean(), 1)), bool(x.min() >= 16), bool(x.max() <= 34)
(20.7, True, True)
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.stats import norm

from analysis.core.errors import ReconstructionError
from analysis.generate.continuous import base_scores, base_shape
from analysis.spec.assumptions import value_of
from analysis.spec.model import StudySpec
from analysis.spec.parts import ReportedAssociation
from analysis.stats.batched import logistic_batch


def bounded_exact(rng: np.random.Generator, n: int, mean: float, sd: float, low: float | None, high: float | None,
                  attempts: int = 2000) -> np.ndarray:
    """``n`` values with exact sample mean and SD inside [low, high] (shape from :func:`base_shape`)."""
    bounds = (low if low is not None else -math.inf, high if high is not None else math.inf)
    shape = base_shape(mean, sd, None if low is None and high is None else bounds)
    for _ in range(attempts):
        z = base_scores(rng, n, shape)
        z = (z - z.mean()) / z.std(ddof=1)
        x = mean + sd * z
        if x.min() >= bounds[0] and x.max() <= bounds[1]:
            return x
    raise ReconstructionError(f"no {n} values with mean {mean:g} and SD {sd:g} fit in [{low}, {high}]")


def cohort_rows(spec: StudySpec, rng: np.random.Generator, overrides: dict[str, float]) -> pd.DataFrame:
    """One row per unit of the cohort: covariates, then each outcome (0/1) and any time-to-event column."""
    c = spec.cohort
    n = spec.n(c.group)
    frame = pd.DataFrame(index=range(n))
    centres: dict[str, float] = {}
    for name, cov in c.covariates.items():
        if cov.kind == "normal":
            mean = value_of(cov.mean, c.key(name, "mean"), overrides)
            sd = value_of(cov.sd, c.key(name, "sd"), overrides)
            low, high = cov.bounds if cov.bounds else (None, None)
            frame[name] = bounded_exact(rng, n, mean, sd, low, high)
            centres[name] = mean
        else:
            k = int(round(value_of(cov.prevalence, c.key(name, "prevalence"), overrides) * n))
            values = np.zeros(n, dtype=int)
            values[rng.choice(n, size=k, replace=False)] = 1
            frame[name] = values
            centres[name] = 0.0
    for o in c.outcomes:
        eligible = np.ones(n, dtype=bool)
        if o.among is not None:
            eligible &= frame[o.among].to_numpy() == 1
        for other in o.exclusive_with:
            if other in frame:
                eligible &= frame[other].to_numpy() == 0
        k = int(round(value_of(o.events, c.key(o.name, "events"), overrides)))
        if k > eligible.sum():
            raise ReconstructionError(f"{spec.id}: {k} {o.name} events but only {int(eligible.sum())} eligible rows")
        eta = np.zeros(n)
        for cov, q in o.odds_ratios.items():
            log_or = math.log(value_of(q, c.key(o.name, "or", cov), overrides))
            eta += log_or * (frame[cov].to_numpy(float) - c.centre.get(cov, centres.get(cov, 0.0)))
        keys = np.where(eligible, eta + rng.gumbel(size=n), -np.inf)
        chosen = np.argsort(-keys, kind="stable")[:k]
        values = np.zeros(n, dtype=int)
        values[chosen] = 1
        frame[o.name] = values
        if o.time:
            median = value_of(o.time["median_days"], c.key(o.name, "time", "median_days"), overrides)
            days = np.full(n, np.nan)
            days[chosen] = np.ceil(rng.exponential(median / math.log(2), size=k))
            frame[f"days_to_{o.name}"] = days
    return frame


def association_tests(spec: StudySpec, frame: pd.DataFrame) -> list[tuple[str, ReportedAssociation, float, float]]:
    """Each reported association tested on ``frame``: (outcome, statement, log OR, Wald p).

    The model is a logistic regression of the outcome (among the rows where ``among`` occurred,
    if set) on the covariate, plus the outcome's other odds-ratio covariates when the statement is
    ``adjusted``. A fit that does not converge (separation) gives NaN, which agrees with nothing.
    """
    out = []
    for o in spec.cohort.outcomes if spec.cohort is not None else []:
        rows = frame[frame[o.among] == 1] if o.among else frame
        y = rows[o.name].to_numpy(float)
        for assoc in o.reported:
            covariates = [assoc.covariate] + ([c for c in o.odds_ratios if c != assoc.covariate] if assoc.adjusted else [])
            X = np.column_stack([np.ones(len(rows))] + [rows[c].to_numpy(float) for c in covariates])
            beta, se, ok = logistic_batch(X[None], y[None])
            if ok[0]:
                log_or, p = float(beta[0, 1]), float(2 * norm.sf(abs(beta[0, 1] / se[0, 1])))
            else:
                log_or, p = math.nan, math.nan
            out.append((o.name, assoc, log_or, p))
    return out


def reproduces_associations(spec: StudySpec, frame: pd.DataFrame) -> bool:
    """True when every reported association holds on ``frame`` (always, when none is reported)."""
    return all(assoc.holds(log_or, p) for _, assoc, log_or, p in association_tests(spec, frame))
