"""Data families: the shapes of users' real data, declared in ``data/families.yaml``.

Each family lists its columns with a type, bounds, allowed values, and whether the column is
required or unique. :func:`validate_file` reads a CSV, Excel or Parquet file and reports every
problem at once, in one line naming the file, the column, the row and the value.

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "clinic.csv"
>>> _ = path.write_text("group,ake_tightness\\nlbp,31\\nhealthy,14\\n")
>>> validate_file(path, "flexibility-case-control").shape
(2, 2)
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pandas as pd
import pandera.pandas as pa
from pydantic import BaseModel, ConfigDict, ValidationError

from analysis.core.errors import InputError
from analysis.core.paths import data_dir, data_source
from analysis.core.yamlfiles import format_validation_error, load_yaml
from analysis.datasets.loaders import read_table, validate
from analysis.datasets.schema import family_table_schema, to_pandera


class ColumnRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    type: Literal["number", "integer", "binary", "text"]
    bounds: tuple[float, float] | None = None
    step: float | None = None
    allowed: list[str] | None = None
    required: bool = True
    unique: bool = False


class Family(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    description: str
    #: The study spec the family is shaped like: its shared columns follow that spec's variables (tested).
    study: str | None = None
    columns: dict[str, ColumnRule]


def load_families() -> dict[str, Family]:
    """Every family in ``data/families.yaml``."""
    path = data_dir() / "families.yaml"
    if not path.is_file():
        raise InputError(path, "(file)", f"no data families file in the data folder (from {data_source()})")
    raw = load_yaml(path)  # size, depth, aliases and duplicate keys checked; errors name the file
    if not isinstance(raw, dict):
        raise InputError(path, "(top level)", "must be a mapping of family names to families")
    families = {}
    for name, body in raw.items():
        try:
            families[str(name)] = Family.model_validate(body)
        except ValidationError as exc:
            field, problem = format_validation_error(exc)
            raise InputError(path, f"{name}.{field}", problem) from None
    return families


def schema(family: Family) -> pa.DataFrameSchema:
    """A pandera schema for a family, from its Table Schema (:mod:`analysis.datasets.schema`: one validator)."""
    return to_pandera(family_table_schema(family))


def validate_file(path: str | Path, family_name: str) -> pd.DataFrame:
    """Read ``path`` and check it against a family; the file itself is never modified.

    Raises
    ------
    InputError
        An unknown family, an unreadable file, missing required columns, or every bad value
        (column, row, value) in one message.
    """
    families = load_families()
    if family_name not in families:
        raise InputError("--family", "FAMILY", f"unknown family {family_name!r}; known: {', '.join(families)}")
    family = families[family_name]
    frame = read_table(path)
    missing = [c for c, rule in family.columns.items() if rule.required and c not in frame.columns]
    if missing:
        raise InputError(path, ",".join(missing), f"required column(s) missing for family {family_name!r}; "
                                                  f"the file has: {', '.join(map(str, frame.columns))}")
    return validate(frame, schema(family), path)
