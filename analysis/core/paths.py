"""Where the project's data live.

The package reads study specs and claims from the repository's ``data/``
folder. Set ``HAMSTRING_EVIDENCE_DATA`` to point at another folder with the
same layout (``studies/`` and ``claims/``), e.g. to add studies without
touching the repository.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    """Return the data folder (``$HAMSTRING_EVIDENCE_DATA`` or ``<repo>/data``)."""
    return Path(os.environ.get("HAMSTRING_EVIDENCE_DATA", REPO_ROOT / "data"))


def studies_dir() -> Path:
    """Return the folder of study spec files."""
    return data_dir() / "studies"


def claims_dir() -> Path:
    """Return the folder of claim files."""
    return data_dir() / "claims"
