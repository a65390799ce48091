"""The installed package, not the checkout: build the wheel, install it into a new venv, run it from an empty folder.

The wheel and its entry point are installed into a fresh venv with ``--no-deps``; the dependencies (about 150
wheels, minutes to download and the network not always there) come from the project's own environment through a
``.pth`` line. What is under test is ours: the package, its shipped registry (package data), its console script,
and that nothing reaches back into the repository.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from analysis.core.paths import REPO_ROOT

# One worker builds the wheel: under ``pytest -n`` a module fixture runs once per worker that gets one of the tests.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("wheel")]

#: What a build reads, copied aside: setuptools builds in the source tree (``build/``), so two builds of the
#: checkout at once collide, and a test should not leave build output in the checkout.
BUILD_INPUTS = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE", "analysis", "data", "notebooks")
SKIPPED = shutil.ignore_patterns("__pycache__", "*.egg-info", "bundled", "generated", ".*")


def source_copy(root):
    """The files a build reads, copied from the checkout into ``root/source``."""
    source = root / "source"
    source.mkdir()
    for name in BUILD_INPUTS:
        path = REPO_ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=SKIPPED)
        else:
            shutil.copy2(path, source / name)
    return source


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(console script, environment, empty working folder) of a fresh venv holding only the built wheel."""
    root = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "HAMSTRING_EVIDENCE_DATA")}
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", str(source_copy(root)), "--no-deps", "-q", "-w",
                            str(root / "dist")], capture_output=True, text=True, env=env)
    assert build.returncode == 0, build.stderr[-2000:]
    wheel, = (root / "dist").glob("hamstring_evidence-*.whl")
    subprocess.run([sys.executable, "-m", "venv", str(root / "venv")], check=True, env=env, cwd=root)
    venv_python = root / "venv" / "bin" / "python"
    purelib = subprocess.run([str(venv_python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True, env=env, cwd=root).stdout.strip()
    subprocess.run([str(venv_python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                   check=True, env=env, cwd=root)  # before the .pth line, or pip sees the checkout's install and skips
    Path(purelib, "_project_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")  # nbconvert's templates, like a full install
    work = root / "empty"
    work.mkdir()
    return root / "venv" / "bin" / "hamstring-evidence", env, work


def run(installed, *args):
    script, env, work = installed
    return subprocess.run([str(script), *args], cwd=work, env=env, capture_output=True, text=True, timeout=600)


def test_the_installed_package_is_the_wheel_not_the_checkout(installed):
    script, env, work = installed
    where = subprocess.run([str(script.with_name("python")), "-c", "import analysis; print(analysis.__file__)"],
                           cwd=work, env=env, capture_output=True, text=True, check=True).stdout
    assert str(REPO_ROOT) not in where and "site-packages" in where
    done = run(installed, "--version")
    assert done.returncode == 0 and done.stdout.startswith("hamstring-evidence ")


def test_the_wheel_carries_the_registry(installed):
    done = run(installed, "claims", "list", "--json")
    assert done.returncode == 0, done.stderr
    claims = json.loads(done.stdout)
    assert len(claims) == len(list((REPO_ROOT / "data" / "claims").glob("*.yaml")))
    shown = run(installed, "studies", "show", "S2")
    assert shown.returncode == 0 and "Mistry" in shown.stdout


def test_the_wheel_writes_the_same_reports_as_the_checkout(installed):
    done = run(installed, "report", "--out", "rep")
    assert done.returncode == 0, done.stderr
    out = installed[2] / "rep"
    pages = sorted(p.name for p in out.glob("*.html"))
    assert pages == sorted(p.name for p in (REPO_ROOT / "reports").glob("*.html"))
    different = [name for name in pages if (out / name).read_bytes() != (REPO_ROOT / "reports" / name).read_bytes()]
    assert different == []


def test_init_and_data_dir_use_ones_own_registry(installed):
    work = installed[2]
    assert run(installed, "init", "mine").returncode == 0
    again = run(installed, "init", "mine")
    assert again.returncode == 2 and "not empty" in again.stderr
    spec, = (work / "mine" / "studies").glob("S2-*.yaml")
    spec.write_text(spec.read_text().replace("title:", "title: MY COPY -", 1))
    mine = run(installed, "--data-dir", "mine", "studies", "show", "S2", "--json")
    assert mine.returncode == 0, mine.stderr
    assert json.loads(mine.stdout)["title"].startswith("MY COPY -")
    assert not json.loads(run(installed, "studies", "show", "S2", "--json").stdout)["title"].startswith("MY COPY")


def test_an_empty_registry_is_an_error_not_an_empty_success(installed):
    (installed[2] / "nothing").mkdir()
    done = run(installed, "--data-dir", "nothing", "claims", "list", "--json")
    assert done.returncode == 2 and done.stdout == ""
    assert "no such folder of claims" in done.stderr and "init DIR" in done.stderr


def test_data_build_from_the_installed_defaults_writes_into_the_working_folder(installed):
    done = run(installed, "data", "build", "S2")
    assert done.returncode == 0, done.stderr
    assert (installed[2] / "generated" / "S2" / "S2.csv").is_file()
    assert (installed[2] / "generated" / "S2" / "datapackage.json").is_file()


def test_a_shipped_notebook_runs_from_an_empty_folder(installed):
    done = run(installed, "notebooks", "--name", "10-real-injury-log", "--out", "nb")
    assert done.returncode == 0, done.stderr
    assert (installed[2] / "nb" / "10-real-injury-log.html").is_file()


def test_analyze_own_data_with_a_mapping_from_the_installed_package(installed):
    work = installed[2]
    rows = ["arm,knee"] + [f"back pain,{25 + k % 7}" for k in range(20)] + [f"Healthy,{15 + k % 5}" for k in range(20)]
    (work / "clinic.csv").write_text("\n".join(rows) + "\n")
    (work / "map.yaml").write_text("columns: {group: arm, ake_tightness: knee}\n"
                                   "levels: {group: {back pain: lbp, Healthy: healthy}}\n")
    done = run(installed, "analyze", "clbp-less-flexible", "--data", "clinic.csv", "--map", "map.yaml", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["evidence"][0]["rows"]["rows_used"] == 40
    unmapped = run(installed, "analyze", "clbp-less-flexible", "--data", "clinic.csv", "--column", "group=arm",
                   "--column", "ake_tightness=knee")
    assert unmapped.returncode == 2 and "'Healthy': 20" in unmapped.stderr
