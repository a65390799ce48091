"""The content-keyed cache: a hit gives what a cold run gives; any change of the inputs is a miss; a warm run is fast
because it does not load the analysis stack."""

import json
import os
import subprocess
import sys

import pytest

from analysis.core import cache
from analysis.core.paths import REPO_ROOT

SMALL = ["07-clbp-less-flexible.yaml", "14-autopsy-ligament-hypertrophy.yaml"]


@pytest.fixture
def registry(tmp_path):
    """A two-claim copy of data/ and a private cache folder, used by the CLI in subprocesses."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(REPO_ROOT / "data", data, ignore=shutil.ignore_patterns("generated", "examples", "real"))
    for path in (data / "claims").glob("*.yaml"):
        if path.name not in SMALL:
            path.unlink()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(HAMSTRING_EVIDENCE_DATA=str(data), HAMSTRING_EVIDENCE_CACHE=str(tmp_path / "cache"),
               PYTHONPATH=str(REPO_ROOT))
    return data, env, tmp_path


def cli(env, cwd, *args, extra_python=()):
    return subprocess.run([sys.executable, *extra_python, "-m", "analysis", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_a_warm_report_is_byte_identical_and_does_not_load_the_analysis_stack(registry):
    data, env, tmp = registry
    cold = cli(env, tmp, "report", "--out", "cold")
    assert cold.returncode == 0, cold.stderr
    warm = cli(env, tmp, "report", "--out", "warm", extra_python=("-X", "importtime"))
    assert warm.returncode == 0 and "pages from the cache" in warm.stdout
    loaded = {line.split("|")[-1].strip() for line in warm.stderr.splitlines() if "|" in line}
    assert not {"pandas", "scipy", "statsmodels", "matplotlib"} & loaded
    cold_pages = {p.name: p.read_bytes() for p in (tmp / "cold").iterdir()}
    assert cold_pages == {p.name: p.read_bytes() for p in (tmp / "warm").iterdir()}
    off = dict(env, HAMSTRING_EVIDENCE_CACHE="off")
    assert cli(off, tmp, "report", "--out", "nocache").returncode == 0
    assert cold_pages == {p.name: p.read_bytes() for p in (tmp / "nocache").iterdir()}


@pytest.mark.slow
def test_a_changed_claim_or_spec_is_a_miss(registry):
    data, env, tmp = registry
    first = cli(env, tmp, "claims", "list", "--json")
    assert first.returncode == 0 and "from the cache" not in first.stdout
    claim = data / "claims" / "07-clbp-less-flexible.yaml"
    claim.write_text(claim.read_text().replace("title: ", "title: CHANGED ", 1))
    rows = json.loads(cli(env, tmp, "claims", "list", "--json").stdout)
    assert rows[0]["title"].startswith("CHANGED ")
    spec = next((data / "studies").glob("S2-*.yaml"))
    spec.write_text(spec.read_text().replace("title:", "title: BROKEN", 1).replace("id: S2", "id: [S2", 1))
    broken = cli(env, tmp, "claims", "list", "--json")
    assert broken.returncode == 2 and "S2-" in broken.stderr  # a broken spec is found, not hidden by the cache


@pytest.mark.slow
def test_a_damaged_entry_is_recomputed(registry, monkeypatch):
    data, env, tmp = registry
    monkeypatch.setenv("HAMSTRING_EVIDENCE_DATA", str(data))
    monkeypatch.setenv("HAMSTRING_EVIDENCE_CACHE", str(tmp / "cache"))
    from analysis.claims.cached import KIND, cached_run_claim, claim_key
    from analysis.claims.model import load_claim

    claim = load_claim("clbp-less-flexible")
    first, key = cached_run_claim(claim, ensemble_draws=5)
    assert key == claim_key(claim, 5, None) and cache.read(KIND, key) is not None
    cache.write(KIND, key, b"not a pickle")
    again, _ = cached_run_claim(claim, ensemble_draws=5)
    assert again.verdict == first.verdict and cache.read(KIND, key) != b"not a pickle"


@pytest.mark.slow
def test_an_unwritable_cache_is_said_once_and_the_run_succeeds(registry):
    data, env, tmp = registry
    blocked = tmp / "blocked"
    blocked.write_text("a file where the cache folder should be")
    done = cli(dict(env, HAMSTRING_EVIDENCE_CACHE=str(blocked)), tmp, "claims", "list")
    assert done.returncode == 0 and done.stderr.count("results not cached") == 1


def test_keys_separate_their_parts():
    assert cache.digest("ab", "c") != cache.digest("a", "bc")
    assert cache.digest(1) != cache.digest("1")
