"""GRADE for one outcome, as the handbook applies it: where certainty starts, each domain's downgrade with its
reason, upgrades, the certainty, and the informative statement a reviewer signs.

The unit is the *outcome* (a row of a GRADEpro summary-of-findings table), never a claim or a test. Each study is
one :class:`StudyLine` (a review stands for the studies it includes). The rules, with their sources:

- **Start** (GRADE handbook 5.1; GRADE guidelines 28, Foroutan 2020, J Clin Epidemiol 121:62): randomised trials
  start high for an intervention's effect; for a prognostic factor or a prevalence a body of longitudinal cohorts
  (or surveillance, or a review that pools only prospective cohorts) starts high; cross-sectional, case-control
  and other observational evidence on an intervention or an association starts low; accuracy studies start high
  for diagnostic accuracy.
- **Risk of bias** (5.2.1; Cochrane Handbook 14.2.2) from how each study was run, weighted: serious (-1) when
  lines carrying more than half of the outcome's weight are at high risk, or at high risk or some concerns
  together; an "unclear" rating counts as some concerns and is said.
- **Inconsistency** (5.2.2; Cochrane Handbook 10.10): serious (-1) when I-squared is 50% or more and the estimates
  or the prediction interval lie on both sides of the no-effect line, or when two intervals do not overlap;
  very serious (-2) when I-squared is 75% or more and estimates point both ways with non-overlapping intervals.
  One study: not assessable (said, no downgrade).
- **Indirectness** (5.2.3): a PICO mismatch declared on a line (population, intervention, comparator, outcome),
  never the design; serious (-1) when lines carrying more than half of the weight are indirect, very serious (-2)
  when lines carrying more than half are rated very indirect (``indirectness_rating: very serious``).
- **Imprecision** (5.2.4; GRADE guidelines 34): the interval against the no-effect line and the smallest
  important effect: -2 when it includes an important effect in both directions, -1 when it includes no effect and
  an important effect in one direction, or, on one side of no effect, crosses the smallest important effect
  (unimportant and important effects both in it); no downgrade when it lies within the unimportant range; -1 when
  the interval is clear but the optimal information size is not reached (participants below the size a single
  trial would need for the smallest important effect, or fewer than 300 events for a ratio); -1 when no line has
  an estimate at all (only a direction was printed: size unknown).
- **A proportion against its threshold** (``threshold``): inconsistency reads sides of the threshold, not of no
  effect; imprecision is -1 when the interval (unpooled: any study's, or none) contains the threshold.
- **Publication bias** (5.2.5; Cochrane Handbook 13.3.5.4): Egger's test when ten or more studies are pooled
  (p < 0.10: -1); otherwise the source review's own judgement where it made one; otherwise not assessed, said.
- **Upgrades** (5.3), only for observational evidence with no serious risk of bias: a large effect (ratio above 2
  or below 0.5: +1; above 5 or below 0.2: +2) and a dose-response gradient (+1).
- **Statement** (GRADE guidelines 26, Santesso 2020, J Clin Epidemiol 119:126): high "X reduces Y", moderate
  "X probably reduces Y", low "X may reduce Y", very low "The evidence is very uncertain about the effect of X on
  Y" (no direction); size words from the outcome's thresholds (little or no difference, small, moderate, large).

Where pooling is impossible the Cochrane Handbook's direction-of-effect count (12.4.2.3) is used: every study by
the direction of its estimate, whatever its significance, with a two-sided sign test. Significant results are
never counted.

Examples
--------
>>> rct = StudyLine("S1", randomised=True, design="rct", estimate=-0.5, ci=(-0.7, -0.3), weight=1.0,
...                 participants=900, risk_of_bias="low")
>>> g = grade_outcome(Question.INTERVENTION, [rct], smallest_important=0.2, interval=rct.ci)
>>> g.certainty, g.symbols, [d.domain for d in g.downgrades]
('high', '⊕⊕⊕⊕', [])
>>> informative_statement(g.certainty, size_word(-0.5, (0.2, 0.5, 0.8)), "Stretching", "back pain", -1)
'Stretching results in a moderate reduction in back pain'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from enum import StrEnum

from scipy import stats

from analysis.claims.grade_statements import informative_statement, size_word

__all__ = ["Question", "StudyLine", "Downgrade", "Upgrade", "GradeResult", "grade_outcome", "starting_level",
           "informative_statement", "size_word", "direction_count", "LEVELS", "SYMBOLS"]

LEVELS = ("very low", "low", "moderate", "high")
SYMBOLS = {"high": "⊕⊕⊕⊕", "moderate": "⊕⊕⊕◯", "low": "⊕⊕◯◯", "very low": "⊕◯◯◯"}
LONGITUDINAL = {"cohort", "surveillance", "rct"}
#: Risk-of-bias words, worst last; "unclear" is weighed as some concerns and said.
ROB_CONCERN = {"some concerns", "moderate", "unclear"}


class Question(StrEnum):
    """What an outcome asks: it sets where certainty starts."""

    INTERVENTION = "intervention effect"
    PROGNOSTIC = "prognostic factor"
    ASSOCIATION = "association"
    DIAGNOSTIC = "diagnostic accuracy"
    PREVALENCE = "prevalence"


@dataclass(frozen=True)
class StudyLine:
    """One study's contribution to one outcome (a review's line stands for the studies it includes).

    ``estimate`` and ``ci`` are on the analysis scale (a log ratio, a mean difference, an SMD, r), None when the
    study printed only a direction; ``direction`` (+1, -1, 0) is the sign of its estimate, or of what it printed;
    ``weight`` is its share of the pooled estimate (or of the participants) and may be None (then equal shares);
    ``indirect`` names a PICO mismatch in words (None when direct); ``ratio`` marks a ratio measure (log scale);
    ``events`` counts events for a ratio outcome where printed.
    """

    study: str
    randomised: bool
    design: str
    estimate: float | None = None
    ci: tuple[float, float] | None = None
    weight: float | None = None
    participants: int | None = None
    events: int | None = None
    risk_of_bias: str = "unclear"
    indirect: str | None = None
    ratio: bool = False
    direction: int | None = None
    #: Follows people forward: a cohort, surveillance or a trial, or a review pooling only such designs (a review's
    #: ``design`` is "review"; this says what it pools). None: read from ``design`` alone.
    longitudinal: bool | None = None
    #: 2 when ``indirect`` is very serious (GRADE handbook 5.2.3), else 1.
    indirect_levels: int = 1

    @property
    def follows_forward(self) -> bool:
        """True for a longitudinal design (see ``longitudinal``) or a randomised one."""
        if self.longitudinal is not None:
            return self.longitudinal or self.randomised
        return self.design in LONGITUDINAL or self.randomised

    @property
    def sign(self) -> int:
        if self.direction is not None:
            return self.direction
        if self.estimate is None:
            return 0
        return (self.estimate > 0) - (self.estimate < 0)


@dataclass(frozen=True)
class Downgrade:
    """One level or two off, in one GRADE domain, with the reason (a summary-of-findings footnote)."""

    domain: str
    levels: int
    reason: str


@dataclass(frozen=True)
class Upgrade:
    domain: str
    levels: int
    reason: str


@dataclass(frozen=True)
class GradeResult:
    """The certainty of one outcome, with where it started and every step."""

    start: str
    start_reason: str
    downgrades: tuple[Downgrade, ...]
    upgrades: tuple[Upgrade, ...]
    certainty: str
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def symbols(self) -> str:
        return SYMBOLS[self.certainty]


def starting_level(question: Question, lines: list[StudyLine]) -> tuple[str, str]:
    """Where certainty starts for ``question`` given the designs of ``lines`` (the design carrying most weight)."""
    shares = _shares(lines)
    randomised = sum(s for s, line in zip(shares, lines) if line.randomised)
    longitudinal = sum(s for s, line in zip(shares, lines) if line.follows_forward)
    reviews = [line.study for line in lines if line.follows_forward and not line.randomised
               and line.design not in LONGITUDINAL]
    if question is Question.INTERVENTION:
        if randomised > 0.5:
            return "high", "randomised trials (GRADE handbook 5.1)"
        return "low", "non-randomised studies of an intervention (GRADE handbook 5.1)"
    if question in (Question.PROGNOSTIC, Question.PREVALENCE):
        if longitudinal > 0.5:
            pooled = f"; {', '.join(reviews)} pooling only prospective cohorts" if reviews else ""
            return "high", f"longitudinal cohorts for a {question.value}{pooled} (GRADE guidelines 28, Foroutan 2020)"
        return "low", f"cross-sectional or case-control evidence for a {question.value}"
    if question is Question.DIAGNOSTIC:
        return "high", "accuracy studies of a test (GRADE handbook, diagnostic tests)"
    if randomised > 0.5:
        return "high", "randomised trials"
    return "low", "observational studies of an association (GRADE handbook 5.1)"


def _shares(lines: list[StudyLine]) -> list[float]:
    weights = [line.weight for line in lines]
    if any(w is None for w in weights) or sum(weights) <= 0:
        return [1 / len(lines)] * len(lines) if lines else []
    total = float(sum(weights))
    return [w / total for w in weights]


def _risk_of_bias(lines, shares) -> tuple[Downgrade | None, str | None]:
    high = sum(s for s, line in zip(shares, lines) if line.risk_of_bias == "high")
    concern = sum(s for s, line in zip(shares, lines) if line.risk_of_bias in ROB_CONCERN)
    unclear = [line.study for line in lines if line.risk_of_bias == "unclear"]
    note = (f"risk of bias unclear (not reported in the text read) for {', '.join(unclear)}; weighed as some "
            f"concerns") if unclear else None
    if high > 0.5:
        return Downgrade("risk of bias", 1, f"studies carrying {high:.0%} of the weight are at high risk of "
                                            f"bias"), note
    if high + concern > 0.5:
        return Downgrade("risk of bias", 1, f"studies carrying {high + concern:.0%} of the weight are at high "
                                            f"risk or have some concerns"), note
    return None, note


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _inconsistency(lines, i2, prediction, comparable=True, threshold=None) -> tuple[Downgrade | None, str | None]:
    if threshold is not None:  # sides of the threshold, not of no effect
        lines = [replace(line, estimate=line.estimate - threshold, ci=(line.ci[0] - threshold, line.ci[1] - threshold))
                 if line.ci is not None else line for line in lines]
        prediction = (prediction[0] - threshold, prediction[1] - threshold) if prediction is not None else None
    zero = "no effect" if threshold is None else f"the threshold of {threshold:.0%}"
    with_ci = [line for line in lines if line.ci is not None] if comparable else []  # other scales: not compared
    if len(lines) < 2:
        return None, "inconsistency not assessable with one study"
    signs = {line.sign for line in lines if line.sign != 0}
    both_sides = len(signs) == 2
    disjoint = any(not _overlap(a.ci, b.ci) for i, a in enumerate(with_ci) for b in with_ci[i + 1:])
    pi_both = prediction is not None and prediction[0] < 0 < prediction[1]
    if i2 is not None and i2 >= 75 and both_sides and disjoint:
        return Downgrade("inconsistency", 2, f"I-squared {i2:.0f}%; estimates point both ways with intervals that "
                                             f"do not overlap"), None
    if i2 is not None and i2 >= 50 and (both_sides or pi_both):
        side = f"estimates on both sides of {zero}" if both_sides else f"a prediction interval that crosses {zero}"
        return Downgrade("inconsistency", 1, f"I-squared {i2:.0f}% with {side}"), None
    if disjoint:
        return Downgrade("inconsistency", 1, "some studies' intervals do not overlap"), None
    if i2 is None and both_sides:
        return Downgrade("inconsistency", 1, "studies point in both directions (not pooled)"), None
    return None, None


def _indirectness(lines, shares) -> Downgrade | None:
    indirect = [(s, line) for s, line in zip(shares, lines) if line.indirect]
    share = sum(s for s, _ in indirect)
    if share > 0.5:
        why = "; ".join(f"{line.study}: {line.indirect}" for _, line in indirect)
        very = sum(s for s, line in indirect if line.indirect_levels >= 2)
        if very > 0.5:
            return Downgrade("indirectness", 2, f"studies carrying {very:.0%} of the weight are very indirect, "
                                                f"differing from the question in more than one way ({why})")
        return Downgrade("indirectness", 1, f"studies carrying {share:.0%} of the weight differ from the question "
                                            f"({why})")
    return None


def optimal_information_size(smallest_important: float, ratio: bool) -> int:
    """Participants a single two-arm trial needs to detect the smallest important effect (alpha 0.05 two-sided,
    power 0.8) for a standardised difference; for a ratio the GRADE rule of thumb of 300 events (returned as
    events)."""
    if ratio:
        return 300
    z = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)
    return int(math.ceil(2 * 2 * (z / smallest_important) ** 2))


def _threshold_imprecision(lines, interval, threshold) -> Downgrade | None:
    """-1 when the interval (or, not pooled, any study's) contains the threshold, or when no study has one."""
    spans = [("the interval", interval)] if interval else [(f"{x.study}'s interval", x.ci) for x in lines if x.ci]
    if not spans:
        return Downgrade("imprecision", 1, "no study printed a CI or the count behind its proportion")
    crosses = [f"{name} ({low:.0%} to {high:.0%})" for name, (low, high) in spans if low < threshold < high]
    return Downgrade("imprecision", 1, f"{', '.join(crosses)} include{'s' * (len(crosses) == 1)} proportions on both "
                                       f"sides of the threshold of {threshold:.0%}") if crosses else None


def _imprecision(lines, interval, smallest_important, ratio, standardised) -> Downgrade | None:
    if interval is None:
        if all(line.estimate is None for line in lines):
            return Downgrade("imprecision", 1, "no study printed an estimate with its interval: only a direction "
                                               "(and significance) is known, not the size")
        return Downgrade("imprecision", 1, "no pooled estimate (the studies' measures or direction conventions "
                                           "differ): only the direction of effect is known, not the size")
    low, high = interval
    t = abs(smallest_important)
    if low < -t and high > t:
        return Downgrade("imprecision", 2, "the interval includes important effects in both directions")
    if low < 0 < high and (low < -t or high > t):
        return Downgrade("imprecision", 1, "the interval includes no effect and an important effect")
    if low < t < high or low < -t < high:  # one side of no effect, across the smallest important effect
        return Downgrade("imprecision", 1, "the interval includes both unimportant and important effects (it "
                                           "crosses the smallest important effect; GRADE guidelines 34)")
    if ratio:
        events = [line.events for line in lines]
        if all(e is not None for e in events) and sum(events) < 300:
            return Downgrade("imprecision", 1, f"{sum(events)} events, fewer than the 300 of the optimal "
                                               f"information size (GRADE guidelines 34)")
        if (high - low) > 2 * math.log(4):  # an interval spanning more than a 16-fold range of ratios
            return Downgrade("imprecision", 1, f"a very wide interval ({math.exp(low):.2g} to {math.exp(high):.2g})")
    elif standardised:
        people = [line.participants for line in lines]
        need = optimal_information_size(t, ratio=False)
        if all(p is not None for p in people) and sum(people) < need:
            return Downgrade("imprecision", 1, f"{sum(people)} participants, fewer than the {need} a trial needs for "
                                               f"the smallest important effect (optimal information size)")
    return None


def _publication_bias(k_pooled, egger_p, review_judgement) -> tuple[Downgrade | None, str]:
    if k_pooled is not None and k_pooled >= 10 and egger_p is not None:
        if egger_p < 0.10:
            return Downgrade("publication bias", 1, f"funnel asymmetry (Egger's test p = {egger_p:.2g}, "
                                                    f"{k_pooled} studies)"), ""
        return None, f"no funnel asymmetry detected (Egger's test p = {egger_p:.2g}, {k_pooled} studies)"
    if review_judgement is not None:
        levels, reason = review_judgement
        if levels:
            return Downgrade("publication bias", levels, f"as the source review judged: {reason}"), ""
        return None, f"as the source review judged: {reason}"
    return None, "publication bias not assessed: fewer than ten studies pooled and no review judgement"


def _upgrades(lines, start, downgrades, interval, ratio, dose_response) -> list[Upgrade]:
    observational = not all(line.randomised for line in lines)
    if not observational or start == "high" or any(d.domain == "risk of bias" for d in downgrades):
        return []
    out = []
    if ratio and interval is not None:
        low, high = interval
        # large when the whole interval is beyond the threshold (GRADE handbook 5.3.1)
        if low > math.log(5) or high < -math.log(5):
            out.append(Upgrade("large effect", 2, "very large effect (a ratio beyond 5, its whole interval)"))
        elif low > math.log(2) or high < -math.log(2):
            out.append(Upgrade("large effect", 1, "large effect (a ratio beyond 2, its whole interval)"))
    if dose_response:
        out.append(Upgrade("dose-response", 1, dose_response))
    return out


def grade_outcome(question: Question, lines: list[StudyLine], smallest_important: float,
                  interval: tuple[float, float] | None = None, i2: float | None = None,
                  prediction: tuple[float, float] | None = None, k_pooled: int | None = None,
                  egger_p: float | None = None, review_judgement: tuple[int, str] | None = None,
                  dose_response: str | None = None, standardised: bool = True,
                  comparable: bool = True, threshold: float | None = None) -> GradeResult:
    """GRADE one outcome from its study lines (see the module for every rule).

    Parameters
    ----------
    interval
        The outcome's summary interval on the analysis scale: the pooled CI, or the single study's; None when no
        estimate exists (only directions).
    i2, prediction, k_pooled, egger_p
        From the pool, where one was made.
    review_judgement
        A source review's own publication-bias judgement: ``(levels, reason)``.
    standardised
        True when ``smallest_important`` is on a standardised scale (SMD, r-derived), which the optimal
        information size needs.
    comparable
        False when the lines' estimates are on different scales or per different units (an MD beside SMDs, an OR
        per degree beside an OR of tight vs not): their intervals are then not compared for overlap.
    threshold
        For a proportion: the value the claim names; ``lines``, ``interval`` and ``prediction`` are proportions, read
        against it (see the module).
    """
    if not lines:
        raise ValueError("an outcome needs at least one study line")
    shares = _shares(lines)
    start, start_reason = starting_level(question, lines)
    ratio = all(line.ratio for line in lines)
    notes = []
    rob, rob_note = _risk_of_bias(lines, shares)
    inconsistency, inc_note = _inconsistency(lines, i2, prediction, comparable, threshold)
    imprecision = (_imprecision(lines, interval, smallest_important, ratio, standardised) if threshold is None
                   else _threshold_imprecision(lines, interval, threshold))
    publication, pub_note = _publication_bias(k_pooled, egger_p, review_judgement)
    downgrades = [d for d in (rob, inconsistency, _indirectness(lines, shares),
                              imprecision, publication) if d]
    notes += [n for n in (rob_note, inc_note, pub_note) if n]
    upgrades = _upgrades(lines, start, downgrades, interval, ratio, dose_response)
    level = LEVELS.index(start) - sum(d.levels for d in downgrades) + sum(u.levels for u in upgrades)
    return GradeResult(start, start_reason, tuple(downgrades), tuple(upgrades), LEVELS[max(0, min(3, level))],
                       tuple(notes))


def direction_count(lines: list[StudyLine]) -> dict:
    """The Cochrane Handbook's vote count by direction (12.4.2.3): every study by the sign of its effect, whatever
    its significance, and a two-sided sign test (exact binomial, studies with no direction left out and counted).

    >>> out = direction_count([StudyLine(f"S{i}", False, "cohort", estimate=e) for i, e in enumerate([1, 2, 3, -1, 0])])
    >>> out["positive"], out["negative"], out["none"], round(out["p"], 4)
    (3, 1, 1, 0.625)
    """
    positive = sum(1 for line in lines if line.sign > 0)
    negative = sum(1 for line in lines if line.sign < 0)
    n = positive + negative
    p = float(stats.binomtest(positive, n, 0.5).pvalue) if n else 1.0
    return {"positive": positive, "negative": negative, "none": len(lines) - n, "p": p,
            "method": "direction of effect, every study whatever its significance; exact sign test "
                      "(Cochrane Handbook 12.4.2.3)"}
