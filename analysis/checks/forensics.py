"""Run every forensic check that a study spec's published figures allow.

Each kind of published figure registers its own checks in :mod:`analysis.checks.figures`; each check says what
was checked, the published figure, the recomputed one, and a verdict: ``consistent``, ``inconsistent``,
``decision-inconsistent`` (significance flips at alpha) or ``not checkable`` (and why).

Examples
--------
>>> from analysis.spec.model import load_study
>>> checks = forensic_checks(load_study("S6"))
>>> [(c.check, c.verdict) for c in checks if c.check == "statcheck"]
[('statcheck', 'consistent')]
"""

from __future__ import annotations

import analysis.checks.figures  # noqa: F401  (registers every kind's checks)
from analysis.checks.registry import EXAMINERS, VERDICTS, ForensicCheck, run_registered
from analysis.spec.model import StudySpec

__all__ = ["VERDICTS", "ForensicCheck", "forensic_checks"]


def forensic_checks(spec: StudySpec) -> list[ForensicCheck]:
    """Every check the spec's published figures allow, kind by kind in the spec's figure order."""
    out: list[ForensicCheck] = run_registered(EXAMINERS, spec)
    if not out:
        out.append(ForensicCheck(spec.id, "-", "published figures", "-", "-", "not checkable",
                                 "no published figure allows a consistency check"))
    return out
