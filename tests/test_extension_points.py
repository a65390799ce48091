"""The extension points of docs/architecture.md, proved by adding a toy of each without editing the package.

- A kind of published figure: a pydantic ``Figure`` (slots, display rows, cross-check) on a spec field, and its
  reproduction and forensic checks registered for its class. The checks, the assumption slots, the published
  rows and ``studies show`` then pick it up.
- A report section: a builder registered with ``page_section`` and a template; the claim page includes it.
(The third, an analysis kind, is proved by ``tests/test_kinds.py``.)
"""

from __future__ import annotations

from typing import ClassVar, Iterator

import pytest
from jinja2 import Template

from analysis.checks import forensic_checks, reproduction_checks
from analysis.checks.registry import EXAMINERS, REPRODUCERS, Check, ForensicCheck, examines, reproduces
from analysis.generate import build_dataset
from analysis.spec.assumptions import assumption_slots
from analysis.spec.model import StudySpec, load_study
from analysis.spec.parts import Figure, Quantity, SlotKey, SlotQuantity, display_row


class ReportedMedian(Figure):
    """Toy kind: a median the paper printed (or that the spec assumes) for a variable in a group."""

    spec_field: ClassVar[str] = "medians"
    group: str
    variable: str
    median: Quantity

    def slots(self, spec) -> Iterator[SlotQuantity]:
        yield SlotQuantity(SlotKey("mean", ("toy-median", self.group, self.variable)),
                           f"median of {self.variable} in {self.group}", self.median, whole=True)

    def display_rows(self, spec) -> list[dict]:
        if self.median.is_assumption:
            return []
        return [display_row(f"median of {self.variable} ({self.group})", f"{self.median.value:g}", self.median.source)]

    def cross_check(self, spec, where: str) -> None:
        if self.variable not in spec.variables:
            raise ValueError(f"{where}.variable: unknown variable {self.variable!r}")


class ToySpec(StudySpec):
    """The one edit a new figure kind makes to the spec model: its field, in the figure order."""

    FIGURE_FIELDS: ClassVar[tuple[str, ...]] = StudySpec.FIGURE_FIELDS + ("medians",)
    medians: list[ReportedMedian] = []


@pytest.fixture
def toy_checks(monkeypatch):
    """Register the toy kind's checks for one test only."""
    monkeypatch.setitem(REPRODUCERS, ReportedMedian, None)
    monkeypatch.setitem(EXAMINERS, ReportedMedian, None)

    @reproduces(ReportedMedian)
    def medians_reproduced(medians, spec, frame):
        out = []
        for m in medians:
            got = float(frame.loc[frame["group"] == m.group, m.variable].median())
            out.append(Check(f"median of {m.variable} in {m.group}", f"{m.median.point:g}", f"{got:.2f}",
                             abs(got - m.median.point) < 1.0, m.median.source or "assumed"))
        return out

    @examines(ReportedMedian)
    def medians_possible(medians, spec):
        return [ForensicCheck(spec.id, "toy median", m.variable, f"{m.median.point:g}", "-", "not checkable",
                              "toy kind") for m in medians]


def toy_spec(median: dict) -> ToySpec:
    data = load_study("S2").model_dump(mode="json", exclude_none=True)
    data["medians"] = [{"group": "lbp", "variable": "ake_tightness", "median": median}]
    return ToySpec.model_validate(data)


def test_a_new_figure_kind_reaches_checks_rows_and_slots(toy_checks):
    spec = toy_spec({"value": 31.0, "source": "table"})
    assert {"figure": "median of ake_tightness (lbp)", "value": "31", "where": "table"} in spec.display_rows()
    frame = build_dataset(spec).frame
    assert any(c.figure == "median of ake_tightness in lbp" for c in reproduction_checks(spec, frame))
    assert any(c.check == "toy median" for c in forensic_checks(spec))
    assumed = toy_spec({"assume": 30.0, "range": [25.0, 35.0], "reason": "toy"})
    slot = next(s for s in assumption_slots(assumed) if s.key == "mean:toy-median:lbp:ake_tightness")
    assert (slot.value, slot.low, slot.high, slot.whole) == (30.0, 25.0, 35.0, True)
    assert not any(r["figure"].startswith("median") for r in assumed.display_rows())


def test_a_new_figure_kind_cross_checks_at_load():
    data = load_study("S2").model_dump(mode="json", exclude_none=True)
    data["medians"] = [{"group": "lbp", "variable": "no_such", "median": {"value": 1, "source": "table"}}]
    with pytest.raises(ValueError, match=r"medians\[0\]\.variable: unknown variable 'no_such'"):
        ToySpec.model_validate(data)


def test_a_figure_kind_without_checks_is_simply_not_checked():
    spec = toy_spec({"value": 31.0, "source": "table"})
    assert ReportedMedian not in REPRODUCERS
    assert not any("median" in c.figure for c in reproduction_checks(spec, build_dataset(spec).frame))


def test_a_new_report_section_appears_where_registered(monkeypatch):
    from analysis.claims.engine import run_claim
    from analysis.claims.model import load_claims
    from analysis.report import sections
    from analysis.report.build import _env, _page_context

    monkeypatch.setattr(sections, "PAGE_SECTIONS", list(sections.PAGE_SECTIONS))

    @sections.page_section("toy", Template('<h2 id="toy">Toy section</h2><p>{{ data.count }} studies; '
                                           '{{ claim.id }}</p>\n'), before="pooled")
    def toy(cr, page):
        return {"count": len(page["evidence"]["sections"])}

    @sections.page_section("hidden", Template("<p>never shown</p>"))
    def hidden(cr, page):
        return None

    claim = load_claims()["clbp-less-flexible"]
    page = _env().get_template("claim.html.j2").render(**_page_context(run_claim(claim, ensemble_draws=0)),
                                                        versions={"python": "x", "hamstring-evidence": "x"})
    studies = len({e.study for e in claim.evidence})
    assert f'<h2 id="toy">Toy section</h2><p>{studies} studies; clbp-less-flexible</p>' in page
    assert page.index('id="toy"') < page.index("<h2>Provenance: how to regenerate this page</h2>")
    assert page.index("The evidence, study by study") < page.index('id="toy"')
    assert "never shown" not in page
    with pytest.raises(ValueError, match="no page section 'nowhere'"):
        sections.page_section("late", before="nowhere")(toy)
