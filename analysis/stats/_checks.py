"""Input checks shared by the statistical methods: clear errors, missing values reported."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core.errors import AnalysisError


def numeric(values, name: str) -> np.ndarray:
    """Return ``values`` as a float array or raise naming the column."""
    series = pd.Series(values)
    if not (pd.api.types.is_numeric_dtype(series) or series.isna().all()) or pd.api.types.is_bool_dtype(series):
        raise AnalysisError(f"{name}: must be numeric, got values of type {series.dtype}")
    return series.to_numpy(dtype=float, na_value=np.nan)


def paired(x, y, names: tuple[str, str], min_n: int = 3) -> tuple[np.ndarray, np.ndarray, int]:
    """Drop pairs with a missing value; return the arrays and how many were dropped."""
    a, b = numeric(x, names[0]), numeric(y, names[1])
    if a.size != b.size:
        raise AnalysisError(f"{names[0]}, {names[1]}: must have the same length, got {a.size} and {b.size}")
    keep = ~(np.isnan(a) | np.isnan(b))
    a, b = a[keep], b[keep]
    if a.size < min_n:
        raise AnalysisError(f"{names[0]}, {names[1]}: need at least {min_n} complete pairs, got {a.size}")
    for arr, name in ((a, names[0]), (b, names[1])):
        if np.ptp(arr) == 0:
            raise AnalysisError(f"{name}: is constant, so its correlation is undefined")
    return a, b, int((~keep).sum())


def group(values, name: str, min_n: int = 2) -> tuple[np.ndarray, int]:
    """Drop missing values of one group; return the array and how many were dropped."""
    a = numeric(values, name)
    keep = ~np.isnan(a)
    if keep.sum() < min_n:
        raise AnalysisError(f"{name}: needs at least {min_n} non-missing values, got {int(keep.sum())}")
    return a[keep], int((~keep).sum())
