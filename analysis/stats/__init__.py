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

import importlib
from pathlib import Path

#: Where each public function lives: the submodule is imported on first use (PEP 562), so that a caller of one
#: family (say ``poisson``) does not pay for the others' imports (pingouin, lifelines, matplotlib).
_HOME = {
    "correlation_from_summary": "correlation", "partial": "correlation", "pearson": "correlation",
    "spearman": "correlation", "tost": "equivalence", "cohens_d": "groups", "hedges_g": "groups",
    "mann_whitney": "groups", "student_t": "groups", "welch_t": "groups", "mediation": "mediation",
    "meta_analysis": "meta", "adjust": "multiplicity", "detectable_correlation": "power",
    "detectable_difference": "power", "power_correlation": "power", "power_two_groups": "power",
    "logistic": "regression", "negative_binomial": "regression", "ols": "regression", "poisson": "regression",
    "cox": "survival", "kaplan_meier": "survival", "km_median": "survival", "chi_square": "tables",
    "fisher_exact": "tables", "odds_ratio_woolf": "tables", "risk_ratio": "tables", "ancova": "trials",
    "mixed_model": "trials",
}

__all__ = [
    "pearson", "spearman", "partial", "correlation_from_summary",
    "welch_t", "student_t", "mann_whitney", "hedges_g", "cohens_d", "tost",
    "risk_ratio", "odds_ratio_woolf", "fisher_exact", "chi_square",
    "ols", "logistic", "poisson", "negative_binomial",
    "cox", "kaplan_meier", "km_median", "ancova", "mixed_model", "mediation", "meta_analysis",
    "power_correlation", "detectable_correlation", "power_two_groups", "detectable_difference", "adjust",
]


def __getattr__(name: str):
    """A public function (from its submodule), or a submodule itself (``stats.tables``), imported on first use."""
    if name in _HOME:
        value = getattr(importlib.import_module(f"analysis.stats.{_HOME[name]}"), name)
    elif not name.startswith("__") and (Path(__file__).parent / f"{name}.py").exists():
        value = importlib.import_module(f"analysis.stats.{name}")
    else:
        raise AttributeError(f"module 'analysis.stats' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
