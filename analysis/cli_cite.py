"""The ``studies export`` command: the cited studies as BibTeX or RIS for a reference manager (issue #32, item 4)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from analysis.cli_options import say
from analysis.core.errors import InputError


def studies_export(
    study_ids: Annotated[Optional[list[str]], typer.Argument(
        help="Study ids (default: every study that is a publication).")] = None,
    out: Annotated[Path, typer.Option("--out", help="The file to write: .bib (BibTeX) or .ris (RIS), replaced whole.")] =
    Path("studies.bib"),
) -> None:
    """Write the cited studies as BibTeX (one @article per study, keyed by its id) or RIS, by the suffix of --out.

    Authors, title, journal, year (left out where the record prints none), volume, issue, pages, DOI; PMID, PMCID.

    A retracted study says so in its title and first note; "et al." stays an incomplete author list.

    The composite cohorts (several papers' assumptions, not a publication) are left out."""
    from analysis.core.files import atomic_write
    from analysis.report.citations import FORMATS, citations_text
    from analysis.spec.model import study_files

    suffix = out.suffix.lower()
    if suffix not in FORMATS:  # before any work
        raise InputError(out, "--out", f"unknown format {out.suffix or '(no suffix)'!r}; one of "
                                       + ", ".join(f"{s} ({n})" for s, n in FORMATS.items()))
    if not out.parent.is_dir():
        raise InputError(out, "--out", f"folder {out.parent} does not exist")
    files = study_files()
    chosen = list(dict.fromkeys(study_ids or []))
    for sid in chosen:
        if sid not in files:
            raise InputError("studies export", "STUDY_IDS", f"unknown study {sid!r}; see 'studies list'")
        if files[sid].spec.composite:
            raise InputError("studies export", "STUDY_IDS", f"{sid} is a composite of several papers' assumptions, "
                                                            f"not a publication; cite the studies it draws on")
    specs = [files[sid].spec for sid in chosen] if chosen else [f.spec for f in files.values() if not f.spec.composite]
    atomic_write(out, citations_text(specs, suffix).encode("utf-8"))
    left_out = [sid for sid, f in files.items() if f.spec.composite] if not chosen else []
    note = f"; left out {', '.join(left_out)} (composite, not a publication)" if left_out else ""
    say(f"wrote {out}: {len(specs)} studies ({FORMATS[suffix]}){note}")
