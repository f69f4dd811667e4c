"""A smoke run of ``benchmarks/bench_deferred.py --quick`` through a real uvicorn, so it never rots.

The benchmark runs as its own process, as it does by hand: it starts and stops the
server (inline and deferred receivers, a Worker per inbox in the app's lifespan) and
exits 0 only when every check passed. Only correctness is asserted here (statuses,
every acknowledged event processed exactly once, the inboxes' counts): never a rate
or a latency, because test machines are noisy.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
SCRIPT = BENCHMARKS / "bench_deferred.py"
PROCESS_TIMEOUT = 150  # --quick takes a few seconds; this bounds a hung server or drain
MODES = ("inline-noop", "inline", "deferred-machine", "deferred-process")


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


@pytest.mark.parametrize("worker", ["async", "threads"])
def test_quick_run_processes_every_event_exactly_once(tmp_path: Path, worker: str) -> None:
    figures, output = run_quick(tmp_path, "--worker", worker, "--delay-ms", "5")
    assert figures["failures"] == []
    assert "checks: all passed" in output
    assert output.splitlines()[2].startswith("# $ python benchmarks/bench_deferred.py --quick")
    rounds = figures["rounds"]
    assert sorted(r["mode"] for r in rounds) == sorted(MODES)
    for result in rounds:
        assert result["requests"] == result["acknowledged"] == 100, result
        assert result["bad"] == {}
        assert result["processed_s"] > 0
    assert set(figures["summary"]) == set(MODES)
    assert figures["summary"]["inline"]["ack_ratio"] == 1.0
    checks = figures["checks"]
    # 120 per mode: 20 warm-up and 100 measured.
    assert checks["acknowledged"] == checks["handler_runs"] == 4 * 120
    assert (checks["missing"], checks["twice"], checks["unexpected"]) == (0, 0, 0)
    for mode in ("deferred-machine", "deferred-process"):
        assert checks["inbox_counts"][mode] == {"pending": 0, "running": 0, "done": 120, "dead": 0}


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
    checks = bench.final_checks(run, tmp_path, "")
    assert (checks["missing"], checks["twice"], checks["unexpected"]) == (1, 1, 1)
    assert len(run.failures) == 3
    # An inbox that counts fewer done events than were acknowledged to it fails too.
    run = bench.Run()
    run.deferred_sent["deferred-machine"] = 1
    bench.final_checks(run, tmp_path, "")
    assert any("deferred-machine inbox counts" in failure for failure in run.failures)


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
