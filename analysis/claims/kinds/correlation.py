"""``correlation``: Pearson r between two variables of one group (Spearman's rho reported beside it)."""

from __future__ import annotations

from typing import Literal

import pandas as pd

from analysis import stats
from analysis.claims.kinds.base import EvidenceKind, Outcome, Plot, register
from analysis.claims.synthesis import Basis
from analysis.core import scales
from analysis.core.results import Estimate


@register
class CorrelationEvidence(EvidenceKind):
    """r(x, y) within ``group``; the claimed direction is the sign of r."""

    analysis: Literal["correlation"]
    x: str
    y: str
    group: str | None = None

    scale = scales.R

    def columns(self) -> list[str]:
        return [self.x, self.y]

    def used_levels(self) -> dict[str, tuple[str, ...]]:
        return {"group": (self.group,)} if self.group else {}

    def prepare(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["group"] == self.group] if self.group and "group" in frame.columns else frame

    def run(self, frame, spec) -> Outcome:
        rows = self.prepare(frame)
        names = (self.x, self.y)
        primary = stats.pearson(rows[self.x], rows[self.y], names=names)
        ninety = stats.pearson(rows[self.x], rows[self.y], level=0.90, names=names)
        primary = primary.with_interval(ninety)
        return Outcome([primary, stats.spearman(rows[self.x], rows[self.y], names=names)], primary, self.scale,
                       self.judged_sesoi)

    def basis_hint(self, spec) -> Basis | None:
        c = spec.correlation(self.group, self.x, self.y) if self.group in spec.groups else None
        if c is not None and c.r.is_assumption and (c.significant is not None or c.p is not None):
            return Basis.RESTATED
        return None

    def consistent_with(self, spec) -> str | None:
        """The r values the paper's statement allows at its n (from its sign and significance, or its exact p).

        >>> from analysis.spec.model import load_study
        >>> ev = CorrelationEvidence(analysis="correlation", id="e", study="S1", question="q", group="clbp",
        ...                          x="hamstring_length", y="nprs", direction="negative", sesoi=0.1, sesoi_reason="r")
        >>> ev.consistent_with(load_study("S1"))
        'r between -1.00 and -0.25 (printed: negative, p < 0.05; n = 60)'
        """
        c = spec.correlation(self.group, self.x, self.y) if self.group in spec.groups else None
        n = spec.n(self.group) if c is not None else 0
        stated = c.statement_range(n) if c is not None and c.r.is_assumption else None
        if stated is None:
            return None
        low, high = stated
        if c.significant is not None:
            printed = f"{c.sign or 'sign not reported'}, {'p < ' if c.significant else 'not significant at '}{c.alpha:g}"
        else:
            printed = f"p = {c.p:g}" + (f", {c.sign}" if c.sign else "")
        assumed = " (sign assumed)" if c.sign_assumed else ""
        if c.mirrored():
            low, high = c.magnitude_range(n)
            return f"|r| between {low:.2f} and {high:.2f}, sign not printed (printed: {printed}; n = {n})"
        return f"r between {low:.2f} and {high:.2f} (printed: {printed}{assumed}; n = {n})"

    def fast_ensemble(self, study, draws, seed):
        """Every draw's r from one batched computation (the same draws as building each dataset)."""
        from analysis.claims.verdicts import judge
        from analysis.generate.ensemble import correlation_ensemble
        from analysis.stats.correlation import fisher_z_ci

        spec = study.spec
        if self.group not in spec.groups or not {self.x, self.y} <= set(spec.joint_variables(self.group)):
            return None
        if any(g.n.is_assumption for g in spec.groups.values()):
            return None  # a drawn group size changes the shape of each draw: built one dataset at a time instead
        ens = correlation_ensemble(spec, self.group, draws=draws, seed=seed)
        names = ens["variables"]
        i, j = names.index(self.x), names.index(self.y)
        n = spec.n(self.group)
        rows = []
        for k, overrides in enumerate(ens["overrides"]):
            r = float(ens["r"][k, i, j])
            lo95, hi95 = fisher_z_ci(r, n, 0.95)
            lo90, hi90 = fisher_z_ci(r, n, 0.90)
            e95 = Estimate(test="Pearson correlation", term=f"{self.x}, {self.y}", estimate=r, ci_low=lo95,
                           ci_high=hi95, estimate_type="r", other_cis=((0.90, lo90, hi90),))
            category = judge(e95, self.sign, self.sesoi).category
            rows.append({"draw": k + 1, "estimate": r, "ci_low": lo95, "ci_high": hi95, "category": category,
                         **overrides})
        return pd.DataFrame(rows)

    def power_statement(self, result) -> str | None:
        n = result.primary.n
        return (f"With n = {n}, the power to detect r = {self.sesoi:g} (two-sided, alpha = .05) was "
                f"{100 * stats.power_correlation(self.sesoi, n):.0f}%; the smallest correlation detectable with 80% "
                f"power is r = {stats.detectable_correlation(n):.2f} (pwr.r.test formula).")

    def figures(self, result, synthetic: str) -> list[Plot]:
        from analysis import figures

        spec = result.study.spec
        rows = self.prepare(result.frame)

        def label(v):
            return spec.variables[v].label if v in spec.variables else v

        return [Plot(figures.scatter_with_fit(rows, self.x, self.y, label(self.x), label(self.y)),
                       f"{label(self.y)} against {label(self.x)}, with the OLS line and its 95% confidence band."
                       f"{synthetic}")]
