"""`make bench` prints a query-count table; this runs it, so the table (and the flat counts it shows) cannot rot."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_query_count_table_runs_and_every_row_is_flat():
    result = subprocess.run(
        [sys.executable, "-m", "bench.queries"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.rstrip().endswith(("flat", "GROWS"))]
    assert len(rows) == 12, result.stdout
    assert all(line.rstrip().endswith("flat") for line in rows), result.stdout
