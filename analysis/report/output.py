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
import json
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from analysis.core import cache
from analysis.core.errors import InputError
from analysis.core.files import swap_in
from analysis.core.paths import data_dir, default_data_dir

#: Cache kind of whole report sets.
PAGES = "report"
#: A page name in a cached report set: a plain file name, never a path.
PAGE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*\.html$")


def has_validation_page() -> bool:
    """Whether a full report of the current data folder includes ``validation.html``.

    The page reports the project's own method on real data whose answer is known: it is written only for the
    project's own registry (not a ``--data-dir`` one) and only where the real datasets are at hand (an installed
    wheel ships none). Pages link to it only when it is in the same output.

    Returns
    -------
    bool
        True for the default registry with its ``validation/real`` folder present.
    """
    return ((default_data_dir() / "validation" / "real").is_dir()
            and data_dir().resolve() == default_data_dir().resolve())


def pages_key(ensemble_draws: int) -> str:
    """The cache key of a whole report set: the code, every claim and spec of the data folder, the ensemble size,
    the real datasets the validation page is computed from, and whether the set has that page (a ``--data-dir``
    registry made by ``init`` holds the same files as the default one, but its report has no validation page)."""
    real = default_data_dir()
    files = sorted([*(real / "validation" / "real").glob("*.csv"), *(real / "real" / "injurytools").glob("*.csv")])
    validation = hashlib.sha256(b"".join(p.name.encode() + p.read_bytes() for p in files)).hexdigest()
    return cache.registry_digest(data_dir(), "report", ensemble_draws, validation, has_validation_page())


def cached_pages(key: str) -> dict[str, bytes] | None:
    """The report set stored under ``key`` (file name -> bytes), or None.

    A set is plain data: a JSON object of page names (plain ``*.html`` file names) to their UTF-8 text. An entry
    that is not that is discarded (said once) and the pages are rendered again.
    """
    blob = cache.read(PAGES, key)
    if blob is None:
        return None
    try:
        pages = json.loads(blob)
        if (isinstance(pages, dict) and pages and all(isinstance(name, str) and PAGE_NAME.match(name)
                                                      and isinstance(text, str) for name, text in pages.items())):
            return {name: text.encode("utf-8") for name, text in pages.items()}
    except (ValueError, UnicodeError):
        pass
    cache.discard(PAGES, key, "not a report set")
    return None


def store_pages(key: str, pages: dict[str, bytes]) -> None:
    """Store a whole report set under ``key`` (see :func:`pages_key`) as JSON: page name -> UTF-8 text."""
    cache.write(PAGES, key, json.dumps({name: page.decode("utf-8") for name, page in pages.items()}).encode())


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
        foreign = sorted(p.name for p in out.iterdir() if not _ours(p))
        if foreign:
            shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
            raise InputError(out, "--out", f"holds HTML pages this tool did not write ({shown}); give an empty folder "
                                           f"or a report folder (nothing was changed)")


#: Every page this tool writes ends with this footer (``templates/base.html.j2``); a folder of other HTML pages
#: (someone's website) is never taken for a report folder.
SIGNATURE = b"Generated by hamstring-evidence"


def _ours(page: Path) -> bool:
    """Whether ``page`` is a report page this tool wrote: its footer, in the last 16 KB, carries the signature."""
    with open(page, "rb") as handle:
        handle.seek(max(0, page.stat().st_size - 16384))
        return SIGNATURE in handle.read()


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
