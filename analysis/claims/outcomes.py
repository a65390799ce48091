"""The summary of findings per outcome (issue #29): a claim's outcomes, one line per study per outcome, pooling where
the estimates share a measure and a direction convention, GRADE per outcome and the claim's verdict from its
critical outcome(s).

A claim declares its outcomes (the rows of a GRADEpro summary-of-findings table) in an ``outcomes:`` block; each
evidence entry names its ``outcome_id:`` (a claim with one outcome lets its entries leave it out). Then, per outcome:

1. **One line per study.** Several entries of one study are one line: the most direct basis decides (published,
   then identified, then the user's own data, then restated; an assumed value counts nowhere), the others are kept
   as sensitivity analyses. A review stands for the studies it ``includes``: an included study present beside it is
   shown as "in S7", never as a second line. A *known* sample overlap (``overlap:``) keeps the larger of the two.
2. **Pooling, not counting.** Two or more lines with an estimate and its CI, on the same scale (checked at run time
   from each analysis's scale, never from the entry's kind) and with the same claimed direction, are pooled with
   REML tau-squared; with three or more the interval is Hartung-Knapp-Sidik-Jonkman
   (:func:`analysis.stats.meta.meta_analysis`, ``test="knha"``), with I-squared and a 95% prediction interval, and
   Egger's test from ten studies. Otherwise a single line stands alone, or the Cochrane Handbook's
   direction-of-effect count (12.4.2.3) is given and labelled as such.
3. **GRADE** (:func:`analysis.claims.grade.grade_outcome`) and the informative statement (Santesso 2020).

The claim's verdict is read from its critical outcomes in :mod:`analysis.claims.sof_verdict`.

Examples
--------
>>> decl = OutcomeDecl(id="pain", question="intervention effect", population="adults with chronic LBP",
...                    exposure="Stretching", comparator="no exercise", outcome="pain", scale="SMD",
...                    direction="higher = more pain", time_frame="6 weeks", critical=True, smallest_important=0.2)
>>> decl.question_enum.value
'intervention effect'
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
from scipy.stats import norm

from analysis.claims.grade import (
    GradeResult,
    Question,
    StudyLine,
    direction_count,
    grade_outcome,
    informative_statement,
    size_word,
)
from analysis.claims.outcome_decl import OutcomeDecl
from analysis.claims.proportions import check_thresholds, proportion_row
from analysis.claims.results import EvidenceResult, OutcomeLine, OutcomeSummary, absolute_effect
from analysis.core.errors import InputError
from analysis.spec.parts.appraisal import ReviewCertainty
from analysis.stats.meta import egger_test, meta_analysis

if TYPE_CHECKING:  # pragma: no cover
    from analysis.claims.model import Claim

#: OutcomeLine and OutcomeSummary (the SoF rows) live with the other typed results in :mod:`analysis.claims.results`.
__all__ = ["OutcomeDecl", "OutcomeLine", "OutcomeSummary", "absolute_effect", "summarise_outcomes", "outcome_of",
           "BASIS_ORDER"]

#: Which basis decides when one study gives an outcome several times (most direct first); "assumed" never counts.
BASIS_ORDER = ("published", "identified", "observed", "restated")
Z975 = 1.959963984540054


def _line_of(r: "EvidenceResult", claimed: int, orient: bool = False) -> StudyLine | None:
    """A StudyLine from one result, or None when the result counts nowhere (an assumed value).

    ``orient``: the outcome's entries use opposite direction conventions (a range where others measure tightness),
    so each line is turned to its entry's claimed direction (estimate, interval and printed direction times the
    entry's sign): the direction count and GRADE's checks then compare like with like. Pooling still refuses such
    lines (:func:`pool_lines`). An entry of a no-effect claim marked ``reverse_scale`` is turned the same way."""
    spec = r.study.spec
    basis = r.basis.value
    if basis not in BASIS_ORDER or getattr(spec, "composite", False):
        return None
    judged = r.outcome.judged if r.outcome is not None else None
    estimate = ci = None
    if basis != "restated" and judged is not None and judged.ci_low is not None and judged.ci_high is not None \
            and all(np.isfinite([judged.estimate, judged.ci_low, judged.ci_high])):
        estimate, ci = float(judged.estimate), _ci95(judged)
    direction = None
    if estimate is None:  # a restated result: only the direction the paper printed
        stated = r.evidence.stated_direction(spec) if hasattr(r.evidence, "stated_direction") else None
        direction = stated if isinstance(stated, int) else (claimed if r.verdict.category == "supported" else None)
    if (orient and r.evidence.sign == -1) or (r.evidence.sign == 0 and r.evidence.reverse_scale):
        if estimate is not None:
            estimate, ci = -estimate, (-ci[1], -ci[0])
        direction = -direction if direction is not None else None
    rob = spec.risk_of_bias.overall if spec.risk_of_bias is not None else "unclear"
    n = r.primary.n if r.estimates else None
    return StudyLine(spec.id, spec.randomised, spec.design, estimate, ci, None, int(n) if n else None, None, rob,
                     r.evidence.indirectness, bool(r.outcome is not None and r.outcome.scale.ratio), direction,
                     longitudinal=spec.longitudinal,
                     indirect_levels=2 if r.evidence.indirectness_rating == "very serious" else 1)


def _ci95(judged) -> tuple[float, float]:
    """The judged estimate's 95% CI (pooling and GRADE compare 95% intervals): its own where it was computed at
    95%; otherwise from its standard error (:meth:`~analysis.core.results.Estimate.conf_int`: t or normal as the
    method was); a printed interval at another level without a standard error is widened or narrowed on each side
    by the ratio of the normal quantiles (a 90% CI printed by a paper: each side times 1.96 / 1.645).

    >>> from analysis.core.results import Estimate
    >>> e = Estimate(test="Published MD", term="x", estimate=6.3, ci_low=3.6, ci_high=9.0, ci_level=0.90)
    >>> [round(v, 3) for v in _ci95(e)]  # 6.3 -/+ 2.7 * 1.95996 / 1.64485
    [3.083, 9.517]
    """
    if math.isclose(judged.ci_level, 0.95):
        return float(judged.ci_low), float(judged.ci_high)
    if judged.se is not None:
        low, high = judged.conf_int(0.95)
        return float(low), float(high)
    widen = Z975 / float(norm.ppf(0.5 + judged.ci_level / 2))
    centre = float(judged.estimate)
    return centre - (centre - judged.ci_low) * widen, centre + (judged.ci_high - centre) * widen


def _entries_of(claim: "Claim", decl: OutcomeDecl, results: list["EvidenceResult"]) -> list["EvidenceResult"]:
    return [r for r in results if outcome_of(claim, r.evidence) == decl.id]


def outcome_of(claim: "Claim", ev) -> str | None:
    """The outcome id an evidence entry measures: its ``outcome_id``, else the outcome whose ``evidence`` lists it,
    else the claim's only outcome."""
    if ev.outcome_id is not None:
        return ev.outcome_id
    listed = [o.id for o in claim.outcomes if ev.id in o.evidence]
    if listed:
        return listed[0]
    return claim.outcomes[0].id if len(claim.outcomes) == 1 else None


def one_line_per_study(results: list["EvidenceResult"], claimed: int,
                       orient: bool = False) -> tuple[list[OutcomeLine], list[str]]:
    """One line per study (the most direct basis decides), then reviews standing for their included studies (those
    the entry ``rests_on``, else all it includes) and known overlaps counted once. Returns the lines and what was
    left out, each with its reason."""
    left_out: list[str] = []
    by_study: dict[str, list[tuple["EvidenceResult", StudyLine]]] = {}
    for r in results:
        line = _line_of(r, claimed, orient)
        if line is None:
            why = ("a composite what-if cohort, never evidence" if getattr(r.study.spec, "composite", False)
                   else "rests on assumed values, a sensitivity analysis")
            left_out.append(f"{r.evidence.id} ({r.study.spec.id}): {why}")
            continue
        by_study.setdefault(r.study.spec.id, []).append((r, line))
    lines = []
    for study, items in by_study.items():
        items.sort(key=lambda item: (BASIS_ORDER.index(item[0].basis.value), item[1].estimate is None))
        (r, line), rest = items[0], items[1:]
        lines.append(OutcomeLine(study, r, line, [o.evidence.id for o, _ in rest]))
    present = {line.study: line for line in lines}
    dropped: set[str] = set()
    for line in lines:
        spec = line.result.study.spec
        rests_on = line.result.evidence.rests_on
        unknown = [s for s in rests_on or [] if s not in spec.includes]
        if unknown:
            raise InputError(f"evidence {line.result.evidence.id}", "rests_on",
                             f"{', '.join(unknown)} not among the studies {spec.id} includes "
                             f"({', '.join(spec.includes) or 'none listed'})")
        for inc in spec.includes if rests_on is None else rests_on:
            if inc in present and inc != line.study and inc not in dropped:
                line.stands_for.append(inc)
                dropped.add(inc)
                left_out.append(f"{inc}: included in {line.study} (counted once, in the review)")
    for line in lines:
        if line.study in dropped:
            continue
        for o in line.result.study.spec.overlap:
            if o.certainty == "known" and o.study in present and o.study not in dropped:
                other = present[o.study]
                keep, drop = (line, other) if (line.line.participants or 0) >= (other.line.participants or 0) \
                    else (other, line)
                if drop.study in dropped or keep.study in dropped:
                    continue
                keep.stands_for.append(drop.study)
                dropped.add(drop.study)
                left_out.append(f"{drop.study}: known sample overlap with {keep.study} ({o.reason}); counted once")
    return [line for line in lines if line.study not in dropped], left_out


def _unit_of(r: "EvidenceResult") -> str | None:
    """The unit a published effect is per (``unit:`` in its spec, e.g. "per degree"), None for any other result."""
    effect_id = getattr(r.evidence, "effect", None)
    for effect in getattr(r.study.spec, "effects", None) or []:
        if isinstance(effect_id, str) and effect.id == effect_id:
            return getattr(effect, "unit", None)
    return None


def pool_lines(lines: list[OutcomeLine]) -> tuple[dict | None, str | None]:
    """Pool the lines' estimates when they share a scale and a claimed direction; say why not otherwise.

    Returns the effect dict (``measure, estimate, ci, pooled, k, i2, prediction_interval, method``, plus
    ``ratio``, ``egger_p`` and ``knha_vs_wald``) and, when pooling was refused, the reason.
    """
    with_est = [line for line in lines if line.line.estimate is not None]
    if not with_est:
        return None, None
    scales = {line.result.outcome.scale for line in with_est}
    directions = {line.result.evidence.direction for line in with_est}
    ratio = all(line.line.ratio for line in with_est)
    if len(with_est) == 1:
        only = with_est[0].line
        return {"measure": next(iter(scales)).name, "estimate": only.estimate, "ci": list(only.ci), "pooled": False, "k": 1,
                "i2": None, "prediction_interval": None, "method": f"single study ({only.study})", "ratio": ratio,
                "egger_p": None}, None
    if len(scales) > 1:
        return None, f"not pooled: the estimates are on different scales ({', '.join(sorted(s.name for s in scales))})"
    units = {_unit_of(line.result) for line in with_est}
    if len(units) > 1:  # an OR per degree beside an OR of tight vs not: one scale name, two different measures
        return None, ("not pooled: the estimates are per different units ("
                      + "; ".join(sorted(u or "no unit printed" for u in units)) + ")")
    if len(directions) > 1:
        return None, ("not pooled: the entries use opposite direction conventions "
                      f"({', '.join(sorted(directions))})")
    y = [line.line.estimate for line in with_est]
    v = [((line.line.ci[1] - line.line.ci[0]) / (2 * Z975)) ** 2 for line in with_est]
    if min(v) <= 0:
        return None, "not pooled: an interval of zero width"
    k = len(y)
    test = "knha" if k >= 3 else "z"
    est = meta_analysis(y, v, method="REML", test=test, labels=[line.study for line in with_est])
    x = est.extra
    pi = [x["pi_low"], x["pi_high"]] if x.get("pi_low") is not None else None
    method = ("REML tau-squared, Hartung-Knapp-Sidik-Jonkman interval (t, k - 1 df), " +
              f"{x.get('knha_vs_wald', '')} than Wald's" if test == "knha" else "REML tau-squared, Wald interval (k = 2)")
    egger = egger_test(y, v)["p"] if k >= 10 else None
    weights = {line.study: 1 / (vi + x["tau2"]) for line, vi in zip(with_est, v)}
    return {"measure": next(iter(scales)).name, "estimate": est.estimate, "ci": [est.ci_low, est.ci_high], "pooled": True,
            "k": k, "i2": x.get("I2"), "prediction_interval": pi, "method": method, "ratio": ratio,
            "egger_p": egger, "weights": weights}, None


def _reading(grade: GradeResult | None, effect: dict | None, claimed: int, smallest: float) -> str:
    """How one outcome reads against the claim: by its estimate against the smallest important effect, or, with no
    estimate, by the studies' directions (all one way: that way; both ways: conflicting)."""
    if grade is None:
        return "not assessed"
    if grade.certainty == "very low":
        return "very uncertain"
    est = (effect or {}).get("estimate")
    if est is None:
        sign = _count_direction(effect or {})
        if sign is None:
            return "conflicting"
        if sign == 0:
            return "very uncertain"
    elif abs(est) < smallest:
        return "no important effect" if claimed != 0 else "supported"
    else:
        sign = (est > 0) - (est < 0)
    if claimed == 0:
        return "contradicted"
    return "supported" if sign == claimed else "contradicted"


def summarise_outcome(claim: "Claim", decl: OutcomeDecl, results: list["EvidenceResult"]) -> OutcomeSummary:
    """One summary-of-findings row (see the module)."""
    mine = _entries_of(claim, decl, results)
    signs = {r.evidence.sign for r in mine}
    orient = signs == {1, -1}  # opposite conventions for one claim: each line turned to the claimed direction
    claimed = 1 if orient else next(iter(signs)) if len(signs) == 1 else 0
    if decl.threshold is not None:  # a proportion: judged against its threshold, one side claimed
        claimed, orient = check_thresholds(decl, mine), False
    lines, left_out = one_line_per_study(mine, claimed, orient)
    ratio = bool(lines) and all(line.line.ratio for line in lines)
    smallest = math.log(decl.smallest_important) if ratio else decl.smallest_important
    if not lines:
        why = f"Not assessed: no study in the gathered evidence measured the effect of {_lower(decl.exposure)} on " \
              f"{decl.outcome}"
        return OutcomeSummary(decl, [], None, None, why, claimed, "not assessed", left_out)
    if decl.threshold is not None:
        ratings = review_ratings(lines)
        effect, grade, statement, reading = proportion_row(decl, lines, claimed, _review_judgement(ratings))
        return OutcomeSummary(decl, lines, effect, grade, statement, claimed, reading, left_out, ratings)
    effect, refused = pool_lines(lines)
    study_lines = _weighted([line.line for line in lines], effect)
    if effect is None:
        effect = {"measure": None, "estimate": None, "ci": None, "pooled": False, "k": len(lines), "i2": None,
                  "prediction_interval": None, "ratio": ratio, "egger_p": None,
                  "method": (refused + "; " if refused else "") + "direction of effect only",
                  "direction_count": direction_count(study_lines), "oriented": orient,
                  "turned": [line.study for line in lines if line.result.evidence.sign == 0
                             and line.result.evidence.reverse_scale]}
    interval = tuple(effect["ci"]) if effect.get("ci") else None
    pi = tuple(effect["prediction_interval"]) if effect.get("prediction_interval") else None
    ratings = review_ratings(lines)
    review = _review_judgement(ratings)
    grade = grade_outcome(decl.question_enum, study_lines, smallest, interval=interval, i2=effect.get("i2"),
                          prediction=pi, k_pooled=effect["k"] if effect.get("pooled") else None,
                          egger_p=effect.get("egger_p"), review_judgement=review, dose_response=decl.dose_response,
                          standardised=decl.scale.lower() in ("smd", "r", "hedges' g", "g", "d"),
                          comparable=not (refused and ("different scales" in refused or "different units" in refused)))
    est = effect.get("estimate")
    thresholds = tuple(math.log(t) for t in decl.thresholds) if (decl.thresholds and ratio) else decl.thresholds
    if est is not None and abs(est) < smallest:
        size = "little or no difference"
    else:
        size = size_word(est, thresholds) if (thresholds and est is not None) else "unknown size"
    direction = (est > 0) - (est < 0) if est is not None else _count_direction(effect)
    associational = decl.question_enum in (Question.PROGNOSTIC, Question.ASSOCIATION)
    if direction is None and grade.certainty != "very low":  # no pooled size, and the studies point both ways
        count = effect["direction_count"]
        statement = (f"The studies of {_lower(decl.exposure)} and {decl.outcome} point both "
                     f"ways ({count['positive']} up, {count['negative']} down) and could not be pooled")
    elif est is None and direction == 0 and grade.certainty != "very low":  # neither a size nor a direction
        what = (f"How {_lower(decl.exposure)} relates to {decl.outcome}" if associational
                else f"What {_lower(decl.exposure)} does to {decl.outcome}")
        statement = f"{what} is not known: the studies printed neither an estimate nor a direction"
    else:
        statement = informative_statement(grade.certainty, size, decl.exposure, decl.outcome, direction or 0,
                                          associational=associational)
    return OutcomeSummary(decl, lines, effect, grade, statement, claimed, _reading(grade, effect, claimed, smallest),
                          left_out, ratings)


def _weighted(lines: list[StudyLine], effect: dict | None) -> list[StudyLine]:
    """Each line's weight: its random-effects weight in the pool; otherwise its participants where every line
    has them; otherwise None (equal shares, said by GRADE's notes)."""
    weights = (effect or {}).get("weights")
    if weights and all(line.study in weights for line in lines):
        return [replace(line, weight=weights[line.study]) for line in lines]
    if all(line.participants for line in lines):
        return [replace(line, weight=float(line.participants)) for line in lines]
    return lines


def _lower(text: str) -> str:
    """The first letter lowered to start a clause mid-sentence, except in an acronym ("NSAIDs" stays).

    >>> _lower("Older age"), _lower("NSAIDs")
    ('older age', 'NSAIDs')
    """
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def _count_direction(effect: dict) -> int | None:
    """With no pooled estimate: +1 or -1 when every study with a direction points that way, 0 when none has one,
    None when they point both ways (the direction-of-effect count, Cochrane Handbook 12.4.2.3)."""
    count = effect.get("direction_count") or {}
    up, down = count.get("positive", 0), count.get("negative", 0)
    if up and down:
        return None
    return 1 if up else -1 if down else 0


def review_ratings(lines: list[OutcomeLine]) -> list[tuple[str, ReviewCertainty]]:
    """The source reviews' own GRADE ratings of this outcome: for each line whose deciding entry names a
    ``review_rating``, that rating of its spec's ``review_certainty`` (an entry naming a rating its review does not
    print is an input error naming the entry and the field)."""
    out = []
    for line in lines:
        name = line.result.evidence.review_rating
        if name is None:
            continue
        spec = line.result.study.spec
        rating = next((r for r in spec.review_certainty if r.outcome == name), None)
        if rating is None:
            known = "; ".join(r.outcome for r in spec.review_certainty) or "none"
            raise InputError(f"evidence {line.result.evidence.id}", "review_rating",
                             f"{spec.id} prints no rating of {name!r}; its ratings: {known}")
        out.append((line.study, rating))
    return out


def _review_judgement(ratings: list[tuple[str, ReviewCertainty]]) -> tuple[int, str] | None:
    """A source review's own publication-bias judgement where its printed reasons for *this* outcome name one."""
    for study, rating in ratings:
        if "publication bias" in (rating.reasons or "").lower():
            return 1, f"{study} ({rating.outcome}): {rating.reasons}"
    return None


def summarise_outcomes(claim: "Claim", results: list["EvidenceResult"]) -> list[OutcomeSummary]:
    """Every declared outcome of ``claim`` as a summary-of-findings row (empty when the claim declares none)."""
    return [summarise_outcome(claim, decl, results) for decl in claim.outcomes]
