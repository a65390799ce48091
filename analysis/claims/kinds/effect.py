"""``effect``: a published estimate with its CI, judged directly (no dataset)."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Literal

import pandas as pd
from pydantic import model_validator
from scipy import stats as sps

from analysis.claims.kinds.base import EvidenceKind, Outcome, Plot, register
from analysis.claims.synthesis import Basis
from analysis.core import scales
from analysis.core.errors import InputError
from analysis.core.results import Estimate
from analysis.stats.proportion import events_from_printed, exact_ci

RATIO_MEASURES = {"OR", "RR", "HR"}


@register
class PublishedEffectEvidence(EvidenceKind):
    """The published effect ``effect`` (an id in the spec's ``effects``) on its own scale (ratios as logs).

    A published proportion is judged against the ``threshold`` its claim names, on the side ``direction`` gives
    (positive: the claim says above it, "more than half"; negative: below it). On such an entry ``threshold`` takes
    the place of ``sesoi`` (the two are one number there: the entry's ``sesoi`` holds the threshold) and
    ``sesoi_reason`` says why that threshold. Without a printed CI, the CI is the exact (Clopper-Pearson) interval of
    the count behind the printed proportion and n.

    Examples
    --------
    >>> ev = PublishedEffectEvidence(analysis="effect", id="e", study="S98", question="q", effect="l5-back",
    ...                              direction="positive", threshold=0.5, sesoi_reason="'most' read as more than half")
    >>> ev.threshold, ev.sesoi
    (0.5, 0.5)
    """

    analysis: Literal["effect"]
    effect: str
    #: For a published proportion: the value the claim names (0.5 for "more than half"), in place of ``sesoi``.
    threshold: float | None = None

    @model_validator(mode="before")
    @classmethod
    def _threshold_in_place_of_sesoi(cls, raw):
        if not isinstance(raw, dict) or raw.get("threshold") is None:
            return raw
        t = raw["threshold"]
        if "sesoi" in raw:
            raise ValueError("give threshold (for a published proportion) or sesoi, not both")
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not 0 < t < 1:
            raise ValueError(f"threshold must be a proportion between 0 and 1, got {t!r}")
        if raw.get("direction") == "none":
            raise ValueError("a threshold is judged on a side: direction positive (above it) or negative (below it)")
        return {**raw, "sesoi": float(t)}

    scale = scales.Scale("published effect")
    uses_dataset = False

    def _published(self, spec):
        effects = {e.id: e for e in spec.effects}
        if self.effect not in effects:
            raise InputError(spec.id, "effect", f"no published effect {self.effect!r}; known: {', '.join(effects)}")
        return effects[self.effect]

    def run(self, frame, spec) -> Outcome:
        eff = self._published(spec)
        if (eff.measure == "proportion") != (self.threshold is not None):
            raise InputError(f"evidence {self.id}", "threshold",
                             f"{spec.id}'s {eff.id} is a proportion: name the threshold the claim states (with "
                             "direction positive for above it, negative for below)" if self.threshold is None else
                             f"a threshold applies to a published proportion; {spec.id}'s {eff.id} is a {eff.measure}")
        out = self._judged(eff, spec)
        out.threshold = self.threshold
        return out

    def _judged(self, eff, spec) -> Outcome:
        value = eff.estimate.point
        ratio = eff.measure in RATIO_MEASURES
        scale = scales.for_measure(eff.measure)
        sesoi = math.log(self.sesoi) if ratio else self.sesoi
        base = Estimate(test=f"Published {eff.measure}", term=f"{eff.comparison} -> {eff.outcome}", estimate=value,
                        estimate_type=eff.measure, n=eff.n or 0, source=f"published ({spec.short}, {eff.estimate.source})",
                        method=f"{'Adjusted ' if eff.adjusted else ''}{eff.measure} as published"
                               + (f" ({eff.unit})" if eff.unit else "") + (f"; {eff.note}" if eff.note else ""))
        f = math.log if ratio else (lambda v: v)
        centre = f(value)
        if eff.ci is None and eff.measure == "r" and eff.n and eff.n > 3 and abs(value) < 1:
            return self._fisher_z(eff, base, sesoi)
        if eff.ci is None and eff.measure == "proportion" and eff.n and not eff.estimate.is_assumption:
            return self._exact_proportion(eff, base, spec)
        if eff.ci is None:
            if eff.p is None or eff.p_relation != "=" or centre == 0 or not 0 < eff.p < 1:
                against = "its threshold (no n was printed either)" if self.threshold is not None else "zero or the SESOI"
                return Outcome([base], None, scale, sesoi,
                               note="no CI was published (nor an exact p to derive one from), so the estimate cannot "
                                    f"be judged against {against}")
            se = abs(centre) / float(sps.norm.isf(eff.p / 2))
            z = sps.norm.ppf(0.5 + eff.ci_level / 2)
            lo, hi = centre - z * se, centre + z * se
            back = math.exp if ratio else (lambda v: v)
            derived = replace(base, ci_low=back(lo), ci_high=back(hi), ci_level=eff.ci_level,
                              ci_method="derived from the published estimate and exact p (Altman & Bland 2011)",
                              statistic=centre / se, statistic_name="z", p=eff.p, se=se)
            judged = replace(derived, estimate=centre, ci_low=lo, ci_high=hi, estimate_type=scale.name)
            return Outcome([derived], judged, scale, sesoi, ci_from_p=True,
                           note=f"no CI was published: the CI is derived from the estimate and its exact p = {eff.p:g} "
                                f"(SE = |estimate| / z(p/2), normal approximation)")
        lo, hi = eff.ci
        z = sps.norm.ppf(0.5 + eff.ci_level / 2)
        se = (f(hi) - f(lo)) / (2 * z)
        how = f"normal approximation on the {'log' if ratio else 'natural'} scale"
        printed_p = eff.p is not None and eff.p_relation == "="
        p = eff.p if printed_p else float(2 * sps.norm.sf(abs(centre / se)))
        derived = "z, from the published CI" if printed_p else "statistic and p, from the published CI"
        method = (f"{base.method}; p = {eff.p_text} as printed, z derived from the published CI ({how})" if printed_p
                  else f"{base.method}; z and p derived from the published CI ({how}), not printed")
        published = replace(base, ci_low=lo, ci_high=hi, ci_level=eff.ci_level, ci_method="as published",
                            statistic=centre / se, statistic_name="z", p=p, method=method,
                            extra={**base.extra, "derived": f"{derived} ({how})"})
        judged = replace(published, estimate=centre, ci_low=f(lo), ci_high=f(hi), estimate_type=scale.name, se=se,
                         ci_method="from the published CI (SE = width / 2z)",
                         extra={**published.extra, **({"I2": eff.i2} if eff.i2 is not None else {})})
        return Outcome([published], judged, scale, sesoi,
                       note=("p as printed; the 90% CI derived from the published CI (normal approximation)"
                             if printed_p else "p and the 90% CI are derived from the published CI (normal "
                                               "approximation)"))

    @staticmethod
    def _fisher_z(eff, base: Estimate, sesoi: float) -> Outcome:
        """A published r without a CI: the Fisher z interval from r and n (the printed p is checked by the forensics)."""
        from analysis.stats.correlation import fisher_z_ci

        lo, hi = fisher_z_ci(eff.estimate.point, eff.n, eff.ci_level)
        lo90, hi90 = fisher_z_ci(eff.estimate.point, eff.n, 0.90)
        est = replace(base, ci_low=lo, ci_high=hi, ci_level=eff.ci_level, estimate_type="r",
                      ci_method="Fisher z from the published r and n", p=eff.p if eff.p_relation == "=" else None,
                      other_cis=((0.90, lo90, hi90),))
        return Outcome([est], est, scales.R, sesoi, note="no CI was published: the CI is the Fisher z interval of the "
                                                    f"published r at n = {eff.n}")

    def _exact_proportion(self, eff, base: Estimate, spec) -> Outcome:
        """A published proportion and its n without a CI: the count behind the printed value (an input error when
        none gives it) and its exact Clopper-Pearson interval, as R's ``binom.test``."""
        places = eff.estimate.precision
        x = events_from_printed(eff.estimate.point, eff.n, places, eff.rounding)
        if x is None:
            raise InputError(f"study {spec.id}", f"effects.{eff.id}.estimate",
                             f"no count of n = {eff.n} gives the printed proportion {eff.estimate.point:.{places}f} "
                             f"({eff.rounding} to {places} decimals): the proportion, n or rounding is wrong")
        lo, hi = exact_ci(x, eff.n, eff.ci_level)
        how = "rounds" if eff.rounding == "rounded" else "truncates (declared in the spec)"
        est = replace(base, estimate=x / eff.n, ci_low=lo, ci_high=hi, ci_level=eff.ci_level, n=eff.n,
                      ci_method="exact (Clopper-Pearson), from the count and n",
                      method=f"{base.method}; {x} of {eff.n}: the count whose share {how} to the printed "
                             f"{eff.estimate.point:.{places}f}", extra={**base.extra, "events": x})
        return Outcome([est], est, scales.for_measure("proportion"), self.sesoi,
                       note=f"no CI was published: the CI is the exact (Clopper-Pearson) interval of {x} of {eff.n}")

    def basis_hint(self, spec) -> Basis | None:
        return Basis.ASSUMED if self._published(spec).estimate.is_assumption else Basis.PUBLISHED

    def figures(self, result, synthetic: str) -> list[Plot]:
        from analysis import figures

        out = result.outcome
        if out is None or out.judged is None:
            return []
        j = out.judged
        row = pd.DataFrame([{"label": self.id, "scale": out.scale.name, "estimate": j.estimate, "ci_low": j.ci_low,
                             "ci_high": j.ci_high, "category": result.verdict.category}])
        return [Plot(figures.forest(row), f"The published estimate with its 95% CI on the {out.scale} scale.")]
