"""``analyze`` answers from the content cache (issue #33 item 3): a warm answer is what a cold run prints, any change
of what it reads is a miss, a damaged entry is recomputed, and a cold run on a terminal shows its progress."""

import json
import os
import pty
import select
import shutil
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from analysis import cli_analyze
from analysis.claims.model import load_claim
from analysis.cli import app, main
from analysis.core import cache
from analysis.core.paths import REPO_ROOT

CLAIM = "clbp-less-flexible"
CLINIC = REPO_ROOT / "data" / "examples" / "clinic_flexibility.csv"


@pytest.fixture
def small_registry(tmp_path, monkeypatch):
    """One claim's copy of data/ and a private cache, for in-process runs."""
    data = tmp_path / "data"
    shutil.copytree(REPO_ROOT / "data", data, ignore=shutil.ignore_patterns("generated", "examples", "real"))
    for path in (data / "claims").glob("*.yaml"):
        if path.name != "07-clbp-less-flexible.yaml":
            path.unlink()
    monkeypatch.setenv("HAMSTRING_EVIDENCE_DATA", str(data))
    monkeypatch.setenv("HAMSTRING_EVIDENCE_CACHE", str(tmp_path / "cache"))
    return data, tmp_path


@pytest.fixture
def counted_cold(monkeypatch):
    """The cold path, counted: how many times ``analyze`` had to run the claim."""
    calls = []
    real = cli_analyze._cold

    def cold(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(cli_analyze, "_cold", cold)
    return calls


def analyze(*args):
    result = CliRunner().invoke(app, ["analyze", CLAIM, *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_warm_answer_on_a_users_file_is_the_cold_answer_and_any_change_is_a_miss(small_registry, counted_cold):
    data, tmp = small_registry
    mine = tmp / "clinic.csv"
    shutil.copy(CLINIC, mine)
    cold_text = analyze("--data", str(mine))
    cold_json = analyze("--data", str(mine), "--json")  # the entry holds both forms: this is warm already
    assert len(counted_cold) == 1
    assert analyze("--data", str(mine)) == cold_text and len(counted_cold) == 1
    assert json.loads(cold_json)["claim_id"] == CLAIM and "80 rows read, 80 used" in cold_text

    # the file's bytes: one row fewer is a miss, and the answer says so
    lines = mine.read_text().splitlines()
    mine.write_text("\n".join(lines[:-1]) + "\n")
    assert "79 rows read, 79 used" in analyze("--data", str(mine)) and len(counted_cold) == 2
    # an option as typed: a miss (an exclusion the cold run counts and says)
    excluded = analyze("--data", str(mine), "--exclude", "group:pilot")
    assert len(counted_cold) == 3 and "79 rows read" in excluded
    # a mapping file's bytes: a miss
    mapping = tmp / "map.yaml"
    mapping.write_text("exclude:\n  group: [pilot]\n")
    analyze("--data", str(mine), "--map", str(mapping))
    mapping.write_text("exclude:\n  group: [pilot, other]\n")
    analyze("--data", str(mine), "--map", str(mapping))
    assert len(counted_cold) == 5
    # a claim file's bytes: a miss
    claim = data / "claims" / "07-clbp-less-flexible.yaml"
    claim.write_text(claim.read_text().replace("title: ", "title: CHANGED ", 1))
    analyze("--data", str(mine))
    assert len(counted_cold) == 6


def test_with_the_cache_off_every_call_runs(small_registry, counted_cold, monkeypatch):
    monkeypatch.setenv("HAMSTRING_EVIDENCE_CACHE", "off")
    analyze("--data", str(CLINIC))
    analyze("--data", str(CLINIC))
    assert len(counted_cold) == 2


def test_a_signed_entry_that_is_not_an_answer_is_recomputed_and_replaced(small_registry, counted_cold):
    cold = analyze("--data", str(CLINIC))
    key = cli_analyze.answer_key(CLAIM, CLINIC, None, ((), (), ()))
    said = []
    for damaged in (b"not json", b"[1, 2]", json.dumps({"text": "x"}).encode()):
        cache.write(cli_analyze.KIND, key, damaged)
        result = CliRunner().invoke(app, ["analyze", CLAIM, "--data", str(CLINIC)])
        assert result.exit_code == 0 and result.stdout == cold
        said.append(result.stderr)
    assert "cache entry was discarded" in said[0]  # said once per process (analysis.core.cache)
    assert len(counted_cold) == 4
    again = CliRunner().invoke(app, ["analyze", CLAIM, "--data", str(CLINIC)])
    assert again.stdout == cold and again.stderr == "" and len(counted_cold) == 4  # replaced by a good entry


def test_a_missing_file_is_the_input_error_it_always_was(small_registry, counted_cold, capsys):
    _, tmp = small_registry
    for args in (["--data", str(tmp / "absent.csv")], ["--data", str(CLINIC), "--map", str(tmp / "absent.yaml")]):
        with pytest.raises(SystemExit) as stop:
            main(["analyze", CLAIM, *args])
        err = capsys.readouterr().err.strip().splitlines()
        assert stop.value.code == 2 and len(err) == 1 and "absent." in err[0]
    assert not list((tmp / "cache").rglob("*analyze-answer*/*/*"))  # nothing cached of a failed call


def _env(data, tmp):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(HAMSTRING_EVIDENCE_DATA=str(data), HAMSTRING_EVIDENCE_CACHE=str(tmp / "cache"),
               PYTHONPATH=str(REPO_ROOT), COLUMNS="100")
    return env


@pytest.mark.slow
def test_a_warm_study_shaped_answer_does_not_load_the_analysis_stack(small_registry):
    data, tmp = small_registry
    env = _env(data, tmp)
    run = [sys.executable, "-m", "analysis", "analyze", CLAIM]
    cold = subprocess.run(run, env=env, cwd=tmp, capture_output=True, text=True, timeout=600)
    assert cold.returncode == 0, cold.stderr
    warm = subprocess.run([sys.executable, "-X", "importtime", *run[1:]], env=env, cwd=tmp, capture_output=True,
                          text=True, timeout=600)
    assert warm.returncode == 0 and warm.stdout == cold.stdout
    loaded = {line.split("|")[-1].strip() for line in warm.stderr.splitlines() if "|" in line}
    assert not {"pandas", "scipy", "statsmodels", "matplotlib", "rich"} & loaded
    off = subprocess.run(run, env=dict(env, HAMSTRING_EVIDENCE_CACHE="off"), cwd=tmp, capture_output=True,
                         text=True, timeout=600)
    assert off.stdout == cold.stdout


def _on_a_terminal(run: list[str], env: dict, cwd) -> tuple[int, str, bytes]:
    """Run with stderr on a pseudo-terminal: (exit code, stdout, what the terminal received)."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(run, env=dict(env, TERM="xterm"), cwd=cwd, stdout=subprocess.PIPE, stderr=follower,
                            text=True)
    os.close(follower)
    seen = b""
    while select.select([leader], [], [], 600)[0]:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    out, _ = proc.communicate(timeout=600)
    os.close(leader)
    return proc.returncode, out, seen


@pytest.mark.slow
@pytest.mark.parametrize("command, bar", [(["analyze", CLAIM], f"{CLAIM}: evidence entries"),
                                          (["claims", "list"], "claims")])
def test_a_cold_run_shows_progress_on_a_terminal_and_nothing_on_a_pipe(small_registry, command, bar):
    data, tmp = small_registry
    env = dict(_env(data, tmp), HAMSTRING_EVIDENCE_CACHE="off")
    run = [sys.executable, "-m", "analysis", *command]
    piped = subprocess.run(run, env=env, cwd=tmp, capture_output=True, text=True, timeout=600)
    assert piped.returncode == 0 and piped.stderr == ""
    code, out, seen = _on_a_terminal(run, env, tmp)
    assert code == 0 and out == piped.stdout  # what a script reads is the same
    steps = len(load_claim(CLAIM).evidence) if command[0] == "analyze" else 1  # one claim in this registry
    assert bar.encode() in seen and f"/{steps}".encode() in seen, seen[-400:]
