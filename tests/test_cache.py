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


class _Planted:
    """A pickle that, when loaded, creates the file it names (what a crafted cache entry could do)."""

    def __init__(self, target):
        self.target = str(target)

    def __reduce__(self):
        return (open, (self.target, "w"))


@pytest.mark.parametrize("framing", ["bare pickle", "forged signature"])
def test_a_crafted_pickle_entry_is_never_unpickled(registry, monkeypatch, framing):
    import pickle

    data, env, tmp = registry
    monkeypatch.setenv("HAMSTRING_EVIDENCE_DATA", str(data))
    monkeypatch.setenv("HAMSTRING_EVIDENCE_CACHE", str(tmp / "cache"))
    monkeypatch.setattr(cache, "_said_discarded", False)
    from analysis.claims.cached import KIND, cached_run_claim, claim_key
    from analysis.claims.model import load_claim

    claim = load_claim("clbp-less-flexible")
    cache.write("warm-up", "0" * 64, b"creates the folder and its key")
    key = claim_key(claim, 5, None)
    target = tmp / "pwned"
    payload = pickle.dumps(_Planted(target))
    entry = cache._entry(KIND, key)
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.write_bytes(payload if framing == "bare pickle" else cache.MAGIC + bytes(32) + payload)
    result, _ = cached_run_claim(claim, ensemble_draws=5)
    assert not target.exists()  # the planted code never ran
    assert result.claim.id == "clbp-less-flexible"
    assert cache.read(KIND, key) is not None and payload not in entry.read_bytes()  # recomputed and re-signed


def test_corrupt_entries_are_discarded_recomputed_and_said_once(registry):
    data, env, tmp = registry
    cold = cli(env, tmp, "report", "--out", "cold")
    assert cold.returncode == 0, cold.stderr
    entries = [p for p in (tmp / "cache").rglob("*") if p.is_file() and p.name != cache.KEY_FILE]
    assert len(entries) >= 3  # the report set, and each claim's result and page
    for i, path in enumerate(entries):
        blob = path.read_bytes()
        path.write_bytes(blob[: len(blob) // 2] if i % 2 else blob[:-1] + bytes([blob[-1] ^ 1]))  # cut, or a bit flipped
    again = cli(env, tmp, "report", "--out", "again")
    assert again.returncode == 0, again.stderr
    assert again.stderr.count("cache entry was discarded") == 1 and "from the cache" not in again.stdout
    assert {p.name: p.read_bytes() for p in (tmp / "cold").iterdir()} == \
        {p.name: p.read_bytes() for p in (tmp / "again").iterdir()}
    warm = cli(env, tmp, "report", "--out", "warm")  # healed: the recomputed entries serve the next run
    assert warm.returncode == 0 and "from the cache" in warm.stdout and "discarded" not in warm.stderr


@pytest.mark.parametrize("unsafe, command", [
    ("world-writable", ["claims", "list"]), ("group-writable", ["claims", "list"]),
    ("another user's", ["claims", "list"]), ("readable key", ["claims", "list"]),
    ("world-writable", ["report", "--claim", "clbp-less-flexible", "--jobs", "2", "--out", "out"]),  # before workers
])
def test_a_cache_others_can_write_is_refused(registry, unsafe, command):
    data, env, tmp = registry
    folder = tmp / "cache"
    if unsafe == "readable key":
        assert cli(env, tmp, "claims", "list").returncode == 0
        (folder / cache.KEY_FILE).chmod(0o644)
    else:
        folder.mkdir(mode=0o700)
        if unsafe == "another user's":
            if os.getuid() != 0:
                pytest.skip("only root can give a folder to another user")
            os.chown(folder, 65534, 65534)
        else:
            folder.chmod(0o777 if unsafe == "world-writable" else 0o770)
    before = sorted(p.name for p in folder.rglob("*"))
    done = cli(env, tmp, *command)
    assert done.returncode == 2 and done.stdout == "" and not (tmp / "out").exists()
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "HAMSTRING_EVIDENCE_CACHE" in lines[0] and str(folder) in lines[0]
    assert "not private" in lines[0]
    assert sorted(p.name for p in folder.rglob("*")) == before  # nothing written into it
    off = cli(dict(env, HAMSTRING_EVIDENCE_CACHE="off"), tmp, "claims", "list")
    assert off.returncode == 0  # the way out the message names works


def test_a_damaged_key_makes_misses_never_errors(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HAMSTRING_EVIDENCE_CACHE", str(tmp_path / "c"))
    monkeypatch.setattr(cache, "_said_discarded", False)
    cache.write("demo", "ab" * 32, b"payload")
    key = tmp_path / "c" / cache.KEY_FILE
    assert key.stat().st_mode & 0o777 == 0o600 and len(key.read_bytes()) == 32
    assert cache.read("demo", "ab" * 32) == b"payload"
    key.write_bytes(b"short")  # a damaged key: its entries cannot be verified, so they are misses
    assert cache.read("demo", "ab" * 32) is None and not key.exists()
    cache.write("demo", "ab" * 32, b"again")  # a new key is made and signs the new entry
    assert len(key.read_bytes()) == 32 and cache.read("demo", "ab" * 32) == b"again"
    key.unlink()
    key.mkdir(mode=0o700)  # not even a file
    assert cache.read("demo", "ab" * 32) is None
    assert capsys.readouterr().err.count("cache entry was discarded") == 1
