"""The two data plots of the correlation and logistic evidence, written as SVG directly: a scatter with its fitted
line and confidence band, and proportions with their confidence intervals.

They were 18 of a cold report's matplotlib figures and 60% of its figure time (55-100 ms each: tick and text
machinery, a second draw for the tight bounding box). The numbers drawn (the fit and its band, the exact CIs) are
computed by the callers in :mod:`analysis.figures` with statsmodels; here they are only placed. Sizes, colours,
ticks (matplotlib's locator, :func:`~analysis.figures.svg_parts.nice_ticks`) and fonts are those of the matplotlib
versions, so the pages look the same. Points, the fit and each bar carry a ``<title>`` a screen reader can read.

Examples
--------
>>> import numpy as np
>>> x = np.arange(10.0)
>>> svg = scatter_svg(x, x**0.5, x, x**0.5, x**0.5 - 0.2, x**0.5 + 0.2, "X", "Y", "#0173b2")
>>> svg.startswith("<svg") and svg.count("<circle") == 10
True
"""

from __future__ import annotations

from html import escape

import numpy as np

from analysis.core.numbers import plain_number
from analysis.figures import svg_parts as svg
from analysis.figures.svg_parts import (
    AXIS_HEIGHT,
    LEGEND_SIZE,
    TICK_SIZE,
    auto_bins,
    nice_ticks,
    padded_range,
    same_decimals,
)

FIT_COLOUR = "#1d2d4f"
SCATTER_SIZE = (374.4, 259.2)  # 5.2 x 3.6 inches, as the matplotlib scatter had
PROPORTIONS_SIZE = (374.4, 244.8)  # 5.2 x 3.4 inches
TOP, RIGHT = 8.0, 8.0
BAR_LABELS = 24.0  # under the bars: tick marks and one line of group labels (no axis label)


def _legend(corner: str, box: tuple[float, float, float, float], entries: list[tuple[str, str]]) -> list[str]:
    """A frameless legend in the plot's ``corner`` ("upper right", ...): each entry a sample ("line" or "patch") and
    its text."""
    x0, y0, x1, y1 = box
    width = max(svg.text_width(label, LEGEND_SIZE) for _, label in entries) + 34
    left = x1 - width - 4 if corner.endswith("right") else x0 + 8
    top = y0 + 6 if corner.startswith("upper") else y1 - 13 * len(entries) - 4
    parts = []
    for k, (sample, label) in enumerate(entries):
        y = top + 13 * k + 9
        if sample == "line":
            parts.append(svg.line(left, y - 3, left + 20, y - 3, FIT_COLOUR, 1.6))
        else:
            parts.append(f'<rect x="{svg.n(left)}" y="{svg.n(y - 7)}" width="20" height="7" fill="{FIT_COLOUR}" '
                         f'fill-opacity="0.15" stroke="{FIT_COLOUR}" stroke-opacity="0.15"/>')
        parts.append(svg.text(left + 26, y, label, LEGEND_SIZE, "start"))
    return parts


def _emptiest_corner(xs: np.ndarray, ys: np.ndarray, box: tuple[float, float, float, float], size: tuple[float, float]
                     ) -> str:
    """The corner whose legend-sized area covers the fewest of the plotted positions (matplotlib's "best" location,
    tried in its order)."""
    x0, y0, x1, y1 = box
    w, h = size
    counts = {}
    for corner in ("upper right", "upper left", "lower left", "lower right"):
        left = x1 - w if corner.endswith("right") else x0
        top = y0 if corner.startswith("upper") else y1 - h
        counts[corner] = int(np.count_nonzero((xs >= left) & (xs <= left + w) & (ys >= top) & (ys <= top + h)))
    return min(counts, key=counts.get)


def scatter_svg(x: np.ndarray, y: np.ndarray, grid: np.ndarray, mean: np.ndarray, lower: np.ndarray,
                upper: np.ndarray, x_label: str, y_label: str, colour: str) -> str:
    """Points (x, y), the fitted line ``mean`` over ``grid`` and its confidence band ``lower``-``upper``.

    Parameters
    ----------
    x, y : arrays
        The data (finite).
    grid, mean, lower, upper : arrays
        The fitted line and its band, evaluated on ``grid`` (increasing).
    x_label, y_label : str
        Axis labels.
    colour : str
        The points' colour.
    """
    x, y, grid = np.asarray(x, float), np.asarray(y, float), np.asarray(grid, float)
    mean, lower, upper = np.asarray(mean, float), np.asarray(lower, float), np.asarray(upper, float)
    width, height = SCATTER_SIZE
    x_low, x_high = padded_range(np.r_[x, grid])
    y_low, y_high = padded_range(np.r_[y, lower, upper])
    y1 = height - AXIS_HEIGHT
    y_ticks = nice_ticks(y_low, y_high, auto_bins(y1 - TOP, 2 * TICK_SIZE))
    y_labels = same_decimals(y_ticks)
    x0 = svg.y_axis_width(y_labels)
    x1 = width - RIGHT
    xs, ys = svg.Scale(x_low, x_high, x0, x1), svg.Scale(y_low, y_high, y1, TOP)
    px, py = xs(x), ys(y)
    band = ("M" + "L".join(f"{svg.n(a)} {svg.n(b)}" for a, b in zip(xs(grid), ys(upper)))
            + "L" + "L".join(f"{svg.n(a)} {svg.n(b)}" for a, b in zip(xs(grid[::-1]), ys(lower[::-1]))) + "Z")
    fit = "M" + "L".join(f"{svg.n(a)} {svg.n(b)}" for a, b in zip(xs(grid), ys(mean)))
    slope = (mean[-1] - mean[0]) / (grid[-1] - grid[0]) if len(grid) > 1 and grid[-1] != grid[0] else 0.0
    dots = "".join(f'<circle cx="{svg.n(a)}" cy="{svg.n(b)}" r="2"/>' for a, b in zip(px, py))
    parts = [f'<path d="{band}" fill="{FIT_COLOUR}" fill-opacity="0.15" stroke="none"/>',
             f'<g fill="{colour}" fill-opacity="0.75"><title>{len(x)} points: {escape(y_label)} against '
             f'{escape(x_label)}</title>{dots}</g>',
             f'<path d="{fit}" stroke="{FIT_COLOUR}" stroke-width="1.6" fill="none"><title>OLS fit: slope '
             f'{plain_number(slope, 3)} per unit of {escape(x_label)}, with its 95% confidence band</title></path>']
    parts += svg.y_axis(ys, y_ticks, x0, y_label, y_labels)
    x_ticks = nice_ticks(x_low, x_high, auto_bins(x1 - x0, 3 * TICK_SIZE))
    parts += svg.x_axis(xs, x_ticks, y1, x_label, same_decimals(x_ticks))
    entries = [("line", "OLS fit"), ("patch", "95% CI of the mean")]
    legend_size = (max(svg.text_width(label, LEGEND_SIZE) for _, label in entries) + 42, 13 * len(entries) + 10)
    line_x, line_y = xs(grid), ys(mean)
    corner = _emptiest_corner(np.r_[px, line_x], np.r_[py, line_y], (x0, TOP, x1, y1), legend_size)
    parts += _legend(corner, (x0, TOP, x1, y1), entries)
    return svg.svg_document(width, height, parts, f"scatter plot: {y_label} against {x_label}")


def _wrapped(label: str, room: float) -> list[str]:
    """``label`` on one line when it fits in ``room`` points, else broken at its last space (or " = ") that fits."""
    if svg.text_width(label, TICK_SIZE) <= room or " " not in label:
        return [label]
    cut = label.rfind(" = ")
    if cut > 0:
        return [label[:cut], label[cut + 1:]]
    words = label.split(" ")
    for k in range(len(words) - 1, 0, -1):
        head = " ".join(words[:k])
        if svg.text_width(head, TICK_SIZE) <= room:
            return [head, " ".join(words[k:])]
    return [words[0], " ".join(words[1:])]


def proportions_svg(labels: list[str], events: np.ndarray, n: np.ndarray, low: np.ndarray, high: np.ndarray,
                    y_label: str, colour: str) -> str:
    """One bar per group: the proportion ``events / n`` with its CI ``low``-``high`` and the counts above it.

    A group with no one in it (``n`` = 0) is drawn as an empty bar with no interval, its counts "0/0".
    """
    events, n = np.asarray(events, float), np.asarray(n, float)
    low, high = np.asarray(low, float), np.asarray(high, float)
    p = np.divide(events, n, out=np.zeros_like(events), where=n > 0)
    width, height = PROPORTIONS_SIZE
    top_value = float(np.nanmax(high)) * 1.3 if np.isfinite(high).any() else 1.0
    top_value = min(1.0, top_value) if top_value > 0 else 1.0
    y_ticks = nice_ticks(0.0, top_value, auto_bins(height - BAR_LABELS - TOP, 2 * TICK_SIZE))
    y_labels = same_decimals(y_ticks)
    x0 = svg.y_axis_width(y_labels)
    x1 = width - RIGHT
    count = len(labels)
    span = (count - 1) + 0.55
    xs = svg.Scale(-0.275 - 0.05 * span, count - 1 + 0.275 + 0.05 * span, x0, x1)
    room = (x1 - x0) / max(count, 1) - 6
    lines = [_wrapped(str(label), room) for label in labels]
    y1 = height - BAR_LABELS - 12.0 * (max((len(v) for v in lines), default=1) - 1)
    ys = svg.Scale(0.0, top_value, y1, TOP)
    half = 0.275 * (xs.p1 - xs.p0) / (xs.d1 - xs.d0)
    parts = []
    for k in range(count):
        cx = xs(k)
        counts = f"{int(events[k])}/{int(n[k])}"
        finite = bool(np.isfinite([low[k], high[k]]).all()) and n[k] > 0
        title = (f"{labels[k]}: {counts} = {plain_number(p[k], 2)} (95% CI {plain_number(low[k], 2)} to "
                 f"{plain_number(high[k], 2)})" if finite else f"{labels[k]}: {counts}, no interval")
        bar = (f'<rect x="{svg.n(cx - half)}" y="{svg.n(ys(p[k]))}" width="{svg.n(2 * half)}" '
               f'height="{svg.n(ys(0.0) - ys(p[k]))}" fill="{colour}" fill-opacity="0.8"/>')
        whisker = ""
        label_y = ys(p[k]) - 4
        if finite:
            whisker = (svg.line(cx, ys(low[k]), cx, ys(high[k]), FIT_COLOUR, 1.2)
                       + svg.line(cx - 4, ys(low[k]), cx + 4, ys(low[k]), FIT_COLOUR, 1.2)
                       + svg.line(cx - 4, ys(high[k]), cx + 4, ys(high[k]), FIT_COLOUR, 1.2))
            label_y = ys(high[k]) - 4
        parts.append(f"<g><title>{escape(title)}</title>{bar}{whisker}"
                     + svg.text(cx, label_y, counts, LEGEND_SIZE) + "</g>")
    parts += svg.y_axis(ys, y_ticks, x0, y_label, y_labels)
    parts.append(svg.line(x0, y1, x1, y1, "#000"))
    for k, shown in enumerate(lines):
        cx = xs(k)
        parts.append(svg.line(cx, y1, cx, y1 + 3.5, "#000"))
        parts += [svg.text(cx, y1 + 3.5 + 11 + 12 * j, part, TICK_SIZE) for j, part in enumerate(shown)]
    return svg.svg_document(width, height, parts, f"bar chart: {y_label}")
