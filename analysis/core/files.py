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


#: renameat2's flag that swaps two paths in one step (Linux 3.15+, glibc 2.28+; see rename(2)).
RENAME_EXCHANGE = 2
AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths atomically with renameat2(RENAME_EXCHANGE); False where the system cannot."""
    try:
        import ctypes
        import ctypes.util

        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):  # not Linux, or a C library without renameat2
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    error = ctypes.get_errno()
    if error in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: this file system or kernel cannot exchange
        return False
    raise OSError(error, os.strerror(error), str(b))


def swap_in(stage: Path, target: Path) -> None:
    """Replace the folder ``target`` by ``stage``, then remove the old one.

    Where the system can (Linux renameat2 with RENAME_EXCHANGE), the two folders trade places in one step, so
    ``target`` is never missing, even for an instant. Elsewhere it takes two renames: the old folder goes to
    ``.NAME.old`` between them, where the next run finds it after a kill (see :mod:`analysis.report.output`).
    """
    old = target.parent / f".{target.name}.old"
    if target.exists() and _exchange(stage, target):
        shutil.rmtree(stage, ignore_errors=True)  # stage now holds the old pages
        return
    if target.exists():
        os.replace(target, old)
    os.replace(stage, target)
    shutil.rmtree(old, ignore_errors=True)
