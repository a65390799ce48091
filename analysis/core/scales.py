"""The scale an effect is judged and drawn on, as one typed object (decisions never read a scale's name).

A :class:`Scale` knows its name (what readers see: ``"r"``, ``"log OR"``), whether it is the log of a ratio (then the
SESOI is a ratio above 1, the verdict text shows the ratio, the forest plot draws the ratio on a log axis), how to
take a value back to the ratio, and the panel of the overview forest plot it belongs on.

Examples
--------
>>> LOG_OR.ratio, LOG_OR.back(0.0), LOG_OR.ratio_name, str(LOG_OR)
(True, 1.0, 'OR', 'log OR')
>>> for_measure("MD").panel == MEAN_DIFFERENCE_PANEL, for_measure("HR") == LOG_HR
(True, True)
>>> Scale("b", panel=other_panel("b")).panel
'other (b)'
"""

from __future__ import annotations

import math
from dataclasses import dataclass

R_PANEL = "r"
RATIO_PANEL = "log ratio (RR, OR, HR, rate ratio)"
MEAN_DIFFERENCE_PANEL = "mean difference (points on the paper's scale)"
STANDARDISED_PANEL = "standardised difference (g, SMD)"


def other_panel(name: str) -> str:
    """The forest panel of a scale that is none of the above: its own, named (never silently another scale's)."""
    return f"other ({name})"


@dataclass(frozen=True)
class Scale:
    """An effect scale.

    Attributes
    ----------
    name : str
        What readers see (``"Hedges' g"``, ``"log RR"``); ``str(scale)`` is the name, so text reads as before.
    ratio : bool
        True for the log of a ratio (judged on the log scale, drawn as the ratio on a log axis).
    panel : str
        The overview forest plot's panel for this scale.
    """

    name: str
    ratio: bool = False
    panel: str = ""

    def __post_init__(self) -> None:
        if not self.panel:
            object.__setattr__(self, "panel", RATIO_PANEL if self.ratio else other_panel(self.name))

    def __str__(self) -> str:
        return self.name

    def __format__(self, spec: str) -> str:
        return format(self.name, spec)

    @property
    def log_axis(self) -> bool:
        """True when figures draw the back-transformed values on a log axis."""
        return self.ratio

    @property
    def ratio_name(self) -> str:
        """The ratio's own name (``"OR"`` for ``"log OR"``); the name itself for a difference scale."""
        return self.name.removeprefix("log ").strip() if self.ratio else self.name

    def back(self, value: float) -> float:
        """``value`` on the reader's scale: the ratio for a log ratio, the value itself otherwise."""
        return math.exp(value) if self.ratio else value


R = Scale("r", panel=R_PANEL)
HEDGES_G = Scale("Hedges' g", panel=STANDARDISED_PANEL)
SMD = Scale("SMD", panel=STANDARDISED_PANEL)
MD = Scale("MD", panel=MEAN_DIFFERENCE_PANEL)
MEAN_CHANGE = Scale("mean change", panel=MEAN_DIFFERENCE_PANEL)
LOG_OR = Scale("log OR", ratio=True)
LOG_RR = Scale("log RR", ratio=True)
LOG_HR = Scale("log HR", ratio=True)
LOG_RATE_RATIO = Scale("log rate ratio", ratio=True)
DIRECTION = Scale("direction")

#: A published effect's measure -> its judging scale (ratios as logs).
_MEASURES = {"r": R, "SMD": SMD, "MD": MD, "OR": LOG_OR, "RR": LOG_RR, "HR": LOG_HR,
             "logOR": Scale("logOR", ratio=True)}


def for_measure(measure: str) -> Scale:
    """The judging scale of a published effect measured as ``measure`` (``"OR"`` -> ``log OR``)."""
    return _MEASURES.get(measure) or Scale(measure)
