"""Simulated recurrence cohorts (age, previous injury, recurrence) and the power of a logistic model on them.

A fixed textbook model, not a study's reconstruction: ``sims`` cohorts of athletes whose recurrence follows
``logit P(recurrence) = intercept + log_or_age * age + log_or_prior * previous_injury``. It is the workload of the
power benchmark (``benchmarks/bench_power.py``) and of the tests that hold the batched logistic fit
(:mod:`analysis.stats.batched`) to statsmodels. The ``power`` command does not use it: it simulates each evidence
entry's own model from its reconstruction (``EvidenceKind.simulate_power``).

>>> res = recurrence_power(n=400, intercept=-2.0, log_or_age=0.05, log_or_prior=1.0, sims=200, seed=1)
>>> 0 < res["power_prior"] <= 1
True
"""

from __future__ import annotations

import numpy as np

from analysis.stats.batched import logistic_power, sigmoid


def recurrence_cohorts(n: int, intercept: float, log_or_age: float, log_or_prior: float, sims: int, seed: int = 1,
                       age_sd: float = 4.0, prior_prevalence: float = 0.2) -> tuple[np.ndarray, np.ndarray]:
    """``sims`` cohorts of ``n`` athletes: age, previous injury (0/1), recurrence (0/1) from the logistic model.

    Age is centred (normal, mean 0, SD ``age_sd`` years), so ``intercept`` is the log-odds of recurrence
    at the cohort's mean age without a previous injury.

    Parameters
    ----------
    n : int
        Athletes per cohort.
    intercept, log_or_age, log_or_prior : float
        The true model: log-odds at the mean age without a previous injury, log OR per year of age, log OR of a
        previous injury.
    sims : int
        Cohorts.
    seed : int
        Seed of the one random stream (ages, then previous injuries, then recurrences).
    age_sd, prior_prevalence : float
        SD of age (years) and share of athletes with a previous injury.

    Returns
    -------
    X : numpy.ndarray, shape (sims, n, 3)
        Intercept, centred age, previous injury: a view of an array stored predictor by predictor, the layout
        :func:`~analysis.stats.batched.logistic_batch` works in.
    y : numpy.ndarray, shape (sims, n)
        Recurrence (0/1).

    Examples
    --------
    >>> X, y = recurrence_cohorts(300, -1.0, 0.05, 1.0, sims=3, seed=2)
    >>> X.shape, y.shape, sorted(set(X[..., 2].ravel().tolist()))
    ((3, 300, 3), (3, 300), [0.0, 1.0])
    """
    rng = np.random.default_rng(seed)
    columns = np.empty((sims, 3, n))
    columns[:, 0] = 1.0
    columns[:, 1] = rng.standard_normal((sims, n))
    columns[:, 1] *= age_sd
    columns[:, 2] = rng.random((sims, n)) < prior_prevalence
    p = sigmoid(intercept + log_or_age * columns[:, 1] + log_or_prior * columns[:, 2])
    y = (rng.random((sims, n)) < p).astype(float)
    return columns.transpose(0, 2, 1), y


def recurrence_power(n: int, intercept: float, log_or_age: float, log_or_prior: float, sims: int = 2000,
                     alpha: float = 0.05, seed: int = 1, **cohort) -> dict:
    """Power of the Wald tests of age and previous injury in a logistic model of recurrence, by simulation.

    Parameters
    ----------
    n, intercept, log_or_age, log_or_prior, sims, seed, **cohort
        The simulated cohorts: see :func:`recurrence_cohorts`.
    alpha : float
        The tests' level.

    Returns
    -------
    dict
        ``power_age``, ``power_prior`` (share of simulated cohorts with p < alpha), their Monte Carlo
        SEs, and ``failed`` (fits that did not converge, counted as non-significant).

    Examples
    --------
    >>> res = recurrence_power(n=250, intercept=-1.5, log_or_age=0.0, log_or_prior=1.0, sims=200, seed=7)
    >>> res["power_prior"] > res["power_age"], res["failed"]
    (True, 0)
    """
    X, y = recurrence_cohorts(n, intercept, log_or_age, log_or_prior, sims, seed, **cohort)
    power, mc_se, failed = logistic_power(X, y, alpha)
    return {"power_age": float(power[1]), "power_prior": float(power[2]), "mc_se_age": float(mc_se[1]),
            "mc_se_prior": float(mc_se[2]), "failed": failed, "sims": sims, "n": n}
