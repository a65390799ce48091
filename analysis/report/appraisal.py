"""What a claim page shows of a study's appraisal: its risk of bias per domain (a robvis-like row of letters), a
review's own certainty, what it includes, known sample overlap; and the studies left out because they are retracted.

The data come from the spec's appraisal fields (:mod:`analysis.spec.parts.appraisal`); the templates are
``templates/sections/appraisal.html.j2`` (inside each study's section), ``templates/sections/retracted.html.j2``
and ``templates/gathering.html.j2`` (how the evidence was gathered: on the index and every claim page).

>>> from analysis.spec.model import load_study
>>> [d["letter"] for d in appraisal_of(load_study("S11"))["domains"]]
['U', 'L', 'U', 'SC', 'SC']
"""

from __future__ import annotations

from analysis.claims.results import ClaimResult
from analysis.spec.model import StudySpec, load_study_file
from analysis.spec.parts.appraisal import LETTERS


def _domain(d) -> dict:
    title = f"{d.domain}: {d.judgement}"
    if d.provisional:
        title += f" (provisional: {d.provisional})"
    return {"name": d.domain, "letter": d.letter, "judgement": d.judgement, "css": d.judgement.replace(" ", "-"),
            "provisional": LETTERS[d.provisional] if d.provisional else None, "provisional_word": d.provisional,
            "title": f"{title}. {d.support}",
            "support": d.support}


def appraisal_of(spec: StudySpec) -> dict | None:
    """The appraisal of one study as the page shows it, or None when the spec has none of the fields."""
    rob = spec.risk_of_bias
    if rob is None and not (spec.includes or spec.includes_note or spec.overlap or spec.review_certainty):
        return None
    out = {"rob": rob, "domains": [_domain(d) for d in rob.domains] if rob else [],
           "includes": spec.includes, "includes_note": spec.includes_note, "overlap": spec.overlap,
           "review_certainty": spec.review_certainty}
    if rob:
        out["overall"] = {"letter": LETTERS[rob.overall], "judgement": rob.overall,
                          "css": rob.overall.replace(" ", "-"),
                          "provisional": LETTERS[rob.overall_provisional] if rob.overall_provisional else None}
    return out


def retracted_studies(cr: ClaimResult) -> list[dict]:
    """The studies of a claim's evidence left out because they are retracted, each with the entries it would
    have carried and its notice."""
    by_study: dict[str, dict] = {}
    for ev in cr.claim.evidence:
        if ev.id not in cr.retracted:
            continue
        spec = load_study_file(ev.study).spec
        entry = by_study.setdefault(spec.id, {"spec": spec, "notice": spec.retracted, "entries": []})
        entry["entries"].append(ev)
    return list(by_study.values())
