"""An individual-level cohort: covariates, outcomes with exact event counts, and what the paper says predicts them."""

from __future__ import annotations

import math
from typing import ClassVar, Iterator, Literal

from pydantic import Field, model_validator

from analysis.spec.parts.base import (
    Figure,
    Quantity,
    SlotKey,
    SlotQuantity,
    Source,
    Strict,
    display_row,
    known,
    printed_significance,
)


class CohortCovariate(Strict):
    """A covariate of a simulated cohort: normal (mean, sd, bounds) or binary (prevalence)."""

    kind: Literal["normal", "binary"]
    mean: Quantity | None = None
    sd: Quantity | None = None
    bounds: tuple[float, float] | None = None
    prevalence: Quantity | None = None
    label: str = ""

    @model_validator(mode="after")
    def _fields(self) -> "CohortCovariate":
        if self.kind == "normal" and (self.mean is None or self.sd is None):
            raise ValueError("a normal covariate needs 'mean' and 'sd'")
        if self.kind == "binary" and self.prevalence is None:
            raise ValueError("a binary covariate needs 'prevalence'")
        return self


class ReportedAssociation(Strict):
    """A predictor the paper reports as significantly associated with a cohort outcome, or as not.

    Papers often give only "X was an (independent) predictor, p < .05" without the odds ratio.
    A reconstruction whose own test disagrees with that statement is not shaped like the study,
    so the cohort generator redraws until every reported association holds (Wald z test of the
    covariate in a logistic model of the outcome; ``adjusted``: with every covariate that has an
    odds ratio on this outcome, as in "independent predictor"; otherwise the covariate alone).
    """

    covariate: str
    significant: bool
    direction: Literal["positive", "negative"] | None = None
    adjusted: bool = False
    alpha: float = Field(default=0.05, gt=0, lt=1)
    #: The exact p the paper printed for this association, if any (its decimals read from how it is written).
    p: float | None = Field(default=None, gt=0, le=1)
    p_decimals: int | None = None
    source: Source
    note: str | None = None

    @model_validator(mode="after")
    def _direction_when_significant(self) -> "ReportedAssociation":
        if self.significant and self.direction is None:
            raise ValueError(f"{self.covariate}: a significant association needs its 'direction' (positive/negative)")
        return self

    @property
    def published(self) -> str:
        """What the paper says, e.g. ``positive, p < 0.05`` or ``not significant (p >= 0.05)``."""
        return f"{self.direction}, p < {self.alpha:g}" if self.significant else f"not significant (p >= {self.alpha:g})"

    @property
    def model(self) -> str:
        return "adjusted" if self.adjusted else "unadjusted"

    def statement(self, outcome: str) -> str:
        """The published statement in words, e.g. ``age -> injury: positive, p < 0.05 (adjusted)``."""
        return f"{self.covariate} -> {outcome}: {self.published} ({self.model})"

    def holds(self, log_or: float, p: float) -> bool:
        """Does a reconstructed estimate (log OR and its p) agree with the published statement?"""
        if not (math.isfinite(log_or) and math.isfinite(p)):
            return False
        significant = printed_significance(p, "=", 15, self.alpha, equal_is_significant=False)
        return significant == self.significant and (not significant or (log_or > 0) == (self.direction == "positive"))


class CohortOutcome(Strict):
    """An event with an exact count; covariates shift who has it by (assumed) odds ratios.

    ``among`` restricts the outcome to rows where another outcome occurred (e.g. recurrence
    among strains); ``exclusive_with`` prevents two outcomes on one row (injury types of a
    player-match); ``time`` adds a time-to-event column for those with the event. ``reported``
    lists the associations the paper states (see :class:`ReportedAssociation`); each covariate
    named there must have an odds ratio on this outcome.
    """

    name: str
    events: Quantity
    odds_ratios: dict[str, Quantity] = {}
    reported: list[ReportedAssociation] = []
    among: str | None = None
    exclusive_with: list[str] = []
    time: dict[str, Quantity] | None = None
    label: str = ""


class Cohort(Figure):
    """An individual-level cohort (athletes, or player-matches) of the study's single group."""

    spec_field: ClassVar[str] = "cohort"
    group: str
    unit: str = "athlete"
    covariates: dict[str, CohortCovariate]
    outcomes: list[CohortOutcome]
    centre: dict[str, float] = {}

    @staticmethod
    def key(*path: str) -> SlotKey:
        """The slot key of a cohort parameter, e.g. ``key("age", "mean")`` or ``key("strain", "or", "age")``."""
        return SlotKey("cohort", path)

    def slots(self, spec) -> Iterator[SlotQuantity]:
        for name, cov in self.covariates.items():
            for field in ("mean", "sd", "prevalence"):
                yield SlotQuantity(self.key(name, field), f"{field} of {name}", getattr(cov, field))
        for o in self.outcomes:
            yield SlotQuantity(self.key(o.name, "events"), f"number of {o.name} events", o.events, whole=True)
            for cov, q in o.odds_ratios.items():
                yield SlotQuantity(self.key(o.name, "or", cov), f"odds ratio of {o.name} for {cov}", q)
            for field, q in (o.time or {}).items():
                yield SlotQuantity(self.key(o.name, "time", field), f"{field} of the time to {o.name}", q)

    def display_rows(self, spec) -> list[dict]:
        rows = []
        for name, cov in self.covariates.items():
            for stat in ("mean", "sd", "prevalence"):
                q = getattr(cov, stat)
                if q is not None and not q.is_assumption:
                    rows.append(display_row(f"{stat} of {name}", f"{q.value:g}", q.source))
        for o in self.outcomes:
            if not o.events.is_assumption:
                rows.append(display_row(f"number of {o.label or o.name} events", f"{o.events.value:.0f}",
                                        o.events.source))
            for cov, q in o.odds_ratios.items():
                if not q.is_assumption:
                    rows.append(display_row(f"odds ratio of {o.label or o.name} for {cov}",
                                            f"{q.value:.{q.precision}f}", q.source))
        return rows

    def cross_check(self, spec, where: str) -> None:
        known("group", self.group, f"{where}.group", spec.groups)
        names = set(self.covariates) | {o.name for o in self.outcomes}
        for o in self.outcomes:
            for cov in o.odds_ratios:
                known("cohort covariate or outcome", cov, f"{where}.outcomes[{o.name}].odds_ratios", names)
            for i, assoc in enumerate(o.reported):
                known("covariate with an odds ratio on this outcome", assoc.covariate,
                      f"{where}.outcomes[{o.name}].reported[{i}].covariate", set(o.odds_ratios))
            if o.among is not None:
                known("outcome", o.among, f"{where}.outcomes[{o.name}].among", names)


