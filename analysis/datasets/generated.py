"""``data build --all``: the data folder's ``generated/``, where only what this tool wrote is ever replaced.

The tool keeps a manifest of what it wrote (``generated/.data-build-manifest.json``: each study folder and its
files). A run builds every dataset first, into a staging folder inside ``generated/``; then each study folder is
swapped in as a whole (the data file and its ``datapackage.json`` together), a study folder the previous run wrote
and this one does not is removed (its listed files only), and the manifest is rewritten. Anything else in
``generated/`` (a README, an ``.R`` script, a CSV written there with ``data build --out``, a file a user put inside a
study folder) is kept: files of one's own inside a study folder are carried into the new one (hard links). A file
of one's own where a dataset would go is refused, as is a ``generated`` that is a file or cannot be written: one
line naming it, exit 2, nothing changed. A study folder written before manifests existed is recognised by its
``datapackage.json`` (written by this tool, describing the one data file ``ID.csv`` or ``ID.parquet``).

One run at a time writes into a folder (an flock on ``generated/``); a staging folder left by a killed run is
removed by the next run (:func:`analysis.core.files.staging`), after putting back a study folder the kill caught
between two renames (systems without renameat2).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from analysis.core.errors import InputError
from analysis.core.files import atomic_write, folder_lock, put_back, staging, swap_folder
from analysis.datasets.datapackage import DESCRIPTOR, dataset_files, default_file_name
from analysis.generate import Dataset
from analysis.spec.model import StudyFile

#: What ``data build --all`` wrote, inside ``generated/``.
MANIFEST = ".data-build-manifest.json"
#: The manifest's first key: a file of that name without it is not ours.
WRITTEN_BY = "hamstring-evidence data build --all"
#: The staging folders' NAME (``.data-build.staging-PID-XXXX``).
STAGE_NAME = "data-build"


def _plain(name: object) -> bool:
    """A single file name: no folder part, not hidden, not ``..`` (a manifest never reaches outside)."""
    return isinstance(name, str) and name == Path(name).name and not name.startswith(".") and name not in ("", "..")


def read_manifest(target: Path) -> dict[str, list[str]]:
    """Study id -> the files this tool wrote in ``target/ID/`` ({} when there is no manifest)."""
    path = target / MANIFEST
    if not os.path.lexists(path):
        return {}
    try:
        doc = json.loads(path.read_text()) if path.is_file() and not path.is_symlink() else None
    except (OSError, ValueError):  # unreadable or not JSON (json's and UTF-8's decode errors are ValueErrors)
        doc = None
    studies = doc.get("studies") if isinstance(doc, dict) and doc.get("written_by") == WRITTEN_BY else None
    if not isinstance(studies, dict) or not all(_plain(k) and isinstance(v, list) and all(map(_plain, v))
                                                for k, v in studies.items()):
        raise InputError(path, "generated", "is not a manifest written by `data build --all`; move it away "
                                            "(nothing was changed)")
    return studies


def _write_manifest(target: Path, studies: dict[str, list[str]]) -> None:
    doc = {"written_by": WRITTEN_BY,
           "note": "The study folders and files `data build --all` wrote; it replaces only these.",
           "studies": {sid: sorted(files) for sid, files in sorted(studies.items())}}
    atomic_write(target / MANIFEST, (json.dumps(doc, indent=2) + "\n").encode())


def _recognised(folder: Path) -> set[str]:
    """The files of a study folder this tool wrote before manifests: its descriptor and the one file it describes."""
    try:
        doc = json.loads((folder / DESCRIPTOR).read_text())
    except (OSError, ValueError):  # no descriptor, or not JSON (json's and UTF-8's decode errors are ValueErrors)
        return set()
    resources = doc.get("resources") if isinstance(doc, dict) else None
    generator = doc.get("generator") if isinstance(doc, dict) else None
    if not isinstance(resources, list) or not all(isinstance(r, dict) for r in resources) \
            or not isinstance(generator, dict):
        return set()
    paths = [r.get("path") for r in resources]
    ours = generator.get("package") == "hamstring-evidence" and doc.get("synthetic") is True
    if ours and paths in ([f"{folder.name}.csv"], [f"{folder.name}.parquet"]):
        return {DESCRIPTOR, paths[0]}
    return set()


def _plan(target: Path, names: dict[str, str], listed: dict[str, list[str]]) -> dict[str, tuple[set, list]]:
    """Study id -> (the files of its folder this tool wrote, the others to carry over); refuses a clash."""
    plan = {}
    for sid, name in names.items():
        folder = target / sid
        if folder.is_symlink() or (os.path.lexists(folder) and not folder.is_dir()):
            raise InputError(folder, "generated", "is not a study folder `data build` wrote; move it away "
                                                  "(nothing was changed)")
        present = set(os.listdir(folder)) if folder.is_dir() else set()
        ours = {name for name in (set(listed[sid]) if sid in listed else _recognised(folder)) & present
                if (folder / name).is_file() and not (folder / name).is_symlink()}  # a folder or link is a user's
        clash = sorted((present - ours) & {name, DESCRIPTOR})
        if clash:
            raise InputError(folder / clash[0], "generated", "was not written by `data build --all` (not in its "
                                                             "manifest); move it away (nothing was changed)")
        plan[sid] = (ours, sorted(present - ours))
    return plan


def _carry(source: Path, destination: Path) -> None:
    """Put a user's file or folder into the new study folder: a hard link where possible, else a copy."""
    def link(src, dst):
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    if source.is_dir() and not source.is_symlink():
        shutil.copytree(source, destination, symlinks=True, copy_function=link)
    elif source.is_symlink():
        os.symlink(os.readlink(source), destination)
    else:
        link(source, destination)


def _drop(folder: Path, files: list[str]) -> list[Path]:
    """Remove the listed files of a study folder this tool no longer writes (the folder too when that empties it);
    returns the files removed."""
    removed = []
    for name in files:
        path = folder / name
        if path.is_file() or path.is_symlink():
            path.unlink()
            removed.append(path)
    if folder.is_dir() and not folder.is_symlink() and not any(folder.iterdir()):
        folder.rmdir()
    return removed


def _finish(stale: Path, target: Path) -> None:
    """What a killed run left in its staging folder: study folders caught between two renames go back."""
    for aside in stale.glob("*.old"):
        put_back(aside, target / aside.name[:-len(".old")])


def _checked_target(target: Path) -> bool:
    """Refuse a ``generated`` that is not a folder; create it when missing. Returns whether it was created."""
    if target.is_symlink() or (os.path.lexists(target) and not target.is_dir()):
        raise InputError(target, "generated", "is not a folder (or a link to one); `data build --all` writes study "
                                              "folders into it, move it away (nothing was changed)")
    if target.is_dir():
        return False
    try:
        target.mkdir(parents=True)
    except OSError as exc:
        raise InputError(target, "generated", f"cannot be created: {exc.strerror or exc} (nothing was changed)") from None
    return True


def write_all(datasets: list[tuple[Dataset, StudyFile]], target: Path) -> tuple[list[Path], list[Path]]:
    """Write each dataset into ``target/ID/``, replacing only the study folders and files this tool wrote.

    Every dataset is written into a staging folder before anything in ``target`` changes; each study folder is
    then swapped in as a whole. Returns the data files written and the files removed (those of study folders the
    previous run wrote and this one does not). See the module docstring.

    Raises
    ------
    InputError
        ``target`` is a file or cannot be written, another ``data build --all`` is writing into it, its manifest is
        not ours, or a file of one's own sits where a dataset would go (nothing is then changed).
    """
    target = Path(target)
    if target.is_symlink() and target.is_dir():  # a generated/ kept elsewhere (a bigger disk): write there
        target = target.resolve()
    created = _checked_target(target)
    try:
        with folder_lock(target) as locked:
            if not locked:
                raise InputError(target, "generated", "another `data build --all` is writing into it; wait for it")
            return _write_locked(datasets, target)
    except BaseException:
        if created:
            shutil.rmtree(target, ignore_errors=True)
        raise


def _write_locked(datasets: list[tuple[Dataset, StudyFile]], target: Path) -> tuple[list[Path], list[Path]]:
    listed = read_manifest(target)
    names = {study.spec.id: default_file_name(dataset, study) for dataset, study in datasets}
    plan = _plan(target, names, listed)
    published, removed = False, []
    try:
        with staging(target, STAGE_NAME, finish=lambda stale: _finish(stale, target)) as stage:
            for dataset, study in datasets:
                sid = study.spec.id
                (stage / sid).mkdir()
                for name, content in dataset_files(dataset, study, names[sid]).items():
                    (stage / sid / name).write_bytes(content)
                for other in plan[sid][1]:
                    _carry(target / sid / other, stage / sid / other)
            new = {sid: [names[sid], DESCRIPTOR] for sid in names}
            union = {sid: sorted(set(listed.get(sid, [])) | set(new.get(sid, []))) for sid in {*listed, *new}}
            _write_manifest(target, union)  # first the union: a kill below leaves every file of ours listed
            published = True
            for sid in names:
                swap_folder(stage / sid, target / sid, stage / f"{sid}.old")
            for sid in sorted(set(listed) - set(names)):
                removed += _drop(target / sid, listed[sid])
            _write_manifest(target, new)
    except OSError as exc:
        said = "some study folders may be new, each whole" if published else "nothing was changed"
        raise InputError(target, "generated", f"cannot be written: {exc.strerror or exc} ({said})") from None
    return [target / sid / names[sid] for sid in names], removed
