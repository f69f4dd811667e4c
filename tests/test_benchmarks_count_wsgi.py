"""A smoke run of ``benchmarks/count_wsgi.py`` under callgrind, so the benchmark never rots.

Two requests per route, one provider: it checks that every row is printed and that
each figure and ratio is a positive number, never their values (the benchmark
measures speed; a test does not assert it). Without valgrind, its headers or gcc the
test is skipped with a reason, unless ``WEBHOOK_RECEIVER_REQUIRE_VALGRIND=1`` says
they must be there.
"""

from __future__ import annotations

from pathlib import Path

from tests.benchmark_runs import run_for_figures
from tests.test_benchmarks_counts import require_tools


def test_count_wsgi_prints_a_row_per_framework(tmp_path: Path) -> None:
    require_tools()
    options = ["--calls", "2", "--providers", "kourier"]
    stdout, rows = run_for_figures("count_wsgi.py", options, tmp_path / "wsgi.json")
    expected = [("flask", "kourier"), ("django", "kourier")]
    assert [(row["framework"], row["provider"]) for row in rows] == expected
    for row in rows:
        assert f"{row['framework']:<9} {row['provider']:<18}" in stdout
        for value in (row["bare_json"], row["ours"], row["ratio"]):
            assert isinstance(value, float) and value > 0, row
