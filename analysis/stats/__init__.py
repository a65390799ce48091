"""Statistical methods, each returning :class:`analysis.results.Estimate` records.

| family | functions |
|---|---|
| correlation | ``pearson``, ``spearman``, ``partial``, ``correlation_from_summary`` |
| two groups | ``welch_t``, ``student_t``, ``mann_whitney``, ``hedges_g``, ``cohens_d``, ``tost`` |
| tables | ``risk_ratio``, ``odds_ratio_woolf``, ``fisher_exact``, ``chi_square`` |
| regression | ``ols``, ``logistic``, ``poisson``, ``negative_binomial`` |
| recurrence | ``cox``, ``kaplan_meier`` |
| trials | ``ancova``, ``mixed_model`` |
| mediation | ``mediation`` |
| meta-analysis | ``meta_analysis`` |
| power | ``power_correlation``, ``detectable_correlation``, ``power_two_groups``, ``detectable_difference`` |
| multiplicity | ``adjust`` |
"""

from analysis.stats.correlation import correlation_from_summary, partial, pearson, spearman
from analysis.stats.equivalence import tost
from analysis.stats.groups import cohens_d, hedges_g, mann_whitney, student_t, welch_t
from analysis.stats.mediation import mediation
from analysis.stats.meta import meta_analysis
from analysis.stats.multiplicity import adjust
from analysis.stats.power import detectable_correlation, detectable_difference, power_correlation, power_two_groups
from analysis.stats.regression import logistic, negative_binomial, ols, poisson
from analysis.stats.survival import cox, kaplan_meier, km_median
from analysis.stats.tables import chi_square, fisher_exact, odds_ratio_woolf, risk_ratio
from analysis.stats.trials import ancova, mixed_model

__all__ = [
    "pearson", "spearman", "partial", "correlation_from_summary",
    "welch_t", "student_t", "mann_whitney", "hedges_g", "cohens_d", "tost",
    "risk_ratio", "odds_ratio_woolf", "fisher_exact", "chi_square",
    "ols", "logistic", "poisson", "negative_binomial",
    "cox", "kaplan_meier", "km_median", "ancova", "mixed_model", "mediation", "meta_analysis",
    "power_correlation", "detectable_correlation", "power_two_groups", "detectable_difference", "adjust",
]
