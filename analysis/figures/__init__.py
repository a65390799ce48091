"""Figures for the reports, returned as deterministic inline SVG strings.

SVG output is made reproducible by a fixed ``svg.hashsalt`` and no date
metadata; text stays text (``svg.fonttype = none``) so it scales and can be
read by screen readers and search.

Examples
--------
>>> import numpy as np, pandas as pd
>>> frame = pd.DataFrame({"x": np.arange(10.0), "y": np.arange(10.0) ** 0.5})
>>> svg = scatter_with_fit(frame, "x", "y", "X", "Y")
>>> svg.startswith("<svg") and svg == scatter_with_fit(frame, "x", "y", "X", "Y")
True
"""

from __future__ import annotations

import hashlib
import io
import math
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from statsmodels.regression.linear_model import OLS  # noqa: E402

from analysis.core.numbers import plain_number  # noqa: E402
from analysis.figures.data_svg import proportions_svg, scatter_svg  # noqa: E402
from analysis.figures.direct_svg import ensemble_svg, forest_svg  # noqa: E402

POINT_COLOUR = sns.color_palette("colorblind")[0]

RC = {"svg.hashsalt": "hamstring-evidence", "svg.fonttype": "none", "font.family": "sans-serif",
      "font.size": 10, "axes.spines.top": False, "axes.spines.right": False}


def _svg(fig) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    text = buffer.getvalue()
    text = text[text.index("<svg"):]  # drop the XML prolog and doctype: the SVG is inlined in HTML
    text = re.sub(r'\s(width|height)="[\d.]+pt"', "", text, count=2).replace("<svg ", '<svg class="figure" ', 1)
    return stable_svg(_readable_on_phones(text))


#: The smallest text is drawn at 8 user units (legends, pooled-plot titles); at no less than this many px per unit
#: it stays at least 11 px on any screen (11.1: a margin for the browser's sub-pixel layout).
MIN_SCALE = 11.1 / 8


def _readable_on_phones(svg: str) -> str:
    """Give the figure a minimum width (``MIN_SCALE`` x its own width): on a narrow screen it scrolls sideways
    inside its ``<figure>`` instead of shrinking its text below 11 px."""
    box = re.search(r'viewBox="[\d.\s-]+ ([\d.]+) [\d.]+"', svg)
    if box is None:
        return svg
    width = math.ceil(float(box.group(1)) * MIN_SCALE)
    return svg.replace('<svg class="figure" ', f'<svg class="figure" style="min-width: {width}px" ', 1)


#: Geometry attributes whose numbers are rounded (text content and labels are never touched).
_GEOMETRY = re.compile(r'\b(d|x|y|x1|x2|y1|y2|cx|cy|r|width|height|points|transform|viewBox)="([^"]*)"')
_FLOAT = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")
#: Ids matplotlib derives from a hash of the clipped or drawn path (so from its exact coordinates).
_HASHED_ID = re.compile(r"\b(p|m|C\d+_\d+_)([0-9a-f]{10})\b")


def _two_decimals(match: re.Match) -> str:
    return plain_number(float(match.group()), 2)


def stable_svg(svg: str) -> str:
    """The same SVG on every machine: coordinates rounded to 0.01 px, hashed ids renamed from the rounded content.

    matplotlib writes coordinates with 6 decimals and names clip paths and markers after a hash of their exact
    coordinates, so the last bits of a CPU's floating-point kernels reach the bytes of a page. At 0.01 px nothing
    visible changes and that noise (about 1e-13 px) is gone; ids become a digest of the rounded figure plus a
    counter, unique per figure and identical for identical figures.

    >>> a = stable_svg('<svg viewBox="0 0 10.0000001 5"><clipPath id="p0123456789"><rect x="1.2345678"/></clipPath>'
    ...                '<g clip-path="url(#p0123456789)"/></svg>')
    >>> b = stable_svg('<svg viewBox="0 0 10.0000002 5"><clipPath id="pfedcba9876"><rect x="1.2345679"/></clipPath>'
    ...                '<g clip-path="url(#pfedcba9876)"/></svg>')
    >>> a == b, 'x="1.23"' in a
    (True, True)
    """
    rounded = _GEOMETRY.sub(lambda m: f'{m.group(1)}="{_FLOAT.sub(_two_decimals, m.group(2))}"', svg)
    digest = hashlib.sha256(_HASHED_ID.sub(r"\1", rounded).encode()).hexdigest()[:8]
    names: dict[str, str] = {}

    def rename(match: re.Match) -> str:
        old = match.group(0)
        if old not in names:
            names[old] = f"{match.group(1)}{digest}{len(names):02d}"
        return names[old]

    return _HASHED_ID.sub(rename, rounded)


def mark_synthetic(svg: str, text: str = "synthetic reconstruction") -> str:
    """``svg`` with ``text`` written in a band above its top-left corner, so a figure drawn from a reconstruction
    says so wherever it is copied to, and the mark is in view before any sideways scrolling on a phone.

    >>> marked = mark_synthetic('<svg class="figure" viewBox="0 0 300 200"><g/></svg>')
    >>> 'class="synthetic-mark"' in marked and marked.endswith("</svg>")
    True
    """
    box = re.search(r'viewBox="([\d.\s-]+)"', svg)
    x, y, w, h = (float(v) for v in box.group(1).split()) if box else (0.0, 0.0, 300.0, 200.0)
    band = 14.0  # a band above the plot: the mark overlaps nothing and is the first thing seen, even on a phone
    if box:
        svg = svg.replace(box.group(0), f'viewBox="{x:g} {y - band:g} {w:g} {h + band:g}"', 1)
    mark = (f'<text class="synthetic-mark" x="{x + 3:g}" y="{y - 4:g}" text-anchor="start" font-size="10" '
            f'font-family="sans-serif" fill="#8a6d00">{text}</text>')
    at = svg.rindex("</svg>")
    return svg[:at] + mark + svg[at:]


def scatter_with_fit(frame: pd.DataFrame, x: str, y: str, x_label: str, y_label: str) -> str:
    """Scatter of ``y`` on ``x`` with the OLS line and its 95% confidence band (analytic, not bootstrap), from
    statsmodels' ``get_prediction``; drawn as SVG directly (:func:`analysis.figures.data_svg.scatter_svg`)."""
    data = frame[[x, y]].dropna()
    xs, ys = data[x].to_numpy(float), data[y].to_numpy(float)
    # The design matrix is built from arrays, never from a formula: the column names come from registry files, and
    # a formula would evaluate them as Python (see analysis.core.names).
    fit = OLS(ys, np.column_stack([np.ones_like(xs), xs])).fit()
    grid = np.linspace(xs.min(), xs.max(), 100)
    band = fit.get_prediction(np.column_stack([np.ones_like(grid), grid])).summary_frame(alpha=0.05)
    return stable_svg(_readable_on_phones(scatter_svg(xs, ys, grid, band["mean"], band["mean_ci_lower"],
                                                      band["mean_ci_upper"], x_label, y_label, to_hex(POINT_COLOUR))))


def group_distributions(frame: pd.DataFrame, variable: str, groups: list[str], labels: dict[str, str],
                        y_label: str) -> str:
    """Each group's values as points over a box (quartiles), with the group mean marked."""
    data = frame[frame["group"].isin(groups)]
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(5.2, 3.6))
        values = [data.loc[data.group == g, variable].to_numpy() for g in groups]
        ax.boxplot(values, positions=range(len(groups)), widths=0.5, showfliers=False,
                   medianprops={"color": "#1d2d4f"}, boxprops={"color": "#777"}, whiskerprops={"color": "#777"},
                   capprops={"color": "#777"})
        jitter = np.random.default_rng(1)  # fixed: the same data always give the same picture
        for k, v in enumerate(values):
            ax.scatter(k + jitter.uniform(-0.18, 0.18, v.size), v, s=14, color=POINT_COLOUR, alpha=0.7,
                       edgecolor="none")
        ax.scatter(range(len(groups)), [v.mean() for v in values], marker="D", color="#b2182b", zorder=5,
                   label="mean")
        ax.set_xticks(range(len(groups)), [labels.get(g, g) for g in groups])
        ax.set_xlabel("")
        ax.set_ylabel(y_label)
        ax.legend(frameon=False, fontsize=8)
        return _svg(fig)


def ensemble_plot(ensemble: pd.DataFrame, scale: str, sesoi: float, sign: int) -> str:
    """The primary estimate and its 95% CI in every assumption draw, sorted, coloured by verdict (drawn as SVG
    directly: :func:`analysis.figures.direct_svg.ensemble_svg`).

    Draws whose model could not estimate the effect (non-finite limits) are left out of the picture.
    """
    return stable_svg(_readable_on_phones(ensemble_svg(ensemble, scale, sesoi, sign)))


def forest(rows: pd.DataFrame) -> str:
    """Effect sizes with 95% CIs, one row per test, one panel per effect-size scale (stacked), drawn as SVG
    directly (:func:`analysis.figures.direct_svg.forest_svg`).

    ``rows`` needs columns ``label``, ``scale``, ``estimate``, ``ci_low``, ``ci_high``, ``category``; an optional
    ``basis`` column (published, identified, observed) gives each its own marker, named in a legend.
    """
    return stable_svg(_readable_on_phones(forest_svg(rows)))


def _two_and_five(value: float, _position=None) -> str:
    """Minor log-axis labels at 2 and 5 times a power of ten only, so that labels never crowd.

    >>> [_two_and_five(v) for v in (0.2, 0.3, 5.0, 7.0)]
    ['0.2', '', '5', '']
    """
    if value <= 0:
        return ""
    lead = round(value / 10 ** math.floor(math.log10(value)), 6)
    return f"{value:g}" if lead in (2, 5) else ""


def meta_forest(labels: list[str], effects, variances, pooled, scale: str = "effect", back_transform=None) -> str:
    """Forest plot of a meta-analysis: each study with its 95% CI (box size by weight) and the pooled diamond.

    ``pooled`` is the :class:`~analysis.results.Estimate` from :func:`analysis.stats.meta_analysis`;
    ``back_transform`` (e.g. ``np.exp`` for log ratios) is applied to every value before plotting.
    """
    y = np.asarray(effects, dtype=float)
    se = np.sqrt(np.asarray(variances, dtype=float))
    f = back_transform or (lambda v: v)
    w = 1 / (se**2 + pooled.extra.get("tau2", 0.0))
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(6.4, 0.9 + 0.4 * (len(y) + 1)))
        ypos = np.arange(len(y), 0, -1)
        for k in range(len(y)):
            ax.plot(f(np.array([y[k] - 1.96 * se[k], y[k] + 1.96 * se[k]])), [ypos[k]] * 2, color="#333", lw=1.2)
            ax.plot(f(y[k]), ypos[k], "s", color="#1d2d4f", ms=4 + 8 * float(w[k] / w.max()))
        lo, hi, mid = f(pooled.ci_low), f(pooled.ci_high), f(pooled.estimate)
        pi_low, pi_high = pooled.extra.get("pi_low"), pooled.extra.get("pi_high")
        if pi_low is not None and pi_high is not None and np.isfinite([pi_low, pi_high]).all():
            ax.plot([f(pi_low), f(pi_high)], [0, 0], color="#1d2d4f", lw=1.0, ls=":", label="95% prediction interval")
            ax.legend(frameon=False, fontsize=8, loc="upper right")
        ax.fill([lo, mid, hi, mid], [0, 0.25, 0, -0.25], color="#1d2d4f")  # neutral: the verdict has its own colour
        ax.axvline(f(0.0), color="#777", lw=0.8, ls="--")
        ax.set_yticks([*ypos, 0], [*labels, "Pooled"])
        ax.set_xlabel(f"{scale} (95% CI)")
        if back_transform is np.exp:
            from matplotlib.ticker import FuncFormatter

            ax.set_xscale("log")
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))  # "1", never "1x10^0"
            ax.xaxis.set_minor_formatter(FuncFormatter(_two_and_five))
        ax.set_title(f"{pooled.method}; tau² = {pooled.extra['tau2']:.3g}, I² = {pooled.extra['I2']:.0f}%", fontsize=8)
        return _svg(fig)


def _proportion_ci(events: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Clopper-Pearson) 95% CIs; NaN for a group with no one in it (no interval exists)."""
    from statsmodels.stats.proportion import proportion_confint

    events, n = np.asarray(events, dtype=float), np.asarray(n, dtype=float)
    low, high = np.full(n.shape, np.nan), np.full(n.shape, np.nan)
    some = n > 0
    if some.any():
        low[some], high[some] = proportion_confint(events[some], n[some], alpha=0.05, method="beta")
    return low, high


def proportions(labels: list[str], events, n, y_label: str) -> str:
    """Proportion with an outcome in each group, with exact (Clopper-Pearson) 95% CIs from statsmodels; drawn as SVG
    directly (:func:`analysis.figures.data_svg.proportions_svg`)."""
    events, n = np.asarray(events, dtype=float), np.asarray(n, dtype=float)
    low, high = _proportion_ci(events, n)
    return stable_svg(_readable_on_phones(proportions_svg(labels, events, n, low, high, y_label,
                                                          to_hex(POINT_COLOUR))))


def rates_by_band(table: pd.DataFrame, factor: str, solid_level: str, *, band: str, unit: str, count: str,
                  exposure: str, band_label: str | None, x_label: str, y_label: str) -> str:
    """Events per 1,000 exposure units by band, one line per ``unit`` (solid where ``factor`` is ``solid_level``,
    dashed otherwise), with exact 95% CIs.

    ``band`` is the column of band indices (the x positions), ``band_label`` an optional column of their tick labels;
    ``count`` and ``exposure`` the columns of events and exposure of each row (one band x unit).
    """
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(6.0, 3.6))
        palette = sns.color_palette("colorblind")
        for k, (name, part) in enumerate(table.groupby(unit, sort=True)):
            part = part.sort_values(band)
            rate = 1000 * part[count] / part[exposure]
            low, high = _proportion_ci(part[count].to_numpy(), part[exposure].to_numpy())
            style = "-" if part[factor].iloc[0] == solid_level else "--"
            ax.errorbar(part[band], rate, yerr=[rate - 1000 * low, 1000 * high - rate], fmt="o" + style,
                        color=palette[k], capsize=3, lw=1.4, ms=4,
                        label=f"{str(name).replace('_', ' ')} ({part[factor].iloc[0]})")
        bands = table.drop_duplicates(band).sort_values(band)
        if band_label is not None and band_label in bands:
            ax.set_xticks(bands[band], bands[band_label])
        ax.set_xlabel(x_label)
        ax.set_ylabel(y_label)
        ax.legend(frameon=False, fontsize=8)
        return _svg(fig)


def kaplan_meier_plot(curves: dict[str, pd.DataFrame], x_label: str) -> str:
    """Kaplan-Meier survival (free of the event) per group, as steps with log-scale 95% CI bands."""
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(6.0, 3.6))
        palette = sns.color_palette("colorblind")
        for k, (label, table) in enumerate(curves.items()):
            t = np.r_[0, table["time"].to_numpy()]
            s = np.r_[1, table["surv"].to_numpy()]
            lo = np.r_[1, table["lower"].fillna(0).to_numpy()]
            hi = np.r_[1, table["upper"].fillna(1).to_numpy()]
            ax.step(t, s, where="post", color=palette[k], label=label, lw=1.6)
            ax.fill_between(t, lo, hi, step="post", color=palette[k], alpha=0.15)
        ax.set_ylim(0, 1.02)
        ax.set_xlabel(x_label)
        ax.set_ylabel("free of the event (Kaplan-Meier)")
        ax.legend(frameon=False, fontsize=8)
        return _svg(fig)
