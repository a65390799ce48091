"""The claims registry: each claim from the posts as data, with the analyses that test it.

Claims live in ``data/claims/*.yaml``. An *evidence* entry names a study spec,
an analysis kind and the claimed direction on the analysis's effect scale, with
the smallest effect size of interest (SESOI) on that scale.

Examples
--------
>>> claim = load_claim("hamstring-stiffness-lbp")
>>> claim.causal_language, [e.study for e in claim.evidence][:1]
(True, ['S1'])
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from .errors import InputError
from .paths import claims_dir
from .yamlfiles import read_model

AnalysisKind = Literal["correlation", "two_group"]

#: The effect-size scale each analysis kind is judged on.
EFFECT_SCALE = {"correlation": "r", "two_group": "Hedges' g"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Post(_Strict):
    file: str
    title: str
    quote: str


class Evidence(_Strict):
    """One test of a claim on one study.

    ``direction`` is the sign the claim predicts for the effect: for a
    correlation the sign of r(x, y); for a two-group comparison the sign of
    ``groups[0] - groups[1]``.
    """

    id: str
    study: str
    question: str
    analysis: AnalysisKind
    direction: Literal["positive", "negative"]
    sesoi: float
    sesoi_reason: str
    group: str | None = None
    x: str | None = None
    y: str | None = None
    variable: str | None = None
    groups: tuple[str, str] | None = None

    @model_validator(mode="after")
    def _fields_for_kind(self) -> "Evidence":
        if self.sesoi <= 0:
            raise ValueError(f"sesoi must be positive, got {self.sesoi}")
        if self.analysis == "correlation" and not (self.x and self.y):
            raise ValueError("a correlation needs 'x' and 'y'")
        if self.analysis == "two_group" and not (self.variable and self.groups):
            raise ValueError("a two-group comparison needs 'variable' and 'groups'")
        return self

    @property
    def sign(self) -> int:
        """+1 or -1: the claimed direction."""
        return 1 if self.direction == "positive" else -1

    @property
    def columns(self) -> list[str]:
        """Data columns this analysis reads."""
        return [self.x, self.y] if self.analysis == "correlation" else [self.variable]

    @property
    def effect_scale(self) -> str:
        return EFFECT_SCALE[self.analysis]


class Claim(_Strict):
    """One claim from a post, its formal hypothesis and its evidence."""

    id: str
    title: str
    post: Post
    paraphrase: str
    causal_language: bool
    hypothesis: str
    evidence: list[Evidence] = []
    not_testable_reason: str | None = None

    @model_validator(mode="after")
    def _testable_or_reason(self) -> "Claim":
        if not self.evidence and not self.not_testable_reason:
            raise ValueError("a claim needs evidence entries or a 'not_testable_reason'")
        ids = [e.id for e in self.evidence]
        if len(set(ids)) != len(ids):
            raise ValueError(f"evidence ids must be unique, got {ids}")
        return self


def parse_claim_file(path: Path) -> Claim:
    """Read and validate one claim file; errors name the file and field."""
    return read_model(path, Claim)[0]


def load_claims() -> dict[str, Claim]:
    """Every claim in the registry, keyed by id, in file order."""
    claims: dict[str, Claim] = {}
    for path in sorted(claims_dir().glob("*.yaml")):
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
