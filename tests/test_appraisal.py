"""The appraisal fields of a study spec: risk of bias, a review's contents, overlap, its own certainty, retraction."""

from __future__ import annotations

import datetime as dt

import pytest

from analysis.core.errors import InputError
from analysis.spec.model import parse_study_file, study_files

ROB = """
risk_of_bias:
  tool: RoB 2
  domains:
    - {domain: D1 randomisation, judgement: unclear, provisional: some concerns, support: "method not in text read"}
    - {domain: D4 measurement of the outcome, judgement: some concerns, provisional: high, support: "self-reported"}
  overall: some concerns
  source: "risk-of-bias.md part 1a"
"""


def _spec_text(study_id: str) -> str:
    return study_files()[study_id].path.read_text()


def _write(tmp_path, text: str, name: str = "S2.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_full_appraisal_loads_with_its_words_and_letters(tmp_path):
    text = _spec_text("S2") + ROB + """
includes: [S28, "Feldman 2001"]
includes_note: "per-study list not read"
overlap:
  - {study: S17, certainty: probable, reason: "same season"}
review_certainty:
  - {outcome: "pain", rating: moderate, reasons: "inconsistency", source: abstract}
retracted: {notice: "10.1186/1471-2474-12-200", date: 2011-05-01, reason: "no ethics approval"}
"""
    spec = parse_study_file(_write(tmp_path, text)).spec
    rob = spec.risk_of_bias
    assert [d.letter for d in rob.domains] == ["U", "SC"]
    assert rob.domains[0].provisional == "some concerns"
    assert spec.includes == ["S28", "Feldman 2001"]
    assert spec.overlap[0].certainty == "probable"
    assert spec.review_certainty[0].rating == "moderate"
    assert spec.retracted.date == dt.date(2011, 5, 1)


@pytest.mark.parametrize("old, new, field, problem", [
    ("judgement: unclear,", "judgement: dubious,", "risk_of_bias.domains.0.judgement", "'low'"),
    (', support: "method not in text read"', "", "risk_of_bias.domains.0.support", "Field required"),
    (', support: "method not in text read"', ', support: "  "', "risk_of_bias.domains.0.support", "at least 1"),
    ("overall: some concerns", "overall: SC", "risk_of_bias.overall", "'some concerns'"),
    ("tool: RoB 2", "tool: RoB 3", "risk_of_bias.tool", "'QUIPS'"),
    ("D4 measurement of the outcome", "D1 randomisation", "risk_of_bias", "rated twice"),
])
def test_a_bad_rating_is_a_one_line_error_naming_file_and_field(tmp_path, old, new, field, problem):
    text = (_spec_text("S2") + ROB).replace(old, new, 1)
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as info:
        parse_study_file(path)
    assert info.value.field == field
    assert problem in info.value.problem
    assert str(path) in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize("extra, field, problem", [
    ("retracted: {date: 2011-05-01, reason: x}", "retracted.notice", "Field required"),
    ('retracted: {notice: "", reason: x}', "retracted.notice", "at least 1"),
    ("includes: [S2]", "(top level)", "includes[0]: a spec cannot include itself (S2)"),
    ("overlap: [{study: S2, certainty: known, reason: x}]", "(top level)", "overlap[0].study: a spec cannot overlap"),
    ("overlap: [{study: S17, certainty: likely, reason: x}]", "overlap.0.certainty", "'probable'"),
    ("review_certainty: [{outcome: pain, rating: medium, source: abstract}]", "review_certainty.0.rating", "'very low'"),
])
def test_a_bad_appraisal_field_is_a_one_line_error(tmp_path, extra, field, problem):
    path = _write(tmp_path, _spec_text("S2") + extra + "\n")
    with pytest.raises(InputError) as info:
        parse_study_file(path)
    assert info.value.field == field
    assert problem in info.value.problem


@pytest.mark.parametrize("extra, field, problem", [
    ("includes: [S999]", "includes[0]", "names spec 'S999', which does not exist"),
    ("includes: [S28, S21z]", "includes[1]", "'S21z'"),
    ("overlap: [{study: Gabbe, certainty: probable, reason: x}]", "overlap[0].study", "unknown spec 'Gabbe'"),
])
def test_a_reference_to_an_unknown_spec_is_an_error_naming_the_file(isolated_data, extra, field, problem):
    path = next((isolated_data / "studies").glob("S2-*.yaml"))
    path.write_text(path.read_text() + extra + "\n")
    with pytest.raises(InputError) as info:
        study_files()
    assert info.value.source == str(path)
    assert info.value.field == field
    assert problem in info.value.problem


def test_an_included_study_without_a_spec_is_named_in_words(isolated_data):
    path = next((isolated_data / "studies").glob("S2-*.yaml"))
    path.write_text(path.read_text() + 'includes: [S28, "Feldman 2001", "Cherkin 2011 (S69)"]\n')
    assert study_files()["S2"].spec.includes[1] == "Feldman 2001"
