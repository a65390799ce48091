"""Verdicts: a stated rule that turns an estimate with its CI into a category.

Examples
--------
>>> from analysis.core.results import Estimate
>>> e = Estimate(test="t", term="a - b", estimate=1.9, ci_low=1.3, ci_high=2.5, other_cis=((0.90, 1.4, 2.4),))
>>> judge(e, sign=1, sesoi=0.2).category
'supported'
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from analysis.core.results import Estimate
from analysis.core.scales import Scale

Category = Literal["supported", "contradicted", "inconclusive", "not testable", "no important effect", "very uncertain",
                   "conflicting", "partly assessed", "not assessed"]

#: Designs from which an association, never a cause, can be concluded.
OBSERVATIONAL_DESIGNS = {"cross-sectional", "case-control", "cohort", "case-series", "surveillance"}

VERDICT_RULE = (
    "Each test is judged on its primary effect size (r for correlations, Hedges' g for group "
    "comparisons), turned so that the claimed direction is positive. "
    "Supported: the 95% CI excludes zero in the claimed direction and the point estimate is at least the "
    "smallest effect size of interest (SESOI). "
    "Contradicted: the 95% CI lies entirely in the opposite direction, or the 90% CI lies entirely inside "
    "(-SESOI, +SESOI) (an equivalence test, TOST at alpha = 0.05: the effect is negligible). "
    "Inconclusive: anything else (including an effect that is detectable but below the SESOI). "
    "Where a study's figures rest on assumptions, the test is repeated across the assumptions' admissible "
    "ranges; the study's verdict holds only if every draw gives the same category, otherwise it is "
    "inconclusive (depends on what the paper did not report). "
    "A claim that there is NO effect is supported when the 90% CI lies inside (-SESOI, +SESOI) and contradicted "
    "when the 95% CI excludes zero with an estimate at least the SESOI. "
    "A published estimate without a CI is judged on a CI derived from its exact p where one was printed, and "
    "is otherwise inconclusive. "
    "A published proportion is judged against the threshold its claim names (threshold, with the claimed side: "
    "above it or below it): supported when the whole 95% CI lies on the claimed side, contradicted when it lies "
    "wholly on the other, inconclusive when it contains the threshold; without a printed CI, the CI is the exact "
    "(Clopper-Pearson) interval of the count behind the printed proportion and n. "
    "How the tests of a claim combine into its verdict and certainty is the synthesis rule below."
)


class Robustness(StrEnum):
    """What a test's verdict rests on, with respect to the values the paper did not report."""

    REPORTED_ONLY = "reported figures only"
    HOLDS = "holds across the assumptions"
    DEPENDS = "depends on unreported values"
    ALL_DRAWS_EXCLUDED = "every assumption draw excluded"
    PUBLISHED_ESTIMATE = "published estimate"
    USER_DATA = "user data"


@dataclass(frozen=True)
class Verdict:
    """A category, the label a reader sees, and a one-line reason; ``conflicting`` is True when the tests point both
    ways too evenly to decide; ``association_only`` when a claim in causal words is supported only by designs that
    show association (decisions and pages read these flags, never the label)."""

    category: Category
    label: str
    reason: str
    conflicting: bool = False
    association_only: bool = False

    def to_dict(self) -> dict:
        return {"category": self.category, "label": self.label, "reason": self.reason}


def judge(primary: Estimate, sign: int, sesoi: float, judged_on: Scale | None = None) -> Verdict:
    """Apply the rule to one test.

    Parameters
    ----------
    primary : Estimate
        The effect size with its 95% CI; ``primary.conf_int(0.90)`` gives the 90% CI of the TOST
        equivalence test.
    sign : {+1, -1, 0}
        The claimed direction; 0 for a claim that there is no effect.
    sesoi : float
        Smallest effect size of interest, positive, on the estimate's scale.
    judged_on : Scale, optional
        The judging scale; for a log ratio (``scale.ratio``) the reason also shows the ratio and the SESOI as one.
    """
    equivalence = primary.conf_int(0.90)
    if sign == 0:
        return _judge_null_claim(primary, equivalence, sesoi)
    est = sign * primary.estimate
    low, high = sorted((sign * primary.ci_low, sign * primary.ci_high))
    eq_low, eq_high = sorted((sign * equivalence[0], sign * equivalence[1]))
    scale = primary.estimate_type or "effect"
    ci = f"95% CI [{primary.ci_low:.2f}, {primary.ci_high:.2f}]"
    sesoi_text = f"{sesoi:.3g}"
    if judged_on is not None and judged_on.ratio:
        scale = f"{scale} (ratio {judged_on.back(primary.estimate):.2f})"
        sesoi_text = f"{sesoi:.3g} (ratio {judged_on.back(sesoi):.2f})"
    if low > 0 and est >= sesoi:
        return Verdict("supported", "supported",
                       f"{scale} = {primary.estimate:.2f}, {ci} excludes zero in the claimed direction and the "
                       f"estimate reaches the SESOI of {sesoi_text}")
    if high < 0:
        return Verdict("contradicted", "contradicted",
                       f"{scale} = {primary.estimate:.2f}, {ci} lies entirely in the opposite direction")
    if -sesoi < eq_low and eq_high < sesoi:
        return Verdict("contradicted", "contradicted (negligible effect)",
                       f"90% CI [{equivalence[0]:.2f}, {equivalence[1]:.2f}] lies inside "
                       f"+/-{sesoi_text}: equivalence shown, the effect is negligible")
    if low > 0:
        return Verdict("inconclusive", "inconclusive",
                       f"{scale} = {primary.estimate:.2f}, {ci} excludes zero but the estimate is below the "
                       f"SESOI of {sesoi_text}")
    return Verdict("inconclusive", "inconclusive",
                   f"{scale} = {primary.estimate:.2f}, {ci} includes zero and the test cannot show equivalence "
                   f"within +/-{sesoi_text}")


def judge_threshold(primary: Estimate, sign: int, threshold: float) -> Verdict:
    """A published proportion against the threshold its claim names: the whole 95% CI on the claimed side
    (``sign`` +1: above, -1: below) supports the claim, wholly on the other side contradicts it, and an interval
    that contains the threshold is inconclusive.

    >>> e = Estimate(test="p", term="x", estimate=60 / 98, ci_low=0.5085, ci_high=0.7090, estimate_type="proportion")
    >>> judge_threshold(e, 1, 0.5).category, judge_threshold(e, -1, 0.5).category, judge_threshold(e, 1, 0.6).category
    ('supported', 'contradicted', 'inconclusive')
    """
    side, other = ("above", "below") if sign > 0 else ("below", "above")
    low, high = primary.ci_low, primary.ci_high
    said = f"proportion = {primary.estimate:.3f}, 95% CI [{low:.3f}, {high:.3f}]"
    if (low > threshold) if sign > 0 else (high < threshold):
        return Verdict("supported", "supported", f"{said} lies wholly {side} {threshold:g}, as claimed")
    if (high < threshold) if sign > 0 else (low > threshold):
        return Verdict("contradicted", "contradicted", f"{said} lies wholly {other} {threshold:g}: the claim says "
                                                       f"{side}")
    return Verdict("inconclusive", "inconclusive", f"{said} contains the threshold of {threshold:g}: the data allow "
                                                   f"proportions on both sides of it")


def _judge_null_claim(primary: Estimate, equivalence: tuple[float, float], sesoi: float) -> Verdict:
    scale = primary.estimate_type or "effect"
    if -sesoi < equivalence[0] and equivalence[1] < sesoi:
        return Verdict("supported", "supported",
                       f"90% CI [{equivalence[0]:.2f}, {equivalence[1]:.2f}] lies inside +/-{sesoi:.3g}: "
                       f"no effect as large as the SESOI, as the claim says")
    if (primary.ci_low > 0 or primary.ci_high < 0) and abs(primary.estimate) >= sesoi:
        return Verdict("contradicted", "contradicted",
                       f"{scale} = {primary.estimate:.3g}, 95% CI [{primary.ci_low:.3g}, {primary.ci_high:.3g}] excludes "
                       f"zero and reaches the SESOI of {sesoi:.3g}: there is an effect")
    return Verdict("inconclusive", "inconclusive",
                   f"{scale} = {primary.estimate:.3g}: neither an effect beyond the SESOI nor equivalence is shown")


def across_assumptions(base: Verdict, draws: list[Category]) -> tuple[Verdict, Robustness, str]:
    """A study's verdict given the verdicts of an assumption ensemble.

    Returns the verdict, its robustness and a sentence saying so.
    """
    if not draws:
        return (base, Robustness.REPORTED_ONLY,
                "No assumption enters this test: the verdict rests on reported figures only.")
    counts = {c: draws.count(c) for c in sorted(set(draws))}
    spread = ", ".join(f"{c} in {k} of {len(draws)}" for c, k in counts.items())
    if len(counts) == 1 and base.category in counts:
        return base, Robustness.HOLDS, f"Holds across the whole admissible range of the assumptions ({spread} draws)."
    return (Verdict("inconclusive", "inconclusive (depends on unreported values)",
                    f"the verdict changes across the assumptions' admissible range ({spread})"),
            Robustness.DEPENDS, f"Depends on what the paper did not report: {spread} draws.")


def observational_cap(verdict: Verdict, causal_language: bool, designs: set[str]) -> Verdict:
    """Limit a causal claim judged only on observational designs to an association."""
    if causal_language and verdict.category == "supported" and designs <= OBSERVATIONAL_DESIGNS:
        return Verdict("supported", "association supported; causation not established",
                       verdict.reason + "; the designs (" + ", ".join(sorted(designs)) +
                       ") show association, not cause", association_only=True)
    return verdict
