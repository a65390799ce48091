"""Writing files so that a reader never sees half of one: atomic file writes, folder swaps, staging folders.

Every staging folder is named ``.NAME.staging-PID-XXXX`` and holds an exclusive ``flock`` for as long as its run
lives: it is removed when the run ends (whatever the failure), and one left by a killed run is removed by the next
run that stages for the same NAME (its process is gone and its lock free), never one another live run is using.

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

import glob
import hashlib
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes, read in chunks (a user's data file may be larger than memory allows twice)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def atomic_write(path: Path, data: bytes, private: bool = False) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it into place (its folder is created).

    The file gets the permissions any new file of the user's gets (``0o666`` less the umask), as ``open`` would
    give it, so an export can be shared; ``private=True`` keeps it readable by the user alone (the cache's entries).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # created 0o600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if not private:
                os.fchmod(handle.fileno(), 0o666 & ~current_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def current_umask() -> int:
    """The process's umask (read from /proc on Linux; elsewhere set and restored at once)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


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


def swap_folder(stage: Path, target: Path, aside: Path) -> None:
    """Put the folder ``stage`` at ``target``; a folder already there ends at ``aside`` (inside a staging folder).

    One renameat2 exchange where the system can (``target`` never missing); elsewhere two renames, and a run killed
    between them leaves the old folder at ``aside``, which :func:`put_back` returns to its place.
    """
    if target.exists() and _exchange(stage, target):
        os.replace(stage, aside)  # stage now holds the old folder
        return
    if target.exists():
        os.replace(target, aside)
    os.replace(stage, target)


def put_back(aside: Path, target: Path) -> None:
    """Return a folder a killed :func:`swap_folder` left at ``aside`` to ``target`` when nothing took its place."""
    if aside.is_dir() and not os.path.lexists(target):
        os.replace(aside, target)


def publish_pair(stage: Path, folder: Path, data: str, descriptor: str) -> None:
    """Move the files ``data`` and ``descriptor`` from ``stage`` into ``folder`` so that a kill never leaves a stale pair.

    The order: the old descriptor goes into ``stage/previous/`` first, then the data, then the new descriptor. Killed
    at any moment, ``folder`` holds the old pair, the new pair, or a data file with no descriptor (never a descriptor
    of other data); :func:`finish_pair`, run by the next run on the dead staging folder, completes the new pair or
    restores the old one.
    """
    previous = stage / "previous"
    previous.mkdir(exist_ok=True)
    if os.path.lexists(folder / descriptor):
        os.replace(folder / descriptor, previous / descriptor)
    os.replace(stage / data, folder / data)
    os.replace(stage / descriptor, folder / descriptor)


def finish_pair(stage: Path, folder: Path, data: str, descriptor: str) -> None:
    """Complete what a killed :func:`publish_pair` left in ``stage``: the new pair when its data was moved in, else
    the old descriptor back beside the old data."""
    if os.path.lexists(folder / descriptor):
        return
    if (stage / descriptor).is_file() and not os.path.lexists(stage / data):  # the new data is in place
        os.replace(stage / descriptor, folder / descriptor)
    elif (stage / "previous" / descriptor).is_file() and os.path.lexists(stage / data):  # the old data still is
        os.replace(stage / "previous" / descriptor, folder / descriptor)


def _alive(pid: int) -> bool:
    """Whether a process ``pid`` exists (a process of another user counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _lock(folder: Path, wait: bool = False) -> int | None:
    """An open descriptor of ``folder`` holding an exclusive flock, or None when another process holds it."""
    import fcntl  # POSIX; imported here so that atomic_write (the cache's) stays importable everywhere

    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def remove_stale_staging(parent: Path, name: str, finish: Callable[[Path], None] | None = None) -> int:
    """Remove the staging folders for ``name`` in ``parent`` that killed runs left (their process gone, their lock
    free), after ``finish(folder)`` has completed or undone what each had started. Returns how many were removed."""
    removed = 0
    for stale in Path(parent).glob(f".{glob.escape(name)}.staging-*"):
        pid = stale.name[len(name) + len(".staging-") + 1:].split("-", 1)[0]
        if not pid.isdigit() or stale.is_symlink() or not stale.is_dir() or _alive(int(pid)):
            continue
        fd = _lock(stale)
        if fd is None:  # a process that inherited the lock still runs
            continue
        try:
            if finish is not None:
                finish(stale)
            shutil.rmtree(stale, ignore_errors=True)
            removed += 1
        finally:
            os.close(fd)
    return removed


@contextmanager
def staging(parent: Path, name: str, finish: Callable[[Path], None] | None = None) -> Iterator[Path]:
    """A new staging folder ``parent/.NAME.staging-PID-XXXX``, locked while the run lives and removed after it.

    Stale staging folders for ``name`` are removed first (:func:`remove_stale_staging`, with ``finish``). The
    folder is always removed on the way out, on success or on any failure.
    """
    remove_stale_staging(parent, name, finish)
    stage = Path(tempfile.mkdtemp(prefix=f".{name}.staging-{os.getpid()}-", dir=parent))
    fd = _lock(stage, wait=True)
    try:
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        if fd is not None:
            os.close(fd)


@contextmanager
def folder_lock(folder: Path) -> Iterator[bool]:
    """Hold an exclusive flock on the folder itself while the block runs; yields False when another run holds it."""
    fd = _lock(folder)
    try:
        yield fd is not None
    finally:
        if fd is not None:
            os.close(fd)
