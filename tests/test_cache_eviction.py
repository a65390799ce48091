"""The cache's size cap (least recently used entries go first) and the ``cache info`` / ``cache clear`` commands.

Entries here are 1,000 bytes of payload plus the 63-byte header (magic line and signature): 1,063 bytes on disk.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import time

import pytest

from analysis.cli import main
from analysis.core import cache, cache_evict

ENTRY = len(cache.MAGIC) + 32 + 1000
#: The real walk, for checking what is on disk while a test replaces the module's.
WALK = cache_evict.entries


@pytest.fixture
def root(tmp_path, monkeypatch):
    """A fresh private cache folder, this process's size estimate forgotten, the cap unset."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("HAMSTRING_EVIDENCE_CACHE", str(folder))
    monkeypatch.delenv(cache_evict.MAX_ENV, raising=False)
    monkeypatch.setattr(cache_evict, "_usage", {"bytes": None, "walked": 0.0})
    return folder


def key(name: str) -> str:
    return cache.digest(name)


def put(name: str, age: float = 0.0, kind: str = "demo", size: int = 1000) -> None:
    """Write an entry, then make it look last used ``age`` seconds ago."""
    cache.write(kind, key(name), name.encode().ljust(size, b"."))
    if age:
        then = time.time() - age
        os.utime(cache._entry(kind, key(name)), (then, then))


def present(folder, kind: str = "demo") -> set[str]:
    """The names (see :func:`put`) of the entries on disk."""
    return {e.path.read_bytes()[len(cache.MAGIC) + 32:].rstrip(b".").decode()
            for e in WALK(folder) if e.kind == kind}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(list(argv))
    out, err = capsys.readouterr()
    return info.value.code, out, err


@pytest.mark.parametrize("text, size", [("200MB", 200 * 10**6), ("1GB", 10**9), ("1.5 gb", 15 * 10**8),
                                        ("2GiB", 2 * 1024**3), ("123456", 123456), (" 64 KiB ", 65536)])
def test_sizes_are_read_in_decimal_or_binary_units(text, size):
    assert cache_evict.parse_size(text) == size


@pytest.mark.parametrize("bad", ["lots", "0", "-5", "10XB", "1e9", "0.1"])
def test_a_bad_cap_is_one_line_naming_the_variable_exit_2(root, monkeypatch, capsys, bad):
    monkeypatch.setenv(cache_evict.MAX_ENV, bad)
    for argv in (["cache", "info"], ["cache", "clear"], ["claims", "list"]):  # claims list: before any work
        code, out, err = run(capsys, *argv)
        assert code == 2 and out == "" and err.count("\n") == 1, (argv, err)
        assert err.startswith("hamstring-evidence: error: ") and cache_evict.MAX_ENV in err and repr(bad) in err
    assert not root.exists()  # nothing written


def test_the_default_cap_and_an_empty_variable(monkeypatch):
    monkeypatch.delenv(cache_evict.MAX_ENV, raising=False)
    assert cache_evict.cache_max() == cache_evict.DEFAULT_MAX == 500 * 10**6
    monkeypatch.setenv(cache_evict.MAX_ENV, " ")
    assert cache_evict.cache_max() == cache_evict.DEFAULT_MAX


def test_a_read_hit_protects_an_old_entry(root, monkeypatch):
    monkeypatch.setenv(cache_evict.MAX_ENV, str(5000))  # four entries fit, five do not
    for name, age in (("a", 400), ("b", 300), ("c", 200), ("d", 100)):
        put(name, age)
    assert cache.read("demo", key("a")) == b"a".ljust(1000, b".")  # a is now the most recently used
    put("e")  # 5 x 1,063 > 5,000: evicted down to 90% (4,500): only the least recently used, b, goes
    assert present(root) == {"a", "c", "d", "e"}
    put("f")
    assert present(root) == {"a", "d", "e", "f"}  # then c; a, read last, still stays


def test_the_cap_holds_after_every_write_and_the_newest_stay(root, monkeypatch):
    monkeypatch.setenv(cache_evict.MAX_ENV, "6kB")
    for i in range(20):
        put(f"n{i}", age=100 - i)  # each older than the next
        assert sum(e.size for e in cache_evict.entries(root)) <= 6000
    left = present(root)
    assert left == {f"n{i}" for i in range(20 - len(left), 20)} and len(left) >= 4
    assert (root / cache.KEY_FILE).is_file()


def test_the_entry_just_written_stays_even_above_the_cap_and_nothing_else_is_touched(root, monkeypatch):
    monkeypatch.setenv(cache_evict.MAX_ENV, "3000")
    put("small", age=10)
    bystanders = [root / "notes.txt", root / "2" / "demo" / "ab" / ".partial.tmp", root / "2" / "demo" / "NOTAKEY",
                  root / "old" / "demo" / "ab" / ("ab" * 32)]
    for path in bystanders:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * 5000)
    put("big", size=10_000)  # alone larger than the cap: kept (it is what this run just computed), the rest evicted
    assert present(root) == {"big"} and cache.read("demo", key("big")) == b"big".ljust(10_000, b".")
    assert all(p.is_file() for p in bystanders) and (root / cache.KEY_FILE).is_file()


def test_reads_never_walk_and_writes_walk_only_when_the_estimate_says(root, monkeypatch):
    walks = []
    real = cache_evict.entries
    monkeypatch.setattr(cache_evict, "entries", lambda folder: walks.append(1) or real(folder))
    monkeypatch.setenv(cache_evict.MAX_ENV, "10000")
    put("first", age=50)
    assert len(walks) == 1  # a process's first write walks
    put("second")
    put("third")
    assert len(walks) == 1 and cache_evict._usage["bytes"] == 3 * ENTRY  # then a running estimate
    before = os.stat(cache._entry("demo", key("first"))).st_mtime
    assert cache.read("demo", key("first")) is not None and len(walks) == 1  # a hit only touches its entry
    assert os.stat(cache._entry("demo", key("first"))).st_mtime > before
    for name in ("4", "5", "6", "7", "8", "9"):
        put(name)
    assert len(walks) == 1  # 9 entries, 9,567 bytes: under the cap
    put("10")
    assert len(walks) == 2  # crossed 10,000: walked, and evicted down to 9,000
    monkeypatch.setitem(cache_evict._usage, "walked", time.monotonic() - cache_evict.REWALK_SECONDS - 1)
    put("11")
    assert len(walks) == 3  # an old walk is done again (other processes may have written meanwhile)
    assert present(root) == {"first", "4", "5", "6", "7", "8", "9", "10", "11"}  # second and third went first


def _vanishing(monkeypatch):
    """Make every walk lose its oldest entry to 'another process' between listing it and deleting it."""
    real = cache_evict.entries

    def listed_then_one_gone(folder):
        found = sorted(real(folder), key=lambda e: e.used)
        if found:
            found[0].path.unlink()
        return iter(found)

    monkeypatch.setattr(cache_evict, "entries", listed_then_one_gone)


def test_an_entry_that_vanishes_before_it_is_deleted_is_skipped(root, monkeypatch, capsys):
    monkeypatch.setenv(cache_evict.MAX_ENV, "5000")
    for name, age in (("a", 400), ("b", 300), ("c", 200), ("d", 100)):
        put(name, age)
    _vanishing(monkeypatch)
    count, size = cache_evict.evict(root, 3000, keep=None)  # a chosen, but gone before it is deleted; b deleted
    assert (count, size) == (1, ENTRY) and not (root / "2" / "demo" / key("a")[:2] / key("a")).exists()
    assert present(root) == {"c", "d"}
    code, out, _ = run(capsys, "cache", "clear")  # c vanishes between the listing and its deletion: no error
    assert (code, out) == (0, f"removed 1 entry ({ENTRY / 1000:.1f} kB) from {root}\n") and present(root) == set()


def _writer(folder: str, tag: str, rounds: int) -> None:
    """Write, evict and read back entries in a forked process; exit non-zero on a torn or foreign read."""
    os.environ["HAMSTRING_EVIDENCE_CACHE"] = folder
    os.environ[cache_evict.MAX_ENV] = "20kB"
    cache_evict._usage.update(bytes=None, walked=0.0)
    for i in range(rounds):
        name = f"{tag}{i % 40}"
        cache.write("demo", key(name), name.encode().ljust(1000, b"."))
        cache_evict._usage.update(bytes=None)  # walk (and evict) at every write: the most contention
        for j in range(0, i, 7):
            seen = cache.read("demo", key(f"{tag}{j % 40}"))
            assert seen is None or seen == f"{tag}{j % 40}".encode().ljust(1000, b"."), "a torn or foreign read"
    assert not cache._said_discarded  # no reader ever found a damaged entry


def test_processes_writing_evicting_and_reading_at_once_never_see_a_broken_entry(root, monkeypatch):
    monkeypatch.setattr(cache, "_said_discarded", False)
    put("seed")
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_writer, args=(str(root), tag, 120)) for tag in ("p", "q", "r")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [w.exitcode for w in workers] == [0, 0, 0]
    assert sum(e.size for e in cache_evict.entries(root)) <= 20_000 + 3 * ENTRY  # each keeps its own last write


def test_cache_info_and_clear(root, monkeypatch, capsys):
    monkeypatch.setenv(cache_evict.MAX_ENV, "200MB")
    put("r1", kind="claim-result", age=100)
    put("r2", kind="claim-result")
    put("l1", kind="claims-list", age=50)
    old = root / "1" / "claim-page" / "ab" / ("ab" * 32)  # an entry of an older layout, never read again
    old.parent.mkdir(parents=True)
    old.write_bytes(b"x" * 500)
    os.utime(old, (time.time() - 1000,) * 2)
    code, out, _ = run(capsys, "cache", "info", "--json")
    shown = json.loads(out)
    assert code == 0 and shown["enabled"] and shown["folder"] == str(root)
    assert (shown["cap_bytes"], shown["cap_from"]) == (200 * 10**6, cache_evict.MAX_ENV)
    assert (shown["entries"], shown["bytes"]) == (4, 3 * ENTRY + 500)
    rows = {(k["layout"], k["kind"]): k for k in shown["kinds"]}
    assert set(rows) == {("2", "claim-result"), ("2", "claims-list"), ("1", "claim-page")}
    assert rows[("2", "claim-result")]["entries"] == 2 and rows[("2", "claim-result")]["bytes"] == 2 * ENTRY
    assert not rows[("1", "claim-page")]["current"] and shown["oldest_use"] == rows[("1", "claim-page")]["oldest_use"]
    assert shown["newest_use"] >= rows[("2", "claims-list")]["newest_use"]
    code, out, _ = run(capsys, "cache", "info")
    assert code == 0 and out.splitlines()[:3] == [f"cache folder: {root}", f"cap: 200 MB ({cache_evict.MAX_ENV})",
                                                  "entries: 4, 3.7 kB in all"]
    assert "  claim-result: 2 entries, 2.1 kB, used " in out and "claim-page (layout 1, never read again): 1 entry" in out
    code, out, _ = run(capsys, "cache", "clear", "--kind", "claim-result")
    assert code == 0 and out == f"removed 2 claim-result entries (2.1 kB) from {root}\n"
    assert json.loads(run(capsys, "cache", "info", "--json")[1])["entries"] == 2
    code, out, err = run(capsys, "cache", "clear", "--kind", "nonsense")
    assert code == 2 and "--kind" in err and "claim-result" in err
    code, out, _ = run(capsys, "cache", "clear")
    assert code == 0 and out == f"removed 2 entries (1.6 kB) from {root}\n" and not old.exists()
    assert (root / cache.KEY_FILE).is_file()  # the key stays: entries written from now on are signed with it
    code, out, _ = run(capsys, "cache", "info")
    assert code == 0 and "entries: 0, 0 B in all" in out and "used" not in out


def test_cache_info_before_the_folder_exists_and_with_the_cache_off(root, monkeypatch, capsys):
    code, out, _ = run(capsys, "cache", "info")
    assert code == 0 and f"cache folder: {root} (not created yet)" in out and "cap: 500 MB (default;" in out
    monkeypatch.setenv("HAMSTRING_EVIDENCE_CACHE", "off")
    monkeypatch.setenv(cache_evict.MAX_ENV, "lots")  # not read: nothing is cached
    assert run(capsys, "cache", "info")[:2] == (0, "the cache is off (HAMSTRING_EVIDENCE_CACHE=off): nothing is cached\n")
    assert json.loads(run(capsys, "cache", "info", "--json")[1]) == {"enabled": False, "folder": None}
    assert run(capsys, "cache", "clear")[:2] == (0, "the cache is off (HAMSTRING_EVIDENCE_CACHE=off): nothing to clear\n")


def test_a_printed_cache_folder_is_escaped(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "c\x1b]0;owned\x07"
    monkeypatch.setenv("HAMSTRING_EVIDENCE_CACHE", str(folder))
    monkeypatch.setattr(cache_evict, "_usage", {"bytes": None, "walked": 0.0})
    put("one")
    for argv in (["cache", "info"], ["cache", "clear"]):
        code, out, _ = run(capsys, *argv)
        assert code == 0 and "\x1b" not in out and "\x07" not in out and "c\\x1b]0;owned\\x07" in out


def test_clear_refuses_a_cache_others_can_write(root, capsys):
    put("kept")
    root.chmod(0o777)
    code, out, err = run(capsys, "cache", "clear")
    assert code == 2 and out == "" and "not private" in err and "HAMSTRING_EVIDENCE_CACHE" in err
    root.chmod(0o700)
    assert present(root) == {"kept"}


def test_clear_and_eviction_never_follow_a_link_out_of_the_cache(root, tmp_path, monkeypatch, capsys):
    put("inside", age=100)
    outside = tmp_path / "outside"
    (outside / "ab").mkdir(parents=True)
    victim = outside / "ab" / ("ab" * 32)  # named like an entry
    victim.write_bytes(b"precious")
    shard = cache._entry("demo", key("inside")).parent
    (shard / (shard.name + "0" * 62)).symlink_to(victim)  # a linked file named like an entry, in a real shard
    (root / "2" / "linked-kind").symlink_to(outside)  # a linked kind folder
    (root / "3").symlink_to(tmp_path)  # a linked layout folder
    monkeypatch.setenv(cache_evict.MAX_ENV, "1000")
    put("new")  # over the cap: evicts what it may
    assert present(root) == {"new"} and victim.read_bytes() == b"precious"
    code, out, _ = run(capsys, "cache", "clear")
    assert code == 0 and out.startswith(f"removed 1 entry ({ENTRY / 1000:.1f} kB)")
    assert victim.read_bytes() == b"precious" and (shard / (shard.name + "0" * 62)).is_symlink()


def test_the_cli_knows_every_kind_the_code_writes():
    from pathlib import Path

    from analysis.claims.cached import KIND as RESULT
    from analysis.cli_analyze import KIND as ANSWER
    from analysis.cli_cache import KINDS
    from analysis.report.output import PAGES

    package = Path(cache.__file__).resolve().parents[1]
    written = {RESULT, ANSWER, PAGES}
    for path in package.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        written |= {part.split('"')[1] for part in text.split("cache.write(")[1:] if part.startswith('"')}
    assert set(KINDS) == written
