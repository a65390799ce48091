"""``statement``: a finding the paper printed only as a direction and a significance level (no dataset, no size).

Such a test is always ``restated``: it repeats the paper's own significance test, so it speaks to the direction
of the effect and never to its size. What the statement allows for the size is said in words
(:meth:`StatementEvidence.consistent_with`): the smallest standardised difference or correlation a significant
result implies at the paper's n, or the largest a non-significant one allows.
"""

from __future__ import annotations

import math
from typing import Literal

from scipy import stats as sps

from analysis.claims.kinds.base import EvidenceKind, Outcome, register
from analysis.claims.synthesis import Basis
from analysis.core import scales
from analysis.core.errors import InputError
from analysis.core.results import Estimate


def critical_smd(n1: int, n2: int, alpha: float = 0.05) -> float:
    """Smallest |d| (pooled-SD standardised difference) that a two-sided Student t test calls significant.

    From :math:`t = d / \\sqrt{1/n_1 + 1/n_2}` on :math:`n_1 + n_2 - 2` df.

    >>> round(critical_smd(25, 25), 4)
    0.5687
    """
    t_crit = float(sps.t.ppf(1 - alpha / 2, n1 + n2 - 2))
    return t_crit * math.sqrt(1 / n1 + 1 / n2)


@register
class StatementEvidence(EvidenceKind):
    """The spec's ``statements`` entry ``statement``: its direction and significance, restated."""

    analysis: Literal["statement"]
    statement: str

    scale = scales.DIRECTION
    uses_dataset = False

    def _statement(self, spec):
        found = {s.id: s for s in spec.statements}
        if self.statement not in found:
            raise InputError(spec.id, "statement", f"no statement {self.statement!r}; known: {', '.join(found) or 'none'}")
        return found[self.statement]

    def run(self, frame, spec) -> Outcome:
        s = self._statement(spec)
        n = sum(s.n) if s.n else 0
        estimate = Estimate(test=f"Reported {s.measure} (size not published)", term=f"{s.comparison} -> {s.outcome}",
                            estimate=math.nan, estimate_type=s.measure, n=n,
                            p=s.p if s.p is not None and s.p_relation == "=" else None,
                            source=f"published ({spec.short}, {s.source})",
                            method=f"the paper's own test, restated: {s.printed}" + (f"; {s.test}" if s.test else ""))
        return Outcome([estimate], None, self.scale, self.judged_sesoi,
                       note=f"only the direction and significance were printed ({s.printed}): the test speaks to "
                            f"direction, not size")

    def basis_hint(self, spec) -> Basis | None:
        return Basis.ASSUMED if self._statement(spec).direction_assumed else Basis.RESTATED

    def stated_direction(self, spec) -> int | None:
        s = self._statement(spec)
        if not s.significant:
            return 0
        return 1 if s.direction == "positive" else -1

    def consistent_with(self, spec) -> str | None:
        """What the statement allows for the size, at the paper's n when it printed one.

        >>> from analysis.spec.model import StudySpec
        >>> spec = StudySpec.model_validate({"id": "X", "short": "x", "title": "t", "design": "case-control",
        ...     "citation": {"authors": "A", "year": 2020, "journal": "J"}, "population": "p", "variables": {},
        ...     "dataset_reason": "statements only", "statements": [{"id": "s", "outcome": "SLR",
        ...     "comparison": "LBP vs pain-free", "measure": "SMD", "significant": False, "p": 0.05,
        ...     "p_relation": ">", "n": [25, 25], "source": "abstract"}]})
        >>> StatementEvidence(analysis="statement", id="e", study="X", question="q", statement="s",
        ...                   direction="positive", sesoi=0.2, sesoi_reason="r").consistent_with(spec)
        'an SMD between -0.57 and 0.57 (printed: not significant (p > 0.05); n = 25 + 25)'
        """
        from analysis.spec.constraints import significance_range

        s = self._statement(spec)
        printed = f"printed: {s.printed}" + (f"; n = {' + '.join(map(str, s.n))}" if s.n else "")
        sign = 1 if s.direction == "positive" else -1
        if s.measure == "r" and s.n and len(s.n) == 1:
            low, high = significance_range(s.n[0], s.direction, s.significant, s.alpha)
            return f"r between {low:.2f} and {high:.2f} ({printed})"
        if s.measure == "SMD" and s.n and len(s.n) == 2:
            bound = critical_smd(s.n[0], s.n[1], s.alpha)
        else:
            null = "1" if s.measure in ("OR", "RR") else "0"
            label = {"OR": "an OR", "RR": "an RR", "MD": "a mean difference", "SMD": "an SMD", "r": "r"}.get(
                s.measure, "an association")
            if s.measure == "association":
                text = f"an association {'in the ' + s.direction + ' direction' if s.significant else 'not shown'}"
            elif s.significant:
                text = f"{label} {'above' if sign > 0 else 'below'} {null}, of unpublished size"
            else:
                text = f"{label} whose 95% CI includes {null}, of unpublished size"
            return f"{text} ({printed})"
        if not s.significant:
            return f"an SMD between {-bound:.2f} and {bound:.2f} ({printed})"
        return f"an SMD of {'at least' if sign > 0 else 'at most'} {sign * bound:.2f} ({printed})"
