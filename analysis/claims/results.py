"""The typed results a claim run gives: one module the engine fills and the synthesis, the report, the CLI and the
notebooks read (nothing imports the engine for a type).

- :class:`EvidenceResult`: one evidence entry tested (its estimates, verdict, robustness, :class:`Basis` and the
  :class:`DataOrigin` of the data it ran on);
- :class:`PooledResult`: a random-effects pool of several entries measuring the same thing;
- :class:`ClaimResult`: a claim's results, its verdict and certainty, each certainty downgrade a typed
  :class:`Downgrade`;
- :class:`OutcomeSummary`: one summary-of-findings row (issue #29), its :class:`OutcomeLine` per study, GRADE and
  the statement; :mod:`analysis.claims.outcomes` fills them.

Examples
--------
>>> DataOrigin.USER_DATA.synthetic, DataOrigin.RECONSTRUCTION.synthetic
(False, True)
>>> Downgrade("imprecision", 1, "the CI crosses the SESOI").domain
'imprecision'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

import pandas as pd

from analysis.checks.reproduce import Check
from analysis.claims import display
from analysis.claims.grade import GradeResult, StudyLine
from analysis.claims.kinds import EvidenceKind, Outcome
from analysis.claims.model import Claim
from analysis.claims.outcome_decl import OutcomeDecl
from analysis.claims.synthesis import Basis, Downgrade
from analysis.claims.verdicts import Robustness, Verdict
from analysis.core.results import Estimate
from analysis.core.scales import Scale
from analysis.datasets.mapping import RowReport
from analysis.generate import Dataset
from analysis.spec.model import StudyFile
from analysis.spec.parts.appraisal import ReviewCertainty

__all__ = ["Basis", "DataOrigin", "Downgrade", "EvidenceResult", "PooledResult", "ClaimResult", "OutcomeLine",
           "OutcomeSummary", "absolute_effect"]


class DataOrigin(StrEnum):
    """Where the data a result was computed on came from. Only a reconstruction is synthetic: a user's own data and
    a published estimate are never labelled so."""

    USER_DATA = "the user's own data"
    PUBLISHED = "published figures"
    RECONSTRUCTION = "a synthetic reconstruction shaped like the study"

    @property
    def synthetic(self) -> bool:
        """True only for a reconstruction (the report captions its figures "synthetic")."""
        return self is DataOrigin.RECONSTRUCTION

@dataclass
class EvidenceResult:
    """The outcome of one evidence entry.

    ``basis`` says what the result rests on (a :class:`Basis`), ``origin`` what data it was computed on (a
    :class:`DataOrigin`); decisions read these typed fields, never ``source`` or ``basis_text``, which are for
    readers.
    """

    evidence: EvidenceKind
    study: StudyFile
    source: str
    source_sha256: str
    estimates: list[Estimate]
    verdict: Verdict
    robustness: Robustness
    robustness_text: str
    ensemble: pd.DataFrame = field(default_factory=pd.DataFrame)
    dataset: Dataset | None = None
    frame: pd.DataFrame | None = None
    outcome: Outcome | None = None
    basis: Basis = Basis.ASSUMED
    basis_text: str = ""
    #: For a restated result: the estimates consistent with what the paper printed (never the assumed point value).
    consistent_with: str | None = None
    #: On a user's data: rows read, used and left out (with the reasons).
    rows: RowReport | None = None
    #: On a reconstruction: each published figure recomputed from it (see :mod:`analysis.checks.reproduce`).
    reproduction: list[Check] = field(default_factory=list)
    #: Assumption draws left out because their dataset does not give back every published figure: draw -> figures.
    draws_not_reproduced: dict[int, str] = field(default_factory=dict)
    #: Where the data came from (keyword-only and required: a result never guesses whether it is synthetic).
    origin: DataOrigin = field(kw_only=True)

    @property
    def synthetic(self) -> bool:
        """True when the result was computed on a synthetic reconstruction (and only then)."""
        return self.origin.synthetic

    @property
    def not_reproduced(self) -> list[Check]:
        """The published figures the reconstruction does not give back (a result on it is not evidence)."""
        return [c for c in self.reproduction if not c.ok]

    @property
    def primary(self) -> Estimate:
        return self.estimates[0]

    def to_frame(self) -> pd.DataFrame:
        """One row per estimate: the estimate with its CI and method, then the verdict, what it rests on and the data
        it ran on (``synthetic`` is True for a reconstruction only)."""
        return display.evidence_frame(self)

    def __repr__(self) -> str:
        return display.evidence_repr(self)

    def _repr_html_(self) -> str:
        return display.evidence_html(self)


@dataclass
class PooledResult:
    """A meta-analysis of several tests of a claim that measure the same thing."""

    evidence_ids: list[str]
    estimate: Estimate
    verdict: Verdict
    effects: list[float] = field(default_factory=list)
    variances: list[float] = field(default_factory=list)
    scale: Scale = field(default_factory=lambda: Scale("effect"))

    def to_frame(self) -> pd.DataFrame:
        """The pooled estimate as one row (the entries pooled, the estimate with its CI and method, the verdict)."""
        return display.pooled_frame(self)


@dataclass
class ClaimResult:
    """The outcome of a claim: per-evidence results, pooled results and the combined verdict."""

    claim: Claim
    results: list[EvidenceResult]
    verdict: Verdict
    pooled: list[PooledResult] = field(default_factory=list)
    certainty: str | None = None
    certainty_reasons: list[str] = field(default_factory=list)
    #: Evidence ids (or "pooled ..." lines) that decided the verdict, and those set aside as sensitivity analyses.
    deciding: list[str] = field(default_factory=list)
    set_aside: list[str] = field(default_factory=list)
    #: Evidence ids left out of every count and pool because their study is retracted (issue #30).
    retracted: list[str] = field(default_factory=list)
    #: The certainty's downgrades, typed (``certainty_reasons`` holds the same as sentences, with the rest).
    downgrades: list[Downgrade] = field(default_factory=list)
    #: The summary-of-findings rows, one per declared outcome (issue #29; empty when the claim declares none).
    outcomes: list[OutcomeSummary] = field(default_factory=list)
    #: The claim's bottom line: its critical outcomes' GRADE statements (issue #29), else the verdict's reason.
    bottom_line: str = ""

    def to_frame(self) -> pd.DataFrame:
        """Every estimate of every evidence entry, one row each: the estimate with its CI and method, the entry's
        verdict, what it rests on and the data it ran on (``synthetic`` True for a reconstruction only).

        Examples
        --------
        >>> from analysis.claims.engine import run_claim
        >>> result = run_claim("autopsy-ligament-hypertrophy", ensemble_draws=4)
        >>> result  # doctest: +ELLIPSIS
        <ClaimResult 'autopsy-ligament-hypertrophy': ...>
        >>> frame = result.to_frame()
        >>> list(frame.columns[:4]), len(frame) == sum(len(r.estimates) for r in result.results)
        (['claim_id', 'evidence_id', 'study_id', 'test'], True)
        >>> print(result.summary().splitlines()[0])  # doctest: +ELLIPSIS
        autopsy-ligament-hypertrophy: ...
        """
        return display.claim_frame(self)

    def outcomes_frame(self) -> pd.DataFrame:
        """The summary of findings: one row per declared outcome (studies, participants, the effect with its 95% CI,
        certainty, the GRADE statement)."""
        return display.outcomes_frame(self)

    def summary(self) -> str:
        """The text ``hamstring-evidence analyze`` prints: verdict, reason, certainty, then each entry."""
        return "\n".join(display.summary_lines(self))

    def __repr__(self) -> str:
        return display.claim_repr(self)

    def _repr_html_(self) -> str:
        return display.claim_html(self)

    def records(self) -> list[dict]:
        """Every estimate as a flat record with the study, evidence and verdict it belongs to."""
        out = []
        for r in self.results:
            for e in r.estimates:
                rec = {"claim_id": self.claim.id, "evidence_id": r.evidence.id, "study_id": r.study.spec.id}
                rec.update(e.to_dict())
                rec["primary"] = e is r.primary
                rec["basis"] = r.basis.value
                out.append(rec)
        return out

    def to_json_dict(self) -> dict:
        """The object ``analyze --json`` prints."""
        return {
            "claim_id": self.claim.id,
            "verdict": self.verdict.category,
            "verdict_label": self.verdict.label,
            "reason": self.verdict.reason,
            "certainty": self.certainty,
            "certainty_reasons": list(self.certainty_reasons),
            "bottom_line": self.bottom_line or self.verdict.reason,
            "downgrades": [{"domain": d.domain, "levels": d.levels, "reason": d.reason} for d in self.downgrades],
            "evidence": [{"evidence_id": r.evidence.id, "study_id": r.study.spec.id, "source": r.source,
                          "source_sha256": r.source_sha256, "verdict": r.verdict.category,
                          "verdict_label": r.verdict.label, "reason": r.verdict.reason,
                          "robustness": r.robustness.value, "robustness_text": r.robustness_text,
                          "basis": r.basis.value, "basis_text": r.basis_text, "origin": r.origin.name.lower(),
                          "consistent_with": r.consistent_with,
                          "draws_not_reproduced": {str(k): why for k, why in r.draws_not_reproduced.items()},
                          "not_reproduced": [{"figure": c.figure, "published": c.published,
                                              "reconstructed": c.reconstructed} for c in r.not_reproduced],
                          **({"rows": r.rows.to_dict()} if r.rows is not None else {})}
                         for r in self.results],
            "pooled": [{"evidence_ids": p.evidence_ids, "verdict": p.verdict.category, "verdict_label": p.verdict.label,
                        "reason": p.verdict.reason, **p.estimate.to_dict()} for p in self.pooled],
            "results": self.records(),
            "retracted": list(self.retracted),
            "outcomes": [o.to_json_dict() for o in self.outcomes],
        }


@dataclass
class OutcomeLine:
    """One study's line in one outcome: the deciding result, and what it stands for."""

    study: str
    result: "EvidenceResult"
    line: StudyLine
    #: Other results of the same study on this outcome (shown as sensitivity analyses).
    sensitivity: list[str] = field(default_factory=list)
    #: Studies this line stands for (a review's included studies present in the evidence, or a known overlap).
    stands_for: list[str] = field(default_factory=list)


@dataclass
class OutcomeSummary:
    """One summary-of-findings row: the lines, the effect, GRADE and the statement."""

    decl: OutcomeDecl
    lines: list[OutcomeLine]
    effect: dict | None
    grade: GradeResult | None
    statement: str
    #: +1 / -1 / 0: the claim's direction of the effect for this outcome, as the evidence entries state it.
    claimed: int = 0
    #: "supported", "contradicted", "no important effect", "very uncertain" or "not assessed" for this outcome.
    reading: str = "not assessed"
    #: Results left out of this outcome and why (assumed values, retracted sources are counted elsewhere).
    left_out: list[str] = field(default_factory=list)
    #: The source reviews' own GRADE ratings of this outcome, ``(study, rating)``, shown beside the toolkit's.
    review_ratings: list[tuple[str, ReviewCertainty]] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        """This summary-of-findings row as a one-row table."""
        return pd.DataFrame([display.outcome_row(self)])

    def __repr__(self) -> str:
        certainty = self.grade.certainty if self.grade else "not rated"
        studies = f"{len(self.lines)} {'study' if len(self.lines) == 1 else 'studies'}"
        return f"<OutcomeSummary {self.decl.id!r}: {self.reading}, certainty {certainty}; {studies}>"

    def to_json_dict(self) -> dict:
        """The ``outcomes`` item of ``analyze --json`` (issue #29, item 7)."""
        g = self.grade
        return {"outcome": self.decl.id, "question": self.decl.question, "critical": self.decl.critical,
                "population": self.decl.population, "comparator": self.decl.comparator,
                "studies": [line.study for line in self.lines],
                "participants": _participants(self.lines),
                "effect": self.effect, "absolute": absolute_effect(self.decl, self.effect),
                "certainty": g.certainty if g else None, "start": g.start if g else None,
                "downgrades": [{"domain": d.domain, "levels": d.levels, "reason": d.reason} for d in g.downgrades]
                if g else [],
                "upgrades": [{"domain": u.domain, "levels": u.levels, "reason": u.reason} for u in g.upgrades]
                if g else [],
                "review_ratings": [{"study": study, "outcome": r.outcome, "certainty": r.rating, "reasons": r.reasons}
                                   for study, r in self.review_ratings],
                "statement": self.statement}


def _participants(lines: list[OutcomeLine]) -> int | None:
    people = [line.line.participants for line in lines]
    return int(sum(people)) if people and all(p is not None for p in people) else None


def absolute_effect(decl: OutcomeDecl, effect: dict | None) -> dict | None:
    """Per 1,000 with the exposure, for a ratio outcome whose baseline risk the claim prints (RR read as a risk
    ratio; an OR converted with the baseline risk, Cochrane Handbook 15.4.4)."""
    if decl.baseline_risk is None or not effect or effect.get("estimate") is None or not effect.get("ratio"):
        return None
    base = decl.baseline_risk / 1000

    def risk(log_ratio: float) -> float:
        r = math.exp(log_ratio)
        if effect["measure"].upper().endswith("OR"):
            return r * base / (1 - base + r * base)
        return min(1.0, r * base)

    low, high = effect["ci"]
    return {"baseline_per_1000": decl.baseline_risk, "per_1000": round(1000 * risk(effect["estimate"])),
            "ci_per_1000": [round(1000 * risk(low)), round(1000 * risk(high))], "source": decl.baseline_source}
