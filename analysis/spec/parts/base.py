"""What every kind of published figure shares: numbers with provenance, typed assumption keys, and the interface.

Every number is either *reported* (``value`` + ``source``) or *assumed* (``assume`` + ``range`` +
``reason``): see :class:`Quantity`. Each kind of published figure is a :class:`Figure`: a small pydantic
model that declares

- :meth:`Figure.slots`: the numbers a generator reads from it, each under a typed :class:`SlotKey`;
- :meth:`Figure.display_rows`: what the paper printed, as rows for a page or ``studies show``;
- :meth:`Figure.cross_check`: consistency with the rest of the spec (raise ``ValueError``).

Its reproduction and forensic checks live one layer up, in ``analysis/checks/figures/`` (they need the
statistics and the generators), registered for the figure's class.

>>> Quantity(value=31.63, source="abstract").precision
2
>>> str(SlotKey("mean", ("lbp", "ake")))
'mean:lbp:ake'
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar, Iterator, Literal, Mapping, Protocol

from pydantic import BaseModel, ConfigDict, Field, model_validator

from analysis.core.numbers import decimals_of
from analysis.stats.granularity import rounds_to

Source = Literal["table", "abstract", "secondary", "checked"]
SlotFamily = Literal["n", "mean", "sd", "count", "r", "cohort", "rates"]


PRelation = Literal["=", "<", ">"]


def printed_p(p: float, relation: str, places: int) -> tuple[float, str]:
    """A printed p as the bound it states: "p = 0.00" (zero at ``places`` decimals) is p < 0.005.

    >>> printed_p(0.0, "=", 2), printed_p(0.03, "=", 2)
    ((0.005, '<'), (0.03, '='))
    """
    if relation == "=" and p == 0:
        return 0.5 * 10.0**-places, "<"
    return p, relation


def printed_significance(p: float, relation: str, places: int, alpha: float = 0.05,
                         equal_is_significant: bool = True) -> bool | None:
    """What a printed p says about significance at ``alpha``: True (significant), False (not), or None when the
    printed bound does not decide (p < 0.1 at alpha 0.05). The one rule every check of a printed p against a stated
    (non-)significance uses; p = alpha counts as significant unless ``equal_is_significant`` is False (statcheck's
    ``pEqualAlphaSig``).

    >>> printed_significance(0.03, "=", 2), printed_significance(0.1, "<", 1), printed_significance(0.05, ">", 2)
    (True, None, False)
    >>> printed_significance(0.0, "=", 2)  # "p = 0.00": p < 0.005
    True
    """
    p, relation = printed_p(p, relation, places)
    below = p <= alpha if equal_is_significant else p < alpha
    if relation == "=":
        return below
    if relation == "<":
        return True if p <= alpha else None
    return False if p >= alpha else None


def fits_printed_p(value: float, p: float, relation: str, places: int) -> bool:
    """Does a computed p (``value``) agree with a printed one: rounding to it at its printed ``places`` (exactly,
    :func:`~analysis.stats.granularity.rounds_to`), or on its printed side of a bound ("p < .001")?

    >>> fits_printed_p(0.0364, 0.04, "=", 2), fits_printed_p(0.0004, 0.00, "=", 2), fits_printed_p(0.002, 0.001, "<", 3)
    (True, True, False)
    """
    p, relation = printed_p(p, relation, places)
    if relation == "=":
        return math.isfinite(value) and rounds_to(value, p, places)
    return value < p if relation == "<" else value > p


def range_fits_printed_p(low: float, high: float, p: float, relation: str, places: int) -> bool:
    """Does some p in ``[low, high]`` (the p values the rounding of a printed statistic allows) agree with the printed
    p (:func:`fits_printed_p`: rounding to it exactly, or on its printed side)?

    >>> range_fits_printed_p(0.0035, 0.0045, 0.004, "=", 3), range_fits_printed_p(0.0035, 0.0044, 0.005, "=", 3)
    (True, False)
    """
    p, relation = printed_p(p, relation, places)
    if relation == "=":
        half = Fraction(1, 2 * 10**places)
        target = Fraction(str(round(p, places)))
        return Fraction(low) <= target + half and Fraction(high) >= target - half
    return low < p if relation == "<" else high > p


def _decimals_field(name: str, fields) -> str | None:
    """The field holding the printed decimals of field ``name``: ``<name>_decimals``; ``decimals`` for the one
    number of a quantity, reported test or percentage (``value``, ``percent``)."""
    if f"{name}_decimals" in fields:
        return f"{name}_decimals"
    return "decimals" if name in ("value", "percent") and "decimals" in fields else None


def _lost(v) -> bool:
    """A number printed with a trailing zero its float drops ("0.010" read as 0.01)."""
    return isinstance(v, float) and hasattr(v, "decimals") and v.decimals > decimals_of(float(v))


class Strict(BaseModel):
    """Every model of a spec: unknown fields refused; a number keeps the decimals it was printed with.

    A number written with a trailing zero ("2.10", "p: 0.010", a CI "[1.20, 3.40]") sets the model's own decimals
    field for it (``decimals``, ``p_decimals``, ``ci_decimals``) unless the spec gives one, so GRIM, GRIMMER and
    every rounding check see the published precision; "p = 0.00" is read as p < 0.005 where the model has a
    ``p_relation``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _keep_printed_decimals(cls, data):
        if not isinstance(data, dict):
            return data
        fields, out = cls.model_fields, None
        for name, v in data.items():
            target = _decimals_field(name, fields)
            if target is None or target in data:
                continue
            values = v if isinstance(v, (list, tuple)) else [v]
            if any(_lost(x) for x in values):
                out = dict(data) if out is None else out
                out[target] = max(x.decimals for x in values if hasattr(x, "decimals"))
        p = data.get("p")
        relation = data.get("p_relation", fields["p_relation"].default) if "p_relation" in fields else None
        if relation == "=" and isinstance(p, float) and p == 0:
            places = (out or data).get("p_decimals", getattr(p, "decimals", 2))
            out = dict(data) if out is None else out
            out["p"], out["p_relation"] = printed_p(0.0, "=", places)
            out["p_decimals"] = places + 1
        return data if out is None else out


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


@dataclass(frozen=True)
class SlotKey:
    """The typed name of one number a generator reads: a family and the path to it within the spec.

    Its text form (``mean:lbp:ake``) keys an ensemble draw's overrides and the assumption records of a
    dataset; code builds keys through the parts' methods, never by formatting strings.
    """

    family: SlotFamily
    path: tuple[str, ...]

    def __str__(self) -> str:
        return ":".join((self.family, *self.path))


@dataclass(frozen=True)
class SlotQuantity:
    """A number a generator reads (reported or assumed), its key and description; ``whole``: drawn as an integer."""

    key: SlotKey
    what: str
    quantity: Quantity | None
    whole: bool = False


def display_row(figure: str, value: str, where: str | None) -> dict:
    """One row of "what the paper published": figure, value, where it was read."""
    return {"figure": figure, "value": value, "where": where or "abstract"}


class SpecView(Protocol):
    """What a figure and the assumption slots read of the spec they belong to.

    :class:`~analysis.spec.model.StudySpec` is one; the parts and :mod:`analysis.spec.slots` name this protocol
    instead of importing the model, so the model (which imports them) and they form no cycle.
    """

    id: str
    groups: Mapping[str, Any]
    variables: Mapping[str, Any]
    default_correlation: Quantity | None

    def n(self, group: str) -> int: ...

    def figures(self) -> Iterator[tuple[str, "Figure"]]: ...

    def joint_variables(self, group: str) -> list[str]: ...

    def correlation(self, group: str, x: str, y: str) -> Any: ...


class Figure(Strict):
    """A kind of published figure (see the module docstring for its interface)."""

    #: The field of :class:`~analysis.spec.model.StudySpec` that holds figures of this kind.
    spec_field: ClassVar[str] = ""

    def slots(self, spec: SpecView) -> Iterator[SlotQuantity]:
        """The numbers a generator reads from this figure, in a stable order."""
        return iter(())

    def display_rows(self, spec: SpecView) -> list[dict]:
        """The reported numbers of this figure (assumed ones are listed separately)."""
        return []

    def cross_check(self, spec: SpecView, where: str) -> None:
        """Raise ``ValueError`` (prefixed with ``where``) when the figure contradicts the rest of the spec."""


class Citation(Strict):
    """Where a study was published. ``year`` is None when the gathered record does not print it (shown "n.d.")."""

    authors: str
    year: int | None
    journal: str
    volume: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    pmc: str | None = None

    @property
    def year_text(self) -> str:
        """The year, or "n.d." (no date) when it was not printed."""
        return str(self.year) if self.year is not None else "n.d."


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


def known(kind: str, name: str, where: str, pool) -> None:
    """Raise ``ValueError`` when ``name`` is not among ``pool`` (a reference that does not resolve)."""
    if name not in pool:
        raise ValueError(f"{where}: unknown {kind} {name!r}")
