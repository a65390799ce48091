"""What a check of a published figure returns, and the registry that maps each kind of figure to its checks.

A kind of published figure (a :class:`analysis.spec.parts.Figure` subclass) has up to two checks, each
registered for its class and given every figure of that kind in a spec at once (so a check may look across
them, e.g. a correlation matrix):

- ``@reproduces(Kind)``: ``fn(figures, spec, frame) -> list[Check]``, does a dataset give back what was printed;
- ``@examines(Kind)``: ``fn(figures, spec) -> list[ForensicCheck]``, are the printed figures possible at all.

The modules of :mod:`analysis.checks.figures` register themselves when that package is imported.

Examples
--------
>>> verdict_of(True), fmt(0.125, 2)
('consistent', '0.12')
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Callable

from analysis.stats.granularity import rounds_to

VERDICTS = ("consistent", "inconsistent", "decision-inconsistent", "not checkable")


@dataclass(frozen=True)
class Check:
    """One published figure, the value recomputed from the dataset, and whether they agree."""

    figure: str
    published: str
    reconstructed: str
    ok: bool
    source: str


@dataclass(frozen=True)
class ForensicCheck:
    """One check of one published figure: is it possible, given the others?"""

    study_id: str
    check: str
    what: str
    published: str
    recomputed: str
    verdict: str
    note: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def verdict_of(ok: bool) -> str:
    """``consistent`` or ``inconsistent``."""
    return "consistent" if ok else "inconsistent"


def rounds_as_printed(value: float, printed: float, decimals: int) -> bool:
    """Does a computed ``value`` round to the ``printed`` number at its ``decimals``? Exactly (the float's own value,
    :func:`~analysis.stats.granularity.rounds_to`), an exact half going either way; never for NaN or infinity. The
    one comparison every reproduction and forensic check uses.

    >>> rounds_as_printed(0.375, 0.38, 2), rounds_as_printed(0.375, 0.37, 2), rounds_as_printed(float("nan"), 1.0, 0)
    (True, True, False)
    """
    return math.isfinite(value) and rounds_to(value, printed, decimals)


def fmt(value: float, decimals: int) -> str:
    """``value`` at ``decimals`` places, as a paper prints it; never "-0.000" (a value that rounds to zero has no
    sign, and its sign would be the CPU's rounding noise).

    >>> fmt(-1e-12, 3), fmt(2.5, 2)
    ('0.000', '2.50')
    """
    return f"{round(value, decimals) + 0.0:.{decimals}f}"


REPRODUCERS: dict[type, Callable] = {}
EXAMINERS: dict[type, Callable] = {}


def _register(registry: dict[type, Callable], kind: type, fn: Callable, role: str) -> Callable:
    """One check per kind of figure and role: a second registration would silently replace the first."""
    known = registry.get(kind)
    if known is not None and known.__qualname__ != fn.__qualname__:
        raise TypeError(f"{kind.__name__} already has a {role} check ({known.__module__}.{known.__qualname__}); "
                        f"call {fn.__qualname__} from it instead of registering a second one")
    registry[kind] = fn
    return fn


def reproduces(kind: type) -> Callable:
    """Register ``fn(figures, spec, frame) -> list[Check]`` as the reproduction check of ``kind`` (one per kind)."""
    return lambda fn: _register(REPRODUCERS, kind, fn, "reproduction")


def examines(kind: type) -> Callable:
    """Register ``fn(figures, spec) -> list[ForensicCheck]`` as the forensic check of ``kind`` (one per kind)."""
    return lambda fn: _register(EXAMINERS, kind, fn, "forensic")


def run_registered(checks: dict[type, Callable], spec, *args) -> list:
    """Run the registered check of every kind of figure ``spec`` has, run by run in the spec's figure order
    (:meth:`~analysis.spec.model.StudySpec.figure_runs`)."""
    out: list = []
    for kind, figures in spec.figure_runs():
        if kind in checks:
            out += checks[kind](figures, spec, *args)
    return out
