"""What the checks of every reported test share: the dataset's p against the printed one, statcheck of a printed
statistic and p, and a group's values of a variable. The kinds' own checks are in ``reported_*.py``."""

from __future__ import annotations

import numpy as np

from analysis.checks.registry import Check, ForensicCheck, fmt
from analysis.checks.statcheck import Report, check
from analysis.spec.parts import GroupTest, ReportedStatistic
from analysis.spec.parts.base import fits_printed_p


def values(frame, test: GroupTest, group: str) -> np.ndarray:
    """The dataset's values of the test's variable in ``group``."""
    return frame.loc[frame["group"] == group, test.variable].to_numpy(float)


def fits(p: float, rt: ReportedStatistic) -> bool:
    """Does ``p`` agree with the printed p (:func:`~analysis.spec.parts.base.fits_printed_p`)?"""
    return fits_printed_p(p, rt.p, rt.p_relation, rt.p_places)


def p_check(what: str, rt: ReportedStatistic, p: float) -> Check:
    """Does the dataset's p agree with the printed one (:func:`fits`)?"""
    d = rt.p_places
    if rt.p_relation == "=":
        return Check(what, fmt(rt.p, d), fmt(p, d), fits(p, rt), rt.source)
    return Check(what, f"{rt.p_relation} {fmt(rt.p, d)}", f"{p:.3g}" if p < 10**-d else fmt(p, d), fits(p, rt),
                 rt.source)


def statcheck(rt: ReportedStatistic, test_type: str, df1: float | None, df2: float | None, text: str):
    """statcheck of the printed statistic and p at the given df, at the test's alpha; ``text`` names the report."""
    report = Report(test_type, df1, df2, rt.value, rt.places, "=", rt.p_relation, rt.p, rt.p_places, text)
    return report, check(report, rt.alpha)


def no_p(spec, what: str, printed: str, statistic: str) -> ForensicCheck:
    """A printed statistic without a p: nothing to recompute it against."""
    return ForensicCheck(spec.id, "statcheck", what, printed, "no p printed", "not checkable",
                         f"the paper prints no p for this {statistic}")
