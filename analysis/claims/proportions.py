"""A summary-of-findings row for an outcome measured as a proportion (a prevalence, a share with a good result),
judged against the threshold its claim names (issue #29 gap).

The lines are those of :func:`analysis.claims.outcomes.one_line_per_study`; each is a published proportion with
its 95% CI (the exact Clopper-Pearson interval of its count where none was printed). Then:

- **one line**: its proportion and CI;
- **several lines**: pooled on the logit scale (:func:`analysis.stats.proportion.logit_pool`: REML, from three
  lines the Hartung-Knapp-Sidik-Jonkman interval) only when every line has its count with at least
  :data:`~analysis.stats.proportion.LEAST_EACH_WAY` events and as many non-events (the logit's normal approximation
  is poor with fewer, and a line with none has no logit); otherwise not pooled, each line with its own proportion and
  CI, and the statement gives their range;
- **GRADE** (:func:`analysis.claims.grade.grade_outcome` with ``threshold``): imprecision when the interval (or, not
  pooled, any line's) contains the threshold; inconsistency by the lines' sides of the threshold;
- **reading**: at very low certainty "very uncertain" (no direction); otherwise the side of the threshold the
  proportion lies on (every line's, when not pooled: both sides read "conflicting") against the claimed side;
- **statement**: :func:`analysis.claims.grade_statements.proportion_statement`.

Examples
--------
>>> pool_reason([(15, 17), (42, 48)], ["S102", "S103"], "a good result")
'not pooled: S102 has 2 of 17 without a good result, fewer than 5 (the logit of a proportion is too skewed to pool)'
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from analysis.claims.grade import GradeResult, StudyLine, grade_outcome
from analysis.claims.grade_statements import proportion_statement
from analysis.core.errors import InputError
from analysis.stats.proportion import LEAST_EACH_WAY, logit_pool

if TYPE_CHECKING:  # pragma: no cover
    from analysis.claims.outcome_decl import OutcomeDecl
    from analysis.claims.results import EvidenceResult, OutcomeLine

__all__ = ["check_thresholds", "pool_reason", "proportion_row"]


def check_thresholds(decl: "OutcomeDecl", results: list["EvidenceResult"]) -> int:
    """Every entry of a proportion outcome names the outcome's threshold and one claimed side; returns that side
    (+1 above, -1 below). A mismatch is an input error naming the entry and the field."""
    sides = set()
    for r in results:
        ev = r.evidence
        if getattr(ev, "threshold", None) != decl.threshold:
            raise InputError(f"evidence {ev.id}", "threshold",
                             f"outcome {decl.id} is judged against {decl.threshold:g}; this entry names "
                             f"{getattr(ev, 'threshold', None)}")
        sides.add(ev.sign)
        if len(sides) > 1:
            raise InputError(f"evidence {ev.id}", "direction", f"the entries of outcome {decl.id} claim both sides of "
                                                              f"its threshold of {decl.threshold:g}")
    return sides.pop() if sides else 0


def _counts(line: "OutcomeLine") -> tuple[int, int] | None:
    judged = line.result.outcome.judged if line.result.outcome is not None else None
    events = judged.extra.get("events") if judged is not None else None
    return (int(events), int(judged.n)) if events is not None and judged.n else None


def pool_reason(counts: list[tuple[int, int] | None], studies: list[str], outcome: str) -> str | None:
    """Why these lines' proportions are not pooled on the logit scale, or None when they can be."""
    for (study, c) in zip(studies, counts):
        if c is None:
            return f"not pooled: {study} printed a CI, not the count behind its proportion"
        x, n = c
        if min(x, n - x) < LEAST_EACH_WAY:
            which = f"{x} of {n} with {outcome}" if x < n - x else f"{n - x} of {n} without {outcome}"
            return (f"not pooled: {study} has {which}, fewer than {LEAST_EACH_WAY} (the logit of a proportion is too "
                    f"skewed to pool)")
    return None


def _effect(lines: list["OutcomeLine"], threshold: float, claimed: int, outcome: str) -> dict:
    with_est = [line for line in lines if line.line.estimate is not None]
    each = [{"study": line.study, "estimate": line.line.estimate, "ci": list(line.line.ci),
             "events": (_counts(line) or (None, None))[0], "n": line.line.participants} for line in with_est]
    effect = {"measure": "proportion", "estimate": None, "ci": None, "pooled": False, "k": len(lines), "i2": None,
              "prediction_interval": None, "ratio": False, "egger_p": None, "threshold": threshold,
              "side": "above" if claimed > 0 else "below", "lines": each}
    if not with_est:
        return {**effect, "method": "no study printed a CI or the count behind its proportion"}
    if len(with_est) == 1:
        only = with_est[0].line
        return {**effect, "estimate": only.estimate, "ci": list(only.ci), "k": 1,
                "method": f"single study ({only.study})"}
    counts = [_counts(line) for line in with_est]
    refused = pool_reason(counts, [line.study for line in with_est], outcome)
    if refused:
        return {**effect, "method": f"{refused}; each study's proportion with its 95% CI"}
    pool = logit_pool([c[0] for c in counts], [c[1] for c in counts], [line.study for line in with_est])
    return {**effect, "estimate": pool["estimate"], "ci": pool["ci"], "pooled": True, "k": pool["k"],
            "i2": pool["i2"], "prediction_interval": pool["prediction_interval"], "method": pool["method"],
            "weights": pool["weights"]}


def _reading(grade: GradeResult, effect: dict, threshold: float, claimed: int) -> str:
    if grade.certainty == "very low":
        return "very uncertain"
    estimates = [effect["estimate"]] if effect["estimate"] is not None else [e["estimate"] for e in effect["lines"]]
    sides = {(v > threshold) - (v < threshold) for v in estimates}
    if not sides or sides == {0}:
        return "very uncertain"
    if len(sides - {0}) > 1:
        return "conflicting"
    return "supported" if (sides - {0}).pop() == claimed else "contradicted"


def proportion_row(decl: "OutcomeDecl", lines: list["OutcomeLine"], claimed: int,
                   review_judgement: tuple[int, str] | None) -> tuple[dict, GradeResult, str, str]:
    """The effect, GRADE, statement and reading of one proportion outcome (see the module)."""
    t = decl.threshold
    effect = _effect(lines, t, claimed, decl.outcome)
    weights = effect.get("weights")
    study_lines: list[StudyLine] = []
    for line in lines:
        counts = _counts(line)
        weight = weights.get(line.study) if weights else line.line.participants if all(
            other.line.participants for other in lines) else None
        study_lines.append(replace(line.line, events=counts[0] if counts else None,
                                   weight=float(weight) if weight is not None else None))
    interval = tuple(effect["ci"]) if effect["ci"] else None
    pi = tuple(effect["prediction_interval"]) if effect["prediction_interval"] else None
    grade = grade_outcome(decl.question_enum, study_lines, t, interval=interval, i2=effect["i2"], prediction=pi,
                          k_pooled=effect["k"] if effect["pooled"] else None, review_judgement=review_judgement,
                          dose_response=decl.dose_response, standardised=False, threshold=t)
    values = [e["estimate"] for e in effect["lines"]]
    spread = (min(values), max(values), len(values)) if effect["estimate"] is None and values else None
    statement = proportion_statement(grade.certainty, decl.population, decl.outcome, effect["estimate"], interval,
                                     spread)
    return effect, grade, statement, _reading(grade, effect, t, claimed)
