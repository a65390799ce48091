"""Statistical methods, each returning :class:`analysis.results.Estimate` records."""

from .correlation import pearson, spearman
from .groups import hedges_g, mann_whitney, student_t, welch_t

__all__ = ["pearson", "spearman", "welch_t", "student_t", "mann_whitney", "hedges_g"]
