"""The code base passes the project's lint rules (pyproject.toml [tool.ruff]: pycodestyle, pyflakes, import order)."""

import subprocess
import sys

from analysis.core.paths import REPO_ROOT


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "analysis", "tests", "benchmarks"],
                            cwd=REPO_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
