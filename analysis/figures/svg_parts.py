"""The parts every directly written SVG plot is made of: text with its width, lines, markers, an x axis, the document.

Coordinates are in points, as matplotlib's SVG has them (a 7-inch plot is 504 wide), with at most two decimals
(:func:`n`), so the same plot has the same bytes on every machine. What matplotlib does well stays matplotlib's: the
tick positions (:class:`~matplotlib.ticker.MaxNLocator`) and the text widths that set the margins (its metrics for
DejaVu Sans, the font it ships).

Examples
--------
>>> scale = Scale(0.0, 1.0, 10.0, 110.0)
>>> scale(0.5), line(0, 0, 1, 1)
(60.0, '<line x1="0" y1="0" x2="1" y2="1" stroke="#333" stroke-width="0.8"/>')
"""

from __future__ import annotations

from functools import lru_cache
from html import escape

import numpy as np
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath
from matplotlib.ticker import MaxNLocator

from analysis.core.numbers import plain_number

INK = "#333"
FONT = 'font-family="sans-serif"'
TICK_SIZE, LABEL_SIZE, LEGEND_SIZE = 10.0, 10.0, 8.0
AXIS_HEIGHT = 40.0  # tick marks, tick labels and the axis label under a panel

_TEXT_PATH = TextToPath()


@lru_cache(maxsize=8192)
def text_width(text: str, size: float) -> float:
    """Width in points of ``text`` at ``size`` points in DejaVu Sans, from matplotlib's font metrics.

    >>> round(text_width("0.5", 10.0), 1) < round(text_width("0.55", 10.0), 1)
    True
    """
    if not text:
        return 0.0
    prop = FontProperties(family="DejaVu Sans", size=size)
    return float(_TEXT_PATH.get_text_width_height_descent(text, prop, ismath=False)[0])


def n(value: float) -> str:
    """A coordinate with at most two decimals, the same on every machine.

    >>> n(1.0), n(2.345678), n(-0.0001)
    ('1', '2.35', '0')
    """
    return plain_number(round(float(value), 2) + 0.0, 2)


def tick_label(value: float) -> str:
    """A tick label as matplotlib writes one: no trailing zeros, a true minus sign.

    >>> tick_label(-0.5), tick_label(1.0), tick_label(0.25)
    ('\u22120.5', '1', '0.25')
    """
    text = f"{round(value, 10) + 0.0:g}"
    return text.replace("-", "\u2212")


def nice_ticks(low: float, high: float, bins: int = 6) -> list[float]:
    """matplotlib's tick positions for the range, those inside it only.

    >>> nice_ticks(-1, 1)
    [-1.0, -0.5, 0.0, 0.5, 1.0]
    """
    ticks = MaxNLocator(nbins=bins, steps=[1, 2, 2.5, 5, 10]).tick_values(low, high)
    slack = 1e-9 * (high - low)
    return [float(t) for t in ticks if low - slack <= t <= high + slack]


def padded_range(values) -> tuple[float, float]:
    """The range of the finite ``values`` with matplotlib's 5% margin on each side (a unit span around a single
    value; 0 to 1 when there is none).

    >>> padded_range([0.0, 1.0, float("nan")]), padded_range([2.0, 2.0])
    ((-0.05, 1.05), (1.45, 2.55))
    """
    values = np.asarray(values, dtype=float)
    finite = values[np.isfinite(values)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if high == low:
        low, high = low - 0.5, high + 0.5
    pad = 0.05 * (high - low)
    return low - pad, high + pad


class Scale:
    """A linear map from data to plot coordinates."""

    def __init__(self, d0: float, d1: float, p0: float, p1: float):
        self.d0, self.d1, self.p0, self.p1 = d0, d1, p0, p1

    def __call__(self, value: float) -> float:
        return self.p0 + (value - self.d0) * (self.p1 - self.p0) / (self.d1 - self.d0)


def text(x: float, y: float, content: str, size: float, anchor: str = "middle", extra: str = "") -> str:
    """``content`` (escaped) at (x, y), its baseline at y; ``extra`` is added to the element's attributes."""
    return (f'<text x="{n(x)}" y="{n(y)}" font-size="{size:g}" {FONT} text-anchor="{anchor}"{extra}>'
            f"{escape(content)}</text>")


def line(x1: float, y1: float, x2: float, y2: float, colour: str = INK, width: float = 0.8, dash: str = "") -> str:
    """A straight line from (x1, y1) to (x2, y2)."""
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<line x1="{n(x1)}" y1="{n(y1)}" x2="{n(x2)}" y2="{n(y2)}" stroke="{colour}" '
            f'stroke-width="{width:g}"{dashed}/>')


def marker(kind: str, x: float, y: float, size: float, colour: str, filled: bool) -> str:
    """A square ("s"), circle ("o") or diamond ("D") of ``size`` points across, as matplotlib draws them."""
    fill = colour if filled else "white"
    half = size / 2
    if kind == "o":
        return f'<circle cx="{n(x)}" cy="{n(y)}" r="{n(half)}" fill="{fill}" stroke="{colour}"/>'
    if kind == "D":
        d = half * 1.2
        return (f'<path d="M{n(x)} {n(y - d)}L{n(x + d)} {n(y)}L{n(x)} {n(y + d)}L{n(x - d)} {n(y)}Z" '
                f'fill="{fill}" stroke="{colour}"/>')
    return (f'<rect x="{n(x - half)}" y="{n(y - half)}" width="{n(size)}" height="{n(size)}" fill="{fill}" '
            f'stroke="{colour}"/>')


def x_axis(scale: Scale, ticks: list[float], y: float, label: str, labels: list[str] | None = None) -> list[str]:
    """The x axis line at ``y`` with tick marks, tick labels (``labels``, or :func:`tick_label` of each) and the axis
    label centred under them."""
    parts = [line(scale.p0, y, scale.p1, y, "#000")]
    for t, shown in zip(ticks, labels or [tick_label(t) for t in ticks]):
        x = scale(t)
        parts += [line(x, y, x, y + 3.5, "#000"), text(x, y + 3.5 + 11, shown, TICK_SIZE)]
    parts.append(text((scale.p0 + scale.p1) / 2, y + AXIS_HEIGHT - 4, label, LABEL_SIZE))
    return parts


def y_axis(scale: Scale, ticks: list[float], x: float, label: str, labels: list[str]) -> list[str]:
    """The y axis line at ``x`` with tick marks, ``labels`` right-aligned beside them and the axis label turned
    upright along the left edge (which :func:`y_axis_width` leaves room for)."""
    parts = [line(x, min(scale.p0, scale.p1), x, max(scale.p0, scale.p1), "#000")]
    for t, shown in zip(ticks, labels):
        y = scale(t)
        parts += [line(x - 3.5, y, x, y, "#000"), text(x - 6, y + 3.5, shown, TICK_SIZE, "end")]
    middle = (scale.p0 + scale.p1) / 2
    parts.append(text(12, middle, label, LABEL_SIZE, extra=f' transform="rotate(-90 12 {n(middle)})"'))
    return parts


def y_axis_width(labels: list[str]) -> float:
    """Room left of the y axis for its tick labels, tick marks and the upright axis label."""
    return max((text_width(t, TICK_SIZE) for t in labels), default=0.0) + 6 + 3.5 + 18


def same_decimals(ticks: list[float]) -> list[str]:
    """Tick labels with as many decimals as the finest tick needs, all alike, as matplotlib's default formatter writes
    them (``0.0, 0.2, 1.0``, not ``0, 0.2, 1``), with a true minus sign.

    >>> same_decimals([0.0, 0.2, 1.0]), same_decimals([-10.0, 0.0, 10.0])
    (['0.0', '0.2', '1.0'], ['\u221210', '0', '10'])
    """
    decimals = 0
    for t in ticks:
        while decimals < 6 and abs(round(t, decimals) - t) > 1e-9 * max(1.0, abs(t)):
            decimals += 1
    return [f"{round(t, decimals) + 0.0:.{decimals}f}".replace("-", "\u2212") for t in ticks]


def auto_bins(length: float, per_tick: float) -> int:
    """How many tick intervals matplotlib's automatic locator allows on an axis ``length`` points long, with one tick
    per ``per_tick`` points (3 x the font size across, 2 x up): between 1 and 9.

    >>> auto_bins(150.0, 30.0), auto_bins(1000.0, 20.0), auto_bins(10.0, 30.0)
    (5, 9, 1)
    """
    return int(min(max(length // per_tick, 1), 9))


def svg_document(width: float, height: float, parts: list[str], label: str) -> str:
    """The ``<svg>`` element around ``parts``, ``width`` x ``height`` points, with ``label`` for screen readers."""
    return (f'<svg class="figure" viewBox="0 0 {n(width)} {n(height)}" xmlns="http://www.w3.org/2000/svg" '
            f'version="1.1" role="img" aria-label="{escape(label)}">' + "".join(parts) + "</svg>")
