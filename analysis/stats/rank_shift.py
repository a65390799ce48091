"""The Wilcoxon-Mann-Whitney statistic, its large-sample p and the Hodges-Lehmann shift with R's asymptotic CI, on
millions of values: both samples are sorted once, and every later step counts pairs with ``searchsorted``.

R's ``wilcox.test(conf.int = TRUE)`` (normal approximation) defines the estimate and the CI limits as the roots in
``mu`` of the continuity-corrected, tie-corrected z of ``W(x - mu, y)`` against 0 and the two normal quantiles, found
by ``uniroot``. That z is a step function of ``mu``: between consecutive pairwise differences ``x_i - y_j`` it
depends only on how many differences exceed ``mu``. So each root is an order statistic of the ``m * n`` pairwise
differences (or, where z equals the target on a whole interval, as for the estimate when ``m * n`` is even, the
midpoint of that interval: the median of the differences, Hodges and Lehmann's estimate). Order statistics are
selected without forming the differences: a random sample of pairs brackets the wanted rank, the bracket's pairs
are counted row by row, and sampling inside the bracket repeats until it holds few enough pairs to sort (the idea
of Monahan 1984, ACM TOMS 10:265, and Johnson and Mizoguchi 1978). Each round is O((m + n) log n); about four
rounds reach any rank of 10^12 pairs.

Where the bracket cannot shrink (heavy ties), the rank is settled by bisection on the value with the same counts;
where the open-interval reading does not apply (the z at the ends of the range, as R checks them first), the exact
z with cross-sample ties is evaluated directly. The previous implementation (``scipy.stats.rankdata`` inside a root
finder, O((m + n) log(m + n)) per step, about 116 steps) is kept in the tests as the reference.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize, stats

__all__ = ["SortedPair", "asymptotic_p", "asymptotic_shift"]

_ENUMERATE_AT_MOST = 2_000_000  # pairs sorted outright once a bracket holds this few
_SAMPLE = 200_000  # pairs drawn per bracketing round


def _run_lengths(sorted_values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values of a sorted array and how often each occurs (O(n), no second sort)."""
    if sorted_values.size == 0:
        return sorted_values, np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, sorted_values[1:] != sorted_values[:-1]])
    counts = np.diff(np.r_[starts, sorted_values.size])
    return sorted_values[starts], counts


def _tie_sum(counts: np.ndarray) -> float:
    c = counts.astype(float)
    return float((c**3 - c).sum())


class SortedPair:
    """Two samples sorted once, with the counts every evaluation of the rank statistic needs.

    Examples
    --------
    >>> pair = SortedPair(np.array([1.0, 2.0, 3.0]), np.array([0.5, 2.0]))
    >>> pair.u_statistic(0.0)  # pairs with x > y, ties counted one half: 1+1.5+2
    4.5
    >>> pair.kth_smallest_difference(1), pair.kth_smallest_difference(6)  # differences -1, 0, 0.5, 1, 1.5, 2.5
    (-1.0, 2.5)
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, seed: int = 0):
        self.x = np.sort(np.asarray(x, dtype=float))
        self.y = np.sort(np.asarray(y, dtype=float))
        self.m, self.n = self.x.size, self.y.size
        self.uy, self.cy = _run_lengths(self.y)
        self.y_before = np.r_[0, np.cumsum(self.cy)]  # y values below each distinct value (and n at the end)
        _, cx = _run_lengths(self.x)
        self.within_ties = _tie_sum(cx) + _tie_sum(self.cy)
        self._rng = np.random.default_rng(seed)  # only steers the bracketing, never the answer

    # --- the exact statistic at one shift, cross-sample ties included --------------------------------------
    def u_and_ties(self, mu: float) -> tuple[float, float]:
        """``U`` of ``x - mu`` against ``y`` (pairs with ``x_i - mu > y_j``, ties one half) and the sum of
        ``t^3 - t`` over tied groups of the combined sample, as ``rankdata`` on ``concatenate([x - mu, y])`` sees
        them (the same floating-point ``x - mu``)."""
        ux, cx = _run_lengths(self.x - mu)
        below = np.searchsorted(self.y, ux, side="left")
        at = np.searchsorted(self.y, ux, side="right") - below
        u = float((cx * (below + 0.5 * at)).sum())
        ties = _tie_sum(cx) + _tie_sum(self.cy)
        hit = at > 0
        if hit.any():
            a, b = cx[hit].astype(float), at[hit].astype(float)
            ties += float((((a + b) ** 3 - (a + b)) - (a**3 - a) - (b**3 - b)).sum())
        return u, ties

    def sigma(self, ties: float) -> float:
        """The null SD of ``U`` with the tie correction (R's ``SIGMA``)."""
        m, n = self.m, self.n
        return math.sqrt((m * n / 12) * ((m + n + 1) - ties / ((m + n) * (m + n - 1))))

    def z_corrected(self, mu: float) -> float:
        """R's continuity-corrected z of ``W(x - mu, y)``."""
        u, ties = self.u_and_ties(mu)
        dz = u - self.m * self.n / 2
        return (dz - np.sign(dz) * 0.5) / self.sigma(ties)

    def u_statistic(self, mu: float = 0.0) -> float:
        """``W`` as R prints it (``U`` of the first sample)."""
        return self.u_and_ties(mu)[0]

    # --- order statistics of the m * n differences x_i - y_j -------------------------------------------------
    def _rows(self, value: float, side: str) -> np.ndarray:
        """Per row i, how many differences satisfy ``fl(x_i - y_j) < value`` (side "left") or ``<= value`` (side
        "right"), with ``fl`` the floating-point subtraction itself, so that counts agree exactly with the
        differences formed in :meth:`_narrow` and :meth:`_select_enumerated`.

        ``fl(x_i - y_j)`` does not increase with ``y_j``, so the qualifying y's are those from one distinct value
        on: ``searchsorted`` on ``x - value`` finds it to within rounding, and a correction pass moves each row's
        boundary one distinct value at a time while the predicate says it is off (usually no row moves)."""
        inclusive = side == "right"
        holds = np.less_equal if inclusive else np.less
        last = self.uy.size - 1
        idx = np.searchsorted(self.uy, self.x - value, side="left" if inclusive else "right")
        while True:
            down = (idx > 0) & holds(self.x - self.uy[np.maximum(idx - 1, 0)], value)
            up = (idx <= last) & ~holds(self.x - self.uy[np.minimum(idx, last)], value)
            if not (down.any() or up.any()):
                return self.n - self.y_before[idx]
            idx = idx - down + up

    def count_below(self, value: float, inclusive: bool) -> int:
        """How many differences are < ``value`` (or <= with ``inclusive``)."""
        return int(self._rows(value, "right" if inclusive else "left").sum())

    def kth_smallest_difference(self, k: int) -> float:
        """The ``k``-th smallest of the ``m * n`` differences ``x_i - y_j`` (1-based), without forming them.

        The bracket ``[lo, hi]`` always holds rank ``k``: ``below`` differences are < lo and at least ``k`` are
        <= hi. Row i's differences, increasing, are ``x_i - y[n - 1 - t]``; ``rows_lo``/``rows_hi`` are the
        first t at or above lo and the first t above hi.
        """
        total = self.m * self.n
        if not 1 <= k <= total:
            raise ValueError(f"k must be between 1 and {total}, got {k}")
        lo, hi = float(self.x[0] - self.y[-1]), float(self.x[-1] - self.y[0])
        rows_lo, rows_hi, below = np.zeros(self.m, dtype=np.int64), np.full(self.m, self.n, dtype=np.int64), 0
        while lo != hi:
            inside = int((rows_hi - rows_lo).sum())
            if inside <= _ENUMERATE_AT_MOST:
                return self._select_enumerated(rows_lo, rows_hi, k - below)
            proposal = self._narrow(rows_lo, rows_hi, inside, k - below, lo, hi)
            if proposal is None:  # the sample sits on the ends (heavy ties): halve the value range instead
                mid = lo + (hi - lo) / 2
                if mid <= lo or mid >= hi:  # adjacent floats
                    return lo if int(self._rows(lo, "right").sum()) >= k else hi
                proposal = (mid, mid)
            new_lo, new_hi = proposal
            lo_rows, hi_rows = self._rows(new_lo, "left"), self._rows(new_hi, "right")
            n_lo, n_hi = int(lo_rows.sum()), int(hi_rows.sum())
            if n_lo >= k:  # rank k lies below the proposal: every difference < new_lo, i.e. <= the float before it
                hi = float(np.nextafter(new_lo, -np.inf))
                rows_hi = lo_rows
            elif n_hi < k:  # above it: every difference > new_hi, i.e. >= the float after it
                lo = float(np.nextafter(new_hi, np.inf))
                rows_lo, below = hi_rows, n_hi
            else:
                lo, hi, rows_lo, rows_hi, below = new_lo, new_hi, lo_rows, hi_rows, n_lo
        return lo

    def _narrow(self, rows_lo, rows_hi, inside, rank, lo, hi) -> tuple[float, float] | None:
        """A tighter value bracket for the ``rank``-th difference inside the current one, from a random sample of
        the bracket's pairs (rows drawn in proportion to their pairs); None when the sample cannot tell."""
        widths = (rows_hi - rows_lo).astype(np.int64)
        cum = np.cumsum(widths)
        draws = self._rng.integers(0, inside, size=_SAMPLE)
        rows = np.searchsorted(cum, draws, side="right")
        offset = draws - (cum[rows] - widths[rows])
        sample = np.sort(self.x[rows] - self.y[self.n - 1 - (rows_lo[rows] + offset)])
        q = rank / inside
        spread = 4 * math.sqrt(q * (1 - q) / _SAMPLE) + 2 / _SAMPLE
        i_lo = max(int(math.floor((q - spread) * _SAMPLE)), 0)
        i_hi = min(int(math.ceil((q + spread) * _SAMPLE)), _SAMPLE - 1)
        new_lo, new_hi = float(max(sample[i_lo], lo)), float(min(sample[i_hi], hi))
        if (new_lo == lo and new_hi == hi) or new_lo > new_hi:
            return None
        return new_lo, new_hi

    def _select_enumerated(self, rows_lo, rows_hi, rank: int) -> float:
        """The ``rank``-th smallest of the differences in the bracket, all formed and partitioned."""
        widths = rows_hi - rows_lo
        rows = np.repeat(np.arange(self.m), widths)
        starts = np.repeat(rows_lo, widths)
        offset = np.arange(rows.size) - np.repeat(np.cumsum(widths) - widths, widths)
        diffs = self.x[rows] - self.y[self.n - 1 - (starts + offset)]
        return float(np.partition(diffs, rank - 1)[rank - 1])


def _threshold_counts(pair: SortedPair, zq: float) -> tuple[int | None, int | None]:
    """On the open intervals between differences, z - zq depends only on the count C of differences above mu and
    rises with it: the smallest C where it is > 0 and the largest where it is < 0 (None when there is none)."""
    total = pair.m * pair.n
    sigma = pair.sigma(pair.within_ties)

    def f(c: int) -> float:
        dz = c - total / 2
        return (dz - np.sign(dz) * 0.5) / sigma - zq

    def first(pred) -> int | None:  # smallest c in [0, total] with pred(c), pred monotone false -> true
        if not pred(total):
            return None
        low, high = 0, total
        while low < high:
            mid = (low + high) // 2
            low, high = (low, mid) if pred(mid) else (mid + 1, high)
        return low

    above = first(lambda c: f(c) > 0)
    not_below = first(lambda c: f(c) >= 0)
    below = None if not_below == 0 else (total if not_below is None else not_below - 1)
    return above, below


def asymptotic_p(pair: SortedPair) -> float:
    """R's two-sided large-sample p of ``W`` (continuity and tie corrections), from the sorted samples."""
    return float(min(1.0, 2 * stats.norm.sf(abs(pair.z_corrected(0.0)))))


def asymptotic_shift(pair: SortedPair, alpha: float) -> tuple[float, float, float]:
    """R's asymptotic Hodges-Lehmann estimate and ``1 - alpha`` CI for the shift ``x - y`` (see the module).

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> est, low, high = asymptotic_shift(SortedPair(rng.normal(1, 1, 400), rng.normal(0, 1, 300)), 0.05)
    >>> low < est < high and 0.6 < est < 1.4
    True
    """
    mu_min, mu_max = pair.x[0] - pair.y[-1], pair.x[-1] - pair.y[0]
    z_min, z_max = pair.z_corrected(mu_min), pair.z_corrected(mu_max)
    total = pair.m * pair.n

    def root(zq: float) -> float:
        if z_min - zq <= 0:  # R checks the ends first, as the implementation it replaces did
            return float(mu_min)
        if z_max - zq >= 0:
            return float(mu_max)
        above, below = _threshold_counts(pair, zq)
        if above is None or below is None:  # the open-interval reading does not reach: solve the exact z
            return float(optimize.brentq(lambda mu: pair.z_corrected(mu) - zq, mu_min, mu_max, xtol=1e-10))
        # C(mu) >= above  <=>  mu < the above-th largest difference; C(mu) <= below  <=>  mu >= the (below+1)-th
        a = pair.kth_smallest_difference(total - above + 1)
        b = a if below + 1 == above else pair.kth_smallest_difference(total - below)
        return float(a + (b - a) / 2)

    zq = float(stats.norm.ppf(1 - alpha / 2))
    return root(0.0), root(zq), root(-zq)
