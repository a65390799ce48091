"""A 10-million-row player-match table (age, previous injury, lumbar history, injury type) in Parquet,
reduced to the rate model of claim 2 (Poisson GLM with exposure, age x nerve supply) through sufficient
statistics. Time and peak memory are measured in a fresh process. Peer, in the same run: a statsmodels
Poisson GLM on the raw rows (one row per player-match and muscle), timed on a subset and scaled
linearly to 10 million rows; the coefficients on that subset must equal ours."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import statsmodels
from _table import row

from analysis import stats
from analysis.datasets.injury_rates import rate_table_from_parquet

CACHE = Path(__file__).parent / ".cache"
BANDS = [17, 21, 25, 29, 33, 41]
FORMULA = "injuries ~ C(muscle) + age_step + age_step:nerve"
INJURIES = ["none", "hamstring", "calf", "quadriceps", "groin"]
#: Which root supplies each muscle: the claim file's mapping, repeated here for the benchmark's own registry.
NERVE_SUPPLY = {"hamstring": "L5S1", "calf": "L5S1", "quadriceps": "L2L4", "groin": "L2L4"}


def make_registry(rows: int, path: Path, seed: int = 1) -> Path:
    """Write a synthetic registry (labelled as such in the file's metadata), in chunks."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    schema = pa.schema([("age", pa.float32()), ("prior_injury", pa.int8()), ("lumbar_history", pa.int8()),
                        ("injury", pa.dictionary(pa.int8(), pa.string()))],
                       metadata={b"hamstring_evidence": b"SYNTHETIC registry for benchmarks"})
    with pq.ParquetWriter(path, schema) as writer:
        for start in range(0, rows, 1_000_000):
            m = min(1_000_000, rows - start)
            age = rng.uniform(17, 40.99, m).astype(np.float32)
            rate = np.stack([0.008 * np.exp(0.05 * (age - 25)), 0.002 * np.exp(0.07 * (age - 25)),
                             np.full(m, 0.002), np.full(m, 0.0015)], axis=1)
            u = rng.random(m)
            cum = np.cumsum(rate, axis=1)
            code = np.where(u < cum[:, -1], 1 + (u[:, None] >= cum).sum(axis=1), 0).astype(np.int8)
            injury = pa.DictionaryArray.from_arrays(pa.array(code), pa.array(INJURIES))
            writer.write_table(pa.table({"age": age, "prior_injury": rng.integers(0, 2, m, dtype=np.int8),
                                         "lumbar_history": rng.integers(0, 2, m, dtype=np.int8),
                                         "injury": injury}, schema=schema))
    return path


OURS = """
import json, resource, sys, time
start = time.perf_counter()
from analysis import stats
from analysis.datasets.injury_rates import rate_table_from_parquet
table = rate_table_from_parquet(sys.argv[1], {bands}, {levels}, "nerve")
fit = stats.poisson("{formula}", table, "exposure")
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": time.perf_counter() - start, "peak_mb": peak_mb, "coefs": [e.estimate for e in fit]}}))
"""


def run(rows: int = 10_000_000, peer_rows: int = 200_000) -> list[dict]:
    path = make_registry(rows, CACHE / f"registry-{rows}.parquet")
    results = [json.loads(subprocess.run([sys.executable, "-c", OURS.format(bands=BANDS, formula=FORMULA,
                                                                                    levels=NERVE_SUPPLY), str(path)],
                                         capture_output=True, text=True, check=True).stdout) for _ in range(3)]
    seconds = sorted(r["seconds"] for r in results)[1]
    peak = max(r["peak_mb"] for r in results)
    # peer: statsmodels on the raw rows of a subset, and ours on the same subset
    subset = pq.read_table(path, columns=["age", "injury"]).slice(0, peer_rows).to_pandas()
    subset["injury"] = subset["injury"].astype(str)
    subset_path = CACHE / f"registry-subset-{peer_rows}.parquet"
    subset.to_parquet(subset_path)
    subset_table = rate_table_from_parquet(subset_path, BANDS, NERVE_SUPPLY, "nerve")
    ours_subset = [e.estimate for e in stats.poisson(FORMULA, subset_table, "exposure")]
    start = time.perf_counter()
    step = np.searchsorted(BANDS, subset["age"].to_numpy(), side="right") - 1
    muscles = {"hamstring": "L5S1", "calf": "L5S1", "quadriceps": "L2L4", "groin": "L2L4"}
    long = pd.concat([pd.DataFrame({"age_step": step, "muscle": m, "nerve": n,
                                    "injuries": (subset["injury"].to_numpy() == m).astype(int), "exposure": 1.0})
                      for m, n in muscles.items()], ignore_index=True)
    peer_fit = stats.poisson(FORMULA, long, "exposure")
    peer_seconds = (time.perf_counter() - start) * rows / peer_rows
    same = np.allclose([e.estimate for e in peer_fit], ours_subset, rtol=1e-8)
    return [row(f"registry: {rows / 1e6:g}M player-matches -> Poisson rate model", seconds, peer_seconds,
                f"statsmodels {statsmodels.__version__} Poisson GLM on raw rows ({peer_rows} rows, scaled)",
                "<5 s, <2 GB, same coefficients", seconds < 5 and peak < 2048 and same,
                f"peak memory {peak:.0f} MB; same coefficients on the subset: {same}")]


if __name__ == "__main__":
    from _table import print_table

    print_table(run())
