"""A smoke run of ``benchmarks/bench_wrk.py --quick`` through real servers and ``wrk``, so it never rots.

The benchmark runs as its own process, as it does by hand: it starts uvicorn and two
gunicorns, checks every route (a valid request answers 200, a wrong signature 401 on
every verifying route) and loads each with ``wrk`` for a second. Only correctness is
asserted: the exit status, the checks and no non-2xx answer or socket error under
load, never a rate or a latency (test machines are noisy). Without ``wrk`` (Debian's
package) the test is skipped with a reason, unless ``WEBHOOK_RECEIVER_REQUIRE_WRK=1``
says it must be there.
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
SCRIPT = BENCHMARKS / "bench_wrk.py"
PROCESS_TIMEOUT = 300  # --quick takes about a minute; this bounds a hung server or wrk
FRAMEWORKS = ("asgi", "flask", "django")
PROVIDERS = ("standard-webhooks", "stripe", "slack", "courier", "kourier")


def require_wrk() -> None:
    if shutil.which("wrk") is None:
        if os.environ.get("WEBHOOK_RECEIVER_REQUIRE_WRK") == "1":
            pytest.fail("WEBHOOK_RECEIVER_REQUIRE_WRK=1 but wrk is not installed (apt-get install wrk)")
        pytest.skip(
            "wrk is not installed (apt-get install wrk); WEBHOOK_RECEIVER_REQUIRE_WRK=1 makes this a failure"
        )


def test_quick_run_checks_every_route(tmp_path: Path) -> None:
    require_wrk()
    figures_path = tmp_path / "figures.json"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--json", str(figures_path)],
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT,
        check=False,
        cwd=tmp_path,
    )
    output = f"{result.stdout}\n{result.stderr}"
    assert result.returncode == 0, f"bench_wrk exited {result.returncode}:\n{output}"
    assert "checks: all passed" in result.stdout
    figures: dict[str, Any] = json.loads(figures_path.read_text())
    assert figures["problems"] == []
    assert figures["body_size"] == 1024

    measured = {(m["framework"], m["route"], m["provider"]) for m in figures["measurements"]}
    expected = {(framework, "/bare", "standard-webhooks") for framework in FRAMEWORKS}
    expected |= {
        (framework, path, provider)
        for framework in FRAMEWORKS
        for provider in PROVIDERS
        for path in ("/bare-json", f"/ours/{provider}", f"/theirs/{provider}")
    }
    assert measured == expected
    for measurement in figures["measurements"]:
        assert measurement["requests"] > 0, measurement
        assert measurement["non_2xx"] == 0, measurement
        assert not any(measurement["socket_errors"].values()), measurement

    rows = {(row["framework"], row["provider"]) for row in figures["summary"]}
    assert rows == {(framework, provider) for framework in FRAMEWORKS for provider in PROVIDERS}
    for row in figures["summary"]:
        assert set(row["ratios"]) == {"ours/json", "ours/bare", "theirs/json", "ours/theirs"}
