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


#: Doctests of ``analysis/`` that run claims end to end or build every report (each 15-40 s on a loaded 2-core
#: machine): the slow tier. A doctest cannot carry a marker itself, so they are marked here by name; ``make
#: test-fast`` (``pytest -m "not slow"``) leaves them out, ``make test`` and CI run them.
SLOW_DOCTESTS = {
    "analysis",  # the public API tour: runs a claim through `he.run_claim`
    "analysis.claims.engine.run_claim",  # a claim on a user's DataFrame
    "analysis.report.build",  # builds every report
}


def pytest_collection_modifyitems(config, items):
    """Mark :data:`SLOW_DOCTESTS` slow (this hook sees every collected item, the doctests of ``analysis/`` too)."""
    from _pytest.doctest import DoctestItem

    for item in items:
        if isinstance(item, DoctestItem) and item.name in SLOW_DOCTESTS:
            item.add_marker(pytest.mark.slow)
