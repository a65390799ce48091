"""Names that reach a model formula: plain identifiers only, so that no formula built from them can run code.

statsmodels' formula layer (formulaic, as patsy before it) evaluates each term of a formula as Python: a column named
``__import__('os').system('...')`` in a claim or study file would run that command while the formula is parsed.
Every name the toolkit pastes into a formula (a study's variables, a claim's columns) is therefore checked twice:
when the file is loaded (so the error names the file and field) and where the formula is built (so a name that
reaches a formula another way, e.g. from Python, is refused too). A plain identifier is only ever looked up as a
column; it cannot call anything.

Examples
--------
>>> is_formula_name("ake_tightness"), is_formula_name("2x"), is_formula_name("__import__('os').system('x')")
(True, False, False)
>>> formula_names(["age", "lambda"], "logistic model")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
analysis.core.errors.InputError: logistic model: column name: 'lambda' is a Python keyword, not a column name...
"""

from __future__ import annotations

import keyword
import re
from typing import Iterable

from analysis.core.errors import InputError

__all__ = ["is_formula_name", "formula_name_problem", "formula_names"]

#: ASCII letters, digits and underscores, not starting with a digit, at most 64 characters.
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")


def formula_name_problem(name: object) -> str | None:
    """Why ``name`` cannot be pasted into a model formula (one sentence), or None when it can."""
    if not isinstance(name, str):
        return f"must be a text name, got {type(name).__name__}"
    if not _IDENTIFIER.fullmatch(name):
        shown = name if len(name) <= 60 else name[:57] + "..."
        return (f"{shown!r} is not a usable column name: letters, digits and underscores only, not starting with a "
                f"digit, at most 64 characters (names are pasted into model formulas, which would evaluate anything "
                f"else as Python)")
    if keyword.iskeyword(name):
        return f"{name!r} is a Python keyword, not a column name usable in a model formula"
    return None


def is_formula_name(name: object) -> bool:
    """True when ``name`` is a plain identifier that can stand in a model formula as a column."""
    return formula_name_problem(name) is None


def formula_names(names: Iterable[str], where: str) -> list[str]:
    """``names`` unchanged when every one is a plain identifier; otherwise an :class:`InputError` naming the first
    bad one (``where`` says which model or file it was for)."""
    names = list(names)
    for name in names:
        problem = formula_name_problem(name)
        if problem is not None:
            raise InputError(where, "column name", problem)
    return names
