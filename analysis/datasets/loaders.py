"""Load users' own data (CSV, Excel, Parquet) and validate it against a study's variables.

Raw files are only read, never written. Validation reports every problem at
once (column, row, value) in one line.

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "clinic.csv"
>>> _ = path.write_text("group,ake_tightness\\nlbp,30\\nhealthy,12\\n")
>>> read_table(path).shape
(2, 2)
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from analysis.core.errors import InputError
from analysis.core.files import file_sha256  # noqa: F401 - also imported from here (engine, tests)
from analysis.datasets.schema import study_table_schema, to_pandera
from analysis.spec.model import StudySpec

#: The first bytes of an OLE2 compound file: what Excel writes for a password-protected workbook (and for .xls).
OLE2_SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")
READERS = {".csv": pd.read_csv, ".xlsx": pd.read_excel, ".xls": pd.read_excel, ".parquet": pd.read_parquet}
MAX_PROBLEMS_SHOWN = 8


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV, Excel or Parquet file (by extension); lines starting with ``#`` in a CSV are comments."""
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise InputError(path, "(file)", f"unsupported file type {path.suffix or '(none)'!r}; use .csv, .xlsx or .parquet")
    if not path.is_file():
        try:
            path.stat()
        except OSError as exc:
            problem = "is a loop of symbolic links" if exc.errno == 40 else "does not exist"
            raise InputError(path, "(file)", problem) from None
        raise InputError(path, "(file)", "is a folder, not a file" if path.is_dir() else "is not a regular file")
    if path.suffix.lower() == ".xlsx":
        with open(path, "rb") as handle:
            if handle.read(8) == OLE2_SIGNATURE:
                raise InputError(path, "(file)", "is not an .xlsx workbook but an OLE2 compound file: a password-"
                                                 "protected (encrypted) workbook, or an old .xls renamed; save it "
                                                 "without a password as .xlsx or .csv")
    offset = 0
    if reader is pd.read_csv:
        with open(path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if not line.startswith("#"):
                    break
                offset += 1
    try:
        frame = reader(path, comment="#") if reader is pd.read_csv else reader(path)
    except Exception as exc:  # the readers raise many types; all mean the same thing to a user
        raise InputError(path, "(file)", f"cannot be read as {path.suffix}: {str(exc).splitlines()[0]}") from None
    if frame.empty:
        raise InputError(path, "(file)", "has no rows")
    duplicated = _duplicated_headers(path, reader, offset)
    if duplicated:
        raise InputError(path, ",".join(duplicated), "the header names this column more than once (pandas would "
                                                     "silently rename the second copy); keep one")
    frame.attrs["line_offset"] = offset  # leading comment lines, so that row numbers match the file
    return frame


def _duplicated_headers(path: Path, reader, offset: int) -> list[str]:
    """Column names that the file's header repeats (CSV and Excel; a Parquet schema cannot repeat a name)."""
    if reader is pd.read_csv:
        with open(path, encoding="utf-8", errors="replace", newline="") as handle:
            for _ in range(offset):
                handle.readline()
            header = next(csv.reader(handle), [])
    elif reader is pd.read_excel:
        header = [str(v) for v in pd.read_excel(path, header=None, nrows=1).iloc[0].tolist()]
    else:
        return []
    names = [h.strip() for h in header]
    return sorted({n for n in names if n and names.count(n) > 1})


def schema_for(spec: StudySpec, columns: list[str], groups: list[str] | None = None) -> pa.DataFrameSchema:
    """A pandera schema for ``columns`` of ``spec``: numeric, within the scale bounds, integer (in steps) where the
    scale is; built from the same Table Schema fields as every other rule (:mod:`analysis.datasets.schema`)."""
    return to_pandera(study_table_schema(spec, columns, groups))


def validate(frame: pd.DataFrame, schema: pa.DataFrameSchema, source: str | Path) -> pd.DataFrame:
    """Validate ``frame``; on failure raise one InputError listing every problem (column, row, value).

    Numbers are coerced first so that a non-numeric cell is reported as such (and the range
    checks still run on the other cells of its column). Rows are numbered as in the file (the
    header is row 1, leading comment lines count). The input frame is not modified.
    """
    problems: list[tuple[str, str]] = []
    not_numbers: set[tuple[str, int]] = set()
    first = 2 + frame.attrs.get("line_offset", 0)  # row of the first data line (the header is row 1)
    checked = frame.copy()
    for name, column in schema.columns.items():
        if name not in checked.columns or str(column.dtype) not in ("float64", "int64"):
            continue
        if str(column.dtype) == "float64" and pd.api.types.is_bool_dtype(checked[name]):
            raise InputError(source, name, "holds true/false values, not measurements on the scale (is it the right "
                                           "column?)")
        if checked[name].isna().all():
            continue
        coerced = pd.to_numeric(checked[name], errors="coerce")
        bad = coerced.isna() & checked[name].notna()
        for label in checked.index[bad.to_numpy()]:  # index labels are file positions (rows left out keep theirs)
            problems.append((name, f"row {label + first}: {checked.at[label, name]!r} is not a number"))
            not_numbers.add((name, int(label)))
        checked[name] = coerced.astype(float)
    try:
        checked = schema.validate(checked, lazy=True)
    except pa.errors.SchemaErrors as exc:
        for row in exc.failure_cases.itertuples(index=False):
            if pd.notna(row.index) and (str(row.column), int(row.index)) in not_numbers:
                continue  # already reported as not a number
            where = f"row {int(row.index) + first}" if pd.notna(row.index) else "column"
            problems.append((str(row.column), f"{where}: {row.failure_case!r} {_describe(str(row.check))}"))
    if problems:
        problems.sort(key=lambda p: (int(p[1].split()[1].rstrip(":")) if p[1].startswith("row ") else 0, p[0]))
        columns = ",".join(dict.fromkeys(c for c, _ in problems))
        shown = "; ".join(f"{c}: {text}" for c, text in problems[:MAX_PROBLEMS_SHOWN])
        more = f"; and {len(problems) - MAX_PROBLEMS_SHOWN} more" if len(problems) > MAX_PROBLEMS_SHOWN else ""
        raise InputError(source, columns, f"{len(problems)} problem(s): {shown}{more}")
    return checked


def finite_numbers(frame: pd.DataFrame, columns: list[str], source: str | Path) -> pd.DataFrame:
    """Check the ``columns`` of ``frame`` that no study variable describes (cohort covariates, outcomes, times): in a
    column that is mostly numbers, a cell that is not a number, or is infinite, is one InputError listing every such
    cell, with rows numbered as in the file. Missing cells stay missing (the analysis's own rule decides), a column
    of labels (yes/no) is left to the analysis, and numbers written as text become numbers."""
    first = 2 + frame.attrs.get("line_offset", 0)
    checked = frame.copy()
    problems: list[str] = []
    for name in columns:
        if name not in checked.columns:
            continue
        if pd.api.types.is_bool_dtype(checked[name]):
            continue  # true/false: 0/1 to the analysis
        coerced = pd.to_numeric(checked[name], errors="coerce").astype(float)
        present = int(checked[name].notna().sum())
        if present and coerced.notna().sum() < present / 2:
            continue  # a column of labels (yes/no, a table's levels): the analysis reads it as such
        bad = (coerced.isna() & checked[name].notna()) | np.isinf(coerced)
        problems += [f"{name}: row {label + first}: {_cell(checked.at[label, name])} is not a finite number"
                     for label in checked.index[bad.to_numpy()]]
        if not pd.api.types.is_numeric_dtype(checked[name]):
            checked[name] = coerced  # numbers written as text (e.g. from Excel) become numbers
    if problems:
        more = f"; and {len(problems) - MAX_PROBLEMS_SHOWN} more" if len(problems) > MAX_PROBLEMS_SHOWN else ""
        columns_named = ",".join(dict.fromkeys(p.split(":")[0] for p in problems))
        raise InputError(source, columns_named,
                         f"{len(problems)} problem(s): {'; '.join(problems[:MAX_PROBLEMS_SHOWN])}{more}")
    return checked


def _cell(value) -> str:
    """A cell as a user wrote it: numbers plainly (inf, not np.float64(inf)), text quoted."""
    return format(float(value), "g") if isinstance(value, (int, float, np.number)) else repr(value)


def _describe(check: str) -> str:
    if check.startswith("coerce_dtype"):
        return "is not a number"
    if check == "field_uniqueness":
        return "is duplicated"
    if "column_in_dataframe" in check:
        return "is missing"
    if "not_nullable" in check:
        return "is missing a value"
    return check
