"""The ``hamstring-evidence`` command line.

Every command has ``--help``. A project error (bad input, data a method cannot take: a
:class:`~analysis.core.errors.HamstringEvidenceError`) prints one line on stderr and exits 2; anything else is a
bug: one "internal error" line and exit 1 (``--debug`` prints the traceback). Nothing is written when a command
fails.
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path
from typing import Annotated, Optional

import typer

from analysis.cli_analyze import analyze
from analysis.cli_cache import cache_app
from analysis.cli_cite import studies_export
from analysis.cli_data import data_app, init
from analysis.cli_options import JobsOption, JsonFlag, SchedulerOption, _print_json, say, terminal_progress
from analysis.cli_power import power_cmd
from analysis.cli_sof import claims_sof
from analysis.cli_text import studies_draft
from analysis.cli_validate import validate_cmd
from analysis.core.errors import HamstringEvidenceError, InputError
from analysis.core.terminal import one_line as _one_line

#: Whether ``--debug`` was given (set by the root callback, read by :func:`main` when an error reaches it).
_DEBUG = {"on": False}

app = typer.Typer(add_completion=True, no_args_is_help=True, pretty_exceptions_enable=False,
                  rich_markup_mode="rich", help="Test popular claims about hamstrings and back pain against data.")
claims_app = typer.Typer(no_args_is_help=True, help="The claims registry.")
studies_app = typer.Typer(no_args_is_help=True, help="Study specs (published figures as data).")


def _print_version(value: bool) -> None:
    if value:
        from analysis.core.version import __version__

        typer.echo(f"hamstring-evidence {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                                help="Print the version and exit.")] = False,
          data_dir: Annotated[Optional[Path], typer.Option(
              "--data-dir", help="A folder of study specs and claims (studies/, claims/, families.yaml) to use instead "
                                 "of the defaults; `init DIR` creates one. Same as HAMSTRING_EVIDENCE_DATA.")] = None,
          debug: Annotated[bool, typer.Option("--debug", help="On an error, print the traceback too.")] = False,
          ) -> None:
    """Test popular claims about hamstrings and back pain against data."""
    _DEBUG["on"] = debug
    if data_dir is not None:
        import os

        from analysis.core.paths import DATA_ENV

        if not data_dir.is_dir():
            raise InputError(data_dir, "--data-dir", "not a folder" if data_dir.exists() else "no such folder")
        os.environ[DATA_ENV] = str(data_dir.resolve())  # worker processes inherit it


app.add_typer(claims_app, name="claims")
app.add_typer(studies_app, name="studies")
app.add_typer(data_app, name="data")
app.add_typer(cache_app, name="cache")
app.command()(init)
app.command("analyze")(analyze)

def _claim_row(args) -> dict:
    """One ``claims list`` row (its claim run through the result cache)."""
    from analysis.claims.cached import cached_run_claim

    claim, draws = args
    result, _ = cached_run_claim(claim, ensemble_draws=draws)
    verdict = result.verdict
    return {"claim_id": claim.id, "title": claim.title, "post": claim.post.file, "post_title": claim.post.title,
            "causal_language": claim.causal_language, "verdict": verdict.category, "verdict_label": verdict.label,
            "reason": verdict.reason, "certainty": result.certainty,
            "bottom_line": result.bottom_line or verdict.reason}


@claims_app.command("list")
def claims_list(as_json: JsonFlag = False, jobs: JobsOption = 1, scheduler: SchedulerOption = None) -> None:
    """List every claim with its post, verdict and the one-line reason (cached by content: see --help of report).

    A cold run on a terminal shows a progress bar on stderr, one step per claim."""
    from analysis.core import cache
    from analysis.core.defaults import DEFAULT_ENSEMBLE_DRAWS
    from analysis.core.paths import data_dir

    key = cache.registry_digest(data_dir(), "claims-list", DEFAULT_ENSEMBLE_DRAWS)
    hit = cache.read("claims-list", key)
    if hit is not None:
        rows = json.loads(hit)
    else:
        from analysis.claims.model import load_claims
        from analysis.core.parallel import parallel_map

        claims = list(load_claims().values())
        with terminal_progress("claims", len(claims)) as step:
            rows = parallel_map(_claim_row, [(c, DEFAULT_ENSEMBLE_DRAWS) for c in claims], jobs=jobs,
                                scheduler=scheduler, on_result=step)
        cache.write("claims-list", key, json.dumps(rows).encode())
    if as_json:
        _print_json(rows)
        return
    id_width = max((len(r["claim_id"]) for r in rows), default=0)
    label_width = max((len(r["verdict_label"]) for r in rows), default=0)
    for r in rows:
        say(f"{r['claim_id']:<{id_width}}  {r['verdict_label']:<{label_width}}  post {r['post'][:3]}  {r['title']}")


@studies_app.command("list")
def studies_list(as_json: JsonFlag = False) -> None:
    """List the study specs."""
    from analysis.spec.model import study_files, study_sort_key

    files = study_files()
    rows = [{"study_id": f.spec.id, "short": f.spec.short, "design": f.spec.design, "n": f.spec.total_n,
             "assumptions": len(f.spec.assumptions()), "dataset": f.spec.builds_dataset,
             "figures_only_reason": f.spec.dataset_reason, "file": f.path.name}
            for _, f in sorted(files.items(), key=lambda kv: study_sort_key(kv[0]))]
    if as_json:
        _print_json(rows)
        return
    for r in rows:
        kind = "dataset" if r["dataset"] else "figures only"
        n = f"n={r['n']}" if r["n"] else "n=-"
        say(f"{r['study_id']:<5} {r['design']:<16} {n:<8} {kind:<13} {r['assumptions']:>3} assumptions  {r['short']}")


@studies_app.command("show")
def studies_show(study_id: str, as_json: JsonFlag = False) -> None:
    """Show one study spec: citation, groups, reported figures and assumptions."""
    from analysis.spec.model import load_study_file

    study = load_study_file(study_id)
    data = study.spec.model_dump(mode="json", exclude_none=True)
    data["spec_file"] = study.path.name
    data["spec_sha256"] = study.sha256
    data["assumption_list"] = study.spec.assumptions()
    if as_json:
        _print_json(data)
        return
    spec = study.spec
    say(f"{spec.id}: {spec.title}", f"  {spec.citation.authors} ({spec.citation.year_text}) {spec.citation.journal}"
        f"{' doi:' + spec.citation.doi if spec.citation.doi else ''}", f"  design: {spec.design}; {spec.population}")
    if spec.retracted is not None:
        say(f"  RETRACTED (notice {spec.retracted.notice}): {spec.retracted.reason}; counts nowhere")
    if spec.risk_of_bias is not None:
        say(f"  risk of bias ({spec.risk_of_bias.tool}): {spec.risk_of_bias.overall}")
    for gid, g in spec.groups.items():
        say(f"  group {gid}: {g.label}, n = {spec.n(gid)}" + ("  ASSUMED" if g.n.is_assumption else ""))
    for row in spec.display_rows():
        said = "ASSUMED" if row["where"] == "assumed" else f"reported ({row['where']})"
        say(f"  {row['figure']}: {row['value']}  {said}")
    for o in spec.cohort.outcomes if spec.cohort is not None else []:
        for assoc in o.reported:
            say(f"  {assoc.statement(o.name)}  reported ({assoc.source}); the dataset must reproduce it")
    for a in spec.assumptions():
        low, high = a["range"]
        sign = "+/-" if a.get("mirrored") else ""
        say(f"  {a['what']} = {a['value']:g}  ASSUMED, range {sign}[{low:.4g}, {high:.4g}]: {a['reason']}")
    if not spec.builds_dataset:
        say(f"  no dataset: {spec.dataset_reason}")


@app.command("check")
def check_cmd(
    study_id: Annotated[Optional[str], typer.Argument(help="Study id, e.g. S16.")] = None,
    all_studies: Annotated[bool, typer.Option("--all", help="Check every study.")] = False,
    reconstruction: Annotated[bool, typer.Option(
        "--reconstruction", help="Also build each study's synthetic dataset and check that it gives back every "
                                 "published figure.")] = False,
    text: Annotated[Optional[str], typer.Option(
        "--text", help="Check every reported test (t, F, r, chi2, z; OR/RR/HR with CI; two groups' mean (SD)) in "
                       "a paper's plain text FILE ('-' = stdin) instead of a study.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Forensic checks of a study's published figures (GRIM, GRIMMER, bounds, recomputed tests, CIs, percentages).

    Exit status: 0 when every checkable figure is consistent (and, with --reconstruction, given back by the
    reconstruction), 1 when at least one is not, 2 on an error.
    """
    from analysis.checks import forensic_checks
    from analysis.spec.model import load_study, study_files

    if text is not None:
        if all_studies or study_id is not None or reconstruction:
            raise InputError("check", "--text", "checks a text alone; give no study id, --all or --reconstruction")
        from analysis.cli_text import check_text_file

        return check_text_file(text, as_json)
    if all_studies == (study_id is not None):
        raise InputError("check", "STUDY_ID", "give one study id, or --all")
    specs = [f.spec for f in study_files().values()] if all_studies else [load_study(study_id)]
    checks = [c for spec in specs for c in forensic_checks(spec)]
    bad = [c for c in checks if c.verdict in ("inconsistent", "decision-inconsistent")]
    rebuilt = _reconstruction_checks(specs) if reconstruction else []
    missed = [row for row in rebuilt if row["status"] == "not reproduced"]
    if as_json:
        _print_json([c.to_dict() for c in checks] + rebuilt)
    else:
        for c in checks:
            note = f" ({c.note})" if c.note else ""
            say(f"{c.study_id:<4} {c.check:<18} {c.what}: published {c.published}; recomputed {c.recomputed} "
                f"-> {c.verdict}{note}")
        for row in rebuilt:
            say(f"{row['study_id']:<4} {'reconstruction':<18} {row['what']}: published {row['published']}; "
                f"reconstructed {row['recomputed']} -> {row['status']}")
        unchecked = sum(c.verdict == "not checkable" for c in checks)
        typer.echo(f"{len(checks)} checks: {len(bad)} inconsistent, {unchecked} not checkable, "
                   f"{len(checks) - len(bad) - unchecked} consistent")
        if reconstruction:
            typer.echo(f"{len(rebuilt)} figures of the reconstructions: {len(missed)} not reproduced")
    if bad or missed:
        raise typer.Exit(1)


def _reconstruction_checks(specs) -> list[dict]:
    """Each published figure of each spec's reconstruction (built at the spec's seed), as ``check --json`` rows."""
    from analysis.checks import reproduction_checks
    from analysis.generate import build_dataset

    rows = []
    for spec in specs:
        if not spec.builds_dataset:
            continue
        for c in reproduction_checks(spec, build_dataset(spec).frame):
            rows.append({"study_id": spec.id, "check": "reconstruction", "what": c.figure, "published": c.published,
                         "recomputed": c.reconstructed, "status": "reproduced" if c.ok else "not reproduced",
                         "source": c.source})
    return rows


app.command("power")(power_cmd)
app.command("validate")(validate_cmd)
claims_app.command("sof")(claims_sof)
studies_app.command("draft")(studies_draft)
studies_app.command("export")(studies_export)


@app.command("notebooks")
def notebooks_cmd(
    out: Annotated[Path, typer.Option(help="Folder for the executed notebooks and their HTML.")] = Path("build/notebooks"),
    name: Annotated[Optional[list[str]],
                    typer.Option(help="Only these notebooks (repeatable), e.g. 02-hamstring-length-pain.")] = None,
) -> None:
    """Run the analyst notebooks headless and export each to offline HTML with the code hidden."""
    from analysis.notebooks import build_notebooks

    for path in build_notebooks(out, name or None):
        say(f"wrote {path}")


@app.command()
def report(
    out: Annotated[Path, typer.Option(help="Folder to write the HTML reports to.")] = Path("reports"),
    claim: Annotated[Optional[list[str]], typer.Option(help="Only these claims (repeatable).")] = None,
    progress: Annotated[bool, typer.Option("--progress", help="Show a progress bar.")] = False,
    jobs: JobsOption = 1,
    scheduler: SchedulerOption = None,
) -> None:
    """Regenerate the HTML reports: an index and one page per claim.

    Results and pages are cached by content (the code, package versions, specs and claims): when nothing changed,
    the pages come from the cache, byte for byte what a full run writes. The cache lives in
    $HAMSTRING_EVIDENCE_CACHE (default ~/.cache/hamstring-evidence); HAMSTRING_EVIDENCE_CACHE=off turns it off.
    It must be private: a folder another user owns or others can write is refused; a damaged entry is recomputed.
    """
    from analysis.core.defaults import DEFAULT_ENSEMBLE_DRAWS
    from analysis.report.output import cached_pages, pages_key, publish

    if not claim:
        hit = cached_pages(pages_key(DEFAULT_ENSEMBLE_DRAWS))
        if hit is not None:
            publish(out, hit)
            say(f"reports written: {out / 'index.html'} (nothing changed: pages from the cache)")
            return
    from analysis.report.build import build_reports

    index = build_reports(out, claim_ids=claim or None, show_progress=progress, jobs=jobs, scheduler=scheduler)
    say(f"reports written: {index}")


def _is_usage_error(exc: BaseException) -> bool:
    """Typer vendors its own Click; recognise its exceptions by their public protocol, not their module."""
    return hasattr(exc, "format_message") and hasattr(exc, "exit_code")


def _internal_error_line(exc: BaseException) -> str:
    """The one line an exception that is not a project error (a bug) is shown as.

    Examples
    --------
    >>> _internal_error_line(KeyError("ake_tightness"))
    "hamstring-evidence: internal error: KeyError: 'ake_tightness' (rerun with --debug for the traceback)"
    """
    return (f"hamstring-evidence: internal error: {type(exc).__name__}: {_one_line(str(exc))} "
            f"(rerun with --debug for the traceback)")


def main(argv: list[str] | None = None) -> None:
    """Entry point: a project error is one line on stderr and exit 2, any other exception (a bug) one "internal
    error" line and exit 1; with ``--debug`` the traceback is printed before that line."""
    _DEBUG["on"] = False
    try:
        code = app(args=argv, prog_name="hamstring-evidence", standalone_mode=False)
        if isinstance(code, int) and code:  # a command's own exit status (Click returns it without standalone mode)
            sys.exit(code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("hamstring-evidence: error: aborted", err=True)
        sys.exit(2)
    except HamstringEvidenceError as exc:
        if _DEBUG["on"]:
            traceback.print_exc()
        typer.echo(f"hamstring-evidence: error: {_one_line(str(exc))}", err=True)
        sys.exit(2)
    except Exception as exc:  # noqa: BLE001 - a bug: one line (the traceback with --debug), exit 1
        if type(exc).__name__ == "NoArgsIsHelpError":
            typer.echo(exc.format_message())
            sys.exit(0)
        if _is_usage_error(exc):
            typer.echo(f"hamstring-evidence: error: {_one_line(exc.format_message())}", err=True)
            sys.exit(2)
        if _DEBUG["on"]:
            traceback.print_exc()
        typer.echo(_internal_error_line(exc), err=True)
        sys.exit(1)
    sys.exit(0)
