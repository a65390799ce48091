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
