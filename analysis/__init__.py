"""hamstring-evidence: test popular claims about hamstrings and back pain against data.

The public API, in the order of the flow spec -> dataset -> analysis -> verdict -> report. Names are imported
on first use, so ``import analysis`` (and the CLI's ``--help``) stays fast.

>>> from analysis import load_study, build_dataset, load_claim, run_claim
>>> spec = load_study("S2")
>>> dataset = build_dataset(spec, seed=1)
>>> result = run_claim(load_claim("hamstring-stiffness-lbp"), ensemble_draws=10)
>>> result.verdict.category, result.certainty, result.verdict.label
('supported', 'low', 'association supported; causation not established')
"""

from __future__ import annotations

import importlib

from analysis.core.version import __version__

#: Public name -> the module that defines it (a module itself when the name is the module's last part).
_EXPORTS = {
    # specs and data
    "load_study": "analysis.spec.model", "study_files": "analysis.spec.model", "data_dir": "analysis.core.paths",
    "build_dataset": "analysis.generate", "correlation_ensemble": "analysis.generate.ensemble",
    "draw_assumptions": "analysis.spec.assumptions",
    "read_table": "analysis.datasets.loaders", "load_families": "analysis.datasets.families",
    "validate_file": "analysis.datasets.families", "Mapping": "analysis.datasets.mapping",
    "init_data_dir": "analysis.core.registry",
    # checks
    "reproduction_checks": "analysis.checks.reproduce", "forensic_checks": "analysis.checks.forensics",
    # claims, analyses and verdicts
    "load_claim": "analysis.claims.model", "load_claims": "analysis.claims.model",
    "run_claim": "analysis.claims.engine", "run_evidence": "analysis.claims.engine",
    "make_evidence": "analysis.claims.kinds", "KINDS": "analysis.claims.kinds", "Estimate": "analysis.core.results",
    "InputError": "analysis.core.errors", "AnalysisError": "analysis.core.errors",
    # reports and figures
    "build_reports": "analysis.report.build", "published_rows": "analysis.report.context",
    # whole modules
    "stats": "analysis.stats", "figures": "analysis.figures",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    module = importlib.import_module(_EXPORTS[name])
    value = module if module.__name__.rsplit(".", 1)[-1] == name else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
