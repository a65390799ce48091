"""Render the HTML reports: an index and one self-contained page per claim.

Pages are rendered in memory and put in place all at once by
:func:`analysis.report.output.publish`, so a failed run leaves the previous
reports intact. Nothing time- or run-dependent enters a page, so the same
inputs give byte-identical files; claim results and pages are cached by
content (:mod:`analysis.claims.cached`).

Examples
--------
>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "reports"
>>> build_reports(out, ensemble_draws=5).name
'index.html'
"""

from __future__ import annotations

import math
import platform
import re
from functools import lru_cache
from importlib import import_module
from importlib.metadata import version
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from rich.progress import Progress

from analysis import figures
from analysis.claims.cached import cached_run_claim
from analysis.claims.engine import DEFAULT_ENSEMBLE_DRAWS
from analysis.claims.model import load_claims
from analysis.claims.results import ClaimResult
from analysis.claims.synthesis import SYNTHESIS_RULE
from analysis.claims.verdicts import VERDICT_RULE
from analysis.core import cache
from analysis.core.errors import InputError
from analysis.core.numbers import plain_number
from analysis.core.parallel import parallel_map
from analysis.core.results import format_p
from analysis.report.context import as_sentence, bottom_line, forest_rows, named, shows_reconstruction, strength
from analysis.report.glossary import ABBREVIATIONS, explain_terms
from analysis.report.output import check_output_folder, has_validation_page, pages_key, publish, store_pages
from analysis.report.sections import build_sections
from analysis.report.sof_text import effect_text
from analysis.report.validation import validation_page

PACKAGES = ["hamstring-evidence", "numpy", "pandas", "scipy", "statsmodels", "pingouin", "matplotlib", "seaborn",
            "jinja2", "pydantic"]
RULE = VERDICT_RULE + " " + SYNTHESIS_RULE
SAFE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(loader=PackageLoader("analysis.report", "templates"), autoescape=select_autoescape(["j2", "html"]),
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                      undefined=StrictUndefined)  # a name a template misspells is an error, not an empty string
    env.filters["exp_if"] = lambda v, ratio: math.exp(v) if ratio else v
    env.globals["effect_text"] = effect_text
    env.filters["num"] = lambda v, d=2: "NA" if v is None else f"{v:.{d}f}"
    env.filters["short"] = short_number
    env.filters["named"] = named
    env.filters["explain"] = explain_terms
    env.globals["abbreviations"] = ABBREVIATIONS
    env.filters["sentence"] = as_sentence
    env.filters["pval"] = lambda p: format_p(p).removeprefix("p ").removeprefix("= ")  # ".041", "< .001"
    env.filters["p_apa"] = format_p
    return env


def short_number(value: float | None, places: int = 4) -> str:
    """A number at most ``places`` decimals, without trailing zeros: 140, 0.2542, -0.7 (not 140.0000).

    >>> short_number(140.0), short_number(0.25420), short_number(-0.7), short_number(None)
    ('140', '0.2542', '-0.7', 'NA')
    """
    return "NA" if value is None else plain_number(value, places)


@lru_cache(maxsize=1)
def versions() -> dict[str, str]:
    """Versions of Python and the packages that shape a report's numbers and figures."""
    out = {"python": platform.python_version()}
    out.update({name: version(name) for name in PACKAGES})
    return out


def _page_context(cr: ClaimResult, has_validation_page: bool = True) -> dict:
    """What ``claim.html.j2`` shows besides ``versions``; ``has_validation_page``: whether ``validation.html`` is in
    the same output (a page links to it only then)."""
    return {"cr": cr, "claim": cr.claim, "page_sections": build_sections(cr), "rule": RULE,
            "bottom_line": bottom_line(cr), "synthetic": shows_reconstruction(cr),
            "command": f"hamstring-evidence report --claim {cr.claim.id}", "has_validation_page": has_validation_page}


def _run(args) -> tuple[ClaimResult, str, bytes | None]:
    """One claim's result and, when its page is wanted, the page: rendered where the claim ran, so that with
    ``--jobs`` the figures (about half of a cold run) are drawn in parallel too."""
    claim, draws, render, with_validation = args
    cr, key = cached_run_claim(claim, ensemble_draws=draws)
    return cr, key, (_claim_page(_env(), cr, key, versions(), with_validation) if render else None)


def _claim_page(env: Environment, cr: ClaimResult, key: str, package_versions: dict,
                has_validation_page: bool = True) -> bytes:
    """A claim page, from the cache when the same result (same key) was rendered by the same code, with or without
    the link to the validation page, before."""
    page_key = key if has_validation_page else cache.digest(key, "no validation page")
    cached = cache.read("claim-page", page_key)
    if cached is not None:
        return cached
    page = env.get_template("claim.html.j2").render(**_page_context(cr, has_validation_page),
                                                    versions=package_versions).encode("utf-8")
    cache.write("claim-page", page_key, page)
    return page


def build_reports(out: str | Path = "reports", claim_ids: list[str] | None = None,
                  ensemble_draws: int = DEFAULT_ENSEMBLE_DRAWS, show_progress: bool = False, jobs: int = 1,
                  scheduler: str | None = None) -> Path:
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
    jobs, scheduler
        Run the claims in parallel (see :func:`analysis.parallel.parallel_map`); pages are identical.
    """
    out = Path(out)
    claims = load_claims()
    for cid in claim_ids or []:
        if cid not in claims:
            raise InputError("claim", "--claim", f"unknown claim {cid!r}; known: {', '.join(claims)}")
    for cid in claims:
        if not SAFE_NAME.match(cid):
            raise InputError("claim", "id", f"{cid!r} cannot name a report file (use lowercase letters, digits, '-')")
    check_output_folder(out)
    cache.check()  # an unsafe cache folder is refused here, not in a worker
    bundle_key = pages_key(ensemble_draws)  # before reading the files: they may change during the run
    kept = {p.name for p in out.glob("*.html")} if claim_ids is not None and out.is_dir() else set()
    with_validation = has_validation_page() if claim_ids is None else "validation.html" in kept
    env = _env()
    package_versions = versions()
    pages: dict[str, bytes] = {}
    with Progress(disable=not show_progress, transient=False) as progress:
        task = progress.add_task("analyses and pages", total=len(claims) + 1)

        def ran(_) -> None:
            progress.advance(task)

        wanted = [claim_ids is None or c.id in claim_ids for c in claims.values()]
        if jobs != 1 and scheduler is None:
            import_module("analysis.stats.regression")  # statsmodels' formulas, once here, not once per forked worker
        runs = parallel_map(_run, [(c, ensemble_draws, w, with_validation) for c, w in zip(claims.values(), wanted)],
                            jobs=jobs, scheduler=scheduler, on_result=ran)
        results = [cr for cr, _, _ in runs]
        for claim, (_, _, page) in zip(claims.values(), runs):
            if page is not None:
                pages[f"{claim.id}.html"] = page
        progress.update(task, description="index")
        rows = forest_rows(results)
        summary = Markup(figures.forest(rows)) if len(rows) else None
        validation = validation_page(env, package_versions) if claim_ids is None else None
        if validation is not None:
            pages["validation.html"] = validation
        in_output = kept | set(pages)  # a page links only to pages in the same output
        index = env.get_template("index.html.j2").render(results=results, summary=summary, rule=RULE,
                                                         strength=strength, versions=package_versions,
                                                         validation="validation.html" in in_output,
                                                         claim_pages={c for c in claims if f"{c}.html" in in_output})
        pages["index.html"] = index.encode("utf-8")
        progress.advance(task)
    publish(out, pages, keep_existing=claim_ids is not None)
    if claim_ids is None:
        store_pages(bundle_key, pages)
    return out / "index.html"
