"""A smoke run of ``benchmarks/bench_handle.py``, so the benchmark never rots.

One round of short measurements and a small batch: it checks that every row is
printed and that every time and ratio is a positive number, never their values (the
benchmark measures speed; a test does not assert it).
"""

from __future__ import annotations

from pathlib import Path

from tests.benchmark_runs import EVERY_PROVIDER, PROVIDERS, run_for_figures


def test_bench_handle_prints_every_row_and_ratio(tmp_path: Path) -> None:
    few = ["--rounds", "1", "--batch-events", "20", "--sample-ms", "0.5"]
    stdout, rows = run_for_figures("bench_handle.py", few, tmp_path / "handle.json")
    assert "handle/(floor+json)" in stdout
    payloads = [*EVERY_PROVIDER, "customerio batch of 20", "customerio batch of 20, collector running"]
    assert [(row["variant"], row["payload"]) for row in rows] == [
        (variant, payload) for variant in ("orjson", "no orjson") for payload in payloads
    ]
    for row in rows:
        assert f"{row['variant']:<9} {row['payload']:<43}" in stdout
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
    assert all(row["bytes"] >= 1024 for row in rows)


def test_bench_handle_can_time_only_the_counted_providers(tmp_path: Path) -> None:
    few = ["--rounds", "1", "--batch-events", "20", "--sample-ms", "0.5", "--providers", "seeds"]
    _, rows = run_for_figures("bench_handle.py", few, tmp_path / "handle.json")
    assert [row["payload"] for row in rows if row["variant"] == "orjson"] == [
        *PROVIDERS,
        "customerio batch of 20",
        "customerio batch of 20, collector running",
    ]
