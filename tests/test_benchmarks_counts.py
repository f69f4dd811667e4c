"""A smoke run of ``benchmarks/count_targets.py`` under callgrind, so the benchmark never rots.

A few calls per candidate and a small batch: it checks that the table is printed and
that every figure and ratio is a positive number, never their values (the benchmark
measures speed; a test does not assert it). Without valgrind, its headers or gcc the
test is skipped with a reason, unless ``WEBHOOK_RECEIVER_REQUIRE_VALGRIND=1`` says
they must be there.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
HEADER = Path("/usr/include/valgrind/callgrind.h")
PROVIDERS = ("courier", "stripe", "standard-webhooks", "slack", "github", "customerio", "kourier")


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
    figures = tmp_path / "counts.json"
    few = ["--calls", "2", "--batch-calls", "1", "--batch-events", "20"]
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / "count_targets.py"), *few, "--json", str(figures)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    assert "handle/(floor+json)" in result.stdout
    rows: list[dict[str, Any]] = json.loads(figures.read_text())["rows"]
    payloads = [*PROVIDERS, "customerio batch of 20"]
    assert [(row["variant"], row["payload"]) for row in rows] == [
        (variant, payload) for variant in ("orjson", "no orjson") for payload in payloads
    ]
    for row in rows:
        assert f"{row['variant']:<9} {row['payload']:<24}" in result.stdout
        ratios = [row["verify/floor"], row["handle/(floor+json)"]]
        ratios += [] if row["payload"].startswith("customerio batch") else [row["asgi/floor"]]
        for value in [row["floor"], row["json"], row["verify"], row["handle"], *ratios]:
            assert isinstance(value, float) and value > 0, row
