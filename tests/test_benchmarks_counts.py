"""A smoke run of ``benchmarks/count_targets.py`` under callgrind, so the benchmark never rots.

A few calls per candidate and a small batch: it checks that the table is printed and
that every figure and ratio is a positive number, never their values (the benchmark
measures speed; a test does not assert it). Without valgrind, its headers or gcc the
test is skipped with a reason, unless ``WEBHOOK_RECEIVER_REQUIRE_VALGRIND=1`` says
they must be there.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.benchmark_runs import PROVIDERS, run_for_figures

HEADER = Path("/usr/include/valgrind/callgrind.h")


def require_tools() -> None:
    missing = [tool for tool in ("valgrind", "gcc") if shutil.which(tool) is None]
    missing += [] if HEADER.is_file() else [str(HEADER)]
    if missing:
        because = f"{', '.join(missing)} missing (apt-get install valgrind gcc)"
        if os.environ.get("WEBHOOK_RECEIVER_REQUIRE_VALGRIND") == "1":
            pytest.fail(f"WEBHOOK_RECEIVER_REQUIRE_VALGRIND=1 but {because}")
        pytest.skip(f"{because}; WEBHOOK_RECEIVER_REQUIRE_VALGRIND=1 makes this a failure")


def test_count_targets_prints_every_row_and_ratio(tmp_path: Path) -> None:
    require_tools()
    few = ["--calls", "2", "--batch-calls", "1", "--batch-events", "20"]
    stdout, rows = run_for_figures("count_targets.py", few, tmp_path / "counts.json")
    assert "handle/(floor+json)" in stdout
    payloads = [*PROVIDERS, "customerio batch of 20"]
    assert [(row["variant"], row["payload"]) for row in rows] == [
        (variant, payload) for variant in ("orjson", "no orjson") for payload in payloads
    ]
    for row in rows:
        assert f"{row['variant']:<9} {row['payload']:<24}" in stdout
        ratios = [row["verify/floor"], row["handle/(floor+json)"]]
        ratios += [] if row["payload"].startswith("customerio batch") else [row["asgi/floor"]]
        for value in [row["floor"], row["json"], row["verify"], row["handle"], *ratios]:
            assert isinstance(value, float) and value > 0, row
