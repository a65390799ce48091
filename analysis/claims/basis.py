"""What a result rests on, and how each result enters the synthesis.

:func:`basis_of` decides a result's :class:`~analysis.claims.synthesis.Basis` (published, identified, restated or
assumed); :func:`stated_verdict` and :func:`restated_verdict` give the verdict of a test that can only repeat a
paper's significance statement; :func:`synthesis_line` and :func:`pooled_synthesis_line` turn results into the
:class:`~analysis.claims.synthesis.Line` records the synthesis judges (with their risk-of-bias concerns).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.claims.kinds import EvidenceKind, Outcome
from analysis.claims.results import EvidenceResult, PooledResult
from analysis.claims.synthesis import Basis, Line
from analysis.claims.verdicts import Verdict
from analysis.spec.assumptions import assumption_slots
from analysis.spec.model import StudyFile

#: Largest change of the judged estimate, and of each limit of its 95% CI, across assumption draws for a result to
#: count as identified: half a unit in the second decimal, the precision papers print effect sizes, their CIs (and
#: log ratios) at. A point estimate pinned by the published figures whose interval still moves (e.g. with an assumed
#: group size or an assumed SD) is not identified: its uncertainty, and so its verdict's footing, is assumed.
IDENTIFIED_TOLERANCE = 0.005


def basis_of(ev: EvidenceKind, study: StudyFile, ensemble: pd.DataFrame, out: Outcome) -> tuple[Basis, str]:
    """What a result rests on (see :class:`Basis`), with a sentence saying why."""
    spec = study.spec
    if spec.composite:
        return Basis.ASSUMED, ("a composite of several papers' assumptions, not a study: a what-if simulation that "
                               "never counts as evidence")
    hint = ev.basis_hint(spec)
    if not ev.uses_dataset and hint is Basis.RESTATED:
        return Basis.RESTATED, ("the paper printed only the direction and significance of this finding; the test "
                                "repeats the paper's own test, so it shows a direction, not a size")
    if not ev.uses_dataset:
        if hint is Basis.ASSUMED:
            return Basis.ASSUMED, ("rests on a value or a direction the paper did not print: it is the spec's "
                                   "assumption")
        derived = out.judged is not None and out.ci_from_p
        return Basis.PUBLISHED, ("the published estimate; its CI derived from the published exact p" if derived
                                 else "the estimate and CI as published")
    if hint is Basis.RESTATED:
        return Basis.RESTATED, ("the paper printed only the direction and significance of this effect; the test "
                                "repeats the paper's own test, so it shows a direction, not a size; the "
                                "reconstruction's point value is assumed and is not a result")
    if not assumption_slots(spec):
        return Basis.IDENTIFIED, "every number the reconstruction reads is published"
    if not len(ensemble) or out.judged is None:
        return Basis.ASSUMED, "rests on assumed values that were not varied"
    j = out.judged
    moved = max(float(np.nanmax(np.abs(ensemble[column].to_numpy(float) - value)))
                for column, value in (("estimate", j.estimate), ("ci_low", j.ci_low), ("ci_high", j.ci_high)))
    if moved <= IDENTIFIED_TOLERANCE and ensemble["category"].nunique() == 1:
        return Basis.IDENTIFIED, (f"pinned by the published figures: the estimate and its CI the same (within "
                                  f"{IDENTIFIED_TOLERANCE}) across all {len(ensemble)} draws of what the paper did "
                                  f"not report")
    point_moved = float(np.nanmax(np.abs(ensemble["estimate"].to_numpy(float) - j.estimate)))
    if point_moved <= IDENTIFIED_TOLERANCE and ensemble["category"].nunique() == 1:
        lows, highs = ensemble["ci_low"], ensemble["ci_high"]
        return Basis.ASSUMED, (f"its CI moves with values the paper did not report (lower limit {lows.min():.2f} to "
                               f"{lows.max():.2f}, upper {highs.min():.2f} to {highs.max():.2f} across "
                               f"{len(ensemble)} draws), though the estimate does not: a sensitivity analysis, not "
                               f"evidence")
    spread = f"{ensemble['estimate'].min():.2f} to {ensemble['estimate'].max():.2f}"
    return Basis.ASSUMED, (f"moves with values the paper did not report (from {spread} across {len(ensemble)} draws): "
                           f"a sensitivity analysis, not evidence")


def stated_verdict(ev: EvidenceKind, direction: int | None) -> Verdict:
    """A printed direction and significance, restated: supported or contradicted in direction only; a
    non-significant finding (or a claim of no effect, which an unsized finding cannot show) is inconclusive."""
    if direction and ev.sign and direction == ev.sign:
        return Verdict("supported", "direction supported (the paper's significance test, restated)",
                       "the paper reports a significant effect in the claimed direction; its size was not published")
    if direction and ev.sign and direction == -ev.sign:
        return Verdict("contradicted", "direction contradicted (the paper's significance test, restated)",
                       "the paper reports a significant effect against the claimed direction; its size was not "
                       "published")
    if direction == 0:
        return Verdict("inconclusive", "inconclusive (restated significance)",
                       "the paper reports no significant effect; its size was not published, so it cannot show "
                       "the effect is absent")
    return Verdict("inconclusive", "inconclusive (restated significance)",
                   "a finding of unpublished size cannot show that an effect is negligible")


def restated_verdict(ev: EvidenceKind, ensemble: pd.DataFrame, out: Outcome) -> Verdict:
    """The paper's own significance test, restated: its direction, never a size."""
    if len(ensemble):
        lows, highs = ensemble["ci_low"].to_numpy(float), ensemble["ci_high"].to_numpy(float)
    elif out.judged is not None:
        lows, highs = np.array([out.judged.ci_low]), np.array([out.judged.ci_high])
    else:
        return Verdict("inconclusive", "inconclusive (restated significance)", "no estimate to restate")
    sign = ev.sign or 1
    low, high = np.minimum(sign * lows, sign * highs), np.maximum(sign * lows, sign * highs)
    if ev.sign != 0 and bool(np.all(low > 0)):
        return Verdict("supported", "direction supported (the paper's significance test, restated)",
                       "the paper reports a significant effect in the claimed direction; its size was not published")
    if ev.sign != 0 and bool(np.all(high < 0)):
        return Verdict("contradicted", "direction contradicted (the paper's significance test, restated)",
                       "the paper reports a significant effect against the claimed direction")
    return Verdict("inconclusive", "inconclusive (restated significance)",
                   "the paper's own test, under the paper's own model, finds no significant effect; its size was not "
                   "published")


def _risk_of_bias(r: EvidenceResult) -> tuple[str, ...]:
    spec = r.study.spec
    out: list[str] = []
    if r.basis is Basis.OBSERVED:
        return ()
    if "unidentified" in spec.citation.authors.lower():
        out.append("source unidentified")
    sources = {row["where"] for row in spec.display_rows()}
    if sources and sources <= {"abstract", "secondary"}:
        out.append("figures from the abstract or a secondary source only")
    if r.basis in (Basis.IDENTIFIED, Basis.RESTATED) and r.evidence.uses_dataset:
        out.append("a reconstruction from summary figures")
    return tuple(out)


def synthesis_line(r: EvidenceResult) -> Line:
    j = r.outcome.judged if r.outcome else None
    sesoi = r.outcome.sesoi if r.outcome else r.evidence.judged_sesoi
    return Line(r.evidence.id, r.study.spec.id, r.study.spec.design, r.basis, r.verdict.category,
                j.estimate if j else None, j.ci_low if j else None, j.ci_high if j else None, sesoi, r.evidence.sign,
                r.study.spec.randomised, _risk_of_bias(r), r.evidence.indirectness, r.study.spec.composite,
                j.extra.get("I2") if j else None)


def pooled_synthesis_line(p: PooledResult, results: list[EvidenceResult]) -> Line:
    members = [r for r in results if r.evidence.id in p.evidence_ids]
    designs = sorted({r.study.spec.design for r in members})
    e = p.estimate
    first = members[0]
    return Line("pooled " + ", ".join(p.evidence_ids), "+".join(sorted({r.study.spec.id for r in members})),
                designs[0] if len(designs) == 1 else "mixed", Basis.PUBLISHED
                if all(r.basis is Basis.PUBLISHED for r in members) else Basis.IDENTIFIED, p.verdict.category,
                e.estimate, e.ci_low, e.ci_high, first.outcome.sesoi, first.evidence.sign,
                all(r.study.spec.randomised for r in members),
                tuple(sorted({why for r in members for why in _risk_of_bias(r)})),
                "; ".join(sorted({r.evidence.indirectness for r in members if r.evidence.indirectness})) or None,
                False, e.extra.get("I2"), tuple(p.evidence_ids))
