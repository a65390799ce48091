"""``risk_ratio``: the risk ratio (Katz log CI) of an outcome level by an exposure level, from individual rows."""

from __future__ import annotations

from typing import Literal

from analysis import stats
from analysis.claims.kinds.base import EvidenceKind, Outcome, Plot, log_scale, register
from analysis.core import scales


@register
class RiskRatioEvidence(EvidenceKind):
    """RR of ``outcome = event`` for ``exposure = exposed`` against every other exposure level (Fisher and
    chi-square reported beside it)."""

    analysis: Literal["risk_ratio"]
    exposure: str
    exposed: str
    outcome: str
    event: str

    scale = scales.LOG_RR
    ratio = True

    def columns(self) -> list[str]:
        return [self.exposure, self.outcome]

    def prepare(self, frame):
        return frame[[self.exposure, self.outcome]].dropna().astype(str)

    def run(self, frame, spec) -> Outcome:
        rows = self.prepare(frame)
        a, n1, c, n2 = stats.tables.table_counts(rows, self.exposure, self.outcome, exposed=self.exposed,
                                                 event=self.event)
        term = f"{self.exposure} = {self.exposed} vs not, for {self.outcome} = {self.event}"
        rr = stats.risk_ratio(a, n1, c, n2, term=term).with_interval(stats.risk_ratio(a, n1, c, n2, level=0.90,
                                                                                     term=term))
        others = [stats.fisher_exact(a, n1, c, n2, term=term), stats.chi_square(a, n1, c, n2, term=term)]
        return Outcome([rr, *others], log_scale(rr), self.scale, self.judged_sesoi)

    def figures(self, result, synthetic: str) -> list[Plot]:
        from analysis import figures

        rows = self.prepare(result.frame)
        levels = [self.exposed, *sorted(set(rows[self.exposure]) - {self.exposed})]
        events = [int(((rows[self.exposure] == lv) & (rows[self.outcome] == self.event)).sum()) for lv in levels]
        n = [int((rows[self.exposure] == lv).sum()) for lv in levels]
        return [Plot(figures.proportions([f"{self.exposure} = {lv}" for lv in levels], events, n,
                                           f"proportion with {self.outcome} = {self.event}"),
                       f"Proportion with {self.outcome} = {self.event} by {self.exposure}, with exact 95% CIs."
                       f"{synthetic}")]
