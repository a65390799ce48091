"""A player-match registry (age, previous injury, lumbar history, injury type) in Parquet, 10M and 100M rows,
reduced to the rate model of claim 2 (Poisson GLM with exposure, age x nerve supply) through sufficient
statistics. Every contender runs in a fresh process, timed from its first import to the fitted coefficients,
with its peak memory; all must give the same coefficients.

Peers, in the same run:

- DuckDB: one SQL aggregation over the Parquet file (age bands by CASE, counts per band and injury type), then the
  same statsmodels Poisson GLM on the counts;
- polars: a lazy scan, the same aggregation, then the same GLM;
- statsmodels' Poisson GLM on the raw rows (one row per player-match and muscle), the naive route, timed on a
  200,000-row subset and scaled linearly.

Limit: the bytes the reduction must touch (the two columns' compressed pages read once, and the decoded values,
4 bytes of age and 1 of injury code per row) over the measured memory bandwidth.
"""

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
from _table import machine, row

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
    partial = path.with_suffix(".partial")
    with pq.ParquetWriter(partial, schema) as writer:
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
    partial.rename(path)
    return path


_FIT = """
import numpy as np, pandas as pd, statsmodels.api as sm, statsmodels.formula.api as smf
counts = counts[(counts.age_step >= 0) & (counts.age_step < {bands} - 1)]
exposure = counts.groupby("age_step")["n"].sum()
levels = {levels}
table = pd.DataFrame([dict(age_step=int(s), muscle=m, nerve=levels[m], exposure=float(exposure[s]),
                           injuries=int(counts[(counts.age_step == s) & (counts.injury == m)]["n"].sum()))
                      for s in sorted(exposure.index) for m in levels])
fit = smf.glm("{formula}", table, family=sm.families.Poisson(), offset=np.log(table["exposure"])).fit()
coefs = [float(v) for v in np.exp(fit.params)]  # rate ratios, as ours reports them
"""

CONTENDERS = {
    "ours": """
from analysis import stats
from analysis.datasets.injury_rates import rate_table_from_parquet
table = rate_table_from_parquet(path, {bands_list}, {levels}, "nerve")
coefs = [e.estimate for e in stats.poisson("{formula}", table, "exposure")]
""",
    "duckdb": """
import duckdb
edges = {bands_list}
case = " ".join(f"WHEN age < {{e}} THEN {{i - 1}}" for i, e in enumerate(edges))
sql = (f"SELECT CASE {{case}} ELSE -1 END AS age_step, CAST(injury AS VARCHAR) AS injury, count(*) AS n "
       f"FROM read_parquet(?) GROUP BY ALL")
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")  # DuckDB draws one on stdout when a query runs long (busy host)
counts = con.execute(sql, [str(path)]).df()
""" + _FIT,
    "polars": """
import polars as pl
edges = {bands_list}
band = pl.lit(-1)
for i, e in reversed(list(enumerate(edges))):
    band = pl.when(pl.col("age") < e).then(i - 1).otherwise(band)
counts = (pl.scan_parquet(str(path)).select(band.alias("age_step"), pl.col("injury").cast(pl.String))
          .group_by(["age_step", "injury"]).len(name="n").collect().to_pandas())
""" + _FIT,
}

#: The line a contender's result is printed on; anything else it prints (a progress bar, a library's notice) is
#: ignored, so a chatty contender cannot break the bench.
RESULT_MARK = "BENCH-RESULT "

_WRAPPER = """
import json, sys, time, warnings
warnings.simplefilter("ignore")  # a library warning must not reach stdout; stderr stays for real errors
start = time.perf_counter()
path = sys.argv[1]
{body}
# VmHWM: this process's own peak (ru_maxrss survives exec, so it would report the parent's peak)
peak_mb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM")) / 1024
print("BENCH-RESULT " + json.dumps({{"seconds": time.perf_counter() - start, "peak_mb": peak_mb, "coefs": coefs}}))
"""


def _run(name: str, path: Path, repeats: int) -> dict:
    """Median seconds, peak memory and coefficients of one contender over ``repeats`` fresh processes; a contender
    that fails (non-zero exit, no result line) gives ``{"error": ...}`` with the end of its stderr, which fails that
    contender's row instead of the whole bench."""
    body = CONTENDERS[name].format(bands_list=BANDS, bands=len(BANDS), levels=NERVE_SUPPLY, formula=FORMULA)
    script = _WRAPPER.format(body=body)
    results = []
    for _ in range(repeats):
        done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True)
        line = next((x for x in reversed(done.stdout.splitlines()) if x.startswith(RESULT_MARK)), None)
        if done.returncode != 0 or line is None:
            tail = " | ".join(done.stderr.strip().splitlines()[-3:])
            print(f"bench_registry: contender {name} failed (exit {done.returncode}): {tail}", file=sys.stderr)
            return {"error": f"exit {done.returncode}: {tail[:200]}"}
        results.append(json.loads(line[len(RESULT_MARK):]))
    return {"seconds": sorted(r["seconds"] for r in results)[len(results) // 2],
            "peak_mb": max(r["peak_mb"] for r in results), "coefs": results[0]["coefs"]}


def _bytes_touched(path: Path) -> int:
    meta = pq.ParquetFile(path).metadata
    wanted = {"age", "injury"}
    compressed = sum(meta.row_group(g).column(c).total_compressed_size for g in range(meta.num_row_groups)
                     for c in range(meta.num_columns) if meta.row_group(g).column(c).path_in_schema in wanted)
    return compressed + meta.num_rows * (4 + 1)


def _naive_peer(path: Path, rows: int, peer_rows: int) -> tuple[float, bool]:
    subset = pq.read_table(path, columns=["age", "injury"]).slice(0, peer_rows).to_pandas()
    subset["injury"] = subset["injury"].astype(str)
    subset_path = CACHE / f"registry-subset-{peer_rows}.parquet"
    subset.to_parquet(subset_path)
    ours_subset = [e.estimate for e in stats.poisson(FORMULA, rate_table_from_parquet(subset_path, BANDS,
                                                                                      NERVE_SUPPLY, "nerve"),
                                                     "exposure")]
    start = time.perf_counter()
    step = np.searchsorted(BANDS, subset["age"].to_numpy(), side="right") - 1
    long = pd.concat([pd.DataFrame({"age_step": step, "muscle": m, "nerve": n,
                                    "injuries": (subset["injury"].to_numpy() == m).astype(int), "exposure": 1.0})
                      for m, n in NERVE_SUPPLY.items()], ignore_index=True)
    peer_fit = stats.poisson(FORMULA, long, "exposure")
    seconds = (time.perf_counter() - start) * rows / peer_rows
    return seconds, bool(np.allclose([e.estimate for e in peer_fit], ours_subset, rtol=1e-8))


def run(sizes: tuple[int, ...] = (10_000_000, 100_000_000), peer_rows: int = 200_000) -> list[dict]:
    out = []
    for rows in sizes:
        path = make_registry(rows, CACHE / f"registry-{rows}.parquet")
        repeats = 3 if rows <= 10_000_000 else 1
        results = {name: _run(name, path, repeats) for name in CONTENDERS}
        failed = {name: r["error"] for name, r in results.items() if "error" in r}
        if "ours" in failed:
            out.append(row(f"registry: {rows / 1e6:g}M player-matches -> Poisson rate model", float("nan"), [],
                           "<5 s, <2 GB, same coefs, >=1x fairest", False, f"ours failed: {failed['ours']}"))
            continue
        ours = results["ours"]
        same = all(np.allclose(r["coefs"], ours["coefs"], rtol=1e-8) for r in results.values() if "error" not in r)
        peers = [(f"DuckDB {__import__('duckdb').__version__}: SQL aggregation + statsmodels GLM on the counts "
                  f"(peak {results['duckdb']['peak_mb']:.0f} MB)", results["duckdb"]["seconds"])] \
            if "duckdb" not in failed else []
        peers += [(f"polars {__import__('polars').__version__}: lazy scan + group_by + statsmodels GLM on the counts "
                   f"(peak {results['polars']['peak_mb']:.0f} MB)", results["polars"]["seconds"])] \
            if "polars" not in failed else []
        naive_same = True
        if rows <= 10_000_000:
            naive, naive_same = _naive_peer(path, rows, peer_rows)
            peers.append((f"statsmodels {statsmodels.__version__} Poisson GLM on raw rows ({peer_rows} rows, scaled)",
                          naive))
        touched = _bytes_touched(path)
        limit = machine().limit(bytes_touched=touched)
        fairest = min(s for _, s in peers)
        out.append(row(f"registry: {rows / 1e6:g}M player-matches -> Poisson rate model", ours["seconds"], peers,
                       "<5 s, <2 GB, same coefs, >=1x fairest",
                       ours["seconds"] < 5 and ours["peak_mb"] < 2048 and same and naive_same
                       and fairest >= ours["seconds"] and not failed,
                       f"ours: peak memory {ours['peak_mb']:.0f} MB, fresh process including imports; same coefficients "
                       f"(all contenders, rtol 1e-8): {same and naive_same}"
                       + "".join(f"; {name} FAILED: {why}" for name, why in failed.items()), limit,
                       f"{touched / 1e6:.0f} MB touched (compressed pages of age and injury, 5 decoded bytes a row)"))
    return out


if __name__ == "__main__":
    from _table import print_table

    print_table(run())
