"""Continuous variables with exact sample moments (the ``MASS::mvrnorm(empirical=TRUE)`` idea).

Draw normal scores, centre and whiten them so that their sample covariance is the identity,
recolour with the target correlation matrix, then scale to the target SDs (ddof = 1) and
shift to the target means.

>>> import numpy as np
>>> X = exact_scores(np.random.default_rng(0), 10, np.array([[1, 0.5], [0.5, 1]]))
>>> np.allclose(np.corrcoef(X, rowvar=False)[0, 1], 0.5)
True
"""

from __future__ import annotations

import numpy as np

from analysis.core.errors import ReconstructionError
from analysis.spec.assumptions import correlation_matrix, moments  # noqa: F401  (re-exported)
from analysis.spec.model import StudySpec
from analysis.stats.granularity import max_sd


def base_shape(mean: float, sd: float, bounds: tuple[float, float] | None, n: int | None = None) -> tuple:
    """The distribution shape to draw scores from (the paper never reports it).

    Normal when both bounds are at least 3 SDs from the mean; otherwise a beta distribution
    between the bounds with the target mean and SD (method of moments), which respects the
    bounds by construction.

    The largest SD allowed is the one ``check`` uses,
    :func:`~analysis.stats.granularity.max_sd` (the sample SD of ``n`` values: sqrt(n / (n - 1) (mean - low)
    (high - mean))); an SD between the population limit (without n / (n - 1)) and it is matched as the population
    SD it implies, sd sqrt((n - 1) / n), so every SD ``check`` accepts has a shape. Without ``n``, the population
    limit.

    Raises
    ------
    ReconstructionError
        When the SD is too large for ``n`` values between these bounds with this mean.
    """
    if bounds is None or min(mean - bounds[0], bounds[1] - mean) >= 3 * sd:
        return ("normal",)
    low, high = bounds
    m, v = (mean - low) / (high - low), (sd / (high - low)) ** 2
    k = m * (1 - m) / v - 1
    if k <= 0 and n is not None and n > 1 and sd < max_sd(mean, low, high, n):
        k = m * (1 - m) / (v * (n - 1) / n) - 1
    if k <= 0:
        limit = max_sd(mean, low, high, n) if n is not None and n > 1 else (high - low) * (m * (1 - m)) ** 0.5
        raise ReconstructionError(f"an SD of {sd:g} is impossible for {f'{n} ' if n else ''}values in "
                                  f"[{low:g}, {high:g}] with mean {mean:g} (at most {limit:.3g})")
    return ("beta", m * k, (1 - m) * k)


def base_scores(rng: np.random.Generator, n: int, shape: tuple) -> np.ndarray:
    """``n`` draws of the given shape (standardising happens later)."""
    if shape[0] == "normal":
        return rng.standard_normal(n)
    return rng.beta(shape[1], shape[2], size=n)


def exact_scores(rng: np.random.Generator, n: int, R: np.ndarray, shapes: list[tuple] | None = None) -> np.ndarray:
    """Draw ``n`` rows whose sample means are 0, sample SDs 1 and sample correlations exactly ``R``.

    ``shapes`` gives each column's base distribution (default normal); whitening and
    recolouring keep the moments exact and the shapes approximately.
    """
    p = R.shape[0]
    if shapes is None:
        Z = rng.standard_normal((n, p))
    else:
        Z = np.column_stack([base_scores(rng, n, shape) for shape in shapes]).astype(float)
    Z -= Z.mean(axis=0)
    L_sample = np.linalg.cholesky(np.cov(Z, rowvar=False, ddof=1).reshape(p, p))
    white = np.linalg.solve(L_sample, Z.T).T
    return white @ np.linalg.cholesky(R).T


def within_bounds(spec: StudySpec, names: list[str], X: np.ndarray) -> bool:
    """True when every column of ``X`` lies within its variable's bounds."""
    for k, name in enumerate(names):
        bounds = spec.variables[name].bounds
        if bounds is not None and (X[:, k].min() < bounds[0] or X[:, k].max() > bounds[1]):
            return False
    return True


def draw_block(spec: StudySpec, group: str, rng: np.random.Generator, overrides: dict[str, float]
               ) -> tuple[list[str], np.ndarray]:
    """One candidate block of the jointly generated variables of ``group`` (may violate bounds)."""
    names = spec.joint_variables(group)
    if not names:
        return names, np.empty((spec.n(group), 0))
    means, sds = moments(spec, group, names, overrides)
    R = correlation_matrix(spec, group, overrides)
    smallest = np.linalg.eigvalsh(R)[0]
    if smallest <= 1e-10:
        raise ReconstructionError(f"{spec.id}: the correlation matrix of group {group!r} is not positive definite "
                         f"(smallest eigenvalue {smallest:.3g})")
    if spec.n(group) <= len(names):
        raise ReconstructionError(f"{spec.id}: group {group!r} has n = {spec.n(group)}, too few rows for exact moments of "
                         f"{len(names)} variables")
    shapes = [base_shape(mu, sd, spec.variables[v].bounds, spec.n(group)) for v, mu, sd in zip(names, means, sds)]
    return names, means + exact_scores(rng, spec.n(group), R, shapes) * sds
