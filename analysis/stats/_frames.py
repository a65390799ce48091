"""Prepare a data frame for a model: columns present, numeric where needed, missing rows dropped and counted."""

from __future__ import annotations

import pandas as pd

from analysis.core.errors import AnalysisError


def model_frame(data: pd.DataFrame, numeric: list[str], categorical: list[str] = (), min_rows: int = 3,
                constant_ok: tuple[str, ...] = ()) -> tuple[pd.DataFrame, int]:
    """Return the complete rows of the named columns and how many rows were dropped.

    ``constant_ok`` names numeric columns that may be constant (an exposure offset).

    Raises
    ------
    AnalysisError
        A column is missing, not numeric, constant, or too few complete rows remain.
    """
    columns = list(dict.fromkeys([*numeric, *categorical]))
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise AnalysisError(f"{', '.join(missing)}: not in the data (columns: {', '.join(map(str, data.columns))})")
    for c in numeric:
        if not pd.api.types.is_numeric_dtype(data[c]) or pd.api.types.is_bool_dtype(data[c]):
            raise AnalysisError(f"{c}: must be numeric, got values of type {data[c].dtype}")
    frame = data[columns].dropna()
    dropped = len(data) - len(frame)
    if len(frame) < min_rows:
        raise AnalysisError(f"{', '.join(columns)}: need at least {min_rows} complete rows, got {len(frame)}")
    for c in numeric:
        if c not in constant_ok and frame[c].nunique() < 2:
            raise AnalysisError(f"{c}: is constant, so its effect cannot be estimated")
    for c in categorical:
        counts = frame[c].value_counts()
        if len(counts) < 2:
            raise AnalysisError(f"{c}: has a single level ({counts.index[0]!r}); a comparison needs two")
    return frame.reset_index(drop=True), dropped
