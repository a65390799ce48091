import json
import os
from pathlib import Path

import pandas as pd
import pytest

FIXTURES = Path(__file__).parent / "fixtures"

# Tests compute; they never take results from the on-disk cache (tests/test_cache.py turns it on where it is tested).
os.environ["HAMSTRING_EVIDENCE_CACHE"] = "off"


def load_reference(name: str) -> dict:
    """A pinned R reference (JSON written by the .R script of the same name)."""
    return json.loads((FIXTURES / "r" / f"{name}.json").read_text())


def read_fixture_csv(name: str) -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "data" / name, comment="#")


@pytest.fixture
def isolated_data(tmp_path, monkeypatch):
    """A writable copy of data/ so a test can add or break specs without touching the repository."""
    import shutil

    from analysis.core.paths import REPO_ROOT

    target = tmp_path / "data"
    shutil.copytree(REPO_ROOT / "data", target, ignore=shutil.ignore_patterns("generated"))
    monkeypatch.setenv("HAMSTRING_EVIDENCE_DATA", str(target))
    return target
