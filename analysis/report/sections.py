"""The sections of a claim page, in order: each is a name, a template and a function that builds its data.

A section's template (``templates/sections/<name>.html.j2``, or a :class:`jinja2.Template`) is included in the
claim page with the page's context (``cr``, ``claim``, ``rule``, ``command``, ``versions``) and its own ``data``:
what its ``build(cr, page)`` returned, where ``page`` maps the names of the sections built before it to their
data. A section whose ``build`` returns ``None`` is left out of the page.

Adding a section: register a builder here (or anywhere, with :func:`page_section`) and write its template.

Examples
--------
>>> " ".join(s.name for s in PAGE_SECTIONS)
'gathering evidence_table claim hypothesis evidence validation retracted pooled glossary provenance'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from jinja2 import Template

from analysis.claims.results import ClaimResult
from analysis.report.appraisal import appraisal_of, retracted_studies
from analysis.report.context import evidence_table, pooled_figures, results_csv_uri, study_sections
from analysis.report.glossary import GLOSSARY

Builder = Callable[[ClaimResult, dict], "dict | None"]


@dataclass(frozen=True)
class PageSection:
    """One section of a claim page: its name, its template (a name or a Template) and its data builder."""

    name: str
    template: str | Template
    build: Builder


PAGE_SECTIONS: list[PageSection] = []


def page_section(name: str, template: str | Template | None = None, *, before: str | None = None) -> Callable:
    """Register ``build(cr, page) -> dict | None`` as the section ``name`` (at the end, or before another section).

    ``template`` defaults to ``sections/<name>.html.j2``. Registering a name again replaces that section.
    """
    def decorate(build: Builder) -> Builder:
        section = PageSection(name, template or f"sections/{name}.html.j2", build)
        names = [s.name for s in PAGE_SECTIONS]
        if name in names:
            PAGE_SECTIONS[names.index(name)] = section
        elif before is not None:
            if before not in names:
                raise ValueError(f"no page section {before!r} to insert {name!r} before; known: {', '.join(names)}")
            PAGE_SECTIONS.insert(names.index(before), section)
        else:
            PAGE_SECTIONS.append(section)
        return build
    return decorate


def build_sections(cr: ClaimResult) -> list[dict[str, Any]]:
    """The page's sections for one claim, in order, each as ``{"name", "template", "data"}``."""
    page: dict[str, dict] = {}
    out = []
    for section in PAGE_SECTIONS:
        data = section.build(cr, page)
        if data is None:
            continue
        page[section.name] = data
        out.append({"name": section.name, "template": section.template, "data": data})
    return out


@page_section("gathering")
def _gathering(cr: ClaimResult, page: dict) -> dict:
    return {}


@page_section("evidence_table")
def _evidence_table(cr: ClaimResult, page: dict) -> dict | None:
    rows = evidence_table(cr)
    return {"rows": rows, "csv": results_csv_uri(cr)} if rows else None


@page_section("claim")
def _claim(cr: ClaimResult, page: dict) -> dict:
    return {}


@page_section("hypothesis")
def _hypothesis(cr: ClaimResult, page: dict) -> dict:
    return {}


@page_section("evidence")
def _evidence(cr: ClaimResult, page: dict) -> dict:
    sections = study_sections(cr)
    for sec in sections:
        sec["appraisal"] = appraisal_of(sec["spec"])
    return {"sections": sections}


@page_section("validation")
def _validation(cr: ClaimResult, page: dict) -> dict | None:
    """The kinds of this claim's tests on reconstructions that mislead on real data (issue #34), with why."""
    from analysis.validation.run import MISLEADING_KINDS
    from analysis.validation.table import MECHANISMS

    on_reconstruction = [r for r in cr.results if r.dataset is not None]
    kinds = [k for k in dict.fromkeys(r.evidence.analysis for r in on_reconstruction) if k in MISLEADING_KINDS]
    return {"kinds": [{"kind": k, "why": MECHANISMS[k],
                       "tests": [r.evidence.id for r in on_reconstruction if r.evidence.analysis == k]}
                      for k in kinds]} if kinds else None


@page_section("retracted")
def _retracted(cr: ClaimResult, page: dict) -> dict | None:
    studies = retracted_studies(cr)
    return {"studies": studies, "tests": len(cr.retracted)} if studies else None


@page_section("pooled")
def _pooled(cr: ClaimResult, page: dict) -> dict:
    return {"pooled_figures": pooled_figures(cr)}


@page_section("glossary")
def _glossary(cr: ClaimResult, page: dict) -> dict:
    return {"terms": GLOSSARY}


@page_section("provenance")
def _provenance(cr: ClaimResult, page: dict) -> dict:
    return {"sections": page["evidence"]["sections"]}
