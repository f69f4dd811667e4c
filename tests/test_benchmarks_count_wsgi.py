"""A smoke run of ``benchmarks/count_wsgi.py`` under callgrind, so the benchmark never rots.

Two requests per route, one provider: it checks that every row is printed and that
each figure and ratio is a positive number, never their values (the benchmark
measures speed; a test does not assert it). Without valgrind, its headers or gcc the
test is skipped with a reason, unless ``WEBHOOK_RECEIVER_REQUIRE_VALGRIND=1`` says
they must be there.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.test_benchmarks_counts import BENCHMARKS, require_tools


def test_count_wsgi_prints_a_row_per_framework(tmp_path: Path) -> None:
    require_tools()
    figures = tmp_path / "wsgi.json"
    result = subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "count_wsgi.py"),
            *("--calls", "2", "--providers", "kourier", "--json", str(figures)),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    rows: list[dict[str, Any]] = json.loads(figures.read_text())["rows"]
    expected = [("flask", "kourier"), ("django", "kourier")]
    assert [(row["framework"], row["provider"]) for row in rows] == expected
    for row in rows:
        assert f"{row['framework']:<9} {row['provider']:<18}" in result.stdout
        for value in (row["bare_json"], row["ours"], row["ratio"]):
            assert isinstance(value, float) and value > 0, row
