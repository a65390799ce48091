"""Does a dataset reproduce what its paper published? One check per published figure.

Each kind of published figure registers its own check in :mod:`analysis.checks.figures`: it recomputes the
figure from the dataset and compares it with the published one at the published rounding (group sizes, means
and SDs, correlations or the band their significance allows, categorical counts, contingency tables, reported
test statistics, cohort event counts and predictors, rates). This module loops over a spec's figures.

Examples
--------
>>> from analysis.spec.model import load_study
>>> from analysis.generate import build_dataset
>>> spec = load_study("S6")
>>> checks = reproduction_checks(spec, build_dataset(spec).frame)
>>> all(c.ok for c in checks), any("chi-square" in c.figure for c in checks)
(True, True)
"""

from __future__ import annotations

import pandas as pd

import analysis.checks.figures  # noqa: F401  (registers every kind's checks)
from analysis.checks.registry import REPRODUCERS, Check, run_registered
from analysis.spec.model import StudySpec

__all__ = ["Check", "reproduction_checks"]


def reproduction_checks(spec: StudySpec, frame: pd.DataFrame) -> list[Check]:
    """Every published figure of ``spec`` that a dataset should reproduce, checked on ``frame``."""
    return run_registered(REPRODUCERS, spec, frame)
