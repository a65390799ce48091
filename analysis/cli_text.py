"""``check --text FILE``: every reported test in a paper's text, recomputed (analysis.checks.text)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from analysis.cli_options import _print_json, say

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
            say(f"{f.kind:<9} {f.check:<15} {f.text}: recomputed {f.recomputed} -> {f.verdict}{note}")
        unchecked = sum(f.verdict == "not checkable" for f in findings)
        if not findings:
            say("no reported test, ratio with a CI or two-group mean (SD) comparison found in the text")
        else:
            say(f"{len(findings)} checks: {len(bad)} inconsistent, {unchecked} not checkable, "
                       f"{len(findings) - len(bad) - unchecked} consistent")
    if bad:
        raise typer.Exit(1)


def studies_draft(
    file: Annotated[str, typer.Argument(help="A paper's plain text ('-' = stdin).")],
    study_id: Annotated[str, typer.Option("--id", help="The new spec's id, e.g. S132 (not already in the registry).")],
    out: Annotated[Optional[Path], typer.Option(
        "--out", help="Where to write the draft (default: ID-draft.yaml here); never overwritten.")] = None,
) -> None:
    """Draft a study spec from the figures a paper's text prints: every value extracted from the text and marked
    for review, everything not printed left as a TODO, so the draft loads only once a person has decided them."""
    from analysis.checks.draft import write_draft
    from analysis.checks.text import read_text
    from analysis.spec.model import study_files

    target = out if out is not None else Path(f"{study_id}-draft.yaml")
    draft = write_draft(read_text(file), study_id, "<stdin>" if file == "-" else Path(file).name, target,
                        set(study_files()))
    counts = {k: len(draft[k]) for k in ("summaries", "reported_tests", "effects")}
    todo = str(draft).count("TODO")
    say(f"wrote {target}: {counts['summaries']} summaries, {counts['reported_tests']} reported tests, "
               f"{counts['effects']} effects, extracted from the text for review; {todo} TODOs to decide")
