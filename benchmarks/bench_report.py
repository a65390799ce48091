"""Reports and the CLI, each a fresh process as a user runs it.

- Cold regeneration (`make report` runs `report --jobs -1`), cache off; peer: the same command with one process.
- Warm regeneration (nothing changed: pages from the content-keyed cache); peer: the cold run, same run.
- Warm `claims list` (verdicts from the cache); peer: the cold run. `--help`; peer: importing the analysis stack.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _table import row

EXE = Path(sys.executable).parent / "hamstring-evidence"


def _time(args: list[str], cache: str) -> float:
    env = dict(os.environ, HAMSTRING_EVIDENCE_CACHE=cache)
    start = time.perf_counter()
    subprocess.run([str(EXE), *args], check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def run() -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "reports")
        cache = str(Path(tmp) / "cache")
        _time(["report", "--out", out, "--jobs", "-1"], "off")  # warm the file system cache
        cold = min(_time(["report", "--out", out, "--jobs", "-1"], "off") for _ in range(2))
        cold_one = _time(["report", "--out", out, "--jobs", "1"], "off")
        rows.append(row("report cold: every claim page + index", cold,
                        [("the same command, one process (--jobs 1)", cold_one)], "< 8 s (issue #20)", cold < 8))
        _time(["report", "--out", out], cache)  # fills the cache
        warm = min(_time(["report", "--out", out], cache) for _ in range(3))
        rows.append(row("report warm: nothing changed", warm, [("the cold run above", cold)], "< 1 s", warm < 1))
        list_cold = _time(["claims", "list"], "off")
        _time(["claims", "list"], cache)
        list_warm = min(_time(["claims", "list"], cache) for _ in range(3))
        rows.append(row("claims list warm", list_warm, [("claims list cold (cache off)", list_cold)], "< 1 s",
                        list_warm < 1))
    start = time.perf_counter()
    subprocess.run([str(EXE), "--help"], check=True, capture_output=True)
    help_time = time.perf_counter() - start
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import analysis.claims.engine, analysis.report.build"], check=True)
    stack = time.perf_counter() - start
    rows.append(row("--help", help_time, [("a process importing the analysis stack", stack)], "< 1 s", help_time < 1))
    return rows


if __name__ == "__main__":
    from _table import print_table

    print_table(run())
