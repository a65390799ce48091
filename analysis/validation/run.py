"""Run the validation set: publish each real dataset as a paper would, let the toolkit reconstruct and analyse it
exactly as it does a real study, and compare with the real data's own result.

For each case, :func:`run_case` gives a :class:`ValidationRecord`: the real data's estimate, CI and verdict (the
same analysis kind run on the real rows), the reconstruction's (the engine's :func:`run_evidence` on the spec, in a
registry of its own), its basis (identified, assumed, restated), whether it gives back every printed figure, whether
an identified result equals the truth within the toolkit's identification tolerance, whether the assumption
ensemble's range holds the truth, and whether the verdicts agree.
"""

from __future__ import annotations

import math
import os
import tempfile
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from analysis.claims.basis import IDENTIFIED_TOLERANCE
from analysis.claims.engine import judge_outcome, run_evidence
from analysis.claims.kinds import make_evidence
from analysis.core.errors import InputError, ReconstructionError
from analysis.core.paths import DATA_ENV
from analysis.spec.model import load_study
from analysis.validation.cases import CASES, Case

#: Draws of the assumption ensemble per case (the engine's own ensemble, capped for a run of a few minutes).
VALIDATION_DRAWS = 40

#: What the validation page states, per kind: how many cases (of those that ran, at ``VALIDATION_DRAWS``) had an
#: identified result equal to the truth, a range covering the truth, the same verdict, and every printed figure
#: given back. Measured on 2026-12-05 (with the rate cases V29 and V30 the same day); ``tests/test_validation.py``
#: fails if a run gives fewer.
STATED: dict[str, dict[str, int]] = {
    "two_group": {"identified_equal": 1, "covered": 5, "same_verdict": 8, "reproduced": 3},
    "correlation": {"identified_equal": 5, "covered": 7, "same_verdict": 7, "reproduced": 7},
    "risk_ratio": {"identified_equal": 4, "covered": 4, "same_verdict": 4, "reproduced": 4},
    "paired": {"identified_equal": 0, "covered": 0, "same_verdict": 2, "reproduced": 2},
    "logistic": {"identified_equal": 0, "covered": 2, "same_verdict": 3, "reproduced": 0},
    "cox": {"identified_equal": 0, "covered": 1, "same_verdict": 1, "reproduced": 2},
    "rate_interaction": {"identified_equal": 1, "covered": 1, "same_verdict": 2, "reproduced": 2},
    "all": {"identified_equal": 11, "covered": 20, "same_verdict": 27, "reproduced": 20},
}
#: The analysis kinds whose reconstructions mislead on the validation set (an identified result that is not the
#: truth, a range missing it, or another verdict); named on every claim page with a test of that kind on a
#: reconstruction. ``tests/test_validation.py`` fails when a run finds a different set.
MISLEADING_KINDS: tuple[str, ...] = ("two_group", "paired", "logistic", "cox", "rate_interaction")


@dataclass(frozen=True)
class ValidationRecord:
    """One case's comparison of the reconstruction with the truth. Estimates are on the judged scale (logs of
    ratios); ``None`` where a step could not run (``error`` says why)."""

    case: str
    kind: str
    dataset: str
    what: str
    printed: str
    scale: str
    true_estimate: float | None = None
    true_ci: tuple[float, float] | None = None
    true_verdict: str | None = None
    estimate: float | None = None
    ci: tuple[float, float] | None = None
    verdict: str | None = None
    basis: str | None = None
    reproduced: bool | None = None
    not_reproduced: tuple[str, ...] = ()
    ensemble_range: tuple[float, float] | None = None
    draws: int = 0
    error: str | None = None

    @property
    def identified(self) -> bool:
        return self.basis == "identified"

    @property
    def equal(self) -> bool | None:
        """An identified result equals the truth within the identification tolerance (None if not identified)."""
        if not self.identified or self.estimate is None or self.true_estimate is None:
            return None
        return abs(self.estimate - self.true_estimate) <= IDENTIFIED_TOLERANCE

    @property
    def covered(self) -> bool | None:
        """The truth lies in the range the reconstruction claims: the ensemble's range of estimates (with the
        reconstruction's own point), widened by the identification tolerance; None when nothing ran."""
        if self.estimate is None or self.true_estimate is None:
            return None
        low, high = self.ensemble_range or (self.estimate, self.estimate)
        low, high = min(low, self.estimate), max(high, self.estimate)
        return low - IDENTIFIED_TOLERANCE <= self.true_estimate <= high + IDENTIFIED_TOLERANCE

    @property
    def ci_covers(self) -> bool | None:
        """The reconstruction's 95% CI holds the real data's estimate."""
        if self.ci is None or self.true_estimate is None:
            return None
        return min(self.ci) <= self.true_estimate <= max(self.ci)

    @property
    def same_verdict(self) -> bool | None:
        if self.verdict is None or self.true_verdict is None:
            return None
        return self.verdict == self.true_verdict

    def to_dict(self) -> dict:
        out = asdict(self)
        out.update(identified=self.identified, equal=self.equal, covered=self.covered, ci_covers=self.ci_covers,
                   same_verdict=self.same_verdict)
        return out


@contextmanager
def registry(folder: Path):
    """The engine reads specs from ``folder`` (its ``studies/``) while inside; the previous data folder after."""
    before = os.environ.get(DATA_ENV)
    os.environ[DATA_ENV] = str(folder)
    try:
        yield folder
    finally:
        if before is None:
            os.environ.pop(DATA_ENV, None)
        else:
            os.environ[DATA_ENV] = before


def write_specs(cases: list[Case], folder: Path) -> dict[str, pd.DataFrame]:
    """Write each case's spec to ``folder/studies/ID.yaml`` (and an empty claims folder); the real frames by id."""
    (folder / "studies").mkdir(parents=True, exist_ok=True)
    (folder / "claims").mkdir(exist_ok=True)
    frames = {}
    for case in cases:
        frame = case.frame()
        frames[case.id] = frame
        text = yaml.safe_dump(case.spec(frame), sort_keys=False, allow_unicode=True)
        (folder / "studies" / f"{case.id}.yaml").write_text(text, encoding="utf-8")
    return frames


def _num(x) -> float | None:
    return None if x is None or not math.isfinite(float(x)) else float(x)


def run_case(case: Case, frame: pd.DataFrame, draws: int = VALIDATION_DRAWS) -> ValidationRecord:
    """Compare one case's reconstruction with its truth (inside :func:`registry`)."""
    ev = make_evidence(**case.evidence_entry())
    base = dict(case=case.id, kind=case.kind, dataset=case.dataset, what=case.what, printed=case.printed,
                scale=ev.effect_scale)
    try:
        spec = load_study(case.id)
        truth = ev.run(frame, spec)
    except InputError as exc:
        return ValidationRecord(**base, error=f"the spec does not load: {exc}")
    j = truth.judged
    base.update(true_estimate=_num(j.estimate), true_ci=(_num(j.ci_low), _num(j.ci_high)),
                true_verdict=judge_outcome(truth, ev).category)
    try:
        result = run_evidence(ev, causal_language=False, ensemble_draws=draws)
    except (InputError, ReconstructionError) as exc:
        return ValidationRecord(**base, error=f"no reconstruction: {exc}")
    r = result.outcome.judged
    ens = result.ensemble
    spread = ((float(np.nanmin(ens["estimate"])), float(np.nanmax(ens["estimate"]))) if len(ens) else None)
    return ValidationRecord(**base, estimate=_num(r.estimate), ci=(_num(r.ci_low), _num(r.ci_high)),
                            verdict=result.verdict.category, basis=result.basis.value,
                            reproduced=not result.not_reproduced,
                            not_reproduced=tuple(f"{c.figure}: printed {c.published}, reconstructed {c.reconstructed}"
                                                 for c in result.not_reproduced),
                            ensemble_range=spread, draws=len(ens))


def run_validation(cases: list[Case] | None = None, draws: int = VALIDATION_DRAWS,
                   keep: Path | None = None) -> list[ValidationRecord]:
    """Every case of the validation set (or ``cases``), in order. ``keep``: a folder to leave the written specs in
    (a temporary one otherwise)."""
    cases = CASES if cases is None else cases
    with tempfile.TemporaryDirectory(prefix="he-validation-") as tmp:
        folder = Path(keep) if keep is not None else Path(tmp)
        frames = write_specs(cases, folder)
        with registry(folder):
            return [run_case(c, frames[c.id], draws) for c in cases]


def records_frame(records: list[ValidationRecord]) -> pd.DataFrame:
    """The records as a table, one row per case."""
    return pd.DataFrame([r.to_dict() for r in records])


def summary(records: list[ValidationRecord]) -> pd.DataFrame:
    """Per kind and overall: cases, errors, reproduced, identified, identified equal to the truth, covered (of
    the cases that ran), CI covering the truth, same verdict."""
    rows = []
    groups = [(k, [r for r in records if r.kind == k]) for k in dict.fromkeys(r.kind for r in records)]
    for kind, rs in [*groups, ("all", records)]:
        ran = [r for r in rs if r.error is None]
        rows.append({"kind": kind, "cases": len(rs), "errors": len(rs) - len(ran),
                     "reproduced": sum(bool(r.reproduced) for r in ran),
                     "identified": sum(r.identified for r in ran),
                     "identified_equal": sum(bool(r.equal) for r in ran),
                     "covered": sum(bool(r.covered) for r in ran),
                     "ci_covers": sum(bool(r.ci_covers) for r in ran),
                     "same_verdict": sum(bool(r.same_verdict) for r in ran), "ran": len(ran)})
    return pd.DataFrame(rows)
