"""The validation page (``reports/validation.html``): the reconstruction method on real data whose answer is known.

Built by :func:`analysis.report.build.build_reports` on a full run, from :func:`analysis.validation.run_validation`.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
from markupsafe import Markup

from analysis.validation.run import STATED, VALIDATION_DRAWS, ValidationRecord, summary
from analysis.validation.sources import DATASETS
from analysis.validation.table import MECHANISMS, misleading, row

#: The kinds' names as the page shows them.
KIND_NAMES = {"two_group": "Two-group comparisons (Hedges' g)", "correlation": "Correlations (Pearson r)",
              "risk_ratio": "2x2 tables (log risk ratio)", "paired": "Paired comparisons (mean change)",
              "logistic": "Logistic models (log OR, adjusted)", "cox": "Cox models (log HR, adjusted)",
              "rate_interaction": "Poisson rate models (log rate ratio, age x factor interaction)"}


def coverage_rows(records: list[ValidationRecord]) -> pd.DataFrame:
    """The coverage plot's rows: truth, reconstruction and ensemble range per case that ran."""
    rows = []
    for r in records:
        if r.estimate is None or r.true_estimate is None:
            continue
        low, high = r.ensemble_range or (r.estimate, r.estimate)
        rows.append({"label": r.case, "scale": f"{KIND_NAMES[r.kind]}", "truth": r.true_estimate,
                     "estimate": r.estimate, "low": min(low, r.estimate), "high": max(high, r.estimate)})
    return pd.DataFrame(rows)


def page_context(records: list[ValidationRecord]) -> dict:
    """What the template shows: per-kind tables, the summary with what the page states, the plot, the findings."""
    from analysis.figures.coverage import coverage_plot

    table = summary(records).to_dict(orient="records")
    mislead = misleading(records)
    kinds = [{"kind": k, "name": KIND_NAMES[k], "rows": [row(r) for r in records if r.kind == k],
              "records": [r for r in records if r.kind == k], "misleads": mislead.get(k, []),
              "mechanism": MECHANISMS.get(k, "")} for k in dict.fromkeys(r.kind for r in records)]
    return {"summary": table, "stated": STATED, "kinds": kinds, "draws": VALIDATION_DRAWS,
            "plot": Markup(coverage_plot(coverage_rows(records))), "datasets": DATASETS,
            "misleading": {KIND_NAMES[k]: v for k, v in mislead.items()}, "names": KIND_NAMES}


@lru_cache(maxsize=1)
def _records() -> tuple[ValidationRecord, ...]:
    from analysis.validation import run_validation

    return tuple(run_validation())


def validation_page(env, package_versions: dict) -> bytes | None:
    """The rendered page, or None (the page and the index's link to it then left out) where the real datasets are
    not at hand (an installed wheel ships no validation set) or the report is of another registry (``--data-dir``):
    the page is the project's own report of its method. The run is made once per process."""
    from analysis.report.output import has_validation_page

    if not has_validation_page():
        return None
    context = page_context(list(_records()))
    return env.get_template("validation.html.j2").render(**context, versions=package_versions).encode("utf-8")
