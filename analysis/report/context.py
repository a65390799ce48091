"""What a report page shows, assembled from a claim's results (no HTML here; see ``templates/``).

Examples
--------
>>> from analysis.spec.model import load_study
>>> rows = published_rows(load_study("S16"))
>>> any(r["figure"].startswith("risk ratio") for r in rows)
True
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
from markupsafe import Markup

from analysis import figures
from analysis.checks import forensic_checks
from analysis.claims.results import Basis, ClaimResult, EvidenceResult
from analysis.report.limits import design_limits
from analysis.spec.model import StudySpec, study_sort_key


def published_rows(spec: StudySpec) -> list[dict]:
    """Every figure the paper published, as rows: figure, value, where it was read (each figure kind's own rows)."""
    return spec.display_rows()


def power_text(r: EvidenceResult) -> str | None:
    """The power the study had for the SESOI, and the smallest effect it could detect with 80% power."""
    return r.evidence.power_statement(r)


def figures_for(r: EvidenceResult) -> list[dict]:
    """The figures a reviewer would rather look at than read, for one evidence entry: the kind's own, then the
    assumption ensemble."""
    ev = r.evidence
    synthetic = " Synthetic data shaped like the study." if r.synthetic else ""
    figs = [(f.svg, f.caption) for f in ev.figures(r, synthetic)]
    if len(r.ensemble):
        scale = r.outcome.scale if r.outcome else ev.effect_scale
        figs.append((figures.ensemble_plot(r.ensemble, scale, r.outcome.sesoi if r.outcome else ev.sesoi, ev.sign),
                     f"The primary estimate ({scale}) and its 95% CI in each "
                     f"of {len(r.ensemble)} datasets drawn across the assumptions' admissible ranges, coloured by the "
                     f"verdict each gives. Dashed: the smallest effect of interest."))
    if synthetic:
        figs = [(figures.mark_synthetic(svg), caption) for svg, caption in figs]
    return [{"svg": Markup(svg), "caption": caption} for svg, caption in figs]


def display_names(spec) -> dict[str, str]:
    """Each name a spec's tables use (variables, cohort columns, groups) -> its label, for readers.

    >>> from analysis.spec.model import load_study
    >>> display_names(load_study("S8"))["ake"]
    'AKE deficit'
    """
    names = {k: v.label for k, v in spec.variables.items()}
    if spec.cohort is not None:
        names.update({k: c.label for k, c in spec.cohort.covariates.items()})
        names.update({o.name: o.label for o in spec.cohort.outcomes})
    names.update({k: g.label for k, g in spec.groups.items()})
    return {k: v for k, v in names.items() if v and v != k}


def named(text: str, names: dict[str, str]) -> Markup:
    """``text`` with each whole-word name replaced by its label; the name stays in a tooltip for auditors.

    >>> str(named("mean of ake in women", {"ake": "AKE deficit", "women": "Women"}))
    'mean of <span class="name" title="ake">AKE deficit</span> in <span class="name" title="women">Women</span>'
    """
    if not names:
        return Markup.escape(text)
    pattern = re.compile(r"(?<![\w.])(" + "|".join(re.escape(k) for k in sorted(names, key=len, reverse=True))
                         + r")(?![\w])")
    out, last = [], 0
    for m in pattern.finditer(text):
        out.append(Markup.escape(text[last:m.start()]))
        out.append(Markup('<span class="name" title="{}">{}</span>').format(m.group(1), names[m.group(1)]))
        last = m.end()
    out.append(Markup.escape(text[last:]))
    return Markup("").join(out)


def study_sections(cr: ClaimResult) -> list[dict]:
    """The claim's evidence grouped by study, each study described once."""
    sections: dict[str, dict] = {}
    for r in cr.results:
        spec = r.study.spec
        if spec.id not in sections:
            checks = r.reproduction
            sections[spec.id] = {
                "spec": spec, "study": r.study, "published": published_rows(spec), "forensics": forensic_checks(spec),
                "assumptions": r.dataset.assumptions if r.dataset else [], "checks": checks,
                "dataset": r.dataset, "source_sha256": r.source_sha256,
                "notes": (r.dataset.notes if r.dataset else []) + list(spec.notes),
                "limits": design_limits(spec.design), "links": citation_links(spec), "tests": [],
                "names": display_names(spec)}
        sections[spec.id]["tests"].append({"result": r, "figures": figures_for(r), "power": power_text(r)})
    return list(sections.values())


def found_text(r: EvidenceResult) -> str:
    """What one test found, in the words its basis allows: an estimate with its CI only when it rests on published
    figures; the interval consistent with the statement when restated; never an assumed value as a result."""
    if r.study.spec.composite:
        return "a what-if simulation built from several papers' assumptions: not a study, not evidence"
    if r.basis is Basis.RESTATED:
        return "consistent with " + (r.consistent_with or "the printed direction and significance; size not published")
    scale = r.outcome.scale if r.outcome else r.evidence.effect_scale
    if r.basis is Basis.ASSUMED:
        if len(r.ensemble):
            low, high = r.ensemble["estimate"].min(), r.ensemble["estimate"].max()
            if round(low, 2) == round(high, 2):  # the estimate is pinned; its CI is not (see basis_of)
                return f"not evidence: {scale} {low:.2f}, but its CI moves with values the paper did not report"
            return f"not evidence: {scale} moves from {low:.2f} to {high:.2f} with values the paper did not report"
        return "not evidence: the estimate is an assumption, not a published figure"
    e = r.primary
    if e.ci_low is None or e.ci_high is None:
        return f"{e.estimate_type} {e.estimate:.2f} (CI not published)"
    derived = " (CI derived from the published p)" if r.outcome is not None and r.outcome.ci_from_p else ""
    return f"{e.estimate_type} {e.estimate:.2f} [{e.ci_low:.2f}, {e.ci_high:.2f}]{derived}"


def role_in_verdict(cr: ClaimResult, r: EvidenceResult) -> str:
    """Whether a test decided the claim's verdict, was pooled into a deciding estimate, was shown beside the
    deciding (randomised) evidence, or was set aside as a sensitivity analysis."""
    evidence_id = r.evidence.id
    if evidence_id in cr.set_aside:
        return "set aside (sensitivity analysis)"
    says = {"supported": "supports", "contradicted": "contradicts"}.get(r.verdict.category, "inconclusive")
    if evidence_id in cr.deciding:
        return f"decides: {says}"
    if any(evidence_id in p.evidence_ids for p in cr.pooled):
        return f"decides through the pooled estimate: {says}"
    if r.basis is Basis.RESTATED:
        return f"shown beside (the study's published estimate decides): {says}"
    return f"shown beside (observational; randomised evidence decides): {says}"


def evidence_table(cr: ClaimResult) -> list[dict]:
    """One row per test: study, design, population, what it rests on, what it found and its part in the verdict."""
    return [{"study": r.study.spec.id, "short": r.study.spec.short, "design": r.study.spec.design,
             "population": r.study.spec.population, "basis": r.basis.value, "found": found_text(r),
             "question": r.evidence.question, "verdict": r.verdict, "role": role_in_verdict(cr, r)}
            for r in cr.results]


_SAYS = {
    ("supported", "high"): "The evidence shows it.",
    ("supported", "moderate"): "The evidence probably supports it.",
    ("supported", "low"): "The evidence may support it.",
    ("supported", "very low"): "The evidence leans towards it, but is very uncertain.",
    ("contradicted", "high"): "The evidence shows it is not so.",
    ("contradicted", "moderate"): "The evidence probably goes against it.",
    ("contradicted", "low"): "The evidence may go against it.",
    ("contradicted", "very low"): "The evidence leans against it, but is very uncertain.",
}


def bottom_line(cr: ClaimResult) -> str:
    """Two or three plain sentences: how much evidence there is, what it shows, and how sure we are and why.

    >>> from analysis.claims.model import load_claim
    >>> from analysis.claims.engine import run_claim
    >>> bottom_line(run_claim(load_claim("autopsy-ligament-hypertrophy")))  # doctest: +ELLIPSIS
    "Not assessed: no study in the gathered evidence measured it. No autopsy or cadaver study relates lumbosacral..."
    """
    if cr.outcomes:  # the critical outcomes' GRADE statements (issue #29)
        return as_sentence(cr.bottom_line) + (f" Certainty: {cr.certainty}." if cr.certainty else "")
    if not cr.results:
        if cr.claim.not_testable_reason:
            return "Not testable as worded: no study could test it. " + as_sentence(cr.claim.not_testable_reason)
        reason = cr.claim.not_assessed_reason or cr.verdict.reason
        return "Not assessed: no study in the gathered evidence measured it. " + as_sentence(reason)
    studies = {r.study.spec.id for r in cr.results if not r.study.spec.composite and r.basis.counts}
    n = len(studies)
    text = f"{n} stud{'ies' if n != 1 else 'y'} bear{'s' if n == 1 else ''} on it. " if n else ""
    category = cr.verdict.category
    if category in ("supported", "contradicted") and cr.certainty:
        text += _SAYS[(category, cr.certainty)]
    elif cr.verdict.conflicting:
        text += "The studies point both ways, so the evidence does not settle it."
    elif not n:
        text += "None of the tests rests on published figures, so the evidence does not settle it."
    else:
        text += "The evidence does not settle it."
    randomised = any(r.study.spec.randomised for r in cr.results if r.evidence.id in cr.deciding)
    if cr.claim.causal_language and not randomised and category == "supported":
        text += " It shows an association; these designs cannot show that one causes the other."
    downgrades = [d.domain for d in cr.downgrades]
    if cr.certainty:
        text += f" Certainty: {cr.certainty}" + (f", because of {_and(downgrades)}." if downgrades else ".")
    return text


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def shows_reconstruction(cr: ClaimResult) -> bool:
    """True when any test on the page runs on a synthetic dataset shaped like a study."""
    return any(r.synthetic for r in cr.results)


def citation_links(spec) -> list[dict]:
    """Links a reader can follow for a study: DOI, PubMed, PubMed Central (only those the spec records)."""
    c = spec.citation
    out = []
    if c.doi:
        out.append({"label": f"doi:{c.doi}", "href": f"https://doi.org/{c.doi}"})
    if c.pmid:
        out.append({"label": f"PubMed {c.pmid}", "href": f"https://pubmed.ncbi.nlm.nih.gov/{c.pmid}/"})
    if c.pmc:
        out.append({"label": c.pmc, "href": f"https://pmc.ncbi.nlm.nih.gov/articles/{c.pmc}/"})
    return out


def results_csv_uri(cr: ClaimResult) -> str:
    """The page's results as a CSV ``data:`` URI (offline download), with the columns of ``analyze --json``'s
    ``results``, in a fixed order so that pages regenerate byte-identical."""
    from urllib.parse import quote

    frame = pd.DataFrame(cr.records())
    if frame.empty:
        return ""
    nested = [c for c in frame.columns if frame[c].map(lambda v: isinstance(v, (dict, list, tuple))).any()]
    frame = frame[sorted(set(frame.columns) - set(nested))]
    text = frame.to_csv(index=False, lineterminator="\n", float_format="%.6g")  # BLAS-kernel noise stays out
    return "data:text/csv;charset=utf-8," + quote(text, safe="")


def forest_rows(results: list[ClaimResult]) -> pd.DataFrame:
    """One row per judged test of every claim, on its judging scale (ratios as logs)."""
    rows = []
    for cr in results:
        for r in cr.results:
            j = r.outcome.judged if r.outcome else None
            if r.basis in (Basis.ASSUMED, Basis.RESTATED) or r.study.spec.composite:
                continue  # an assumed value (a sensitivity analysis, a restated test's point) is never drawn
            if j is None or not all(math.isfinite(v) for v in (j.estimate, j.ci_low, j.ci_high)):
                continue
            rows.append({"label": f"{cr.claim.tag:>2}: {r.evidence.id} ({r.study.spec.id})", "scale": r.outcome.scale.panel,
                         "estimate": j.estimate, "ci_low": j.ci_low, "ci_high": j.ci_high,
                         "category": r.verdict.category, "basis": r.basis.value})
    return pd.DataFrame(rows)


def as_sentence(text: str) -> str:
    """``text`` as a sentence: first letter capitalised, one full stop at the end.

    >>> as_sentence("no data bear on it"), as_sentence("S1-S21 contain no drug data."), as_sentence("why?")
    ('No data bear on it.', 'S1-S21 contain no drug data.', 'Why?')
    """
    text = text.strip()
    if not text:
        return text
    return text[:1].upper() + text[1:] + ("" if text[-1] in ".!?" else ".")


def strength(cr: ClaimResult) -> str:
    """A one-line summary of how much evidence bears on a claim: studies, designs, tests, and how many tests were
    set aside as sensitivity analyses."""
    if not cr.results:
        return "No data bear on it."
    designs = sorted({r.study.spec.design for r in cr.results})
    studies = sorted({r.study.spec.id for r in cr.results}, key=study_sort_key)
    tests = len(cr.results)
    text = (f"{len(studies)} stud{'ies' if len(studies) != 1 else 'y'} ({', '.join(studies)}; {', '.join(designs)}), "
            f"{tests} test{'s' if tests != 1 else ''}")
    if cr.set_aside:
        k = len(cr.set_aside)
        text += f"; {k} set aside as sensitivity {'analyses' if k != 1 else 'analysis'} (assumed values)"
    return text + "."


def pooled_figures(cr: ClaimResult) -> list[dict]:
    """A forest plot per pooled group: each study's estimate and the pooled diamond (ratios back on their own scale)."""
    out = []
    for p in cr.pooled:
        svg = figures.meta_forest(p.evidence_ids, p.effects, p.variances, p.estimate, scale=p.scale.ratio_name,
                                  back_transform=np.exp if p.scale.log_axis else None)
        out.append({"svg": Markup(svg), "caption": f"Forest plot of {', '.join(p.evidence_ids)} and their random-effects "
                                                   f"(REML) pooled estimate (diamond); boxes sized by weight."})
    return out
