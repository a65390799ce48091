"""The summary-of-findings tables as files a review or a guideline panel can take (issue #32, item 4): one row per
claim outcome, as a GRADEpro table prints it, written as CSV, Excel (.xlsx) or Markdown.

A pure view of typed results (:class:`~analysis.claims.results.ClaimResult` and its
:class:`~analysis.claims.results.OutcomeSummary` rows): the effect is shown on its natural scale (a ratio back from
its log), each downgrade and upgrade with its reason, the source reviews' own ratings beside, and the statement.
A claim without declared outcomes gives one row that says so.

Examples
--------
>>> from analysis.claims.cached import cached_run_claim
>>> from analysis.claims.model import load_claim
>>> result, _ = cached_run_claim(load_claim("hamstring-stiffness-lbp"), ensemble_draws=4)
>>> frame = sof_frame([result])
>>> list(frame.columns[:4])
['claim_id', 'claim', 'outcome', 'critical']
>>> frame.loc[frame.critical, "certainty"].tolist()
['low']
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import pandas as pd

from analysis.claims.results import ClaimResult, OutcomeSummary
from analysis.core.errors import InputError
from analysis.core.files import atomic_write
from analysis.report.sof_text import effect_text

__all__ = ["COLUMNS", "FORMATS", "sof_frame", "sof_bytes", "write_sof"]

#: The columns, in order: what a GRADEpro summary-of-findings table holds, plus the claim and the machine values.
COLUMNS = ["claim_id", "claim", "outcome", "critical", "question", "population", "exposure", "comparator",
           "time_frame", "participants", "studies", "relative_effect", "measure", "estimate", "ci_low", "ci_high",
           "pooled", "absolute_per_1000", "certainty", "starts", "downgrades", "upgrades", "review_ratings",
           "statement", "claim_verdict"]
#: File suffix -> format name.
FORMATS = {".csv": "CSV", ".xlsx": "Excel", ".md": "Markdown"}


def _natural(value: float | None, ratio: bool) -> float | None:
    if value is None:
        return None
    return math.exp(value) if ratio else float(value)


def _row(result: ClaimResult, row: OutcomeSummary) -> dict:
    d, g, e, j = row.decl, row.grade, row.effect or {}, row.to_json_dict()
    ratio = bool(e.get("ratio"))
    ci = e.get("ci") or [None, None]
    absolute = j["absolute"]
    return {"claim_id": result.claim.id, "claim": result.claim.title, "outcome": d.outcome, "critical": d.critical,
            "question": d.question, "population": d.population, "exposure": d.exposure, "comparator": d.comparator,
            "time_frame": d.time_frame, "participants": j["participants"], "studies": ", ".join(j["studies"]),
            "relative_effect": effect_text(row) if row.effect else "no study measured it",
            "measure": str(e["measure"]).replace("log ", "") if e.get("measure") else None,
            "estimate": _natural(e.get("estimate"), ratio), "ci_low": _natural(ci[0], ratio),
            "ci_high": _natural(ci[1], ratio), "pooled": bool(e.get("pooled")),
            "absolute_per_1000": (f"{absolute['per_1000']} ({absolute['ci_per_1000'][0]} to "
                                  f"{absolute['ci_per_1000'][1]}) vs {round(absolute['baseline_per_1000'])} without"
                                  if absolute else None),
            "certainty": g.certainty if g else "not assessed", "starts": g.start if g else None,
            "downgrades": "; ".join(f"{s.domain} (-{s.levels}): {s.reason}" for s in g.downgrades) if g else "",
            "upgrades": "; ".join(f"{s.domain} (+{s.levels}): {s.reason}" for s in g.upgrades) if g else "",
            "review_ratings": "; ".join(f"{study} {r.rating}" + (f" ({r.reasons})" if r.reasons else "")
                                        for study, r in row.review_ratings),
            "statement": row.statement, "claim_verdict": result.verdict.label}


def sof_frame(results: list[ClaimResult]) -> pd.DataFrame:
    """One row per outcome of every claim in ``results`` (a claim without declared outcomes: one row saying so)."""
    rows = []
    for result in results:
        if result.outcomes:
            rows.extend(_row(result, row) for row in result.outcomes)
        else:
            rows.append({"claim_id": result.claim.id, "claim": result.claim.title,
                         "statement": "no outcomes declared: " + (result.bottom_line or result.verdict.reason),
                         "certainty": result.certainty, "claim_verdict": result.verdict.label})
    return pd.DataFrame(rows, columns=COLUMNS)


def sof_bytes(frame: pd.DataFrame, suffix: str) -> bytes:
    """``frame`` as the bytes of a ``.csv``, ``.xlsx`` or ``.md`` file (CSV and Markdown byte-identical for the same
    frame; an .xlsx carries its writing time, as Excel files do)."""
    if suffix == ".csv":
        return frame.to_csv(index=False, lineterminator="\n").encode()
    if suffix == ".md":  # a pipe or a line break inside a cell would end it: escaped
        cells = frame.astype(object).where(frame.notna(), "").map(
            lambda v: v.replace("|", "\\|").replace("\n", " ") if isinstance(v, str) else v)
        return (cells.to_markdown(index=False) + "\n").encode()
    if suffix == ".xlsx":
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            frame.to_excel(writer, index=False, sheet_name="Summary of findings")
        return buffer.getvalue()
    raise ValueError(f"unknown suffix {suffix!r}")  # write_sof checks the suffix first: reaching here is a bug


def write_sof(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` to ``path`` in the format its suffix names, atomically (an existing file is replaced whole or
    left as it was). An unknown suffix is an input error naming ``--out``."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InputError(path, "--out", f"unknown format {path.suffix or '(no suffix)'!r}; one of "
                                        + ", ".join(f"{s} ({n})" for s, n in FORMATS.items()))
    if not path.parent.is_dir():
        raise InputError(path, "--out", f"folder {path.parent} does not exist")
    atomic_write(path, sof_bytes(frame, suffix))
