"""Put rendered report pages in place safely: all or nothing, one writer at a time, never over other files.

Pages are written into a staging folder beside the output and swapped in only when every page is there: in one
atomic exchange where the system can (Linux renameat2), so the output is never missing, else with two renames.
The output must be a folder of report pages (``*.html`` files) or not exist: a file, a symbolic link or a folder
holding anything else is refused, so ``--out`` can never destroy unrelated data. A lock file in the temporary
folder keeps two runs from writing at once. A run killed between the two renames (where they are needed) leaves
``.NAME.old``; the next run puts it back first. Staging folders left by killed runs are removed by the next run.

This module imports nothing heavy: a warm ``report`` from the cache publishes through it without the analysis
stack.

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "reports"
>>> publish(out, {"index.html": b"<p>index</p>"})
>>> sorted(p.name for p in out.iterdir())
['index.html']
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import pickle
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from analysis.core import cache
from analysis.core.errors import InputError
from analysis.core.files import swap_in
from analysis.core.paths import data_dir

#: Cache kind of whole report sets.
PAGES = "report"


def pages_key(ensemble_draws: int) -> str:
    """The cache key of a whole report set: the code, every claim and spec of the data folder, the ensemble size."""
    return cache.registry_digest(data_dir(), "report", ensemble_draws)


def cached_pages(key: str) -> dict[str, bytes] | None:
    """The report set stored under ``key`` (file name -> bytes), or None."""
    blob = cache.read(PAGES, key)
    return None if blob is None else pickle.loads(blob)


def store_pages(key: str, pages: dict[str, bytes]) -> None:
    """Store a whole report set under ``key`` (see :func:`pages_key`)."""
    cache.write(PAGES, key, pickle.dumps(pages, protocol=pickle.HIGHEST_PROTOCOL))


def check_output_folder(out: Path) -> None:
    """Refuse an output that is not a folder of report pages (nothing is changed)."""
    if out.is_symlink():
        raise InputError(out, "--out", "is a symbolic link; give a real folder (nothing was changed)")
    if out.exists() and not out.is_dir():
        raise InputError(out, "--out", "exists and is not a folder (nothing was changed)")
    if out.is_dir():
        others = sorted(p.name for p in out.iterdir() if not (p.suffix == ".html" and p.is_file() and not p.is_symlink()))
        if others:
            shown = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
            raise InputError(out, "--out", f"holds files that are not report pages ({shown}); give an empty folder "
                                           f"or a report folder (nothing was changed)")


@contextmanager
def _locked(out: Path):
    """Hold an exclusive lock on ``out`` (a lock file in the temporary folder, named by the output's real path)."""
    name = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:24]
    lock = Path(tempfile.gettempdir()) / f"hamstring-evidence-report-{name}.lock"
    try:
        handle = open(lock, "a")
    except OSError as exc:
        raise InputError(out, "--out", f"cannot write beside it: {exc.strerror}") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputError(out, "--out", "another report run is writing to this folder; wait for it") from None
        yield


def _recover(out: Path) -> None:
    """Undo what a killed run left: put ``.NAME.old`` back when the output is missing; drop stale staging."""
    old = out.parent / f".{out.name}.old"
    if not out.exists() and old.is_dir():
        os.replace(old, out)
    elif old.exists():
        shutil.rmtree(old, ignore_errors=True)
    for stale in out.parent.glob(f".{out.name}.staging-*"):
        shutil.rmtree(stale, ignore_errors=True)


def publish(out: Path, pages: dict[str, bytes], keep_existing: bool = False) -> None:
    """Write ``pages`` (file name -> bytes) as the folder ``out``, all at once.

    Parameters
    ----------
    out : Path
        The report folder.
    pages : dict
        File name -> content.
    keep_existing : bool
        Keep the folder's other pages (a run that rewrites some claims only); otherwise the folder becomes exactly
        ``pages``.

    Raises
    ------
    InputError
        When ``out`` is not a report folder, another run holds the lock, or the disk refuses the write; the
        previous reports are then untouched and no staging folder is left behind.
    """
    out = Path(out)
    check_output_folder(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(out, "--out", f"cannot create its folder: {exc.strerror}") from None
    with _locked(out):
        _recover(out)
        check_output_folder(out)
        stage = None
        try:
            stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
            stage.chmod(0o755)  # mkdtemp makes it private; reports are for reading
            if keep_existing and out.is_dir():
                for page in out.glob("*.html"):
                    shutil.copy2(page, stage / page.name)
            for name, content in pages.items():
                (stage / name).write_bytes(content)
            swap_in(stage, out)
        except OSError as exc:
            raise InputError(out, "--out", f"could not write the reports: {exc.strerror or exc} (the previous "
                                           f"reports are untouched)") from None
        finally:
            if stage is not None and stage.exists():
                shutil.rmtree(stage, ignore_errors=True)
