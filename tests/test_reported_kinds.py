"""One figure kind per reported test (#31): a ``reported_tests:`` entry is the kind its ``kind`` names, each kind
its own model (``analysis/spec/parts/reported_*.py``) and checks (``analysis/checks/figures/reported_*.py``); a new
test is a new kind, shown by a toy Kruskal-Wallis H added here without editing the package.

Reference for the toy: scipy.stats.kruskal (tie-corrected H, as R's kruskal.test) on the dataset itself; what is
tested here is that the kind is reached, not the statistic.
"""

from __future__ import annotations

import typing
from typing import Annotated, ClassVar, Literal, Union

import pytest
from pydantic import Field

from analysis.checks import forensic_checks, reproduction_checks
from analysis.checks.registry import EXAMINERS, REPRODUCERS, Check, ForensicCheck, examines, reproduces
from analysis.core.errors import InputError
from analysis.generate import build_dataset
from analysis.spec.model import ReportedTest, StudySpec, load_study, parse_study_file, study_files
from analysis.spec.parts import (
    GroupTest,
    ReportedChiSquare,
    ReportedF,
    ReportedFisherP,
    ReportedRiskRatio,
    ReportedStatistic,
    ReportedT,
    ReportedU,
    ReportedZ,
)

ENTRIES = {  # kind -> (entry on S6's table or S2's groups, its model)
    "t_test": ("{kind: t_test, variable: ake_tightness, groups: [lbp, healthy], value: 7.42, source: table}", ReportedT),
    "anova_f": ("{kind: anova_f, variable: ake_tightness, groups: [lbp, healthy], value: 55.06, source: table}",
                ReportedF),
    "mann_whitney_u": ("{kind: mann_whitney_u, variable: ake_tightness, groups: [lbp, healthy], value: 81, "
                       "source: table}", ReportedU),
}


def _s2_with(tmp_path, entry: str) -> StudySpec:
    text = study_files()["S2"].path.read_text().replace("reported_tests:\n", f"reported_tests:\n  - {entry}\n", 1)
    (tmp_path / "S2.yaml").write_text(text)
    return parse_study_file(tmp_path / "S2.yaml").spec


@pytest.mark.parametrize("kind", list(ENTRIES))
def test_an_entry_is_the_kind_it_names(tmp_path, kind):
    entry, model = ENTRIES[kind]
    assert type(_s2_with(tmp_path, entry).reported_tests[0]) is model


def test_every_kind_is_registered_by_its_name():
    assert ReportedStatistic.KINDS.items() >= {"t_test": ReportedT, "anova_f": ReportedF, "mann_whitney_u": ReportedU,
                                           "chi_square": ReportedChiSquare, "z_test": ReportedZ,
                                           "fisher_p": ReportedFisherP, "risk_ratio": ReportedRiskRatio}.items()
    assert {type(t) for t in load_study("S16").reported_tests} == {ReportedRiskRatio, ReportedFisherP}


def test_a_field_of_another_kind_says_whose_it_is(tmp_path):
    with pytest.raises(InputError, match=r"'ci' belongs to a risk_ratio"):
        _s2_with(tmp_path, "{kind: t_test, variable: ake_tightness, groups: [lbp, healthy], value: 7.42, "
                           "ci: [1, 2], source: table}")
    with pytest.raises(InputError, match=r"does not match any of the expected tags"):
        _s2_with(tmp_path, "{kind: no_such_test, value: 1.0, source: table}")


def test_interleaved_kinds_are_checked_in_the_order_the_spec_lists_them():
    """S16 lists a risk ratio and a Fisher p per table: the checks keep that order, as one kind's check did."""
    whats = [c.what for c in forensic_checks(load_study("S16")) if "table" in c.what]
    kinds = ["risk" if w.startswith("risk") else "fisher" for w in whats if w.startswith(("risk", "Fisher"))]
    assert kinds == ["risk", "fisher"] * 3 + ["risk"]  # the NSAID row (Table 3) prints its RR; its p is not a Fisher p


class ReportedH(GroupTest):
    """Toy kind: a Kruskal-Wallis H across groups."""

    kind: Literal["kruskal_h"]
    many_groups: ClassVar[bool] = True
    label: ClassVar[str] = "Kruskal-Wallis H"
    symbol: ClassVar[str] = "H"


class ToySpec(StudySpec):
    """The one edit a new reported test makes to the spec model: its class in the union of ``reported_tests``."""

    reported_tests: list[Annotated[Union[typing.get_args(ReportedTest)[0], ReportedH],  # noqa: UP007
                                   Field(discriminator="kind")]] = []


@pytest.fixture
def toy_h(monkeypatch):
    monkeypatch.setitem(REPRODUCERS, ReportedH, None)
    monkeypatch.setitem(EXAMINERS, ReportedH, None)

    @reproduces(ReportedH)
    def h_reproduced(reported, spec, frame):
        from scipy.stats import kruskal

        out = []
        for rt in reported:
            h = kruskal(*(frame.loc[frame["group"] == g, rt.variable] for g in rt.groups)).statistic
            out.append(Check(f"H of {rt.variable}", f"{rt.value:.2f}", f"{h:.2f}", True, rt.source))
        return out

    @examines(ReportedH)
    def h_possible(reported, spec):
        return [ForensicCheck(spec.id, "toy H", rt.variable, f"{rt.value:g}", "-", "not checkable", "toy kind")
                for rt in reported]


def test_a_new_reported_test_is_one_model_one_union_member_and_its_checks(toy_h):
    data = load_study("S2").model_dump(mode="json", exclude_none=True)
    data["reported_tests"].append({"kind": "kruskal_h", "variable": "ake_tightness", "groups": ["lbp", "healthy"],
                                   "value": 30.5, "source": "table"})
    spec = ToySpec.model_validate(data)
    assert type(spec.reported_tests[-1]) is ReportedH
    assert {"figure": "Kruskal-Wallis H of ake_tightness (lbp vs healthy)", "value": "H = 30.50",
            "where": "table"} in spec.display_rows()
    assert any(c.figure == "H of ake_tightness" for c in reproduction_checks(spec, build_dataset(spec).frame))
    assert any(c.check == "toy H" for c in forensic_checks(spec))
