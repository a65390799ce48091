"""Granularity checks: can a mean (GRIM) and an SD (GRIMMER) come from n whole-number responses?

GRIM (Brown & Heathers 2017, doi:10.1177/1948550616673876): a mean of n integer responses
(k items each) is a multiple of 1/(n k), so many rounded means are impossible. GRIMMER (Anaya
2016, doi:10.7287/peerj.preprints.2400v1), analytic form: for a possible total S, the sum of
squares Q of integers has the parity of S, and the SD must be reachable by such a Q.

Exact halves may have been rounded either way by the authors' software, so both neighbours are
accepted ("up-or-down") unless a rule is given.

>>> grim(5.19, 28)        # 145/28 = 5.179, 146/28 = 5.214: no total gives 5.19
False
>>> grim(5.18, 28)
True
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction

from analysis.core.numbers import decimals_of  # noqa: F401  (re-exported for the checks and generators)

RULES = ("up-or-down", "half-up", "half-even")


def rounds_to(value, target: float, decimals: int, rule: str = "up-or-down") -> bool:
    """Whether ``value`` rounds to ``target`` at ``decimals`` places, exact halves going either way.

    Authors round half up, half to even or by their software's float arithmetic; at an exact
    half any of them may have printed either neighbour, so both are accepted ("up-or-down").
    ``value`` may be a Fraction for an exact comparison.

    >>> rounds_to(Fraction(113, 40), 2.83, 2), rounds_to(Fraction(113, 40), 2.82, 2), rounds_to(2.8, 2.83, 2)
    (True, True, False)
    """
    v = value if isinstance(value, Fraction) else Fraction(value)
    t = Fraction(str(round(target, decimals)))
    if rule == "up-or-down":
        half = Fraction(1, 2 * 10**decimals)
        return t - half <= v <= t + half
    mode = {"half-up": ROUND_HALF_UP, "half-even": ROUND_HALF_EVEN}[rule]
    exact = Decimal(v.numerator) / Decimal(v.denominator)
    return Fraction(exact.quantize(Decimal(1).scaleb(-decimals), rounding=mode)) == t


def grim_sums(n: int, mean: float, low: float, step: float, mean_decimals: int) -> list[int]:
    """Step counts K (values = low + step * k) whose mean rounds to ``mean``; empty when GRIM-inconsistent."""
    centre = round((mean - low) * n / step)
    lo, st = Fraction(str(low)), Fraction(str(step))
    return [k for k in range(centre - n - 2, centre + n + 3)
            if k >= 0 and rounds_to((n * lo + st * k) / n, mean, mean_decimals)]


def reachable_sums_of_squares(n: int, total: int, sd_k: float, sd_decimals_k: float) -> bool:
    """Whether some whole sum of squares with the parity of ``total`` gives an SD (in step units) that
    rounds to ``sd_k`` (the analytic GRIMMER condition: sum(k^2) has the parity of sum(k)).

    ``sd_decimals_k`` is half the rounding window of the SD in step units.
    """
    low_var, high_var = max(sd_k - sd_decimals_k, 0) ** 2, (sd_k + sd_decimals_k) ** 2
    q_low = math.ceil(low_var * (n - 1) + total**2 / n - 1e-9)
    q_high = math.floor(high_var * (n - 1) + total**2 / n + 1e-9)
    first = q_low if q_low % 2 == total % 2 else q_low + 1
    return first <= q_high




def grim(mean, n: int, items: int = 1, decimals: int | None = None, rule: str = "up-or-down") -> bool:
    """Whether a reported mean is possible for ``n`` responses of ``items`` whole-number items."""
    d = decimals_of(mean) if decimals is None else decimals
    m = float(mean)
    scale = n * items
    centre = math.floor(m * scale)
    return any(rounds_to(Fraction(total, scale), m, d, rule) for total in range(centre - 2, centre + 3))


def grimmer(mean, sd, n: int, decimals_mean: int | None = None, decimals_sd: int | None = None,
            rule: str = "up-or-down") -> bool:
    """Whether a reported SD is possible with the mean for ``n`` whole-number responses (one item).

    True only if some GRIM-consistent total has a sum of squares of the right parity whose SD
    rounds to the reported one.
    """
    dm = decimals_of(mean) if decimals_mean is None else decimals_mean
    ds = decimals_of(sd) if decimals_sd is None else decimals_sd
    m, s = float(mean), float(sd)
    half = 0.5 * 10 ** (-ds)
    centre = math.floor(m * n)
    for total in range(centre - 2, centre + 3):
        if rounds_to(Fraction(total, n), m, dm, rule) and reachable_sums_of_squares(n, total, round(s, ds), half):
            return True
    return False


def max_sd(mean: float, low: float, high: float, n: int) -> float:
    """Largest sample SD of ``n`` values in [low, high] with this mean: sqrt(n/(n-1) (mean-low)(high-mean))."""
    return math.sqrt(max(0.0, n / (n - 1) * (mean - low) * (high - mean)))
