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
