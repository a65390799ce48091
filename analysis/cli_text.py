"""``check --text FILE``: every reported test in a paper's text, recomputed (analysis.checks.text)."""

from __future__ import annotations

import typer

from analysis.cli_options import _print_json

BAD = ("inconsistent", "decision-inconsistent")


def check_text_file(path: str, as_json: bool, alpha: float = 0.05) -> None:
    """Print one row per figure found in the text at ``path`` (``-`` = stdin); exit 1 when one is inconsistent.

    A text in which nothing is found is said so (exit 0: nothing was found wrong, and nothing was checked).
    """
    from analysis.checks.text import check_text, read_text

    findings = check_text(read_text(path), alpha)
    bad = [f for f in findings if f.verdict in BAD]
    if as_json:
        _print_json([f.to_dict() for f in findings])
    else:
        for f in findings:
            note = f" ({f.note})" if f.note else ""
            typer.echo(f"{f.kind:<9} {f.check:<15} {f.text}: recomputed {f.recomputed} -> {f.verdict}{note}")
        unchecked = sum(f.verdict == "not checkable" for f in findings)
        if not findings:
            typer.echo("no reported test, ratio with a CI or two-group mean (SD) comparison found in the text")
        else:
            typer.echo(f"{len(findings)} checks: {len(bad)} inconsistent, {unchecked} not checkable, "
                       f"{len(findings) - len(bad) - unchecked} consistent")
    if bad:
        raise typer.Exit(1)
