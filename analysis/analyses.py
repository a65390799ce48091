"""The analysis kinds a claim's evidence can name, each turning a dataset into judged estimates.

Every kind returns an :class:`Outcome`: the estimates to report (the primary one first, on its
natural scale: r, Hedges' g, RR, OR, HR, rate ratio) and the primary effect on the scale the
verdict rule judges (ratios on the log scale) with its 95% and 90% CIs.

| kind | data | primary effect |
|---|---|---|
| ``correlation`` | rows of one group | Pearson r |
| ``two_group`` | rows with ``group`` | Hedges' g (groups[0] - groups[1]) |
| ``risk_ratio`` | rows with an exposure and an outcome column | RR (Katz) |
| ``effect`` | a published estimate with its CI (no dataset) | the published estimate |
| ``logistic`` | cohort rows | OR of ``covariate`` adjusted for ``adjust`` |
| ``rate_interaction`` | player-match rows, or age-band x muscle counts with exposure | age x L5/S1 rate-ratio interaction |
| ``cox`` | cohort rows | HR of ``covariate`` for time to ``outcome`` |

Examples
--------
>>> from analysis.claims import Evidence
>>> from analysis.specs import load_study
>>> ev = Evidence(id="e", study="S7", question="q", analysis="effect", effect="hamstring-range",
...               direction="negative", sesoi=0.01, sesoi_reason="r")
>>> out = run_analysis(ev, None, load_study("S7"))
>>> round(out.estimates[0].estimate, 2), out.scale
(0.96, 'log OR')
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import stats as sps

from . import stats
from .claims import Evidence
from .errors import AnalysisError, InputError
from .registry import age_steps, rate_table_from_counts
from .results import Estimate
from .specs import StudySpec

RATIO_MEASURES = {"OR", "RR", "HR"}


@dataclass
class Outcome:
    """What an analysis gives the verdict rule."""

    estimates: list[Estimate]
    judged: Estimate | None
    judged90: Estimate | None
    scale: str
    sesoi: float
    note: str = ""


def _log(e: Estimate) -> Estimate:
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.log(np.array([e.estimate, e.ci_low, e.ci_high], dtype=float))
    return replace(e, estimate=float(values[0]), ci_low=float(values[1]), ci_high=float(values[2]),
                   estimate_type=f"log {e.estimate_type}")


def _ratio_outcome(primary: Estimate, primary90: Estimate, others: list[Estimate], ev: Evidence, scale: str) -> Outcome:
    return Outcome([primary, *others], _log(primary), _log(primary90), scale, math.log(ev.sesoi))


def _correlation(ev: Evidence, frame: pd.DataFrame, spec: StudySpec) -> Outcome:
    rows = frame[frame["group"] == ev.group] if ev.group and "group" in frame.columns else frame
    names = (ev.x, ev.y)
    primary = stats.pearson(rows[ev.x], rows[ev.y], names=names)
    return Outcome([primary, stats.spearman(rows[ev.x], rows[ev.y], names=names)], primary,
                   stats.pearson(rows[ev.x], rows[ev.y], level=0.90, names=names), "r", ev.sesoi)


def _two_group(ev: Evidence, frame: pd.DataFrame, spec: StudySpec) -> Outcome:
    a_name, b_name = ev.groups
    if "group" not in frame.columns:
        raise InputError("data", "group", f"a two-group comparison needs a 'group' column with {a_name!r} and {b_name!r}")
    a = frame.loc[frame["group"] == a_name, ev.variable]
    b = frame.loc[frame["group"] == b_name, ev.variable]
    names = (a_name, b_name)
    primary = stats.hedges_g(a, b, names=names)
    others = [stats.welch_t(a, b, names=names), stats.mann_whitney(a, b, names=names), stats.student_t(a, b, names=names)]
    return Outcome([primary, *others], primary, stats.hedges_g(a, b, level=0.90, names=names), "Hedges' g", ev.sesoi)


def _risk_ratio(ev: Evidence, frame: pd.DataFrame, spec: StudySpec) -> Outcome:
    rows = frame[[ev.exposure, ev.outcome]].dropna().astype(str)
    a, n1, c, n2 = stats.tables.table_counts(rows, ev.exposure, ev.outcome, exposed=ev.exposed, event=ev.event)
    term = f"{ev.exposure} = {ev.exposed} vs not, for {ev.outcome} = {ev.event}"
    rr = stats.risk_ratio(a, n1, c, n2, term=term)
    others = [stats.fisher_exact(a, n1, c, n2, term=term), stats.chi_square(a, n1, c, n2, term=term)]
    return _ratio_outcome(rr, stats.risk_ratio(a, n1, c, n2, level=0.90, term=term), others, ev, "log RR")


def _effect(ev: Evidence, frame, spec: StudySpec) -> Outcome:
    effects = {e.id: e for e in spec.effects}
    if ev.effect not in effects:
        raise InputError(spec.id, "effect", f"no published effect {ev.effect!r}; known: {', '.join(effects)}")
    eff = effects[ev.effect]
    value = eff.estimate.point
    ratio = eff.measure in RATIO_MEASURES
    scale = f"log {eff.measure}" if ratio else eff.measure
    base = Estimate(test=f"Published {eff.measure}", term=f"{eff.comparison} -> {eff.outcome}", estimate=value,
                    estimate_type=eff.measure, n=eff.n or 0, source=f"published ({spec.short}, {eff.estimate.source})",
                    method=f"{'Adjusted ' if eff.adjusted else ''}{eff.measure} as published"
                           + (f" ({eff.unit})" if eff.unit else "") + (f"; {eff.note}" if eff.note else ""))
    if eff.ci is None:
        sesoi = math.log(ev.sesoi) if ratio else ev.sesoi
        return Outcome([base], None, None, scale, sesoi, note="no CI was published, so the estimate cannot be judged "
                                                              "against zero or the SESOI")
    lo, hi = eff.ci
    z = sps.norm.ppf(0.5 + eff.ci_level / 2)
    f = math.log if ratio else (lambda v: v)
    centre = f(value)
    se = (f(hi) - f(lo)) / (2 * z)
    z90 = sps.norm.ppf(0.95)
    published = replace(base, ci_low=lo, ci_high=hi, ci_level=eff.ci_level, ci_method="as published",
                        statistic=centre / se, statistic_name="z", p=float(2 * sps.norm.sf(abs(centre / se))))
    judged = replace(published, estimate=centre, ci_low=f(lo), ci_high=f(hi), estimate_type=scale)
    judged90 = replace(judged, ci_low=centre - z90 * se, ci_high=centre + z90 * se, ci_level=0.90,
                       ci_method="from the published CI (SE = width / 2z)")
    return Outcome([published], judged, judged90, scale, math.log(ev.sesoi) if ratio else ev.sesoi,
                   note="p and the 90% CI are derived from the published CI (normal approximation)")


def _term(records: list[Estimate], name: str) -> Estimate:
    for e in records:
        if e.term == name:
            return e
    raise AnalysisError(f"term {name!r} not in the model (terms: {', '.join(e.term for e in records)})")


def _logistic(ev: Evidence, frame: pd.DataFrame, spec: StudySpec) -> Outcome:
    formula = f"{ev.outcome} ~ " + " + ".join([ev.covariate, *ev.adjust])
    rows = frame[frame[ev.among] == 1] if ev.among else frame
    records = stats.logistic(formula, rows)
    primary = _term(records, ev.covariate)
    primary90 = primary.wald_at_level(0.90)
    return _ratio_outcome(primary, primary90, [e for e in records if e is not primary and e.term != "Intercept"],
                          ev, "log OR")


def logistic_judged_batch(ev: Evidence, frames: list[pd.DataFrame], spec: StudySpec) -> list[Outcome] | None:
    """The ``logistic`` kind's judged effect on many datasets at once (an assumption ensemble).

    One batched Newton fit (:func:`analysis.stats.batched.logistic_batch`) replaces a formula fit
    per dataset; the log OR of ``covariate`` and its Wald 95% and 90% CIs equal :func:`_logistic`'s
    (tested). Datasets of different sizes (``among``) are padded with all-zero rows, which add
    nothing to the likelihood. A fit that does not settle (separation) is redone by
    :func:`_logistic`, so every draw gets exactly the per-dataset analysis's verdict. Returns None
    when a needed column is missing, non-numeric or has missing values: the caller then runs
    :func:`run_analysis` per dataset.
    """
    from .stats.batched import logistic_batch

    columns = [ev.covariate, *ev.adjust]
    rows = [f[f[ev.among] == 1] if ev.among else f for f in frames]
    needed = [ev.outcome, *columns]
    if not rows or any(not set(needed) <= set(r.columns) or r[needed].isna().any().any() or
                       not all(pd.api.types.is_numeric_dtype(r[c]) for c in needed) or len(r) < 5 for r in rows):
        return None
    n = max(len(r) for r in rows)
    X = np.zeros((len(rows), n, len(columns) + 1))
    y = np.zeros((len(rows), n))
    for b, r in enumerate(rows):
        X[b, :len(r), 0] = 1.0
        X[b, :len(r), 1:] = r[columns].to_numpy(float)
        y[b, :len(r)] = r[ev.outcome].to_numpy(float)
    beta, se, converged = logistic_batch(X, y)
    z95, z90 = sps.norm.ppf(0.975), sps.norm.ppf(0.95)
    out = []
    for b, r in enumerate(rows):
        if not converged[b]:
            out.append(_logistic(ev, frames[b], spec))
            continue
        centre, s = float(beta[b, 1]), float(se[b, 1])
        judged = Estimate(test="Logistic regression", term=ev.covariate, estimate=centre, ci_low=centre - z95 * s,
                          ci_high=centre + z95 * s, ci_method="Wald z", estimate_type="log odds ratio", n=len(r),
                          method="Logistic regression, batched Newton-Raphson (assumption ensemble); Wald CIs",
                          extra={"se": s, "converged": True})
        judged90 = replace(judged, ci_low=centre - z90 * s, ci_high=centre + z90 * s, ci_level=0.90)
        out.append(Outcome([], judged, judged90, "log OR", math.log(ev.sesoi)))
    return out


def rate_table(frame: pd.DataFrame, outcomes: dict[str, str], age_bands: list[float]) -> pd.DataFrame:
    """Aggregate player-match rows (one 0/1 column per outcome) into age band x muscle counts with exposure."""
    if {"injuries", "exposure", "nerve", "age_step"} <= set(frame.columns):
        return frame  # already aggregated (e.g. the user's injury-rates file)
    step, inside = age_steps(frame["age"].to_numpy(float), age_bands)
    step = step[inside]
    bands = len(age_bands) - 1
    names = list(outcomes)
    counts = np.column_stack([np.bincount(step, weights=frame[c].to_numpy(float)[inside], minlength=bands)
                              for c in names])
    return rate_table_from_counts(counts, np.bincount(step, minlength=bands), names, age_bands, outcomes)


def _rate_interaction(ev: Evidence, frame: pd.DataFrame, spec: StudySpec) -> Outcome:
    table = rate_table(frame, ev.outcomes or {}, ev.age_bands or [])
    nerves = sorted(table["nerve"].unique())
    if nerves != ["L2L4", "L5S1"]:
        raise AnalysisError(f"nerve: needs both 'L2L4' and 'L5S1' rows, got {nerves}")
    formula = "injuries ~ C(muscle) + age_step + age_step:nerve"
    records = stats.poisson(formula, table.assign(nerve=pd.Categorical(table["nerve"], ["L2L4", "L5S1"])), "exposure")
    name = "age_step:nerve[T.L5S1]"
    primary = _term(records, name)
    primary90 = primary.wald_at_level(0.90)
    base = _term(records, "age_step")
    primary = replace(primary, term="age x L5/S1 supply (extra rate ratio per age band)")
    base = replace(base, term="age, L2-L4-supplied muscles (rate ratio per age band)")
    return _ratio_outcome(primary, primary90, [base], ev, "log rate ratio")


def _cox(ev: Evidence, frame: pd.DataFrame, spec: StudySpec) -> Outcome:
    rows = frame[frame[ev.among] == 1].copy() if ev.among else frame.copy()
    rows[ev.time] = rows[ev.time].fillna(ev.censor_at).clip(upper=ev.censor_at)
    covariates = [ev.covariate, *ev.adjust]
    records = stats.cox(rows, ev.time, ev.outcome, covariates)
    primary = _term(records, ev.covariate)
    return _ratio_outcome(primary, primary.wald_at_level(0.90), [e for e in records if e is not primary], ev,
                          "log HR")


KINDS = {"correlation": _correlation, "two_group": _two_group, "risk_ratio": _risk_ratio, "effect": _effect,
         "logistic": _logistic, "rate_interaction": _rate_interaction, "cox": _cox}


def run_analysis(ev: Evidence, frame: pd.DataFrame | None, spec: StudySpec) -> Outcome:
    """Run ``ev``'s analysis kind on ``frame`` (None for published effects)."""
    return KINDS[ev.analysis](ev, frame, spec)
