"""The validation coverage plot: for each case, the real data's estimate (the truth) beside the synthetic
reconstruction's estimate and the range of its assumption ensemble, one panel per effect scale.

Examples
--------
>>> import pandas as pd
>>> rows = pd.DataFrame({"label": ["V1", "V2"], "scale": ["r", "r"], "truth": [0.5, 0.1], "estimate": [0.5, 0.0],
...                      "low": [0.5, -0.3], "high": [0.5, 0.3]})
>>> svg = coverage_plot(rows)
>>> svg.startswith("<svg") and "real data (truth)" in svg and "synthetic reconstruction" in svg
True
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from analysis.figures import RC, _svg

TRUTH_LABEL = "real data (truth)"
RECONSTRUCTION_LABEL = "synthetic reconstruction"
RANGE_LABEL = "synthetic: ensemble range"


def coverage_plot(rows: pd.DataFrame) -> str:
    """``rows``: ``label``, ``scale``, ``truth``, ``estimate``, ``low`` and ``high`` (the ensemble's range, or the
    estimate itself when nothing was varied). Truth: filled black diamonds; reconstructions: hollow circles with
    their range as a line."""
    scales = list(dict.fromkeys(rows["scale"]))
    counts = [int((rows["scale"] == s).sum()) for s in scales]
    with plt.rc_context(RC):
        fig, axes = plt.subplots(len(scales), 1, figsize=(6.4, 0.9 + 0.28 * sum(counts) + 0.5 * len(scales)),
                                 gridspec_kw={"height_ratios": [c + 1.2 for c in counts]}, squeeze=False)
        for ax, scale in zip(axes[:, 0], scales):
            part = rows[rows["scale"] == scale].reset_index(drop=True)
            y = list(range(len(part)))[::-1]
            ax.hlines(y, part["low"], part["high"], color="#0072b2", lw=3, alpha=0.45, label=RANGE_LABEL)
            ax.plot(part["estimate"], y, "o", mfc="white", mec="#0072b2", mew=1.4, ms=6, label=RECONSTRUCTION_LABEL)
            ax.plot(part["truth"], y, "D", color="black", ms=4, label=TRUTH_LABEL)
            ax.set_yticks(y, [str(v) for v in part["label"]], fontsize=8)
            ax.set_ylim(-0.8, len(part) - 0.2)
            ax.set_xlabel(scale, fontsize=9)
            ax.axvline(0, color="#999", lw=0.6)
        axes[0, 0].legend(frameon=False, fontsize=8, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=3)
        fig.tight_layout()
        return _svg(fig)
