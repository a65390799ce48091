"""Options shared by the CLI's commands: --jobs, --scheduler, --json, --seed checks, JSON printing."""

from __future__ import annotations

import json
from typing import Annotated, Optional

import typer

from analysis.core.terminal import lines


def _checked_jobs(value: int) -> int:
    """``--jobs``: 1 or more (capped at the cores: more processes than cores only compete), or -1 for one per core."""
    import os

    cores = os.cpu_count() or 1
    if value == -1:
        return cores
    if value < 1:
        raise typer.BadParameter(f"must be a number of processes (1 or more) or -1 for one per core, got {value}")
    return min(value, cores)


def _checked_seed(value: int | None) -> int | None:
    if value is not None and not 0 <= value < 2**32:
        raise typer.BadParameter(f"must be a whole number from 0 to 2**32 - 1, got {value}")
    return value


JobsOption = Annotated[int, typer.Option("--jobs", callback=_checked_jobs,
                                         help="Worker processes (-1 = one per core; capped at the cores).")]
SchedulerOption = Annotated[Optional[str], typer.Option(help="Dask scheduler address (tcp://host:8786): run there.")]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _print_json(obj) -> None:
    typer.echo(json.dumps(obj, indent=2, sort_keys=False))


def say(*parts: str) -> None:
    """Print ``parts`` as lines, each with control and bidi characters escaped (:mod:`analysis.core.terminal`)."""
    typer.echo(lines(*parts))
