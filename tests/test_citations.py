"""The citation export (issue #32, item 4): ``studies export`` writes every cited study as BibTeX or RIS, read back
here by independent parsers (bibtexparser with pylatexenc's LaTeX decoding, rispy); errors are one line with exit 2
and leave an existing file as it was."""

from __future__ import annotations

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors, SplitNameParts
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from analysis.cli import main
from analysis.cli_cite import studies_export
from analysis.report.citations import bibtex_entry, ris_record
from analysis.spec.model import StudySpec, study_files


def run(capsys, *argv):
    with pytest.raises(SystemExit) as info:
        main(list(argv))
    out, err = capsys.readouterr()
    return info.value.code, out, err


def parse_bib(text: str):
    """bibtexparser's library of ``text``: every field LaTeX-decoded by pylatexenc, authors split into name parts."""
    decoder = LatexDecodingMiddleware(decoder=LatexNodes2Text(latex_context=_symbols_db()))
    library = bibtexparser.parse_string(text, append_middleware=[decoder, SeparateCoAuthors(), SplitNameParts()])
    assert not library.failed_blocks and not library.comments and not library.strings
    return library


def _symbols_db():
    """pylatexenc's LaTeX context, taught four standard LaTeX text symbols it leaves out or maps to other characters."""
    db = get_default_latex_context_db()
    db.add_context_category("text-symbols", prepend=True, macros=[
        MacroTextSpec("textbraceleft", "{"), MacroTextSpec("textbraceright", "}"),
        MacroTextSpec("textasciicircum", "^"), MacroTextSpec("textasciitilde", "~")])
    return db


def field(entry, name):
    found = entry.fields_dict.get(name)
    return None if found is None else found.value


def make_spec(study_id: str = "T1", **citation) -> StudySpec:
    title = citation.pop("title", "A title")
    cited = {"authors": "Smith J", "year": 2020, "journal": "J Test"} | citation
    return StudySpec.model_validate({"id": study_id, "short": "x", "title": title, "citation": cited, "design": "cohort",
                                     "population": "x", "variables": {}})


@pytest.fixture(scope="module")
def registry():
    return [f.spec for f in study_files().values() if not f.spec.composite]


@pytest.fixture(scope="module")
def written(tmp_path_factory, registry):
    folder = tmp_path_factory.mktemp("citations")
    for name in ("all.bib", "all.ris"):
        studies_export(None, folder / name)
    return folder


def test_every_study_round_trips_through_bibtexparser(written, registry):
    library = parse_bib((written / "all.bib").read_text(encoding="utf-8"))
    entries = library.entries
    assert [e.key for e in entries] == [s.id for s in registry] and len(entries) > 100
    for entry, spec in zip(entries, registry):
        c = spec.citation
        assert entry.entry_type == "article"
        assert field(entry, "year") == (str(c.year) if c.year is not None else None), spec.id
        assert field(entry, "doi") == c.doi, spec.id
        assert field(entry, "journal") == c.journal, spec.id
        assert field(entry, "title") == ("RETRACTED: " if spec.retracted else "") + " ".join(spec.title.split())
        notes = field(entry, "note") or ""
        assert (f"PMID: {c.pmid}" in notes) == bool(c.pmid) and (f"PMCID: {c.pmc}" in notes) == bool(c.pmc)
        names = field(entry, "author") or []
        at = 0
        for name in names:  # every listed family name is the spec's, in the spec's order
            family = " ".join(name.von + name.last)
            if family == "others":
                continue
            at = c.authors.index(family, at)
        has_others = any(n.last == ["others"] for n in names)
        assert names == [] or has_others == bool("et al" in c.authors or "..." in c.authors
                                                 or "(" in c.authors or "not in" in c.authors), spec.id


def test_authors_are_names_and_an_incomplete_list_says_so(written):
    library = parse_bib((written / "all.bib").read_text(encoding="utf-8"))
    people = {e.key: [(" ".join(n.von + n.last), " ".join(n.first)) for n in field(e, "author") or []]
              for e in library.entries}
    assert people["S16"] == [("Warren", "P."), ("Gabbe", "B. J."), ("Schneider-Kolsky", "M."), ("Bennell", "K. L.")]
    assert people["S69"] == [("Cherkin", "D. C."), ("Sherman", "K. J."), ("Kahn", "J."), ("others", "")]
    assert people["S23"][-1] == ("van Tulder", "M. W.") and people["S21c"][1] == ("Hägglund", "M.")
    # "Allam NM, Eladl HM, ..., Abdelbasset WK": the names after the gap have no known place
    assert people["S38"] == [("Allam", "N. M."), ("Eladl", "H. M."), ("others", "")]
    assert "Authors as recorded: Allam NM, Eladl HM, ..., Abdelbasset WK" in field(library.entries_dict["S38"], "note")
    # a text that names no one is no author, and a note keeps it
    assert people["S1"] == [] and "Kyungnam University group" in field(library.entries_dict["S1"], "note")


def test_every_study_round_trips_through_rispy(written, registry):
    raw = (written / "all.ris").read_bytes()
    lines = raw.split(b"\r\n")
    assert lines[-1] == b"" and not any(b"\n" in line or b"\r" in line for line in lines)  # CR LF, every line
    records = rispy.loads(raw.decode("utf-8"))
    assert [r["id"] for r in records] == [s.id for s in registry]
    for record, spec in zip(records, registry):
        c = spec.citation
        assert record["type_of_reference"] == "JOUR"
        assert record.get("year") == (str(c.year) if c.year is not None else None), spec.id
        assert record.get("doi") == c.doi and record["secondary_title"] == record["journal_name"] == c.journal
        assert record["title"].removeprefix("RETRACTED: " if spec.retracted else "") == " ".join(spec.title.split())
        notes = record.get("notes", [])
        assert (f"PMID: {c.pmid}" in notes) == bool(c.pmid) and (f"PMCID: {c.pmc}" in notes) == bool(c.pmc)
    by_id = {r["id"]: r for r in records}
    assert by_id["S16"]["authors"] == ["Warren, P.", "Gabbe, B. J.", "Schneider-Kolsky, M.", "Bennell, K. L."]
    assert "Authors: the list is incomplete (et al.)" in by_id["S17"]["notes"]


def test_pages_and_volumes_are_split_and_written_in_full(written):
    library = parse_bib((written / "all.bib").read_text(encoding="utf-8"))
    records = {r["id"]: r for r in rispy.loads((written / "all.ris").read_text(encoding="utf-8"))}
    s50 = library.entries_dict["S50"]  # volume "77(10)", pages "1510-19"
    assert (field(s50, "volume"), field(s50, "number"), field(s50, "pages")) == ("77", "10", "1510–1519")
    assert (records["S50"]["volume"], records["S50"]["number"]) == ("77", "10")
    assert (records["S50"]["start_page"], records["S50"]["end_page"]) == ("1510", "1519")
    assert (records["S95"]["start_page"], records["S95"]["end_page"]) == ("E169", "E173")
    assert records["S34"]["start_page"] == "e0298257" and "end_page" not in records["S34"]
    assert field(library.entries_dict["S67"], "volume") is None and field(library.entries_dict["S67"], "number") == "9"


def test_special_characters_are_escaped_and_read_back():
    title = "Pain {and} 50% of {AFL players & #2: $x_1^2 ~ \\ a { alone"
    journal = "J {A&B} 100% _ Sci"
    spec = make_spec(title=title, journal=journal, authors="O'Brien J & Co, Smith_X K")
    entry = bibtex_entry(spec)
    library = parse_bib(entry + "\n\n" + bibtex_entry(make_spec("T2", title="after", journal="Next")))
    assert len(library.entries) == 2  # a "%" or a stray brace did not swallow what follows
    got = library.entries[0]
    assert field(got, "title") == title and field(got, "journal") == journal
    assert field(library.entries[1], "title") == "after"
    for ch in "%&$#_":
        assert entry.count(ch) == entry.count("\\" + ch), ch  # each one escaped
    raw = entry.split("title = {", 1)[1].split("},\n", 1)[0]
    assert raw.count("{") == raw.count("}")  # braces balanced, so BibTeX ends the field where it should


def test_the_retracted_study_is_marked_in_both_formats(written, registry):
    retracted = [s.id for s in registry if s.retracted is not None]
    assert "S61" in retracted
    library = parse_bib((written / "all.bib").read_text(encoding="utf-8"))
    records = {r["id"]: r for r in rispy.loads((written / "all.ris").read_text(encoding="utf-8"))}
    for entry in library.entries:
        marked = entry.key in retracted
        assert field(entry, "title").startswith("RETRACTED: ") == marked
        assert (field(entry, "note") or "").startswith("RETRACTED (notice ") == marked
        record = records[entry.key]
        assert record["title"].startswith("RETRACTED: ") == marked
        assert (record.get("notes") or [""])[0].startswith("RETRACTED (notice ") == marked
    assert field(library.entries_dict["S61"], "note").startswith(
        "RETRACTED (notice doi:10.1186/1471-2474-12-200): the Macquarie University Human Ethics Committee")


def test_a_missing_year_is_left_out_not_guessed():
    spec = make_spec(year=None, doi="10.1/x")
    assert "year" not in bibtex_entry(spec) and "\r\nPY  - " not in ris_record(spec)
    assert field(parse_bib(bibtex_entry(spec)).entries[0], "doi") == "10.1/x"


def test_the_command_writes_the_chosen_studies_and_says_so(capsys, tmp_path):
    out = tmp_path / "two.ris"
    code, said, err = run(capsys, "studies", "export", "S61", "S16", "S61", "--out", str(out))
    assert code == 0 and err == "" and said == f"wrote {out}: 2 studies (RIS)\n"
    assert [r["id"] for r in rispy.loads(out.read_text(encoding="utf-8"))] == ["S61", "S16"]
    out = tmp_path / "all.BIB"
    code, said, _ = run(capsys, "studies", "export", "--out", str(out))
    n = sum(not f.spec.composite for f in study_files().values())
    assert code == 0 and said.startswith(f"wrote {out}: {n} studies (BibTeX); left out AC1 ")
    assert len(parse_bib(out.read_text(encoding="utf-8")).entries) == n


@pytest.mark.parametrize("argv, field_name", [
    (["studies", "export", "--out", "{dir}/refs.txt"], "--out"),
    (["studies", "export", "--out", "{dir}/refs"], "--out"),
    (["studies", "export", "S16", "S9999", "--out", "{dir}/refs.bib"], "STUDY_IDS"),
    (["studies", "export", "AC1", "--out", "{dir}/refs.bib"], "STUDY_IDS"),
    (["studies", "export", "S16", "--out", "{dir}/missing/refs.bib"], "--out"),
])
def test_a_bad_request_is_one_line_exit_2_and_leaves_files_alone(capsys, tmp_path, argv, field_name):
    kept = tmp_path / "refs.bib"
    kept.write_text("a file of the user's\n")
    code, out, err = run(capsys, *[a.format(dir=tmp_path) for a in argv])
    assert code == 2 and out == "" and f": {field_name}: " in err and len(err.strip().splitlines()) == 1
    assert kept.read_text() == "a file of the user's\n" and sorted(p.name for p in tmp_path.iterdir()) == ["refs.bib"]
