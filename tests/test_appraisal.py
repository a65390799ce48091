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


def _spec_text(study_id: str, without: tuple[str, ...] = ("risk_of_bias",)) -> str:
    """A spec's text with the named top-level blocks taken out (the tests add their own; a key given twice is an
    error)."""
    kept, skipping = [], False
    for line in study_files()[study_id].path.read_text().splitlines(keepends=True):
        if line[:1] not in (" ", "\t", "\n", "#", "-", ""):  # a top-level key starts a block
            skipping = line.split(":", 1)[0] in without
        if not skipping:
            kept.append(line)
    return "".join(kept)


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
    ("evidence_from: randomised", "(top level)", "evidence_from: only a meta-analysis or review pools designs"),
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


CLAIM = """id: retraction-test
title: A test claim with a retracted source
post: {file: 000_813dedcfa2cbe833.txt, title: "t", quote: "q"}
paraphrase: p
causal_language: false
hypothesis: h
# (every entry claims the same direction: a pool of opposite directions is refused before any retraction is looked at)
evidence:
  - {id: s61-hamstring, study: S61, question: q, analysis: effect, effect: hamstring-injury, direction: positive,
     sesoi: 1.2, sesoi_reason: r}
  - {id: s61-lower-limb, study: S61, question: q, analysis: effect, effect: lower-limb-strain, direction: positive,
     sesoi: 1.2, sesoi_reason: r}
  - {id: s28, study: S28, question: q, analysis: effect, effect: tight-hamstrings, direction: positive,
     sesoi: 1.01, sesoi_reason: r}
  - {id: s29, study: S29, question: q, analysis: effect, effect: tight-hamstrings-nonthrowing, direction: positive,
     sesoi: 1.2, sesoi_reason: r}
pool: [[s61-hamstring, s61-lower-limb, s28, s29]]
"""


def test_the_retracted_example_is_s61_with_its_notice():
    spec = study_files()["S61"].spec
    assert spec.retracted.notice == "10.1186/1471-2474-12-200"  # evidence-for-untested-claims.md, S61
    assert spec.retracted.date is None  # not printed in the evidence files: never invented


def test_a_retracted_source_counts_nowhere_and_is_named(isolated_data):
    from analysis.claims.engine import run_claim
    from analysis.claims.model import parse_claim_file

    path = isolated_data / "claims" / "99-retraction-test.yaml"
    path.write_text(CLAIM)
    result = run_claim(parse_claim_file(path), ensemble_draws=5)
    assert result.retracted == ["s61-hamstring", "s61-lower-limb"]
    assert [r.evidence.id for r in result.results] == ["s28", "s29"]
    assert [p.evidence_ids for p in result.pooled] == [["s28", "s29"]]
    assert not any("s61" in line for line in result.deciding + result.set_aside)
    assert result.to_json_dict()["retracted"] == ["s61-hamstring", "s61-lower-limb"]
    # the same claim without the retraction pools all four (so the test can fail)
    spec = next((isolated_data / "studies").glob("S61-*.yaml"))
    text = spec.read_text()
    spec.write_text(text[:text.index("retracted:")] + text[text.index("effects:"):])
    unretracted = run_claim(parse_claim_file(path), ensemble_draws=5)
    assert unretracted.retracted == []
    assert [p.evidence_ids for p in unretracted.pooled] == [["s61-hamstring", "s61-lower-limb", "s28", "s29"]]


#: Every study of S1-S48 (with S12b, S12c, S21b-d) and S112-S131 that risk-of-bias.md part 1 rates (1a trials, 1b cohorts,
#: 1c cross-sectional studies: their tool; 1d reviews: partial AMSTAR-2 items), pinned from the file (4 Dec 2026).
RATED = {
    "RoB 2": ["S11", "S12b", "S12c", "S27", "S112", "S114", "S115", "S116"],
    "QUIPS": ["S14", "S16", "S17", "S18", "S19", "S20", "S21c", "S21d", "S28", "S29", "S30", "S31", "S41", "S42",
              "S44", "S46", "S122"],
    "JBI": ["S1", "S2", "S3", "S4", "S5", "S6", "S8", "S10", "S34", "S35", "S36", "S37", "S38", "S39", "S40", "S43"],
    "AMSTAR 2": ["S7", "S21", "S21b", "S22", "S23", "S24", "S25", "S26", "S33", "S48", "S113", "S117", "S118", "S120",
                 "S124"],
}
#: Rows the file lists but does not rate, with its words.
NOT_RATEABLE = {"S13": "not rateable (no new data)", "S15": "descriptive only (not a factor study)"}


@pytest.mark.parametrize("tool, study", [(tool, s) for tool, ids in RATED.items() for s in ids])
def test_every_study_the_file_rates_carries_its_rating(tool, study):
    rob = study_files()[study].spec.risk_of_bias
    assert rob is not None and rob.tool == tool
    assert rob.source.startswith("risk-of-bias.md part 1")
    assert all(d.support for d in rob.domains)


def test_the_ratings_keep_the_sources_words():
    files = study_files()
    s11 = files["S11"].spec.risk_of_bias  # "U [SC: method not in text read]" ... "SC→H" ... overall "SC (H for ...)"
    assert (s11.domains[0].judgement, s11.domains[0].provisional) == ("unclear", "some concerns")
    assert (s11.domains[3].judgement, s11.domains[3].provisional) == ("some concerns", "high")
    assert s11.overall == "some concerns" and "H for stretching vs book" in s11.overall_note
    assert files["S27"].spec.risk_of_bias.overall_provisional == "high"  # "SC→H"
    assert all(d.judgement == "unclear" for d in files["S12b"].spec.risk_of_bias.domains)  # unclear stays unclear
    assert files["S20"].spec.risk_of_bias.factor == "age"
    assert files["S23"].spec.review_certainty[0].rating == "moderate"
    assert files["S33"].spec.review_certainty[0].rating == "very low"
    assert {o.study for o in files["S16"].spec.overlap} == {"S17"}
    assert {o.study for o in files["S17"].spec.overlap} == {"S16"}


@pytest.mark.parametrize("study", sorted(NOT_RATEABLE))
def test_a_study_the_file_does_not_rate_says_why(study):
    spec = study_files()[study].spec
    assert spec.risk_of_bias is None
    assert any("risk-of-bias.md" in n and NOT_RATEABLE[study] in n for n in spec.notes)


#: Identifiers printed in risk-of-bias.md part 4a/4b ("verified"; "Other identities found") and part 0.
IDENTIFIERS = {
    "S7": {"doi": "10.1186/s12891-017-1534-0"}, "S22": {"doi": "10.1136/bjsports-2019-100886"},
    "S33": {"doi": "10.1080/09593985.2019.1639868"}, "S23": {"doi": "10.1002/14651858.CD009790.pub2"},
    "S10": {"doi": "10.3390/ijerph18168654", "pmc": "PMC8393976"},
    "S34": {"doi": "10.1371/journal.pone.0298257", "pmid": "38771839"},
    "S35": {"doi": "10.3390/ijerph19063743", "pmid": "35329430"}, "S36": {"doi": "10.3390/jcm13247598"},
    "S39": {"doi": "10.5812/jcrps.87237"}, "S16": {"doi": "10.1136/bjsm.2008.048181"},
    "S17": {"doi": "10.1111/j.1600-0838.2005.00441.x"}, "S14": {"doi": "10.1177/03635465010290030801"},
    "S28": {"doi": "10.1093/aje/154.1.30"}, "S42": {"doi": "10.1249/MSS.0000000000000465"},
    "S26": {"doi": "10.1007/s10926-023-10124-4", "pmc": "PMC10684665"}, "S1": {"pmc": "PMC10044007"},
    "S21c": {"doi": "10.1177/0363546510395879"},
}


@pytest.mark.parametrize("study", sorted(IDENTIFIERS))
def test_the_verified_identifiers_are_in_the_citation(study):
    citation = study_files()[study].spec.citation
    for key, value in IDENTIFIERS[study].items():
        assert getattr(citation, key) == value


def test_the_corrected_titles_and_designs():
    files = study_files()
    assert files["S7"].spec.title.startswith("Restriction in lateral bending range of motion, lumbar lordosis")
    assert files["S4"].spec.title.startswith("Extensibility of the hamstrings is best explained by mechanical")
    assert files["S10"].spec.design == "cross-sectional"
    s13 = files["S13"].spec.effects[0]
    assert s13.id == "hamstring-older" and s13.estimate.source == "secondary"  # a press report, not published


def test_s40s_direction_is_our_reading_on_a_disability_scale_so_it_never_counts():
    from analysis.claims.engine import run_evidence
    from analysis.claims.model import load_claim
    from analysis.claims.synthesis import Basis

    spec = study_files()["S40"].spec
    stated = next(s for s in spec.statements if s.id == "shortening-function-older")
    assert "higher = worse" in stated.outcome and stated.direction_assumed
    ev = next(e for e in load_claim("stiffness-pain-disability").evidence if e.study == "S40")
    result = run_evidence(ev, True, 5)
    assert result.basis == Basis.ASSUMED and not result.basis.counts


def _claim_page(cr) -> str:
    from analysis.report.build import _env, _page_context, versions

    return _env().get_template("claim.html.j2").render(**_page_context(cr), versions=versions())


@pytest.mark.slow
def test_a_study_section_shows_its_risk_of_bias_row_and_links(isolated_data):
    from analysis.claims.engine import run_claim

    html = _claim_page(run_claim("recurrence-risk-factors", ensemble_draws=2))
    assert "A targeted gathering of evidence, not a systematic review." in html
    assert html.index("targeted gathering") < html.index("The evidence, study by study")
    # S16 Warren 2010 (QUIPS): its six letters, the support in the title, the overlap with S17, its DOI linked
    section = html[html.index("S16: Warren"):]
    section = section[:section.index("</details>\n<details class=\"study\"") if "<details class=\"study\"" in section
                      else None]
    assert "(QUIPS)" in section and section.count('role="listitem"') == 6
    assert 'title="attrition: high. H: 42 of 59 in the univariate table' in section
    assert "S17 (probable): Warren 2010 and Gabbe 2006" in section
    assert 'href="https://doi.org/10.1136/bjsm.2008.048181"' in section


def test_a_reviews_section_shows_its_own_certainty_and_what_it_includes():
    from analysis.claims.engine import run_claim

    html = _claim_page(run_claim("stretching-reduces-pain", ensemble_draws=2))
    section = html[html.index("S23: Hayden"):]
    assert "The review's own certainty (GRADE):</strong> pain, exercise vs no treatment" in section
    assert "<strong>moderate</strong> (inconsistency)" in section
    assert "<strong>Includes:</strong> S11" in section


def test_a_retracted_study_is_struck_through_with_its_notice_and_left_out_of_the_evidence(isolated_data):
    from analysis.claims.engine import run_claim
    from analysis.claims.model import parse_claim_file

    path = isolated_data / "claims" / "99-retraction-test.yaml"
    path.write_text(CLAIM)
    html = _claim_page(run_claim(parse_claim_file(path), ensemble_draws=2))
    assert "<del>S61: Hoskins &amp; Pollard 2010 (retracted)</del>" in html
    assert 'href="https://doi.org/10.1186/1471-2474-12-200"' in html
    assert "2 tests of this claim rest on a retracted study" in html
    evidence = html[html.index("The evidence, study by study"):html.index("Retracted: left out of every count")]
    assert "S61" not in evidence and "S28: " in evidence


def test_the_index_says_how_the_evidence_was_gathered():
    from analysis.report.build import _env, versions

    html = _env().get_template("index.html.j2").render(results=[], summary=None, rule="", strength=lambda cr: "",
                                                       validation=False, versions=versions())
    assert "A targeted gathering of evidence, not a systematic review." in html
    assert "Still missing" in html and "4 December 2026" in html


def test_studies_show_says_a_study_is_retracted_and_gives_its_rating(capsys):
    from analysis.cli import main

    for study, words in (("S61", "RETRACTED (notice 10.1186/1471-2474-12-200)"), ("S16", "risk of bias (QUIPS): high")):
        with pytest.raises(SystemExit) as info:
            main(["studies", "show", study])
        assert info.value.code == 0
        assert words in capsys.readouterr().out


def test_a_case_series_is_an_observational_design():
    from analysis.claims.verdicts import OBSERVATIONAL_DESIGNS
    from analysis.report.limits import design_limits

    assert "case-series" in OBSERVATIONAL_DESIGNS
    assert "comparison group" in design_limits("case-series")
    assert study_files()["S129"].spec.design == "case-series"


def test_a_review_of_prospective_cohorts_says_where_it_says_so(tmp_path):
    """``evidence_from: prospective cohorts`` raises where GRADE certainty starts, so it needs its quote."""
    spec = parse_study_file(study_files()["S7"].path).spec
    assert spec.evidence_from == "prospective cohorts" and spec.longitudinal
    assert "prospective cohort studies" in spec.evidence_from_source
    path = _write(tmp_path, _spec_text("S7", without=("evidence_from_source",)), name="S7.yaml")
    with pytest.raises(InputError) as info:
        parse_study_file(path)
    assert "evidence_from_source: required" in info.value.problem
    mixed = parse_study_file(study_files()["S72"].path).spec
    assert mixed.evidence_from == "observational" and not mixed.longitudinal
