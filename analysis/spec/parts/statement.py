"""Findings a paper printed only as a direction and a significance level ("tight hamstrings were associated
with LBP, p = 0.006"; "no significant difference, p > 0.05"), with the test as printed when there is one."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, model_validator

from analysis.core.numbers import decimals_of
from analysis.spec.parts.base import Figure, Source, display_row


class Statement(Figure):
    """A finding reported by its direction and significance only: its size was not printed.

    ``n`` is the size of each compared group (two numbers, for a difference between groups) or the number of pairs
    or participants (one number); it gives the smallest effect a significant result implies, or the largest a
    non-significant one allows. ``test`` is the test as printed, in statcheck form (``"chi2(1) = 7.6, p = 0.006"``),
    recomputed by the forensics.

    Examples
    --------
    >>> s = Statement(id="aslr", outcome="active SLR", comparison="LBP vs pain-free", measure="SMD",
    ...               significant=False, p=0.05, p_relation=">", n=[25, 25], source="abstract")
    >>> s.printed
    'not significant (p > 0.05)'
    """

    spec_field: ClassVar[str] = "statements"
    id: str
    outcome: str
    comparison: str
    measure: Literal["SMD", "MD", "r", "OR", "RR", "association"]
    direction: Literal["positive", "negative"] | None = None
    #: True when the paper printed "associated" without saying which way: the direction is then our reading, so a
    #: test resting on it is ``assumed`` (a sensitivity analysis), never evidence.
    direction_assumed: bool = False
    significant: bool
    p: float | None = Field(default=None, gt=0, le=1)
    p_relation: Literal["=", "<", ">"] = "<"
    p_decimals: int | None = Field(default=None, ge=0)
    alpha: float = Field(default=0.05, gt=0, lt=1)
    n: list[int] | None = None
    test: str | None = None
    #: What the paper said when it is not a test at all (a best-evidence synthesis, "13% lower"): shown instead of
    #: a p value, and never read as one.
    wording: str | None = None
    source: Source
    note: str | None = None

    @model_validator(mode="after")
    def _well_formed(self) -> "Statement":
        if self.significant and self.direction is None:
            raise ValueError(f"statement {self.id!r}: a significant finding needs its 'direction' (positive/negative)")
        if self.n is not None and (not 1 <= len(self.n) <= 2 or min(self.n) < 2):
            raise ValueError(f"statement {self.id!r}: n is one size (pairs, participants) or two group sizes, each "
                             f"at least 2; got {self.n}")
        return self

    @property
    def p_places(self) -> int:
        """Decimals the p was printed with."""
        return self.p_decimals if self.p_decimals is not None else decimals_of(self.p)

    @property
    def printed(self) -> str:
        """What the paper says, e.g. ``positive, p = 0.006`` or ``not significant (p > 0.05)``."""
        if self.wording:
            return (f"{self.direction}: " if self.significant else "") + self.wording
        p = f"p {self.p_relation} {self.p:g}" if self.p is not None else f"p < {self.alpha:g}"
        if self.significant:
            return f"{self.direction}{' (direction assumed)' if self.direction_assumed else ''}, {p}"
        return f"not significant ({p if self.p is not None else f'p >= {self.alpha:g}'})"

    def display_rows(self, spec) -> list[dict]:
        value = self.printed + (f"; {self.test}" if self.test else "") + (f"; n = {' + '.join(map(str, self.n))}"
                                                                          if self.n else "")
        return [display_row(f"{self.comparison} -> {self.outcome} ({self.measure}, size not published)", value,
                            self.source)]
