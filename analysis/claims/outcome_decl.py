"""A claim's outcome declarations (issue #29): the rows of its summary-of-findings table, as the claim file writes
them. Kept apart from the summaries (:mod:`analysis.claims.outcomes`) so the claim model imports only this.

>>> OutcomeDecl(id="pain", question="intervention effect", population="adults with chronic LBP",
...             exposure="Stretching", comparator="no exercise", outcome="pain", scale="SMD",
...             direction="higher = more pain", time_frame="6 weeks", smallest_important=0.2).question_enum.value
'intervention effect'
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from analysis.claims.grade import Question

__all__ = ["OutcomeDecl"]


class OutcomeDecl(BaseModel):
    """One outcome of a claim (a summary-of-findings row), as the claim file declares it.

    ``smallest_important`` and ``thresholds`` (small, moderate, large) are on the analysis scale as the claim file
    writes it: a ratio above 1 for ratio scales (judged as its log), an SMD or r otherwise. ``baseline_risk`` (per
    1,000, with its source) lets the table print absolute effects for a ratio.

    An outcome measured as a proportion (a prevalence, a share with a good result) declares the ``threshold`` its
    claim names instead of ``smallest_important`` (0.5 for "more than half"): GRADE's imprecision and the reading
    compare the proportion's interval with it, on the side the entries' ``direction`` gives; every entry of the
    outcome names the same threshold.

    >>> OutcomeDecl(id="p", question="prevalence", population="adults", exposure="The pattern", comparator="none",
    ...             outcome="the pattern", scale="proportion", direction="higher = more", time_frame="now",
    ...             threshold=0.33).smallest_important
    0.33
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    question: Literal["intervention effect", "prognostic factor", "association", "diagnostic accuracy", "prevalence"]
    population: str
    exposure: str
    comparator: str
    outcome: str
    scale: str
    direction: str
    time_frame: str
    critical: bool = True
    smallest_important: float | None = None
    #: For a proportion: the value the claim names (see above); it takes the place of ``smallest_important``.
    threshold: float | None = None
    thresholds: tuple[float, float, float] | None = None
    baseline_risk: float | None = None
    baseline_source: str | None = None
    dose_response: str | None = None
    #: The evidence ids of this outcome, as an alternative to ``outcome_id:`` on each entry (keeps a claim file's
    #: change in one block at its end).
    evidence: list[str] = []

    @model_validator(mode="after")
    def _sizes(self) -> "OutcomeDecl":
        if (self.threshold is None) == (self.smallest_important is None):
            raise ValueError("give smallest_important, or threshold for an outcome measured as a proportion (one of "
                             "the two)")
        if self.threshold is not None:
            if not 0 < self.threshold < 1:
                raise ValueError(f"threshold must be a proportion between 0 and 1, got {self.threshold}")
            object.__setattr__(self, "smallest_important", self.threshold)
        if not math.isfinite(self.smallest_important) or self.smallest_important <= 0:
            raise ValueError(f"smallest_important must be a positive number, got {self.smallest_important}")
        if self.thresholds is not None and not self.thresholds[0] < self.thresholds[1] < self.thresholds[2]:
            raise ValueError(f"thresholds must rise (small < moderate < large), got {list(self.thresholds)}")
        if self.baseline_risk is not None and not (0 < self.baseline_risk < 1000 and self.baseline_source):
            raise ValueError("baseline_risk is per 1,000 (between 0 and 1000) and needs a baseline_source")
        return self

    @property
    def question_enum(self) -> Question:
        return Question(self.question)
