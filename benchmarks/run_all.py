"""Run every benchmark and print one table: task, ours, peer, ratio, target, met (`make bench`)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import bench_bootstrap  # noqa: E402
import bench_ensemble  # noqa: E402
import bench_hodges_lehmann  # noqa: E402
import bench_power  # noqa: E402
import bench_registry  # noqa: E402
import bench_report  # noqa: E402
from _table import print_table  # noqa: E402

if __name__ == "__main__":
    rows = []
    for module in (bench_ensemble, bench_bootstrap, bench_hodges_lehmann, bench_power, bench_registry, bench_report):
        print(f"running {module.__name__} ...", file=sys.stderr, flush=True)
        rows += module.run()
    print_table(rows)
