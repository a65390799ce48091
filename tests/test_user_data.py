"""Bring your own data: column and label mapping, and no row left out without being counted and said."""

import json

import pandas as pd
import pytest

from analysis.claims.engine import run_claim
from analysis.cli import main
from analysis.core.errors import InputError
from analysis.core.paths import DATA_ENV
from analysis.datasets.mapping import Mapping, select_rows

CLAIM = "clbp-less-flexible"


def run(capsys, *argv):
    with pytest.raises(SystemExit) as info:
        main(list(argv))
    out, err = capsys.readouterr()
    return info.value.code, out, err


@pytest.fixture
def mislabelled(tmp_path):
    """120 patients: 40 lbp, 40 controls labelled 'Healthy', 40 'healthy' (the issue's case)."""
    values = [25.0 + (k % 7) for k in range(40)] + [15.0 + (k % 5) for k in range(80)]
    frame = pd.DataFrame({"participant": [f"p{k}" for k in range(120)],
                          "group": ["lbp"] * 40 + ["Healthy"] * 40 + ["healthy"] * 40, "ake_tightness": values})
    path = tmp_path / "clinic.csv"
    frame.to_csv(path, index=False)
    return path


def test_unknown_labels_are_an_error_naming_labels_and_counts(capsys, mislabelled):
    before = mislabelled.read_bytes()
    code, out, err = run(capsys, "analyze", CLAIM, "--data", str(mislabelled))
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert "group: 40 of 120 rows have labels the study does not know ('Healthy': 40)" in err
    assert "--level group:Healthy=healthy" in err
    assert mislabelled.read_bytes() == before


def test_mapped_labels_use_every_row_and_say_so(capsys, mislabelled):
    code, out, _ = run(capsys, "analyze", CLAIM, "--data", str(mislabelled), "--level", "group:Healthy=healthy",
                       "--json")
    rows = json.loads(out)["evidence"][0]["rows"]
    assert code == 0 and rows == {"source": str(mislabelled), "rows_read": 120, "rows_used": 120, "left_out": []}
    code, out, _ = run(capsys, "analyze", CLAIM, "--data", str(mislabelled), "--level", "group:Healthy=healthy")
    assert "(120 rows read, 120 used)" in out


def test_excluded_labels_are_counted(capsys, mislabelled):
    code, out, _ = run(capsys, "analyze", CLAIM, "--data", str(mislabelled), "--exclude", "group:Healthy", "--json")
    rows = json.loads(out)["evidence"][0]["rows"]
    assert code == 0 and rows["rows_used"] == 80
    assert rows["left_out"] == [{"reason": "excluded on request (group = Healthy)", "rows": 40}]


def test_a_mapping_file_does_what_the_options_do(capsys, tmp_path, mislabelled):
    frame = pd.read_csv(mislabelled).rename(columns={"group": "arm", "ake_tightness": "knee_angle"})
    frame.loc[3, "knee_angle"] = None
    path = tmp_path / "renamed.csv"
    frame.to_csv(path, index=False)
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns: {group: arm, ake_tightness: knee_angle}\nlevels: {group: {Healthy: healthy}}\n")
    code, out, _ = run(capsys, "analyze", CLAIM, "--data", str(path), "--map", str(mapping), "--json")
    by_file = json.loads(out)
    code2, out2, _ = run(capsys, "analyze", CLAIM, "--data", str(path), "--column", "group=arm", "--column",
                         "ake_tightness=knee_angle", "--level", "group:Healthy=healthy", "--json")
    assert code == code2 == 0 and json.loads(out2) == by_file
    rows = by_file["evidence"][0]["rows"]
    assert rows["rows_used"] == 119 and rows["left_out"] == [{"reason": "missing ake_tightness", "rows": 1}]
    assert by_file["results"][0]["n"] == 119


def test_the_python_api_takes_a_dataframe_and_a_mapping(mislabelled):
    frame = pd.read_csv(mislabelled)
    result = run_claim(CLAIM, data=frame, mapping={"levels": {"group": {"Healthy": "healthy"}}})
    by_file = run_claim(CLAIM, data=mislabelled, mapping=Mapping(levels={"group": {"Healthy": "healthy"}}))
    assert result.results[0].rows.rows_used == 120
    assert result.results[0].primary.estimate == by_file.results[0].primary.estimate
    with pytest.raises(InputError, match="'Healthy': 40"):
        run_claim(CLAIM, data=frame)


def test_rows_of_other_study_groups_are_counted_not_dropped_silently():
    frame = pd.DataFrame({"group": ["a", "b", "c", "c"], "x": [1.0, 2.0, 3.0, 4.0]})
    rows, report = select_rows(frame, "f.csv", ["x"], {"group": ("a", "b")}, {"group": ("a", "b", "c")})
    assert list(rows["group"]) == ["a", "b"]
    assert report.left_out == [("in group(s) not compared here (group = c)", 2)]


def test_row_numbers_stay_those_of_the_file_when_rows_are_left_out(capsys, tmp_path):
    path = tmp_path / "clinic.csv"
    path.write_text("group,ake_tightness\npilot,10\nlbp,30\nlbp,-5\nhealthy,12\nhealthy,14\nlbp,31\n")
    code, _, err = run(capsys, "analyze", CLAIM, "--data", str(path), "--exclude", "group:pilot")
    assert code == 2 and "row 4: -5.0 outside [0, 90]" in err


@pytest.mark.parametrize("argv, fragment", [
    (["--column", "ake_tightness"], "--column: expected OURS=YOURS"),
    (["--level", "group=healthy"], "--level: expected COLUMN:YOURS=OURS"),
    (["--exclude", "pilot"], "--exclude: expected COLUMN:LABEL"),
    (["--column", "ake_tightness=nope"], "nope: mapped column(s) not in the file"),
    (["--map", "missing.yaml"], "missing.yaml: --map: no such file"),
])
def test_bad_mappings_are_one_line_errors(capsys, mislabelled, argv, fragment):
    code, out, err = run(capsys, "analyze", CLAIM, "--data", str(mislabelled), *argv)
    assert code == 2 and fragment in err and err.count("\n") == 1


def test_a_mapping_file_with_unknown_keys_names_the_field(capsys, tmp_path, mislabelled):
    mapping = tmp_path / "map.yaml"
    mapping.write_text("colums: {group: arm}\n")
    code, _, err = run(capsys, "analyze", CLAIM, "--data", str(mislabelled), "--map", str(mapping))
    assert code == 2 and "map.yaml: colums" in err


def test_a_mapping_without_data_is_refused(capsys):
    code, _, err = run(capsys, "analyze", CLAIM, "--level", "group:Healthy=healthy")
    assert code == 2 and "give --data too" in err


def test_data_dir_option_and_an_empty_registry(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_ENV, "")  # restored after the test: --data-dir sets the variable for worker processes
    code, _, err = run(capsys, "--data-dir", str(tmp_path / "absent"), "claims", "list")
    assert code == 2 and "--data-dir: no such folder" in err
    (tmp_path / "empty" / "claims").mkdir(parents=True)
    code, out, err = run(capsys, "--data-dir", str(tmp_path / "empty"), "claims", "list", "--json")
    assert code == 2 and out == "" and "holds no claims" in err


def test_init_copies_the_defaults_and_never_overwrites(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_ENV, "")
    from analysis.core.paths import REPO_ROOT

    code, out, _ = run(capsys, "init", str(tmp_path / "mine"))
    specs = len(list((REPO_ROOT / "data" / "studies").glob("*.yaml")))
    assert code == 0 and f"({specs} study specs, " in out
    assert not (tmp_path / "mine" / "generated").exists()
    code, out, err = run(capsys, "init", str(tmp_path / "mine"))
    assert code == 2 and "is not empty" in err
    (tmp_path / "afile").write_text("keep me")
    code, _, err = run(capsys, "init", str(tmp_path / "afile"))
    assert code == 2 and (tmp_path / "afile").read_text() == "keep me"
    code, out, _ = run(capsys, "--data-dir", str(tmp_path / "mine"), "studies", "show", "S2", "--json")
    assert code == 0 and json.loads(out)["id"] == "S2"


def test_a_family_follows_the_variables_of_the_study_it_is_shaped_like():
    """One rule per column: `data validate --family` and `analyze --data` cannot disagree on bounds or scale."""
    from analysis.datasets.families import load_families
    from analysis.spec.model import load_study

    linked = {name: f for name, f in load_families().items() if f.study}
    assert linked  # at least the two clinic families name their study
    for name, family in linked.items():
        spec = load_study(family.study)
        for column, rule in family.columns.items():
            var = spec.variables.get(column)
            if var is None:
                continue
            assert rule.bounds == var.bounds, (name, column)
            assert (rule.type == "integer") == var.integer, (name, column)
            assert (rule.step or 1) == (var.step or 1), (name, column)


def test_validate_and_analyze_agree_on_an_odd_disability_score(capsys, tmp_path):
    path = tmp_path / "clinic.csv"
    rows = ["hamstring_length,nprs,disability"] + [f"{150 + k},{k % 10},{20 + 2 * k}" for k in range(12)]
    rows[3] = "152,3,25"  # an ODI % must be even (50 points x 2)
    path.write_text("\n".join(rows) + "\n")
    problem = "disability: row 4: 25.0 not a whole multiple of 2"  # one rule, one check, one message
    code, _, err = run(capsys, "data", "validate", str(path), "--family", "flexibility-pain")
    assert code == 2 and problem in err
    code, _, err = run(capsys, "analyze", "stiffness-pain-disability", "--data", str(path))
    assert code == 2 and problem in err


def test_a_users_own_dataframe_is_never_captioned_synthetic(mislabelled):
    """Issue #28: the caption was chosen from the source text, and "the DataFrame given" read as a reconstruction.
    The typed origin decides: a user's data is never synthetic; the study-shaped reconstruction always is."""
    from analysis.claims.results import DataOrigin
    from analysis.report.context import figures_for, shows_reconstruction

    frame = pd.read_csv(mislabelled)
    mine = run_claim(CLAIM, data=frame, mapping={"levels": {"group": {"Healthy": "healthy"}}})
    assert [r.origin for r in mine.results] == [DataOrigin.USER_DATA] * len(mine.results) and mine.results
    figs = [f for r in mine.results for f in figures_for(r)]
    assert figs, "the test needs a figure to look at"
    assert not any("synthetic" in f["caption"].lower() or "synthetic-mark" in str(f["svg"]) for f in figs)
    assert not shows_reconstruction(mine)
    shaped = run_claim(CLAIM, ensemble_draws=0)
    assert all(r.origin is DataOrigin.RECONSTRUCTION for r in shaped.results if r.dataset is not None)
    figs = [f for r in shaped.results if r.dataset is not None for f in figures_for(r)]
    assert figs and all("Synthetic data shaped like the study" in f["caption"] for f in figs)
    assert shows_reconstruction(shaped)
