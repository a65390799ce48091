"""Published effects and percentages: a CI must be centred on its estimate (on the log scale for ratios) and
agree with a printed p; a percentage must come from its counts by rounding."""

from __future__ import annotations

import math
from fractions import Fraction

from scipy import stats as sps

from analysis.checks.registry import ForensicCheck, examines, verdict_of
from analysis.spec.parts import Effect, Proportion
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
                out.append(ForensicCheck(spec.id, "CI vs estimate", what, f"{e.estimate.point:g}, p {e.p_relation} {e.p:g}",
                                         "-", "not checkable", "no CI published"))
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
        if e.p is not None:
            z = sps.norm.ppf(0.5 + e.ci_level / 2)
            se_range = [(hi_lims[0] - lo_lims[1]) / (2 * z), (hi_lims[1] - lo_lims[0]) / (2 * z)]
            ps = [2 * sps.norm.sf(abs(centre) / s) for s in se_range]
            p_low, p_high = min(ps), max(ps)
            pd_ = e.p_decimals if e.p_decimals is not None else decimals_of(e.p)
            if e.p_relation == "=":
                error = e.p > round(p_high, pd_) or e.p < round(p_low, pd_)
            elif e.p_relation == "<":
                error = e.p < p_low
            else:
                error = e.p > p_high
            flips = (e.p <= 0.05) != ((p_low + p_high) / 2 <= 0.05)
            verdict = "decision-inconsistent" if error and flips else verdict_of(not error)
            out.append(ForensicCheck(spec.id, "p from CI", what, f"p {e.p_relation} {e.p:g}",
                                     f"p in [{p_low:.3g}, {p_high:.3g}] from the CI", verdict,
                                     "Wald reading (normal approximation), allowing for the rounding of the CI limits; "
                                     "a likelihood-ratio or exact p can differ"))
    return out


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

