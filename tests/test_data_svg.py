"""The scatter and proportion plots written as SVG directly (analysis/figures/data_svg.py), checked on their geometry:
each mark's place is worked out from the numbers drawn and the plot's own axis ticks (a linear axis), not compared
with an earlier output."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from analysis.figures import proportions, scatter_with_fit

#: Coordinates have two decimals (0.005 pt at worst) and the axis map is read from ticks about 40 pt apart, then
#: carried over at most ~350 pt: about 0.005 x 350 / 40 = 0.05 pt, plus the mark's own rounding.
PLACE = {"abs": 0.1, "rel": 0}


def _axis(svg: str, vertical: bool):
    """A function from data to plot coordinate, read from two of the axis's labelled ticks."""
    if vertical:
        ticks = re.findall(r'<line x1="[\d.]+" y1="([\d.]+)" x2="[\d.]+" y2="\1" stroke="#000" stroke-width="0.8"/>'
                           r'<text x="[\d.]+" y="[\d.]+" font-size="10" font-family="sans-serif" text-anchor="end">'
                           r"([^<]+)</text>", svg)
    else:
        ticks = re.findall(r'<line x1="([\d.]+)" y1="[\d.]+" x2="\1" y2="[\d.]+" stroke="#000" stroke-width="0.8"/>'
                           r'<text x="[\d.]+" y="[\d.]+" font-size="10" font-family="sans-serif" text-anchor="middle">'
                           r"([^<]+)</text>", svg)
    assert len(ticks) >= 3
    (p0, v0), (p1, v1) = ((float(p), float(v.replace("\u2212", "-"))) for p, v in (ticks[0], ticks[-1]))
    return lambda value: p0 + (value - v0) * (p1 - p0) / (v1 - v0)


def test_every_scatter_point_sits_where_its_values_put_it_and_the_fit_line_ends_at_the_fit():
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"x": rng.normal(20, 5, 50), "y": rng.normal(40, 8, 50)})
    frame.loc[3, "y"] = np.nan  # left out, as the fit leaves it out
    svg = scatter_with_fit(frame, "x", "y", "AKE deficit", "Lordosis")
    to_x, to_y = _axis(svg, vertical=False), _axis(svg, vertical=True)
    points = [(float(a), float(b)) for a, b in re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="2"/>', svg)]
    data = frame.dropna()
    assert len(points) == len(data) == 49
    for (cx, cy), (x, y) in zip(points, data[["x", "y"]].itertuples(index=False)):
        assert cx == pytest.approx(to_x(x), **PLACE) and cy == pytest.approx(to_y(y), **PLACE)
    assert "<title>49 points: Lordosis against AKE deficit</title>" in svg
    fit = np.polyfit(data["x"], data["y"], 1)
    path = re.search(r'<path d="([^"]+)" stroke="#1d2d4f" stroke-width="1.6"', svg).group(1)
    vertices = [tuple(float(v) for v in point.split()) for point in path[1:].split("L")]
    assert len(vertices) == 100
    (x_first, y_first), (x_last, y_last) = vertices[0], vertices[-1]
    for px, py, x in ((x_first, y_first, data["x"].min()), (x_last, y_last, data["x"].max())):
        assert px == pytest.approx(to_x(x), **PLACE) and py == pytest.approx(to_y(np.polyval(fit, x)), **PLACE)
    assert "OLS fit" in svg and "95% CI of the mean" in svg and "Lordosis" in svg and "AKE deficit" in svg


def test_the_scatter_legend_goes_to_a_corner_without_points():
    rng = np.random.default_rng(9)
    x = rng.uniform(0, 1, 80)
    frame = pd.DataFrame({"x": x, "y": x + rng.normal(0, 0.02, 80)})  # a rising cloud: upper left is empty
    svg = scatter_with_fit(frame, "x", "y", "X", "Y")
    legend_x = float(re.search(r'<text x="([\d.]+)" y="[\d.]+" font-size="8" [^>]*>OLS fit</text>', svg).group(1))
    points = [float(a) for a in re.findall(r'<circle cx="([\d.]+)" cy="[\d.]+" r="2"/>', svg)]
    assert legend_x < (min(points) + max(points)) / 2, "the legend is in the left half, where the points are not"


def test_each_bar_is_its_proportion_with_its_exact_interval_and_counts():
    from statsmodels.stats.proportion import proportion_confint

    events, n = [5, 4, 0], [8, 34, 0]
    labels = ["hamstring_injury_past_12m = yes", "hamstring_injury_past_12m = no", "nobody"]
    svg = proportions(labels, events, n, "proportion with recurred = yes")
    to_y = _axis(svg, vertical=True)
    groups = re.findall(r"<g><title>.*?</g>", svg, flags=re.S)
    assert len(groups) == 3
    for k, group in enumerate(groups[:2]):
        low, high = proportion_confint(events[k], n[k], alpha=0.05, method="beta")
        top = float(re.search(r'<rect x="[\d.]+" y="([\d.]+)"', group).group(1))
        assert top == pytest.approx(to_y(events[k] / n[k]), **PLACE)
        whisker = re.search(r'<line x1="([\d.]+)" y1="([\d.]+)" x2="\1" y2="([\d.]+)" stroke="#1d2d4f"', group)
        assert float(whisker.group(2)) == pytest.approx(to_y(low), **PLACE)
        assert float(whisker.group(3)) == pytest.approx(to_y(high), **PLACE)
        assert f">{events[k]}/{n[k]}</text>" in group
    assert "nobody: 0/0, no interval" in groups[2] and 'stroke="#1d2d4f"' not in groups[2]
    assert ">= yes</text>" in svg and ">= no</text>" in svg, "a label too wide for its bar is broken before ' = '"
