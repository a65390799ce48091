"""Benchmark: 1,000 assumption-ensemble reconstructions of the 60-patient study (S1, 6 variables),
each with its full correlation matrix, CIs and p values.

Ours: analysis.ensemble.correlation_ensemble (one batched computation).
Peer, in the same run: the naive per-draw loop, build_dataset(spec, overrides) then pingouin.corr
for each of the 15 pairs.

    python benchmarks/bench_ensemble.py [--draws 1000] [--repeats 5] [--peer-draws 1000]

Prints one row: task, ours (median s), peer (median s, scaled to --draws if --peer-draws is smaller),
ratio, target, met. Run on demand; not part of the test suite.
"""

from __future__ import annotations

import argparse
import statistics
import time
from itertools import combinations

import numpy as np
import pingouin

from analysis.assumptions import draw_assumptions
from analysis.ensemble import correlation_ensemble
from analysis.generate import build_dataset
from analysis.specs import load_study

TARGET_SECONDS = 1.0
TARGET_RATIO = 50.0


def ours(spec, draws: int, seed: int) -> float:
    start = time.perf_counter()
    correlation_ensemble(spec, "clbp", draws=draws, seed=seed)
    return time.perf_counter() - start


def naive(spec, draws: int, seed: int) -> float:
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    names = spec.joint_variables("clbp")
    for k, overrides in enumerate(draw_assumptions(spec, rng, draws)):
        frame = build_dataset(spec, seed=seed + k, overrides=overrides).frame
        for x, y in combinations(names, 2):
            pingouin.corr(frame[x], frame[y])
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--peer-draws", type=int, default=1000)
    parser.add_argument("--peer-repeats", type=int, default=1)
    args = parser.parse_args()
    spec = load_study("S1")
    ours(spec, 50, 0)  # warm-up
    ours_times = [ours(spec, args.draws, seed) for seed in range(args.repeats)]
    peer_times = [naive(spec, args.peer_draws, seed) * args.draws / args.peer_draws for seed in range(args.peer_repeats)]
    ours_s, peer_s = statistics.median(ours_times), statistics.median(peer_times)
    ratio = peer_s / ours_s
    met = ours_s < TARGET_SECONDS and ratio >= TARGET_RATIO
    scaled = "" if args.peer_draws == args.draws else f" (scaled from {args.peer_draws})"
    print(f"{'task':<44} {'ours s':>8} {'peer s':>10} {'ratio':>7}  target              met")
    print(f"{'S1 ensemble, ' + str(args.draws) + ' draws, 6x6 r + CI + p':<44} {ours_s:8.3f} {peer_s:10.2f}{scaled} "
          f"{ratio:7.0f}x  <{TARGET_SECONDS:g} s and >={TARGET_RATIO:g}x  {'yes' if met else 'NO'}")
    print(f"peer: per-draw build_dataset + pingouin.corr x 15 pairs (pingouin {pingouin.__version__}); "
          f"medians of {args.repeats} (ours) and {args.peer_repeats} (peer) runs")


if __name__ == "__main__":
    main()
