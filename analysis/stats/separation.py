"""Does a finite maximum-likelihood estimate exist? Separation in logistic, Poisson and Cox models.

A fit under separation never "converges" to anything: the likelihood keeps rising as some coefficients run off to
infinity, and an iterative fit stops wherever its tolerance happens to stop it (an odds ratio of 4.6e237 reported as
converged). Whether this happens is a property of the data and the design matrix, not of the optimiser, so it is
decided here by a linear program (Konis 2007, the method of R's ``detectseparation`` package): a direction ``d`` of
recession exists along which the log-likelihood never decreases. Each finder returns ``None`` when a finite MLE
exists, or a :class:`Separation` naming its kind and the terms that run off (along one such direction).

- Logistic (Albert & Anderson 1984): ``s_i x_i.d >= 0`` for every row, ``s_i = 2 y_i - 1``; *complete* when one
  direction makes every inequality strict, *quasi-complete* otherwise (e.g. a group with no events).
- Poisson (Haberman 1974): ``x_i.d <= 0`` for every row, ``= 0`` wherever ``y_i > 0``, and ``< 0`` somewhere (a
  group or a covariate pattern with no events).
- Cox (monotone likelihood, Bryson & Johnson 1981): for every event ``i`` and every ``j`` still at risk,
  ``(x_i - x_j).d >= 0``, with some inequality strict. R's ``coxph`` warns "coefficient may be infinite".

Tested against R's own warnings on the same rows (``glm``: "fitted probabilities numerically 0 or 1 occurred";
``coxph``: "Loglik converged before variable ...") and, for Poisson, where R gives no warning, against R's
estimate running past +-15 with an SE above 1e3.

Examples
--------
>>> import numpy as np
>>> X = np.column_stack([np.ones(10), np.arange(1.0, 11.0)])
>>> y = np.array([0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
>>> logistic_separation(X, y, ["Intercept", "x"]).kind
'complete'
>>> logistic_separation(X, np.array([0, 1, 0, 0, 1, 0, 1, 1, 0, 1]), ["Intercept", "x"]) is None
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

__all__ = ["Separation", "logistic_separation", "poisson_separation", "cox_monotone_likelihood",
           "MAX_COX_PAIRS"]

# The LP is solved by HiGHS to ~1e-9 relative feasibility; a recession direction is accepted when its objective
# exceeds this share of the largest possible value (every bound active), far above that solver noise and far below
# any real direction (a real one reaches a share of order 1/n or more).
_RELATIVE_TOL = 1e-7
# Cox constraints are one per (event, row still at risk) pair; beyond this many the LP is not attempted and the
# fit's own divergence check decides (said in the result).
MAX_COX_PAIRS = 2_000_000


@dataclass(frozen=True)
class Separation:
    """No finite MLE: ``kind`` is "complete", "quasi-complete" (logistic) or "infinite estimate" (Poisson, Cox);
    ``terms`` run off to infinity along the direction found (other directions may exist)."""

    kind: str
    terms: tuple[str, ...]

    def describe(self) -> str:
        """One phrase for a method line, e.g. "quasi-complete separation (x runs off to infinity)"."""
        kind = f"{self.kind} separation" if self.kind in ("complete", "quasi-complete") else self.kind
        return f"{kind} ({', '.join(self.terms)} run{'s' if len(self.terms) == 1 else ''} off to infinity)"


def _scaled(X: np.ndarray) -> np.ndarray:
    """Columns scaled to unit maximum, so the box |d| <= 1 treats every term alike (a direction's existence is
    unchanged by scaling)."""
    scale = np.abs(X).max(axis=0)
    scale[scale == 0] = 1.0
    return X / scale


def _recession(A_ub: np.ndarray, objective: np.ndarray, A_eq: np.ndarray | None = None) -> np.ndarray | None:
    """A direction d in [-1, 1]^p with A_ub d <= 0 (and A_eq d = 0) maximising -objective.d > 0, or None."""
    p = A_ub.shape[1]
    res = linprog(objective, A_ub=A_ub, b_ub=np.zeros(len(A_ub)),
                  A_eq=A_eq, b_eq=None if A_eq is None else np.zeros(len(A_eq)),
                  bounds=[(-1.0, 1.0)] * p, method="highs")
    if res.status != 0:  # the LP is always feasible (d = 0) and bounded (the box): anything else is a solver bug
        raise RuntimeError(f"separation LP failed: {res.message}")
    ceiling = np.abs(objective).sum()
    return res.x if ceiling > 0 and -res.fun > _RELATIVE_TOL * ceiling else None


def _terms(d: np.ndarray, names: list[str]) -> tuple[str, ...]:
    return tuple(n for n, v in zip(names, d) if abs(v) > 1e-6)


def logistic_separation(X: np.ndarray, y: np.ndarray, names: list[str]) -> Separation | None:
    """Complete or quasi-complete separation of a 0/1 outcome by the design matrix ``X`` (intercept included)."""
    Z = _scaled(np.asarray(X, float)) * (2.0 * np.asarray(y, float) - 1.0)[:, None]
    d = _recession(-Z, -Z.sum(axis=0))
    if d is None:
        return None
    # complete when one direction makes every s_i x_i.d > 0: maximise t with Z d >= t, t <= 1
    n, p = Z.shape
    res = linprog(np.r_[np.zeros(p), -1.0], A_ub=np.c_[-Z, np.ones(n)], b_ub=np.zeros(n),
                  bounds=[(-1.0, 1.0)] * p + [(None, 1.0)], method="highs")
    complete = res.status == 0 and -res.fun > _RELATIVE_TOL
    return Separation("complete" if complete else "quasi-complete", _terms(d, names))


def poisson_separation(X: np.ndarray, y: np.ndarray, names: list[str]) -> Separation | None:
    """No finite MLE for a log-linear count model (the offset does not matter)."""
    Xs = _scaled(np.asarray(X, float))
    zero = np.asarray(y) == 0
    if not zero.any():
        return None
    A_eq = Xs[~zero] if (~zero).any() else None
    d = _recession(Xs[zero], Xs[zero].sum(axis=0), A_eq)
    return None if d is None else Separation("infinite estimate", _terms(d, names))


def cox_monotone_likelihood(time: np.ndarray, event: np.ndarray, X: np.ndarray,
                            names: list[str]) -> Separation | None:
    """Monotone partial likelihood: every event has the highest risk score in its risk set along some direction.

    Raises
    ------
    OverflowError
        When the (event, at-risk row) pairs exceed :data:`MAX_COX_PAIRS` (the caller says the check was skipped).
    """
    time, event = np.asarray(time, float), np.asarray(event, int)
    Xs = _scaled(np.asarray(X, float))
    order = np.argsort(-time, kind="stable")  # descending time: each risk set is a prefix
    time, event, Xs = time[order], event[order], Xs[order]
    at_risk = np.searchsorted(-time, -time, side="right")  # rows with time >= t_i
    events = np.flatnonzero(event == 1)
    pairs = int(at_risk[events].sum())
    if pairs > MAX_COX_PAIRS:
        raise OverflowError(pairs)
    rows = np.concatenate([np.full(at_risk[i], i) for i in events]) if len(events) else np.zeros(0, int)
    cols = np.concatenate([np.arange(at_risk[i]) for i in events]) if len(events) else np.zeros(0, int)
    diff = Xs[rows] - Xs[cols]  # (x_i - x_j) for j at risk at event i's time
    keep = np.abs(diff).max(axis=1) > 0
    if not keep.any():
        return None
    diff = diff[keep]
    d = _recession(-diff, -diff.sum(axis=0))
    return None if d is None else Separation("monotone likelihood", _terms(d, names))
