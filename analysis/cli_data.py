"""The ``data`` commands (build and validate study-shaped datasets) and ``init`` (a registry of one's own)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from analysis.cli_options import _checked_seed, say
from analysis.core.errors import InputError, ReconstructionError

data_app = typer.Typer(no_args_is_help=True, help="Study-shaped synthetic datasets.")


@data_app.command("build")
def data_build(
    study_id: Annotated[Optional[str], typer.Argument(help="Study id, e.g. S2.")] = None,
    all_studies: Annotated[bool, typer.Option("--all", help="Every study that builds a dataset, into "
                                                            "DATA/generated/: built aside, then each study "
                                                            "folder swapped in; only what it wrote is replaced.")] = False,
    seed: Annotated[Optional[int], typer.Option(callback=_checked_seed,
                                                help="Random seed (default: the spec's seed).")] = None,
    out: Annotated[Optional[Path], typer.Option(help="Output file, .csv or .parquet (default DATA/generated/ID/ID.csv, "
                                                     ".parquet above 20,000 rows; ./generated/ when DATA is the "
                                                     "installed defaults).")] = None,
) -> None:
    """Write a synthetic dataset shaped like STUDY_ID, with datapackage.json beside it (or every one with --all)."""
    from analysis.core.paths import data_dir, uses_shipped_defaults
    from analysis.datasets.datapackage import default_file_name, write_dataset
    from analysis.datasets.generated import write_all
    from analysis.generate import build_dataset
    from analysis.spec.model import load_study_file, study_files

    if all_studies == (study_id is not None):
        raise InputError("data build", "STUDY_ID", "give one study id, or --all")
    base = Path("generated") if uses_shipped_defaults() else data_dir() / "generated"  # never inside the install
    if all_studies:
        if out is not None:
            raise InputError("data build", "--out", "--all writes into the data folder's generated/; drop --out")
        studies = [f for f in study_files().values() if f.spec.builds_dataset]
        built = []
        for study in studies:
            try:
                built.append((build_dataset(study.spec, seed=seed), study))
            except ReconstructionError as exc:  # the spec's values admit no dataset: the spec file is at fault
                raise InputError(study.path, "dataset", f"could not be built: {exc} (nothing was changed)") from None
        written, removed = write_all(built, base)
        for path in written:
            say(f"wrote {path} (synthetic)")
        for path in removed:
            say(f"removed {path} (written by an earlier run for a study that no longer builds a dataset)")
        return
    study = load_study_file(study_id)
    if out is not None and out.suffix.lower() not in (".csv", ".parquet"):
        raise InputError(out, "--out", f"must end in .csv or .parquet, got {out.suffix or '(no extension)'!r}")
    try:
        dataset = build_dataset(study.spec, seed=seed)
    except ReconstructionError as exc:  # the spec's values admit no dataset: the spec file is at fault
        raise InputError(study.path, "dataset", f"could not be built: {exc}") from None
    if out is None:
        out = base / study.spec.id / default_file_name(dataset, study)
    ancestor = next((a for a in Path(out).absolute().parents if a.exists()), None)
    if ancestor is not None and not ancestor.is_dir():
        raise InputError(out, "--out", f"{ancestor} is not a folder (nothing was changed)")
    try:
        write_dataset(dataset, study, out)
    except OSError as exc:  # a folder that cannot exist or be written (/proc, a file used as a folder, read-only)
        raise InputError(out, "--out", f"cannot be written: {exc.strerror or exc} (nothing was changed)") from None
    say(f"wrote {out} (synthetic, shaped like {study.spec.short}; seed {dataset.seed})")


@data_app.command("validate")
def data_validate(
    path: Path,
    family: Annotated[str, typer.Option(help="Data family (see data/families.yaml), e.g. athlete-cohort.")],
) -> None:
    """Check your data file (CSV, Excel, Parquet) against a data family; every problem is listed."""
    from analysis.datasets.families import validate_file

    frame = validate_file(path, family)
    say(f"{path}: valid for family {family!r} ({len(frame)} rows, {frame.shape[1]} columns)")


def init(folder: Annotated[Path, typer.Argument(help="A new (or empty) folder for your own registry.")]) -> None:
    """Create a data folder of your own from the default specs, claims, data families and example data."""
    from analysis.core.registry import init_data_dir

    counts = init_data_dir(folder)
    say(f"created {folder} ({counts['studies']} study specs, {counts['claims']} claims); use it with "
        f"`hamstring-evidence --data-dir {folder} ...` or HAMSTRING_EVIDENCE_DATA={folder}")
