"""Options shared by the CLI's commands: --jobs, --scheduler, --json, --seed checks, JSON printing."""

from __future__ import annotations

import json
from contextlib import contextmanager
from typing import Annotated, Callable, Iterator, Optional

import typer

from analysis.core.terminal import escape, lines


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


@contextmanager
def terminal_progress(description: str, total: int | None) -> Iterator[Callable[..., None]]:
    """A progress bar on stderr while a cold run works, only when stderr is a terminal; gone when the run ends.

    Yields a function that moves the bar one step (it takes and ignores any arguments, so it can be passed as an
    ``on_result`` or ``on_entry`` callback). A pipe, a file or a notebook gets nothing: the output a script reads
    (stdout, and stderr's one-line errors) is the same with or without a terminal. Commands open it only on a
    cache miss, so a warm answer prints no bar.
    """
    from rich.console import Console
    from rich.markup import escape as markup_escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True, disable=not console.is_terminal) as progress:
        task = progress.add_task(markup_escape(escape(description)), total=total)
        yield lambda *_: progress.advance(task)
