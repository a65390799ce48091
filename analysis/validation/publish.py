"""Publish real data as a paper would: the summary figures an abstract or a table prints, rounded as papers round,
written as a study spec (a dict of the YAML a spec file holds), with what a paper leaves out as assumptions.

Rounding (what journals print): a mean and its SD to the decimals that give the SD two significant digits, a
proportion to three decimals, r, t, an OR and its CI to two, p to three (``p < 0.001`` below that), counts and sizes
whole. A number a paper would not print is an assumption whose range is fixed before the data are seen (a generic
range, the same for every dataset), never the true value's neighbourhood.

Examples
--------
>>> sd_decimals(6.6), sd_decimals(0.58), sd_decimals(729.0)
(1, 2, 0)
>>> printed_p(0.0004), printed_p(0.0427)
({'p': 0.001, 'p_relation': '<'}, {'p': 0.043, 'p_decimals': 3})
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats as sps

#: Where every published figure of a validation spec was "read".
SOURCE = "table"


def sd_decimals(sd: float) -> int:
    """Decimals that print ``sd`` with two significant digits (none for an SD of 10 or more)."""
    return max(0, 1 - math.floor(math.log10(abs(sd)))) if sd > 0 else 2


def printed(value: float, decimals: int) -> dict:
    """A reported quantity at ``decimals``."""
    return {"value": round(float(value), decimals), "source": SOURCE, "decimals": decimals}


def assumed(value: float, low: float, high: float, reason: str) -> dict:
    """An assumed quantity with its admissible range."""
    return {"assume": float(value), "range": [float(low), float(high)], "reason": reason}


def printed_p(p: float) -> dict:
    """A p value as a paper prints it: three decimals, ``p < 0.001`` below 0.0005."""
    if p < 0.0005:
        return {"p": 0.001, "p_relation": "<"}
    return {"p": max(round(float(p), 3), 0.001), "p_decimals": 3}


def _head(case_id: str, what: str, source: str, design: str, n_text: str) -> dict:
    return {"id": case_id, "short": f"Validation {case_id}", "title": f"{what} (real data, published as a paper would)",
            "citation": {"authors": source, "year": None, "journal": "validation set (issue #34)"},
            "design": design, "population": n_text, "seed": 20260134,
            "unused_reason": "A validation case: real data published as a paper would, to test the reconstruction."}


def _variable(name: str, unit: str) -> dict:
    return {"label": name.replace("_", " "), "unit": unit}


def _summary(group: str, variable: str, values: pd.Series, sd_printed: bool = True) -> dict:
    mean, sd = float(values.mean()), float(values.std(ddof=1))
    d = sd_decimals(sd)
    if sd_printed:
        spread = printed(sd, d)
    else:
        scale = abs(round(mean, d))
        spread = assumed(0.2 * scale, 0.1 * scale, 0.35 * scale,
                         "not printed; a coefficient of variation of 10-35%, typical of biological measures")
    return {"group": group, "variable": variable, "mean": printed(mean, d), "sd": spread}


def two_group(case_id: str, what: str, source: str, frame: pd.DataFrame, variable: str, groups: tuple[str, str],
              unit: str, sd_printed: bool = True) -> dict:
    """Two groups' n, mean and SD of ``variable`` and the Student t test with its p (or, without SDs, means only)."""
    samples = [frame.loc[frame["group"] == g, variable] for g in groups]
    spec = _head(case_id, what, source, "cross-sectional", f"{len(samples[0])} and {len(samples[1])}")
    spec["groups"] = {g: {"label": g, "n": printed(len(s), 0)} for g, s in zip(groups, samples)}
    spec["variables"] = {variable: _variable(variable, unit)}
    spec["summaries"] = [_summary(g, variable, s, sd_printed) for g, s in zip(groups, samples)]
    if sd_printed:
        t = sps.ttest_ind(samples[0], samples[1])
        spec["reported_tests"] = [{"kind": "t_test", "variable": variable, "groups": list(groups),
                                   "value": round(float(t.statistic), 2), "decimals": 2,
                                   "df": len(samples[0]) + len(samples[1]) - 2, **printed_p(float(t.pvalue)),
                                   "source": SOURCE}]
    return spec


def correlation(case_id: str, what: str, source: str, frame: pd.DataFrame, x: str, y: str, units: tuple[str, str],
                r_printed: bool = True) -> dict:
    """One group's n, mean and SD of ``x`` and ``y`` and Pearson's r (or only its sign and significance)."""
    n = len(frame)
    spec = _head(case_id, what, source, "cross-sectional", f"{n}")
    spec["groups"] = {"all": {"label": "all", "n": printed(n, 0)}}
    spec["variables"] = {x: _variable(x, units[0]), y: _variable(y, units[1])}
    spec["summaries"] = [_summary("all", v, frame[v]) for v in (x, y)]
    r, p = sps.pearsonr(frame[x], frame[y])
    if r_printed:
        spec["correlations"] = [{"group": "all", "x": x, "y": y, "r": printed(r, 2), "source": SOURCE}]
        return spec
    significant = bool(p < 0.05)
    entry = {"group": "all", "x": x, "y": y, "significant": significant, "source": SOURCE}
    if significant:
        sign = 1 if r > 0 else -1
        t_crit = sps.t.ppf(0.975, n - 2)
        r_crit = t_crit / math.sqrt(n - 2 + t_crit**2)
        entry["sign"] = "positive" if sign > 0 else "negative"
        edge = sorted((sign * (r_crit + 0.001), sign * 0.99))
        entry["r"] = assumed(sign * max(0.5, r_crit + 0.05), *edge,
                             "not printed; the paper says only that r was significant, in this direction")
    else:
        entry["r"] = assumed(0.0, -0.99, 0.99, "not printed; the paper says only that r was not significant")
    spec["correlations"] = [entry]
    return spec


def table(case_id: str, what: str, source: str, frame: pd.DataFrame, exposure: str, outcome: str,
          exposed: str, event: str) -> dict:
    """A 2x2 table of counts (exposed first, event first), as a paper's table prints it."""
    levels_e = [exposed, *sorted(set(frame[exposure].astype(str)) - {exposed})]
    levels_o = [event, *sorted(set(frame[outcome].astype(str)) - {event})]
    counts = [[int(((frame[exposure].astype(str) == a) & (frame[outcome].astype(str) == b)).sum()) for b in levels_o]
              for a in levels_e]
    spec = _head(case_id, what, source, "cross-sectional", f"{len(frame)}")
    spec["groups"] = {"all": {"label": "all", "n": printed(len(frame), 0)}}
    spec["variables"] = {}
    spec["tables"] = [{"id": "t", "row": exposure, "col": outcome, "row_levels": levels_e, "col_levels": levels_o,
                       "counts": counts, "source": SOURCE}]
    return spec


def paired(case_id: str, what: str, source: str, frame: pd.DataFrame, before: str, after: str, unit: str,
           test_printed: bool = True) -> dict:
    """One group measured twice: n, each occasion's mean and SD, and (when printed) the paired t with the mean
    change and its SD; r(before, after) is then pinned to what those printed figures allow, else assumed."""
    n = len(frame)
    spec = _head(case_id, what, source, "rct", f"{n}")
    spec["groups"] = {"all": {"label": "all", "n": printed(n, 0)}}
    spec["variables"] = {before: _variable(before, unit), after: _variable(after, unit)}
    spec["summaries"] = [_summary("all", v, frame[v]) for v in (before, after)]
    change = frame[after] - frame[before]
    if not test_printed:
        spec["correlations"] = [{"group": "all", "x": before, "y": after, "source": SOURCE, "r": assumed(
            0.6, 0.3, 0.9, "not printed; a typical correlation of a measure taken twice on the same people")}]
        return spec
    d = sd_decimals(float(change.std(ddof=1)))
    t = sps.ttest_rel(frame[after], frame[before])
    s1, s2 = (spec["summaries"][i]["sd"] for i in (0, 1))
    low, high = _implied_r(s1["value"], s1["decimals"], s2["value"], s2["decimals"],
                           round(float(change.std(ddof=1)), d), d)
    spec["correlations"] = [{"group": "all", "x": before, "y": after, "source": SOURCE, "r": assumed(
        (low + high) / 2, low, high, "not printed; the printed SDs and the SD of the change allow only this range "
                                     "(sd_change^2 = sd1^2 + sd2^2 - 2 r sd1 sd2)")}]
    spec["reported_tests"] = [{"kind": "paired_t", "group": "all", "before": before, "after": after,
                               "value": round(float(t.statistic), 2), "decimals": 2, "df": n - 1,
                               **printed_p(float(t.pvalue)), "mean_change": round(float(change.mean()), d),
                               "sd_change": round(float(change.std(ddof=1)), d), "source": SOURCE}]
    return spec


def _implied_r(s1: float, d1: int, s2: float, d2: int, sc: float, dc: int) -> tuple[float, float]:
    """The range of r(before, after) over the printed SDs' rounding intervals (every corner), clipped to [-1, 1]."""
    h1, h2, hc = 0.5 * 10.0**-d1, 0.5 * 10.0**-d2, 0.5 * 10.0**-dc
    values = [(a * a + b * b - c * c) / (2 * a * b) for a in (s1 - h1, s1 + h1) for b in (s2 - h2, s2 + h2)
              for c in (sc - hc, sc + hc)]
    return max(-1.0, round(min(values), 4)), min(1.0, round(max(values), 4))


def cohort(case_id: str, what: str, source: str, frame: pd.DataFrame, outcome: str, covariates: dict[str, str],
           odds_ratios: dict[str, float | None], fits: dict[str, tuple[float, float]],
           time: tuple[str, float] | None = None) -> dict:
    """A cohort: n, each covariate's mean and SD (``normal``) or proportion (``binary``), the outcome's events, and
    the adjusted odds ratios a paper prints with their p (``fits``: covariate -> (log OR, p) of the real model).

    ``odds_ratios``: covariate -> the OR printed (rounded to two decimals here), or an assumed OR as
    ``{"assume": ...}`` handled by the caller's dict; None leaves a covariate out of the outcome's model.
    ``time``: (the outcome's time column, an assumed median time to the event) for a time-to-event outcome.
    """
    n = len(frame)
    spec = _head(case_id, what, source, "cohort", f"{n}; {int(frame[outcome].sum())} with {outcome}")
    spec["groups"] = {"all": {"label": "all", "n": printed(n, 0)}}
    spec["variables"] = {}
    covs = {}
    for name, kind in covariates.items():
        if kind == "binary":
            covs[name] = {"kind": "binary", "prevalence": printed(frame[name].mean(), 3)}
        else:
            sd = float(frame[name].std(ddof=1))
            d = sd_decimals(sd)
            covs[name] = {"kind": "normal", "mean": printed(frame[name].mean(), d), "sd": printed(sd, d)}
    ors, reported = {}, []
    for name, value in odds_ratios.items():
        if isinstance(value, dict):
            ors[name] = value
            continue
        ors[name] = printed(value, 2)
        log_or, p = fits[name]
        entry = {"covariate": name, "significant": bool(p < 0.05), "adjusted": True, "source": SOURCE}
        if p < 0.05:
            entry["direction"] = "positive" if log_or > 0 else "negative"
        if p >= 0.0005:  # "p < 0.001" is printed as significance only
            entry.update(p=max(round(p, 3), 0.001), p_decimals=3)
        reported.append(entry)
    out = {"name": outcome, "events": printed(frame[outcome].sum(), 0), "odds_ratios": ors, "reported": reported}
    if time is not None:
        median = float(time[1])
        out["time"] = {"median_days": assumed(median, 0.5 * median, 1.5 * median,
                                              "not printed as a median time to the event; the printed median "
                                              "survival, halved and increased by half, for the range")}
    spec["cohort"] = {"group": "all", "covariates": covs, "outcomes": [out]}
    return spec


def or_fit(frame: pd.DataFrame, outcome: str, covariates: list[str]) -> dict[str, tuple[float, float]]:
    """The real data's logistic fit: covariate -> (log OR, Wald p), as the paper's table would come from."""
    import statsmodels.api as sm

    x = sm.add_constant(frame[covariates].astype(float))
    fit = sm.Logit(frame[outcome].astype(float), x).fit(disp=0)
    return {c: (float(fit.params[c]), float(fit.pvalues[c])) for c in covariates}


def hr_fit(frame: pd.DataFrame, time: str, event: str, covariates: list[str]) -> dict[str, tuple[float, float,
                                                                                                   float]]:
    """The real data's Cox fit (Efron ties): covariate -> (HR, CI low, CI high), as a paper prints it."""
    from statsmodels.duration.hazard_regression import PHReg

    fit = PHReg(frame[time].to_numpy(float), frame[covariates].to_numpy(float), status=frame[event].to_numpy(int),
                ties="efron").fit()
    ci = fit.conf_int()
    return {c: (float(np.exp(fit.params[i])), float(np.exp(ci[i, 0])), float(np.exp(ci[i, 1])))
            for i, c in enumerate(covariates)}


def _band_labels(bands: list[float]) -> list[str]:
    """Each age band [low, high) by its lower edge, as a table row prints it ("50" for 50 to under 60)."""
    return [f"{low:g}" for low in bands[:-1]]


def rate_table(case_id: str, what: str, source: str, frame: pd.DataFrame, age: str, bands: list[float],
               outcomes: list[str]) -> dict:
    """Deaths (or injuries) of each type per age band with the people in each band, as a rate table prints them:
    one 2x2-style table per outcome, band x (event, none), all over the same people (each band's row total is its
    exposure). The reconstruction's ``age`` is then each band's lower edge.

    Raises
    ------
    ValueError
        When a row's age lies outside the bands (a paper's table would then not cover everyone).
    """
    edges = np.asarray(bands, dtype=float)
    step = np.searchsorted(edges, frame[age].to_numpy(float), side="right") - 1
    if (step < 0).any() or (step >= len(bands) - 1).any():
        raise ValueError(f"{case_id}: ages outside the bands {bands}")
    labels = _band_labels(bands)
    spec = _head(case_id, what, source, "cohort", f"{len(frame)}")
    spec["groups"] = {"all": {"label": "all", "n": printed(len(frame), 0)}}
    spec["variables"] = {}
    spec["tables"] = []
    for name in outcomes:
        events = frame[name].to_numpy(int)
        counts = [[int(events[step == s].sum()), int((step == s).sum() - events[step == s].sum())]
                  for s in range(len(labels))]
        spec["tables"].append({"id": name, "row": age, "col": name, "row_levels": list(labels), "col_levels": ["1", "0"],
                               "counts": counts, "source": SOURCE})
    return spec


def rate_cohort(case_id: str, what: str, source: str, frame: pd.DataFrame, age: str, outcomes: list[str]) -> dict:
    """A cohort as an abstract prints it: n, the age's mean, SD and range, each outcome's events and its odds ratio
    per year of age from a logistic model of that outcome on age alone (with p, or "p < 0.001" as significance
    only). The outcomes are exclusive (one cause of death per person)."""
    n = len(frame)
    sd = float(frame[age].std(ddof=1))
    d = sd_decimals(sd)
    spec = _head(case_id, what, source, "cohort", f"{n}")
    spec["groups"] = {"all": {"label": "all", "n": printed(n, 0)}}
    spec["variables"] = {}
    covs = {age: {"kind": "normal", "mean": printed(frame[age].mean(), d), "sd": printed(sd, d),
                  "bounds": [float(frame[age].min()), float(frame[age].max())]}}
    outs = []
    for name in outcomes:
        log_or, p = or_fit(frame, name, [age])[age]
        entry = {"covariate": age, "significant": bool(p < 0.05), "adjusted": False, "source": SOURCE}
        if p < 0.05:
            entry["direction"] = "positive" if log_or > 0 else "negative"
        if p >= 0.0005:
            entry.update(p=max(round(p, 3), 0.001), p_decimals=3)
        outs.append({"name": name, "events": printed(frame[name].sum(), 0),
                     "odds_ratios": {age: printed(math.exp(log_or), 2)}, "reported": [entry],
                     "exclusive_with": [o for o in outcomes if o != name]})
    spec["cohort"] = {"group": "all", "unit": "person", "covariates": covs, "outcomes": outs}
    return spec
