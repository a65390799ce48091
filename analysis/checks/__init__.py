"""Checks of published figures: does a reconstruction reproduce them (:mod:`.reproduce`), and are they even
possible (:mod:`.forensics`: GRIM, GRIMMER, bounds, statcheck-style recomputation, CIs, percentages)."""

from analysis.checks.forensics import VERDICTS, ForensicCheck, forensic_checks
from analysis.checks.reproduce import Check, reproduction_checks

__all__ = ["ForensicCheck", "forensic_checks", "VERDICTS", "Check", "reproduction_checks"]
