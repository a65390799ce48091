"""Adjust a claim's p values for multiple comparisons (Holm, Benjamini-Hochberg).

Tested against R 4.2 ``p.adjust``.

>>> [round(p, 3) for p in adjust([0.01, 0.04, 0.03], "holm")]
[0.03, 0.06, 0.06]
"""

from __future__ import annotations

from statsmodels.stats.multitest import multipletests

from analysis.core.errors import AnalysisError

METHODS = {"holm": "holm", "BH": "fdr_bh"}


def adjust(pvalues, method: str = "holm") -> list[float]:
    """Adjusted p values, in the input order."""
    if method not in METHODS:
        raise AnalysisError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    values = [float(p) for p in pvalues]
    if not values:
        return []
    if any(not 0 <= p <= 1 for p in values):
        raise AnalysisError("p values must lie in [0, 1]")
    return [float(p) for p in multipletests(values, method=METHODS[method])[1]]
