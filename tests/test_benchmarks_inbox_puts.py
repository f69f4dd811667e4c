"""A tiny run of ``benchmarks/bench_inbox_puts.py``, so that it never rots.

The benchmark runs as its own process, as by hand, against this checkout's package.
Only what holds on any machine is asserted (its own checks passed, every row and
ratio printed, the command echoed): never a rate or a latency.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "bench_inbox_puts.py"


def run(tmp_path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *options],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_a_tiny_run_measures_both_variants_and_passes_its_checks(tmp_path: Path) -> None:
    options = ("--rounds", "2", "--threads", "1,3", "--puts", "12", "--durability", "process")
    result = run(tmp_path, *options)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "# $ python benchmarks/bench_inbox_puts.py " + " ".join(options)
    rows = {tuple(line.split()[:3]) for line in lines if line.split()[:1] in (["1"], ["3"])}
    assert {
        ("1", "group", "commit"),
        ("1", "one", "per"),
        ("3", "group", "commit"),
        ("3", "one", "per"),
    } <= rows
    title = next(n for n, line in enumerate(lines) if line.startswith("group commit / one per put"))
    ratios = [line.split() for line in lines[title + 2 : title + 4]]
    assert [row[0] for row in ratios] == ["1", "3"]
    assert all(len(row) == 4 and all(cell.endswith("x") for cell in row[1:]) for row in ratios)
    assert lines[-1] == "checks: all passed"


def test_the_checks_are_not_vacuous(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    import bench_inbox_puts  # type: ignore[import-not-found]

    fine = {"stored": 10.0, "puts": 10.0, "puts/commit": 1.0}
    assert bench_inbox_puts.checks({(1, "group commit"): [fine], (4, "one per put"): [fine]}) == []
    failures = bench_inbox_puts.checks(
        {
            (4, "group commit"): [{**fine, "stored": 9.0, "puts/commit": 3.0}],  # a put lost
            (1, "group commit"): [{**fine, "puts/commit": 2.0}],  # a lone put waited for another
            (4, "one per put"): [{**fine, "puts/commit": 1.5}],  # grouped without being asked
        }
    )
    assert len(failures) == 3, failures


def test_bad_settings_are_refused(tmp_path: Path) -> None:
    for options in (["--threads", "0"], ["--threads", "four"], ["--rounds", "0"], ["--puts", "0"]):
        result = run(tmp_path, *options)
        assert result.returncode == 2, options
