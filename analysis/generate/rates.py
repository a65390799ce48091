"""Events over exposure in repeated units, with the published total events exactly.

>>> import numpy as np
>>> from analysis.spec.model import load_study
>>> frame = rate_rows(load_study("S15"), np.random.default_rng(0), {})
>>> float(round(frame["events"].sum() / len(frame), 2))
6.0
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.spec.assumptions import value_of
from analysis.spec.model import StudySpec


def rate_rows(spec: StudySpec, rng: np.random.Generator, overrides: dict[str, float]) -> pd.DataFrame:
    """One row per unit with its exposure and events; events are spread evenly at random over units."""
    r = spec.rates
    units = int(round(value_of(r.units, r.key("units"), overrides)))
    exposure = value_of(r.exposure_per_unit, r.key("exposure_per_unit"), overrides)
    total = int(round(value_of(r.events_per_unit, r.key("events_per_unit"), overrides) * units))
    counts = rng.multinomial(total, np.full(units, 1 / units))
    return pd.DataFrame({r.unit: [f"{r.unit}-{i + 1:03d}" for i in range(units)], "exposure": exposure,
                         "exposure_unit": r.exposure_unit, "events": counts, "event": r.event})
