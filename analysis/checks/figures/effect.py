"""Published effects and percentages: a CI must be centred on its estimate (on the log scale for ratios) and
agree with a printed p; a percentage must come from its counts by rounding."""

from __future__ import annotations

import math
from fractions import Fraction

from scipy import stats as sps

from analysis.checks.registry import ForensicCheck, examines, verdict_of
from analysis.spec.parts import Effect, Proportion
from analysis.spec.parts.base import printed_significance, range_fits_printed_p
from analysis.stats.granularity import decimals_of, rounds_to


@examines(Effect)
def effects_possible(effects: list[Effect], spec) -> list[ForensicCheck]:
    out = []
    for e in effects:
        what = f"{e.measure} {e.comparison} -> {e.outcome}"
        if e.secondary is not None:
            primary = f"{e.estimate.point:g}" + (f" ({e.ci[0]:g}-{e.ci[1]:g})" if e.ci else "")
            same = e.secondary.estimate == e.estimate.point and (e.secondary.ci is None or e.ci is None
                                                                 or tuple(e.secondary.ci) == tuple(e.ci))
            out.append(ForensicCheck(spec.id, "primary vs secondary", what, primary,
                                     f"{e.secondary.where}: {e.secondary.printed}", verdict_of(same),
                                     "" if same else "the secondary source mis-copies the primary; the primary is kept"))
        if e.measure == "r" and e.n and e.p is not None:
            out.append(_r_against_p(e, spec, what))
            continue
        if e.ci is None:
            if e.p is not None:
                out.append(ForensicCheck(spec.id, "CI vs estimate", what,
                                         f"{e.estimate.point:g}, p {e.p_relation} {e.p_text}", "-", "not checkable",
                                         "no CI published"))
            continue
        if not e.ci[0] <= e.estimate.point <= e.ci[1]:
            out.append(ForensicCheck(spec.id, "estimate inside its CI", what,
                                     f"{e.estimate.point:g} ({e.ci[0]:g}-{e.ci[1]:g})", "outside", "inconsistent",
                                     "the point estimate lies outside its own interval: one of the three is misprinted"))
        ratio = e.measure in ("OR", "RR", "HR")
        f = (lambda v: math.log(max(v, 1e-12))) if ratio else (lambda v: v)  # a rounded ratio limit may reach 0
        dec = e.ci_decimals if e.ci_decimals is not None else max(decimals_of(e.ci[0]), decimals_of(e.ci[1]))
        half = 0.5 * 10 ** -dec
        lo_lims = [f(e.ci[0] - half), f(e.ci[0] + half)]
        hi_lims = [f(e.ci[1] - half), f(e.ci[1] + half)]
        mids = [(lo_lims[0] + hi_lims[0]) / 2, (lo_lims[1] + hi_lims[1]) / 2]
        est_half = 0.5 * 10 ** -(e.estimate.precision if not e.estimate.is_assumption else decimals_of(e.estimate.point))
        est_range = [f(e.estimate.point - est_half), f(e.estimate.point + est_half)]
        ok = est_range[0] <= mids[1] and mids[0] <= est_range[1]
        centre = (f(e.ci[0]) + f(e.ci[1])) / 2
        shown = math.exp(centre) if ratio else centre
        out.append(ForensicCheck(spec.id, "CI vs estimate", what,
                                 f"{e.estimate.point:g} ({e.ci[0]:g}-{e.ci[1]:g})",
                                 f"{'geometric' if ratio else 'arithmetic'} centre of the CI {shown:.3g}", verdict_of(ok),
                                 "a Wald interval is symmetric around the estimate"
                                 + (" on the log scale" if ratio else "")))
        if e.events is not None and ratio:
            out.append(_width_against_events(e, spec, what, lo_lims, hi_lims))
        if e.p is not None:
            out.append(_p_from_ci(e, spec, what, centre, lo_lims, hi_lims))
    return out


def _readings(e: Effect) -> list[tuple[str, float | None]]:
    """The intervals the CI may be: normal, and for an MD or SMD with a df or n, t at that df (printed) or at n - 1
    (paired or one sample) and n - 2 (two groups)."""
    out: list[tuple[str, float | None]] = [("normal", None)]
    if e.measure in ("MD", "SMD"):
        if e.df is not None:
            out.append((f"t at df = {e.df:g} (printed)", e.df))
        elif e.n is not None and e.n > 3:
            out += [(f"t at df = {e.n - 1} (paired or one sample, n = {e.n})", float(e.n - 1)),
                    (f"t at df = {e.n - 2} (two groups, n = {e.n} in all)", float(e.n - 2))]
    return out


def _p_from_ci(e: Effect, spec, what: str, centre: float, lo_lims, hi_lims) -> ForensicCheck:
    """The p the CI implies (allowing for the rounding of its limits) against the printed p, under each reading of
    the interval (:func:`_readings`); consistent when one fits, and the check says which."""
    places = e.p_places
    fitting, ranges = [], []
    for name, df in _readings(e):
        crit = sps.norm.ppf(0.5 + e.ci_level / 2) if df is None else sps.t.ppf(0.5 + e.ci_level / 2, df)
        se_range = [(hi_lims[0] - lo_lims[1]) / (2 * crit), (hi_lims[1] - lo_lims[0]) / (2 * crit)]
        ps = [2 * (sps.norm.sf(abs(centre) / s) if df is None else sps.t.sf(abs(centre) / s, df)) for s in se_range]
        p_low, p_high = float(min(ps)), float(max(ps))
        ranges.append((name, p_low, p_high))
        if range_fits_printed_p(p_low, p_high, e.p, e.p_relation, places):
            fitting.append(name)
    printed = f"p {e.p_relation} {e.p_text}"
    if len(ranges) == 1:  # a normal interval only, as every ratio and a large-sample estimate
        (_, p_low, p_high), = ranges
        verdict = "consistent" if fitting else _p_error(e, places, [p_low, p_high])
        return ForensicCheck(spec.id, "p from CI", what, printed, f"p in [{p_low:.3g}, {p_high:.3g}] from the CI",
                             verdict, "Wald reading (normal approximation), allowing for the rounding of the CI "
                                      "limits; a likelihood-ratio or exact p can differ")
    recomputed = "; ".join(f"{name}: p in [{lo:.3g}, {hi:.3g}]" for name, lo, hi in ranges)
    if fitting:
        note = ("fits " + " and ".join(fitting) + (": either may be the paper's" if len(fitting) > 1 else
                                                   ", not the others"))
        return ForensicCheck(spec.id, "p from CI", what, printed, recomputed, "consistent", note)
    return ForensicCheck(spec.id, "p from CI", what, printed, recomputed,
                         _p_error(e, places, [v for _, lo, hi in ranges for v in (lo, hi)]),
                         "no reading of the interval (normal or t) gives the printed p")


def _p_error(e: Effect, places: int, ps: list[float]) -> str:
    """``decision-inconsistent`` when every p the CI allows is on the other side of alpha from the printed one."""
    said = printed_significance(e.p, e.p_relation, places, e.alpha)
    return "decision-inconsistent" if said is not None and all((p <= e.alpha) != said for p in ps) else "inconsistent"


def _width_against_events(e: Effect, spec, what: str, lo_lims, hi_lims) -> ForensicCheck:
    """A ratio's CI can be no narrower than its events allow: the SE of a log OR or log HR is at least
    sqrt(1/d1 + 1/d2) >= 2 / sqrt(d1 + d2) (Woolf; a Cox model's information), whatever the split of the events."""
    crit = sps.norm.ppf(0.5 + e.ci_level / 2)
    widest_se = (hi_lims[1] - lo_lims[0]) / (2 * crit)
    least = 2 / math.sqrt(e.events)
    return ForensicCheck(spec.id, "CI width vs events", what, f"({e.ci[0]:g}-{e.ci[1]:g}), {e.events} events",
                         f"SE of the log {e.measure} <= {widest_se:.3g}; at least {least:.3g} with {e.events} events",
                         verdict_of(widest_se >= least),
                         "" if widest_se >= least else "the interval is narrower than any split of the events allows")


@examines(Proportion)
def percentages_possible(proportions: list[Proportion], spec) -> list[ForensicCheck]:
    out = []
    for p in proportions:
        d = p.decimals if p.decimals is not None else decimals_of(p.percent)
        exact = Fraction(100 * p.count, p.of)
        ok = rounds_to(exact, p.percent, d)
        note = ""
        if not ok:
            truncated = math.floor(float(exact) * 10**d) / 10**d
            note = "matches truncation, not rounding" if abs(truncated - p.percent) < 1e-9 else ""
        out.append(ForensicCheck(spec.id, "percentage", p.what, f"{p.percent:.{d}f}%",
                                 f"{p.count}/{p.of} = {float(exact):.{d + 2}f}%", verdict_of(ok), note))
    return out


def _r_against_p(e: Effect, spec, what: str) -> ForensicCheck:
    """A published r with its n and p: the p of r's t test at n - 2 df, statcheck-style (rounding of both)."""
    from analysis.checks.statcheck import check, parse_report

    r_text = f"{e.estimate.point:.{e.estimate.precision}f}"
    p_text = f"{e.p:.{e.p_decimals}f}" if e.p_decimals is not None else f"{e.p:g}"
    result = check(parse_report(f"r({e.n - 2}) = {r_text}, p {e.p_relation} {p_text}"))
    return ForensicCheck(spec.id, "r vs p", what, f"r = {r_text}, p {e.p_relation} {p_text}, n = {e.n}",
                         f"p = {result.computed_p:.3g} (range {result.p_low:.3g} to {result.p_high:.3g} for r's rounding)",
                         result.verdict, "t test of r on n - 2 df, as R's cor.test and statcheck compute it")

