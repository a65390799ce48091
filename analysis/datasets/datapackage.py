"""Write a generated dataset with a ``datapackage.json`` that says what it is.

The data file and its descriptor are written into a staging folder and moved into
place in an order that never leaves a descriptor of other data (even after a kill). The descriptor has
no timestamp: the same spec and seed give byte-identical files.

Examples
--------
>>> import tempfile, pathlib
>>> from analysis.spec.model import load_study_file
>>> from analysis.generate import build_dataset
>>> study = load_study_file("S2")
>>> out = pathlib.Path(tempfile.mkdtemp()) / "S2.csv"
>>> desc = write_dataset(build_dataset(study.spec), study, out)
>>> desc["synthetic"], (out.parent / "datapackage.json").exists()
(True, True)
"""

from __future__ import annotations

import hashlib
import io
import json
from functools import partial
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis.core.errors import InputError
from analysis.core.files import finish_pair, publish_pair, staging
from analysis.core.version import __version__
from analysis.datasets.schema import variable_field
from analysis.generate import Dataset
from analysis.spec.model import StudyFile, StudySpec


def _parquet_bytes(dataset: Dataset, description: str) -> bytes:
    table = pa.Table.from_pandas(dataset.frame, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), b"hamstring_evidence": description.encode()})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


#: A text column with at most this many distinct values is described by its values (``enum``).
MAX_LEVELS = 20


def _field(column: pd.Series, spec: StudySpec) -> dict:
    """A Frictionless Table Schema field: type, and the spec's bounds, integer scale and labels as constraints."""
    name = str(column.name)
    kind = column.dtype.kind
    field = {"name": name, "type": {"f": "number", "i": "integer", "u": "integer", "b": "boolean"}.get(kind, "string")}
    var = spec.variables.get(name)
    constraints: dict = {}
    if var is not None:  # the same field as every other rule of this variable (analysis.datasets.schema)
        ruled = variable_field(name, var)
        constraints.update(ruled.pop("constraints", {}))
        if kind == "f" and ruled["type"] == "integer":  # an integer scale reconstructed as continuous
            ruled.update(type="number", description="integer scale, reconstructed as continuous values")
            ruled.pop("step", None)
        field.update(ruled)
    if name == "participant":
        constraints.update(required=True, unique=bool(column.is_unique))
    elif field["type"] == "string":
        levels = sorted(column.dropna().astype(str).unique())
        if name == "group" and spec.groups:
            levels = sorted(set(levels) | set(spec.groups))
        if len(levels) <= MAX_LEVELS:
            constraints["enum"] = levels
    if constraints:
        field["constraints"] = constraints
    return field


def describe(dataset: Dataset, study: StudyFile, path: Path, sha256: str) -> dict:
    """The ``datapackage.json`` descriptor (Frictionless Data Package, plus provenance fields)."""
    spec = study.spec
    c = spec.citation
    fields = [_field(dataset.frame[col], spec) for col in dataset.frame.columns]
    schema = {"fields": fields}
    if "participant" in dataset.frame.columns and dataset.frame["participant"].is_unique:
        schema["primaryKey"] = ["participant"]
    return {
        "name": f"{spec.id.lower()}-synthetic",
        "title": f"SYNTHETIC dataset shaped like {spec.short} ({spec.id})",
        "synthetic": True,
        "description": (f"Synthetic data, not the study's participants: generated to reproduce the published "
                        f"summary statistics of {spec.short} ({spec.title}). Unreported figures are assumptions "
                        f"(listed below)."),
        "shaped_like": {"study_id": spec.id, "title": spec.title, "authors": c.authors, "year": c.year,
                        "journal": c.journal, "doi": c.doi, "pmid": c.pmid},
        "sources": [{"title": f"{c.authors} ({c.year_text}) {c.journal}",
                     **({"path": f"https://doi.org/{c.doi}"} if c.doi else {})}],
        "spec": {"file": study.path.name, "sha256": study.sha256},
        "seed": dataset.seed,
        "attempts": dataset.attempts,
        "assumptions": dataset.assumptions,
        "notes": dataset.notes,
        "generator": {"package": "hamstring-evidence", "version": __version__},
        "resources": [{"name": spec.id.lower(), "path": path.name, "format": path.suffix.lstrip("."),
                       "hash": f"sha256:{sha256}", "schema": schema}],
    }


#: Above this many rows a dataset is written as Parquet by default.
LARGE_DATASET_ROWS = 20_000


def default_file_name(dataset: Dataset, study: StudyFile) -> str:
    """``ID.csv``, or ``ID.parquet`` above :data:`LARGE_DATASET_ROWS` rows."""
    return f"{study.spec.id}{'.parquet' if len(dataset.frame) > LARGE_DATASET_ROWS else '.csv'}"


def _refuse_foreign_descriptor(out: Path) -> None:
    """A ``datapackage.json`` beside ``out`` that describes other files is not ours to overwrite."""
    existing = out.parent / "datapackage.json"
    if not existing.exists():
        return
    try:
        doc = json.loads(existing.read_text())
    except (OSError, ValueError):  # unreadable or not JSON (json's and UTF-8's decode errors are ValueErrors)
        doc = None
    resources = doc.get("resources", []) if isinstance(doc, dict) else None
    paths = ([r.get("path") for r in resources]
             if isinstance(resources, list) and all(isinstance(r, dict) for r in resources) else None)
    if paths != [out.name]:
        raise InputError(existing, "--out", f"describes other data ({paths if paths else 'not a data package'}); "
                                            f"write {out.name} into a folder of its own (nothing was changed)")


def dataset_files(dataset: Dataset, study: StudyFile, name: str) -> dict[str, bytes]:
    """The bytes of the data file ``name`` (CSV, or Parquet when it ends in ``.parquet``) and of its descriptor."""
    suffix = Path(name).suffix.lower()
    if suffix == ".parquet":
        data = _parquet_bytes(dataset, f"SYNTHETIC: shaped like {study.spec.short} ({study.spec.id})")
    elif suffix == ".csv":
        data = dataset.frame.to_csv(index=False, lineterminator="\n").encode()
    else:
        raise ValueError(f"unsupported output type {suffix or '(none)'!r}; use .csv or .parquet")
    descriptor = describe(dataset, study, Path(name), hashlib.sha256(data).hexdigest())
    return {name: data, DESCRIPTOR: (json.dumps(descriptor, indent=2, sort_keys=False) + "\n").encode()}


#: The Frictionless descriptor written beside every dataset.
DESCRIPTOR = "datapackage.json"


def write_dataset(dataset: Dataset, study: StudyFile, out: Path) -> dict:
    """Write ``dataset`` to ``out`` (CSV, or Parquet when it ends in ``.parquet``) and its descriptor beside it.

    Both are written into a staging folder beside ``out`` and moved in by :func:`analysis.core.files.publish_pair`,
    so a failure changes nothing and a kill never leaves a descriptor of other data; the next run into the same
    place completes or undoes what a killed one started and removes its staging folder.
    """
    out = Path(out)
    files = dataset_files(dataset, study, out.name)
    _refuse_foreign_descriptor(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    finish = partial(finish_pair, folder=out.parent, data=out.name, descriptor=DESCRIPTOR)
    with staging(out.parent, out.name, finish=finish) as stage:
        for name, content in files.items():
            (stage / name).write_bytes(content)
        publish_pair(stage, out.parent, out.name, DESCRIPTOR)
    return json.loads(files[DESCRIPTOR])
