"""Full regeneration of every report from a warm environment (`make report` runs
`hamstring-evidence report --jobs -1`). Peer, in the same run: the same command with one process."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _table import row

EXE = Path(sys.executable).parent / "hamstring-evidence"


def _time(args: list[str]) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        subprocess.run([str(EXE), "report", "--out", str(Path(tmp) / "reports"), *args], check=True,
                       capture_output=True)
        return time.perf_counter() - start


def run() -> list[dict]:
    _time(["--jobs", "-1"])  # warm the file cache
    ours = min(_time(["--jobs", "-1"]) for _ in range(2))
    peer = _time(["--jobs", "1"])
    return [row("report: every claim page + index", ours, peer, "the same command, one process (--jobs 1)",
                "<30 s", ours < 30)]


if __name__ == "__main__":
    from _table import print_table

    print_table(run())
