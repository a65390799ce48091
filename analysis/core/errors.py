"""Errors a user can act on: one line naming the file, the field and the problem."""

from __future__ import annotations

from pathlib import Path


class InputError(ValueError):
    """Bad input from a user or a spec file.

    Parameters
    ----------
    source : str or Path
        The file (or other input) the problem was found in.
    field : str
        The field, column or option that is wrong.
    problem : str
        What is wrong with it, in one sentence without a trailing period.

    Examples
    --------
    >>> err = InputError("data/studies/S9.yaml", "groups.lbp.n", "must be a positive integer, got -3")
    >>> str(err)
    'data/studies/S9.yaml: groups.lbp.n: must be a positive integer, got -3'
    """

    def __init__(self, source: str | Path, field: str, problem: str):
        self.source = str(source)
        self.field = field
        self.problem = " ".join(str(problem).split())
        super().__init__(f"{self.source}: {self.field}: {self.problem}")


class AnalysisError(ValueError):
    """Data that a statistical method cannot be applied to (too few rows, constant column, ...)."""


class ReconstructionError(ValueError):
    """No dataset can reproduce a spec's published figures with the values given (e.g. an assumption draw under
    which no cohort matches a reported significance statement). An ensemble counts and reports such draws; any
    other exception during a draw is a bug and surfaces."""
