"""A cohort: covariate moments and ranges, exact event counts, the significance of reported predictors, and n."""

from __future__ import annotations

import math

from analysis.checks.registry import Check, ForensicCheck, examines, fmt, reproduces, rounds_as_printed, verdict_of
from analysis.core.numbers import decimals_of
from analysis.core.results import format_p
from analysis.generate.cohort import association_tests
from analysis.spec.parts import Cohort
from analysis.spec.parts.base import fits_printed_p


@reproduces(Cohort)
def cohort_reproduced(cohorts: list[Cohort], spec, frame) -> list[Check]:
    cohort, = cohorts
    checks = []
    for name, cov in cohort.covariates.items():
        for stat, q, got in (("mean", cov.mean, frame[name].mean()), ("SD", cov.sd, frame[name].std(ddof=1))):
            if q is not None and not q.is_assumption:
                d = q.precision
                checks.append(Check(f"{stat} of {name}", fmt(q.value, d), fmt(got, d), rounds_as_printed(got, q.value, d),
                                    q.source))
        if cov.bounds is not None:
            checks.append(Check(f"range of {name}", f"[{cov.bounds[0]:g}, {cov.bounds[1]:g}]",
                                f"[{frame[name].min():.2f}, {frame[name].max():.2f}]",
                                bool(frame[name].between(*cov.bounds).all()), "spec bounds"))
    for o in cohort.outcomes:
        if not o.events.is_assumption:
            got = int(frame[o.name].sum())
            checks.append(Check(f"number of {o.name} events", fmt(o.events.value, 0), str(got), got == o.events.value,
                                o.events.source))
    outcomes = {o.name: o for o in cohort.outcomes}
    for outcome, assoc, log_or, p in association_tests(spec, frame):
        checks.append(Check(f"{assoc.covariate} and {outcome} ({assoc.model} logistic, Wald)", assoc.published,
                            f"OR {math.exp(log_or):.2f}, {format_p(p)}" if math.isfinite(p) else "not estimable",
                            assoc.holds(log_or, p), assoc.source))
        checks += _printed_size(outcomes[outcome].odds_ratios[assoc.covariate], assoc, outcome, log_or, p)
    group = spec.groups[cohort.group]
    if not group.n.is_assumption:
        checks.append(Check(f"n ({cohort.unit}s)", fmt(group.n.value, 0), str(len(frame)), len(frame) == group.n.value,
                            group.n.source))
    return checks


@examines(Cohort)
def covariate_means_in_range(cohorts: list[Cohort], spec) -> list[ForensicCheck]:
    cohort, = cohorts
    out = []
    for name, cov in cohort.covariates.items():
        if cov.mean is not None and not cov.mean.is_assumption and cov.bounds is not None:
            lo, hi = cov.bounds
            out.append(ForensicCheck(spec.id, "bounds", f"{name} (n = {spec.n(cohort.group)})",
                                     f"mean {cov.mean.value:g} on [{lo:g}, {hi:g}]", "mean inside the range",
                                     verdict_of(lo <= cov.mean.value <= hi)))
    return out


def _printed_size(odds_ratio, assoc, outcome: str, log_or: float, p: float) -> list[Check]:
    """A printed OR (and exact p) must come back at its printed rounding, not only its significance: a
    reconstruction that reproduces "significant" with an OR three times the printed one is not shaped like the
    study, and the table says so."""
    out = []
    what = f"{assoc.covariate} and {outcome} ({assoc.model})"
    fitted = math.exp(log_or) if math.isfinite(log_or) else math.nan
    if not odds_ratio.is_assumption:
        d = odds_ratio.precision
        out.append(Check(f"odds ratio of {what}", fmt(odds_ratio.value, d),
                         fmt(fitted, d) if math.isfinite(fitted) else "not estimable",
                         math.isfinite(fitted) and rounds_as_printed(fitted, odds_ratio.value, d), odds_ratio.source))
    if assoc.p is not None:
        d = assoc.p_decimals if assoc.p_decimals is not None else decimals_of(assoc.p)
        out.append(Check(f"p of {what}", fmt(assoc.p, d), fmt(p, d) if math.isfinite(p) else "not estimable",
                         fits_printed_p(p, assoc.p, "=", d), assoc.source))
    return out
