"""The CLI contract: names, JSON shapes, files written, and one-line errors with exit code 2."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main
from analysis.datasets.loaders import file_sha256

CLAIM = "hamstring-stiffness-lbp"


def run(capsys, *argv):
    with pytest.raises(SystemExit) as info:
        main(list(argv))
    out, err = capsys.readouterr()
    return info.value.code, out, err


@pytest.mark.slow
def test_console_script_and_module_agree():
    exe = Path(sys.executable).parent / "hamstring-evidence"
    a = subprocess.run([str(exe), "studies", "list", "--json"], capture_output=True, text=True, check=True)
    b = subprocess.run([sys.executable, "-m", "analysis", "studies", "list", "--json"], capture_output=True,
                       text=True, check=True)
    assert json.loads(a.stdout) == json.loads(b.stdout)


@pytest.mark.parametrize("argv", [[], ["claims"], ["studies"], ["data"], ["analyze", "--help"],
                                  ["report", "--help"], ["data", "build", "--help"], ["studies", "show", "--help"]])
def test_help_everywhere(capsys, argv):
    code, out, _ = run(capsys, *argv) if argv else run(capsys)
    assert code == 0 and "Usage" in out


def test_studies_show_json(capsys):
    code, out, _ = run(capsys, "studies", "show", "S2", "--json")
    data = json.loads(out)
    assert code == 0 and data["id"] == "S2" and len(data["spec_sha256"]) == 64
    assert data["summaries"][0]["mean"]["value"] == 31.63


def test_studies_show_lists_what_is_reported_and_what_is_assumed(capsys):
    code, out, _ = run(capsys, "studies", "show", "S17")
    assert code == 0
    assert "number of hamstring_injury events: 31  reported (abstract)" in out
    assert "age -> hamstring_injury: positive, p < 0.05 (adjusted)  reported (abstract)" in out
    assert "odds ratio of hamstring_injury for age = 1.12  ASSUMED, range [1.02, 1.25]" in out  # cohort assumptions too
    code, out, _ = run(capsys, "studies", "show", "S6")
    assert "table s6: lbp_history = yes: flexibility = diminished: 45, flexibility = normal: 38  reported (table)" in out
    assert "chi square of s6: 11.88, p = 0.0006  reported (table)" in out
    code, out, _ = run(capsys, "studies", "show", "S1")
    assert "r(hamstring_length, nprs) in clbp: negative, p < 0.05  reported (abstract)" in out
    assert "r(hamstring_length, nprs) in clbp = -0.4  ASSUMED, range [-0.7, -0.2542]" in out


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_data_build_writes_dataset_and_datapackage(capsys, tmp_path, suffix):
    out_file = tmp_path / f"s2{suffix}"
    code, out, _ = run(capsys, "data", "build", "S2", "--seed", "7", "--out", str(out_file))
    assert code == 0 and "synthetic" in out
    desc = json.loads((tmp_path / "datapackage.json").read_text())
    assert desc["synthetic"] is True and desc["seed"] == 7 and "SYNTHETIC" in desc["title"]
    assert desc["shaped_like"]["study_id"] == "S2"
    assert desc["resources"][0]["hash"] == f"sha256:{file_sha256(out_file)}"
    frame = pd.read_parquet(out_file) if suffix == ".parquet" else pd.read_csv(out_file)
    assert len(frame) == 60 and frame["data_origin"].str.startswith("synthetic").all()
    first = out_file.read_bytes()
    run(capsys, "data", "build", "S2", "--seed", "7", "--out", str(out_file))
    assert out_file.read_bytes() == first  # byte-identical


@pytest.mark.slow
def test_analyze_json_contract(capsys):
    code, out, _ = run(capsys, "analyze", CLAIM, "--json")
    data = json.loads(out)
    # the verdict comes from the claim's critical outcome (#29): two prospective studies (S29, and S7, a review of
    # prospective cohorts) start high for a prognostic factor, minus risk of bias and imprecision (no size): low
    assert code == 0 and data["claim_id"] == CLAIM and data["verdict"] == "supported"
    assert data["certainty"] == "low" and [o["outcome"] for o in data["outcomes"]]
    onset = next(o for o in data["outcomes"] if o["critical"])
    assert onset["start"] == "high" and "may be associated with" in onset["statement"]  # never "causes"
    for rec in data["results"]:
        assert {"study_id", "test", "estimate", "ci_low", "ci_high", "p", "n", "method"} <= set(rec)
    assert {r["study_id"] for r in data["results"]} == {"S1", "S2", "S7", "S28", "S29"}


@pytest.mark.slow
def test_analyze_on_user_data(capsys, tmp_path):
    # a clinic file with a clear group difference, in Excel
    path = tmp_path / "clinic.xlsx"
    pd.DataFrame({"group": ["lbp"] * 12 + ["healthy"] * 12,
                  "ake_tightness": [30, 28, 35, 31, 33, 29, 36, 27, 32, 34, 30, 31,
                                    12, 15, 10, 18, 14, 11, 16, 13, 17, 12, 15, 14]}).to_excel(path, index=False)
    before = path.read_bytes()
    code, out, _ = run(capsys, "analyze", CLAIM, "--data", str(path), "--json")
    data = json.loads(out)
    assert code == 0 and [e["evidence_id"] for e in data["evidence"]] == ["clbp-vs-healthy-tightness"]
    assert data["results"][0]["source"] == "user file clinic.xlsx"
    assert data["results"][0]["source_sha256"] == file_sha256(path)
    assert path.read_bytes() == before  # raw input untouched


@pytest.mark.parametrize("argv, fragment", [
    (["data", "build", "S999"], "unknown study 'S999'"),
    (["analyze", "no-such-claim"], "unknown claim 'no-such-claim'"),
    (["analyze", "--bogus"], "No such option"),
    (["studies", "show"], "Missing argument"),
    (["data", "build", "S2", "--out", "x.txt"], "--out: must end in .csv or .parquet"),
    (["data", "build", "S2", "--seed", "abc"], "seed"),
    (["analyze", CLAIM, "--data", "missing.csv"], "missing.csv: (file): does not exist"),
    (["report", "--claim", "nope"], "unknown claim 'nope'"),
])
def test_bad_input_one_line_exit_2(capsys, tmp_path, monkeypatch, argv, fragment):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("hamstring-evidence: error:")
    assert fragment in err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_user_data_errors_list_every_problem(capsys, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("group,ake_tightness\nlbp,30\nlbp,-4\nhealthy,abc\nhealthy,120\n")
    code, _, err = run(capsys, "analyze", CLAIM, "--data", str(path))
    assert code == 2 and err.count("\n") == 1
    assert "bad.csv: ake_tightness" in err and "row 3" in err and "row 4" in err and "row 5" in err
    assert "-4" in err and "abc" in err and "120" in err


def test_user_data_without_usable_columns(capsys, tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n3,4\n")
    code, _, err = run(capsys, "analyze", CLAIM, "--data", str(path))
    assert code == 2 and "none of claim hamstring-stiffness-lbp's analyses can run" in err


@pytest.mark.parametrize("writer, suffix", [(lambda f, p: f.to_csv(p, index=False), ".csv"),
                                            (lambda f, p: f.to_excel(p, index=False), ".xlsx"),
                                            (lambda f, p: f.to_parquet(p, index=False), ".parquet")])
def test_data_validate_accepts_csv_excel_parquet(capsys, tmp_path, writer, suffix):
    path = tmp_path / f"cohort{suffix}"
    writer(pd.DataFrame({"participant": ["a", "b", "c"], "age": [21, 25.5, 30], "hamstring_injury": [0, 1, 0],
                         "recurred": [0, 1, None]}), path)
    before = path.read_bytes()
    code, out, err = run(capsys, "data", "validate", str(path), "--family", "athlete-cohort")
    assert code == 0 and "valid for family 'athlete-cohort' (3 rows" in out and not err
    assert path.read_bytes() == before


def test_data_validate_reports_every_problem_at_once(capsys, tmp_path):
    path = tmp_path / "cohort.csv"
    path.write_text("participant,age,hamstring_injury,recurred\np1,25,1,0\np1,51,1,2\np3,abc,0,0\n")
    before = path.read_bytes()
    code, _, err = run(capsys, "data", "validate", str(path), "--family", "athlete-cohort")
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    for fragment in ["5 problem(s)", "participant: row 2: 'p1' is duplicated", "age: row 3: 51.0 outside [14, 45]",
                     "recurred: row 3: 2.0 not 0 or 1", "age: row 4: 'abc' is not a number"]:
        assert fragment in err
    assert path.read_bytes() == before


@pytest.mark.parametrize("content, family, fragment", [
    ("participant,age\np1,25\n", "athlete-cohort", "hamstring_injury: required column(s) missing"),
    ("a\n1\n", "no-such-family", "unknown family 'no-such-family'"),
])
def test_data_validate_bad_family_or_columns(capsys, tmp_path, content, family, fragment):
    path = tmp_path / "x.csv"
    path.write_text(content)
    code, _, err = run(capsys, "data", "validate", str(path), "--family", family)
    assert code == 2 and fragment in err and err.count("\n") == 1


def test_figures_only_study_cannot_build_a_dataset(capsys, tmp_path):
    code, _, err = run(capsys, "data", "build", "S7", "--out", str(tmp_path / "s7.csv"))
    assert code == 2 and "S7: no dataset can be built: A review" in err
    assert list(tmp_path.iterdir()) == []


def test_row_numbers_count_comment_lines(capsys, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("# a comment line\ngroup,ake_tightness\nlbp,30\nlbp,-4\n")
    code, _, err = run(capsys, "analyze", CLAIM, "--data", str(path))
    assert code == 2 and "row 4: -4.0" in err  # line 4 of the file


def test_help_and_version_answer_without_loading_the_analysis_stack():
    """`--help` and `--version` import neither pandas nor scipy nor matplotlib (the CLI imports them per command);
    checked structurally, not by timing (speed lives in the benchmarks)."""
    probe = ("import sys\nfrom analysis.cli import main\ntry:\n    main(['--version'])\nexcept SystemExit as e:\n"
             "    code = e.code\nheavy = sorted(m for m in ('pandas', 'scipy', 'matplotlib', 'statsmodels') "
             "if m in sys.modules)\nprint(code, heavy)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    from analysis.core.version import __version__

    assert out.splitlines() == [f"hamstring-evidence {__version__}", "0 []"]


def test_shell_completion_completes_commands(tmp_path):
    """Typer's completion: `--show-completion bash` prints a script, and the completion protocol answers."""
    import os

    exe = Path(sys.executable).with_name("hamstring-evidence")
    env = dict(os.environ, COMP_WORDS="hamstring-evidence cl", COMP_CWORD="1",
               _HAMSTRING_EVIDENCE_COMPLETE="complete_bash")
    done = subprocess.run([str(exe)], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.split() == ["claims"]
    script = subprocess.run([str(exe), "--show-completion", "bash"], capture_output=True, text=True, cwd=tmp_path)
    assert script.returncode == 0 and "_HAMSTRING_EVIDENCE_COMPLETE" in script.stdout
