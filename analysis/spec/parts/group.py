"""Group sizes: how many people a group of the study has, printed or assumed (and then varied)."""

from __future__ import annotations

from typing import ClassVar, Iterator

from pydantic import Field, model_validator

from analysis.spec.parts.base import Figure, Quantity, SlotKey, SlotQuantity, Strict, display_row, known


class GroupTotal(Strict):
    """A constraint the paper gives on two assumed group sizes: ``n(group) + n(this group) = total``.

    E.g. a t test printed as t(58) with unequal groups of unknown size: n1 + n2 - 2 = 58.
    """

    group: str
    total: int = Field(ge=4)
    reason: str


#: Largest group a spec may give: its dataset is built in memory, a column of 8-byte values per variable (the
#: largest published group, S14's, has 83,503 people).
MAX_GROUP_N = 10_000_000


def _too_large(n: float) -> str:
    """The problem with a group size past :data:`MAX_GROUP_N`, in people and memory.

    >>> _too_large(1e12)
    'n = 1e+12 people needs 7.3 TiB a variable (8 bytes a value); at most 10,000,000 a group'
    """
    return (f"n = {n:g} people needs {n * 8 / 2 ** 40:.2g} TiB a variable (8 bytes a value); "
            f"at most {MAX_GROUP_N:,} a group")


def size_key(group: str) -> SlotKey:
    """The slot key of a group's assumed size, e.g. ``n:lbp``."""
    return SlotKey("n", (group,))


class Group(Figure):
    """A group of the study (cases, controls, a cohort) and its size.

    An assumed size with a range is drawn across it in the ensemble, as every other assumption is. ``total_with``
    ties this group's size to another assumed group's: it is then ``total`` minus that group's size in every draw,
    and its own ``n`` (an assumption) must equal ``total`` minus the other group's assumed value.
    """

    spec_field: ClassVar[str] = "groups"
    label: str
    n: Quantity
    total_with: GroupTotal | None = None

    @model_validator(mode="after")
    def _n_is_count(self) -> "Group":
        n = self.n.point
        for value in (n, *(self.n.range or ())):
            if value > MAX_GROUP_N:
                raise ValueError(_too_large(value))
        if n != int(n) or n < 2:
            raise ValueError(f"n must be a whole number of at least 2, got {n}")
        if self.n.is_assumption and self.n.range is not None:
            low, high = self.n.range
            if low != int(low) or high != int(high) or low < 2:
                raise ValueError(f"an assumed n's range must be whole numbers of at least 2, got {list(self.n.range)}")
        if self.total_with is not None and not self.n.is_assumption:
            raise ValueError("total_with ties an assumed n to another group's; this n is printed: drop total_with")
        return self

    def _gid(self, spec) -> str:
        return next(k for k, g in spec.groups.items() if g is self)

    def slots(self, spec) -> Iterator[SlotQuantity]:
        """An assumed n is a slot (a count) unless ``total_with`` derives it from another group's."""
        if self.total_with is None:
            yield SlotQuantity(size_key(self._gid(spec)), f"n of {self.label}", self.n, whole=True)

    def display_rows(self, spec) -> list[dict]:
        return [] if self.n.is_assumption else [display_row(f"n, {self.label}", f"{self.n.value:.0f}", self.n.source)]

    def cross_check(self, spec, where: str) -> None:
        t = self.total_with
        if t is None:
            return
        known("group", t.group, f"{where}.total_with.group", spec.groups)
        other = spec.groups[t.group]
        if t.group == self._gid(spec) or not other.n.is_assumption or other.total_with is not None:
            raise ValueError(f"{where}.total_with.group: {t.group!r} must be another group whose n is assumed (and not "
                             f"itself derived)")
        low, high = other.n.range if other.n.range else (other.n.point, other.n.point)
        if t.total - high < 2:
            raise ValueError(f"{where}.total_with: total {t.total} minus the largest n of {t.group} ({high:g}) leaves "
                             f"fewer than 2")
        if self.n.point != t.total - other.n.point:
            raise ValueError(f"{where}.n: {self.n.point:g} is not total {t.total} minus n of {t.group} "
                             f"({other.n.point:g}) = {t.total - other.n.point:g}")


def derived_sizes(spec, overrides: dict[str, float] | None = None) -> list[dict]:
    """Each group size tied to another by ``total_with``, as an assumption record (what, value, range, reason): not
    drawn itself, it follows the other group's drawn size."""
    out = []
    for gid, g in spec.groups.items():
        t = g.total_with
        if t is None:
            continue
        other = spec.groups[t.group]
        low, high = other.n.range if other.n.range else (other.n.point, other.n.point)
        drawn = (overrides or {}).get(str(size_key(t.group)), other.n.point)
        out.append(dict(key=str(size_key(gid)), what=f"n of {g.label} ({t.total} minus n of {other.label})",
                        value=float(t.total - drawn), spec_value=float(g.n.point),
                        range=[float(t.total - high), float(t.total - low)], reason=t.reason))
    return out
