"""Registry-sized injury data: reduce millions of player-match rows to the rate model's sufficient statistics.

A Poisson model of injury counts with categorical covariates depends on the data only through the
counts and exposures of each covariate cell. :func:`rate_table_from_parquet` reads the two columns it
needs from a Parquet file (pyarrow, dictionary-encoded injury types), bins age into bands and counts
with ``numpy.bincount``: ten million rows become a dozen, and the statsmodels fit on them gives the
same coefficients as a fit on the raw rows (tested).

>>> import tempfile, pathlib, numpy as np, pandas as pd
>>> path = pathlib.Path(tempfile.mkdtemp()) / "r.parquet"
>>> pd.DataFrame({"age": [18.0, 22, 26, 30], "injury": ["none", "hamstring", "calf", "none"]}).to_parquet(path)
>>> levels = {"hamstring": "a", "calf": "a", "quadriceps": "b"}
>>> rate_table_from_parquet(path, [17, 21, 25, 29, 40], levels)["exposure"].tolist()[:3]
[1.0, 1.0, 1.0]
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq

from analysis.core.errors import InputError


def age_steps(age: np.ndarray, age_bands: list[float]) -> tuple[np.ndarray, np.ndarray]:
    """Band index of each age ([low, high) bands) and a mask of ages inside the bands."""
    step = np.searchsorted(np.asarray(age_bands, dtype=float), age, side="right") - 1
    return step, (step >= 0) & (step < len(age_bands) - 1)


def rate_table_from_counts(counts: np.ndarray, exposure: np.ndarray, names: list[str], age_bands: list[float],
                           levels: dict[str, str], factor: str = "level") -> pd.DataFrame:
    """Rows of the rate model from injury counts (bands x names) and exposure per band; empty bands are left out.

    ``levels`` maps each injury name to its level of ``factor`` (a column of the table); names without a level
    are left out.
    """
    rows = []
    for s in range(len(age_bands) - 1):
        if exposure[s] == 0:
            continue
        last = s == len(age_bands) - 2
        label = f"{age_bands[s]:g}+" if last else f"{age_bands[s]:g}-{age_bands[s + 1]:g}"
        for j, name in enumerate(names):
            if name in levels:
                rows.append({"age_step": s, "age_band": label, "muscle": name, factor: levels[name],
                             "exposure": float(exposure[s]), "injuries": int(counts[s, j])})
    return pd.DataFrame(rows)


def rate_table_from_arrays(age: np.ndarray, injury_codes: np.ndarray, injury_names: list[str], age_bands: list[float],
                           levels: dict[str, str], factor: str = "level") -> pd.DataFrame:
    """Counts and exposure per age band x muscle from per-row ages and injury codes (one injury type per row)."""
    step, inside = age_steps(age, age_bands)
    step, codes = step[inside], injury_codes[inside]
    k, bands = len(injury_names), len(age_bands) - 1
    counts = np.bincount(step * k + codes, minlength=bands * k).reshape(bands, k)
    return rate_table_from_counts(counts, counts.sum(axis=1), injury_names, age_bands, levels, factor)


def rate_table_from_parquet(path: str | Path, age_bands: list[float], levels: dict[str, str], factor: str = "level",
                            age_column: str = "age", injury_column: str = "injury") -> pd.DataFrame:
    """Read only ``age`` and ``injury`` from a player-match Parquet file and reduce it to the rate table."""
    path = Path(path)
    try:
        table = pq.read_table(path, columns=[age_column, injury_column])
    except Exception as exc:  # pyarrow raises several types for a missing file or column
        raise InputError(path, f"{age_column},{injury_column}", f"cannot be read: {str(exc).splitlines()[0]}") from None
    injury = table.column(injury_column)
    encoded = pc.dictionary_encode(injury).combine_chunks()
    names = [str(v) for v in encoded.dictionary.to_pylist()]
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    age = table.column(age_column).to_numpy()
    return rate_table_from_arrays(age, codes, names, age_bands, levels, factor)
