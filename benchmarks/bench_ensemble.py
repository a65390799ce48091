"""1,000 assumption-ensemble reconstructions of the 60-patient study (S1, 6 variables), each with its full
correlation matrix, CIs and p values. Peer, in the same run: a per-draw loop of build_dataset then
pingouin.corr for each of the 15 pairs (timed on ``peer_draws`` draws and scaled to 1,000)."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pingouin
from _table import median_time, row

from analysis.generate import build_dataset
from analysis.generate.ensemble import correlation_ensemble
from analysis.spec.assumptions import draw_assumptions
from analysis.spec.model import load_study


def run(draws: int = 1000, peer_draws: int = 200, repeats: int = 5) -> list[dict]:
    spec = load_study("S1")
    ours = median_time(lambda: correlation_ensemble(spec, "clbp", draws=draws, seed=1), repeats)

    def naive():
        rng = np.random.default_rng(1)
        names = spec.joint_variables("clbp")
        for k, overrides in enumerate(draw_assumptions(spec, rng, peer_draws)):
            frame = build_dataset(spec, seed=k, overrides=overrides).frame
            for x, y in combinations(names, 2):
                pingouin.corr(frame[x], frame[y])

    peer = median_time(naive, repeats=1, warmup=0) * draws / peer_draws
    return [row(f"ensemble: {draws} x S1, 6x6 r + CI + p", ours, peer,
                f"per-draw build_dataset + pingouin {pingouin.__version__} corr x 15 pairs",
                "<1 s and >=50x", ours < 1 and peer / ours >= 50,
                f"peer timed on {peer_draws} draws, scaled" if peer_draws != draws else "")]


if __name__ == "__main__":
    from _table import print_table

    print_table(run())
