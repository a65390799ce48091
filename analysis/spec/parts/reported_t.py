"""A t test between two groups (Student or Welch) the paper reports: t, its df if printed, and p."""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from analysis.spec.parts.reported import GroupTest


class ReportedT(GroupTest):
    """A two-sample t (first group minus second): Student's, or Welch's (``welch: true``); ``df`` as printed."""

    kind: Literal["t_test"]
    welch: bool = False
    df: float | None = None

    @model_validator(mode="after")
    def _df(self) -> "ReportedT":
        if self.df is not None and not self.df > 0:
            raise ValueError(f"df must be positive, got {self.df}")
        return self

    @property
    def label(self) -> str:
        return "Welch t test" if self.welch else "Student t test"

    def value_text(self) -> str:
        return f"t{f'({self.df:g})' if self.df is not None else ''} = {self.value:.{self.places}f}"
