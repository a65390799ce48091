"""Does a dataset reproduce what its paper published? One check per published figure.

Each check recomputes a figure from the dataset and compares it with the published one at the
published rounding: group sizes, means and SDs, correlations (value, or sign and significance,
or the band an exact p allows), categorical counts, contingency tables, reported test statistics
(Mann-Whitney U, chi-square, Fisher p, risk ratios with CIs), cohort event counts, the
significance of cohort predictors where that is all the paper gives, and rates.

Examples
--------
>>> from analysis.spec.model import load_study
>>> from analysis.generate import build_dataset
>>> spec = load_study("S6")
>>> checks = reproduction_checks(spec, build_dataset(spec).frame)
>>> all(c.ok for c in checks), any("chi-square" in c.figure for c in checks)
(True, True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import stats
from analysis.core.results import format_p
from analysis.generate import mann_whitney_u
from analysis.generate.cohort import association_tests
from analysis.spec.model import StudySpec


@dataclass(frozen=True)
class Check:
    """One published figure, the value recomputed from the dataset, and whether they agree."""

    figure: str
    published: str
    reconstructed: str
    ok: bool
    source: str


def _fmt(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def _groups(spec: StudySpec, frame: pd.DataFrame):
    for group in spec.groups:
        rows = frame[frame["group"] == group] if "group" in frame.columns else frame
        yield group, rows


def _table_counts(frame: pd.DataFrame, table) -> np.ndarray:
    return (pd.crosstab(frame[table.row], frame[table.col])
            .reindex(index=table.row_levels, columns=table.col_levels, fill_value=0).to_numpy())


def reproduction_checks(spec: StudySpec, frame: pd.DataFrame) -> list[Check]:
    """Every published figure of ``spec`` that a dataset should reproduce, checked on ``frame``."""
    checks: list[Check] = []
    shaped_by_groups = bool(spec.summaries or spec.categoricals)
    if shaped_by_groups:
        for group, rows in _groups(spec, frame):
            g = spec.groups[group]
            if not g.n.is_assumption:
                checks.append(Check(f"n of {g.label}", _fmt(g.n.value, 0), str(len(rows)), len(rows) == g.n.value,
                                    g.n.source))
    for s in spec.summaries:
        rows = frame[frame["group"] == s.group][s.variable]
        for stat, q, got in (("mean", s.mean, rows.mean()), ("SD", s.sd, rows.std(ddof=1))):
            if q is not None and not q.is_assumption:
                d = q.precision
                checks.append(Check(f"{stat} of {s.variable} in {s.group}", _fmt(q.value, d), _fmt(got, d),
                                    round(got, d) == round(q.value, d), q.source))
    for c in spec.correlations:
        rows = frame[frame["group"] == c.group]
        r = float(np.corrcoef(rows[c.x], rows[c.y])[0, 1])
        n = len(rows)
        if not c.r.is_assumption:
            d = c.r.precision
            checks.append(Check(f"r({c.x}, {c.y}) in {c.group}", _fmt(c.r.value, d), _fmt(r, d),
                                round(r, d) == round(c.r.value, d), c.r.source))
        if c.significant is not None or c.p is not None:
            low, high = c.admissible_range(n)
            published = (f"{c.sign or 'sign not reported'}, p {'<' if c.significant else '>='} {c.alpha}"
                         if c.significant is not None else f"p = {c.p}")
            checks.append(Check(f"r({c.x}, {c.y}) in {c.group}: {'sign and significance' if c.p is None else 'exact p'}",
                                published, f"r = {r:.3f}, p = {stats.correlation_from_summary(r, n).p:.4f}",
                                low - 1e-9 <= r <= high + 1e-9, c.source or "abstract"))
    for cat in spec.categoricals:
        rows = frame[frame["group"] == cat.group][cat.variable]
        for level, q in cat.counts.items():
            if not q.is_assumption:
                got = int((rows == level).sum())
                checks.append(Check(f"count of {cat.variable} = {level} in {cat.group}", _fmt(q.value, 0), str(got),
                                    got == q.value, q.source))
    tables = {t.id: t for t in spec.tables}
    for t in spec.tables:
        got = _table_counts(frame, t)
        checks.append(Check(f"table {t.id} ({t.row} x {t.col})", str(t.counts), str(got.tolist()),
                            bool((got == np.asarray(t.counts)).all()), t.source))
    for rt in spec.reported_tests:
        checks += _reported_test_checks(rt, frame, tables)
    if spec.cohort is not None:
        for name, cov in spec.cohort.covariates.items():
            for stat, q, got in (("mean", cov.mean, frame[name].mean()), ("SD", cov.sd, frame[name].std(ddof=1))):
                if q is not None and not q.is_assumption:
                    d = q.precision
                    checks.append(Check(f"{stat} of {name}", _fmt(q.value, d), _fmt(got, d),
                                        round(got, d) == round(q.value, d), q.source))
            if cov.bounds is not None:
                checks.append(Check(f"range of {name}", f"[{cov.bounds[0]:g}, {cov.bounds[1]:g}]",
                                    f"[{frame[name].min():.2f}, {frame[name].max():.2f}]",
                                    bool(frame[name].between(*cov.bounds).all()), "spec bounds"))
        for o in spec.cohort.outcomes:
            if not o.events.is_assumption:
                got = int(frame[o.name].sum())
                checks.append(Check(f"number of {o.name} events", _fmt(o.events.value, 0), str(got),
                                    got == o.events.value, o.events.source))
        for outcome, assoc, log_or, p in association_tests(spec, frame):
            checks.append(Check(f"{assoc.covariate} and {outcome} ({assoc.model} logistic, Wald)", assoc.published,
                                f"OR {math.exp(log_or):.2f}, {format_p(p)}" if math.isfinite(p) else "not estimable",
                                assoc.holds(log_or, p), assoc.source))
        group = spec.groups[spec.cohort.group]
        if not group.n.is_assumption:
            checks.append(Check(f"n ({spec.cohort.unit}s)", _fmt(group.n.value, 0), str(len(frame)),
                                len(frame) == group.n.value, group.n.source))
    if spec.rates is not None:
        r = spec.rates
        if not r.events_per_unit.is_assumption:
            got = frame["events"].sum() / len(frame)
            d = r.events_per_unit.precision
            checks.append(Check(f"{r.event}s per {r.unit}", _fmt(r.events_per_unit.value, d), _fmt(got, d),
                                round(got, d) == round(r.events_per_unit.value, d), r.events_per_unit.source))
        if not r.exposure_per_unit.is_assumption:
            checks.append(Check(f"{r.exposure_unit} per {r.unit}", _fmt(r.exposure_per_unit.value, 0),
                                _fmt(frame["exposure"].iloc[0], 0),
                                bool((frame["exposure"] == r.exposure_per_unit.value).all()), r.exposure_per_unit.source))
    return checks


def _reported_test_checks(rt, frame: pd.DataFrame, tables: dict) -> list[Check]:
    d = rt.decimals if rt.decimals is not None else 2
    if rt.kind == "mann_whitney_u":
        a = frame.loc[frame["group"] == rt.groups[0], rt.variable].to_numpy(float)
        b = frame.loc[frame["group"] == rt.groups[1], rt.variable].to_numpy(float)
        u = mann_whitney_u(a, b)
        return [Check(f"Mann-Whitney U of {rt.variable} ({' vs '.join(rt.groups)})", _fmt(rt.value, d), _fmt(u, d),
                      round(u, d) == round(rt.value, d), rt.source)]
    t = tables[rt.table]
    counts = _table_counts(frame, t)
    a, b, c, dd = int(counts[0, 0]), int(counts[0, 1]), int(counts[1, 0]), int(counts[1, 1])
    if rt.kind == "chi_square":
        e = stats.chi_square(a, a + b, c, c + dd, correction=rt.correction)
        out = [Check(f"chi-square{' (Yates)' if rt.correction else ''} of table {t.id}", _fmt(rt.value, d),
                     _fmt(e.statistic, d), round(e.statistic, d) == round(rt.value, d), rt.source)]
        if rt.p is not None:
            pd_ = rt.p_decimals or 4
            out.append(Check(f"p of the chi-square of table {t.id}", _fmt(rt.p, pd_), _fmt(e.p, pd_),
                             round(e.p, pd_) == round(rt.p, pd_), rt.source))
        return out
    if rt.kind == "fisher_p":
        e = stats.fisher_exact(a, a + b, c, c + dd)
        return [Check(f"Fisher exact p of table {t.id}", _fmt(rt.value, d), _fmt(e.p, d),
                      round(e.p, d) == round(rt.value, d), rt.source)]
    e = stats.risk_ratio(a, a + b, c, c + dd)
    ok = round(e.estimate, d) == round(rt.value, d)
    text = _fmt(e.estimate, d)
    if rt.ci is not None:
        ok = ok and round(e.ci_low, d) == round(rt.ci[0], d) and round(e.ci_high, d) == round(rt.ci[1], d)
        text += f" ({_fmt(e.ci_low, d)}-{_fmt(e.ci_high, d)})"
    published = _fmt(rt.value, d) + (f" ({_fmt(rt.ci[0], d)}-{_fmt(rt.ci[1], d)})" if rt.ci else "")
    return [Check(f"risk ratio of table {t.id}", published, text, ok, rt.source)]
