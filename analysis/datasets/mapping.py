"""Bring your own data: map your column names and labels onto a claim's, and count every row that is not used.

A :class:`Mapping` renames columns (``ake_tightness`` is your ``knee_angle``), recodes labels (your ``Healthy`` is
``healthy``) and names labels to leave out on purpose (``group: [pilot]``). :func:`select_rows` then picks the
rows an analysis reads and returns a :class:`RowReport` saying how many were read, used and left out, and why.
Labels that are neither a group of the study nor mapped nor excluded are an error, never a silent drop.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"grp": ["lbp", "Healthy", "Healthy", "pilot"], "knee": [30.0, 12.0, None, 20.0]})
>>> mapping = Mapping.from_options(columns=["group=grp", "ake_tightness=knee"], levels=["group:Healthy=healthy"],
...                                exclude=["group:pilot"])
>>> mapped = mapping.apply(frame, "clinic.csv")
>>> list(mapped.columns), list(mapped["group"])
(['group', 'ake_tightness'], ['lbp', 'healthy', 'healthy', 'pilot'])
>>> rows, report = select_rows(mapped, "clinic.csv", ["ake_tightness", "group"], {"group": ("lbp", "healthy")},
...                            known={"group": ("lbp", "healthy")}, mapping=mapping)
>>> len(rows), report.summary()
(2, '4 rows read, 2 used; left out: 1 excluded on request (group = pilot), 1 missing ake_tightness')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from pydantic import BaseModel, ConfigDict

from analysis.core.errors import InputError


class MappingFile(BaseModel):
    """The YAML form of a :class:`Mapping` (``--map FILE``)."""

    model_config = ConfigDict(extra="forbid")
    columns: dict[str, str] = {}
    levels: dict[str, dict[str, str]] = {}
    exclude: dict[str, list[str]] = {}


@dataclass(frozen=True)
class Mapping:
    """How a user's file maps onto the names an analysis reads.

    Parameters
    ----------
    columns : dict
        Analysis column -> the user's column (``{"ake_tightness": "knee_angle"}``).
    levels : dict
        Analysis column -> {the user's label: the analysis label} (``{"group": {"Healthy": "healthy"}}``).
    exclude : dict
        Analysis column -> the user's labels to leave out on purpose (``{"group": ["pilot"]}``); counted and said.
    """

    columns: dict[str, str] = field(default_factory=dict)
    levels: dict[str, dict[str, str]] = field(default_factory=dict)
    exclude: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_options(cls, columns: list[str] = (), levels: list[str] = (), exclude: list[str] = (),
                     file: str | Path | None = None) -> "Mapping":
        """From command-line style options (``ours=yours``, ``column:yours=ours``, ``column:label``) and a YAML file.

        The file has the same three parts (``columns:``, ``levels:``, ``exclude:``); options add to it.
        """
        base = cls.from_yaml(file) if file is not None else cls()
        cols, lvls, excl = dict(base.columns), {k: dict(v) for k, v in base.levels.items()}, \
            {k: list(v) for k, v in base.exclude.items()}
        for text in columns:
            ours, sep, yours = text.partition("=")
            if not (sep and ours.strip() and yours.strip()):
                raise InputError("mapping", "--column", f"expected OURS=YOURS (e.g. ake_tightness=knee_angle), got {text!r}")
            cols[ours.strip()] = yours.strip()
        for text in levels:
            column, sep, pair = text.partition(":")
            yours, sep2, ours = pair.partition("=")
            if not (sep and sep2 and column.strip() and yours.strip() and ours.strip()):
                raise InputError("mapping", "--level", f"expected COLUMN:YOURS=OURS (e.g. group:Healthy=healthy), "
                                                       f"got {text!r}")
            lvls.setdefault(column.strip(), {})[yours.strip()] = ours.strip()
        for text in exclude:
            column, sep, label = text.partition(":")
            if not (sep and column.strip() and label.strip()):
                raise InputError("mapping", "--exclude", f"expected COLUMN:LABEL (e.g. group:pilot), got {text!r}")
            excl.setdefault(column.strip(), []).append(label.strip())
        return cls(cols, lvls, excl)

    @classmethod
    def from_yaml(cls, path: str | Path) -> "Mapping":
        """Read a mapping file (``columns``, ``levels``, ``exclude``); errors name the file and the field."""
        from analysis.core.yamlfiles import read_model

        path = Path(path)
        if not path.is_file():
            raise InputError(path, "--map", "no such file")
        parsed = read_model(path, MappingFile)[0]
        return cls(parsed.columns, parsed.levels, parsed.exclude)

    def apply(self, frame: pd.DataFrame, source: str | Path) -> pd.DataFrame:
        """Rename the user's columns to ours and recode labels; the input frame is not modified."""
        missing = {ours: yours for ours, yours in self.columns.items() if yours not in frame.columns}
        if missing:
            raise InputError(source, ",".join(missing.values()),
                             f"mapped column(s) not in the file ({', '.join(f'{o}={y}' for o, y in missing.items())})")
        clash = [ours for ours, yours in self.columns.items() if ours in frame.columns and ours != yours
                 and ours not in self.columns.values()]
        if clash:
            raise InputError(source, ",".join(clash), "the file already has a column of that name; map it away first")
        renamed = frame.rename(columns={yours: ours for ours, yours in self.columns.items()})
        for column, recode in self.levels.items():
            if column not in renamed.columns:
                raise InputError(source, column, "has labels mapped (--level) but is not a column of the file")
            as_text = renamed[column].astype("string")
            renamed[column] = renamed[column].where(~as_text.isin(list(recode)), as_text.map(recode))
        return renamed

    def to_dict(self) -> dict:
        return {"columns": dict(self.columns), "levels": {k: dict(v) for k, v in self.levels.items()},
                "exclude": {k: list(v) for k, v in self.exclude.items()}}


@dataclass
class RowReport:
    """Rows read, rows used and every reason a row was left out, with counts."""

    source: str
    rows_read: int
    rows_used: int = 0
    left_out: list[tuple[str, int]] = field(default_factory=list)

    def summary(self) -> str:
        """One line: ``120 rows read, 80 used; left out: 40 in group(s) not compared here (group = sciatica)``."""
        text = f"{self.rows_read} rows read, {self.rows_used} used"
        if self.left_out:
            text += "; left out: " + ", ".join(f"{n} {why}" for why, n in self.left_out)
        return text

    def to_dict(self) -> dict:
        return {"source": self.source, "rows_read": self.rows_read, "rows_used": self.rows_used,
                "left_out": [{"reason": why, "rows": n} for why, n in self.left_out]}


def _label_counts(values: pd.Series) -> str:
    counts = values.astype("string").fillna("(empty)").value_counts()
    return ", ".join(f"{label!r}: {n}" for label, n in counts.items())


def _label_hint(column: str, unknown: pd.Series, labels: tuple[str, ...]) -> str:
    """How to fix unknown labels: a --level suggestion (a study label equal but for case and spaces, if any)."""
    present = unknown.dropna()
    if present.empty:
        return "fill them in or drop those rows"
    first = str(present.iloc[0])
    alike = [label for label in labels if label.replace(" ", "").lower() == first.replace(" ", "").lower()]
    return (f"map them (e.g. --level {column}:{first}={alike[0] if alike else 'OURS'}) or exclude them "
            f"(--exclude {column}:{first})")


def select_rows(frame: pd.DataFrame, source: str | Path, required: list[str], used_levels: dict[str, tuple[str, ...]],
                known: dict[str, tuple[str, ...]], mapping: Mapping | None = None,
                subset: str | None = None) -> tuple[pd.DataFrame, RowReport]:
    """The rows an analysis reads, and a report of every row left out.

    Parameters
    ----------
    frame : DataFrame
        The user's data after :meth:`Mapping.apply`.
    source : str or Path
        The file (for messages).
    required : list of str
        Columns that must have a value in a used row.
    used_levels : dict
        Label columns -> the labels this analysis compares (rows with other labels are not used).
    known : dict
        Label columns -> every label the study knows (a label outside these is an error unless excluded).
    mapping : Mapping, optional
        For the labels excluded on request.
    subset : str, optional
        A 0/1 column: only rows with 1 are analysed (e.g. athletes with a previous injury); the others are counted.

    Raises
    ------
    InputError
        When a label column holds labels the study does not know and the user neither mapped nor excluded them.
    """
    mapping = mapping or Mapping()
    report = RowReport(str(source), len(frame))
    keep = pd.Series(True, index=frame.index)
    for column, labels in used_levels.items():
        if column not in frame.columns:
            continue
        as_text = frame[column].astype("string")
        excluded = as_text.isin(mapping.exclude.get(column, [])) & keep
        if excluded.any():
            report.left_out.append((f"excluded on request ({column} = {', '.join(sorted(set(as_text[excluded])))})",
                                    int(excluded.sum())))
            keep &= ~excluded
        unknown = keep & ~as_text.isin(known.get(column, labels))
        if unknown.any():
            hint = _label_hint(column, as_text[unknown], known.get(column, labels))
            raise InputError(source, column, f"{int(unknown.sum())} of {len(frame)} rows have labels the study does "
                                             f"not know ({_label_counts(frame.loc[unknown, column])}); the study's "
                                             f"labels are {', '.join(known.get(column, labels))}; {hint}")
        other = keep & ~as_text.isin(labels)
        if other.any():
            report.left_out.append((f"in group(s) not compared here ({column} = "
                                    f"{', '.join(sorted(set(as_text[other])))})", int(other.sum())))
            keep &= ~other
    if subset is not None and subset in frame.columns:
        outside = keep & (pd.to_numeric(frame[subset], errors="coerce") != 1)
        if outside.any():
            report.left_out.append((f"outside the subset analysed ({subset} is not 1)", int(outside.sum())))
            keep &= ~outside
    for column in required:
        if column not in frame.columns:
            continue
        missing = keep & frame[column].isna()
        if missing.any():
            report.left_out.append((f"missing {column}", int(missing.sum())))
            keep &= ~missing
    report.rows_used = int(keep.sum())
    if report.rows_used == 0:  # an analysis of no rows would still end in a verdict from the published evidence
        raise InputError(source, "(rows)", f"no row is left to analyse: {report.summary()}")
    return frame.loc[keep], report
