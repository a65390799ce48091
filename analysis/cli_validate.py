"""The ``validate`` command: the reconstruction method on real data whose answer is known (issue #34)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from analysis.cli_options import JsonFlag, _print_json
from analysis.core.errors import InputError


def validate_cmd(
    draws: Annotated[int, typer.Option("--draws", help="Assumption-ensemble draws per case.")] = 40,
    case: Annotated[Optional[list[str]], typer.Option("--case", help="Run only this case (e.g. V01); "
                                                                     "repeatable.")] = None,
    specs: Annotated[Optional[Path], typer.Option("--specs", help="Write the published specs into this new "
                                                                  "folder (studies/*.yaml) to read them.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Publish real datasets as papers would, reconstruct them, and compare with the truth.

    Prints one row per case (the real data's estimate, the reconstruction's, its ensemble range, whether an
    identified result equals the truth, whether the range covers it, both verdicts, whether every printed figure
    came back) and a summary per analysis kind. Real data are the truth; every reconstruction is synthetic.
    """
    from analysis.validation import records_frame, run_validation, summary
    from analysis.validation.cases import CASES
    from analysis.validation.table import misleading, text_table

    if draws < 1:
        raise InputError("validate", "--draws", f"must be 1 or more, got {draws}")
    chosen = CASES
    if case:
        known = {c.id for c in CASES}
        unknown = [c for c in case if c not in known]
        if unknown:
            raise InputError("validate", "--case", f"unknown case {unknown[0]!r}; known: {', '.join(sorted(known))}")
        chosen = [c for c in CASES if c.id in case]
    if specs is not None and specs.exists():
        raise InputError(specs, "--specs", "already exists; name a new folder")
    records = run_validation(chosen, draws=draws, keep=specs)
    if as_json:
        _print_json({"records": records_frame(records).to_dict(orient="records"),
                     "summary": summary(records).to_dict(orient="records"), "misleading": misleading(records)})
        return
    typer.echo("Truth: the real data's own result. Reconstruction: synthetic data built from the printed figures.")
    typer.echo(text_table(records))
    typer.echo("")
    typer.echo(summary(records).to_string(index=False))
    for kind, why in misleading(records).items():
        typer.echo(f"{kind}: the reconstruction misleads in {len(why)} case(s): " + "; ".join(why))
