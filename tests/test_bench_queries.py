"""`make bench` prints two query-count tables; this runs them (the second at 13 and 30 leaflets instead of 1,000, to
stay fast), so the tables (and the flat counts they show) cannot rot."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES_BY_WARNINGS, PAGES_BY_LEAFLETS = 12, 8


def test_the_query_count_tables_run_and_every_row_is_flat():
    env = {**os.environ, "BENCH_QUERIES_LEAFLETS": "13,30"}
    result = subprocess.run(
        [sys.executable, "-m", "bench.queries"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    by_warnings, by_leaflets = result.stdout.split("as the published leaflets grow")
    for table, pages in ((by_warnings, PAGES_BY_WARNINGS), (by_leaflets, PAGES_BY_LEAFLETS)):
        rows = [line for line in table.splitlines() if line.rstrip().endswith(("flat", "GROWS"))]
        assert len(rows) == pages, result.stdout
        assert all(line.rstrip().endswith("flat") for line in rows), result.stdout
    assert "   13     30" in by_leaflets, result.stdout  # the leaflet counts of its columns, as asked
