"""Run a claim: for each evidence entry, build (or load) the data, analyse it, judge it.

This is the one place that connects specs, datasets, analyses and verdicts;
reports, the CLI and notebooks all call :func:`run_claim`.

Examples
--------
>>> from analysis.claims import load_claim
>>> result = run_claim(load_claim("hamstring-stiffness-lbp"), ensemble_draws=20)
>>> result.verdict.category
'supported'
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import stats
from .assumptions import assumption_slots, draw_assumptions
from .claims import Claim, Evidence
from .errors import InputError
from .generate import Dataset, build_dataset
from .loaders import file_sha256, read_table, schema_for, validate
from .results import Estimate
from .specs import StudyFile, load_study_file
from .verdicts import Verdict, across_assumptions, combine, judge, observational_cap

DEFAULT_ENSEMBLE_DRAWS = 200


@dataclass
class EvidenceResult:
    """The outcome of one evidence entry."""

    evidence: Evidence
    study: StudyFile
    source: str
    source_sha256: str
    estimates: list[Estimate]
    verdict: Verdict
    robustness: str
    ensemble: pd.DataFrame = field(default_factory=pd.DataFrame)
    dataset: Dataset | None = None
    frame: pd.DataFrame | None = None

    @property
    def primary(self) -> Estimate:
        return self.estimates[0]


@dataclass
class ClaimResult:
    """The outcome of a claim: per-evidence results and the combined verdict."""

    claim: Claim
    results: list[EvidenceResult]
    verdict: Verdict

    def records(self) -> list[dict]:
        """Every estimate as a flat record with the study, evidence and verdict it belongs to."""
        out = []
        for r in self.results:
            for e in r.estimates:
                rec = {"claim_id": self.claim.id, "evidence_id": r.evidence.id, "study_id": r.study.spec.id}
                rec.update(e.to_dict())
                rec["primary"] = e is r.primary
                out.append(rec)
        return out

    def to_json_dict(self) -> dict:
        """The object ``analyze --json`` prints."""
        return {
            "claim_id": self.claim.id,
            "verdict": self.verdict.category,
            "verdict_label": self.verdict.label,
            "reason": self.verdict.reason,
            "evidence": [{"evidence_id": r.evidence.id, "study_id": r.study.spec.id, "source": r.source,
                          "source_sha256": r.source_sha256, "verdict": r.verdict.category,
                          "verdict_label": r.verdict.label, "reason": r.verdict.reason,
                          "robustness": r.robustness} for r in self.results],
            "results": self.records(),
        }


# --- analyses ------------------------------------------------------------------
def _rows(frame: pd.DataFrame, group: str | None) -> pd.DataFrame:
    if group is not None and "group" in frame.columns:
        return frame[frame["group"] == group]
    return frame


def analyse(ev: Evidence, frame: pd.DataFrame) -> tuple[list[Estimate], Estimate]:
    """Run an evidence entry's analyses on ``frame``.

    Returns
    -------
    estimates : list of Estimate
        The primary effect size first, then the supporting tests.
    equivalence : Estimate
        The primary effect size with a 90% CI, for the equivalence test.
    """
    if ev.analysis == "correlation":
        rows = _rows(frame, ev.group)
        names = (ev.x, ev.y)
        primary = stats.pearson(rows[ev.x], rows[ev.y], names=names)
        return [primary, stats.spearman(rows[ev.x], rows[ev.y], names=names)], \
            stats.pearson(rows[ev.x], rows[ev.y], level=0.90, names=names)
    a_name, b_name = ev.groups
    if "group" not in frame.columns:
        raise InputError("data", "group", f"a two-group comparison needs a 'group' column with {a_name!r} and {b_name!r}")
    a = frame.loc[frame["group"] == a_name, ev.variable]
    b = frame.loc[frame["group"] == b_name, ev.variable]
    names = (a_name, b_name)
    primary = stats.hedges_g(a, b, names=names)
    return [primary, stats.welch_t(a, b, names=names), stats.mann_whitney(a, b, names=names),
            stats.student_t(a, b, names=names)], stats.hedges_g(a, b, level=0.90, names=names)


def _frame_sha256(frame: pd.DataFrame) -> str:
    return hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest()


def _ensemble(ev: Evidence, study: StudyFile, draws: int, seed: int) -> pd.DataFrame:
    """Repeat the primary test across the assumptions' admissible ranges."""
    spec = study.spec
    if draws <= 0 or not assumption_slots(spec):
        return pd.DataFrame()
    rng = np.random.default_rng(seed)
    rows = []
    for k, overrides in enumerate(draw_assumptions(spec, rng, draws)):
        ds = build_dataset(spec, seed=seed + k + 1, overrides=overrides)
        estimates, eq = analyse(ev, ds.frame)
        v = judge(estimates[0], eq, ev.sign, ev.sesoi)
        rows.append({"draw": k + 1, "estimate": estimates[0].estimate, "ci_low": estimates[0].ci_low,
                     "ci_high": estimates[0].ci_high, "category": v.category, **overrides})
    return pd.DataFrame(rows)


def run_evidence(ev: Evidence, causal_language: bool, ensemble_draws: int = DEFAULT_ENSEMBLE_DRAWS,
                 seed: int | None = None) -> EvidenceResult:
    """Test one evidence entry on its study-shaped dataset, across the assumption ensemble."""
    study = load_study_file(ev.study)
    dataset = build_dataset(study.spec, seed=seed)
    estimates, eq = analyse(ev, dataset.frame)
    sha = _frame_sha256(dataset.frame)
    source = f"synthetic, shaped like {study.spec.short} ({study.spec.id}), seed {dataset.seed}"
    estimates = [e.with_source(source, sha) for e in estimates]
    base = judge(estimates[0], eq, ev.sign, ev.sesoi)
    ensemble = _ensemble(ev, study, ensemble_draws, dataset.seed)
    verdict, robustness = across_assumptions(base, list(ensemble["category"]) if len(ensemble) else [])
    verdict = observational_cap(verdict, causal_language, {study.spec.design})
    return EvidenceResult(ev, study, source, sha, estimates, verdict, robustness, ensemble, dataset, dataset.frame)


def run_claim(claim: Claim, data: str | Path | None = None, ensemble_draws: int = DEFAULT_ENSEMBLE_DRAWS,
              seed: int | None = None) -> ClaimResult:
    """Run every evidence entry of ``claim`` (on study-shaped data, or on the user's ``data`` file)."""
    if data is not None:
        results = _run_on_user_data(claim, Path(data))
    else:
        results = [run_evidence(ev, claim.causal_language, ensemble_draws, seed) for ev in claim.evidence]
    verdict = combine([r.verdict for r in results])
    designs = {r.study.spec.design for r in results}
    verdict = observational_cap(verdict, claim.causal_language, designs) if results else verdict
    if claim.not_testable_reason and not claim.evidence:
        verdict = Verdict("not testable", "not testable with the available data", claim.not_testable_reason)
    return ClaimResult(claim, results, verdict)


def _run_on_user_data(claim: Claim, path: Path) -> list[EvidenceResult]:
    frame = read_table(path)
    sha = file_sha256(path)
    runnable = [ev for ev in claim.evidence
                if set(ev.columns) <= set(frame.columns) and (ev.analysis != "two_group" or "group" in frame.columns)]
    if not runnable:
        needs = " or ".join("(" + ", ".join(ev.columns + (["group"] if ev.analysis == "two_group" else [])) + ")"
                            for ev in claim.evidence)
        raise InputError(path, "(columns)", f"none of claim {claim.id}'s analyses can run; it needs columns {needs}")
    results = []
    for ev in runnable:
        study = load_study_file(ev.study)
        groups = list(ev.groups) if ev.analysis == "two_group" else None
        checked = validate(frame, schema_for(study.spec, ev.columns, None), path)
        if groups is not None:
            checked = checked[checked["group"].astype(str).isin(groups)]
        estimates, eq = analyse(ev, checked)
        source = f"user file {path.name}"
        estimates = [e.with_source(source, sha) for e in estimates]
        verdict = judge(estimates[0], eq, ev.sign, ev.sesoi)
        verdict = observational_cap(verdict, claim.causal_language, {study.spec.design})
        results.append(EvidenceResult(ev, study, source, sha, estimates, verdict,
                                      "Tested on the user's data; no assumptions enter.", frame=checked))
    return results
