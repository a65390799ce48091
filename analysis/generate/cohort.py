"""Athlete cohorts: covariates with the published (or assumed) moments and outcomes with exact counts.

Who has an event is drawn by weighted sampling without replacement (the Gumbel top-k trick):
exactly the published number of events, with each row's chance proportional to
``exp(sum log(OR_k) * (x_k - centre_k))``. With rare events this gives the assumed odds ratios
approximately; the counts are exact. Where the paper printed an odds ratio, the tilt is calibrated
(:func:`_calibrated_choice`) until the fitted odds ratio rounds to the printed one, or as close as the
draw allows. Where the paper states that a predictor was (or was not) significantly associated with an
outcome, :func:`association_tests` tests it on the rows and the dataset builder redraws until every
statement holds.

>>> import numpy as np
>>> x = bounded_exact(np.random.default_rng(0), 482, mean=20.7, sd=3.0, low=16, high=34)
>>> float(round(x.mean(), 1)), bool(x.min() >= 16), bool(x.max() <= 34)
(20.7, True, True)
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping

import numpy as np
import pandas as pd
from scipy.special import ndtr

from analysis.core.errors import ReconstructionError
from analysis.generate.continuous import base_scores, base_shape
from analysis.spec.assumptions import value_of
from analysis.spec.model import StudySpec
from analysis.spec.parts import ReportedAssociation
from analysis.spec.parts.cohort import CohortOutcome
from analysis.stats.batched import logistic_fit

#: A cohort's columns: a DataFrame, or (inside the redraw loop, where a DataFrame per draw cost ~1 s of a report) a
#: mapping of column name to array with the same values.
Columns = pd.DataFrame | Mapping[str, np.ndarray]


def _rows(frame: Columns) -> int:
    return len(frame) if isinstance(frame, pd.DataFrame) else len(next(iter(frame.values())))


def _column(frame: Columns, name: str) -> np.ndarray:
    """A column as float64 (0/1 outcomes included), from a DataFrame or a mapping of arrays alike."""
    return np.asarray(frame[name], dtype=float)


def bounded_exact(rng: np.random.Generator, n: int, mean: float, sd: float, low: float | None, high: float | None,
                  attempts: int = 2000) -> np.ndarray:
    """``n`` values with exact sample mean and SD inside [low, high] (shape from :func:`base_shape`)."""
    bounds = (low if low is not None else -math.inf, high if high is not None else math.inf)
    shape = base_shape(mean, sd, None if low is None and high is None else bounds, n)
    for _ in range(attempts):
        z = base_scores(rng, n, shape)
        z = (z - z.mean()) / z.std(ddof=1)
        x = mean + sd * z
        if x.min() >= bounds[0] and x.max() <= bounds[1]:
            return x
    raise ReconstructionError(f"no {n} values with mean {mean:g} and SD {sd:g} fit in [{low}, {high}]")


def cohort_rows(spec: StudySpec, rng: np.random.Generator, overrides: dict[str, float],
                calibrate: bool = True) -> dict[str, np.ndarray]:
    """One row per unit of the cohort, as columns in order: covariates, then each outcome (0/1) and any
    time-to-event column. Arrays, not a DataFrame: the caller tests many draws and keeps one.

    ``calibrate``: aim the printed odds ratios (:func:`_calibrated_choice`); without it, the tilt is the spec's
    odds ratios as written.
    """
    c = spec.cohort
    n = spec.n(c.group)
    frame: dict[str, np.ndarray] = {}
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
            eligible &= frame[o.among] == 1
        for other in o.exclusive_with:
            if other in frame:
                eligible &= frame[other] == 0
        k = int(round(value_of(o.events, c.key(o.name, "events"), overrides)))
        if k > eligible.sum():
            raise ReconstructionError(f"{spec.id}: {k} {o.name} events but only {int(eligible.sum())} eligible rows")
        centred = {cov: frame[cov].astype(float) - c.centre.get(cov, centres.get(cov, 0.0)) for cov in o.odds_ratios}
        tilt = {cov: math.log(value_of(q, c.key(o.name, "or", cov), overrides)) for cov, q in o.odds_ratios.items()}
        noise = np.where(eligible, rng.gumbel(size=n), -np.inf)
        chosen = _top_k(centred, tilt, noise, k)
        printed = {cov: q for cov, q in o.odds_ratios.items() if not q.is_assumption}
        if printed and calibrate:
            chosen = _calibrated_choice(frame, o, centred, tilt, noise, k, printed)
        values = np.zeros(n, dtype=int)
        values[chosen] = 1
        frame[o.name] = values
        if o.time:
            median = value_of(o.time["median_days"], c.key(o.name, "time", "median_days"), overrides)
            days = np.full(n, np.nan)
            days[chosen] = np.ceil(rng.exponential(median / math.log(2), size=k))
            frame[f"days_to_{o.name}"] = days
    return frame


#: Evaluations of the odds-ratio calibration per covariate and round (bracketing, then bisection of the tilt).
CALIBRATION_STEPS = 24
#: Rounds over the printed odds ratios (each adjusts one covariate's tilt with the others held).
CALIBRATION_ROUNDS = 3


def _top_k(centred: dict[str, np.ndarray], tilt: dict[str, float], noise: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` rows with the largest tilted Gumbel keys (ineligible rows carry -inf noise), largest first; equal
    keys in row order (a stable sort's order).

    In a large cohort (83,503 player-matches) only the top ``k`` are sorted, after a partial sort picks them: 10x
    faster than sorting every row, and the same rows in the same order unless keys tie across the k-th place, where
    the full stable sort decides.
    """
    eta = np.zeros(len(noise))
    for cov, log_or in tilt.items():
        eta += log_or * centred[cov]
    keys = -(eta + noise)
    if len(keys) < 1024 or not 0 < k < len(keys):
        return np.argsort(keys, kind="stable")[:k]
    top = np.argpartition(keys, k - 1)[:k]
    edge = keys[top].max()
    if np.count_nonzero(keys == edge) != np.count_nonzero(keys[top] == edge):
        return np.argsort(keys, kind="stable")[:k]
    top.sort()
    return top[np.argsort(keys[top], kind="stable")]


def model_covariates(outcome: CohortOutcome, covariate: str) -> list[str]:
    """The covariates of the logistic model a printed figure for ``covariate`` comes from: the covariate alone when
    its reported association is unadjusted, else with every covariate that has an odds ratio on the outcome."""
    assoc = next((a for a in outcome.reported if a.covariate == covariate), None)
    adjusted = assoc.adjusted if assoc is not None else len(outcome.odds_ratios) > 1
    return [covariate] + ([c for c in outcome.odds_ratios if c != covariate] if adjusted else [])


def _design(frame: Columns, outcome: CohortOutcome, covariates: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The rows a model of ``outcome`` is fitted on (those where ``among`` occurred) and its design matrix."""
    keep = _column(frame, outcome.among) == 1 if outcome.among else np.ones(_rows(frame), dtype=bool)
    X = np.column_stack([np.ones(int(keep.sum()))] + [_column(frame, c)[keep] for c in covariates])
    return keep, X


def _fit(frame: Columns, outcome: CohortOutcome, y: np.ndarray, covariates: list[str]) -> tuple[float, float]:
    """Log OR and Wald p of the first covariate in a logistic model of ``y`` (among ``outcome.among`` rows)."""
    keep, X = _design(frame, outcome, covariates)
    beta, se, ok = logistic_fit(X, y[keep])
    if not ok:
        return math.nan, math.nan
    return float(beta[1]), float(2 * ndtr(-abs(beta[1] / se[1])))  # scipy's norm.sf(z) is ndtr(-z), at 1/100 the cost


def _influence(frame: Columns, outcome: CohortOutcome, y: np.ndarray, covariate: str) -> tuple[float, np.ndarray]:
    """``covariate``'s fitted log OR, and per row the first-order change of it when that row's outcome goes from 0
    to 1: the covariate's row of the inverse Hessian times the row's predictors (one Newton step from the fit).
    Moving an event from row i to row j changes the log OR by about ``u[j] - u[i]``. NaN outside the fitted rows
    (and everywhere when the fit does not converge)."""
    keep, X = _design(frame, outcome, model_covariates(outcome, covariate))
    beta, _, ok = logistic_fit(X, y[keep])
    u = np.full(_rows(frame), np.nan)
    if not ok:
        return math.nan, u
    mu = 0.5 + 0.5 * np.tanh(0.5 * (X @ beta))
    H = X.T @ (X * (mu * (1 - mu))[:, None])
    u[keep] = X @ np.linalg.solve(H, np.eye(len(beta))[1])
    return float(beta[1]), u


def _printed_gaps(frame: Columns, outcome: CohortOutcome, y: np.ndarray, printed: dict
                  ) -> tuple[dict[str, float], bool]:
    """For each printed odds ratio: log(printed) minus the log OR fitted on ``y`` in the paper's model (NaN when the
    fit does not converge), and whether every one comes back at its printed rounding."""
    gaps, matched = {}, True
    for cov, q in printed.items():
        fitted, _ = _fit(frame, outcome, y, model_covariates(outcome, cov))
        gaps[cov] = math.log(q.value) - fitted if math.isfinite(fitted) else math.nan
        matched &= math.isfinite(fitted) and round(math.exp(fitted), q.precision) == round(q.value, q.precision)
    return gaps, matched


def _calibrated_choice(frame: Columns, outcome: CohortOutcome, centred: dict[str, np.ndarray],
                       tilt: dict[str, float], noise: np.ndarray, k: int, printed: dict) -> np.ndarray:
    """Who has the event, with the tilt of each printed odds ratio moved until the fitted OR rounds to it.

    The Gumbel noise stays fixed, so the fitted OR is a non-decreasing step function of a covariate's tilt (a larger
    tilt only moves events towards higher values). Each covariate's tilt is bracketed and bisected in turn, the others
    held, for a few rounds. It stops when every printed OR comes back at its printed rounding; otherwise it returns
    the closest choice it met (the steps can jump over the printed value, and a binary covariate's OR takes only the
    values its 2 x 2 counts allow), and the reproduction table says that the printed value did not come back.
    """
    tilt = dict(tilt)
    best: list = [None, math.inf]

    def evaluate() -> tuple[np.ndarray, dict[str, float], bool]:
        chosen = _top_k(centred, tilt, noise, k)
        y = np.zeros(_rows(frame))
        y[chosen] = 1
        gaps, matched = _printed_gaps(frame, outcome, y, printed)
        gap = max(abs(g) for g in gaps.values())
        if gap < best[1]:
            best[:] = [chosen, gap]
        return chosen, gaps, matched

    for _ in range(CALIBRATION_ROUNDS):
        for cov in printed:
            chosen, gaps, matched = evaluate()
            if matched:
                return chosen
            if not math.isfinite(gaps[cov]):
                break
            step, direction = max(abs(gaps[cov]), 0.01), 1.0 if gaps[cov] > 0 else -1.0
            for _ in range(CALIBRATION_STEPS // 2):  # bracket: walk the tilt until the gap changes sign
                tilt[cov] += direction * step
                chosen, moved, matched = evaluate()
                if matched:
                    return chosen
                if not math.isfinite(moved[cov]) or (moved[cov] > 0) != (direction > 0):
                    break
                step *= 2
            low, high = sorted((tilt[cov] - direction * step, tilt[cov]))
            for _ in range(CALIBRATION_STEPS // 2):  # bisect inside the bracket
                tilt[cov] = (low + high) / 2
                chosen, moved, matched = evaluate()
                if matched:
                    return chosen
                if not math.isfinite(moved[cov]):
                    break
                low, high = (tilt[cov], high) if moved[cov] > 0 else (low, tilt[cov])
    chosen = best[0] if best[0] is not None else _top_k(centred, tilt, noise, k)
    return _swapped_towards(frame, outcome, chosen, np.isfinite(noise), printed)


#: Event moves tried after the tilt calibration, and the candidate moves refitted at each.
MAX_SWAPS, SWAP_CANDIDATES = 12, 8


def _swapped_towards(frame: Columns, outcome: CohortOutcome, chosen: np.ndarray, eligible: np.ndarray,
                     printed: dict) -> np.ndarray:
    """Move single events from one row to another (the count stays exact) while that brings every printed OR
    closer to its printed value: the tilt's steps can be coarser than the printed rounding, a single move is not.

    Candidate moves are ranked by their first-order effect (:func:`_influence`) and the best few refitted.
    """
    y = np.zeros(_rows(frame))
    y[chosen] = 1

    def distance(values: np.ndarray) -> tuple[bool, float]:
        gaps, matched = _printed_gaps(frame, outcome, values, printed)
        sizes = [abs(g) for g in gaps.values()]
        return matched, max(sizes) if all(math.isfinite(g) for g in sizes) else math.inf

    matched, current = distance(y)
    for _ in range(MAX_SWAPS):
        if matched or not math.isfinite(current):
            break
        events = np.flatnonzero(y == 1)
        others = np.flatnonzero((y == 0) & eligible)
        if not len(events) or not len(others):
            break
        others = others[:: max(1, len(events) * len(others) // 4_000_000)]  # at most ~4M candidate moves
        predicted = np.zeros((len(events), len(others)))
        for cov, q in printed.items():
            fitted, u = _influence(frame, outcome, y, cov)
            predicted = np.maximum(predicted, np.abs(math.log(q.value) - fitted - (u[others][None, :] - u[events][:, None])))
        predicted = np.where(np.isfinite(predicted), predicted, np.inf)
        order = np.argsort(predicted, axis=None, kind="stable")[:SWAP_CANDIDATES]
        trials = []
        for flat in order:
            i, j = np.unravel_index(flat, predicted.shape)
            moved = y.copy()
            moved[events[i]], moved[others[j]] = 0, 1
            trials.append((*distance(moved), moved))
        ok, gap, moved = min(trials, key=lambda t: (not t[0], t[1]))
        if gap >= current and not ok:
            break
        y, matched, current = moved, ok, gap
    return np.flatnonzero(y == 1)


def association_tests(spec: StudySpec, frame: Columns) -> list[tuple[str, ReportedAssociation, float, float]]:
    """Each reported association tested on ``frame``: (outcome, statement, log OR, Wald p).

    The model is a logistic regression of the outcome (among the rows where ``among`` occurred,
    if set) on the covariate, plus the outcome's other odds-ratio covariates when the statement is
    ``adjusted``. A fit that does not converge (separation) gives NaN, which agrees with nothing.
    """
    return list(_association_results(spec, frame))


def _association_results(spec: StudySpec, frame: Columns) -> Iterator[tuple[str, ReportedAssociation, float, float]]:
    """:func:`association_tests` one fit at a time, so that a caller can stop at the first that fails."""
    for o in spec.cohort.outcomes if spec.cohort is not None else []:
        y = _column(frame, o.name)
        for assoc in o.reported:
            log_or, p = _fit(frame, o, y, model_covariates(o, assoc.covariate))
            yield o.name, assoc, log_or, p


def reproduces_printed_odds_ratios(spec: StudySpec, frame: Columns) -> bool:
    """True when every odds ratio the paper printed comes back from ``frame`` at its printed rounding."""
    for o in spec.cohort.outcomes if spec.cohort is not None else []:
        printed = {cov: q for cov, q in o.odds_ratios.items() if not q.is_assumption}
        if printed and not _printed_gaps(frame, o, _column(frame, o.name), printed)[1]:
            return False
    return True


def reproduces_associations(spec: StudySpec, frame: Columns) -> bool:
    """True when every reported association holds on ``frame`` (always, when none is reported)."""
    return all(assoc.holds(log_or, p) for _, assoc, log_or, p in _association_results(spec, frame))  # stops at a miss
