"""The ``cache`` commands: ``cache info`` (what the content cache holds, and its cap) and ``cache clear``.

Both refuse a cache folder that is not private, as every cached command does (:func:`analysis.core.cache.check`),
and say so and exit 0 when caching is off (``HAMSTRING_EVIDENCE_CACHE=off``). Only entries are listed or deleted
(:func:`analysis.core.cache_evict.entries`): never the secret key, a file being written, or anything a symbolic link
points to. Paths are printed through :func:`analysis.cli_options.say`, which escapes control characters.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Annotated, Optional

import typer

from analysis.cli_options import JsonFlag, _print_json, say
from analysis.core.errors import InputError

cache_app = typer.Typer(no_args_is_help=True, help="The content cache: what it holds, and clearing it.")

#: The kinds of entry this version writes (each module's kind name; tests/test_cache_eviction.py checks them).
KINDS = ("claim-result", "claim-page", "claims-list", "report", "analyze-answer")
OFF = "the cache is off (HAMSTRING_EVIDENCE_CACHE=off)"


def size_text(size: int) -> str:
    """``size`` bytes in decimal units, as a reader says it: ``48 B``, ``12.3 kB``, ``20.4 MB``, ``1.2 GB``.

    >>> size_text(48), size_text(12345), size_text(500 * 1000**2)
    ('48 B', '12.3 kB', '500 MB')
    """
    for unit, scale in (("GB", 1000**3), ("MB", 1000**2), ("kB", 1000)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} B"


def _when(used: float | None) -> str | None:
    """A POSIX time as local ISO 8601 to the second, or None."""
    return None if used is None else datetime.fromtimestamp(used).astimezone().isoformat(timespec="seconds")


def _label(layout: str, kind: str) -> str:
    from analysis.core.cache import LAYOUT

    return kind if layout == LAYOUT else f"{kind} (layout {layout}, never read again)"


@cache_app.command("info")
def cache_info(as_json: JsonFlag = False) -> None:
    """Show the cache folder, its cap, and the entries and bytes of each kind with their oldest and newest use.

    The cap is HAMSTRING_EVIDENCE_CACHE_MAX (e.g. 200MB, 1GB or bytes; default 500MB): after a write that takes the
    cache over it, the least recently used entries are deleted until it holds 90% of it."""
    from analysis.core import cache, cache_evict

    root = cache.cache_dir()
    if root is None:
        _print_json({"enabled": False, "folder": None}) if as_json else say(f"{OFF}: nothing is cached")
        return
    cache.check()
    cap = cache_evict.cache_max()
    from_env = bool(os.environ.get(cache_evict.MAX_ENV, "").strip())
    found = list(cache_evict.entries(root)) if root.is_dir() else []
    groups: dict[tuple[str, str], list] = {}
    for entry in found:
        groups.setdefault((entry.layout, entry.kind), []).append(entry)
    kinds = [{"kind": kind, "layout": layout, "current": layout == cache.LAYOUT, "entries": len(group),
              "bytes": sum(e.size for e in group), "oldest_use": _when(min(e.used for e in group)),
              "newest_use": _when(max(e.used for e in group))}
             for (layout, kind), group in sorted(groups.items(), key=lambda kv: (kv[0][0] != cache.LAYOUT, kv[0]))]
    total = sum(e.size for e in found)
    oldest = _when(min((e.used for e in found), default=None))
    newest = _when(max((e.used for e in found), default=None))
    if as_json:
        _print_json({"enabled": True, "folder": str(root), "cap_bytes": cap,
                     "cap_from": cache_evict.MAX_ENV if from_env else "default",
                     "entries": len(found), "bytes": total, "oldest_use": oldest, "newest_use": newest,
                     "kinds": kinds})
        return
    where = "" if root.is_dir() else " (not created yet)"
    cap_from = cache_evict.MAX_ENV if from_env else f"default; {cache_evict.MAX_ENV} sets it"
    out = [f"cache folder: {root}{where}", f"cap: {size_text(cap)} ({cap_from})",
           f"entries: {len(found)}, {size_text(total)} in all"]
    if found:
        out.append(f"least recently used: {oldest}; most recently used: {newest}")
    out += [f"  {_label(k['layout'], k['kind'])}: {k['entries']} {'entry' if k['entries'] == 1 else 'entries'}, "
            f"{size_text(k['bytes'])}, used {k['oldest_use']} to {k['newest_use']}" for k in kinds]
    say(*out)


@cache_app.command("clear")
def cache_clear(kind: Annotated[Optional[str], typer.Option(
        "--kind", help=f"Only entries of this kind ({', '.join(KINDS)}).")] = None) -> None:
    """Delete the cache's entries (or one kind's), and say how many and how many bytes.

    Only entries are deleted: the folder and its secret key stay, and nothing a symbolic link in the folder points to
    is touched. Cached commands recompute what they need on their next run."""
    from analysis.core import cache, cache_evict

    root = cache.cache_dir()
    if root is None:
        say(f"{OFF}: nothing to clear")
        return
    cache.check()
    found = list(cache_evict.entries(root)) if root.is_dir() else []
    if kind is not None:
        present = sorted({e.kind for e in found})
        if kind not in KINDS and kind not in present:
            raise InputError("cache clear", "--kind", f"must be one of {', '.join(sorted({*KINDS, *present}))}, "
                                                      f"got {kind!r}")
        found = [e for e in found if e.kind == kind]
    count, size = cache_evict.remove(found)
    what = ("entry" if count == 1 else "entries") if kind is None else f"{kind} {'entry' if count == 1 else 'entries'}"
    say(f"removed {count} {what} ({size_text(size)}) from {root}")
