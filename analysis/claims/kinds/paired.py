"""``paired``: the mean change ``after - before`` within one group (pre/post, crossover), with the paired t test.

As R's ``t.test(after, before, paired = TRUE)``: the mean of the differences, its t interval at n - 1 df, t and
the two-sided p (tested against R: ``tests/fixtures/r/reference_paired.*``). Rows missing either value are left
out and counted (``Estimate.n_dropped``).
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import model_validator
from scipy import stats as sps

from analysis.claims.kinds.base import EvidenceKind, Outcome, register
from analysis.core import scales
from analysis.core.errors import InputError
from analysis.core.results import Estimate


def paired_t(before, after, level: float = 0.95, names: tuple[str, str] = ("before", "after")) -> Estimate:
    """The paired t test of ``after - before``: mean change, its t CI at ``level``, t, df = n - 1, p (two-sided).

    Rows where either value is missing are dropped and counted in ``n_dropped``.
    """
    a, b = np.asarray(before, dtype=float), np.asarray(after, dtype=float)
    keep = ~(np.isnan(a) | np.isnan(b))
    d = b[keep] - a[keep]
    n = int(d.size)
    if n < 2:
        raise InputError("data", names[1], f"a paired comparison needs at least 2 complete pairs, got {n}")
    mean, se = float(d.mean()), float(d.std(ddof=1) / math.sqrt(n))
    t = mean / se if se > 0 else math.copysign(math.inf, mean) if mean else math.nan
    crit = float(sps.t.ppf(0.5 + level / 2, n - 1))
    return Estimate(test="Paired t test", term=f"{names[1]} - {names[0]}", estimate=mean, ci_low=mean - crit * se,
                    ci_high=mean + crit * se, ci_level=level, ci_method=f"t interval, df = {n - 1}",
                    statistic=t, statistic_name="t", df=float(n - 1), p=float(2 * sps.t.sf(abs(t), n - 1)),
                    estimate_type="mean change", n=n, n_dropped=int((~keep).sum()), se=se,
                    method="paired t test (mean of the differences), as R's t.test(paired = TRUE)")


@register
class PairedEvidence(EvidenceKind):
    """The mean change from ``before`` to ``after`` in ``group`` (each row one person measured twice)."""

    analysis: Literal["paired"]
    before: str
    after: str
    group: str | None = None

    scale = scales.MEAN_CHANGE

    @model_validator(mode="after")
    def _two_variables(self) -> "PairedEvidence":
        if self.before == self.after:
            raise ValueError(f"'before' and 'after' must be two columns, both are {self.before!r}")
        return self

    def columns(self) -> list[str]:
        return [self.before, self.after]

    def used_levels(self) -> dict[str, tuple[str, ...]]:
        return {"group": (self.group,)} if self.group else {}

    def prepare(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["group"] == self.group] if self.group and "group" in frame.columns else frame

    def run(self, frame, spec) -> Outcome:
        rows = self.prepare(frame)
        names = (self.before, self.after)
        primary = paired_t(rows[self.before], rows[self.after], names=names)
        primary = primary.with_interval(paired_t(rows[self.before], rows[self.after], level=0.90, names=names))
        return Outcome([primary], primary, self.scale, self.judged_sesoi)
