"""A small, bounded run of the load test (``benchmarks/loadtest.py``) through a real uvicorn.

The generator runs as its own process, as it does by hand: it starts and stops the
server, sends a shuffled mix of valid, duplicate, racing and invalid webhooks, and
exits 0 only when every check passed. Only correctness is asserted here (statuses,
exactly once, no 5xx) and a generous bound on the server's memory growth: never a
rate or a latency, because test machines are noisy.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
LOADTEST = BENCHMARKS / "loadtest.py"
PROCESS_TIMEOUT = 150  # the generator's own limit (--seconds 60) plus server start and stop
VALID_KINDS = ("new", "race", "replay")


def run_loadtest(
    tmp_path: Path, *options: str, environment: dict[str, str] | None = None, exit_code: int = 0
) -> dict[str, Any]:
    summary = tmp_path / "summary.json"
    command = [sys.executable, str(LOADTEST), "--seconds", "60", "--max-rss-growth-mb", "64"]
    command += [*options, "--json", str(summary)]
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT,
        check=False,
        env=environment,
        cwd=tmp_path,
    )
    output = f"{result.stdout}\n{result.stderr}"
    assert result.returncode == exit_code, f"load test exited {result.returncode}:\n{output}"
    figures: dict[str, Any] = json.loads(summary.read_text())
    return figures


def statuses(summary: str) -> set[int]:
    """``{200, 409}`` from ``"200x12 409x3"``."""
    return {int(part.split("x")[0]) for part in summary.split()}


def assert_correct(figures: dict[str, Any], requests: int) -> None:
    assert figures["failures"] == []
    assert figures["requests"] >= requests
    counts = figures["exactly_once"]
    assert counts["valid_events"] > 0
    assert counts["handler_runs"] == counts["valid_events"]
    assert (counts["missing"], counts["twice"], counts["unexpected"]) == (0, 0, 0)
    expected = {
        "new": 200,
        "race": 200,
        "replay": 200,
        "bad_signature": 401,
        "wrong_token": 401,
        "stale": 401,
        "malformed_json": 400,
        "wrong_content_type": 415,
        "oversized": 413,
        "oversized_chunked": 413,
        "wrong_method": 405,
        "unknown_path": 404,
    }
    for kind, status in expected.items():
        seen = statuses(figures["kinds"][kind]["statuses"])
        allowed = {status, 409} if kind == "race" else {status}
        assert seen <= allowed, (kind, figures["kinds"][kind])
    assert figures["rss_kib"]["growth"] <= 64 * 1024


def test_sqlite_mix_through_uvicorn(tmp_path: Path) -> None:
    figures = run_loadtest(
        tmp_path, "--store", "sqlite", "--requests", "600", "--concurrency", "32", "--seed", "9"
    )
    assert_correct(figures, 600)
    # With this seed every kind of request is in the mix at least once.
    assert all(figures["kinds"][kind]["requests"] > 0 for kind in figures["kinds"])


def test_memory_store_with_httpx_client(tmp_path: Path) -> None:
    figures = run_loadtest(
        tmp_path,
        "--store",
        "memory",
        "--client",
        "httpx",
        "--requests",
        "300",
        "--concurrency",
        "16",
        "--seed",
        "10",
    )
    assert_correct(figures, 300)


def test_redis_store(tmp_path: Path, redis_url: str) -> None:
    environment = {**os.environ, "WEBHOOK_RECEIVER_REDIS_URL": redis_url}
    figures = run_loadtest(
        tmp_path,
        "--store",
        "redis",
        "--requests",
        "300",
        "--concurrency",
        "16",
        "--seed",
        "11",
        environment=environment,
    )
    assert_correct(figures, 300)


def test_without_a_store_the_exactly_once_check_fails(tmp_path: Path) -> None:
    # The negative control: the checks are not vacuous. Replays and racing copies run twice.
    figures = run_loadtest(
        tmp_path, "--store", "none", "--requests", "300", "--concurrency", "16", "--seed", "12", exit_code=1
    )
    assert figures["exactly_once"]["twice"] > 0
    assert figures["exactly_once"]["missing"] == 0
    assert any("handled more than once" in failure for failure in figures["failures"])


@pytest.fixture
def loadtest(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The generator module, imported from ``benchmarks/`` (its app module is its neighbour)."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    monkeypatch.delenv("LOADTEST_HANDLER_LOG", raising=False)
    import loadtest

    return loadtest


def test_plan_places_each_replay_after_its_original(loadtest: Any) -> None:
    concurrency = 8
    items = loadtest.plan("t", 2000, concurrency, random.Random(3))
    kinds = Counter(request.kind for item in items for request in item.requests)
    assert set(kinds) == set(loadtest.EXPECTED)
    assert sum(kinds.values()) >= 2000
    first_delivery = {
        item.requests[0].event: index for index, item in enumerate(items) if item.requests[0].kind == "new"
    }
    replays = [(index, item) for index, item in enumerate(items) if item.after is not None]
    assert replays
    for index, item in replays:
        (copy,) = item.requests
        assert copy.kind == "replay"
        assert copy.event == item.after
        # A replay is the original request byte for byte, and far enough behind it.
        original = items[first_delivery[item.after]].requests[0]
        assert (copy.method, copy.path, copy.headers, copy.body) == (
            original.method,
            original.path,
            original.headers,
            original.body,
        )
        # Workers take items in order: the original was picked up before the replay.
        distance = index - first_delivery[item.after]
        assert distance >= concurrency or all(later.after is not None for later in items[index:])
    # Invalid requests never carry a valid event; every valid event is unique to its item.
    valid = [r.event for item in items for r in item.requests if r.kind in ("new", "race")]
    assert all(r.event is None for item in items for r in item.requests if r.kind not in VALID_KINDS)
    assert len(set(valid)) == sum(1 for item in items if item.requests[0].kind in ("new", "race"))
