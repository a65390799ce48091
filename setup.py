"""Build hook: copy the default registry into the wheel.

The study specs, claims, data families, example data and notebooks live at the repository root (``data/``,
``notebooks/``), where analysts and reviewers find them. A wheel must carry them too, or an installed toolkit
would have nothing to test: this copies them into ``analysis/bundled/`` of the build, where
``analysis.core.paths`` looks when it does not run from a checkout. Everything else is in ``pyproject.toml``.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SKIPPED = shutil.ignore_patterns("generated", "__pycache__", ".*")


class BuildWithRegistry(build_py):
    """``build_py`` that also copies ``data/`` (without ``generated/``) and ``notebooks/`` into the package."""

    def run(self):
        super().run()
        target = Path(self.build_lib) / "analysis" / "bundled"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(ROOT / "data", target / "data", ignore=SKIPPED)
        target.joinpath("notebooks").mkdir(parents=True)
        for notebook in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")):
            shutil.copy2(notebook, target / "notebooks" / notebook.name)
        if not any((target / "data" / "studies").glob("*.yaml")):
            raise SystemExit("setup.py: no study specs found under data/studies; refusing to build an empty toolkit")


setup(cmdclass={"build_py": BuildWithRegistry})
