"""Results cached on disk, keyed by content: the code, the package versions, the registry files and the options.

A cached item is found only under a key computed from everything that could change it, so a hit is what the
same computation would give again. Keys are built from bytes, never from file times. This module imports
nothing heavy, so a warm ``claims list`` or ``report`` answers without loading the analysis stack.

The cache folder is ``$HAMSTRING_EVIDENCE_CACHE``, else ``$XDG_CACHE_HOME/hamstring-evidence``, else
``~/.cache/hamstring-evidence``; ``HAMSTRING_EVIDENCE_CACHE=off`` turns caching off. Entries are written to a
temporary file and renamed into place, so a reader never sees half an entry; a cache that cannot be written is
skipped (the run still succeeds) and said once on stderr. The cache is kept under a size cap
(``$HAMSTRING_EVIDENCE_CACHE_MAX``, 500 MB by default), least recently used entries first: see
:mod:`analysis.core.cache_evict`, which also lists and clears entries (``hamstring-evidence cache info|clear``).

Nothing read from the cache is trusted: every entry is signed with an HMAC-SHA256 under a per-user secret
(``secret.key``, 32 random bytes, created 0600 in the cache folder) over its kind, its key and its bytes. An entry
that is unsigned, badly signed, truncated or written by another layout is a miss: it is discarded, recomputed and
said once on stderr, never an error. The one kind of entry that is a pickle (a claim's result, see
:mod:`analysis.claims.cached`) is unpickled only after its signature checks; report sets and listings are plain
data (JSON). A cache folder (or its key) that another user owns, or that the group or others can write, is refused
with a one-line error naming the folder and ``$HAMSTRING_EVIDENCE_CACHE`` (exit 2): whoever can write there could
replace the key and plant entries.

>>> import tempfile, os
>>> previous = os.environ.get("HAMSTRING_EVIDENCE_CACHE")
>>> os.environ["HAMSTRING_EVIDENCE_CACHE"] = tempfile.mkdtemp()
>>> key = digest("example", b"bytes", 3)
>>> read("demo", key) is None
True
>>> write("demo", key, b"payload")
>>> read("demo", key)
b'payload'
>>> if previous is None:
...     del os.environ["HAMSTRING_EVIDENCE_CACHE"]
... else:
...     os.environ["HAMSTRING_EVIDENCE_CACHE"] = previous
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
import sys
import tempfile
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from analysis.core import cache_evict
from analysis.core.errors import InputError
from analysis.core.files import atomic_write
from analysis.core.terminal import one_line

CACHE_ENV = "HAMSTRING_EVIDENCE_CACHE"
#: Bump when the layout of cached entries changes.
LAYOUT = "2"
#: Packages whose versions can change a number or a figure (the code of this package is hashed file by file).
NUMERIC_PACKAGES = ("numpy", "pandas", "scipy", "statsmodels", "pingouin", "matplotlib", "seaborn", "jinja2",
                    "pydantic", "pyyaml", "formulaic", "markupsafe")
#: Every entry starts with this line, then its 32-byte signature, then its bytes.
MAGIC = b"hamstring-evidence cache entry\n"
KEY_FILE = "secret.key"
_warned = False
_said_discarded = False


def cache_dir() -> Path | None:
    """The cache folder, or None when caching is off."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None and chosen.strip().lower() in ("off", "0", "no", "false", ""):
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hamstring-evidence"


def digest(*parts: bytes | str | int | float | None) -> str:
    """sha256 of the parts, each length-prefixed so that no two different lists of parts collide."""
    h = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else repr(part).encode()
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A digest of this package's source and templates, Python's version and the numeric packages' versions."""
    package = Path(__file__).resolve().parents[1]
    parts: list[bytes | str] = [LAYOUT, sys.version]
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".j2", ".css", ".tpl", ".json") and "bundled" not in path.parts:
            parts += [str(path.relative_to(package)), path.read_bytes()]
    for name in NUMERIC_PACKAGES:
        try:
            parts.append(f"{name}=={version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name} absent")
    return digest(*parts)


def registry_digest(data_dir: Path, *options) -> str:
    """A digest of every claim and spec file of a data folder (names and bytes), the code and ``options``."""
    parts: list[bytes | str] = [code_fingerprint(), *map(repr, options)]
    for sub in ("claims", "studies"):
        for path in sorted((data_dir / sub).glob("*.yaml")):
            parts += [f"{sub}/{path.name}", path.read_bytes()]
    return digest(*parts)


def _private(root: Path) -> None:
    """Refuse ``root`` (or its key) when another user owns it or the group or others can write it."""
    if not hasattr(os, "getuid"):  # no POSIX owners and modes (Windows): nothing to check
        return
    for path in (root, root / KEY_FILE):
        try:
            st = os.stat(path)
        except FileNotFoundError:
            continue
        loose = 0o077 if path.name == KEY_FILE else 0o022  # the key must not even be readable by others
        if st.st_uid != os.getuid() or st.st_mode & loose:
            whose = "owned by another user" if st.st_uid != os.getuid() else f"mode {stat.S_IMODE(st.st_mode):o}"
            raise InputError(path, CACHE_ENV, f"the cache is not private ({whose}): others could plant results in "
                                              f"it; use a folder only you can write (chmod 700), or set "
                                              f"{CACHE_ENV}=off (nothing was changed)")


def check() -> None:
    """Refuse a cache folder that is not private, before any work starts (workers then find it checked).

    Raises
    ------
    InputError
        When another user owns the cache folder or its key, or the group or others can write the folder, or
        ``$HAMSTRING_EVIDENCE_CACHE_MAX`` is not a size.
    """
    _root()


def _root() -> Path | None:
    """The cache folder, checked to be private (and the cap to be a size); None when caching is off or the folder
    does not exist yet."""
    root = cache_dir()
    if root is None:
        return None
    cache_evict.cache_max()  # a bad $HAMSTRING_EVIDENCE_CACHE_MAX is said before any work, not at the first write
    if not root.is_dir():
        return None
    _private(root)
    return root


def _secret(root: Path, create: bool) -> bytes | None:
    """The per-user signing key of ``root`` (created 0600 when ``create``), or None when there is none yet."""
    path = root / KEY_FILE
    try:
        data = path.read_bytes()
        if len(data) == 32:
            return data
        path.unlink()  # damaged: every entry signed with it becomes a miss
    except FileNotFoundError:
        pass
    if not create:
        return None
    fd, tmp = tempfile.mkstemp(dir=root, prefix=".secret.", suffix=".tmp")  # mkstemp creates it 0600
    try:
        os.write(fd, secrets.token_bytes(32))
        os.fsync(fd)
        os.close(fd)
        try:
            os.link(tmp, path)  # never over a key another process just made: that one wins
        except FileExistsError:
            pass
    finally:
        Path(tmp).unlink(missing_ok=True)
    _private(root)
    return path.read_bytes()


def _sign(secret: bytes, kind: str, key: str, data: bytes) -> bytes:
    return hmac.new(secret, f"{LAYOUT}\0{kind}\0{key}\0".encode() + data, hashlib.sha256).digest()


def _entry(kind: str, key: str) -> Path | None:
    root = cache_dir()
    return None if root is None else root / LAYOUT / kind / key[:2] / key


def read(kind: str, key: str) -> bytes | None:
    """The bytes cached under ``kind``/``key``, or None (a miss: no entry, or one that is damaged or not signed
    with this cache's key, which is then discarded and said once).

    Raises
    ------
    InputError
        When the cache folder is not private (see the module's notes).
    """
    root = _root()
    if root is None:
        return None
    path = _entry(kind, key)
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    try:
        secret = _secret(root, create=False)
    except OSError:  # a key that cannot be read (a folder in its place): nothing can be verified
        secret = None
    head = len(MAGIC)
    if (secret is not None and blob.startswith(MAGIC) and len(blob) >= head + 32
            and hmac.compare_digest(blob[head:head + 32], _sign(secret, kind, key, blob[head + 32:]))):
        cache_evict.touch(path)  # used: the least recently used entries are evicted first
        return blob[head + 32:]
    discard(kind, key, "damaged or not signed with this cache's key")
    return None


def discard(kind: str, key: str, why: str) -> None:
    """Remove the entry ``kind``/``key`` (it is recomputed); said once per run on stderr."""
    global _said_discarded
    path = _entry(kind, key)
    if path is None:
        return
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass
    if not _said_discarded:
        print(one_line(f"hamstring-evidence: note: a cache entry was discarded ({why}) and is recomputed: {path}"),
              file=sys.stderr)
        _said_discarded = True


def write(kind: str, key: str, data: bytes) -> None:
    """Cache ``data`` under ``kind``/``key`` (signed, atomically); a cache that cannot be written is skipped and
    said once. Then, when the cache may hold more than its cap, the least recently used entries (never this one)
    are evicted (:func:`analysis.core.cache_evict.after_write`).

    Raises
    ------
    InputError
        When the cache folder is not private, or ``$HAMSTRING_EVIDENCE_CACHE_MAX`` is not a size.
    """
    global _warned
    path = _entry(kind, key)
    if path is None:
        return
    root = cache_dir()
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        _private(root)
        secret = _secret(root, create=True)
        for folder in (root / LAYOUT, path.parent.parent, path.parent):
            folder.mkdir(mode=0o700, exist_ok=True)
        blob = MAGIC + _sign(secret, kind, key, data) + data
        atomic_write(path, blob, private=True)
    except OSError as exc:
        if not _warned:
            print(one_line(f"hamstring-evidence: note: results not cached ({root}: {exc.strerror or exc}); "
                           f"set {CACHE_ENV} to a writable folder, or to off"), file=sys.stderr)
            _warned = True
        return
    try:
        cache_evict.after_write(root, path, len(blob))
    except OSError:  # eviction is housekeeping: a folder that cannot be listed or an entry not deleted is left
        pass
