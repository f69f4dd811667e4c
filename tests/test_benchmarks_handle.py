"""A smoke run of ``benchmarks/bench_handle.py``, so the benchmark never rots.

One round of short measurements and a small batch: it checks that every row is
printed and that every time and ratio is a positive number, never their values (the
benchmark measures speed; a test does not assert it).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
PROVIDERS = ("courier", "stripe", "standard-webhooks", "slack", "github", "customerio", "kourier")


def test_bench_handle_prints_every_row_and_ratio(tmp_path: Path) -> None:
    figures = tmp_path / "handle.json"
    few = ["--rounds", "1", "--batch-events", "20", "--sample-ms", "0.5"]
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / "bench_handle.py"), *few, "--json", str(figures)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    assert "handle/(floor+json)" in result.stdout
    rows: list[dict[str, Any]] = json.loads(figures.read_text())["rows"]
    payloads = [*PROVIDERS, "customerio batch of 20", "customerio batch of 20, collector running"]
    assert [(row["variant"], row["payload"]) for row in rows] == [
        (variant, payload) for variant in ("orjson", "no orjson") for payload in payloads
    ]
    for row in rows:
        assert f"{row['variant']:<9} {row['payload']:<43}" in result.stdout
        batch = "batch" in row["payload"]
        times = [row["floor_us"], row["json_us"], row["verify_us"], row["handle_us"]]
        ratios = [row["verify/floor"], row["handle/(floor+json)"]]
        if not batch:
            times.append(row["asgi_us"])
            ratios.append(row["asgi/floor"])
        else:
            assert row["asgi/floor"] is None and "asgi_us" not in row
        for value in [*times, *ratios]:
            assert isinstance(value, float) and value > 0, row
