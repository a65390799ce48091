"""One synthesis per claim: what each test rests on (its basis), a direction verdict from the body of evidence,
and a GRADE-style certainty with every downgrade named.

The rule (also on every page, :data:`SYNTHESIS_RULE`):

- A test counts as evidence only if it rests on what was published: ``published`` (the estimate and CI as
  printed), ``identified`` (computed on a reconstruction and the same across every admissible value of what the
  paper did not report) or ``restated`` (the paper printed only a direction and significance; the test repeats
  the paper's own test, so it speaks to direction, not size). ``assumed`` tests (the estimate moves with values
  the paper did not report) and composite "studies" are sensitivity analyses: never counted, never pooled.
- The best available design decides: when randomised evidence exists, it decides and observational tests are
  shown beside it. Within one study, a published or identified estimate decides over a restatement of the same
  study's significance.
- Direction: supported when supporting tests are at least half of the deciding tests and outnumber contradicting
  ones at least three to one (:data:`CONFLICT_RATIO`); contradicted symmetrically; tests pointing both ways more
  evenly give "inconclusive (conflicting)", and any conflict lowers certainty for inconsistency.
- Certainty starts high for randomised evidence and low for observational (GRADE handbook, 5.1), and drops one
  level each for risk of bias, inconsistency, indirectness and imprecision (GRADE handbook, 5.2); risk of bias,
  indirectness and imprecision count when they affect at least half of the deciding tests.

Examples
--------
>>> line = Line("e1", "S11", "rct", Basis.PUBLISHED, "supported", 0.4, 0.2, 0.6, sesoi=0.2)
>>> s = synthesize([line], causal_language=False)
>>> s.verdict.category, s.certainty
('supported', 'high')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from analysis.claims.verdicts import Verdict

CERTAINTY = ("very low", "low", "moderate", "high")

SYNTHESIS_RULE = (
    "How a claim's verdict and certainty are reached. Each test says what it rests on: published (the estimate and "
    "CI as printed), identified (computed on a reconstruction and the same across every admissible value of what "
    "the paper did not report), restated (the paper printed only a direction and significance, and the test "
    "repeats the paper's own test: it shows direction, not size) or assumed (the estimate moves with values the "
    "paper did not report). Assumed tests and composite simulations are sensitivity analyses: they never count "
    "toward a verdict and are never pooled. Estimates of the same quantity from two or more published or identified "
    "tests are pooled by random effects (REML) with a 95% prediction interval (Cochrane Handbook, chapter 10). The "
    "best available design decides (randomised trials over observational studies), and within a study its "
    "published estimate decides over a restatement of its significance. The claim is supported when "
    "supporting tests are at least half of the deciding tests and outnumber contradicting ones at least three to "
    "one (contradicted symmetrically); tests pointing both ways more evenly make it inconclusive. Observational "
    "designs show association: they neither establish nor exclude a cause. Certainty follows GRADE (GRADE "
    "handbook, section 5): randomised evidence starts high and observational evidence low; each of risk of bias "
    "(abstract-only "
    "reporting, an unidentified source, a reconstruction), inconsistency (conflicting directions, I-squared of 50% "
    "or more), indirectness (a population or intervention other than the claim's) and imprecision (a CI that "
    "crosses the smallest effect of interest, or a size that was never published) lowers it one level when it "
    "affects at least half of the deciding tests (a concern of a minority is named, not downgraded). "
    "Publication bias cannot be assessed with fewer than ten studies (Cochrane Handbook, chapter 13)."
)

RANDOMISED_DESIGNS = {"rct"}

#: Tests pointing both ways leave a claim inconclusive unless one side outnumbers the other at least this many times.
CONFLICT_RATIO = 3


class Basis(StrEnum):
    """What a test's result rests on."""

    PUBLISHED = "published"
    IDENTIFIED = "identified"
    RESTATED = "restated"
    ASSUMED = "assumed"
    OBSERVED = "observed"  # the user's own data

    @property
    def counts(self) -> bool:
        """True when the result may count toward a verdict."""
        return self is not Basis.ASSUMED


@dataclass(frozen=True)
class Line:
    """One test (or one pooled estimate) as the synthesis sees it, on its judging scale, claimed direction +."""

    evidence_id: str
    study_id: str
    design: str
    basis: Basis
    category: str
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    sesoi: float = 0.0
    sign: int = 1
    randomised: bool | None = None
    risk_of_bias: tuple[str, ...] = ()
    indirectness: str | None = None
    composite: bool = False
    i2: float | None = None
    members: tuple[str, ...] = ()

    @property
    def counts(self) -> bool:
        return self.basis.counts and not self.composite

    @property
    def is_randomised(self) -> bool:
        return self.randomised if self.randomised is not None else self.design in RANDOMISED_DESIGNS


@dataclass(frozen=True)
class Downgrade:
    """One GRADE certainty downgrade: its domain (``"risk of bias"``, ``"inconsistency"``, ``"indirectness"``,
    ``"imprecision"``), how many levels it lowers certainty by, and why.

    >>> Downgrade("inconsistency", 1, "conflicting directions (2 support, 1 contradict)").levels
    1
    """

    domain: str
    levels: int
    reason: str


@dataclass(frozen=True)
class Synthesis:
    """A claim's verdict, its certainty (None when not testable) and the reasons, and which tests decided."""

    verdict: Verdict
    certainty: str | None
    reasons: list[str] = field(default_factory=list)
    deciding: list[str] = field(default_factory=list)
    set_aside: list[str] = field(default_factory=list)
    downgrades: list[Downgrade] = field(default_factory=list)


def _crosses_sesoi(line: Line) -> bool:
    if line.basis is Basis.RESTATED or line.ci_low is None or line.ci_high is None:
        return line.basis is Basis.RESTATED
    if line.sign == 0:
        return line.ci_low < line.sesoi < line.ci_high or line.ci_low < -line.sesoi < line.ci_high
    low, high = sorted((line.sign * line.ci_low, line.sign * line.ci_high))
    return low < line.sesoi < high


def _grouped(pairs) -> str:
    """``(reason, evidence id)`` pairs as one phrase per reason: ``"reason (id1, id2); other (id3)"``.

    >>> _grouped([("abstract only", "e2"), ("abstract only", "e1"), ("unidentified", "e1")])
    'abstract only (e1, e2); unidentified (e1)'
    """
    by_reason: dict[str, set[str]] = {}
    for why, evidence_id in pairs:
        by_reason.setdefault(why, set()).add(evidence_id)
    return "; ".join(f"{why} ({', '.join(sorted(ids))})" for why, ids in sorted(by_reason.items()))


def _phrase(category: str, certainty: str) -> str:
    if certainty == "very low":
        return {"supported": "very uncertain, leaning supported", "contradicted": "very uncertain, leaning contradicted"
                }.get(category, "very uncertain")
    word = {"high": "", "moderate": "probably ", "low": "may be "}[certainty]
    if category == "supported":
        return f"{word}supported".strip()
    if category == "contradicted":
        return f"{word}contradicted".strip()
    return "inconclusive"


def _of_deciding(k: int, n: int, singular: str, plural: str) -> str:
    """ "the only deciding test supports it", "1 of 3 deciding tests supports it", "2 of 3 deciding tests support it".

    >>> _of_deciding(1, 1, "supports it", "support it"), _of_deciding(2, 3, "supports it", "support it")
    ('the only deciding test supports it', '2 of 3 deciding tests support it')
    """
    if n == 1:
        return f"the only deciding test {singular}"
    return f"{k} of {n} deciding tests {singular if k == 1 else plural}"


def synthesize(lines: list[Line], causal_language: bool, pooled: list[Line] | None = None) -> Synthesis:
    """The verdict and certainty of one claim from its tests (``lines``) and pooled estimates (``pooled``).

    A pooled line (``members``: the evidence ids it pools) stands in for its members.
    """
    if not lines:
        return Synthesis(Verdict("not testable", "not testable with the available data", "no study bears on it"),
                         None, [])
    counted = [ln for ln in lines if ln.counts]
    set_aside = [ln.evidence_id for ln in lines if not ln.counts]
    if not counted:
        return Synthesis(Verdict("inconclusive", "inconclusive (rests on assumed values only)",
                                 "the only test rests on assumed values: it moves with values the paper did not "
                                 "report, so it does not count as evidence" if len(lines) == 1 else
                                 f"none of the {len(lines)} tests rests on published figures: each moves with values "
                                 f"the papers did not report, so none counts as evidence"),
                         "very low", ["no published, identified or restated estimate: only sensitivity analyses"],
                         [], set_aside)
    sized = {ln.study_id for ln in counted if ln.basis in (Basis.PUBLISHED, Basis.IDENTIFIED, Basis.OBSERVED)}
    beside = [ln.evidence_id for ln in counted if ln.basis is Basis.RESTATED and ln.study_id in sized]
    pooled_members = {m for p in pooled or [] for m in p.members}
    body = [ln for ln in counted if ln.evidence_id not in pooled_members and ln.evidence_id not in beside] + list(
        pooled or [])
    randomised = [ln for ln in body if ln.is_randomised]
    deciding = randomised or body
    reasons: list[str] = []
    downgrades: list[Downgrade] = []
    level = 3 if randomised else 1
    reasons.append("randomised trials: start at high certainty" if randomised
                   else "observational designs only: start at low certainty")
    if randomised and len(randomised) < len(body):
        reasons.append(f"{len(body) - len(randomised)} observational test(s) shown beside the randomised evidence, "
                       f"not deciding")
    categories = [ln.category for ln in deciding]
    n_sup, n_con = categories.count("supported"), categories.count("contradicted")
    conflict = bool(n_sup and n_con)
    conflicting = False
    if conflict and max(n_sup, n_con) < CONFLICT_RATIO * min(n_sup, n_con):
        category, label, conflicting = "inconclusive", "inconclusive (conflicting evidence)", True
        reason = f"the deciding tests point both ways ({n_sup} support, {n_con} contradict)"
    elif n_sup > n_con and 2 * n_sup >= len(deciding):
        category, label = "supported", "supported"
        reason = _of_deciding(n_sup, len(deciding), "supports it", "support it")
        reason += f", {n_con} contradict{'s' if n_con == 1 else ''}" if n_con else ""
    elif n_con > n_sup and 2 * n_con >= len(deciding):
        category, label = "contradicted", "contradicted"
        reason = _of_deciding(n_con, len(deciding), "contradicts it", "contradict it")
        reason += f", {n_sup} support{'s' if n_sup == 1 else ''}" if n_sup else ""
    else:
        category, label = "inconclusive", "inconclusive"
        reason = _of_deciding(len(deciding) - n_sup - n_con, len(deciding), "is inconclusive", "are inconclusive")

    def concern(name: str, affected: list[str], detail: str) -> None:
        nonlocal level
        if not affected:
            return
        if 2 * len(set(affected)) >= len(deciding):
            level -= 1
            downgrades.append(Downgrade(name, 1, detail))
            reasons.append(f"{name} (-1): {detail}")
        else:
            reasons.append(f"{name}: noted, not downgraded (a minority of the deciding tests, "
                           f"{len(set(affected))} of {len(deciding)}): {detail}")

    concern("risk of bias", [ln.evidence_id for ln in deciding if ln.risk_of_bias],
            _grouped((why, ln.evidence_id) for ln in deciding for why in ln.risk_of_bias))
    i2_high = [ln for ln in deciding if ln.i2 is not None and ln.i2 >= 50]
    if conflict or i2_high:
        level -= 1
        whys = ([f"conflicting directions ({n_sup} support, {n_con} contradict)"] if conflict else []) + [
            f"I-squared {ln.i2:.0f}% ({ln.evidence_id})" for ln in i2_high]
        downgrades.append(Downgrade("inconsistency", 1, "; ".join(whys)))
        reasons.append(f"inconsistency (-1): {'; '.join(whys)}")
    concern("indirectness", [ln.evidence_id for ln in deciding if ln.indirectness],
            _grouped((ln.indirectness, ln.evidence_id) for ln in deciding if ln.indirectness))
    imprecise = [ln.evidence_id for ln in deciding if _crosses_sesoi(ln)]
    concern("imprecision", imprecise, "the CI crosses the smallest effect of interest, or only significance was "
                                      "published, for " + ", ".join(imprecise))
    if len({ln.study_id for ln in deciding}) < 10:
        reasons.append("publication bias: not assessable with fewer than ten studies (not downgraded)")
    if beside:
        reasons.append(f"shown beside, not deciding (the same study's published estimate decides): {', '.join(beside)}")
    if set_aside:
        reasons.append(f"set aside as sensitivity analyses (assumed values or a composite): {', '.join(set_aside)}")
    certainty = CERTAINTY[max(level, 0)]
    label = f"{_phrase(category, certainty)} ({certainty} certainty)" if category != "inconclusive" else label
    association_only = False
    if causal_language and not randomised and category in ("supported", "contradicted"):
        denies_effect = all(ln.sign == 0 for ln in deciding)  # "rather than a cause": an association contradicts it
        association_only = category == "supported" and not denies_effect
        if (category == "supported") == denies_effect:
            label += "; no association shown, and observational designs cannot exclude a cause"
        elif denies_effect:
            label += "; association shown, which observational designs can neither establish nor exclude as a cause"
        else:
            label += "; association shown, causation not established"
    return Synthesis(Verdict(category, label, reason, conflicting, association_only), certainty, reasons,
                     [ln.evidence_id for ln in deciding], set_aside, downgrades)
