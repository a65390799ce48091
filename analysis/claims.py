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

AnalysisKind = Literal["correlation", "two_group", "risk_ratio", "effect", "logistic", "rate_interaction", "cox"]

#: The effect-size scale each analysis kind is judged on (ratios on the log scale).
EFFECT_SCALE = {"correlation": "r", "two_group": "Hedges' g", "risk_ratio": "log RR", "effect": "published effect",
                "logistic": "log OR", "rate_interaction": "log rate ratio", "cox": "log HR"}
RATIO_KINDS = {"risk_ratio", "logistic", "rate_interaction", "cox"}
#: Fields each kind needs.
REQUIRED = {"correlation": ("x", "y"), "two_group": ("variable", "groups"),
            "risk_ratio": ("exposure", "exposed", "outcome", "event"), "effect": ("effect",),
            "logistic": ("outcome", "covariate"), "rate_interaction": ("outcomes", "age_bands"),
            "cox": ("time", "outcome", "covariate", "censor_at")}


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
    ``groups[0] - groups[1]``; for ratios (RR, OR, HR, rate ratios) "positive"
    means above 1; "none" claims that there is no effect worth the name. ``sesoi`` is on the
    effect scale (r, g) or, for ratios, a ratio above 1 (judged on the log scale).
    """

    id: str
    study: str
    question: str
    analysis: AnalysisKind
    direction: Literal["positive", "negative", "none"]
    sesoi: float
    sesoi_reason: str
    group: str | None = None
    x: str | None = None
    y: str | None = None
    variable: str | None = None
    groups: tuple[str, str] | None = None
    exposure: str | None = None
    exposed: str | None = None
    outcome: str | None = None
    event: str | None = None
    effect: str | None = None
    covariate: str | None = None
    adjust: list[str] = []
    outcomes: dict[str, str] | None = None
    age_bands: list[float] | None = None
    time: str | None = None
    among: str | None = None
    censor_at: float | None = None
    ensemble_draws: int | None = None

    @model_validator(mode="after")
    def _fields_for_kind(self) -> "Evidence":
        if self.sesoi <= 0:
            raise ValueError(f"sesoi must be positive, got {self.sesoi}")
        if self.analysis in RATIO_KINDS and self.sesoi <= 1:
            raise ValueError(f"for a ratio the sesoi is a ratio above 1 (e.g. 1.2), got {self.sesoi}")
        missing = [f for f in REQUIRED[self.analysis] if getattr(self, f) in (None, [], {})]
        if missing:
            raise ValueError(f"a {self.analysis} analysis needs {', '.join(repr(m) for m in missing)}")
        return self

    @property
    def sign(self) -> int:
        """+1 or -1: the claimed direction; 0 when the claim is that there is no effect."""
        return {"positive": 1, "negative": -1, "none": 0}[self.direction]

    @property
    def columns(self) -> list[str]:
        """Data columns this analysis reads."""
        return {"correlation": [self.x, self.y], "two_group": [self.variable, "group"],
                "risk_ratio": [self.exposure, self.outcome], "effect": [],
                "logistic": [self.outcome, self.covariate, *self.adjust],
                "rate_interaction": ["age_step", "muscle", "nerve", "exposure", "injuries"],
                "cox": [self.time, self.outcome, self.covariate, *self.adjust]}[self.analysis]

    @property
    def effect_scale(self) -> str:
        return EFFECT_SCALE[self.analysis]


class Claim(_Strict):
    """One claim from a post, its formal hypothesis and its evidence."""

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
    notes: list[str] = []

    @model_validator(mode="after")
    def _testable_or_reason(self) -> "Claim":
        if not self.evidence and not self.not_testable_reason:
            raise ValueError("a claim needs evidence entries or a 'not_testable_reason'")
        ids = [e.id for e in self.evidence]
        if len(set(ids)) != len(ids):
            raise ValueError(f"evidence ids must be unique, got {ids}")
        for group in self.pool:
            unknown = [i for i in group if i not in ids]
            if unknown or len(group) < 2:
                raise ValueError(f"pool {group}: give at least two evidence ids of this claim (unknown: {unknown})")
            kinds = {next(e for e in self.evidence if e.id == i).effect_scale for i in group}
            if len(kinds) > 1:
                raise ValueError(f"pool {group}: pooled tests must share an effect scale, got {sorted(kinds)}")
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
