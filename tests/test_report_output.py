"""Publishing report pages: all or nothing, never over other files, one writer at a time, recovers from a kill."""

import os

import pytest

from analysis.core.errors import InputError
from analysis.report import output
from analysis.report.output import publish

PAGES = {"index.html": b"<p>new index</p>", "a.html": b"<p>new a</p>"}


def test_an_existing_file_is_refused_and_kept(tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("precious")
    with pytest.raises(InputError, match="exists and is not a folder"):
        publish(target, PAGES)
    assert target.read_text() == "precious" and sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_a_symlink_is_refused_and_kept(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with pytest.raises(InputError, match="symbolic link"):
        publish(tmp_path / "link", PAGES)
    assert (tmp_path / "link").is_symlink() and list((tmp_path / "real").iterdir()) == []


def test_a_folder_with_other_files_is_refused(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "thesis.docx").write_text("years of work")
    os.mkfifo(home / "pipe")
    with pytest.raises(InputError, match="not report pages"):
        publish(home, PAGES)
    assert sorted(p.name for p in home.iterdir()) == ["pipe", "thesis.docx"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]  # no staging folder left behind


def test_pages_replace_the_folder_or_join_it(tmp_path):
    out = tmp_path / "reports"
    publish(out, {"index.html": b"old", "old-claim.html": b"old"})
    publish(out, {"a.html": b"a"}, keep_existing=True)
    assert sorted(p.name for p in out.iterdir()) == ["a.html", "index.html", "old-claim.html"]
    publish(out, PAGES)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == PAGES
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]


def test_a_run_killed_between_the_renames_is_recovered(tmp_path):
    out = tmp_path / "reports"
    publish(out, {"index.html": b"old", "b.html": b"b"})
    os.replace(out, tmp_path / ".reports.old")  # the state a kill after the first rename leaves
    (tmp_path / ".reports.staging-x1").mkdir()  # and a staging folder of a killed run
    publish(out, {"a.html": b"a"}, keep_existing=True)  # a --claim run must not lose the other pages
    assert sorted(p.name for p in out.iterdir()) == ["a.html", "b.html", "index.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]


def test_a_second_writer_is_refused_while_the_first_holds_the_lock(tmp_path):
    out = tmp_path / "reports"
    publish(out, {"index.html": b"first"})
    with output._locked(out):
        with pytest.raises(InputError, match="another report run is writing"):
            publish(out, {"index.html": b"second"})
    assert (out / "index.html").read_bytes() == b"first"


def test_a_failed_write_leaves_the_previous_reports_and_no_staging(tmp_path, monkeypatch):
    out = tmp_path / "reports"
    publish(out, {"index.html": b"old"})

    def full_disk(self, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.Path, "write_bytes", full_disk)
    with pytest.raises(InputError, match="No space left on device"):
        publish(out, PAGES)
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in out.iterdir()} == {"index.html": b"old"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]


def test_the_cli_refuses_an_existing_file_with_exit_2(tmp_path, capsys):
    from analysis.cli import main

    target = tmp_path / "notes.txt"
    target.write_text("precious")
    with pytest.raises(SystemExit) as info:
        main(["report", "--out", str(target), "--claim", "stretching-reduces-pain"])
    assert info.value.code == 2 and "exists and is not a folder" in capsys.readouterr().err
    assert target.read_text() == "precious"


@pytest.mark.slow
def test_report_killed_at_any_moment_leaves_the_old_or_the_new_pages_and_the_next_run_cleans_up(tmp_path):
    """SIGKILL a real `report` run at several moments (importing, analysing or rendering, publishing): the
    folder always holds a complete set of pages (the old or the new, never a mix or nothing), and the next run
    leaves nothing beside it."""
    import shutil
    import signal
    import subprocess
    import sys
    import time

    from analysis.core.paths import REPO_ROOT

    data = tmp_path / "data"
    shutil.copytree(REPO_ROOT / "data", data, ignore=shutil.ignore_patterns("generated"))
    for path in (data / "claims").glob("*.yaml"):
        if path.name not in ("07-clbp-less-flexible.yaml", "14-autopsy-ligament-hypertrophy.yaml"):
            path.unlink()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(HAMSTRING_EVIDENCE_DATA=str(data), HAMSTRING_EVIDENCE_CACHE="off", PYTHONPATH=str(REPO_ROOT))
    out = tmp_path / "site" / "reports"
    command = [sys.executable, "-m", "analysis", "report", "--out", str(out)]
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=300)
    complete = {p.name: p.read_bytes() for p in out.iterdir()}
    assert "index.html" in complete
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=300)
    whole = time.perf_counter() - start
    for fraction in (0.3, 0.8, 0.97):  # importing, analysing or rendering, publishing
        run = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(whole * fraction)
        run.send_signal(signal.SIGKILL)
        run.wait()
        pages = {p.name: p.read_bytes() for p in out.iterdir()} if out.is_dir() else None
        recovered = (out.parent / ".reports.old").is_dir() and not out.exists()  # killed between the two renames
        assert pages == complete or recovered, fraction  # the same inputs: old and new pages are the same bytes
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=300)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == complete
    assert sorted(p.name for p in out.parent.iterdir()) == ["reports"]  # no staging or .old folder left


def test_the_swap_never_leaves_the_folder_missing_where_the_system_can_exchange(tmp_path, monkeypatch):
    """On Linux the staged and the published folders trade places in one renameat2(RENAME_EXCHANGE): no rename
    that empties the path is made at all (os.replace is made to fail here to prove it); elsewhere the two-rename
    path with its recovery (tested above) is taken."""
    from analysis.core import files

    out = tmp_path / "reports"
    publish(out, {"index.html": b"old"})
    if not files._exchange(tmp_path / "reports", tmp_path / "reports"):  # exchanging a path with itself: a probe
        pytest.skip("this system cannot exchange two paths in one step")

    def no_rename(*args, **kwargs):
        raise AssertionError("a two-step rename was made")

    monkeypatch.setattr(files.os, "replace", no_rename)
    publish(out, PAGES)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == PAGES
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]
