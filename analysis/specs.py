"""Study specs: the published figures of one study, written as data.

A spec is a YAML file under ``data/studies/``. Every number in it is either a
*reported* figure (``value`` plus ``source``: where in the paper it was read)
or an *assumption* (``assume`` plus an admissible ``range`` and a ``reason``).
Nothing a dataset needs may be left implicit.

Examples
--------
>>> from analysis.specs import load_study
>>> spec = load_study("S2")
>>> spec.groups["lbp"].n.value
30.0
>>> spec.summary("lbp", "ake_tightness").mean.value
31.63
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .constraints import significance_range
from .errors import InputError
from .paths import studies_dir
from .yamlfiles import read_model

Source = Literal["table", "abstract", "secondary", "checked"]
Design = Literal[
    "cross-sectional", "case-control", "cohort", "rct", "surveillance", "meta-analysis", "review"
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Quantity(_Strict):
    """A number that is either reported by the paper or assumed by the spec.

    Reported: ``value`` and ``source`` (``decimals`` = the published precision,
    inferred from the value when omitted). Assumed: ``assume``, ``range``
    ``[low, high]`` containing it, and ``reason``.
    """

    value: float | None = None
    source: Source | None = None
    decimals: int | None = Field(default=None, ge=0, le=6)
    assume: float | None = None
    range: tuple[float, float] | None = None
    reason: str | None = None

    @model_validator(mode="after")
    def _reported_xor_assumed(self) -> "Quantity":
        if (self.value is None) == (self.assume is None):
            raise ValueError("give either 'value' (a reported figure) or 'assume' (an assumption), not both or neither")
        if self.value is not None:
            if self.source is None:
                raise ValueError("a reported value needs 'source' (table, abstract, secondary or checked)")
            if self.range is not None or self.reason is not None:
                raise ValueError("'range' and 'reason' belong to assumptions; a reported value has 'source'")
            if not math.isfinite(self.value):
                raise ValueError(f"value must be a finite number, got {self.value}")
        else:
            if not self.reason:
                raise ValueError("an assumption needs a 'reason'")
            if self.range is not None:
                low, high = self.range
                if not low <= self.assume <= high:
                    raise ValueError(f"assumed value {self.assume} lies outside its range [{low}, {high}]")
        return self

    @property
    def is_assumption(self) -> bool:
        """True when the paper does not report this number."""
        return self.value is None

    @property
    def point(self) -> float:
        """The reported value, or the assumed one."""
        return self.value if self.value is not None else self.assume

    @property
    def precision(self) -> int:
        """Published decimals of a reported value."""
        if self.decimals is not None:
            return self.decimals
        text = repr(self.value)
        return len(text.split(".")[1]) if "." in text else 0


class Citation(_Strict):
    authors: str
    year: int
    journal: str
    volume: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    pmc: str | None = None


class Group(_Strict):
    label: str
    n: Quantity

    @model_validator(mode="after")
    def _n_is_count(self) -> "Group":
        n = self.n.point
        if n != int(n) or n < 2:
            raise ValueError(f"n must be a whole number of at least 2, got {n}")
        return self


class Variable(_Strict):
    label: str
    unit: str
    bounds: tuple[float, float] | None = None
    integer: bool = False
    step: float | None = None
    meaning: str | None = None

    @model_validator(mode="after")
    def _bounds_ordered(self) -> "Variable":
        if self.bounds is not None and not self.bounds[0] < self.bounds[1]:
            raise ValueError(f"bounds must be [low, high] with low < high, got {list(self.bounds)}")
        return self


class Summary(_Strict):
    group: str
    variable: str
    mean: Quantity
    sd: Quantity

    @model_validator(mode="after")
    def _sd_positive(self) -> "Summary":
        if self.sd.point <= 0:
            raise ValueError(f"sd must be positive, got {self.sd.point}")
        return self


class Correlation(_Strict):
    """A correlation between two variables within one group.

    ``r`` is reported or assumed. When the paper gives only a sign and
    significance, give ``sign``/``significant`` (and ``alpha``); the
    admissible range of the assumed ``r`` is then derived from them.
    """

    group: str
    x: str
    y: str
    r: Quantity
    sign: Literal["positive", "negative"] | None = None
    significant: bool | None = None
    alpha: float = 0.05
    source: Source | None = None

    def admissible_range(self, n: int) -> tuple[float, float]:
        """The range ``r`` may take: the constraint from the paper intersected with the spec's range."""
        low, high = self.r.range if self.r.range is not None else (-0.95, 0.95)
        if self.significant is not None:
            c_low, c_high = significance_range(n, self.sign, self.significant, self.alpha)
            low, high = max(low, c_low), min(high, c_high)
        return low, high


class ReportedTest(_Strict):
    """A test statistic the paper reports and the dataset must reproduce."""

    kind: Literal["mann_whitney_u"]
    variable: str
    groups: tuple[str, str]
    value: float
    decimals: int | None = None
    source: Source
    note: str | None = None


class StudySpec(_Strict):
    """One study: citation, design, groups, variables and every figure it reports."""

    id: str
    short: str
    title: str
    citation: Citation
    design: Design
    cited_by: list[str] = []
    population: str
    groups: dict[str, Group]
    variables: dict[str, Variable]
    summaries: list[Summary] = []
    correlations: list[Correlation] = []
    default_correlation: Quantity | None = None
    reported_tests: list[ReportedTest] = []
    seed: int = 20260101
    notes: list[str] = []

    @model_validator(mode="after")
    def _references_resolve(self) -> "StudySpec":
        for i, s in enumerate(self.summaries):
            if s.group not in self.groups:
                raise ValueError(f"summaries[{i}].group: unknown group {s.group!r}")
            if s.variable not in self.variables:
                raise ValueError(f"summaries[{i}].variable: unknown variable {s.variable!r}")
        for i, c in enumerate(self.correlations):
            if c.group not in self.groups:
                raise ValueError(f"correlations[{i}].group: unknown group {c.group!r}")
            for axis in ("x", "y"):
                if getattr(c, axis) not in self.variables:
                    raise ValueError(f"correlations[{i}].{axis}: unknown variable {getattr(c, axis)!r}")
            low, high = c.admissible_range(self.n(c.group))
            if not low <= c.r.point <= high:
                raise ValueError(
                    f"correlations[{i}] ({c.x}, {c.y}): r = {c.r.point} lies outside its admissible range "
                    f"[{low:.4f}, {high:.4f}]"
                )
            if c.r.value is None and c.r.range is None and c.significant is None:
                raise ValueError(f"correlations[{i}] ({c.x}, {c.y}): an assumed r needs a range or a reported constraint")
        for i, t in enumerate(self.reported_tests):
            for g in t.groups:
                if g not in self.groups:
                    raise ValueError(f"reported_tests[{i}].groups: unknown group {g!r}")
        return self

    # --- convenience -----------------------------------------------------
    def n(self, group: str) -> int:
        """Sample size of a group."""
        return int(self.groups[group].n.point)

    @property
    def total_n(self) -> int:
        """Sample size over all groups."""
        return sum(self.n(g) for g in self.groups)

    def summary(self, group: str, variable: str) -> Summary:
        """The mean and SD of ``variable`` in ``group``."""
        for s in self.summaries:
            if s.group == group and s.variable == variable:
                return s
        raise KeyError(f"{self.id}: no summary for {variable!r} in group {group!r}")

    def group_variables(self, group: str) -> list[str]:
        """Variables summarised in ``group``, in spec order."""
        return [s.variable for s in self.summaries if s.group == group]

    def correlation(self, group: str, x: str, y: str) -> Correlation | None:
        """The correlation entry for a pair (either order), or None."""
        for c in self.correlations:
            if c.group == group and {c.x, c.y} == {x, y}:
                return c
        return None

    def assumptions(self) -> list[dict]:
        """Every assumed number, as records: what, value, range, reason."""
        out = []
        for s in self.summaries:
            for stat in ("mean", "sd"):
                q = getattr(s, stat)
                if q.value is None:
                    out.append(dict(what=f"{stat} of {s.variable} in {s.group}", value=q.assume,
                                    range=list(q.range) if q.range else None, reason=q.reason))
        for c in self.correlations:
            if c.r.value is None:
                out.append(dict(what=f"r({c.x}, {c.y}) in {c.group}", value=c.r.assume,
                                range=[round(v, 4) for v in c.admissible_range(self.n(c.group))],
                                reason=c.r.reason))
        if self.default_correlation is not None:
            q = self.default_correlation
            out.append(dict(what="r of every pair not listed", value=q.assume,
                            range=list(q.range) if q.range else None, reason=q.reason))
        return out


class StudyFile(BaseModel):
    """A loaded spec with the path and hash of the file it came from."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)
    spec: StudySpec
    path: Path
    sha256: str


def parse_study_file(path: Path) -> StudyFile:
    """Read and validate one spec file.

    Raises
    ------
    InputError
        Naming the file, the first bad field and every problem found.
    """
    path = Path(path)
    spec, raw = read_model(path, StudySpec)
    return StudyFile(spec=spec, path=path, sha256=hashlib.sha256(raw).hexdigest())


def study_files() -> dict[str, StudyFile]:
    """All specs under ``data/studies``, keyed by study id."""
    found: dict[str, StudyFile] = {}
    for path in sorted(studies_dir().glob("*.yaml")):
        loaded = parse_study_file(path)
        if loaded.spec.id in found:
            raise InputError(path, "id", f"duplicate study id {loaded.spec.id!r} (also in {found[loaded.spec.id].path.name})")
        found[loaded.spec.id] = loaded
    return found


def load_study_file(study_id: str) -> StudyFile:
    """Load a spec by id, with its path and hash."""
    files = study_files()
    if study_id not in files:
        known = ", ".join(sorted(files, key=_natural)) or "none"
        raise InputError("study", "STUDY_ID", f"unknown study {study_id!r}; known: {known}")
    return files[study_id]


def load_study(study_id: str) -> StudySpec:
    """Load a spec by id (e.g. ``"S2"``)."""
    return load_study_file(study_id).spec


def _natural(study_id: str):
    digits = "".join(ch for ch in study_id if ch.isdigit())
    return (int(digits) if digits else 0, study_id)
