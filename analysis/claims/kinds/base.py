"""The interface every analysis kind implements, and the registry that the engine, the report and the CLI loop over.

An *analysis kind* is one class: its fields (what a claim file writes for an evidence entry of that kind), the
columns it reads, how it prepares a frame, how it runs (and, optionally, how it runs a whole assumption ensemble at
once), the scale its effect is judged on, its power statement and its figures. Nothing outside the class branches
on a kind's name: adding a kind is one new class, registered with :func:`register`.

Examples
--------
>>> sorted(KINDS)[:3]
['correlation', 'cox', 'effect']
>>> ev = parse_evidence({"id": "e", "study": "S1", "question": "q", "analysis": "correlation", "group": "clbp",
...                      "x": "hamstring_length", "y": "nprs", "direction": "negative", "sesoi": 0.1, "sesoi_reason": "r"})
>>> type(ev).__name__, ev.columns()
('CorrelationEvidence', ['hamstring_length', 'nprs'])
"""

from __future__ import annotations

import math
from abc import abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal, Protocol, get_args

import pandas as pd
from pydantic import BaseModel, ConfigDict, model_validator
from scipy import stats as sps

from analysis.claims.synthesis import Basis
from analysis.core.errors import InputError
from analysis.core.names import formula_name_problem
from analysis.core.results import Estimate
from analysis.core.scales import Scale

if TYPE_CHECKING:  # pragma: no cover - type hints only
    from analysis.claims.verdicts import Verdict
    from analysis.spec.model import StudyFile, StudySpec

__all__ = ["Outcome", "Plot", "EvidenceKind", "KINDS", "register", "parse_evidence", "make_evidence", "RunView"]


@dataclass
class Outcome:
    """What an analysis gives the verdict rule: the estimates to report (primary first, on its natural scale) and
    the primary effect on the scale the rule judges (ratios as logs), whose ``conf_int(level)`` gives any CI."""

    estimates: list[Estimate]
    judged: Estimate | None
    scale: Scale
    sesoi: float
    note: str = ""
    #: True when no CI was published and the judged CI is derived from the published estimate and exact p.
    ci_from_p: bool = False
    #: A published proportion's threshold (its claim names it): the judged CI is read against it, not against zero.
    threshold: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.scale, Scale):  # a kind's bug, not the user's: it must say which scale it judges on
            raise TypeError(f"Outcome.scale must be an analysis.core.scales.Scale, got {self.scale!r}")


@dataclass(frozen=True)
class Plot:
    """An inline SVG plot and its caption, as a kind draws it for the report (named ``Plot`` so that ``Figure``
    means one thing only: a kind of published figure, :class:`analysis.spec.parts.Figure`)."""

    svg: str
    caption: str


class RunView(Protocol):
    """What a kind's :meth:`EvidenceKind.figures` and :meth:`EvidenceKind.power_statement` read of its own run: the
    fields of :class:`analysis.claims.results.EvidenceResult` they use. Declared here, below the results module,
    so the kinds never import the results they are part of (no import cycle, type-only ones included)."""

    @property
    def study(self) -> "StudyFile": ...

    @property
    def frame(self) -> pd.DataFrame | None: ...

    @property
    def outcome(self) -> Outcome | None: ...

    @property
    def verdict(self) -> "Verdict": ...

    @property
    def primary(self) -> Estimate: ...


class EvidenceKind(BaseModel):
    """One test of a claim on one study; subclasses are the analysis kinds.

    ``direction`` is the sign the claim predicts for the effect on the kind's scale; "none" claims there is no
    effect worth the name. ``sesoi`` is on the effect scale (r, g) or, for ratios, a ratio above 1 (judged on the
    log scale).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    analysis: str
    id: str
    study: str
    question: str
    direction: Literal["positive", "negative", "none"]
    sesoi: float
    sesoi_reason: str
    ensemble_draws: int | None = None
    indirectness: str | None = None
    #: How far the study is from the question (GRADE handbook 5.2.3): "serious" (-1 when it carries most of the
    #: weight) or "very serious" (-2: e.g. two PICO elements differ, as another intervention at another time frame).
    indirectness_rating: Literal["serious", "very serious"] = "serious"
    #: The claim outcome (summary-of-findings row) this entry measures; optional when the claim declares one. (Not
    #: ``outcome``: the logistic, Cox and risk-ratio kinds name their outcome *column* so.)
    outcome_id: str | None = None
    #: For an entry on a review: the outcome of the review's own GRADE rating this figure comes from, as its spec's
    #: ``review_certainty`` names it. The summary of findings shows that rating beside its own and takes the review's
    #: publication-bias judgement from it alone (never from the review's rating of another outcome).
    review_rating: str | None = None
    #: For an entry on a review: the included studies its figure rests on (spec ids from the spec's ``includes``).
    #: The review's line stands for these alone in the summary of findings; by default it stands for every study it
    #: includes. A review's judgement of one treatment must not absorb an included trial of another.
    rests_on: list[str] | None = None
    #: For a claim of no effect (``direction: none``): this entry measures the exposure the other way round from the
    #: outcome's convention (a range where the others measure tightness), so the summary of findings turns it before
    #: counting directions. A directional entry says its convention through its ``direction`` instead.
    reverse_scale: bool = False

    #: The scale the primary effect is judged on (a typed :class:`~analysis.core.scales.Scale`).
    scale: ClassVar[Scale] = Scale("effect")
    #: True for ratio measures (judged on the log scale; the SESOI is a ratio above 1).
    ratio: ClassVar[bool] = False
    #: False for kinds that judge a published estimate and build no dataset.
    uses_dataset: ClassVar[bool] = True

    @model_validator(mode="after")
    def _sesoi_on_scale(self) -> "EvidenceKind":
        if not math.isfinite(self.sesoi) or self.sesoi <= 0:
            raise ValueError(f"sesoi must be a positive finite number, got {self.sesoi}")
        if self.ratio and self.sesoi <= 1:
            raise ValueError(f"for a ratio the sesoi is a ratio above 1 (e.g. 1.2), got {self.sesoi}")
        if self.ensemble_draws is not None and self.ensemble_draws < 0:
            raise ValueError(f"ensemble_draws must be 0 or more, got {self.ensemble_draws}")
        return self

    @model_validator(mode="after")
    def _reverse_scale_only_without_a_direction(self) -> "EvidenceKind":
        if self.reverse_scale and self.direction != "none":
            raise ValueError("reverse_scale: only for an entry with direction 'none'; a directional entry says its "
                             "convention by its direction")
        return self

    @model_validator(mode="after")
    def _indirectness_rated_with_its_reason(self) -> "EvidenceKind":
        if self.indirectness_rating == "very serious" and not (self.indirectness or "").strip():
            raise ValueError("indirectness_rating: 'very serious' needs the indirectness sentence that says why")
        return self

    @model_validator(mode="after")
    def _columns_are_plain_names(self) -> "EvidenceKind":
        """Every column this entry reads may be pasted into a model formula: a plain identifier, so that no name in
        a shared claim file can run code when the formula is parsed (see :mod:`analysis.core.names`)."""
        for name in [*self.columns(), *([self.subset()] if self.subset() else [])]:
            problem = formula_name_problem(name)
            if problem is not None:
                raise ValueError(problem)
        return self

    # --- what every kind shares ---------------------------------------------------------------
    @property
    def sign(self) -> int:
        """+1 or -1: the claimed direction; 0 when the claim is that there is no effect."""
        return {"positive": 1, "negative": -1, "none": 0}[self.direction]

    @property
    def effect_scale(self) -> Scale:
        """The judging scale (:data:`~analysis.core.scales.R`, :data:`~analysis.core.scales.LOG_OR`, ...)."""
        return self.scale

    @property
    def judged_sesoi(self) -> float:
        """The SESOI on the judging scale (the log of a ratio)."""
        return math.log(self.sesoi) if self.ratio else self.sesoi

    # --- what each kind defines -----------------------------------------------------------------
    def columns(self) -> list[str]:
        """Data columns this analysis reads."""
        return []

    def prepare(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The rows (and derived columns) the analysis reads: subsets, censoring. Defined once, per kind."""
        return frame

    def used_levels(self) -> dict[str, tuple[str, ...]]:
        """Label columns this analysis selects rows by, and the labels it compares (default: none)."""
        return {}

    def required_columns(self) -> list[str]:
        """Columns a row of a user's file must have a value in to be used (default: every column read, except
        the label columns of :meth:`used_levels`, which are checked label by label)."""
        return [c for c in self.columns() if c not in self.used_levels()]

    def input_columns(self, have: list[str]) -> list[str]:
        """Columns the frame given to :meth:`run` must have (the engine checks them first and names a missing one as
        an input error); ``have`` is the frame's columns, for a kind that takes more than one shape of data.
        Default: :meth:`columns`, the label columns of :meth:`used_levels` and the :meth:`subset` column."""
        return list(dict.fromkeys([*self.columns(), *self.used_levels(), *([self.subset()] if self.subset() else [])]))

    def subset(self) -> str | None:
        """A 0/1 column whose rows with 1 are the only ones analysed (``among``), or None."""
        return getattr(self, "among", None)

    # --- required ----------------------------------------------------------------------------------------------
    @abstractmethod
    def run(self, frame: pd.DataFrame | None, spec: "StudySpec") -> Outcome:
        """Analyse ``frame`` (None for kinds that use no dataset): the one method every kind must write (a class
        without it cannot be instantiated, so a claim entry naming it fails at load)."""

    # --- optional hooks, with their defaults ----------------------------------------------------------------------
    # Data: columns, prepare, used_levels, required_columns, subset (above).
    # Basis: basis_hint, stated_direction, consistent_with. Ensembles: run_batch, fast_ensemble.
    # Report: power_statement, simulate_power, figures.

    def basis_hint(self, spec: "StudySpec") -> Basis | None:
        """What the kind knows of its own basis: ``Basis.PUBLISHED``/``Basis.ASSUMED`` for a published estimate,
        ``Basis.RESTATED`` when the paper printed only the direction and significance of this very effect; None to let
        the assumption ensemble decide (identified or assumed)."""
        return None

    def stated_direction(self, spec: "StudySpec") -> int | None:
        """For a restated result without a dataset: the direction the paper reported as significant (+1 or -1), 0
        when it reported no significant effect, None when the kind has no such statement."""
        return None

    def consistent_with(self, spec: "StudySpec") -> str | None:
        """For a ``restated`` result: the estimates consistent with what the paper printed, in words (e.g. "r between
        -1.00 and -0.25"), with the statement itself; None when the kind cannot say."""
        return None

    def run_batch(self, frames: list[pd.DataFrame], spec: "StudySpec") -> list[Outcome] | None:
        """The judged effect on many datasets at once (an assumption ensemble), or None to run one by one."""
        return None

    def fast_ensemble(self, study: "StudyFile", draws: int, seed: int) -> pd.DataFrame | None:
        """The whole ensemble without building datasets, or None (the engine then builds each draw)."""
        return None

    def power_statement(self, result: "RunView") -> str | None:
        """The power the study had for the SESOI, in one sentence, or None."""
        return None

    #: Kinds that implement :meth:`simulate_power` (``hamstring-evidence power EVIDENCE_ID``) override this.
    def simulate_power(self, frame: pd.DataFrame, spec: "StudySpec", n: int, ratio: float, sims: int, seed: int,
                       alpha: float = 0.05) -> dict:
        """Power of this entry's own test by simulation of its own model at size ``n`` and effect ``ratio``."""
        raise InputError("power", "EVIDENCE_ID", f"evidence {self.id!r} is a {self.analysis} analysis, which has no "
                                                 f"simulation model; power grids cover logistic and rate models")

    def figures(self, result: "RunView", synthetic: str) -> list[Plot]:
        """Figures of this test; ``synthetic`` is the sentence to add to captions of reconstructed data."""
        return []


#: Every registered analysis kind, by the name claim files use in ``analysis:``.
KINDS: dict[str, type[EvidenceKind]] = {}


def register(cls: type[EvidenceKind]) -> type[EvidenceKind]:
    """Add an analysis kind to the registry (a class decorator); its ``analysis`` field must be one Literal name."""
    names = get_args(cls.model_fields["analysis"].annotation)
    if len(names) != 1 or not isinstance(names[0], str):
        raise TypeError(f"{cls.__name__}: declare analysis: Literal['name'] with exactly one name")
    if names[0] in KINDS and KINDS[names[0]] is not cls:
        raise TypeError(f"analysis kind {names[0]!r} is registered twice ({KINDS[names[0]].__name__}, {cls.__name__})")
    if not isinstance(cls.scale, Scale):
        raise TypeError(f"{cls.__name__}: scale must be an analysis.core.scales.Scale (its name, ratio or not, forest "
                        f"panel), got {cls.scale!r}")
    KINDS[names[0]] = cls
    return cls


def parse_evidence(raw) -> EvidenceKind:
    """Validate one evidence entry as the kind its ``analysis`` field names (a union discriminated on ``analysis``)."""
    if isinstance(raw, EvidenceKind):
        return raw
    if not isinstance(raw, dict):
        raise ValueError(f"an evidence entry is a mapping of fields, got {type(raw).__name__}")
    kind = raw.get("analysis")
    if kind not in KINDS:
        raise ValueError(f"analysis: unknown kind {kind!r}; known: {', '.join(sorted(KINDS))}")
    return KINDS[kind].model_validate(raw)


def term(records: list[Estimate], name: str) -> Estimate:
    """The estimate of model term ``name``."""
    from analysis.core.errors import AnalysisError

    for e in records:
        if e.term == name:
            return e
    raise AnalysisError(f"term {name!r} not in the model (terms: {', '.join(e.term for e in records)})")


def wald_outcome(test: str, term: str, centre: float, se: float, estimate_type: str, n: int, method: str,
                 scale: Scale, sesoi: float) -> Outcome:
    """An ensemble draw's judged estimate from a fit on arrays: ``centre`` and its Wald SE on the judging (log)
    scale, with the 95% Wald CI; the same interval :meth:`EvidenceKind.run` judges through the formula layer."""
    z95 = sps.norm.ppf(0.975)
    judged = Estimate(test=test, term=term, estimate=centre, ci_low=centre - z95 * se, ci_high=centre + z95 * se,
                      ci_method="Wald z", estimate_type=estimate_type, n=n, se=se, converged=True, method=method)
    return Outcome([], judged, scale, sesoi)


def log_scale(e: Estimate) -> Estimate:
    """A ratio estimate on the log scale (estimate, CI and every stored interval), for judging."""
    from dataclasses import replace

    def _log(v):
        return math.log(v) if v is not None and v > 0 else (-math.inf if v == 0 else math.nan)

    return replace(e, estimate=_log(e.estimate), ci_low=_log(e.ci_low), ci_high=_log(e.ci_high),
                   other_cis=tuple((lv, _log(lo), _log(hi)) for lv, lo, hi in e.other_cis),
                   ci_method=e.ci_method.replace(" (exponentiated)", ""), estimate_type=f"log {e.estimate_type}",
                   log_wald=False)


def make_evidence(**fields) -> EvidenceKind:
    """An evidence entry from keyword fields, validated as the kind ``analysis`` names (for Python users and tests).

    >>> make_evidence(id="e", study="S7", question="q", analysis="effect", effect="hamstring-range",
    ...               direction="negative", sesoi=0.01, sesoi_reason="r").uses_dataset
    False
    """
    return parse_evidence(fields)
