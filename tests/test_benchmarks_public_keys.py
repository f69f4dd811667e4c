"""A smoke run of ``benchmarks/bench_public_keys.py``, so the benchmark never rots.

It checks the figures' shape (every provider, every candidate, the floor at exactly
1.0), never their values: speed is measured by the benchmark, not asserted here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_public_keys_measures_every_candidate_against_the_floor(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    script = "benchmarks/bench_public_keys.py"
    result = subprocess.run(
        [sys.executable, script, "--rounds", "1", "--repeat", "3", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    rows = json.loads(out.read_text())["rows"]
    found = {(row["provider"], row["candidate"]) for row in rows}
    assert found == {
        (provider, candidate)
        for provider in ("discord", "standard-webhooks-v1a", "sendgrid")
        for candidate in ("floor", "by_hand", "webhook_receiver")
    }
    assert all(row["ratio"] == 1.0 for row in rows if row["candidate"] == "floor")
    assert all(row["median_us"] > 0 for row in rows)
