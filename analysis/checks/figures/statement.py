"""Findings printed as direction and significance: the printed test (statcheck) and the printed p against the
stated significance."""

from __future__ import annotations

from analysis.checks.registry import ForensicCheck, examines, verdict_of
from analysis.checks.statcheck import check, is_test_report, parse_report
from analysis.spec.parts import Statement
from analysis.spec.parts.base import printed_significance


@examines(Statement)
def statements_possible(statements: list[Statement], spec) -> list[ForensicCheck]:
    out = []
    for s in statements:
        what = f"{s.comparison} -> {s.outcome}"
        if s.p is not None and (s.p_relation == "=" or not _agrees(s)):  # a bound on alpha's side fits trivially
            agrees = _agrees(s)
            out.append(ForensicCheck(spec.id, "p vs stated significance", what, s.printed,
                                     f"p {s.p_relation} {s.p:g} at alpha {s.alpha:g}", verdict_of(agrees),
                                     "" if agrees else "the printed p and the stated (non-)significance disagree"))
        if s.test is None:
            continue
        if not is_test_report(s.test):
            out.append(ForensicCheck(spec.id, "statcheck", what, s.test, "-", "not checkable",
                                     "not a test report of the form 'chi2(1) = 7.6, p = 0.006'"))
            continue
        result = check(parse_report(s.test), s.alpha)
        out.append(ForensicCheck(spec.id, "statcheck", what, s.test,
                                 f"p = {result.computed_p:.3g} (range {result.p_low:.3g} to {result.p_high:.3g} "
                                 f"for the statistic's rounding)", result.verdict,
                                 "p recomputed from the statistic and its df, as R's statcheck does"))
    return out


def _agrees(s: Statement) -> bool:
    """Whether the printed p fits the stated (non-)significance at alpha
    (:func:`~analysis.spec.parts.base.printed_significance`: p = alpha counts as significant, as in statcheck); a
    bound on the far side of alpha ("p < 0.1", "p > 0.01") fits either."""
    said = printed_significance(s.p, s.p_relation, s.p_places, s.alpha)
    return said is None or said == s.significant

