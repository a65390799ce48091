"""The claims registry: each claim from the posts as data, with the evidence entries that test it.

Claims live in ``data/claims/*.yaml``. An *evidence* entry names a study spec, an analysis kind (one class in
:mod:`analysis.claims.kinds`, chosen by its ``analysis`` field) and the claimed direction on the kind's effect scale,
with the smallest effect size of interest (SESOI) on that scale. A field the kind does not take is a load error that
names the file and the field.

Examples
--------
>>> claim = load_claim("hamstring-stiffness-lbp")
>>> claim.causal_language, [e.study for e in claim.evidence][:1]
(True, ['S1'])
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, model_validator

from analysis.claims.kinds import EvidenceKind, parse_evidence
from analysis.claims.outcome_decl import OutcomeDecl
from analysis.core.errors import InputError
from analysis.core.paths import claims_dir, registry_files
from analysis.core.yamlfiles import read_model

__all__ = ["Claim", "Evidence", "Post", "load_claim", "load_claims", "parse_claim_file", "outcome_problem"]

#: An evidence entry: validated as the kind its ``analysis`` field names (see :data:`analysis.claims.kinds.KINDS`).
Evidence = Annotated[EvidenceKind, BeforeValidator(parse_evidence)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Post(_Strict):
    file: str
    title: str
    quote: str


class Claim(_Strict):
    """One claim from a post, its formal hypothesis and its evidence.

    A claim without evidence gives one of two reasons: ``not_assessed_reason`` when no study in the gathered evidence
    measured it (the reason says what study would), ``not_testable_reason`` when no study could, as worded (the
    reason says why).

    Examples
    --------
    >>> load_claim("autopsy-ligament-hypertrophy").not_assessed_reason is not None
    True
    """

    id: str
    number: int | None = None
    title: str
    post: Post
    paraphrase: str
    causal_language: bool
    hypothesis: str
    evidence: list[Evidence] = []
    pool: list[list[str]] = []
    not_testable_reason: str | None = None
    not_assessed_reason: str | None = None
    notes: list[str] = []
    #: The claim's outcomes (summary-of-findings rows, issue #29); entries attach by ``outcome_id:``.
    outcomes: list[OutcomeDecl] = []

    @property
    def tag(self) -> str:
        """The claim's short mark: its number, or "H" for a headline claim that the posts do not number."""
        return str(self.number) if self.number is not None else "H"

    @property
    def heading(self) -> str:
        """"Claim 7" or "Headline claim" (a post's unnumbered headline)."""
        return f"Claim {self.number}" if self.number is not None else "Headline claim"

    @model_validator(mode="after")
    def _testable_or_reason(self) -> "Claim":
        if self.not_testable_reason and self.not_assessed_reason:
            raise ValueError("give 'not_testable_reason' (no study could test it as worded) or 'not_assessed_reason' "
                             "(no study in the gathered evidence measured it), not both")
        if not self.evidence and not (self.not_testable_reason or self.not_assessed_reason):
            raise ValueError("a claim needs evidence entries, a 'not_assessed_reason' (no gathered study measured it; "
                             "say what study would) or a 'not_testable_reason' (no study could; say why)")
        ids = [e.id for e in self.evidence]
        if len(set(ids)) != len(ids):
            raise ValueError(f"evidence ids must be unique, got {ids}")
        for group in self.pool:
            unknown = [i for i in group if i not in ids]
            if unknown or len(group) < 2:
                raise ValueError(f"pool {group}: give at least two evidence ids of this claim (unknown: {unknown})")
            kinds = {next(e for e in self.evidence if e.id == i).effect_scale for i in group}
            if len(kinds) > 1:
                raise ValueError(f"pool {group}: pooled tests must share an effect scale, "
                                 f"got {sorted(str(k) for k in kinds)}")
        return self


def parse_claim_file(path: Path) -> Claim:
    """Read and validate one claim file; errors name the file and field."""
    claim = read_model(path, Claim)[0]
    problem = outcome_problem(claim)
    if problem is not None:
        raise InputError(path, *problem)
    return claim


def outcome_problem(claim: Claim) -> tuple[str, str] | None:
    """The first problem with a claim's outcomes as ``(field, message)``, or None: outcome ids must be unique, an
    entry's ``outcome_id`` (or an outcome's ``evidence`` list) must name one of them, and with two or more outcomes
    every entry must be attached to one (with one, entries default to it).

    >>> outcome_problem(load_claim("hamstring-stiffness-lbp")) is None
    True
    """
    ids = [o.id for o in claim.outcomes]
    for i, oid in enumerate(ids):
        if ids.index(oid) != i:
            return f"outcomes[{i}].id", f"outcome id {oid!r} is declared twice"
    evidence_ids = [ev.id for ev in claim.evidence]
    for i, o in enumerate(claim.outcomes):
        for j, eid in enumerate(o.evidence):
            if eid not in evidence_ids:
                return f"outcomes[{i}].evidence[{j}]", f"{eid!r} is not an evidence id of this claim"
            twice = [p.id for p in claim.outcomes if eid in p.evidence]
            if len(twice) > 1:
                return f"outcomes[{i}].evidence[{j}]", f"{eid!r} is listed under outcomes {', '.join(twice)}"
    for i, ev in enumerate(claim.evidence):
        listed = [o.id for o in claim.outcomes if ev.id in o.evidence]
        if ev.outcome_id is not None and ev.outcome_id not in ids:
            known = ", ".join(ids) or "none (add an 'outcomes:' block)"
            return f"evidence[{i}].outcome_id", f"entry {ev.id!r} names unknown outcome {ev.outcome_id!r}; known: {known}"
        if ev.outcome_id is not None and listed and listed != [ev.outcome_id]:
            return f"evidence[{i}].outcome_id", (f"entry {ev.id!r} names outcome {ev.outcome_id!r} but is listed "
                                                 f"under {listed[0]!r}")
        if ev.outcome_id is None and not listed and len(ids) > 1:
            return f"evidence[{i}].outcome_id", (f"entry {ev.id!r} names no outcome and the claim declares "
                                                 f"{len(ids)} ({', '.join(ids)})")
    return None


def load_claims() -> dict[str, Claim]:
    """Every claim in the registry, keyed by id, in file order."""
    claims: dict[str, Claim] = {}
    for path in registry_files(claims_dir(), "claims"):
        claim = parse_claim_file(path)
        if claim.id in claims:
            raise InputError(path, "id", f"duplicate claim id {claim.id!r}")
        claims[claim.id] = claim
    return claims


def load_claim(claim_id: str) -> Claim:
    """One claim by id."""
    claims = load_claims()
    if claim_id not in claims:
        raise InputError("claim", "CLAIM_ID", f"unknown claim {claim_id!r}; known: {', '.join(claims) or 'none'}")
    return claims[claim_id]
