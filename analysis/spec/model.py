"""Study specs: the published figures of one study, written as data.

A spec is a YAML file under ``data/studies/``. Every number in it is either a
*reported* figure (``value`` plus ``source``: where in the paper it was read)
or an *assumption* (``assume`` plus an admissible ``range`` and a ``reason``).
Nothing a dataset needs may be left implicit.

Examples
--------
>>> from analysis.spec.model import load_study
>>> spec = load_study("S2")
>>> spec.groups["lbp"].n.value
30.0
>>> spec.summary("lbp", "ake_tightness").mean.value
31.63
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from analysis.core.errors import InputError
from analysis.core.paths import studies_dir
from analysis.core.yamlfiles import read_model
from analysis.spec.parts import (  # noqa: F401
    Categorical,
    Citation,
    Cohort,
    Correlation,
    Effect,
    Group,
    Proportion,
    Quantity,
    Rates,
    ReportedTest,
    Strict,
    Summary,
    Table,
    Variable,
)

Design = Literal[
    "cross-sectional", "case-control", "cohort", "rct", "surveillance", "meta-analysis", "review"
]


class StudySpec(Strict):
    """One study: citation, design, groups, variables and every figure it reports."""

    id: str
    short: str
    title: str
    citation: Citation
    design: Design
    cited_by: list[str] = []
    population: str
    groups: dict[str, Group] = {}
    variables: dict[str, Variable]
    summaries: list[Summary] = []
    correlations: list[Correlation] = []
    default_correlation: Quantity | None = None
    categoricals: list[Categorical] = []
    tables: list[Table] = []
    cohort: Cohort | None = None
    rates: Rates | None = None
    effects: list[Effect] = []
    proportions: list[Proportion] = []
    reported_tests: list[ReportedTest] = []
    dataset_reason: str | None = None
    seed: int = 20260101
    notes: list[str] = []

    @property
    def builds_dataset(self) -> bool:
        """False for specs that only record figures (``dataset_reason`` says why)."""
        return self.dataset_reason is None

    @model_validator(mode="after")
    def _references_resolve(self) -> "StudySpec":
        def known(kind, name, where, pool):
            if name not in pool:
                raise ValueError(f"{where}: unknown {kind} {name!r}")

        for i, s in enumerate(self.summaries):
            known("group", s.group, f"summaries[{i}].group", self.groups)
            known("variable", s.variable, f"summaries[{i}].variable", self.variables)
            bounds = self.variables[s.variable].bounds
            if bounds is not None and not bounds[0] <= s.target_mean <= bounds[1]:
                raise ValueError(f"summaries[{i}] ({s.variable}): mean {s.target_mean:g} lies outside the scale "
                                 f"[{bounds[0]:g}, {bounds[1]:g}]")
        for i, c in enumerate(self.correlations):
            known("group", c.group, f"correlations[{i}].group", self.groups)
            for axis in ("x", "y"):
                known("variable", getattr(c, axis), f"correlations[{i}].{axis}", self.variables)
            low, high = c.admissible_range(self.n(c.group))
            if low > high:
                raise ValueError(f"correlations[{i}] ({c.x}, {c.y}): the reported constraints leave no admissible r")
            if not low <= c.r.point <= high:
                raise ValueError(
                    f"correlations[{i}] ({c.x}, {c.y}): r = {c.r.point} lies outside its admissible range "
                    f"[{low:.4f}, {high:.4f}]"
                )
            if c.r.value is None and c.r.range is None and c.significant is None and c.p is None:
                raise ValueError(f"correlations[{i}] ({c.x}, {c.y}): an assumed r needs a range or a reported constraint")
        for i, cat in enumerate(self.categoricals):
            known("group", cat.group, f"categoricals[{i}].group", self.groups)
            total = sum(q.point for q in cat.counts.values())
            if total != self.n(cat.group):
                raise ValueError(f"categoricals[{i}] ({cat.variable}): counts add to {total:g}, "
                                 f"not to n = {self.n(cat.group)} of {cat.group}")
        totals = {t.total for t in self.tables}
        if len(totals) > 1:
            raise ValueError(f"tables: every table must describe the same people; totals differ: {sorted(totals)}")
        shapes = [k for k, present in (("summaries or categoricals", bool(self.summaries or self.categoricals)),
                                       ("tables", bool(self.tables)), ("cohort", self.cohort is not None),
                                       ("rates", self.rates is not None)) if present]
        if len(shapes) > 1:
            raise ValueError(f"a spec shapes one kind of dataset; this one has {' and '.join(shapes)}")
        table_ids = {t.id for t in self.tables}
        for i, t in enumerate(self.reported_tests):
            if t.groups is not None:
                for g in t.groups:
                    known("group", g, f"reported_tests[{i}].groups", self.groups)
            if t.table is not None:
                known("table", t.table, f"reported_tests[{i}].table", table_ids)
        if self.cohort is not None:
            known("group", self.cohort.group, "cohort.group", self.groups)
            names = set(self.cohort.covariates) | {o.name for o in self.cohort.outcomes}
            for o in self.cohort.outcomes:
                for cov in o.odds_ratios:
                    known("cohort covariate or outcome", cov, f"cohort.outcomes[{o.name}].odds_ratios", names)
                for i, assoc in enumerate(o.reported):
                    known("covariate with an odds ratio on this outcome", assoc.covariate,
                          f"cohort.outcomes[{o.name}].reported[{i}].covariate", set(o.odds_ratios))
                if o.among is not None:
                    known("outcome", o.among, f"cohort.outcomes[{o.name}].among", names)
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

    def joint_variables(self, group: str) -> list[str]:
        """Variables generated jointly with exact moments and correlations: every non-integer one, and
        integer ones that take part in a listed correlation. The others are integer scales rebuilt
        one at a time (SPRITE), independent of the rest."""
        listed = {v for c in self.correlations if c.group == group for v in (c.x, c.y)}
        return [v for v in self.group_variables(group) if not self.variables[v].integer or v in listed]

    def integer_variables(self, group: str) -> list[str]:
        """Integer-scale variables of ``group`` rebuilt one at a time (see :meth:`joint_variables`)."""
        joint = set(self.joint_variables(group))
        return [v for v in self.group_variables(group) if v not in joint]

    def correlation(self, group: str, x: str, y: str) -> Correlation | None:
        """The correlation entry for a pair (either order), or None."""
        for c in self.correlations:
            if c.group == group and {c.x, c.y} == {x, y}:
                return c
        return None

    def assumptions(self) -> list[dict]:
        """Every assumed number, as records: what, value, range, reason (see :mod:`analysis.assumptions`)."""
        from analysis.spec.assumptions import assumption_slots

        return [dict(key=s.key, what=s.what, value=s.value, range=[s.low, s.high], reason=s.reason)
                for s in assumption_slots(self)]


class StudyFile(BaseModel):
    """A loaded spec with the path and hash of the file it came from (hashable by path and content)."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    def __hash__(self) -> int:
        return hash((str(self.path), self.sha256))

    def __eq__(self, other) -> bool:
        return isinstance(other, StudyFile) and (self.path, self.sha256) == (other.path, other.sha256)
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
            other = found[loaded.spec.id].path.name
            raise InputError(path, "id", f"duplicate study id {loaded.spec.id!r} (also in {other})")
        found[loaded.spec.id] = loaded
    return dict(sorted(found.items(), key=lambda kv: _natural(kv[0])))


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
