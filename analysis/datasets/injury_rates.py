"""Registry-sized injury data: reduce millions of player-match rows to the rate model's sufficient statistics.

A Poisson model of injury counts with categorical covariates depends on the data only through the
counts and exposures of each covariate cell. :func:`rate_table_from_parquet` streams the two columns
it needs from a Parquet file batch by batch (pyarrow, dictionary-encoded injury types), bins age into
bands and counts with ``numpy.bincount``: ten million rows become a dozen, and the statsmodels fit on them gives the
same coefficients as a fit on the raw rows (tested).

>>> import tempfile, pathlib, numpy as np, pandas as pd
>>> path = pathlib.Path(tempfile.mkdtemp()) / "r.parquet"
>>> pd.DataFrame({"age": [18.0, 22, 26, 30], "injury": ["none", "hamstring", "calf", "none"]}).to_parquet(path)
>>> levels = {"hamstring": "a", "calf": "a", "quadriceps": "b"}
>>> rate_table_from_parquet(path, [17, 21, 25, 29, 40], levels)["exposure"].tolist()[:3]
[1.0, 1.0, 1.0]
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from analysis.core.errors import InputError
from analysis.core.parallel import parallel_map

#: Why a row with no age, or an age outside the bands, is left out of a rate table (``table.attrs["left_out"]``).
OUTSIDE_BANDS = "age missing or outside the bands"


@dataclass(frozen=True)
class RateColumns:
    """The columns of a rate table: one row per age band x outcome (a muscle's injuries, say) with its count and
    exposure. The defaults are the injury-rates family's names (``data/families.yaml``); a claim's
    ``rate_interaction`` entry may name others (each a plain identifier: they reach the model's formula).

    Examples
    --------
    >>> RateColumns().count, RateColumns(count="strains").count
    ('injuries', 'strains')
    """

    band: str = "age_step"  # the band's index, 0, 1, ...: the model's age term
    band_label: str = "age_band"  # the band as text, "17-21": shown, never modelled
    unit: str = "muscle"  # which outcome a row counts (fixed effects)
    count: str = "injuries"
    exposure: str = "exposure"


def age_steps(age: np.ndarray, age_bands: list[float]) -> tuple[np.ndarray, np.ndarray]:
    """Band index of each age ([low, high) bands) and a mask of ages inside the bands."""
    step = np.searchsorted(np.asarray(age_bands, dtype=float), age, side="right") - 1
    return step, (step >= 0) & (step < len(age_bands) - 1)


def rate_table_from_counts(counts: np.ndarray, exposure: np.ndarray, names: list[str], age_bands: list[float],
                           levels: dict[str, str], factor: str = "level",
                           columns: RateColumns = RateColumns()) -> pd.DataFrame:
    """Rows of the rate model from injury counts (bands x names) and exposure per band; empty bands are left out.
    Each band is [low, high) and labelled "low-high".

    ``levels`` maps each injury name to its level of ``factor`` (a column of the table); names without a level
    are left out. ``columns`` names the table's other columns.

    Examples
    --------
    >>> counts, exposure = np.array([[3, 1], [5, 0]]), np.array([100.0, 80.0])
    >>> rate_table_from_counts(counts, exposure, ["a", "b"], [18, 25, 32], {"a": "x", "b": "y"}, "side",
    ...                        RateColumns(count="events")).columns.tolist()
    ['age_step', 'age_band', 'muscle', 'side', 'exposure', 'events']
    """
    rows = []
    for s in range(len(age_bands) - 1):
        if exposure[s] == 0:
            continue
        label = f"{age_bands[s]:g}-{age_bands[s + 1]:g}"  # [low, high): the last band is closed above too
        for j, name in enumerate(names):
            if name in levels:
                rows.append({columns.band: s, columns.band_label: label, columns.unit: name, factor: levels[name],
                             columns.exposure: float(exposure[s]), columns.count: int(counts[s, j])})
    return pd.DataFrame(rows)


def rate_table_from_arrays(age: np.ndarray, injury_codes: np.ndarray, injury_names: list[str], age_bands: list[float],
                           levels: dict[str, str], factor: str = "level",
                           columns: RateColumns = RateColumns()) -> pd.DataFrame:
    """Counts and exposure per age band x muscle from per-row ages and injury codes (one injury type per row).

    Rows whose age is missing or outside the bands are left out and counted: ``table.attrs["left_out"]``.
    """
    age = np.asarray(age, dtype=float)
    cells = _cell_counts(age, np.asarray(injury_codes), len(injury_names), _edges_for(age.dtype, age_bands))
    return _rate_table(cells, injury_names, age_bands, levels, factor, columns, no_injury=0)


def _rate_table(by_position: np.ndarray, names: list[str], age_bands: list[float], levels: dict[str, str],
                factor: str, columns: RateColumns, no_injury: int) -> pd.DataFrame:
    """The rate table from counts per (position among the edges) x injury name (see :func:`_cell_counts`), with the
    rows left out (below or above the bands, no age, no injury type) counted in ``attrs["left_out"]``."""
    bands = len(age_bands) - 1
    totals = by_position[1:bands + 1]
    table = rate_table_from_counts(totals, totals.sum(axis=1), names, age_bands, levels, factor, columns)
    outside = int(by_position[0].sum() + by_position[bands + 1].sum())
    table.attrs["left_out"] = {"no injury type": no_injury, OUTSIDE_BANDS: outside}
    return table


#: Rows per Parquet batch of the streamed reduction: about 1.3 MB of the two columns, so memory stays bounded
#: whatever the file's size and each batch's temporaries stay in the CPU caches (1M-row batches were 3.7x slower).
STREAM_BATCH_ROWS = 1 << 18


def _edges_for(dtype: np.dtype, age_bands: list[float]) -> np.ndarray:
    """The band edges in the ages' own float type, each rounded up where it is not exact, so that
    ``age >= edge`` there is the same comparison as in float64 (no float64 copy of the ages is needed)."""
    edges = np.asarray(age_bands, dtype=np.float64)
    if dtype == np.float64 or not np.issubdtype(dtype, np.floating):
        return edges
    cast = edges.astype(dtype)
    return np.where(cast.astype(np.float64) < edges, np.nextafter(cast, np.array(np.inf, dtype)), cast)


def _cell_counts(age: np.ndarray, codes: np.ndarray, k: int, edges: np.ndarray) -> np.ndarray:
    """Rows per (position among the edges) x code: position 0 is below the first edge (or no age), ``len(edges)``
    at or above the last; the bands are positions 1 .. len(edges) - 1. One pass per edge over the ages in their
    own type, and one ``bincount``: no sorting, no row filtering."""
    cells = (len(edges) + 1) * k
    dtype = np.uint8 if cells <= 256 else np.int64
    position = (age >= edges[0]).astype(dtype)
    for edge in edges[1:]:
        position += age >= edge
    position *= k
    position += codes.astype(dtype, copy=False)
    return np.bincount(position, minlength=cells).reshape(len(edges) + 1, k)


def _row_group_cells(path: Path, group: int, *, age_bands: list[float], age_column: str, injury_column: str
                     ) -> tuple[dict[str, np.ndarray], int]:
    """One row group's counts per (position among the edges) for each injury name, and its rows with no injury type.

    Read batch by batch (memory stays bounded); each batch's injury types are dictionary-encoded and mapped to names,
    so batches with different dictionaries add up correctly.
    """
    cells: dict[str, np.ndarray] = {}
    no_injury = 0
    source = pq.ParquetFile(path)
    for batch in source.iter_batches(batch_size=STREAM_BATCH_ROWS, columns=[age_column, injury_column],
                                     row_groups=[group], use_threads=False):
        injury = batch.column(1)
        if not pa.types.is_dictionary(injury.type):
            injury = pc.dictionary_encode(injury)
        local = [str(v) for v in injury.dictionary.to_pylist()]
        indices = injury.indices
        age = batch.column(0)
        age = (age.fill_null(np.nan) if age.null_count else age).to_numpy(zero_copy_only=False)
        if not np.issubdtype(age.dtype, np.floating):
            age = age.astype(np.float64)
        if indices.null_count:
            known = indices.is_valid().to_numpy(zero_copy_only=False)
            no_injury += int((~known).sum())
            age, indices = age[known], indices.drop_null()
        counts = _cell_counts(age, indices.to_numpy(zero_copy_only=False), max(len(local), 1),
                              _edges_for(age.dtype, age_bands))
        for j, name in enumerate(local):
            cells[name] = cells.get(name, 0) + counts[:, j]
    return cells, no_injury


def rate_table_from_parquet(path: str | Path, age_bands: list[float], levels: dict[str, str], factor: str = "level",
                            age_column: str = "age", injury_column: str = "injury",
                            scheduler: str | None = None, columns: RateColumns = RateColumns()) -> pd.DataFrame:
    """Stream ``age`` and ``injury`` from a player-match Parquet file into the rate table.

    Only the two columns are read, a batch at a time (memory does not grow with the file); row groups are reduced
    on one thread per core (numpy releases the GIL in the comparisons and counts), or, with ``scheduler`` (a Dask
    scheduler address; the file on a path every worker can read), on the cluster's workers; either way they are
    added up in file order, so the table does not depend on how the work was split.
    Rows with no injury type, no age or an age outside the bands are left out and counted in
    ``table.attrs["left_out"]`` (reason: rows), never dropped silently.
    """
    path = Path(path)
    try:
        source = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as exc:  # no such file, or not Parquet
        raise InputError(path, "(file)", f"cannot be read as Parquet: {str(exc).splitlines()[0]}") from None
    schema = source.schema_arrow
    for column in (age_column, injury_column):  # checked before any thread starts
        if column not in schema.names:
            raise InputError(path, column, f"is not a column of the file; it has: {', '.join(schema.names)}")
    age_type = schema.field(age_column).type
    if not (pa.types.is_integer(age_type) or pa.types.is_floating(age_type) or pa.types.is_decimal(age_type)):
        raise InputError(path, age_column, f"must be numeric, got {age_type}")
    try:
        groups = source.metadata.num_row_groups
        reduce = partial(_row_group_cells, path, age_bands=age_bands, age_column=age_column,
                         injury_column=injury_column)
        if scheduler:
            parts = parallel_map(reduce, range(groups), scheduler=scheduler)
        else:
            with ThreadPoolExecutor(max(1, min(os.cpu_count() or 1, groups))) as pool:
                parts = list(pool.map(reduce, range(groups)))
    except (OSError, pa.ArrowException) as exc:  # a damaged row group
        raise InputError(path, f"{age_column},{injury_column}", f"cannot be read: {str(exc).splitlines()[0]}") from None
    names: list[str] = []
    cells: dict[str, np.ndarray] = {}
    for part, _ in parts:
        for name, counts in part.items():
            if name not in cells:
                names.append(name)
            cells[name] = cells.get(name, 0) + counts
    by_position = (np.stack([cells[name] for name in names], axis=1) if names
                   else np.zeros((len(age_bands) + 1, 0), dtype=np.int64))
    return _rate_table(by_position, names, age_bands, levels, factor, columns, no_injury=sum(n for _, n in parts))
