"""Run a claim: for each evidence entry, build (or load) the data, analyse it, judge it.

This is the one place that connects specs, datasets, analyses and verdicts;
reports, the CLI and notebooks all call :func:`run_claim`.

Examples
--------
>>> from analysis.claims.model import load_claim
>>> result = run_claim(load_claim("hamstring-stiffness-lbp"), ensemble_draws=20)
>>> result.verdict.category, result.verdict.association_only
('supported', True)
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from analysis.checks.reproduce import Check, reproduction_checks
from analysis.claims.basis import basis_of, pooled_synthesis_line, restated_verdict, stated_verdict, synthesis_line
from analysis.claims.kinds import EvidenceKind, Outcome
from analysis.claims.model import Claim, load_claim
from analysis.claims.outcomes import summarise_outcomes
from analysis.claims.results import ClaimResult, DataOrigin, EvidenceResult, PooledResult
from analysis.claims.sof_verdict import outcome_verdict
from analysis.claims.synthesis import Basis, synthesize
from analysis.claims.verdicts import Robustness, Verdict, across_assumptions, judge, judge_threshold, observational_cap
from analysis.core.defaults import DEFAULT_ENSEMBLE_DRAWS
from analysis.core.errors import InputError, ReconstructionError
from analysis.datasets.loaders import file_sha256, finite_numbers, read_table, schema_for, validate
from analysis.datasets.mapping import Mapping, select_rows
from analysis.generate import SYNTHETIC_COLUMN, Dataset, build_dataset, frame_sha256
from analysis.spec.assumptions import assumption_slots, draw_assumptions
from analysis.spec.model import StudyFile, StudySpec, load_study_file
from analysis.stats import meta_analysis


# --- evidence ----------------------------------------------------------------------
def judge_outcome(outcome: Outcome, ev: EvidenceKind) -> Verdict:
    """The verdict rule applied to an analysis's judged effect (inconclusive when there is none to judge)."""
    if outcome.judged is None:
        return Verdict("inconclusive", "inconclusive (no CI published)", outcome.note)
    j = outcome.judged
    if not all(np.isfinite([j.estimate, j.ci_low, j.ci_high])) or j.converged is False:
        return Verdict("inconclusive", "inconclusive (not estimable)",
                       "the model could not estimate the effect on these data (separation or too few events)")
    if outcome.threshold is not None:  # a published proportion: its CI against the threshold the claim names
        return judge_threshold(outcome.judged, ev.sign, outcome.threshold)
    return judge(outcome.judged, ev.sign, outcome.sesoi, outcome.scale)


@lru_cache(maxsize=512)
def _cached_dataset(study: StudyFile, seed: int, overrides: tuple[tuple[str, float], ...]) -> Dataset:
    """Datasets are deterministic in (spec file, seed, overrides): build each once per process."""
    return build_dataset(study.spec, seed=seed, overrides=dict(overrides))


def _dataset(study: StudyFile, seed: int | None, overrides: dict[str, float] | None = None) -> Dataset:
    return _cached_dataset(study, study.spec.seed if seed is None else int(seed),
                           tuple(sorted((overrides or {}).items())))


def _ensemble(ev: EvidenceKind, study: StudyFile, draws: int, seed: int) -> tuple[pd.DataFrame, int, dict[int, str]]:
    """Repeat the primary test across the assumptions' admissible ranges.

    Returns the draws' results, how many draws were excluded because no dataset with their assumed values
    reproduces the published figures (:class:`ReconstructionError`, e.g. a predictor the paper calls
    significant), and the draws whose dataset was built but does not give back every published figure (checked
    like the base dataset: each such draw -> the figures it misses), also excluded. Any other error is a bug and
    surfaces.
    """
    spec = study.spec
    if draws <= 0 or not assumption_slots(spec):
        return pd.DataFrame(), 0, {}
    fast = ev.fast_ensemble(study, draws, seed)
    if fast is not None:
        return fast, 0, {}
    rng = np.random.default_rng(seed)
    built, excluded, missed = [], 0, {}
    for k, overrides in enumerate(draw_assumptions(spec, rng, draws)):
        try:
            ds = _dataset(study, seed + k + 1, overrides)
        except ReconstructionError:
            excluded += 1
            continue
        failing = [c for c in reproduction_checks(spec.with_sizes(overrides), ds.frame) if not c.ok]
        if failing:
            missed[k + 1] = "; ".join(f"{c.figure}: printed {c.published}, reconstructed {c.reconstructed}"
                                      for c in failing)
            continue
        built.append((k, overrides, ds))
    outcomes = ev.run_batch([ds.frame for _, _, ds in built], spec)
    if outcomes is None:
        outcomes = [ev.run(ds.frame, spec) for _, _, ds in built]
    rows = [{"draw": k + 1, "estimate": out.judged.estimate, "ci_low": out.judged.ci_low,
             "ci_high": out.judged.ci_high, "category": judge_outcome(out, ev).category, **overrides}
            for (k, overrides, _), out in zip(built, outcomes)]
    return pd.DataFrame(rows), excluded, missed


def run_evidence(ev: EvidenceKind, causal_language: bool, ensemble_draws: int = DEFAULT_ENSEMBLE_DRAWS,
                 seed: int | None = None) -> EvidenceResult:
    """Test one evidence entry on its study-shaped dataset (or published estimate), across the ensemble."""
    study = load_study_file(ev.study)
    if not ev.uses_dataset:
        out = ev.run(None, study.spec)
        basis, basis_text = basis_of(ev, study, pd.DataFrame(), out)
        verdict, consistent = judge_outcome(out, ev), None
        stated = ev.stated_direction(study.spec)
        if basis is Basis.RESTATED or (basis is Basis.ASSUMED and stated is not None):
            verdict, consistent = stated_verdict(ev, stated), ev.consistent_with(study.spec)
        verdict = observational_cap(verdict, causal_language, {study.spec.design})
        return EvidenceResult(ev, study, f"published estimate ({study.spec.short})", study.sha256, out.estimates,
                              verdict, Robustness.PUBLISHED_ESTIMATE,
                              "No dataset: the published figures are judged directly.", outcome=out,
                              basis=basis, basis_text=basis_text, consistent_with=consistent,
                              origin=DataOrigin.PUBLISHED)
    try:
        dataset = _dataset(study, seed)
    except ReconstructionError as exc:  # the spec's own values: an error in the spec file, named as such
        raise InputError(study.path, "(reconstruction)", str(exc)) from None
    lacking = [c for c in ev.input_columns(list(dataset.frame.columns)) if c not in dataset.frame.columns]
    if lacking:  # a column the entry names and the reconstruction lacks: the claim file is at fault
        raise _missing_column(ev, study.spec, dataset.frame, lacking[0])
    out = ev.run(dataset.frame, study.spec)
    sha = dataset.sha256
    source = f"synthetic, shaped like {study.spec.short} ({study.spec.id}), seed {dataset.seed}"
    out.estimates = [e.with_source(source, sha) for e in out.estimates]
    draws = ev.ensemble_draws if ev.ensemble_draws is not None else ensemble_draws
    ensemble, excluded, missed_draws = _ensemble(ev, study, min(draws, ensemble_draws), dataset.seed)
    excluded += len(missed_draws)
    verdict, robustness, text = across_assumptions(judge_outcome(out, ev),
                                                   list(ensemble["category"]) if len(ensemble) else [])
    if excluded and not len(ensemble):
        robustness = Robustness.ALL_DRAWS_EXCLUDED
        text = (f"All {excluded} draws across the admissible range were left out (no dataset with their assumed "
                f"values reproduces the published figures): the verdict rests on the spec's assumed values only.")
    elif excluded:
        text += (f" {excluded} of {excluded + len(ensemble)} draws were left out: no dataset with their assumed "
                 f"values reproduces the published figures.")
    if missed_draws:
        text += " Draws whose dataset does not give back the published figures (left out): " + "; ".join(
            f"draw {k} ({why})" for k, why in sorted(missed_draws.items())) + "."
    basis, basis_text = basis_of(ev, study, ensemble, out)
    reproduction = reproduction_checks(study.spec, dataset.frame)
    missed = [c for c in reproduction if not c.ok]
    if missed:
        basis, basis_text = Basis.ASSUMED, not_reproduced_text(missed)
    consistent = None
    if basis is Basis.RESTATED:
        verdict = restated_verdict(ev, ensemble, out)
        consistent = ev.consistent_with(study.spec)
    verdict = observational_cap(verdict, causal_language, {study.spec.design})
    return EvidenceResult(ev, study, source, sha, out.estimates, verdict, robustness, text, ensemble, dataset,
                          dataset.frame, outcome=out, basis=basis, basis_text=basis_text, consistent_with=consistent,
                          reproduction=reproduction, origin=DataOrigin.RECONSTRUCTION, draws_not_reproduced=missed_draws)


def _missing_column(ev: EvidenceKind, spec: StudySpec, frame: pd.DataFrame, column) -> InputError:
    """An evidence entry that names a column its study's reconstruction does not have: an input error naming the
    entry, the field and the columns there are (not a bare KeyError from deep inside an analysis)."""
    field = next((name for name, value in ev.model_dump().items()
                  if value == column or (isinstance(value, list) and column in value)), "columns")
    have = ", ".join(c for c in frame.columns if c not in ("participant", SYNTHETIC_COLUMN))
    return InputError(f"evidence {ev.id}", field, f"{column!r} is not a column of {spec.id}'s reconstruction; it has: "
                                                  f"{have}")


def not_reproduced_text(missed: list[Check]) -> str:
    """Why a result on a reconstruction that misses published figures is not evidence, naming each figure."""
    figures = "; ".join(f"{c.figure}: printed {c.published}, reconstructed {c.reconstructed}" for c in missed)
    return (f"not reproduced: the reconstruction does not give back what the paper printed ({figures}), so it is not "
            f"shaped like the study; a sensitivity analysis, not evidence")


def load_evidence_frame(ev: EvidenceKind) -> tuple[pd.DataFrame, StudySpec]:
    """The reconstruction an evidence entry runs on (the spec's reported and assumed values, its seed)."""
    study = load_study_file(ev.study)
    if not ev.uses_dataset:
        raise InputError(study.path, "dataset", f"evidence {ev.id!r} judges a published estimate and has no dataset")
    return _dataset(study, None).frame, study.spec


def run_claim(claim: Claim | str, data: str | Path | pd.DataFrame | None = None,
              ensemble_draws: int = DEFAULT_ENSEMBLE_DRAWS, seed: int | None = None,
              mapping: Mapping | dict | None = None, on_entry: Callable[[str], None] | None = None) -> ClaimResult:
    """Run every evidence entry of ``claim`` on study-shaped data, or on the user's own ``data``.

    Parameters
    ----------
    claim : Claim or str
        A claim, or its id.
    data : path or DataFrame, optional
        The user's own data (CSV, Excel, Parquet file, or a DataFrame); every entry whose columns it has runs on it.
        Rows left out (labels excluded on request, groups not compared, missing values) are counted in each
        result's ``rows``; labels the study does not know are an error unless mapped or excluded.
    ensemble_draws, seed : int
        The assumption ensemble (study-shaped data only).
    mapping : Mapping or dict, optional
        The user's column names and labels -> the claim's (:class:`analysis.datasets.mapping.Mapping`, or a dict
        with ``columns``, ``levels`` and ``exclude``).
    on_entry : callable, optional
        Called with each evidence entry's id once it has run on study-shaped data (e.g. to move a progress bar).

    Examples
    --------
    >>> import pandas as pd
    >>> mine = pd.DataFrame({"arm": ["back pain"] * 3 + ["Healthy"] * 3, "knee": [30, 25, 28, 12, 15, 10]})
    >>> result = run_claim("clbp-less-flexible", data=mine, mapping={
    ...     "columns": {"group": "arm", "ake_tightness": "knee"},
    ...     "levels": {"group": {"back pain": "lbp", "Healthy": "healthy"}}})
    >>> result.results[0].rows.summary()
    '6 rows read, 6 used'
    """
    if isinstance(claim, str):
        claim = load_claim(claim)
    if isinstance(mapping, dict):
        mapping = Mapping(**mapping)
    # A retracted source counts nowhere: its entries are left out of every result, count and pool (and named).
    retracted = [ev.id for ev in claim.evidence if load_study_file(ev.study).spec.retracted is not None]
    counted = claim.model_copy(update={"evidence": [ev for ev in claim.evidence if ev.id not in retracted]})
    if data is not None:
        results = _run_on_user_data(counted, data, mapping or Mapping())
    else:
        results = []
        for ev in counted.evidence:
            results.append(run_evidence(ev, claim.causal_language, ensemble_draws, seed))
            if on_entry is not None:
                on_entry(ev.id)
    pooled = _pool(counted, results)
    synthesis = synthesize([synthesis_line(r) for r in results], claim.causal_language,
                           [pooled_synthesis_line(p, results) for p in pooled])
    verdict = synthesis.verdict
    if claim.not_testable_reason and not claim.evidence:
        verdict = Verdict("not testable", "not testable as worded", claim.not_testable_reason)
    elif claim.not_assessed_reason and not claim.evidence:
        verdict = Verdict("not assessed", "not assessed: no gathered study measured it", claim.not_assessed_reason)
    outcomes = summarise_outcomes(counted, results)
    certainty, reasons, bottom = synthesis.certainty, synthesis.reasons, ""
    if outcomes:  # the verdict comes from the critical outcome(s), never from a count of tests (issue #29)
        verdict, certainty, reasons, bottom = outcome_verdict(claim, outcomes)
    return ClaimResult(claim, results, verdict, pooled, certainty, reasons, synthesis.deciding, synthesis.set_aside,
                       retracted, synthesis.downgrades, outcomes, bottom)


def _pool(claim: Claim, results: list[EvidenceResult]) -> list[PooledResult]:
    """Random-effects (REML) pooling of the judged estimates of each ``pool`` group of the claim."""
    by_id = {r.evidence.id: r for r in results}
    pooled = []
    for group in claim.pool:
        parts = [by_id[i] for i in group if i in by_id and by_id[i].outcome and by_id[i].outcome.judged is not None
                 and by_id[i].basis in (Basis.PUBLISHED, Basis.IDENTIFIED)]  # never an assumed or restated estimate
        if len(parts) < 2:
            continue
        _same_quantity(claim, parts)
        judged = [p.outcome.judged for p in parts]
        se = [(j.ci_high - j.ci_low) / (2 * 1.959963984540054) for j in judged]
        if not all(np.isfinite(se)) or min(se) <= 0:
            continue
        est = meta_analysis([j.estimate for j in judged], [s**2 for s in se], method="REML",
                            labels=[p.evidence.id for p in parts])
        first = parts[0].evidence
        scale = parts[0].outcome.scale
        est = replace(est, estimate_type=f"pooled {scale}", term=f"pooled {', '.join(p.evidence.id for p in parts)}")
        verdict = judge(est, first.sign, parts[0].outcome.sesoi, scale)
        verdict = observational_cap(verdict, claim.causal_language, {p.study.spec.design for p in parts})
        pooled.append(PooledResult([p.evidence.id for p in parts], est, verdict, [j.estimate for j in judged],
                                   [v**2 for v in se], scale))
    return pooled


def _same_quantity(claim: Claim, parts: list[EvidenceResult]) -> None:
    """A pool's invariant, checked on the results themselves: every estimate on one scale and judged in one direction
    (a log RR and an SMD, or a "positive" and a "negative" claim, are not one quantity). An input error names the
    claim's ``pool`` field and both entries."""
    first = parts[0]
    for other in parts[1:]:
        if other.outcome.scale != first.outcome.scale:
            raise InputError(f"claim {claim.id}", "pool",
                             f"{first.evidence.id} is on the {first.outcome.scale} scale and {other.evidence.id} on "
                             f"the {other.outcome.scale} scale: estimates on different scales cannot be pooled")
        if other.evidence.sign != first.evidence.sign:
            raise InputError(f"claim {claim.id}", "pool",
                             f"{first.evidence.id} claims direction {first.evidence.direction!r} and "
                             f"{other.evidence.id} {other.evidence.direction!r}: estimates judged in different "
                             f"directions cannot be pooled")


def _run_on_user_data(claim: Claim, data: str | Path | pd.DataFrame, mapping: Mapping) -> list[EvidenceResult]:
    if isinstance(data, pd.DataFrame):
        frame = data.reset_index(drop=True)
        frame.attrs["line_offset"] = -2  # messages then count rows from 0, as the DataFrame's positions
        source, sha = "the DataFrame given", frame_sha256(frame)
    else:
        path = Path(data)
        source, frame, sha = path, read_table(path), file_sha256(path)
    frame = mapping.apply(frame, source)
    runnable = [ev for ev in claim.evidence if ev.uses_dataset and set(ev.columns()) <= set(frame.columns)]
    if not runnable:
        needs = " or ".join("(" + ", ".join(ev.columns()) + ")" for ev in claim.evidence if ev.uses_dataset)
        needs = needs or "(none: this claim has only published estimates)"
        raise InputError(source, "(columns)", f"none of claim {claim.id}'s analyses can run on it; they need columns "
                                              f"{needs} (map yours with --column OURS=YOURS)")
    label = source if isinstance(source, str) else f"user file {source.name}"
    results = []
    for ev in runnable:
        study = load_study_file(ev.study)
        numeric = [c for c in ev.columns() if c in study.spec.variables]
        known = {column: tuple(study.spec.groups) for column in ev.used_levels()}
        rows, rows_report = select_rows(frame, source, ev.required_columns(), ev.used_levels(), known, mapping,
                                        subset=ev.subset())
        checked = validate(rows, schema_for(study.spec, numeric, None), source)
        others = [c for c in ev.columns() if c not in numeric and c not in ev.used_levels()]
        checked = finite_numbers(checked, others, source)
        out = ev.run(checked, study.spec)
        out.estimates = [e.with_source(label, sha) for e in out.estimates]
        verdict = observational_cap(judge_outcome(out, ev), claim.causal_language, {study.spec.design})
        results.append(EvidenceResult(ev, study, label, sha, out.estimates, verdict, Robustness.USER_DATA,
                                      f"Tested on the user's data ({rows_report.summary()}); no assumptions enter.",
                                      frame=checked, outcome=out, basis=Basis.OBSERVED,
                                      basis_text="the user's own data", rows=rows_report,
                                      origin=DataOrigin.USER_DATA))
    return results
