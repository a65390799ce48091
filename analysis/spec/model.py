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
from functools import lru_cache
from pathlib import Path
from typing import Annotated, ClassVar, Iterator, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from analysis.core.errors import InputError
from analysis.core.names import formula_name_problem
from analysis.core.paths import registry_files, studies_dir
from analysis.core.yamlfiles import read_model, validated
from analysis.spec.parts import (  # noqa: F401
    Categorical,
    Citation,
    Cohort,
    Correlation,
    Effect,
    Figure,
    Group,
    Proportion,
    Quantity,
    Rates,
    RegressionCoefficient,
    ReportedChiSquare,
    ReportedF,
    ReportedFisherP,
    ReportedPairedT,
    ReportedRiskRatio,
    ReportedT,
    ReportedU,
    ReportedZ,
    Statement,
    Strict,
    Summary,
    Table,
    Variable,
)
from analysis.spec.parts.appraisal import Appraisal, check_references
from analysis.spec.parts.group import derived_sizes, size_key
from analysis.spec.slots import assumption_slots

#: A ``reported_tests:`` entry: the kind its ``kind`` names (one model per test, ``analysis/spec/parts/reported_*.py``).
ReportedTest = Annotated[ReportedT | ReportedPairedT | ReportedF | ReportedU | ReportedChiSquare | ReportedZ
                         | ReportedFisherP | ReportedRiskRatio, Field(discriminator="kind")]

Design = Literal[
    "cross-sectional", "case-control", "cohort", "case-series", "rct", "surveillance", "meta-analysis", "review"
]


class StudySpec(Appraisal):
    """One study: citation, design, groups, variables and every figure it reports; and its appraisal (risk of
    bias, what a review includes, sample overlap, a review's own certainty, a retraction: see
    :mod:`analysis.spec.parts.appraisal`)."""

    #: A safe file name: the id names the dataset folder (``data build``), so no ``/``, ``..`` or absolute path.
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")]
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
    regressions: list[RegressionCoefficient] = []
    proportions: list[Proportion] = []
    reported_tests: list[ReportedTest] = []
    statements: list[Statement] = []
    dataset_reason: str | None = None
    #: Why no claim cites this study (one line); a spec is either evidence for a claim or says why not (tested).
    unused_reason: str | None = None
    #: True for a "study" composed of several papers' assumptions: a what-if simulation, never evidence.
    composite: bool = False
    #: For a meta-analysis or review: the designs it pools. Randomised trials start at high GRADE certainty for an
    #: intervention; "prospective cohorts" (longitudinal designs only) start high for a prognostic factor;
    #: "observational" (other or mixed designs, or designs not stated) starts low.
    evidence_from: Literal["randomised", "prospective cohorts", "observational"] | None = None
    #: Where the review says it pools only prospective cohorts: a verbatim quote with its location (required with
    #: ``evidence_from: prospective cohorts``, since it raises where certainty starts).
    evidence_from_source: str | None = None
    seed: int = 20260101
    notes: list[str] = []

    @property
    def randomised(self) -> bool:
        """True for a randomised trial, or a review/meta-analysis of randomised trials."""
        return self.design == "rct" or self.evidence_from == "randomised"

    @property
    def longitudinal(self) -> bool:
        """True for a design that follows people forward (a cohort, surveillance, a trial) or a review that pools
        only such designs: GRADE starts such evidence high for a prognostic factor (GRADE guidelines 28)."""
        return self.design in ("cohort", "surveillance", "rct") or self.evidence_from in ("randomised",
                                                                                         "prospective cohorts")

    @property
    def builds_dataset(self) -> bool:
        """False for specs that only record figures (``dataset_reason`` says why)."""
        return self.dataset_reason is None

    #: The fields that hold published figures, in the order checks and pages list them.
    FIGURE_FIELDS: ClassVar[tuple[str, ...]] = ("groups", "summaries", "correlations", "categoricals", "tables",
                                                "reported_tests", "cohort", "rates", "effects", "regressions",
                                                "proportions", "statements")

    def figures(self) -> Iterator[tuple[str, Figure]]:
        """Every published figure of the spec as ``(where, figure)``, e.g. ``("summaries[0]", Summary(...))``."""
        for field in self.FIGURE_FIELDS:
            value = getattr(self, field)
            if value is None:
                continue
            if isinstance(value, Figure):
                yield field, value
            elif isinstance(value, dict):
                yield from ((f"{field}[{key}]", item) for key, item in value.items())
            else:
                yield from ((f"{field}[{i}]", item) for i, item in enumerate(value))

    def figure_runs(self) -> list[tuple[type, list[Figure]]]:
        """The published figures as runs of one kind, in :attr:`FIGURE_FIELDS` and spec order: every figure of a
        kind in one run, unless figures of another kind stand between them in one field (``reported_tests`` holds
        several kinds; its entries are checked in the order the spec lists them)."""
        out: list[tuple[type, list[Figure]]] = []
        for _, figure in self.figures():
            if out and out[-1][0] is type(figure):
                out[-1][1].append(figure)
            else:
                out.append((type(figure), [figure]))
        return out

    def display_rows(self) -> list[dict]:
        """Every figure the paper published, as rows: figure, value, where it was read."""
        return [row for _, figure in self.figures() for row in figure.display_rows(self)]

    @model_validator(mode="after")
    def _variables_are_plain_names(self) -> "StudySpec":
        """Variable names become dataset columns and model-formula terms: plain identifiers only, so that a shared
        spec cannot run code when a formula is parsed (see :mod:`analysis.core.names`)."""
        for name in self.variables:
            problem = formula_name_problem(name)
            if problem is not None:
                raise ValueError(f"variables: {problem}")
        return self

    @model_validator(mode="after")
    def _pooled_designs_have_a_source(self) -> "StudySpec":
        if self.evidence_from is not None and self.design not in ("meta-analysis", "review"):
            raise ValueError(f"evidence_from: only a meta-analysis or review pools designs; this spec is a "
                             f"{self.design}")
        if self.evidence_from == "prospective cohorts" and not (self.evidence_from_source or "").strip():
            raise ValueError("evidence_from_source: required with 'evidence_from: prospective cohorts' (quote where "
                             "the review says it pools only prospective cohorts)")
        return self

    @model_validator(mode="after")
    def _references_resolve(self) -> "StudySpec":
        for where, figure in self.figures():
            figure.cross_check(self, where)
        shapes = [k for k, present in (("summaries or categoricals", bool(self.summaries or self.categoricals)),
                                       ("tables", bool(self.tables)), ("cohort", self.cohort is not None),
                                       ("rates", self.rates is not None)) if present]
        if len(shapes) > 1:
            raise ValueError(f"a spec shapes one kind of dataset; this one has {' and '.join(shapes)}")
        return self

    # --- convenience -----------------------------------------------------
    def n(self, group: str) -> int:
        """Sample size of a group."""
        return int(self.groups[group].n.point)

    def with_sizes(self, overrides: dict[str, float] | None) -> "StudySpec":
        """This spec with the assumed group sizes of ``overrides`` (keys ``n:GROUP``) in place, and every size tied
        to one by ``total_with`` derived from it; the spec itself when no size is overridden."""
        sizes = {gid: int(overrides[str(size_key(gid))]) for gid, g in self.groups.items()
                 if overrides and str(size_key(gid)) in overrides and g.n.is_assumption}
        sizes.update({gid: g.total_with.total - sizes[g.total_with.group] for gid, g in self.groups.items()
                      if g.total_with is not None and g.total_with.group in sizes})
        sizes = {gid: n for gid, n in sizes.items() if n != self.n(gid)}
        if not sizes:
            return self
        groups = {gid: g.model_copy(update={"n": g.n.model_copy(update={"assume": float(sizes[gid])})})
                  if gid in sizes else g for gid, g in self.groups.items()}
        return self.model_copy(update={"groups": groups})

    @property
    def total_n(self) -> int:
        """Sample size over all groups."""
        return sum(self.n(g) for g in self.groups)

    def find_summary(self, group: str, variable: str) -> Summary | None:
        """The mean and SD of ``variable`` in ``group``, or None when the spec has none."""
        return next((s for s in self.summaries if s.group == group and s.variable == variable), None)

    def summary(self, group: str, variable: str) -> Summary:
        """The mean and SD of ``variable`` in ``group`` (a ``KeyError`` when the spec has none)."""
        found = self.find_summary(group, variable)
        if found is None:
            raise KeyError(f"{self.id}: no summary for {variable!r} in group {group!r}")
        return found

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
        return [dict(key=s.key, what=s.what, value=s.value, range=[s.low, s.high], reason=s.reason,
                     **({"mirrored": True} if s.mirrored else {})) for s in assumption_slots(self)] + [
            {k: v for k, v in d.items() if k != "spec_value"} for d in derived_sizes(self)]


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
    _, raw = read_model(path, StudySpec)  # errors name the file; the model is cached per content
    return _study_file(str(path), raw)


@lru_cache(maxsize=1024)
def _study_file(path: str, raw: bytes) -> StudyFile:
    """One :class:`StudyFile` per (path, content): the registry is read many times a run, and building it again
    (pydantic checks its fields) cost 0.2 ms a file, 1 s of a cold report."""
    return StudyFile(spec=validated(StudySpec, raw), path=Path(path), sha256=hashlib.sha256(raw).hexdigest())


def study_files() -> dict[str, StudyFile]:
    """All specs under ``data/studies``, keyed by study id."""
    found: dict[str, StudyFile] = {}
    for path in registry_files(studies_dir(), "study specs"):
        loaded = parse_study_file(path)
        if loaded.spec.id in found:
            other = found[loaded.spec.id].path.name
            raise InputError(path, "id", f"duplicate study id {loaded.spec.id!r} (also in {other})")
        found[loaded.spec.id] = loaded
    check_references({sid: (f.path, f.spec) for sid, f in found.items()})
    return dict(sorted(found.items(), key=lambda kv: study_sort_key(kv[0])))


def load_study_file(study_id: str) -> StudyFile:
    """Load a spec by id, with its path and hash."""
    files = study_files()
    if study_id not in files:
        known = ", ".join(sorted(files, key=study_sort_key)) or "none"
        raise InputError("study", "STUDY_ID", f"unknown study {study_id!r}; known: {known}")
    return files[study_id]


def load_study(study_id: str) -> StudySpec:
    """Load a spec by id (e.g. ``"S2"``)."""
    return load_study_file(study_id).spec


def study_sort_key(study_id: str):
    """Study ids in their natural order: S2 before S12, S12 before S12b, S12c before S13; AC1 by its number.

    >>> sorted(["S13", "S12b", "S2", "S12", "S21d"], key=study_sort_key)
    ['S2', 'S12', 'S12b', 'S13', 'S21d']
    """
    digits = "".join(ch for ch in study_id if ch.isdigit())
    return (int(digits) if digits else 0, study_id)
