"""How claim results show in a notebook and as tables (issue #32 item 3): short reprs, ``to_frame()`` tables,
the text ``analyze`` prints, and ``_repr_html_`` views.

The result types in :mod:`analysis.claims.results` call these (``result`` is the :class:`ClaimResult`,
:class:`EvidenceResult`, :class:`PooledResult` or :class:`OutcomeSummary` that calls; this module imports none of
them, so that the types' module can import it); they only read the typed fields. Every view says what
each result rests on and on what data it ran: a result computed on a synthetic reconstruction says "synthetic" in
its own row, and a user's own data is never called so.
"""

from __future__ import annotations

import html

import pandas as pd

#: The columns of an estimate that a table shows first (the rest follow in the record's order).
ESTIMATE_COLUMNS = ["test", "term", "estimate_type", "estimate", "ci_low", "ci_high", "ci_level", "ci_method",
                    "statistic_name", "statistic", "df", "p", "n", "method"]


#: The columns of :func:`evidence_frame`.
EVIDENCE_COLUMNS = ["evidence_id", "study_id", *ESTIMATE_COLUMNS, "primary", "verdict", "basis", "data", "synthetic"]


def data_label(result) -> str:
    """What the result ran on, in words, "synthetic" for a reconstruction only."""
    return ("SYNTHETIC reconstruction shaped like the study" if result.synthetic else result.origin.value)


def evidence_frame(result) -> pd.DataFrame:
    """One row per estimate of one evidence entry: the estimate's fields, then its verdict, basis and data."""
    rows = []
    for estimate in result.estimates:
        record = estimate.to_dict()
        rows.append({"evidence_id": result.evidence.id, "study_id": result.study.spec.id,
                     **{k: record.get(k) for k in ESTIMATE_COLUMNS},
                     "primary": estimate is result.primary, "verdict": result.verdict.label,
                     "basis": result.basis.value, "data": data_label(result), "synthetic": result.synthetic})
    return pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)


def claim_frame(result) -> pd.DataFrame:
    """Every estimate of a claim's results (all entries, one row each), with the claim id first."""
    frames = [evidence_frame(r) for r in result.results]
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=EVIDENCE_COLUMNS)
    frame.insert(0, "claim_id", result.claim.id)
    return frame


def outcome_row(summary) -> dict:
    """One summary-of-findings row as a flat record (the effect with its 95% CI, certainty, statement)."""
    data = summary.to_json_dict()
    effect = data["effect"] or {}
    ci = effect.get("ci") or [None, None]
    return {"outcome": data["outcome"], "question": data["question"], "critical": data["critical"],
            "studies": len(data["studies"]), "participants": data["participants"],
            "measure": effect.get("measure"), "estimate": effect.get("estimate"), "ci_low": ci[0], "ci_high": ci[1],
            "certainty": data["certainty"], "reading": summary.reading, "statement": data["statement"]}


def outcomes_frame(result) -> pd.DataFrame:
    """The claim's summary of findings: one row per declared outcome."""
    columns = ["outcome", "question", "critical", "studies", "participants", "measure", "estimate", "ci_low",
               "ci_high", "certainty", "reading", "statement"]
    return pd.DataFrame([outcome_row(o) for o in result.outcomes], columns=columns)


def pooled_frame(pooled) -> pd.DataFrame:
    """A pooled estimate as one row: the entries it pools, the estimate and its CI, the verdict."""
    record = pooled.estimate.to_dict()
    return pd.DataFrame([{"evidence_ids": ", ".join(pooled.evidence_ids), "scale": str(pooled.scale),
                          **{k: record.get(k) for k in ESTIMATE_COLUMNS}, "verdict": pooled.verdict.label}])


def summary_lines(result) -> list[str]:
    """The lines ``hamstring-evidence analyze`` prints for a claim result."""
    text = [f"{result.claim.id}: {result.verdict.label}", f"  {result.verdict.reason}"]
    if result.certainty:
        text += [f"  certainty: {result.certainty}", *(f"    - {why}" for why in result.certainty_reasons)]
    for r in result.results:
        text += ["", f"[{r.study.spec.id}] {r.evidence.question}", f"  verdict: {r.verdict.label}",
                 f"  rests on: {r.basis.value}: {r.basis_text}", f"  {r.robustness_text}"]
        text += [f"  - {e.sentence()}" for e in r.estimates]
    return text


def counted(n: int, noun: str) -> str:
    """``"1 outcome"``, ``"2 outcomes"``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def claim_repr(result) -> str:
    certainty = f", certainty {result.certainty}" if result.certainty else ""
    return (f"<ClaimResult {result.claim.id!r}: {result.verdict.label}{certainty}; "
            f"{counted(len(result.results), 'result')}, {len(result.pooled)} pooled, "
            f"{counted(len(result.outcomes), 'outcome')}>")


def evidence_repr(result) -> str:
    synthetic = ", on a SYNTHETIC reconstruction" if result.synthetic else ""
    return (f"<EvidenceResult {result.evidence.id!r} ({result.study.spec.id}): {result.verdict.label}; rests on "
            f"{result.basis.value}{synthetic}; {counted(len(result.estimates), 'estimate')}>")


def _table(frame: pd.DataFrame) -> str:
    """An HTML table (escaped; a missing value shows as an empty cell, never as "None")."""
    shown = frame.astype(object).where(frame.notna(), "")
    return shown.to_html(index=False, escape=True, border=0,
                         formatters={c: _number for c in shown.columns})


def _number(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def claim_html(result) -> str:
    """A compact HTML view: the verdict and certainty, the bottom line, the summary of findings, one row per
    evidence entry (its primary estimate, what it rests on, the data it ran on)."""
    esc = html.escape
    parts = [f"<div class='hamstring-evidence-claim'><p><strong>{esc(result.claim.id)}</strong>: "
             f"{esc(result.claim.title)}</p>",
             f"<p>Verdict: <strong>{esc(result.verdict.label)}</strong>"
             + (f"; certainty: <strong>{esc(result.certainty)}</strong>" if result.certainty else "") + "</p>",
             f"<p>{esc(result.bottom_line or result.verdict.reason)}</p>"]
    if result.outcomes:
        parts += ["<p>Summary of findings (per outcome):</p>", _table(outcomes_frame(result))]
    rows = pd.DataFrame([{"evidence": r.evidence.id, "study": r.study.spec.id, "verdict": r.verdict.label,
                          "rests on": r.basis.value, "data": data_label(r),
                          "primary estimate": r.primary.sentence() if r.estimates else ""} for r in result.results],
                        columns=["evidence", "study", "verdict", "rests on", "data", "primary estimate"])
    if len(rows):
        parts += ["<p>Evidence entries (a result on a synthetic reconstruction is marked so in its row):</p>",
                  _table(rows)]
    parts.append("<p><small>All estimates: <code>.to_frame()</code>; the summary of findings: "
                 "<code>.outcomes_frame()</code>; the text <code>analyze</code> prints: <code>.summary()</code>."
                 "</small></p></div>")
    return "".join(parts)


def evidence_html(result) -> str:
    esc = html.escape
    head = (f"<p><strong>{esc(result.evidence.id)}</strong> ({esc(result.study.spec.id)}): "
            f"{esc(result.evidence.question)}<br>verdict: <strong>{esc(result.verdict.label)}</strong>; rests on "
            f"{esc(result.basis.value)}; data: {esc(data_label(result))}</p>")
    shown = evidence_frame(result).drop(columns=["synthetic"])  # the data column says it in words
    return f"<div class='hamstring-evidence-result'>{head}{_table(shown)}</div>"
