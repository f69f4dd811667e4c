"""A smoke run of ``benchmarks/bench_deferred.py --quick`` through a real uvicorn, so it never rots.

The benchmark runs as its own process, as it does by hand: it starts and stops the
server (inline and deferred receivers, a Worker per durable inbox in the app's
lifespan), the PostgreSQL cluster, Redis and the Celery worker it needs, and exits 0
only when every check passed. Only correctness is asserted here (statuses, every
acknowledged event processed exactly once, the back ends' counts): never a rate or a
latency, because test machines are noisy. A mode whose back end is missing is skipped
by the benchmark with a reason, which is accepted here unless ``.ci/run``'s
``WEBHOOK_RECEIVER_REQUIRE_POSTGRES`` / ``WEBHOOK_RECEIVER_REQUIRE_REDIS`` say that
back end must be there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
import redis

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
SCRIPT = BENCHMARKS / "bench_deferred.py"
PROCESS_TIMEOUT = 300  # --quick takes seconds; this bounds a hung server, worker or drain
MODES = (
    "inline-noop",
    "inline",
    "deferred-machine",
    "deferred-machine-nogroup",
    "deferred-process",
    "deferred-postgres",
    "deferred-celery",
)
INBOX_DONE = {"pending": 0, "running": 0, "done": 120, "dead": 0}
CELERY_DONE = {
    "succeeded": 120,
    "retried": 0,
    "failed": 0,
    "queued": 0,
    "unacked": 0,
    "store_done": 120,
    "store_other": 0,
}
"""120 per mode: 20 warm-up and 100 measured."""


def run_quick(tmp_path: Path, *options: str) -> tuple[dict[str, Any], str]:
    figures_path = tmp_path / "figures.json"
    command = [sys.executable, str(SCRIPT), "--quick", "--drain-seconds", "60", *options]
    command += ["--json", str(figures_path)]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=PROCESS_TIMEOUT, check=False, cwd=tmp_path
    )
    output = f"{result.stdout}\n{result.stderr}"
    assert result.returncode == 0, f"bench_deferred exited {result.returncode}:\n{output}"
    figures: dict[str, Any] = json.loads(figures_path.read_text())
    return figures, result.stdout


def may_skip(mode: str, group_commit: bool) -> bool:
    """Whether this machine may lack ``mode``'s back end (or this library the option it compares)."""
    if mode == "deferred-machine-nogroup":
        return not group_commit
    if mode == "deferred-postgres":
        return os.environ.get("WEBHOOK_RECEIVER_REQUIRE_POSTGRES") != "1"
    if mode == "deferred-celery":
        return os.environ.get("WEBHOOK_RECEIVER_REQUIRE_REDIS") != "1"
    return False


@pytest.mark.parametrize(
    ("worker", "modes"),
    [
        ("async", MODES),
        # The in-app Worker as threads: Celery runs its own worker, so it is left out.
        ("threads", tuple(mode for mode in MODES if mode != "deferred-celery")),
    ],
)
def test_quick_run_processes_every_event_exactly_once(
    tmp_path: Path, bench: Any, worker: str, modes: tuple[str, ...]
) -> None:
    options = ["--worker", worker, "--delay-ms", "5"]
    if modes != MODES:
        options += ["--modes", ",".join(modes)]
    figures, output = run_quick(tmp_path, *options)
    assert figures["failures"] == []
    assert "checks: all passed" in output
    assert output.splitlines()[2].startswith("# $ python benchmarks/bench_deferred.py --quick")
    group_commit = bench.supports_group_commit()
    skipped = figures["skipped"]
    for mode, reason in skipped.items():
        assert may_skip(mode, group_commit), f"{mode} was skipped: {reason}"
        assert f"# skipped {mode}: {reason}" in output
    assert ("deferred-machine-nogroup" in skipped) is (not group_commit)
    ran = [mode for mode in modes if mode not in skipped]
    assert figures["modes"] == ran
    assert sorted(r["mode"] for r in figures["rounds"]) == sorted(ran)
    for result in figures["rounds"]:
        assert result["requests"] == result["acknowledged"] == 100, result
        assert result["bad"] == {}
        assert result["processed_s"] > 0
    assert set(figures["summary"]) == set(ran)
    assert figures["summary"]["inline"]["ack_ratio"] == 1.0
    checks = figures["checks"]
    assert checks["acknowledged"] == checks["handler_runs"] == len(ran) * 120
    assert (checks["missing"], checks["twice"], checks["unexpected"]) == (0, 0, 0)
    deferred = [mode for mode in ran if mode.startswith("deferred-")]
    assert set(checks["inbox_counts"]) == set(deferred)
    for mode in deferred:
        wanted = CELERY_DONE if mode == "deferred-celery" else INBOX_DONE
        assert checks["inbox_counts"][mode] == wanted, mode


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The benchmark module, imported from ``benchmarks/`` (its app module is its neighbour)."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    monkeypatch.delenv("DEFERRED_BENCH_DIR", raising=False)
    import bench_deferred

    return bench_deferred


def test_the_exactly_once_check_is_not_vacuous(tmp_path: Path, bench: Any) -> None:
    # A handler log with an event run twice, one never run and one never acknowledged.
    (tmp_path / "handler-runs.log").write_text("inline a 1.0\ninline a 2.0\ninline c 3.0\n")
    run = bench.Run(acknowledged={"a", "b"})
    checks = bench.final_checks(run, tmp_path, "", {})
    assert (checks["missing"], checks["twice"], checks["unexpected"]) == (1, 1, 1)
    assert len(run.failures) == 3
    # An inbox that counts fewer done events than were acknowledged to it fails too.
    run = bench.Run()
    run.deferred_sent["deferred-machine"] = 1
    tally = bench.InboxTally(bench.SQLiteInbox(tmp_path / "inbox.sqlite3"))
    try:
        bench.final_checks(run, tmp_path, "", {"deferred-machine": tally})
    finally:
        tally.close()
    assert any("deferred-machine inbox counts" in failure for failure in run.failures)
    # A traceback in the Celery worker's log fails the run (no handler log: no runs, none missing).
    run = bench.Run()
    bench.final_checks(run, tmp_path / "elsewhere", "", {}, "Traceback (most recent call last):")
    assert run.failures == ["the Celery worker logged a traceback"]


def test_the_celery_check_is_not_vacuous(tmp_path: Path, bench: Any, redis_url: str) -> None:
    prefix, queue = f"bench-test-{os.getpid()}:", "the-queue"
    (tmp_path / "celery-tasks.log").write_text("ready 1\nsuccess a\nsuccess b\nretry c\nfailure c\n")
    client = redis.Redis.from_url(redis_url)
    try:
        # A message left in the queue, one left unacknowledged, an event still claimed in the store.
        client.rpush(f"{prefix}{queue}", "message")
        client.hset(f"{prefix}unacked", "tag", "message")
        client.set(f"{prefix}store:one", "done|x|9")
        client.set(f"{prefix}store:two", "processing|t|9")
        tally = bench.CeleryTally(tmp_path, redis_url, queue, prefix)
        assert tally.done() == 2
        run = bench.Run()
        run.deferred_sent["deferred-celery"] = 3
        checks = bench.final_checks(run, tmp_path, "", {"deferred-celery": tally})
        tally.close()
        assert checks["inbox_counts"]["deferred-celery"] == {
            "succeeded": 2,
            "retried": 1,
            "failed": 1,
            "queued": 1,
            "unacked": 1,
            "store_done": 1,
            "store_other": 1,
        }
        assert any("deferred-celery inbox counts" in failure for failure in run.failures)
    finally:
        bench._delete_keys(client, prefix)
        assert list(client.scan_iter(match=f"{prefix}*")) == []
        client.close()


@contextmanager
def nothing() -> Iterator[None]:
    yield None


def test_modes_whose_back_end_is_missing_are_skipped_with_a_reason(
    bench: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bench_stores

    monkeypatch.setattr(bench_stores, "postgres_url", nothing)
    monkeypatch.setattr(bench_stores, "redis_url", nothing)
    monkeypatch.setattr(bench, "supports_group_commit", lambda: False)
    with ExitStack() as stack:
        backends = bench.prepare(stack, None, "test")
    assert backends.modes == ("inline-noop", "inline", "deferred-machine", "deferred-process")
    assert set(backends.skipped) == {"deferred-machine-nogroup", "deferred-postgres", "deferred-celery"}
    assert "group_commit" in backends.skipped["deferred-machine-nogroup"]
    assert "WEBHOOK_RECEIVER_POSTGRES_URL" in backends.skipped["deferred-postgres"]
    assert "WEBHOOK_RECEIVER_REDIS_URL" in backends.skipped["deferred-celery"]
    assert backends.environment["DEFERRED_BENCH_MODES"] == ",".join(backends.modes)
    # With group commit, the comparison runs; --modes picks a subset, with inline always.
    monkeypatch.setattr(bench, "supports_group_commit", lambda: True)
    with ExitStack() as stack:
        assert "deferred-machine-nogroup" in bench.prepare(stack, None, "test").modes
        chosen = bench.prepare(stack, bench.parse_args(["--modes", "deferred-process"]).modes, "test")
    assert chosen.modes == ("inline", "deferred-process")
    with pytest.raises(SystemExit):
        bench.parse_args(["--modes", "deferred-nothing"])


def test_inbox_contention_benchmark_runs_both_variants(tmp_path: Path) -> None:
    script = BENCHMARKS / "bench_inbox_contention.py"
    result = subprocess.run(
        [sys.executable, str(script), "--rounds", "1", "--puts", "10", "--durability", "process"],
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0] + " " + line.split()[1] for line in result.stdout.splitlines()[2:]}
    assert rows == {"writer lock", "no lock"}
