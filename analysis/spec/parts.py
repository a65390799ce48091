"""The building blocks of a study spec: numbers with provenance, and each kind of published figure.

Every number is either *reported* (``value`` + ``source``) or *assumed* (``assume`` + ``range`` +
``reason``): see :class:`Quantity`. The figure kinds are:

| kind | model | dataset it shapes |
|---|---|---|
| group sizes | :class:`Group` | rows per group |
| means and SDs (or medians and IQRs) | :class:`Summary` | continuous columns (exact moments) or integer ones (SPRITE) |
| correlations, or only their sign / significance / exact p | :class:`Correlation` | the correlation matrix |
| counts of a category per group | :class:`Categorical` | a categorical column with exact counts |
| contingency tables | :class:`Table` | individual rows whose cross-tabulation is the table |
| a cohort with exact event counts and (assumed) effects | :class:`Cohort` | one row per athlete or player-match |
| rates with exposure | :class:`Rates` | one row per unit (club-season) with events and exposure |
| effect estimates with CIs | :class:`Effect` | none: inputs to meta-analysis and forensics |
| percentages with their counts | :class:`Proportion` | none: checked by the forensics |
| test statistics to reproduce | :class:`ReportedTest` | checked on the dataset |
| significance of a cohort predictor (no OR published) | :class:`ReportedAssociation` | cohorts redrawn until it holds |

>>> Quantity(value=31.63, source="abstract").precision
2
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from analysis.core.numbers import decimals_of
from analysis.spec.constraints import p_value_range, significance_range

Source = Literal["table", "abstract", "secondary", "checked"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Quantity(Strict):
    """A number that is either reported by the paper or assumed by the spec.

    Reported: ``value`` and ``source`` (``decimals`` = the published precision,
    inferred from the value when omitted). Assumed: ``assume``, ``range``
    ``[low, high]`` containing it, and ``reason``.
    """

    value: float | None = None
    source: Source | None = None
    decimals: int | None = Field(default=None, ge=0, le=6)
    assume: float | None = None
    range: tuple[float, float] | None = None
    reason: str | None = None

    @model_validator(mode="after")
    def _reported_xor_assumed(self) -> "Quantity":
        if (self.value is None) == (self.assume is None):
            raise ValueError("give either 'value' (a reported figure) or 'assume' (an assumption), not both or neither")
        if self.value is not None:
            if self.source is None:
                raise ValueError("a reported value needs 'source' (table, abstract, secondary or checked)")
            if self.range is not None or self.reason is not None:
                raise ValueError("'range' and 'reason' belong to assumptions; a reported value has 'source'")
            if not math.isfinite(self.value):
                raise ValueError(f"value must be a finite number, got {self.value}")
        else:
            if not self.reason:
                raise ValueError("an assumption needs a 'reason'")
            if self.range is not None:
                low, high = self.range
                if not low <= self.assume <= high:
                    raise ValueError(f"assumed value {self.assume} lies outside its range [{low}, {high}]")
        return self

    @property
    def is_assumption(self) -> bool:
        """True when the paper does not report this number."""
        return self.value is None

    @property
    def point(self) -> float:
        """The reported value, or the assumed one."""
        return self.value if self.value is not None else self.assume

    @property
    def precision(self) -> int:
        """Published decimals of a reported value."""
        return self.decimals if self.decimals is not None else decimals_of(self.value)


class Citation(Strict):
    authors: str
    year: int
    journal: str
    volume: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    pmc: str | None = None


class Group(Strict):
    label: str
    n: Quantity

    @model_validator(mode="after")
    def _n_is_count(self) -> "Group":
        n = self.n.point
        if n != int(n) or n < 2:
            raise ValueError(f"n must be a whole number of at least 2, got {n}")
        return self


class Variable(Strict):
    label: str
    unit: str
    bounds: tuple[float, float] | None = None
    integer: bool = False
    step: float | None = None
    meaning: str | None = None

    @model_validator(mode="after")
    def _bounds_ordered(self) -> "Variable":
        if self.bounds is not None and not self.bounds[0] < self.bounds[1]:
            raise ValueError(f"bounds must be [low, high] with low < high, got {list(self.bounds)}")
        return self


class Summary(Strict):
    """Mean and SD of a variable in a group (a median and IQR may be given instead, converted by assumption)."""

    group: str
    variable: str
    mean: Quantity | None = None
    sd: Quantity | None = None
    median: Quantity | None = None
    iqr: tuple[float, float] | None = None

    @model_validator(mode="after")
    def _moments(self) -> "Summary":
        if (self.mean is None) != (self.sd is None):
            raise ValueError("give both 'mean' and 'sd'")
        if self.mean is None and (self.median is None or self.iqr is None):
            raise ValueError("give 'mean' and 'sd', or 'median' and 'iqr'")
        if self.sd is not None and self.sd.point <= 0:
            raise ValueError(f"sd must be positive, got {self.sd.point}")
        return self

    @property
    def target_mean(self) -> float:
        """The mean the generator aims at (from the median and IQR by Wan et al. 2014 when no mean is given)."""
        if self.mean is not None:
            return self.mean.point
        return (self.iqr[0] + self.median.point + self.iqr[1]) / 3

    @property
    def target_sd(self) -> float:
        """The SD the generator aims at (IQR / 1.35 when no SD is given)."""
        if self.sd is not None:
            return self.sd.point
        return (self.iqr[1] - self.iqr[0]) / 1.35


class Correlation(Strict):
    """A correlation between two variables within one group.

    ``r`` is reported or assumed. When the paper gives only a sign and
    significance (``significant``), or an exact p value (``p``, read at its
    published precision), the admissible range of an assumed ``r`` is derived.
    """

    group: str
    x: str
    y: str
    r: Quantity
    sign: Literal["positive", "negative"] | None = None
    significant: bool | None = None
    p: float | None = Field(default=None, gt=0, le=1)
    p_decimals: int | None = None
    alpha: float = 0.05
    source: Source | None = None
    sign_assumed: bool = False

    def admissible_range(self, n: int) -> tuple[float, float]:
        """The range ``r`` may take: the paper's constraint intersected with the spec's range."""
        low, high = self.r.range if self.r.range is not None else (-0.95, 0.95)
        if self.significant is not None:
            c_low, c_high = significance_range(n, self.sign, self.significant, self.alpha)
            low, high = max(low, c_low), min(high, c_high)
        if self.p is not None:
            r_low, r_high = p_value_range(n, self.p, self.p_decimals, self.sign)
            low, high = max(low, r_low), min(high, r_high)
        return low, high


class Categorical(Strict):
    """How many members of a group fall in each level of a categorical variable."""

    group: str
    variable: str
    counts: dict[str, Quantity]


class Table(Strict):
    """A contingency table of individuals: ``counts[i][j]`` = rows with ``row_levels[i]`` and ``col_levels[j]``.

    Tables of one spec that share a variable describe the same people: their margins
    on it must agree, and the generator fills the other variable within each level.
    """

    id: str
    row: str
    col: str
    row_levels: list[str]
    col_levels: list[str]
    counts: list[list[int]]
    source: Source

    @model_validator(mode="after")
    def _shape(self) -> "Table":
        if len(self.counts) != len(self.row_levels) or any(len(r) != len(self.col_levels) for r in self.counts):
            raise ValueError(f"counts must be {len(self.row_levels)} x {len(self.col_levels)}")
        if any(c < 0 for r in self.counts for c in r):
            raise ValueError("counts must be >= 0")
        return self

    @property
    def total(self) -> int:
        return sum(sum(r) for r in self.counts)


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
        if not self.significant:
            return p >= self.alpha
        return p < self.alpha and (log_or > 0) == (self.direction == "positive")


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


class Cohort(Strict):
    """An individual-level cohort (athletes, or player-matches) of the study's single group."""

    group: str
    unit: str = "athlete"
    covariates: dict[str, CohortCovariate]
    outcomes: list[CohortOutcome]
    centre: dict[str, float] = {}


class Rates(Strict):
    """Events over exposure in repeated units (e.g. hamstring strains per club-season of 40 players)."""

    unit: str
    units: Quantity
    exposure_per_unit: Quantity
    exposure_unit: str
    events_per_unit: Quantity
    event: str


class Effect(Strict):
    """A published effect estimate (OR, RR, HR, SMD, ...) with its CI and p where reported."""

    id: str
    measure: Literal["OR", "RR", "HR", "SMD", "MD", "r", "R2", "proportion"]
    outcome: str
    comparison: str
    estimate: Quantity
    ci: tuple[float, float] | None = None
    ci_level: float = 0.95
    p: float | None = None
    p_relation: Literal["=", "<", ">"] = "="
    n: int | None = None
    adjusted: bool = False
    unit: str | None = None
    note: str | None = None


class Proportion(Strict):
    """A published percentage with the counts it should come from (``count`` of ``of``)."""

    what: str
    count: int = Field(ge=0)
    of: int = Field(gt=0)
    percent: float
    decimals: int | None = None
    source: Source

    @model_validator(mode="after")
    def _count_within(self) -> "Proportion":
        if self.count > self.of:
            raise ValueError(f"count {self.count} exceeds its denominator {self.of}")
        return self


class ReportedTest(Strict):
    """A test statistic the paper reports and the dataset must reproduce."""

    kind: Literal["mann_whitney_u", "chi_square", "fisher_p", "risk_ratio"]
    value: float
    decimals: int | None = None
    source: Source
    variable: str | None = None
    groups: tuple[str, str] | None = None
    table: str | None = None
    correction: bool = False
    ci: tuple[float, float] | None = None
    p: float | None = None
    p_decimals: int | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _targets(self) -> "ReportedTest":
        if self.kind == "mann_whitney_u" and (self.variable is None or self.groups is None):
            raise ValueError("a Mann-Whitney U needs 'variable' and 'groups'")
        if self.kind != "mann_whitney_u" and self.table is None:
            raise ValueError(f"a {self.kind} needs the 'table' it was computed from")
        return self
