"""Means and SDs (or medians and IQRs) of a variable in a group, and counts of a category per group."""

from __future__ import annotations

from typing import ClassVar, Iterator

from pydantic import model_validator

from analysis.spec.parts.base import Figure, Quantity, SlotKey, SlotQuantity, display_row, known


class Summary(Figure):
    """Mean and SD of a variable in a group (a median and IQR may be given instead, converted by assumption).

    A mean ± SE is written with ``se`` instead of ``sd``: at load the SD is derived, SE sqrt(n) (``sd_derived``),
    so generators and analyses read one SD; the checks compare the SE at its printed rounding, and GRIMMER and the
    bounds allow the SD's window, sqrt(n) times the SE's.
    """

    spec_field: ClassVar[str] = "summaries"
    group: str
    variable: str
    mean: Quantity | None = None
    sd: Quantity | None = None
    se: Quantity | None = None
    #: Set at load when the SD is SE sqrt(n) (a mean ± SE), never written in a spec.
    sd_derived: bool = False
    median: Quantity | None = None
    iqr: tuple[float, float] | None = None

    @model_validator(mode="after")
    def _moments(self) -> "Summary":
        if self.se is not None and self.sd is not None and not self.sd_derived:
            raise ValueError("give 'sd' or 'se' (a mean ± SE), not both")
        if self.se is not None and self.se.point <= 0:
            raise ValueError(f"se must be positive, got {self.se.point}")
        if (self.mean is None) != (self.sd is None and self.se is None):
            raise ValueError("give both 'mean' and 'sd' (or 'se')")
        if self.mean is None and (self.median is None or self.iqr is None):
            raise ValueError("give 'mean' and 'sd', or 'median' and 'iqr'")
        if self.sd is not None and self.sd.point <= 0:
            raise ValueError(f"sd must be positive, got {self.sd.point}")
        return self

    @property
    def target_mean(self) -> float:
        """The mean the generator aims at (from the median and IQR by Wan et al. 2014 when no mean is given)."""
        if self.mean is not None:
            return self.mean.point
        return (self.iqr[0] + self.median.point + self.iqr[1]) / 3

    @property
    def target_sd(self) -> float:
        """The SD the generator aims at (IQR / 1.35 when no SD is given)."""
        if self.sd is not None:
            return self.sd.point
        if self.se is not None:
            raise ValueError(f"the SD of {self.variable} in {self.group} is derived from its SE when the spec loads")
        return (self.iqr[1] - self.iqr[0]) / 1.35

    def sd_from_se(self, n: int) -> Quantity:
        """The SD a mean ± SE implies for ``n`` values: SE sqrt(n), an assumed SE's range scaled alike; a reported
        SE keeps its decimals (a generator matching the SD to them stays within the SE's rounding)."""
        root = n**0.5
        if self.se.is_assumption:
            low, high = self.se.range if self.se.range is not None else (self.se.assume, self.se.assume)
            return Quantity(assume=self.se.assume * root, range=(low * root, high * root),
                            reason=f"SE sqrt(n) at n = {n}; the SE: {self.se.reason}")
        return Quantity(value=self.se.value * root, source=self.se.source, decimals=self.se.precision)

    def key(self, stat: str) -> SlotKey:
        """The slot key of this summary's ``"mean"`` or ``"sd"``."""
        return SlotKey(stat, (self.group, self.variable))

    def slots(self, spec) -> Iterator[SlotQuantity]:
        yield SlotQuantity(self.key("mean"), f"mean of {self.variable} in {self.group}", self.mean)
        yield SlotQuantity(self.key("sd"), f"sd of {self.variable} in {self.group}", self.sd)

    def display_rows(self, spec) -> list[dict]:
        rows = []
        for stat in ("mean", "se" if self.sd_derived else "sd"):
            q = getattr(self, stat)
            if q is not None and not q.is_assumption:
                rows.append(display_row(f"{stat} of {spec.variables[self.variable].label} "
                                        f"({spec.groups[self.group].label})", f"{q.value:.{q.precision}f}", q.source))
        return rows

    def cross_check(self, spec, where: str) -> None:
        known("group", self.group, f"{where}.group", spec.groups)
        known("variable", self.variable, f"{where}.variable", spec.variables)
        if self.se is not None and not self.sd_derived:  # frozen model: derived once, at load (as n.s. is read)
            object.__setattr__(self, "sd", self.sd_from_se(spec.n(self.group)))
            object.__setattr__(self, "sd_derived", True)
        bounds = spec.variables[self.variable].bounds
        if bounds is not None and not bounds[0] <= self.target_mean <= bounds[1]:
            raise ValueError(f"{where} ({self.variable}): mean {self.target_mean:g} lies outside the scale "
                             f"[{bounds[0]:g}, {bounds[1]:g}]")


class Categorical(Figure):
    """How many members of a group fall in each level of a categorical variable."""

    spec_field: ClassVar[str] = "categoricals"
    group: str
    variable: str
    counts: dict[str, Quantity]

    def key(self, level: str) -> SlotKey:
        """The slot key of the count of ``level``."""
        return SlotKey("count", (self.group, self.variable, level))

    def slots(self, spec) -> Iterator[SlotQuantity]:
        for level, q in list(self.counts.items())[:-1]:  # the last level takes the remainder
            yield SlotQuantity(self.key(level), f"count of {self.variable} = {level} in {self.group}", q, whole=True)

    def display_rows(self, spec) -> list[dict]:
        return [display_row(f"{self.variable} = {level} ({spec.groups[self.group].label})", f"{q.value:.0f}", q.source)
                for level, q in self.counts.items() if not q.is_assumption]

    def cross_check(self, spec, where: str) -> None:
        known("group", self.group, f"{where}.group", spec.groups)
        total = sum(q.point for q in self.counts.values())
        if total != spec.n(self.group):
            raise ValueError(f"{where} ({self.variable}): counts add to {total:g}, "
                             f"not to n = {spec.n(self.group)} of {self.group}")
