"""The forest and ensemble plots written as SVG directly (analysis/figures/direct_svg.py), checked on their geometry:
where each mark must sit follows from the numbers drawn (a linear axis), not from an earlier output."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from analysis.figures import ensemble_plot, forest
from analysis.figures.svg_parts import nice_ticks

#: Coordinates are written with two decimals, so a position is exact to half a hundredth of a point; ratios of
#: distances of tens of points are then exact to about 1e-3.
COORD = {"abs": 0.006, "rel": 0}
RATIO = {"abs": 2e-3, "rel": 0}


def _rows() -> pd.DataFrame:
    return pd.DataFrame({"label": ["first", "second", "third"], "scale": ["log OR"] * 3,
                         "estimate": [0.5, -0.2, 1.1], "ci_low": [0.1, -0.6, 0.2], "ci_high": [0.9, 0.2, 2.0],
                         "category": ["supported", "inconclusive", "supported"],
                         "basis": ["published", "identified", "published"]})


def _groups(svg: str) -> list[str]:
    return re.findall(r"<g><title>.*?</g>", svg, flags=re.S)


def test_each_forest_row_has_its_estimate_on_its_interval_at_the_right_place():
    rows = _rows()
    svg = forest(rows)
    groups = _groups(svg)
    assert len(groups) == 3
    zero = [float(v) for v in re.findall(r'<line x1="([\d.]+)" y1="[\d.]+" x2="\1" y2="[\d.]+" stroke="#333"', svg)]
    assert len(zero) == 1, "one line at zero"
    for group, row in zip(groups, rows.itertuples()):
        x1, y1, x2, y2 = (float(v) for v in re.search(
            r'<line x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)" stroke="#[0-9a-f]{6}" stroke-width="1.8"',
            group).groups())
        assert y1 == y2
        if row.basis == "published":
            x, y, w, h = (float(v) for v in re.search(
                r'<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="#', group).groups())
            centre = (x + w / 2, y + h / 2)
        else:
            assert 'fill="white"' in group, "a reconstruction is drawn hollow, never like a published figure"
            centre = tuple(float(v) for v in re.search(r'<circle cx="([\d.]+)" cy="([\d.]+)"', group).groups())
        assert centre[1] == pytest.approx(y1, **COORD)
        assert (centre[0] - x1) / (x2 - x1) == pytest.approx((row.estimate - row.ci_low) / (row.ci_high - row.ci_low),
                                                             **RATIO)
        assert (zero[0] - x1) / (x2 - x1) == pytest.approx((0 - row.ci_low) / (row.ci_high - row.ci_low), **RATIO)
        assert f"<title>{row.label}: " in group and row.category in group


def test_the_forest_names_what_each_marker_rests_on_and_keeps_panels_apart():
    rows = pd.concat([_rows(), _rows().assign(scale="r", label=lambda d: d.label + " r")], ignore_index=True)
    svg = forest(rows)
    assert svg.count(">rests on</text>") == 1 and ">published</text>" in svg and ">identified</text>" in svg
    assert "log OR (95% CI)" in svg and "r (95% CI)" in svg
    assert svg.startswith('<svg class="figure" style="min-width: ')


def test_the_ensemble_plot_draws_every_finite_draw_once_and_says_how_many():
    rng = np.random.default_rng(3)
    est = rng.normal(0.3, 0.1, 40)
    frame = pd.DataFrame({"estimate": est, "ci_low": est - 0.2, "ci_high": est + 0.2,
                          "category": np.where(est - 0.2 > 0, "supported", "inconclusive")})
    frame.loc[5, "ci_high"] = math.inf  # a draw whose model could not estimate the effect
    svg = ensemble_plot(frame, "r", 0.1, 1)
    dots = re.findall(r'<circle cx="[\d.]+" cy="[\d.]+" r="1.25"/>', svg)
    assert len(dots) == 39  # the non-finite draw is left out of the picture
    for category in ("supported", "inconclusive"):
        k = int((frame.drop(index=5)["category"] == category).sum())
        assert f"<title>{category}: {k} of 39 draws</title>" in svg
    assert "SESOI (+0.1)" in svg and "assumption draw (sorted by estimate)" in svg


def test_a_claim_of_no_effect_draws_the_sesoi_on_both_sides():
    frame = pd.DataFrame({"estimate": [0.0, 0.1], "ci_low": [-0.1, 0.0], "ci_high": [0.1, 0.2],
                          "category": ["supported", "inconclusive"]})
    assert ensemble_plot(frame, "r", 0.15, 0).count('stroke-dasharray="2.96 1.28"') == 3  # two levels + the legend


def test_ticks_are_matplotlibs_inside_the_range():
    assert nice_ticks(-2.2, 2.2) == [-2.0, -1.0, 0.0, 1.0, 2.0]
    assert nice_ticks(0, 199) == [0.0, 50.0, 100.0, 150.0]
