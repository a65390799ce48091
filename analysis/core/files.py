"""Writing files so that a reader never sees half of one: atomic file writes and folder swaps.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> atomic_write(folder / "a" / "x.txt", b"one")
>>> (folder / "a" / "x.txt").read_bytes()
b'one'
>>> stage = folder / ".new"
>>> stage.mkdir()
>>> _ = (stage / "y.txt").write_text("two")
>>> swap_in(stage, folder / "a")
>>> sorted(p.name for p in (folder / "a").iterdir()), stage.exists()
(['y.txt'], False)
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it into place (its folder is created)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def swap_in(stage: Path, target: Path) -> None:
    """Replace the folder ``target`` by ``stage`` with two renames (the old one goes to ``.NAME.old`` between them,
    where the next run can find it after a kill; see :mod:`analysis.report.output`), then remove the old one."""
    old = target.parent / f".{target.name}.old"
    if target.exists():
        os.replace(target, old)
    os.replace(stage, target)
    shutil.rmtree(old, ignore_errors=True)
