"""Where the registry (study specs, claims, data families, example data and notebooks) lives.

The data folder is, in this order:

1. the folder given by ``--data-dir`` on the command line (which sets the environment variable below, so worker
   processes see it too), or by ``HAMSTRING_EVIDENCE_DATA``;
2. the repository's ``data/`` when the package runs from a checkout (``pyproject.toml`` beside ``analysis/``);
3. the defaults shipped inside the installed package (``analysis/bundled/data``, copied there when the wheel is
   built; see ``setup.py``).

``hamstring-evidence init DIR`` copies the defaults into a folder of one's own. A data folder must hold
``studies/*.yaml`` and ``claims/*.yaml``; an empty or missing registry is an error, never an empty result.

>>> data_dir().joinpath("studies").is_dir()
True
>>> data_source() in ("the repository's data/ folder", "the defaults shipped with the package",
...                   "HAMSTRING_EVIDENCE_DATA / --data-dir")
True
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

#: The environment variable that names a data folder (``--data-dir`` sets it).
DATA_ENV = "HAMSTRING_EVIDENCE_DATA"
PACKAGE_ROOT = Path(__file__).resolve().parents[1]
REPO_ROOT = PACKAGE_ROOT.parent
#: The registry copied into the wheel at build time: ``data/`` (without ``generated/``) and ``notebooks/``.
BUNDLED = PACKAGE_ROOT / "bundled"


@lru_cache(maxsize=1)
def in_checkout() -> bool:
    """True when the package runs from its source repository (an editable install or ``PYTHONPATH=.``); decided
    once per process (every registry read asks)."""
    return (REPO_ROOT / "pyproject.toml").is_file() and (REPO_ROOT / "data" / "studies").is_dir()


def default_data_dir() -> Path:
    """The registry used when no folder is named: the checkout's ``data/``, else the shipped defaults."""
    return REPO_ROOT / "data" if in_checkout() else BUNDLED / "data"


def data_dir() -> Path:
    """Return the data folder (``--data-dir`` / ``$HAMSTRING_EVIDENCE_DATA``, else :func:`default_data_dir`)."""
    chosen = os.environ.get(DATA_ENV)
    return Path(chosen) if chosen else default_data_dir()


def data_source() -> str:
    """Where :func:`data_dir` came from, in words (for error messages)."""
    if os.environ.get(DATA_ENV):
        return f"{DATA_ENV} / --data-dir"
    return "the repository's data/ folder" if in_checkout() else "the defaults shipped with the package"


def uses_shipped_defaults() -> bool:
    """True when the data folder is the read-only copy inside the installed package."""
    return data_dir().resolve() == (BUNDLED / "data").resolve()


def studies_dir() -> Path:
    """Return the folder of study spec files."""
    return data_dir() / "studies"


def claims_dir() -> Path:
    """Return the folder of claim files."""
    return data_dir() / "claims"


def notebooks_dir() -> Path:
    """The analyst notebooks: the checkout's ``notebooks/``, else the copy shipped with the package."""
    return REPO_ROOT / "notebooks" if in_checkout() else BUNDLED / "notebooks"


def registry_files(folder: Path, what: str) -> list[Path]:
    """The ``*.yaml`` files of a registry folder; an error naming the folder when it is missing or empty.

    Parameters
    ----------
    folder : Path
        ``studies_dir()`` or ``claims_dir()``.
    what : str
        What the files are, for the message ("study specs", "claims").
    """
    from analysis.core.errors import InputError

    hint = f"(data folder from {data_source()}; `hamstring-evidence init DIR` creates one from the defaults)"
    if not folder.is_dir():
        raise InputError(folder, "(folder)", f"no such folder of {what} {hint}")
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise InputError(folder, "(folder)", f"holds no {what} (*.yaml) {hint}")
    return files
