"""No file lost, nothing left behind, nothing left running (issue #35, item 0): `data build --all` replaces only what
it wrote, a dataset and its datapackage.json are never a stale pair, staging folders are removed on failure and after
a kill, and forked workers die with their parent."""

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.core.paths import REPO_ROOT


def run(capsys, *argv):
    with pytest.raises(SystemExit) as info:
        main(list(argv))
    out, err = capsys.readouterr()
    return info.value.code, out, err


def tree(folder: Path) -> dict:
    """Every file and folder under ``folder`` (hidden ones included): relative path -> bytes (None for a folder)."""
    return {str(p.relative_to(folder)): (None if p.is_dir() else p.read_bytes()) for p in sorted(folder.rglob("*"))}


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") and p.name != ".data-build-manifest.json")


def pair_is_consistent(folder: Path, data_name: str) -> bool:
    """No descriptor, or one whose resource is this data file with this file's sha256 (never a stale pair)."""
    descriptor = folder / "datapackage.json"
    if not descriptor.exists():
        return True
    resource = json.loads(descriptor.read_text())["resources"][0]
    data = folder / data_name
    return (resource["path"] == data_name and data.is_file()
            and resource["hash"] == "sha256:" + hashlib.sha256(data.read_bytes()).hexdigest())


def subprocess_env(data: Path | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(HAMSTRING_EVIDENCE_CACHE="off", PYTHONPATH=str(REPO_ROOT))
    if data is not None:
        env["HAMSTRING_EVIDENCE_DATA"] = str(data)
    return env


# --- data build --all: only what it wrote ----------------------------------------------------------------------

def test_data_build_all_keeps_a_users_files_in_generated(isolated_data, capsys):
    """The whole of generated/ was swapped: a README, an .R script and a CSV written there with --out were
    deleted, exit 0."""
    generated = isolated_data / "generated"
    generated.mkdir()
    (generated / "README.md").write_text("# my notes\n")
    (generated / "fit.R").write_text("library(metafor)\n")
    assert run(capsys, "data", "build", "S2", "--out", str(generated / "mine" / "s2-seed7.csv"), "--seed", "7")[0] == 0
    assert run(capsys, "data", "build", "--all")[0] == 0
    (generated / "S2" / "notes.txt").write_text("S2 looks odd")  # a user's file inside a study folder
    mine = {name: tree(generated)[name] for name in ("README.md", "fit.R", "mine", "mine/s2-seed7.csv",
                                                       "mine/datapackage.json", "S2/notes.txt")}
    code, out, _ = run(capsys, "data", "build", "--all", "--seed", "3")
    assert code == 0 and "S2.csv" in out
    after = tree(generated)
    assert {name: after.get(name) for name in mine} == mine
    assert pair_is_consistent(generated / "S2", "S2.csv") and json.loads(
        (generated / "S2" / "datapackage.json").read_text())["seed"] == 3
    assert hidden(generated) == [] and hidden(isolated_data) == []


def test_a_study_folder_it_no_longer_writes_loses_only_its_files(isolated_data, capsys):
    generated = isolated_data / "generated"
    assert run(capsys, "data", "build", "--all")[0] == 0
    (generated / "S6" / "notes.txt").write_text("mine")
    spec = next((isolated_data / "studies").glob("S6-*.yaml"))
    spec.unlink()  # S6 no longer builds a dataset (S2 would not do: S33 includes it)
    code, out, _ = run(capsys, "data", "build", "--all")
    assert code == 0 and f"removed {generated / 'S6' / 'S6.csv'} (written by an earlier run" in out
    assert sorted(p.name for p in (generated / "S6").iterdir()) == ["notes.txt"]
    manifest = json.loads((generated / ".data-build-manifest.json").read_text())
    assert "S6" not in manifest["studies"] and manifest["studies"]["S2"] == ["S2.csv", "datapackage.json"]


def test_a_users_datapackage_where_a_dataset_goes_is_refused(isolated_data, capsys):
    generated = isolated_data / "generated"
    assert run(capsys, "data", "build", "S2", "--out", str(generated / "S2" / "mine.csv"))[0] == 0
    before = tree(isolated_data)
    code, out, err = run(capsys, "data", "build", "--all")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert f"{generated / 'S2' / 'datapackage.json'}: generated: was not written by `data build --all`" in err
    assert tree(isolated_data) == before  # nothing changed, no staging left


@pytest.mark.parametrize("manifest", ['{"written_by": "hamstring-evidence data build --all", '
                                      '"studies": {"S2": ["../../victim.txt"]}}', "not json"])
def test_a_manifest_that_is_not_ours_or_reaches_outside_is_refused(isolated_data, capsys, manifest):
    generated = isolated_data / "generated"
    generated.mkdir()
    (generated / ".data-build-manifest.json").write_text(manifest)
    (isolated_data / "victim.txt").write_text("keep")
    before = tree(isolated_data)
    code, _, err = run(capsys, "data", "build", "--all")
    assert code == 2 and ".data-build-manifest.json: generated: is not a manifest written by" in err
    assert tree(isolated_data) == before


def test_a_listed_file_this_run_does_not_write_is_removed_not_kept_as_a_users(isolated_data, capsys):
    """A study that switched between CSV and Parquet, as a killed run's manifest (old and new files, listed before
    the swaps) leaves it: the file of ours the new run does not write is removed, not carried over."""
    from analysis.datasets.generated import MANIFEST, _write_manifest, read_manifest

    generated = isolated_data / "generated"
    assert run(capsys, "data", "build", "--all")[0] == 0
    listed = read_manifest(generated)
    (generated / "S2" / "S2.parquet").write_bytes(b"an older run's Parquet")
    _write_manifest(generated, {**listed, "S2": ["S2.csv", "S2.parquet", "datapackage.json"]})  # a killed run's union
    assert run(capsys, "data", "build", "--all")[0] == 0
    assert sorted(p.name for p in (generated / "S2").iterdir()) == ["S2.csv", "datapackage.json"]
    assert json.loads((generated / MANIFEST).read_text())["studies"]["S2"] == ["S2.csv", "datapackage.json"]


def test_a_generated_kept_elsewhere_through_a_link_is_written_there(isolated_data, capsys, tmp_path):
    elsewhere = tmp_path / "big-disk" / "generated"
    elsewhere.mkdir(parents=True)
    (isolated_data / "generated").symlink_to(elsewhere)
    assert run(capsys, "data", "build", "--all")[0] == 0
    assert (isolated_data / "generated").is_symlink() and (elsewhere / "S2" / "S2.csv").is_file()


def test_a_generated_that_is_a_file_is_refused_and_kept(isolated_data, capsys):
    """The file was moved to a hidden staging name and replaced, exit 0."""
    (isolated_data / "generated").write_text("my own file called generated")
    before = tree(isolated_data)
    code, out, err = run(capsys, "data", "build", "--all")
    assert code == 2 and len(err.strip().splitlines()) == 1 and out == ""
    assert f"{isolated_data / 'generated'}: generated: is not a folder" in err
    assert tree(isolated_data) == before


def test_a_second_data_build_all_into_the_same_folder_waits_its_turn(isolated_data, capsys):
    from analysis.core.files import folder_lock

    generated = isolated_data / "generated"
    generated.mkdir()
    with folder_lock(generated) as locked:  # what a running `data build --all` holds
        assert locked
        code, _, err = run(capsys, "data", "build", "--all")
    assert code == 2 and "another `data build --all` is writing into it; wait for it" in err
    assert list(generated.iterdir()) == []


def _read_only(folder: Path):
    """Make ``folder`` unwritable for this process: chmod for a user, a read-only tmpfs mount for root."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return lambda: folder.chmod(0o755)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"root cannot mount a read-only folder here: {mounted.stderr.decode().strip()}")
    return lambda: subprocess.run(["umount", str(folder)], check=True)


def test_a_generated_that_cannot_be_written_is_refused(isolated_data, capsys):
    """Exit 0 with a staging folder left behind (the issue's run), or exit 1 (a mount point cannot be swapped)."""
    generated = isolated_data / "generated"
    generated.mkdir()
    undo = _read_only(generated)
    try:
        before = tree(isolated_data)
        code, out, err = run(capsys, "data", "build", "--all")
        after = tree(isolated_data)
    finally:
        undo()
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert f"{generated}: generated: cannot be written:" in err and "(nothing was changed)" in err
    assert after == before


# --- staging folders: removed on failure, and after a kill by the next run ----------------------------------------

def test_a_failed_write_leaves_the_previous_pair_and_no_staging(tmp_path, capsys, monkeypatch):
    out = tmp_path / "mine" / "S2.csv"
    assert run(capsys, "data", "build", "S2", "--out", str(out))[0] == 0
    before = tree(tmp_path)
    real = Path.write_bytes

    def full_disk(self, data):
        if self.name == "datapackage.json":
            raise OSError(28, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", full_disk)
    code, _, err = run(capsys, "data", "build", "S2", "--out", str(out), "--seed", "9")
    assert code == 2 and "No space left on device" in err and tree(tmp_path) == before


def test_a_failed_init_leaves_no_staging(tmp_path, capsys, monkeypatch):
    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(shutil, "copytree", full_disk)
    code, _, err = run(capsys, "init", str(tmp_path / "mine"))
    assert code == 2 and "No space left on device" in err and list(tmp_path.iterdir()) == []


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_staging_of_a_dead_run_is_removed_and_a_live_runs_kept(tmp_path):
    from analysis.core.files import remove_stale_staging, staging

    dead = tmp_path / f".x.staging-{_dead_pid()}-abc"
    dead.mkdir()
    (dead / "half.csv").write_text("half")
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])  # alive, holds no lock
    try:
        unlocked = tmp_path / f".x.staging-{holder.pid}-def"
        unlocked.mkdir()
        other = tmp_path / f".y.staging-{_dead_pid()}-ghi"  # another name's: not ours to judge here
        other.mkdir()
        with staging(tmp_path, "x") as mine:
            assert not dead.exists() and unlocked.is_dir() and other.is_dir()
            assert remove_stale_staging(tmp_path, "x") == 0 and mine.is_dir()  # a live run's is kept
        assert not mine.exists()
    finally:
        holder.kill()
        holder.wait()


KILLER = """
import os, signal, sys
where, when, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
real, seen = os.replace, [0]
def replace(src, dst, *args, **kwargs):
    inside = any(os.path.abspath(os.fspath(p)).startswith(where) for p in (src, dst))
    if inside and when == "before" and seen[0] + 1 == n:
        os.kill(os.getpid(), signal.SIGKILL)
    real(src, dst, *args, **kwargs)
    if inside:
        seen[0] += 1
        if when == "after" and seen[0] == n:
            os.kill(os.getpid(), signal.SIGKILL)
os.replace = replace
from analysis.cli import main
main(sys.argv[4:])
"""


def killed_at(where: Path, when: str, n: int, argv: list[str], env: dict) -> int:
    """Run the CLI and SIGKILL it just before or after its n-th rename touching ``where``; its exit code."""
    command = [sys.executable, "-c", KILLER, str(where), when, str(n), *argv]
    return subprocess.run(command, env=env, capture_output=True, timeout=300).returncode


@pytest.mark.slow
def test_data_build_out_killed_at_each_rename_never_leaves_a_stale_datapackage(tmp_path):
    """A kill just after the data was written left the old datapackage.json beside the new data (4 of 4 trials)."""
    from functools import partial

    folder = tmp_path / "mine"
    out = folder / "S2.csv"
    env = subprocess_env()
    build = ["data", "build", "S2", "--out", str(out)]
    subprocess.run([sys.executable, "-m", "analysis", *build, "--seed", "1"], env=env, check=True, capture_output=True)
    old = tree(folder)
    for moment in (("after", 1), ("after", 2), ("before", 1), ("after", 3)):
        code = killed_at(folder, *moment, [*build, "--seed", "2"], env)
        assert code == -signal.SIGKILL, moment
        assert pair_is_consistent(folder, "S2.csv"), moment  # never a descriptor of other data
        from analysis.core.files import finish_pair, remove_stale_staging

        remove_stale_staging(folder, "S2.csv", partial(finish_pair, folder=folder, data="S2.csv",
                                                       descriptor="datapackage.json"))  # what the next run does first
        assert (folder / "datapackage.json").exists() and pair_is_consistent(folder, "S2.csv"), moment
        assert sorted(p.name for p in folder.iterdir()) == ["S2.csv", "datapackage.json"], moment
        subprocess.run([sys.executable, "-m", "analysis", *build, "--seed", "1"], env=env, check=True,
                       capture_output=True)
        assert tree(folder) == old, moment


@pytest.mark.slow
def test_data_build_all_killed_at_any_moment_loses_nothing_and_the_next_run_cleans_up(isolated_data):
    generated = isolated_data / "generated"
    generated.mkdir()
    (generated / "README.md").write_text("mine")
    env = subprocess_env(isolated_data)
    command = [sys.executable, "-m", "analysis", "data", "build", "--all"]
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=300)
    whole = time.perf_counter() - start
    complete = tree(generated)

    def check(moment):
        assert (generated / "README.md").read_text() == "mine", moment
        for folder in (p for p in generated.iterdir() if p.is_dir()):
            data = next(p.name for p in folder.iterdir() if p.name != "datapackage.json")  # ID.csv or ID.parquet
            assert pair_is_consistent(folder, data), (moment, folder.name)

    for fraction in (0.5, 0.9, 0.97):
        run = subprocess.Popen([*command, "--seed", "5"], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        time.sleep(whole * fraction)
        run.send_signal(signal.SIGKILL)
        run.wait()
        check(fraction)
    for n in (1, 2, 5):
        assert killed_at(generated, "after", n, ["data", "build", "--all", "--seed", "5"], env) == -signal.SIGKILL
        check(n)
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=300)
    assert tree(generated) == complete and hidden(isolated_data) == []


@pytest.mark.slow
def test_init_killed_at_any_moment_leaves_nothing_the_next_run_keeps(tmp_path):
    """A killed init left its `.NAME.init-*` staging folder, which no later run removed."""
    env = subprocess_env()
    target = tmp_path / "reg"
    command = [sys.executable, "-m", "analysis", "init", str(target)]
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=300)
    whole = time.perf_counter() - start
    complete = tree(target)
    shutil.rmtree(target)
    for fraction in (0.6, 0.85, 0.95):
        run = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(whole * fraction)
        run.send_signal(signal.SIGKILL)
        run.wait()
        assert not target.exists() or tree(target) == complete, fraction
        shutil.rmtree(target, ignore_errors=True)
    assert killed_at(tmp_path, "before", 1, ["init", str(target)], env) == -signal.SIGKILL  # copied, not moved in
    assert not target.exists() and hidden(tmp_path) != []
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=300)
    assert tree(target) == complete and sorted(p.name for p in tmp_path.iterdir()) == ["reg"]


# --- workers die with their parent --------------------------------------------------------------------------------

def _children(pid: int) -> set[int]:
    """The live (not zombie) processes whose parent is ``pid``, from /proc."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="forked workers and /proc are Linux's")
def test_report_workers_die_with_a_killed_parent(tmp_path):
    """Workers of a killed `report --jobs 2` ran on (alive after 120 s, ~200 MB each)."""
    data = tmp_path / "data"
    shutil.copytree(REPO_ROOT / "data", data, ignore=shutil.ignore_patterns("generated"))
    command = [sys.executable, "-m", "analysis", "report", "--jobs", "2", "--out", str(tmp_path / "reports")]
    run = subprocess.Popen(command, env=subprocess_env(data), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while len(workers := _children(run.pid)) < 2 and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(workers) >= 2, "the report never started two workers"
        time.sleep(0.5)  # at work
        assert all(_alive(pid) for pid in workers)
        run.send_signal(signal.SIGKILL)
        run.wait()
        deadline = time.monotonic() + 5
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = [pid for pid in workers if _alive(pid)]
    finally:
        for pid in _children(run.pid) | workers:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    assert left == []


def test_a_worker_whose_parent_died_before_it_could_ask_exits():
    """The gap between fork and prctl: a parent already gone is not this worker's parent any more (here the
    process is told its parent is pid 1, which it is not)."""
    code = subprocess.run([sys.executable, "-c", "from analysis.core.parallel import _die_with_parent; "
                           "_die_with_parent(1); print('ran on')"], env=subprocess_env(), capture_output=True,
                          timeout=60)
    assert code.returncode == 1 and code.stdout == b""
