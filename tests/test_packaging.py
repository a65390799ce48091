"""Packaging hygiene (issue #18): the licence the metadata claims is in the repository, and environment.yml
(for conda users) lists exactly pyproject.toml's runtime and dev dependencies with the same version bounds."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

#: pyproject name -> conda-forge name, where they differ.
CONDA_NAMES = {"dask[distributed]": "dask"}


def _split(requirement: str) -> tuple[str, str]:
    name, spec = re.match(r"^([A-Za-z0-9_.\-\[\]]+)\s*(.*)$", requirement.strip()).groups()
    return CONDA_NAMES.get(name, name).lower(), spec.replace(" ", "")


def test_the_licence_file_matches_the_metadata():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert meta["license"] == "MIT" and meta["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")


def test_environment_yml_mirrors_pyproject():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = meta["optional-dependencies"]
    wanted = dict(_split(r) for r in meta["dependencies"] + extras["dev"] + extras["bench"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    listed = dict(_split(d) for d in env["dependencies"] if isinstance(d, str) and not d.startswith(("python", "pip")))
    assert listed == wanted
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    assert python.startswith("python>=" + meta["requires-python"].removeprefix(">="))
