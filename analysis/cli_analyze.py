"""The ``analyze`` command: one claim's verdict, answered from the content cache when nothing it reads changed.

A warm answer (issue #33) is keyed by everything the printed answer depends on: the code, every claim and spec file
of the data folder (as ``claims list`` keys its table), the claim id, the ensemble size and, on a user's data, the
data file's path and sha256, the mapping file's bytes and the ``--column``/``--level``/``--exclude`` options as
typed. The cached entry is the answer itself (the ``--json`` object and the text lines), not the claim's result, so
a warm call loads neither the analysis stack nor the user's data; it is signed like every entry of
:mod:`analysis.core.cache`. On a study-shaped run the cold path goes through the same claim-result cache as
``report`` and ``claims list``, so an ``analyze`` after a ``report`` is warm too. A cold run on a terminal shows a
progress bar on stderr, one step per evidence entry.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from analysis.cli_options import JsonFlag, _print_json, say, terminal_progress
from analysis.core.errors import InputError

KIND = "analyze-answer"


def answer_key(claim_id: str, data: Path | None, mapping_file: Path | None, options: tuple) -> str | None:
    """The cache key of one ``analyze`` answer, or None when a file it names cannot be read (the cold run then says
    why, as an input error)."""
    from analysis.core import cache
    from analysis.core.defaults import DEFAULT_ENSEMBLE_DRAWS
    from analysis.core.files import file_sha256
    from analysis.core.paths import data_dir

    parts: list = ["analyze", claim_id, DEFAULT_ENSEMBLE_DRAWS, options]
    for role, path in (("data", data), ("map", mapping_file)):
        if path is None:
            continue
        if not path.is_file():
            return None
        try:
            parts += [role, str(path), file_sha256(path)]
        except OSError:
            return None
    return cache.registry_digest(data_dir(), *parts)


def answer(result) -> dict:
    """What ``analyze`` prints of a claim result: the ``--json`` object and the text lines."""
    from analysis.claims.display import summary_lines

    return {"json": result.to_json_dict(), "text": summary_lines(result)}


def _cold(claim_id: str, data: Path | None, mapping_file: Path | None, column: list[str], level: list[str],
          exclude: list[str]) -> dict:
    """Run the claim (through the claim-result cache on study-shaped data) and return its answer."""
    from analysis.claims.model import load_claim
    from analysis.datasets.mapping import Mapping

    mapping = Mapping.from_options(column, level, exclude, file=mapping_file)
    claim = load_claim(claim_id)
    if data is not None:
        from analysis.claims.engine import run_claim

        return answer(run_claim(claim, data=data, mapping=mapping))
    from analysis.claims.cached import cached_run_claim

    with terminal_progress(f"{claim.id}: evidence entries", len(claim.evidence)) as step:
        result, _ = cached_run_claim(claim, on_entry=step)
    return answer(result)


def analyze(
    claim_id: str,
    data: Annotated[Optional[Path],
                    typer.Option(help="Your own data (CSV, Excel or Parquet) instead of study-shaped data.")] = None,
    mapping_file: Annotated[Optional[Path], typer.Option("--map", help="A YAML file mapping your columns and labels "
                                                                       "(columns:, levels:, exclude:).")] = None,
    column: Annotated[Optional[list[str]], typer.Option(help="OURS=YOURS: your column for one the claim reads, e.g. "
                                                             "ake_tightness=knee_angle (repeatable).")] = None,
    level: Annotated[Optional[list[str]], typer.Option(help="COLUMN:YOURS=OURS: your label for one of ours, e.g. "
                                                            "group:Healthy=healthy (repeatable).")] = None,
    exclude: Annotated[Optional[list[str]], typer.Option(help="COLUMN:LABEL: leave rows with this label out on "
                                                              "purpose; they are counted (repeatable).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Run a claim's analyses and print its verdict (on your own data with --data; rows left out are counted).

    Answers are cached by content (the code, the claims and specs, your data file's bytes and the mapping): asked
    again with nothing changed, the answer comes from the cache, the same as a cold run prints. See --help of
    report for where the cache lives and how to turn it off."""
    from analysis.core import cache

    column, level, exclude = column or [], level or [], exclude or []
    if data is None and (mapping_file or column or level or exclude):
        raise InputError("analyze", "--map/--column/--level/--exclude", "map your own data: give --data too")
    key = answer_key(claim_id, data, mapping_file, (tuple(column), tuple(level), tuple(exclude)))
    hit = cache.read(KIND, key) if key is not None else None
    if hit is not None:
        try:
            shown = json.loads(hit)
            if not (isinstance(shown, dict) and isinstance(shown.get("text"), list) and "json" in shown):
                raise ValueError("not an analyze answer")
        except ValueError:  # signed by this user's key but unreadable: recomputed below
            cache.discard(KIND, key, "signed but not an analyze answer")
            hit = None
    if hit is None:
        shown = _cold(claim_id, data, mapping_file, column, level, exclude)
        if key is not None:
            cache.write(KIND, key, json.dumps(shown).encode())
    if as_json:
        _print_json(shown["json"])
        return
    say(*shown["text"])
