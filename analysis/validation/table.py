"""The validation results in words and tables: one row per case, a summary per kind, and the kinds whose
reconstructions mislead (named on the validation page and printed by ``hamstring-evidence validate``).

Examples
--------
>>> from analysis.validation.run import ValidationRecord
>>> r = ValidationRecord(case="V0", kind="two_group", dataset="d", what="w", printed="p", scale="g",
...                      true_estimate=0.50, true_ci=(0.1, 0.9), true_verdict="supported", estimate=0.52,
...                      ci=(0.1, 0.9), verdict="supported", basis="identified", reproduced=True)
>>> misleading([r])
{'two_group': ['V0: called identified, but 0.520 where the real data give 0.500']}
"""

from __future__ import annotations

import math

from analysis.validation.run import ValidationRecord

#: The table's columns: header and how to show a record.
COLUMNS = ["case", "kind", "basis", "truth", "reconstruction", "range", "identified = truth", "covered",
           "verdict (truth / reconstruction)", "reproduced"]


def _f(x: float | None) -> str:
    return "-" if x is None or not math.isfinite(x) else f"{x:.3f}"


def _yn(x: bool | None) -> str:
    return "-" if x is None else ("yes" if x else "NO")


def row(r: ValidationRecord) -> list[str]:
    """One case as the table's cells."""
    spread = f"{_f(r.ensemble_range[0])} to {_f(r.ensemble_range[1])}" if r.ensemble_range else "-"
    if r.error:
        return [r.case, r.kind, "error", _f(r.true_estimate), r.error[:60], "-", "-", "-", "-", "-"]
    return [r.case, r.kind, r.basis or "-", _f(r.true_estimate), _f(r.estimate), spread, _yn(r.equal),
            _yn(r.covered), f"{r.true_verdict} / {r.verdict}", _yn(r.reproduced)]


def misleading(records: list[ValidationRecord]) -> dict[str, list[str]]:
    """Per kind, the cases where the reconstruction misleads, each with why: an identified result that is not the
    truth, a range that misses the truth, a verdict that differs, or no reconstruction at all."""
    out: dict[str, list[str]] = {}
    for r in records:
        why = []
        if r.error:
            why.append(f"{r.case}: {r.error}")
        elif r.equal is False:
            why.append(f"{r.case}: called identified, but {r.estimate:.3f} where the real data give "
                       f"{r.true_estimate:.3f}")
        elif r.covered is False:
            why.append(f"{r.case}: the truth {r.true_estimate:.3f} lies outside the reconstruction's range")
        if r.same_verdict is False:
            why.append(f"{r.case}: verdict {r.verdict} on the reconstruction, {r.true_verdict} on the real data")
        if why:
            out.setdefault(r.kind, []).extend(why)
    return out


def text_table(records: list[ValidationRecord]) -> str:
    """The per-case table as aligned text."""
    rows = [COLUMNS, *[row(r) for r in records]]
    widths = [max(len(x[i]) for x in rows) for i in range(len(COLUMNS))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(x, widths)).rstrip() for x in rows)


#: Why reconstructions of a kind can mislead, as measured on the validation set (shown for a kind only when a run
#: finds it misleading). Each names the mechanism, not a case: the cases are listed beside it.
MECHANISMS: dict[str, str] = {
    "two_group": (
        "The generator builds each group with the printed mean and SD exactly, not with a mean and SD inside their "
        "rounding windows; a t and p printed from the unrounded data then do not come back, and a standardised "
        "difference from rounded figures can differ from the real one by more than the 0.005 the toolkit calls "
        "identified (about 0.01-0.02 in g where SDs are printed to two significant digits). Where the SDs are not "
        "printed, the ensemble's random draws need not reach the edges of the admissible range, so the truth can "
        "lie inside the assumed range yet outside the draws."),
    "paired": (
        "The mean change is the difference of the rounded means, not the printed mean change: with means printed "
        "to one decimal the reconstruction is off by up to 0.1 and calls that identified, although the paper "
        "printed the change more precisely. When the pre/post correlation is assumed, the verdict can move across "
        "its range while the true verdict is fixed."),
    "logistic": (
        "Covariates are drawn independently of each other, so adjusted p values (which depend on how the "
        "covariates go together) do not come back at three decimals and the result is marked not reproduced, "
        "although the odds ratio itself is close. Every draw of the assumption ensemble then misses the same "
        "figures and is left out, so no range is left to hold the truth."),
    "cox": (
        "The cohort generator decides who has the event by odds ratios and draws event times independently of the "
        "covariates, censoring everyone else at the end of follow-up. A hazard ratio fitted on such a "
        "reconstruction is not the paper's hazard ratio even when its inputs are the printed HRs: its verdict and "
        "range can miss the truth. Do not read a Cox result on a reconstruction as evidence."),
    "rate_interaction": (
        "A cohort printed as an odds ratio per year of age for each outcome is called identified, since no number in "
        "it is assumed, but its reconstruction still draws the ages (a beta between the printed range with the "
        "printed mean and SD, which papers round to whole years) and who has each event (weighted by the printed "
        "odds ratios) at random. The age x outcome interaction of the rate model then moves with the seed by more "
        "than the 0.005 the toolkit calls identified: on V30 three seeds gave 0.428 to 0.435 from the printed "
        "figures, and 0.41 to 0.48 from unrounded ones, where the real data give 0.456. A printed rate table "
        "(events per age band with the exposure of each band) is the model's sufficient statistic and comes back "
        "exactly."),
    "correlation": (
        "A printed r comes back exactly (exact moments); only an unprinted r rests on its significance statement."),
    "risk_ratio": "A 2x2 table of counts is the data itself: the reconstruction is exact.",
}
