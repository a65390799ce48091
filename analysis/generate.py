"""Build datasets shaped like a published study.

Continuous variables get *exact* sample moments (the ``MASS::mvrnorm(empirical=TRUE)``
idea): draw normal scores, centre and whiten them so their sample covariance is
the identity, recolour with the target correlation matrix, then scale to the
target SDs (ddof = 1) and shift to the target means. Values outside a
variable's bounds, and datasets that miss a reported test statistic (e.g. a
Mann-Whitney U), are rejected and redrawn from the same seeded stream, so the
same spec and seed always give the same dataset.

Examples
--------
>>> from analysis.specs import load_study
>>> ds = build_dataset(load_study("S2"), seed=1)
>>> float(round(ds.frame.loc[ds.frame.group == "lbp", "ake_tightness"].mean(), 2))
31.63
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import pandas as pd

from .assumptions import Slot, assumption_slots, correlation_key
from .specs import StudySpec

MAX_ATTEMPTS = 20_000
SYNTHETIC_COLUMN = "data_origin"


@dataclass
class Dataset:
    """A generated dataset and everything needed to say how it was made."""

    frame: pd.DataFrame
    study_id: str
    seed: int
    assumptions: list[dict]
    attempts: int
    notes: list[str] = field(default_factory=list)


def _value(overrides: dict[str, float], key: str, default: float) -> float:
    return float(overrides.get(key, default))


def moments(spec: StudySpec, group: str, overrides: dict[str, float] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Target means and SDs of a group's variables (reported, assumed, or overridden)."""
    overrides = overrides or {}
    names = spec.group_variables(group)
    means = np.array([_value(overrides, f"mean:{group}:{v}", spec.summary(group, v).mean.point) for v in names])
    sds = np.array([_value(overrides, f"sd:{group}:{v}", spec.summary(group, v).sd.point) for v in names])
    return means, sds


def correlation_matrix(spec: StudySpec, group: str, overrides: dict[str, float] | None = None) -> np.ndarray:
    """Target correlation matrix of a group's variables.

    Raises
    ------
    ValueError
        When a pair has no correlation and the spec has no ``default_correlation``.
    """
    overrides = overrides or {}
    names = spec.group_variables(group)
    R = np.eye(len(names))
    for i, j in combinations(range(len(names)), 2):
        x, y = names[i], names[j]
        c = spec.correlation(group, x, y)
        if c is not None:
            default = c.r.point
        elif spec.default_correlation is not None:
            default = spec.default_correlation.point
        else:
            raise ValueError(f"{spec.id}: no correlation for ({x}, {y}) in {group} and no default_correlation")
        R[i, j] = R[j, i] = _value(overrides, correlation_key(group, x, y), default)
    return R


def exact_scores(rng: np.random.Generator, n: int, R: np.ndarray) -> np.ndarray:
    """Draw ``n`` rows whose sample means are 0, sample SDs 1 and sample correlations exactly ``R``."""
    p = R.shape[0]
    Z = rng.standard_normal((n, p))
    Z -= Z.mean(axis=0)
    L_sample = np.linalg.cholesky(np.cov(Z, rowvar=False, ddof=1).reshape(p, p))
    white = np.linalg.solve(L_sample, Z.T).T
    return white @ np.linalg.cholesky(R).T


def _within_bounds(spec: StudySpec, names: list[str], X: np.ndarray) -> bool:
    for k, name in enumerate(names):
        bounds = spec.variables[name].bounds
        if bounds is not None and (X[:, k].min() < bounds[0] or X[:, k].max() > bounds[1]):
            return False
    return True


def mann_whitney_u(a: np.ndarray, b: np.ndarray) -> float:
    """The smaller of the two Mann-Whitney U statistics (ties count one half)."""
    diff = a[:, None] - b[None, :]
    u_a = float((diff > 0).sum() + 0.5 * (diff == 0).sum())
    return min(u_a, a.size * b.size - u_a)


def _reported_tests_match(spec: StudySpec, frame_parts: dict[str, dict[str, np.ndarray]]) -> bool:
    for t in spec.reported_tests:
        if t.kind == "mann_whitney_u":
            a = frame_parts[t.groups[0]][t.variable]
            b = frame_parts[t.groups[1]][t.variable]
            decimals = t.decimals if t.decimals is not None else 0
            if round(mann_whitney_u(a, b), decimals) != round(t.value, decimals):
                return False
    return True


def _draw_group(spec: StudySpec, group: str, rng: np.random.Generator, overrides: dict[str, float]):
    names = spec.group_variables(group)
    means, sds = moments(spec, group, overrides)
    R = correlation_matrix(spec, group, overrides)
    if np.linalg.eigvalsh(R)[0] <= 1e-10:
        raise ValueError(f"{spec.id}: the correlation matrix of group {group!r} is not positive definite "
                         f"(smallest eigenvalue {np.linalg.eigvalsh(R)[0]:.3g})")
    X = means + exact_scores(rng, spec.n(group), R) * sds
    return names, X


def build_dataset(spec: StudySpec, seed: int | None = None, overrides: dict[str, float] | None = None,
                  max_attempts: int = MAX_ATTEMPTS) -> Dataset:
    """Generate a synthetic dataset with the study's sample sizes and summary statistics.

    Parameters
    ----------
    spec : StudySpec
        The study to imitate.
    seed : int, optional
        Seed of the random stream; defaults to the spec's ``seed``.
    overrides : dict, optional
        Values for assumption slots (keys from :func:`analysis.assumptions.assumption_slots`),
        used by ensembles; anything not given takes the spec's assumed value.
    max_attempts : int
        How many candidate datasets to draw before giving up.

    Returns
    -------
    Dataset
        ``frame`` has one row per participant: ``participant``, ``group``, the
        variables, and a ``data_origin`` column that says the row is synthetic.

    Raises
    ------
    ValueError
        When no dataset within the variables' bounds that reproduces the
        reported test statistics is found: the published figures may be
        impossible together (see the forensics checks).
    """
    overrides = overrides or {}
    seed = spec.seed if seed is None else int(seed)
    rng = np.random.default_rng(seed)
    groups = list(spec.groups)
    for attempt in range(1, max_attempts + 1):
        parts: dict[str, dict[str, np.ndarray]] = {}
        ok = True
        for group in groups:
            names, X = _draw_group(spec, group, rng, overrides)
            if not _within_bounds(spec, names, X):
                ok = False
                break
            parts[group] = {name: X[:, k] for k, name in enumerate(names)}
        if ok and _reported_tests_match(spec, parts):
            break
    else:
        raise ValueError(
            f"{spec.id}: no dataset within the variables' bounds that reproduces the reported tests was found in "
            f"{max_attempts} attempts; the published figures may be impossible together"
        )
    return Dataset(frame=_to_frame(spec, parts), study_id=spec.id, seed=seed,
                   assumptions=_used_assumptions(assumption_slots(spec), overrides),
                   attempts=attempt, notes=_notes(spec))


def _to_frame(spec: StudySpec, parts: dict[str, dict[str, np.ndarray]]) -> pd.DataFrame:
    rows = []
    for group, columns in parts.items():
        block = pd.DataFrame(columns)
        block.insert(0, "group", group)
        rows.append(block)
    frame = pd.concat(rows, ignore_index=True)
    frame.insert(0, "participant", [f"{spec.id}-{i + 1:04d}" for i in range(len(frame))])
    frame[SYNTHETIC_COLUMN] = f"synthetic: shaped like {spec.short} ({spec.id})"
    return frame


def _used_assumptions(slots: list[Slot], overrides: dict[str, float]) -> list[dict]:
    return [dict(key=s.key, what=s.what, value=overrides.get(s.key, s.value), spec_value=s.value,
                 range=[s.low, s.high], reason=s.reason) for s in slots]


def _notes(spec: StudySpec) -> list[str]:
    notes = [f"Continuous values drawn from normal scores with exact sample moments; "
             f"distribution shape not reported by {spec.short} (assumed normal, restricted to the scale bounds)."]
    for name, var in spec.variables.items():
        if var.integer:
            notes.append(f"{name} is integer-valued on its scale but is reconstructed here as continuous.")
    return notes
