"""Issue #35 item 1: YAML read with limits (size, depth, aliases, duplicate keys), and spec values checked at load.

Each case ends in one line naming the file and the field, exit 2, nothing written. The cases that crashed the
interpreter (segfault, memory kill) run in a child process under a memory limit, so a regression fails the test
instead of killing the test run.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.core.paths import REPO_ROOT


def run(capsys, *argv):
    with pytest.raises(SystemExit) as info:
        main(list(argv))
    out, err = capsys.readouterr()
    return info.value.code, out, err


def run_child(data: Path, *argv: str, memory_bytes: int = 2 << 30) -> subprocess.CompletedProcess:
    """The real CLI in a child process, its address space capped (a memory blow-up then fails, not the host)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(HAMSTRING_EVIDENCE_CACHE="off", PYTHONPATH=str(REPO_ROOT), HAMSTRING_EVIDENCE_DATA=str(data))

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))

    return subprocess.run([sys.executable, "-m", "analysis", *argv], env=env, capture_output=True, text=True,
                          timeout=120, preexec_fn=cap)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def a_spec(isolated_data: Path) -> Path:
    return next((isolated_data / "studies").glob("S2-*.yaml"))


BILLION_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n" for p, c in zip("abcdefgh", "bcdefghi"))
DEEP_BLOCK_SEQUENCE = "- " * 100_000 + "x\n"  # one line: libyaml's composer recursed 100,000 deep (segfault)
DEEP_BLOCK_MAPPING = "".join(" " * i + f"k{i}:\n" for i in range(1_200)) + " " * 1_200 + "x\n"  # RecursionError


@pytest.mark.parametrize("body, fragment", [
    ("notes:\n  " + DEEP_BLOCK_SEQUENCE, "is not valid YAML: nested more than 64 levels deep (line 3)"),
    ("notes:\n" + "".join("  " + line + "\n" for line in DEEP_BLOCK_MAPPING.splitlines()),
     "is not valid YAML: nested more than 64 levels deep"),
    ("laughs:\n" + "".join("  " + line + "\n" for line in BILLION_LAUGHS.splitlines()),
     "is not valid YAML: aliases expand to more than 100,000 values"),
])
def test_a_crashing_spec_is_a_one_line_error_in_a_real_process(isolated_data, body, fragment):
    """Was a segfault (139), a RecursionError (exit 1) and a memory kill (137)."""
    (isolated_data / "studies" / "S99-crash.yaml").write_text("id: S99\n" + body)
    before = snapshot(isolated_data)
    done = run_child(isolated_data, "studies", "list")
    assert done.returncode == 2, (done.returncode, done.stderr[-500:])
    assert f"S99-crash.yaml: (file): {fragment}" in done.stderr and done.stderr.count("\n") == 1
    assert snapshot(isolated_data) == before


def test_a_deep_mapping_file_is_refused(isolated_data, tmp_path):
    """A 100,000-deep block sequence in a --map file segfaulted (the test run too: hence a child process)."""
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns:\n  " + DEEP_BLOCK_SEQUENCE)
    data = tmp_path / "clinic.csv"
    data.write_text("group,ake_tightness\nlbp,30\nhealthy,12\n")
    done = run_child(isolated_data, "analyze", "clbp-less-flexible", "--data", str(data), "--map", str(mapping))
    code, err = done.returncode, done.stderr
    assert code == 2 and err.count("\n") == 1, (code, err[-500:])
    assert "map.yaml: (file): is not valid YAML: nested more than 64 levels deep" in err


@pytest.mark.parametrize("body, fragment", [
    ("flexibility-pain: [unclosed\n", "families.yaml: (file): is not valid YAML: "),
    ("x:\n  " + DEEP_BLOCK_SEQUENCE, "families.yaml: (file): is not valid YAML: nested more than 64 levels deep"),
    ("- just\n- a list\n", "families.yaml: (top level): must be a mapping of family names to families"),
    ("fam:\n  description: d\n  columns: {a: {type: colour}}\n", "families.yaml: fam.columns.a.type: Input should be"),
    ("fam: {description: d, columns: {}}\nfam: {description: e, columns: {}}\n",
     "families.yaml: fam: is given twice (lines 1 and 2)"),
])
def test_a_broken_families_file_names_the_file(capsys, isolated_data, tmp_path, body, fragment):
    """A ParserError was an internal error (exit 1)."""
    (isolated_data / "families.yaml").write_text(body)
    data = tmp_path / "clinic.csv"
    data.write_text("group,ake_tightness\nlbp,30\nhealthy,12\n")
    code, _, err = run(capsys, "data", "validate", str(data), "--family", "flexibility-case-control")
    assert code == 2 and err.count("\n") == 1 and fragment in err, err


def test_a_duplicate_key_names_the_file_and_the_key(capsys, isolated_data):
    """Two different `title:` lines loaded, the second silently winning."""
    path = a_spec(isolated_data)
    text = path.read_text()
    title_line = next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith("title:"))
    path.write_text(text + "title: Another title\n")
    before = snapshot(isolated_data)
    code, _, err = run(capsys, "studies", "list")
    last = len(text.splitlines()) + 1
    assert code == 2 and err.count("\n") == 1
    assert f"{path.name}: title: is given twice (lines {title_line} and {last})" in err
    assert snapshot(isolated_data) == before


def test_a_duplicate_key_in_a_nested_mapping_is_refused(capsys, isolated_data):
    path = a_spec(isolated_data)
    text = path.read_text()
    assert "sd: {value: 9.70, source: abstract, decimals: 2}" in text
    path.write_text(text.replace("sd: {value: 9.70, source: abstract, decimals: 2}",
                                 "sd: {value: 9.70, source: abstract, value: 2}", 1))
    code, _, err = run(capsys, "studies", "list")
    assert code == 2 and f"{path.name}: value: is given twice" in err


def test_a_yaml_file_past_the_size_limit_is_refused_before_it_is_read(capsys, isolated_data):
    path = isolated_data / "studies" / "S99-huge.yaml"
    path.write_text("id: S99\nnotes: '" + "x" * (2 << 20) + "'\n")
    code, _, err = run(capsys, "studies", "list")
    assert code == 2 and err.count("\n") == 1
    assert "S99-huge.yaml: (file): is 2.0 MiB; a YAML file here may be at most 1 MiB" in err


def test_anchors_and_merges_within_the_limits_still_load(tmp_path):
    from analysis.core.yamlfiles import load_yaml

    path = tmp_path / "ok.yaml"
    path.write_text("base: &b {x: 1, y: 2}\nmore:\n  <<: *b\n  y: 3\nlist: [*b, *b]\n")
    assert load_yaml(path) == {"base": {"x": 1, "y": 2}, "more": {"x": 1, "y": 3},
                               "list": [{"x": 1, "y": 2}, {"x": 1, "y": 2}]}


def test_too_many_aliases_are_refused(tmp_path):
    from analysis.core.errors import InputError
    from analysis.core.yamlfiles import MAX_ALIASES, load_yaml

    path = tmp_path / "aliases.yaml"
    path.write_text("a: &a 1\nb: [" + ", ".join(["*a"] * (MAX_ALIASES + 1)) + "]\n")
    with pytest.raises(InputError, match=r"aliases.yaml: \(file\): is not valid YAML: more than 100 aliases \(line 2\)"):
        load_yaml(path)


# --- #35 item 1: spec values checked at load ----------------------------------------------------------------------

def _edit_spec(path: Path, edit) -> None:
    import yaml

    spec = yaml.safe_load(path.read_text())
    edit(spec)
    path.write_text(yaml.safe_dump(spec, sort_keys=False))


def _reported(r: float) -> dict:
    return {"value": r, "source": "abstract"}


def test_a_correlation_outside_minus_one_to_one_is_refused(capsys, isolated_data):
    """r = 1.5 loaded and `check` passed it."""
    path = next((isolated_data / "studies").glob("S1-*.yaml"))

    def edit(spec):
        entry = spec["correlations"][0]
        entry["r"] = _reported(1.5)
        for key in ("sign", "significant"):
            entry.pop(key, None)
    _edit_spec(path, edit)
    before = snapshot(isolated_data)
    code, _, err = run(capsys, "studies", "list")
    assert code == 2 and err.count("\n") == 1
    assert f"{path.name}: correlations.0: r: a correlation lies in [-1, 1], got 1.5" in err
    assert snapshot(isolated_data) == before


def test_correlations_that_cannot_hold_together_are_refused(capsys, isolated_data):
    """r(a, b) = r(a, c) = r(b, c) = -0.9 loaded: no data set has that correlation matrix (eigenvalue -0.8)."""
    path = next((isolated_data / "studies").glob("S1-*.yaml"))
    pairs = {("hamstring_length", "asymmetry"), ("hamstring_length", "nprs"), ("asymmetry", "nprs")}

    def edit(spec):
        for entry in spec["correlations"]:
            if entry["group"] == "clbp" and (entry["x"], entry["y"]) in pairs:
                entry["r"] = _reported(-0.9)
                for key in ("sign", "significant"):
                    entry.pop(key, None)
    _edit_spec(path, edit)
    code, _, err = run(capsys, "studies", "list")
    assert code == 2 and err.count("\n") == 1
    assert "in clbp cannot hold together (their matrix has a negative eigenvalue, -0." in err
    # the CLI's one line shortens a long temporary path in the middle; the loader's message names the field in full
    from analysis.core.errors import InputError
    from analysis.spec.model import parse_study_file

    with pytest.raises(InputError) as caught:
        parse_study_file(path)
    assert caught.value.problem.startswith("correlations[0] (hamstring_length, asymmetry): the correlations of "
                                           "asymmetry, disability, hamstring_length, nprs in clbp cannot hold")


@pytest.mark.parametrize("n, fragment", [
    ("1000000000000", "groups.lbp: n = 1e+12 people needs 7.3 TiB a variable (8 bytes a value); at most 10,000,000"),
    ("1.0e12", "groups.lbp: n = 1e+12 people needs 7.3 TiB a variable"),
    ("1" + "0" * 40, "groups.lbp: n = 1e+40 people needs"),
    ("9" * 401, "(file): is not valid YAML: a whole number of 401 digits (line 18); numbers here have at most 100"),
])
def test_an_absurd_group_size_is_refused_in_people_and_memory(capsys, isolated_data, n, fragment):
    """n = 10**40 loaded; n = 1e12 was a MemoryError (exit 1); a 401-digit number an OverflowError."""
    path = a_spec(isolated_data)
    text = path.read_text()
    assert "    n: {value: 30, source: abstract}" in text.splitlines()[17]
    path.write_text(text.replace("    n: {value: 30, source: abstract}", f"    n: {{value: {n}, source: abstract}}", 1))
    code, _, err = run(capsys, "data", "build", "S2", "--out", str(isolated_data / "s2.csv"))
    assert code == 2 and err.count("\n") == 1 and f"{path.name}: {fragment}" in err, err
    assert not (isolated_data / "s2.csv").exists()


def test_a_mapping_that_leaves_no_row_is_an_error_not_a_verdict(capsys, tmp_path):
    data = tmp_path / "clinic.csv"
    data.write_text("group,ake_tightness\nlbp,30\nhealthy,12\n")
    code, out, err = run(capsys, "analyze", "clbp-less-flexible", "--data", str(data),
                         "--exclude", "group:lbp", "--exclude", "group:healthy")
    assert code == 2 and err.count("\n") == 1 and out == ""
    assert ("clinic.csv: (rows): no row is left to analyse: 2 rows read, 0 used; left out: 2 excluded on request "
            "(group = healthy, lbp)") in err


def test_a_power_ratio_past_the_limit_is_refused(capsys, tmp_path):
    """`power --or 1e308` printed "power 0.000" (exit 0) after a numpy overflow warning."""
    code, out, err = run(capsys, "power", "s17-age", "--sims", "10", "--n", "100", "--or", "1e308")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "power: --or: a true ratio of 1e+308 is outside [0.001, 1000]" in err


def test_a_power_grid_larger_than_memory_is_refused_before_any_work(isolated_data):
    """`power --n 4000000` under a memory limit was a MemoryError (exit 1) after minutes of work."""
    done = run_child(isolated_data, "power", "s17-age", "--sims", "10", "--n", "4000000", "--or", "1.5",
                     memory_bytes=4 << 30)
    assert done.returncode == 2, (done.returncode, done.stderr[-500:])
    assert "power: --sims/--n: 10 simulations of 4,000,000 rows need about 10.2 GB; " in done.stderr
    assert done.stderr.count("\n") == 1
