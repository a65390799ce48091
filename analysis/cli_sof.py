"""The ``claims sof`` command: the summary-of-findings tables as a file (CSV, Excel or Markdown; issue #32)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from analysis.cli_options import JobsOption, SchedulerOption, say
from analysis.core.errors import InputError


def _run(args):
    from analysis.claims.cached import cached_run_claim

    claim, draws = args
    return cached_run_claim(claim, ensemble_draws=draws)[0]


def claims_sof(
    claim_ids: Annotated[Optional[list[str]], typer.Argument(help="Claim ids (default: every claim).")] = None,
    out: Annotated[Path, typer.Option("--out", help="The file to write: .csv, .xlsx or .md (replaced whole).")] =
    Path("summary-of-findings.csv"),
    jobs: JobsOption = 1,
    scheduler: SchedulerOption = None,
) -> None:
    """Write the summary of findings, one row per claim outcome as GRADEpro prints it (population, comparator,
    participants and studies, the effect with its 95% CI, certainty with each downgrade's reason, the source reviews'
    own ratings, the statement), to a file a review or guideline panel can take.

    The results come from the same content cache as ``report``; the format follows the suffix of ``--out``."""
    from analysis.claims.model import load_claims
    from analysis.core.defaults import DEFAULT_ENSEMBLE_DRAWS
    from analysis.core.parallel import parallel_map
    from analysis.report.sof_export import FORMATS, sof_frame, write_sof

    if out.suffix.lower() not in FORMATS:  # before any work
        raise InputError(out, "--out", f"unknown format {out.suffix or '(no suffix)'!r}; one of "
                                       + ", ".join(f"{s} ({n})" for s, n in FORMATS.items()))
    claims = load_claims()
    unknown = [c for c in claim_ids or [] if c not in claims]
    if unknown:
        raise InputError("claims sof", "CLAIM_IDS", f"unknown claim {unknown[0]!r}; see 'claims list'")
    chosen = [claims[c] for c in claim_ids] if claim_ids else list(claims.values())
    results = parallel_map(_run, [(c, DEFAULT_ENSEMBLE_DRAWS) for c in chosen], jobs=jobs, scheduler=scheduler)
    frame = sof_frame(results)
    write_sof(frame, out)
    say(f"wrote {out}: {len(frame)} outcome rows of {len(chosen)} claims ({FORMATS[out.suffix.lower()]})")
