"""Forensics of published figures: are the numbers a study reports even possible?

- :mod:`.granularity`: GRIM and analytic GRIMMER, rounding rules, the largest SD on a bounded scale;
- :mod:`.statcheck`: recompute a p value from a reported statistic, as R's statcheck does;
- :mod:`.checks`: run every check a study spec allows (``hamstring-evidence check``).
"""

from .checks import VERDICTS, ForensicCheck, forensic_checks

__all__ = ["ForensicCheck", "forensic_checks", "VERDICTS"]
