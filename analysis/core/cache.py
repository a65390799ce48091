"""Results cached on disk, keyed by content: the code, the package versions, the registry files and the options.

A cached item is found only under a key computed from everything that could change it, so a hit is what the
same computation would give again. Keys are built from bytes, never from file times. This module imports
nothing heavy, so a warm ``claims list`` or ``report`` answers without loading the analysis stack.

The cache folder is ``$HAMSTRING_EVIDENCE_CACHE``, else ``$XDG_CACHE_HOME/hamstring-evidence``, else
``~/.cache/hamstring-evidence``; ``HAMSTRING_EVIDENCE_CACHE=off`` turns caching off. Entries are written to a
temporary file and renamed into place, so a reader never sees half an entry; a cache that cannot be written is
skipped (the run still succeeds) and said once on stderr.

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
import os
import sys
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from analysis.core.files import atomic_write

CACHE_ENV = "HAMSTRING_EVIDENCE_CACHE"
#: Bump when the layout of cached entries changes.
LAYOUT = "1"
#: Packages whose versions can change a number or a figure (the code of this package is hashed file by file).
NUMERIC_PACKAGES = ("numpy", "pandas", "scipy", "statsmodels", "pingouin", "matplotlib", "seaborn", "jinja2",
                    "pydantic", "pyyaml", "formulaic", "markupsafe")
_warned = False


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


def _entry(kind: str, key: str) -> Path | None:
    root = cache_dir()
    return None if root is None else root / LAYOUT / kind / key[:2] / key


def read(kind: str, key: str) -> bytes | None:
    """The bytes cached under ``kind``/``key``, or None."""
    path = _entry(kind, key)
    if path is None:
        return None
    try:
        return path.read_bytes()
    except OSError:
        return None


def write(kind: str, key: str, data: bytes) -> None:
    """Cache ``data`` under ``kind``/``key`` (atomically); a cache that cannot be written is skipped and said once."""
    global _warned
    path = _entry(kind, key)
    if path is None:
        return
    try:
        cache_dir().mkdir(mode=0o700, parents=True, exist_ok=True)  # entries are pickles: the cache is private
        atomic_write(path, data)
    except OSError as exc:
        if not _warned:
            print(f"hamstring-evidence: note: results not cached ({cache_dir()}: {exc.strerror or exc}); "
                  f"set {CACHE_ENV} to a writable folder, or to off", file=sys.stderr)
            _warned = True
