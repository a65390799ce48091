"""Render the HTML reports: an index and one self-contained page per claim.

Pages are rendered into a staging folder beside the output and swapped into
place only when every page has rendered, so a failed run leaves the previous
reports intact. Nothing time- or run-dependent enters a page, so the same
inputs give byte-identical files.

Examples
--------
>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "reports"
>>> build_reports(out, ensemble_draws=5).name
'index.html'
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import tempfile
from importlib.metadata import version
from pathlib import Path

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from rich.progress import Progress

from . import figures
from .claims import load_claims
from .engine import DEFAULT_ENSEMBLE_DRAWS, ClaimResult, EvidenceResult, run_claim
from .errors import InputError
from .limits import design_limits
from .verdicts import VERDICT_RULE

PACKAGES = ["hamstring-evidence", "numpy", "pandas", "scipy", "statsmodels", "pingouin", "matplotlib", "seaborn",
            "jinja2", "pydantic"]
SAFE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def _env() -> Environment:
    env = Environment(loader=PackageLoader("analysis", "templates"), autoescape=select_autoescape(["j2", "html"]),
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["num"] = lambda v, d=2: "NA" if v is None else f"{v:.{d}f}"
    return env


def versions() -> dict[str, str]:
    """Versions of Python and the packages that shape a report's numbers and figures."""
    out = {"python": platform.python_version()}
    out.update({name: version(name) for name in PACKAGES})
    return out


def _figures_for(r: EvidenceResult) -> list[dict]:
    ev, spec = r.evidence, r.study.spec
    figs = []
    synthetic = "" if r.source.startswith("user") else " Synthetic data shaped like the study."
    if ev.analysis == "correlation":
        frame = r.frame[r.frame["group"] == ev.group] if "group" in r.frame.columns and ev.group else r.frame
        figs.append({"svg": figures.scatter_with_fit(frame, ev.x, ev.y, spec.variables[ev.x].label,
                                                     spec.variables[ev.y].label),
                     "caption": f"{spec.variables[ev.y].label} against {spec.variables[ev.x].label}, with the "
                                f"OLS line and its 95% confidence band.{synthetic}"})
    else:
        labels = {g: spec.groups[g].label for g in ev.groups}
        figs.append({"svg": figures.group_distributions(r.frame, ev.variable, list(ev.groups), labels,
                                                        spec.variables[ev.variable].label),
                     "caption": f"{spec.variables[ev.variable].label} by group: points, quartile box and mean."
                                f"{synthetic}"})
    if len(r.ensemble):
        figs.append({"svg": figures.ensemble_plot(r.ensemble, ev.effect_scale, ev.sesoi, ev.sign),
                     "caption": f"The primary estimate ({ev.effect_scale}) and its 95% CI in each of "
                                f"{len(r.ensemble)} datasets drawn across the assumptions' admissible ranges, "
                                f"coloured by the verdict each gives. Dashed line: the smallest effect of interest."})
    for fig in figs:
        fig["svg"] = Markup(fig["svg"])
    return figs


def _forest_rows(results: list[ClaimResult]) -> pd.DataFrame:
    rows = [{"label": f"{r.evidence.id} ({r.study.spec.id})", "scale": r.evidence.effect_scale,
             "estimate": r.primary.estimate, "ci_low": r.primary.ci_low, "ci_high": r.primary.ci_high,
             "category": r.verdict.category} for cr in results for r in cr.results]
    return pd.DataFrame(rows)


def _page_context(cr: ClaimResult) -> dict:
    evidence = []
    for r in cr.results:
        evidence.append({"result": r, "spec": r.study.spec, "study": r.study, "figures": _figures_for(r),
                         "assumptions": r.dataset.assumptions if r.dataset else [],
                         "notes": (r.dataset.notes if r.dataset else []) + list(r.study.spec.notes),
                         "limits": design_limits(r.study.spec.design)})
    return {"cr": cr, "claim": cr.claim, "evidence": evidence, "rule": VERDICT_RULE,
            "command": f"hamstring-evidence report --claim {cr.claim.id}"}


def _stage_dir(out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
    stage.chmod(0o755)  # mkdtemp makes it private; reports are for reading
    if out.is_dir():
        shutil.copytree(out, stage, dirs_exist_ok=True)
    return stage


def _swap_into_place(stage: Path, out: Path) -> None:
    old = out.parent / f".{out.name}.old"
    if old.exists():
        shutil.rmtree(old)
    if out.exists():
        os.replace(out, old)
    os.replace(stage, out)
    if old.exists():
        shutil.rmtree(old)


def build_reports(out: str | Path = "reports", claim_ids: list[str] | None = None,
                  ensemble_draws: int = DEFAULT_ENSEMBLE_DRAWS, show_progress: bool = False) -> Path:
    """Render the index and claim pages into ``out``; return the index path.

    Parameters
    ----------
    out : path
        Output folder; replaced as a whole only after every page rendered.
    claim_ids : list of str, optional
        Only (re)write these claims' pages; the index always lists every claim.
    ensemble_draws : int
        Assumption draws per study that rests on assumptions.
    show_progress : bool
        Show a rich progress bar.
    """
    out = Path(out)
    claims = load_claims()
    for cid in claim_ids or []:
        if cid not in claims:
            raise InputError("claim", "--claim", f"unknown claim {cid!r}; known: {', '.join(claims)}")
    for cid in claims:
        if not SAFE_NAME.match(cid):
            raise InputError("claim", "id", f"{cid!r} cannot name a report file (use lowercase letters, digits, '-')")
    env = _env()
    results: list[ClaimResult] = []
    stage = _stage_dir(out)
    try:
        with Progress(disable=not show_progress, transient=False) as progress:
            task = progress.add_task("claims", total=len(claims) + 1)
            for claim in claims.values():
                progress.update(task, description=f"claim {claim.id}")
                cr = run_claim(claim, ensemble_draws=ensemble_draws)
                results.append(cr)
                if claim_ids is None or claim.id in claim_ids:
                    page = env.get_template("claim.html.j2").render(**_page_context(cr), versions=versions())
                    (stage / f"{claim.id}.html").write_text(page, encoding="utf-8")
                progress.advance(task)
            progress.update(task, description="index")
            rows = _forest_rows(results)
            summary = Markup(figures.forest(rows)) if len(rows) else None
            index = env.get_template("index.html.j2").render(results=results, summary=summary, rule=VERDICT_RULE,
                                                             versions=versions())
            (stage / "index.html").write_text(index, encoding="utf-8")
            progress.advance(task)
        _swap_into_place(stage, out)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return out / "index.html"
