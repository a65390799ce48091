"""Individual rows whose cross-tabulations give back a study's published contingency tables.

Tables that share a variable describe the same people (S16: recurrence against three risk
factors in the same 42 players): the first table lays out the rows, each later one fills its
new variable within the levels of the shared one. How the factors overlap with one another is
not published; it is drawn at random (and said so in the dataset's notes).

>>> import numpy as np
>>> from analysis.spec.model import load_study
>>> frame = table_rows(load_study("S6"), np.random.default_rng(0))
>>> len(frame), int(((frame.lbp_history == "yes") & (frame.flexibility == "diminished")).sum())
(102, 45)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core.errors import ReconstructionError
from analysis.spec.model import StudySpec


def table_rows(spec: StudySpec, rng: np.random.Generator) -> pd.DataFrame:
    """One row per person with a column per table variable (levels as strings)."""
    frame: pd.DataFrame | None = None
    for t in spec.tables:
        counts = np.asarray(t.counts)
        if frame is None:
            cells = [(r, c) for i, r in enumerate(t.row_levels) for j, c in enumerate(t.col_levels)
                     for _ in range(counts[i, j])]
            order = rng.permutation(len(cells))
            frame = pd.DataFrame([cells[k] for k in order], columns=[t.row, t.col])
            continue
        shared = [v for v in (t.row, t.col) if v in frame.columns]
        if not shared:
            raise ReconstructionError(f"{spec.id}: table {t.id!r} shares no variable with the tables before it")
        if len(shared) == 2:
            observed = pd.crosstab(frame[t.row], frame[t.col]).reindex(index=t.row_levels, columns=t.col_levels,
                                                                       fill_value=0)
            if not (observed.to_numpy() == counts).all():
                raise ReconstructionError(f"{spec.id}: table {t.id!r} disagrees with the tables before it")
            continue
        key = shared[0]
        new = t.col if key == t.row else t.row
        key_levels, new_levels = (t.row_levels, t.col_levels) if key == t.row else (t.col_levels, t.row_levels)
        by_key = counts if key == t.row else counts.T
        column = np.empty(len(frame), dtype=object)
        for i, level in enumerate(key_levels):
            rows = np.flatnonzero(frame[key].to_numpy() == level)
            if rows.size != by_key[i].sum():
                raise ReconstructionError(f"{spec.id}: table {t.id!r} has {by_key[i].sum()} with {key} = {level!r}, "
                                 f"the tables before it {rows.size}")
            labels = np.repeat(new_levels, by_key[i])
            column[rng.permutation(rows)] = labels
        frame[new] = column
    return frame
