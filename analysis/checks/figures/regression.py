"""A printed regression coefficient: does b / SE give the printed t, and t (or b / SE) at its df the printed p,
each at its printed rounding (interval arithmetic over the rounding of every printed number)?"""

from __future__ import annotations

from scipy import stats as sps

from analysis.checks.registry import ForensicCheck, examines, verdict_of
from analysis.spec.parts import RegressionCoefficient
from analysis.spec.parts.base import printed_significance, range_fits_printed_p


def _around(value: float, places: int) -> tuple[float, float]:
    half = 0.5 * 10.0**-places
    return value - half, value + half


def _ratio_range(c: RegressionCoefficient) -> tuple[float, float]:
    """The t values b / SE can take over the rounding of both (SE > 0)."""
    b_lo, b_hi = _around(c.b, c.places("b"))
    se_lo, se_hi = _around(c.se, c.places("se"))
    se_lo = max(se_lo, 1e-300)
    ends = [b_lo / se_lo, b_lo / se_hi, b_hi / se_lo, b_hi / se_hi]
    return min(ends), max(ends)


def _two_sided(t_low: float, t_high: float, df: float | None) -> tuple[float, float]:
    """The two-sided p values over a range of t (t or z reference)."""
    sf = (lambda x: sps.norm.sf(x)) if df is None else (lambda x: sps.t.sf(x, df))
    abs_low = 0.0 if t_low <= 0 <= t_high else min(abs(t_low), abs(t_high))
    abs_high = max(abs(t_low), abs(t_high))
    return float(2 * sf(abs_high)), float(2 * sf(abs_low))


@examines(RegressionCoefficient)
def regressions_possible(coefficients: list[RegressionCoefficient], spec) -> list[ForensicCheck]:
    out = []
    for c in coefficients:
        what = f"{'beta' if c.standardised else 'b'} of {c.predictor} -> {c.outcome}"
        df = c.residual_df
        reference = f"t at df = {df:g}" if df is not None else "z (normal; no df printed)"
        if c.se is not None and c.t is not None:
            low, high = _ratio_range(c)
            t_low, t_high = _around(c.t, c.places("t"))
            ok = t_low <= high and low <= t_high
            out.append(ForensicCheck(spec.id, "b / SE vs t", what,
                                     f"b = {c.b:.{c.places('b')}f}, SE {c.se:.{c.places('se')}f}, "
                                     f"{c.statistic} = {c.t:.{c.places('t')}f}",
                                     f"b / SE in [{low:.3g}, {high:.3g}]", verdict_of(ok),
                                     "" if ok else "b, its SE and the printed statistic cannot all be as printed"))
        if c.p is None:
            continue
        if c.t is not None:
            t_range, basis = _around(c.t, c.places("t")), f"the printed {c.statistic}"
        elif c.se is not None:
            t_range, basis = _ratio_range(c), "b / SE"
        else:
            out.append(ForensicCheck(spec.id, "p of b", what, f"p {c.p_relation} {c.p:g}", "-", "not checkable",
                                     "neither SE nor a test statistic printed"))
            continue
        p_low, p_high = _two_sided(*t_range, df)
        places = c.places("p")
        if range_fits_printed_p(p_low, p_high, c.p, c.p_relation, places):
            verdict = "consistent"
        else:
            said = printed_significance(c.p, c.p_relation, places, c.alpha)
            flips = said is not None and all((q <= c.alpha) != said for q in (p_low, p_high))
            verdict = "decision-inconsistent" if flips else "inconsistent"
        out.append(ForensicCheck(spec.id, "p of b", what, f"p {c.p_relation} {c.p:.{places}f}",
                                 f"p in [{p_low:.3g}, {p_high:.3g}] from {basis} ({reference})", verdict,
                                 "two-sided, allowing for the rounding of every printed number"))
    return out
