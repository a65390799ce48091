"""The two plots every report page has many of, the forest and the assumption-ensemble plot, written as SVG directly.

matplotlib took 55-110 ms a plot for these (tick and text machinery, a second draw to measure the tight bounding
box): over half of a cold report's figure time, for rows of lines and markers. Here the geometry is a few lines
of arithmetic; what matplotlib does well stays matplotlib's: the tick positions (:class:`~matplotlib.ticker.
MaxNLocator`) and the text widths that set the margins (its font metrics for DejaVu Sans, the font it ships).
Coordinates are in the same units as matplotlib's SVG (points: a 7-inch plot is 504 wide), so the page's
figure CSS, the phone minimum width (:func:`analysis.figures._readable_on_phones`) and the synthetic mark apply
unchanged. Each row or draw carries a ``<title>`` a screen reader can read.

Examples
--------
>>> import pandas as pd
>>> rows = pd.DataFrame({"label": ["a", "b"], "scale": ["r", "r"], "estimate": [0.3, -0.1], "ci_low": [0.1, -0.3],
...                      "ci_high": [0.5, 0.1], "category": ["supported", "inconclusive"]})
>>> svg = forest_svg(rows)
>>> svg.startswith("<svg") and svg.count("<title>") == 2 and svg == forest_svg(rows)
True
"""

from __future__ import annotations

from html import escape

import numpy as np
import pandas as pd

from analysis.core.numbers import plain_number
from analysis.figures import svg_parts as svg
from analysis.figures.svg_parts import (
    AXIS_HEIGHT,
    INK,
    LEGEND_SIZE,
    TICK_SIZE,
    nice_ticks,
    text_width,
    tick_label,
)

VERDICT_COLOURS = {"supported": "#1b7837", "contradicted": "#b2182b", "inconclusive": "#8c6d1f",
                   "not assessed": "#5a5a5a", "not testable": "#5a5a5a"}
#: Marker and fill of each basis on a forest plot: a finding is never drawn like another kind of finding.
BASIS_MARKERS = {"published": ("s", True), "identified": ("o", False), "observed": ("D", True)}
ROW_HEIGHT = 30.24  # 0.42 inch, as the matplotlib forest had
PANEL_GAP = 14.0


def _panel_limits(part: pd.DataFrame, scale: str) -> tuple[float, float]:
    """A panel's x range: -1 to 1 for correlations; otherwise every interval and zero, with a 5% margin each side
    (not symmetric about zero: a panel whose intervals all lie on one side would waste half its width).

    >>> import pandas as pd
    >>> _panel_limits(pd.DataFrame({"ci_low": [-18.0, -9.0], "ci_high": [-12.0, -5.0]}), "MD")
    (-18.9, 0.9)
    """
    if scale == "r":
        return -1.0, 1.0
    return svg.padded_range(np.r_[part["ci_low"].to_numpy(float), part["ci_high"].to_numpy(float), 0.0])


def forest_svg(rows: pd.DataFrame) -> str:
    """Effect sizes with 95% CIs, one row per test, one panel per effect-size scale (stacked).

    ``rows`` needs columns ``label``, ``scale``, ``estimate``, ``ci_low``, ``ci_high``, ``category``; an optional
    ``basis`` column (published, identified, observed) gives each its own marker, named in a legend.
    """
    scales = list(dict.fromkeys(rows["scale"]))
    labels = [str(v) for v in rows["label"]]
    left = max(text_width(v, TICK_SIZE) for v in labels) + 12
    shown = [b for b in BASIS_MARKERS if "basis" in rows.columns and b in set(rows["basis"])]
    legend_width = (max(text_width("rests on", LEGEND_SIZE), *(text_width(b, LEGEND_SIZE) + 18 for b in shown))
                    + 16) if shown else 8.0
    width = max(504.0, left + 240 + legend_width)
    x0, x1 = left, width - legend_width
    parts: list[str] = []
    top = 8.0
    for index, scale_name in enumerate(scales):
        part = rows[rows["scale"] == scale_name].reset_index(drop=True)
        low, high = _panel_limits(part, scale_name)
        xs = svg.Scale(low, high, x0, x1)
        height = ROW_HEIGHT * (len(part) + 0.4)
        ys = svg.Scale(-0.7, len(part) - 0.3, top + height, top)  # row 0 at the top, as the matplotlib plot had it
        parts.append(svg.line(x0, top, x0, top + height, "#000"))
        parts.append(svg.line(xs(0.0), top, xs(0.0), top + height))
        for k, row in enumerate(part.itertuples()):
            y = ys(len(part) - 1 - k)
            colour = VERDICT_COLOURS[row.category]
            basis = getattr(row, "basis", "published")
            marker, filled = BASIS_MARKERS.get(basis, ("s", True))
            title = (f"{row.label}: {plain_number(row.estimate, 2)} [{plain_number(row.ci_low, 2)}, "
                     f"{plain_number(row.ci_high, 2)}], {row.category}" + (f", rests on {basis}" if shown else ""))
            parts.append(f"<g><title>{escape(title)}</title>"
                         + svg.line(xs(row.ci_low), y, xs(row.ci_high), y, colour, 1.8)
                         + svg.marker(marker, xs(row.estimate), y, 6.0, colour, filled)
                         + svg.line(x0 - 3.5, y, x0, y, "#000")
                         + svg.text(x0 - 6, y + 3.5, row.label, TICK_SIZE, "end", ' xml:space="preserve"') + "</g>")
        parts += svg.x_axis(xs, nice_ticks(low, high), top + height, f"{scale_name} (95% CI)")
        if index == 0 and shown:
            parts += _basis_legend(x1 + 10, top + height, shown)
        top += height + AXIS_HEIGHT + PANEL_GAP
    return svg.svg_document(width, top - PANEL_GAP + 4, parts, "forest plot: " + ", ".join(scales))


def _basis_legend(x: float, bottom: float, shown: list[str]) -> list[str]:
    y = bottom - 14 * len(shown) - 12
    parts = [svg.text(x, y, "rests on", LEGEND_SIZE, "start")]
    for k, basis in enumerate(shown):
        marker, filled = BASIS_MARKERS[basis]
        yy = y + 14 * (k + 1)
        parts += [svg.marker(marker, x + 5, yy - 3, 6.0, INK, filled), svg.text(x + 16, yy, basis, LEGEND_SIZE, "start")]
    return parts


def ensemble_svg(ensemble: pd.DataFrame, scale: str, sesoi: float, sign: int) -> str:
    """The primary estimate and its 95% CI in every assumption draw, sorted, coloured by verdict.

    Draws whose model could not estimate the effect (non-finite limits) are left out of the picture.
    """
    finite = np.isfinite(ensemble[["estimate", "ci_low", "ci_high"]]).all(axis=1)
    data = ensemble[finite].sort_values("estimate", kind="mergesort").reset_index(drop=True)
    levels = [sign * sesoi] if sign else [-sesoi, sesoi]
    values = np.r_[data["ci_low"].to_numpy(float), data["ci_high"].to_numpy(float), 0.0, levels]
    low, high = svg.padded_range(values)
    yticks = nice_ticks(low, high, bins=5)
    tick_texts = [tick_label(t) for t in yticks]
    left = svg.y_axis_width(tick_texts)
    categories = sorted(set(data["category"]))
    legend = [(c, False) for c in categories] + [(f"SESOI ({levels[0]:+.3g})", True)]
    legend_width = max(text_width(t, LEGEND_SIZE) for t, _ in legend) + 34
    width, height = 460.8, 230.4
    x0, x1, y0, y1 = left, width - legend_width, 8.0, height - AXIS_HEIGHT
    count = max(len(data), 1)
    span = max(count - 1, 1)
    xs = svg.Scale(-0.05 * span, count - 1 + 0.05 * span, x0, x1)  # matplotlib's 5% margins
    ys = svg.Scale(low, high, y1, y0)
    parts = svg.y_axis(ys, yticks, x0, f"{scale} with 95% CI", tick_texts)
    parts.append(svg.line(x0, ys(0.0), x1, ys(0.0)))
    for level in levels:
        parts.append(svg.line(x0, ys(level), x1, ys(level), dash="2.96 1.28"))
    for category in categories:
        part = data[data["category"] == category]
        colour = VERDICT_COLOURS[category]
        bars = "".join(f"M{svg.n(xs(i))} {svg.n(ys(lo))}V{svg.n(ys(hi))}" for i, lo, hi in
                       zip(part.index, part["ci_low"], part["ci_high"]))
        dots = "".join(f'<circle cx="{svg.n(xs(i))}" cy="{svg.n(ys(e))}" r="1.25"/>'
                       for i, e in zip(part.index, part["estimate"]))
        parts.append(f'<g><title>{escape(category)}: {len(part)} of {len(data)} draws</title>'
                     f'<path d="{bars}" stroke="{colour}" stroke-width="0.6" fill="none"/>'
                     f'<g fill="{colour}">{dots}</g></g>')
    xticks = [t for t in nice_ticks(0, span, bins=6) if float(t).is_integer()]
    parts += svg.x_axis(xs, xticks, y1, "assumption draw (sorted by estimate)")
    for k, (text, dashed) in enumerate(legend):
        y = y0 + 6 + 13 * k
        lx = x1 + 10
        if dashed:
            parts.append(svg.line(lx, y - 3, lx + 20, y - 3, dash="2.96 1.28"))
        else:
            colour = VERDICT_COLOURS[text]
            parts += [svg.line(lx + 10, y - 8, lx + 10, y + 2, colour, 0.6),
                      f'<circle cx="{svg.n(lx + 10)}" cy="{svg.n(y - 3)}" r="1.25" fill="{colour}"/>']
        parts.append(svg.text(lx + 26, y, text, LEGEND_SIZE, "start"))
    return svg.svg_document(width, height, parts, f"assumption ensemble: {len(data)} draws of the {scale}")
