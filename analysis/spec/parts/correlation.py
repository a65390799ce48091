"""Correlations between two variables within a group, or only their sign, significance or exact p."""

from __future__ import annotations

from itertools import combinations
from typing import ClassVar, Literal

import numpy as np
from pydantic import Field, model_validator

from analysis.spec.constraints import p_value_range, significance_range
from analysis.spec.parts.base import Figure, Quantity, SlotKey, Source, display_row, known


def correlation_key(group: str, x: str, y: str) -> SlotKey:
    """Key of the correlation slot for a pair, independent of order.

    >>> str(correlation_key("clbp", "nprs", "hamstring_length"))
    'r:clbp:hamstring_length:nprs'
    """
    a, b = sorted((x, y))
    return SlotKey("r", (group, a, b))


class Correlation(Figure):
    """A correlation between two variables within one group.

    ``r`` is reported or assumed. When the paper gives only a sign and
    significance (``significant``), or an exact p value (``p``, read at its
    published precision), the admissible range of an assumed ``r`` is derived.
    Its slot is declared pair by pair with the unlisted pairs of the group
    (see :func:`analysis.spec.assumptions.assumption_slots`), so ``slots`` is empty.
    """

    spec_field: ClassVar[str] = "correlations"
    group: str
    x: str
    y: str
    r: Quantity
    sign: Literal["positive", "negative"] | None = None
    significant: bool | None = None
    p: float | None = Field(default=None, gt=0, le=1)
    p_decimals: int | None = None
    alpha: float = 0.05
    source: Source | None = None
    sign_assumed: bool = False

    @model_validator(mode="after")
    def _r_is_a_correlation(self) -> "Correlation":
        values = [self.r.point, *(self.r.range or ())]
        if any(not -1 <= v <= 1 for v in values):
            raise ValueError(f"r: a correlation lies in [-1, 1], got {', '.join(f'{v:g}' for v in values)}")
        return self

    @property
    def key(self) -> SlotKey:
        return correlation_key(self.group, self.x, self.y)

    def statement_range(self, n: int) -> tuple[float, float] | None:
        """The r values the paper's statement allows at ``n`` (its sign and significance, its exact p, or both);
        None when it printed neither."""
        if self.significant is None and self.p is None:
            return None
        low, high = -1.0, 1.0
        if self.significant is not None:
            c_low, c_high = significance_range(n, self.sign, self.significant, self.alpha)
            low, high = max(low, c_low), min(high, c_high)
        if self.p is not None:
            r_low, r_high = p_value_range(n, self.p, self.p_decimals, self.sign)
            low, high = max(low, r_low), min(high, r_high)
        return low, high

    def mirrored(self) -> bool:
        """True when the paper printed an exact p but no sign: r lies in [-high, -low] or [low, high], never between."""
        return self.p is not None and self.sign is None

    def magnitude_range(self, n: int) -> tuple[float, float]:
        """For a :meth:`mirrored` correlation, the range of |r| its exact p (and the spec's range) allows."""
        low, high = p_value_range(n, self.p, self.p_decimals, "positive")
        if self.significant is not None:
            rc_low, rc_high = significance_range(n, None, self.significant, self.alpha) if not self.significant \
                else significance_range(n, "positive", True, self.alpha)
            low, high = max(low, max(rc_low, 0.0)), min(high, rc_high)
        if self.r.range is not None:
            high = min(high, max(abs(self.r.range[0]), abs(self.r.range[1])))
        return low, high

    def admissible(self, n: int) -> tuple[float, float, bool]:
        """``(low, high, mirrored)``: the admissible r in [low, high], or, when ``mirrored``, |r| in [low, high] with
        either sign (a printed exact p without a sign). The one place both cases are decided."""
        if self.mirrored():
            return (*self.magnitude_range(n), True)
        return (*self.admissible_range(n), False)

    def allows(self, r: float, n: int, tol: float = 0.0) -> bool:
        """Whether ``r`` lies in the admissible set at ``n`` (``tol``: slack at the bounds)."""
        low, high, mirrored = self.admissible(n)
        return low - tol <= (abs(r) if mirrored else r) <= high + tol

    def admissible_range(self, n: int) -> tuple[float, float]:
        """The range ``r`` may take: the paper's constraint intersected with the spec's range."""
        low, high = self.r.range if self.r.range is not None else (-0.95, 0.95)
        stated = self.statement_range(n)
        if stated is not None:
            low, high = max(low, stated[0]), min(high, stated[1])
        return low, high

    def display_rows(self, spec) -> list[dict]:
        figure = f"r({self.x}, {self.y}) in {self.group}"
        if not self.r.is_assumption:
            return [display_row(figure, f"{self.r.value:.{self.r.precision}f}", self.r.source)]
        if self.significant is not None:
            sign = (self.sign or "sign not reported") + (" (sign assumed)" if self.sign_assumed else "")
            return [display_row(figure, f"{sign}, {'p < ' if self.significant else 'not significant at '}{self.alpha}",
                                self.source)]
        if self.p is not None:
            return [display_row(figure, f"p = {self.p}" + (f", {self.sign} (sign assumed)" if self.sign_assumed else ""),
                                self.source)]
        return []

    def cross_check(self, spec, where: str) -> None:
        known("group", self.group, f"{where}.group", spec.groups)
        for axis in ("x", "y"):
            known("variable", getattr(self, axis), f"{where}.{axis}", spec.variables)
        problem = not_positive_semidefinite(spec.correlations, self)
        if problem:
            raise ValueError(f"{where} ({self.x}, {self.y}): {problem}")
        if not self.r.is_assumption:
            return  # a printed r is the dataset's target; whether its printed p fits it is a forensic finding
        low, high, mirrored = self.admissible(spec.n(self.group))
        if low > high:
            raise ValueError(f"{where} ({self.x}, {self.y}): the reported constraints leave no admissible r")
        if not self.allows(self.r.point, spec.n(self.group)):
            raise ValueError(f"{where} ({self.x}, {self.y}): r = {self.r.point} lies outside its admissible range "
                             f"{'+/-' if mirrored else ''}[{low:.4f}, {high:.4f}]")
        if self.r.value is None and self.r.range is None and self.significant is None and self.p is None:
            raise ValueError(f"{where} ({self.x}, {self.y}): an assumed r needs a range or a reported constraint")


def not_positive_semidefinite(correlations: list[Correlation], pair: Correlation) -> str | None:
    """Why the listed correlations of ``pair``'s group cannot all hold at once, or None.

    Every set of variables whose pairs are all listed (with ``pair``'s among them) must have a positive
    semidefinite correlation matrix: a principal submatrix of a valid correlation matrix is one, so such a set
    proves that no values of the unlisted pairs can complete the matrix. Point values (printed or assumed) are
    checked; an eigenvalue below -1e-12 (rounding of a singular matrix is ~1e-16) fails.

    >>> from analysis.spec.parts.base import Quantity
    >>> def c(x, y, r):
    ...     return Correlation(group="g", x=x, y=y, r=Quantity(value=r, source="table"))
    >>> rs = [c("a", "b", 0.9), c("a", "c", 0.9), c("b", "c", -0.9)]
    >>> not_positive_semidefinite(rs, rs[0])
    'the correlations of a, b, c in g cannot hold together (their matrix has a negative eigenvalue, -0.8)'
    >>> not_positive_semidefinite(rs[:2], rs[0]) is None
    True
    """
    listed = {frozenset((c.x, c.y)): c.r.point for c in correlations if c.group == pair.group and c.x != c.y}
    names = sorted({v for key in listed for v in key})
    others = [v for v in names if v not in (pair.x, pair.y)
              and frozenset((v, pair.x)) in listed and frozenset((v, pair.y)) in listed]
    if all(frozenset(p) in listed for p in combinations(others, 2)):
        sizes = [len(others)]  # one fully listed set: its matrix is PSD exactly when all its submatrices are
    else:
        sizes = list(range(len(others), 0, -1)) if len(others) <= 12 else [1]  # specs list a handful a group
    for size in sizes:
        for extra in combinations(others, size):
            chosen = [pair.x, pair.y, *extra]
            if not all(frozenset(p) in listed for p in combinations(chosen, 2)):
                continue
            matrix = np.eye(len(chosen))
            for (i, a), (j, b) in combinations(enumerate(chosen), 2):
                matrix[i, j] = matrix[j, i] = listed[frozenset((a, b))]
            lowest = float(np.linalg.eigvalsh(matrix)[0])
            if lowest < -1e-12:
                return (f"the correlations of {', '.join(sorted(chosen))} in {pair.group} cannot hold together "
                        f"(their matrix has a negative eigenvalue, {lowest:.2g})")
    return None
