"""Bad input where it enters: one line naming the file, field or option, exit 2, nothing written."""

import os

import pytest
import yaml

from analysis.cli import _one_line, main
from analysis.core.errors import InputError, ReconstructionError


def run(capsys, *argv):
    with pytest.raises(SystemExit) as info:
        main(list(argv))
    out, err = capsys.readouterr()
    return info.value.code, out, err


@pytest.mark.parametrize("argv, fragment", [
    (["claims", "list", "--jobs", "0"], "'--jobs': must be a number of processes (1 or more) or -1"),
    (["claims", "list", "--jobs", "-7"], "'--jobs'"),
    (["data", "build", "S2", "--seed", "-1"], "'--seed': must be a whole number from 0"),
    (["power", "s17-age", "--seed", "-3"], "'--seed'"),
    (["power", "s17-age", "--sims", "1000000000", "--n", "100", "--or", "1.5"],
     "--sims/--n: 1,000,000,000 simulations of 100 rows"),
    (["power", "s17-age", "--sims", "10", "--n", "1000000000000", "--or", "1.5"], "at most 50,000,000 fit in memory"),
])
def test_options_out_of_range_name_the_option(capsys, tmp_path, argv, fragment):
    code, out, err = run(capsys, *argv)
    assert code == 2 and fragment in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_jobs_are_capped_at_the_cores():
    from analysis.cli_options import _checked_jobs

    cores = os.cpu_count() or 1
    assert _checked_jobs(1000) == cores and _checked_jobs(-1) == cores and _checked_jobs(1) == 1


def test_a_claim_naming_a_column_its_study_lacks_is_an_input_error(capsys, isolated_data):
    """Was a bare "error: no_such_var" (a KeyError from inside the analysis)."""
    path = isolated_data / "claims" / "07-clbp-less-flexible.yaml"
    text = path.read_text()
    assert "variable: ake_tightness, groups: [lbp, healthy]" in text
    path.write_text(text.replace("variable: ake_tightness, groups: [lbp, healthy]",
                                 "variable: no_such_var, groups: [lbp, healthy]", 1))
    code, out, err = run(capsys, "analyze", "clbp-less-flexible")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert ("evidence s2-clbp-vs-healthy: variable: 'no_such_var' is not a column of S2's reconstruction; it has: "
            "group, ake_tightness") in err


def test_a_spec_no_dataset_can_follow_is_named_by_its_file(capsys, isolated_data):
    """Generator errors named the study id only; both `data build` and `analyze` now name the spec file."""
    path = next((isolated_data / "studies").glob("S2-*.yaml"))
    text = path.read_text()
    assert "sd: {value: 9.70, source: abstract, decimals: 2}" in text
    path.write_text(text.replace("sd: {value: 9.70, source: abstract, decimals: 2}", "sd: {value: 60.0, source: abstract}"))
    for args in (("data", "build", "S2", "--out", str(isolated_data / "s2.csv")), ("analyze", "clbp-less-flexible")):
        code, _, err = run(capsys, *args)
        assert code == 2 and f"{path}: " in err and "an SD of 60 is impossible for 30 values in [0, 90]" in err, args
    assert not (isolated_data / "s2.csv").exists()


def _two_groups(n: int = 20):
    import numpy as np
    import pandas as pd

    return pd.DataFrame({"group": ["lbp"] * n + ["healthy"] * n,
                         "ake_tightness": np.r_[np.linspace(20, 40, n), np.linspace(5, 25, n)]})


def test_a_true_false_column_is_not_taken_as_degrees(capsys, tmp_path):
    """A boolean Parquet column was coerced to 0/1 and analysed as degrees of knee extension."""
    frame = _two_groups()
    frame["ake_tightness"] = [True, False] * 20
    path = tmp_path / "clinic.parquet"
    frame.to_parquet(path)
    code, out, err = run(capsys, "analyze", "clbp-less-flexible", "--data", str(path))
    assert code == 2 and out == "" and "clinic.parquet: ake_tightness: holds true/false values" in err


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_duplicated_column_is_an_error_not_silently_renamed(capsys, tmp_path, suffix):
    """pandas reads a repeated header as ake_tightness and ake_tightness.1 and the analysis used the first."""
    frame = _two_groups()
    frame.insert(2, "copy", frame["ake_tightness"] + 1)
    path = tmp_path / f"clinic{suffix}"
    header = ["group", "ake_tightness", "ake_tightness"]
    if suffix == ".csv":
        frame.to_csv(path, index=False, header=header)
    else:
        frame.to_excel(path, index=False, header=header)
    code, out, err = run(capsys, "analyze", "clbp-less-flexible", "--data", str(path))
    assert code == 2 and out == "" and f"clinic{suffix}: ake_tightness: the header names this column more than once" in err
    frame.to_csv(tmp_path / "fine.csv", index=False)  # the same data with distinct names is read as usual
    assert run(capsys, "analyze", "clbp-less-flexible", "--data", str(tmp_path / "fine.csv"))[0] == 0


def test_an_encrypted_workbook_is_named_for_what_it_is(capsys, tmp_path):
    """Excel saves a password-protected .xlsx as an OLE2 compound file (signature D0 CF 11 E0 A1 B1 1A E1, the
    [MS-CFB] header); pandas then blamed a missing optional package ("Import python-calamine failed")."""
    path = tmp_path / "clinic.xlsx"
    path.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504))
    code, out, err = run(capsys, "analyze", "clbp-less-flexible", "--data", str(path))
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "clinic.xlsx: (file): is not an .xlsx workbook but an OLE2 compound file: a password-protected" in err
    assert "calamine" not in err


def test_a_folder_and_a_symlink_loop_are_named_for_what_they_are(capsys, tmp_path):
    (tmp_path / "folder.csv").mkdir()
    (tmp_path / "a.csv").symlink_to(tmp_path / "b.csv")
    (tmp_path / "b.csv").symlink_to(tmp_path / "a.csv")
    code, _, err = run(capsys, "analyze", "clbp-less-flexible", "--data", str(tmp_path / "folder.csv"))
    assert code == 2 and "folder.csv: (file): is a folder, not a file" in err
    code, _, err = run(capsys, "analyze", "clbp-less-flexible", "--data", str(tmp_path / "a.csv"))
    assert code == 2 and "a.csv: (file): is a loop of symbolic links" in err


def test_terminal_escape_codes_are_shown_not_acted_on():
    assert _one_line("bad column \x1b[31mred\x1b[0m\nnext") == "bad column \\x1b[31mred\\x1b[0m next"


def test_escape_codes_in_a_mapped_column_name_reach_stderr_escaped(capsys, tmp_path):
    path = tmp_path / "clinic.csv"
    path.write_text("group,ake_tightness\nlbp,30\nhealthy,12\n")
    code, _, err = run(capsys, "analyze", "clbp-less-flexible", "--data", str(path), "--column",
                       "ake_tightness=\x1b]0;owned\x07knee")
    assert code == 2 and "\x1b" not in err and "\x07" not in err and "\\x1b]0;owned\\x07knee" in err


def test_a_deeply_nested_spec_is_refused_not_a_crash(isolated_data, capsys):
    (isolated_data / "studies" / "S99-deep.yaml").write_text("id: S99\nnotes: " + "[" * 200_000 + "]" * 200_000 + "\n")
    code, _, err = run(capsys, "studies", "list")
    assert code == 2 and "S99-deep.yaml: (file): is not valid YAML: nested more than 64 levels deep" in err


@pytest.mark.parametrize("bad_id", ["../escape", "/tmp/abs", "a/b", ".hidden"])
def test_a_spec_id_must_be_a_safe_file_name(isolated_data, capsys, bad_id):
    path = next((isolated_data / "studies").glob("S2-*.yaml"))
    spec = yaml.safe_load(path.read_text())
    spec["id"] = bad_id
    path.write_text(yaml.safe_dump(spec))
    code, _, err = run(capsys, "data", "build", "S2")
    assert code == 2 and "S2-" in err and ": id:" in err
    assert not (isolated_data / "escape").exists() and not (isolated_data.parent / "escape").exists()


def test_input_error_is_a_project_error_with_file_field_problem():
    """Not a ValueError (#28): a project error must be told apart from a bug's ValueError."""
    from analysis.core.errors import HamstringEvidenceError

    err = InputError("f.yaml", "groups.lbp.n", "must be positive")
    assert str(err) == "f.yaml: groups.lbp.n: must be positive"
    assert isinstance(err, HamstringEvidenceError) and not isinstance(err, ValueError)


def test_data_build_all_gives_the_committed_datasets_and_keeps_a_users_file(isolated_data, capsys):
    from analysis.core.paths import REPO_ROOT

    (isolated_data / "generated").mkdir()
    (isolated_data / "generated" / "keep-me.txt").write_text("mine")  # not the tool's: kept
    code, out, _ = run(capsys, "data", "build", "--all")
    assert code == 0
    committed = REPO_ROOT / "data" / "generated"
    files = sorted(p.relative_to(committed) for p in committed.rglob("*") if p.is_file())
    fresh = isolated_data / "generated"
    assert files == sorted(p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file() and p.name != "keep-me.txt")
    assert (fresh / "keep-me.txt").read_text() == "mine"
    assert all((committed / f).read_bytes() == (fresh / f).read_bytes() for f in files)
    assert sorted(p.name for p in isolated_data.iterdir() if p.name.startswith(".")) == []


def test_a_failing_spec_leaves_every_dataset_in_place(isolated_data, capsys, monkeypatch):
    (isolated_data / "generated" / "S2").mkdir(parents=True)
    (isolated_data / "generated" / "S2" / "S2.csv").write_text("previous")
    import analysis.generate as generate

    real = generate.build_dataset

    planted: list[Exception] = []

    def fails_on_s6(spec, **kwargs):
        if spec.id == "S6":
            raise planted[0]
        return real(spec, **kwargs)

    monkeypatch.setattr(generate, "build_dataset", fails_on_s6)
    # a spec no dataset can follow is the spec file's error (exit 2); a bug in a generator stays a bug (exit 1)
    for error, status in ((ReconstructionError("no dataset reproduces the table"), 2),
                          (ValueError("a bug in a generator"), 1)):
        planted[:] = [error]
        code, _, err = run(capsys, "data", "build", "--all")
        assert code == status, err
        assert ("S6-" in err and "nothing was changed" in err) if status == 2 else "internal error: ValueError" in err
        assert (isolated_data / "generated" / "S2" / "S2.csv").read_text() == "previous"
        assert sorted(p.name for p in isolated_data.iterdir() if p.name.startswith(".")) == []


def test_data_build_never_overwrites_a_foreign_datapackage(capsys, tmp_path):
    (tmp_path / "datapackage.json").write_text('{"resources": [{"path": "theirs.csv"}]}')
    code, _, err = run(capsys, "data", "build", "S2", "--out", str(tmp_path / "mine.csv"))
    assert code == 2 and "describes other data" in err
    assert (tmp_path / "datapackage.json").read_text() == '{"resources": [{"path": "theirs.csv"}]}'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["datapackage.json"]
    code, _, _ = run(capsys, "data", "build", "S2", "--out", str(tmp_path / "own" / "mine.csv"))
    code2, _, _ = run(capsys, "data", "build", "S2", "--out", str(tmp_path / "own" / "mine.csv"))  # its own: rewritten
    assert code == code2 == 0


def test_inf_or_text_in_a_cohort_column_is_an_input_error(capsys, tmp_path):
    """Cohort covariates and outcomes are not study variables, so nothing checked them: inf reached statsmodels and
    ended as an internal error (exit 1)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"age": rng.normal(24, 4, 300), "prior_hamstring_12m": rng.integers(0, 2, 300),
                          "hamstring_injury": rng.integers(0, 2, 300)})
    frame["age"] = frame["age"].astype(object)
    frame.loc[5, "age"] = np.inf
    frame.loc[9, "age"] = "twenty"
    path = tmp_path / "squad.csv"
    frame.to_csv(path, index=False)
    code, out, err = run(capsys, "analyze", "older-athletes-more-strains", "--data", str(path))
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "squad.csv: age: 2 problem(s): age: row 7: 'inf' is not a finite number; age: row 11: 'twenty'" in err


@pytest.mark.parametrize("target, message", [("/proc/x.csv", "cannot be written"),
                                             ("/dev/null/x.csv", "/dev/null is not a folder")])
def test_data_build_into_a_place_that_cannot_hold_it_is_an_input_error(capsys, target, message):
    """Was an internal error (exit 1) naming a temporary file."""
    code, out, err = run(capsys, "data", "build", "S2", "--out", target)
    assert code == 2 and f"{target}: --out: " in err and message in err and "internal error" not in err


def test_an_export_gets_the_users_permissions_and_a_cache_entry_stays_private(tmp_path, monkeypatch, capsys):
    """atomic_write's temporary file is created 0o600; a file written for the user (an export, a report file) ends
    with the mode any new file of theirs gets (0o666 less the umask), a cache entry with 0o600."""
    from analysis.core import cache
    from analysis.core.files import atomic_write, current_umask

    previous = os.umask(0o027)
    try:
        assert current_umask() == 0o027
        atomic_write(tmp_path / "shared.csv", b"x")
        atomic_write(tmp_path / "mine.bin", b"x", private=True)
        assert (tmp_path / "shared.csv").stat().st_mode & 0o777 == 0o640
        assert (tmp_path / "mine.bin").stat().st_mode & 0o777 == 0o600
        with pytest.raises(SystemExit) as stop:
            main(["studies", "export", "S2", "--out", str(tmp_path / "refs.ris")])
        assert stop.value.code == 0 and (tmp_path / "refs.ris").stat().st_mode & 0o777 == 0o640
        monkeypatch.setenv("HAMSTRING_EVIDENCE_CACHE", str(tmp_path / "cache"))
        cache.write("test-kind", "0" * 64, b"payload")
        entries = [p for p in (tmp_path / "cache").rglob("*") if p.is_file() and p.name != cache.KEY_FILE]
        assert entries and all(p.stat().st_mode & 0o777 == 0o600 for p in entries)
    finally:
        os.umask(previous)
