"""Create a data folder of one's own from the default registry (``hamstring-evidence init DIR``).

>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "my-registry"
>>> counts = init_data_dir(target)
>>> counts["studies"] >= 48, counts["claims"] >= 29, (target / "families.yaml").is_file()
(True, True, True)
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from analysis.core.errors import InputError
from analysis.core.files import remove_stale_staging, staging
from analysis.core.paths import default_data_dir

#: Not copied: datasets are rebuilt with ``data build``; caches are machine-specific.
_SKIPPED = shutil.ignore_patterns("generated", "__pycache__", ".*")


def init_data_dir(folder: Path) -> dict[str, int]:
    """Copy the default specs, claims, data families and example data into ``folder``.

    The folder must not exist or be empty; nothing in it is ever overwritten. The copy is made in a sibling
    staging folder (``.NAME.staging-PID-XXXX``) and renamed into place, so an interrupted run leaves no half-made
    registry; the staging folder is removed on any failure, and one left by a killed run by the next ``init``.

    Parameters
    ----------
    folder : Path
        The new data folder.

    Returns
    -------
    dict
        ``{"studies": n, "claims": m}``: how many spec and claim files were copied.

    Raises
    ------
    InputError
        When ``folder`` is a file, a non-empty folder, or its parent cannot be written.
    """
    folder = Path(folder)
    if folder.absolute().parent.is_dir():
        remove_stale_staging(folder.absolute().parent, folder.name)  # what killed runs left, before any refusal
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise InputError(folder, "DIR", "exists and is not a folder; give a new or empty folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise InputError(folder, "DIR", "is not empty; give a new or empty folder (nothing was changed)")
    source = default_data_dir()
    parent = folder.absolute().parent
    if not parent.is_dir():
        raise InputError(folder, "DIR", f"the parent folder {parent} does not exist")
    try:
        with staging(parent, folder.name) as stage:  # removed on any failure; a killed run's by the next run
            shutil.copytree(source, stage / "data", ignore=_SKIPPED)
            if folder.is_dir():
                folder.rmdir()  # empty, checked above
            os.replace(stage / "data", folder)
    except OSError as exc:
        raise InputError(folder, "DIR", f"could not create the folder in {parent}: {exc.strerror or exc} "
                                        f"(nothing was changed)") from None
    return {"studies": len(list((folder / "studies").glob("*.yaml"))),
            "claims": len(list((folder / "claims").glob("*.yaml")))}
