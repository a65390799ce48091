"""The claim's verdict from its critical outcome(s) (issue #29): one of :data:`VERDICTS`, never a count of tests.

- ``not testable``: no study could test the claim (its ``not_testable_reason``);
- ``not assessed``: no study in the gathered evidence measured its critical outcome(s);
- ``partly assessed``: some critical outcomes measured, others not: the claim as stated (all its parts) is not
  answered, whatever the measured parts show (each part's statement is the bottom line);
- ``very uncertain``: any critical outcome at very low GRADE certainty (no direction is given: GRADE guidelines 26,
  Santesso 2020);
- ``conflicting``: critical outcomes read differently;
- otherwise each critical outcome's reading: ``supported`` (an effect at least the smallest important one, in the
  claimed direction), ``contradicted`` (the other way, or any important effect where the claim is "no effect"),
  ``no important effect`` (below the smallest important effect).

The claim's certainty is the lowest of its critical outcomes' (GRADE handbook 3.2.3: the overall certainty is that of
the critical outcome rated lowest).

>>> claim_verdict(type("C", (), {"not_testable_reason": "no study could", "evidence": []})(), [])
('not testable', 'no study could')
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from analysis.claims.grade import LEVELS
from analysis.claims.verdicts import Verdict

if TYPE_CHECKING:  # pragma: no cover
    from analysis.claims.model import Claim
    from analysis.claims.results import OutcomeSummary

__all__ = ["VERDICTS", "LABELS", "claim_verdict", "outcome_verdict"]

#: The claim verdicts of issue #29, item 7.
VERDICTS = ("supported", "contradicted", "no important effect", "very uncertain", "conflicting", "partly assessed",
            "not assessed", "not testable")


#: What a reader sees for each claim verdict (very uncertain carries no direction, GRADE guidelines 26).
LABELS = {"supported": "supported", "contradicted": "contradicted", "no important effect": "no important effect",
          "very uncertain": "very uncertain", "conflicting": "conflicting", "partly assessed": "partly assessed",
          "not assessed": "not assessed",
          "not testable": "not testable with the available data"}


def outcome_verdict(claim: "Claim", outcomes: list[OutcomeSummary]):
    """The claim's :class:`~analysis.claims.verdicts.Verdict`, its certainty (the lowest of its critical outcomes'),
    the reasons (each downgrade and upgrade of a critical outcome) and the bottom line."""
    category, bottom = claim_verdict(claim, outcomes)
    critical = [o for o in outcomes if o.decl.critical and o.grade is not None] or \
        [o for o in outcomes if o.grade is not None]
    certainty = min((o.grade.certainty for o in critical), key=LEVELS.index, default=None)
    reasons = [f"{o.decl.outcome}: {d.domain} (-{d.levels}): {d.reason}" for o in critical for d in o.grade.downgrades]
    reasons += [f"{o.decl.outcome}: {u.domain} (+{u.levels}): {u.reason}" for o in critical for u in o.grade.upgrades]
    if category == "supported" and claim.causal_language and \
            not any(line.line.randomised for o in critical for line in o.lines):  # observational: no cause shown
        return (Verdict(category, "association supported; causation not established", bottom, association_only=True),
                certainty, reasons, bottom)
    return Verdict(category, LABELS[category], bottom), certainty, reasons, bottom


def claim_verdict(claim: "Claim", outcomes: list[OutcomeSummary]) -> tuple[str, str]:
    """The claim's verdict and its bottom line from the critical outcome(s) (see the module)."""
    if claim.not_testable_reason and not claim.evidence:
        return "not testable", claim.not_testable_reason
    critical = [o for o in outcomes if o.decl.critical] or outcomes
    if not critical:
        return "not assessed", "no outcome of this claim was measured in the gathered evidence"
    assessed = [o for o in critical if o.reading != "not assessed"]
    if not assessed:
        return "not assessed", ". ".join(o.statement for o in critical)
    readings = {o.reading for o in assessed}
    bottom = ". ".join(o.statement for o in critical)
    if len(assessed) < len(critical):  # a part of the claim no gathered study measured: never "supported" as a whole
        return "partly assessed", bottom
    if "very uncertain" in readings:
        return "very uncertain", bottom
    if len(readings) > 1:
        return "conflicting", bottom
    return readings.pop(), bottom
