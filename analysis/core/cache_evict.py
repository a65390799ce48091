"""The cache kept under a size cap: least recently used entries go first; listing and clearing entries.

The cap is ``$HAMSTRING_EVIDENCE_CACHE_MAX`` (``500MB``, ``1GB``, ``2GiB`` or a number of bytes; units are decimal,
``KiB``/``MiB``/``GiB`` binary), else :data:`DEFAULT_MAX` (500 MB: one state of the code and the registry caches
20-40 MB, so the default keeps a dozen or more states, enough to switch branches and back, while staying small next
to a disk). A value that is not a size is a one-line error naming the variable (exit 2).

Use is an entry's modification time: a write sets it, and a read hit sets it again with :func:`os.utime` (never
the access time, which ``noatime`` and ``relatime`` mounts do not keep). After a write, when the cache holds more
than the cap, the least recently used entries are deleted until it holds at most 90% of the cap (so that the next
writes do not each evict again). The entry just written is never deleted, even when it alone is larger than the cap;
the secret key, temporary files being written and anything that is not an entry are never touched.

Cost: a read hit only touches its entry. A write walks the cache (one ``scandir`` per folder, one ``lstat`` per
entry) only at a process's first write, when its running estimate (the last walk's total plus what it wrote since)
crosses the cap, or when the last walk is older than :data:`REWALK_SECONDS`; other writes add their size to the
estimate. Processes writing at once (report workers) each keep an estimate, so the cache can exceed the cap by what
one run writes until the next walk. A walk over 5,000 entries takes ~0.1 s (docs/performance.md), once per process.

An entry is ``LAYOUT/KIND/XX/KEY`` under the cache folder: LAYOUT all digits (entries of an older layout are never
read again, so they are the least recently used and go first), KIND a plain name, KEY 64 hexadecimal digits
starting with XX. The walk never follows a symbolic link: a link is not an entry and a linked folder is not
entered, so nothing outside the cache folder is ever deleted. Entries are renamed into place whole
(:func:`analysis.core.files.atomic_write`), so deleting one while another process reads it cannot corrupt what it
reads: an open file stays readable, and one deleted before it is opened is a miss. An entry another process deleted
first is skipped.

>>> parse_size("500MB"), parse_size("1 GiB"), parse_size("1234"), parse_size("lots")
(500000000, 1073741824, 1234, None)
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from analysis.core.errors import InputError

MAX_ENV = "HAMSTRING_EVIDENCE_CACHE_MAX"
#: The default cap in bytes (see the module's notes).
DEFAULT_MAX = 500 * 1000**2
#: After an eviction the cache holds at most this share of the cap.
KEEP = 0.9
#: A process walks the cache again at its next write when its last walk is older than this (seconds).
REWALK_SECONDS = 300.0
_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1000, "m": 1000**2, "mb": 1000**2, "g": 1000**3, "gb": 1000**3,
          "t": 1000**4, "tb": 1000**4, "kib": 1024, "mib": 1024**2, "gib": 1024**3, "tib": 1024**4}
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]*)")
_KEY = re.compile(r"[0-9a-f]{64}")
_KIND = re.compile(r"[a-z0-9][a-z0-9_-]*")
#: This process's running estimate of the cache's size: ``bytes`` (None before its first walk) and when it walked.
_usage: dict = {"bytes": None, "walked": 0.0}


@dataclass(frozen=True)
class Entry:
    """One cache entry as found by a walk: its layout, kind, path, size in bytes and last use (a POSIX time)."""

    layout: str
    kind: str
    path: Path
    size: int
    used: float


def parse_size(text: str) -> int | None:
    """``text`` as a number of bytes (``500MB``, ``1.5GB``, ``2GiB``, ``1234``; case and spaces ignored), or None
    when it is not a size above zero."""
    found = _SIZE.fullmatch(text.strip().lower())
    if found is None or found.group(2) not in _UNITS:
        return None
    size = int(float(found.group(1)) * _UNITS[found.group(2)])
    return size if size > 0 else None


def cache_max() -> int:
    """The cap in bytes: ``$HAMSTRING_EVIDENCE_CACHE_MAX``, else :data:`DEFAULT_MAX`.

    Raises
    ------
    InputError
        When the variable is set to something that is not a size above zero.
    """
    text = os.environ.get(MAX_ENV)
    if text is None or not text.strip():
        return DEFAULT_MAX
    size = parse_size(text)
    if size is None:
        raise InputError("environment", MAX_ENV, f"must be a cache size such as 500MB, 1GB, 2GiB or a number of "
                                                 f"bytes, got {text!r}")
    return size


def _folders(path: Path) -> Iterator[os.DirEntry]:
    """The folders in ``path`` (never a link to one); nothing when ``path`` has gone or cannot be read."""
    try:
        with os.scandir(path) as found:
            listed = list(found)
    except OSError:  # removed by another process meanwhile, or not readable: nothing of it is an entry we can see
        return
    for item in listed:
        try:
            if item.is_dir(follow_symlinks=False):
                yield item
        except OSError:
            continue


def entries(root: Path) -> Iterator[Entry]:
    """Every entry under the cache folder ``root``, of every layout (see the module's notes); links never
    followed, temporary files and anything else skipped."""
    for layout in _folders(root):
        if not layout.name.isdigit():
            continue
        for kind in _folders(Path(layout.path)):
            if not _KIND.fullmatch(kind.name):
                continue
            for shard in _folders(Path(kind.path)):
                try:
                    with os.scandir(shard.path) as found:
                        listed = list(found)
                except OSError:
                    continue
                for item in listed:
                    if not (_KEY.fullmatch(item.name) and item.name[:2] == shard.name):
                        continue
                    try:
                        st = item.stat(follow_symlinks=False)
                    except FileNotFoundError:  # removed by another process since the listing
                        continue
                    if item.is_file(follow_symlinks=False):
                        yield Entry(layout.name, kind.name, Path(item.path), st.st_size, st.st_mtime)


def touch(path: Path) -> None:
    """Mark the entry at ``path`` as just used (its modification time), ignoring one that has just gone."""
    try:
        os.utime(path)
    except OSError:
        pass


def remove(found: list[Entry]) -> tuple[int, int]:
    """Delete the entries ``found`` (never following a link); ``(entries, bytes)`` deleted. One already gone (deleted
    by another process) or that cannot be deleted is skipped."""
    count = size = 0
    for entry in found:
        try:
            os.unlink(entry.path)  # unlink removes a link itself, never what it points to
        except OSError:  # FileNotFoundError: another process deleted it first
            continue
        count += 1
        size += entry.size
    return count, size


def evict(root: Path, cap: int, keep: Path | None = None) -> tuple[int, int]:
    """When the cache at ``root`` holds more than ``cap`` bytes, delete its least recently used entries (never
    ``keep``) until it holds at most ``KEEP * cap``; ``(entries, bytes)`` deleted. Updates this process's
    estimate."""
    found = sorted(entries(root), key=lambda e: e.used)
    total = sum(e.size for e in found)
    doomed: list[Entry] = []
    if total > cap:
        left = total
        for entry in found:
            if left <= KEEP * cap:
                break
            if entry.path != keep:
                doomed.append(entry)
                left -= entry.size
    count, size = remove(doomed)
    _usage.update(bytes=total - size, walked=time.monotonic())
    return count, size


def after_write(root: Path, path: Path, size: int) -> None:
    """Account for an entry of ``size`` bytes just written at ``path``; walk and evict when this process's
    estimate says the cache may hold more than the cap (see the module's notes for when it walks)."""
    cap = cache_max()
    estimate = _usage["bytes"]
    if estimate is None or estimate + size > cap or time.monotonic() - _usage["walked"] > REWALK_SECONDS:
        evict(root, cap, keep=path)
    else:
        _usage["bytes"] = estimate + size
