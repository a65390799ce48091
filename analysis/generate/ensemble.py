"""Vectorised assumption ensembles: many reconstructions of a study at once.

For a group with a jointly generated block of variables, :func:`correlation_ensemble` draws the
assumptions ``B`` times across their admissible ranges, builds all ``B`` datasets in one batched
computation (centre, whiten and recolour with batched Cholesky factors), rejects and redraws the
ones that leave a variable's bounds, and returns every dataset's full correlation matrix with
Fisher-z CIs and p values. It gives the same datasets' statistics as looping
:func:`analysis.generate.build_dataset` and :func:`analysis.stats.pearson`, without the loop.

Examples
--------
>>> from analysis.spec.model import load_study
>>> ens = correlation_ensemble(load_study("S1"), "clbp", draws=50, seed=1)
>>> ens["r"].shape, bool((ens["ci_low"] <= ens["r"]).all())
((50, 6, 6), True)
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from analysis.core.errors import ReconstructionError
from analysis.generate.continuous import base_shape, correlation_matrix, moments
from analysis.spec.assumptions import draw_assumptions
from analysis.spec.model import StudySpec


def _batched_scores(rng: np.random.Generator, n: int, R: np.ndarray, shapes: list[list[tuple]]) -> np.ndarray:
    """(B, n, p) scores with exact zero means, unit SDs and correlations R[b] in every dataset."""
    B, p, _ = R.shape
    Z = np.empty((B, n, p))
    for b in range(B):  # shapes differ per draw only through beta parameters; the draws themselves are cheap
        for k, shape in enumerate(shapes[b]):
            Z[b, :, k] = rng.standard_normal(n) if shape[0] == "normal" else rng.beta(shape[1], shape[2], n)
    Z -= Z.mean(axis=1, keepdims=True)
    S = np.einsum("bni,bnj->bij", Z, Z) / (n - 1)
    white = np.linalg.solve(np.linalg.cholesky(S), Z.transpose(0, 2, 1)).transpose(0, 2, 1)
    return white @ np.linalg.cholesky(R).transpose(0, 2, 1)


def correlation_ensemble(spec: StudySpec, group: str, draws: int = 1000, seed: int = 1, level: float = 0.95,
                         max_rounds: int = 200) -> dict[str, np.ndarray]:
    """``draws`` reconstructions of ``group`` across the assumption ranges, with r, CIs and p values.

    Returns
    -------
    dict
        ``variables`` (names), ``overrides`` (the assumptions of each draw), ``r``, ``ci_low``,
        ``ci_high``, ``p`` (arrays of shape (draws, p, p)), ``data`` (draws, n, p), ``rounds``.
    """
    rng = np.random.default_rng(seed)
    names = spec.joint_variables(group)
    n = spec.n(group)
    overrides = draw_assumptions(spec, rng, draws)
    R = np.stack([correlation_matrix(spec, group, o) for o in overrides])
    mom = [moments(spec, group, names, o) for o in overrides]
    means = np.stack([m for m, _ in mom])
    sds = np.stack([s for _, s in mom])
    shapes = [[base_shape(mu, sd, spec.variables[v].bounds) for v, mu, sd in zip(names, means[b], sds[b])]
              for b in range(draws)]
    lows = np.array([spec.variables[v].bounds[0] if spec.variables[v].bounds else -np.inf for v in names])
    highs = np.array([spec.variables[v].bounds[1] if spec.variables[v].bounds else np.inf for v in names])
    data = np.empty((draws, n, len(names)))
    todo = np.arange(draws)
    rounds = 0
    while todo.size:
        rounds += 1
        if rounds > max_rounds:
            raise ReconstructionError(f"{spec.id}: {todo.size} draws found no dataset within the bounds in "
                                      f"{max_rounds} rounds")
        X = means[todo, None, :] + _batched_scores(rng, n, R[todo], [shapes[b] for b in todo]) * sds[todo, None, :]
        ok = ((X >= lows) & (X <= highs)).all(axis=(1, 2))
        data[todo[ok]] = X[ok]
        todo = todo[~ok]
    centred = data - data.mean(axis=1, keepdims=True)
    cov = np.einsum("bni,bnj->bij", centred, centred)
    scale = np.sqrt(np.einsum("bii->bi", cov))
    r = np.clip(cov / scale[:, :, None] / scale[:, None, :], -1.0, 1.0)
    r[:, np.arange(len(names)), np.arange(len(names))] = 1.0
    z = stats.norm.ppf(0.5 + level / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        fz = np.arctanh(np.clip(r, -1 + 1e-15, 1 - 1e-15))
        t = r * np.sqrt((n - 2) / (1 - r**2))
    half = z / np.sqrt(n - 3)
    eye = np.eye(len(names), dtype=bool)
    return {"variables": names, "overrides": overrides, "r": r,
            "ci_low": np.where(eye, 1.0, np.tanh(fz - half)), "ci_high": np.where(eye, 1.0, np.tanh(fz + half)),
            "p": np.where(eye, 0.0, 2 * stats.t.sf(np.abs(t), n - 2)), "data": data, "rounds": rounds}
