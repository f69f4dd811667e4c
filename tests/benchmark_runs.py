"""The benchmarks' smoke tests run a script as a user would and read back what it wrote."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
PROVIDERS = ("courier", "stripe", "standard-webhooks", "slack", "github", "customerio", "kourier")
"""The providers ``count_targets.py`` and ``bench_handle.py`` measure, in their order."""


def run_for_figures(script: str, options: Sequence[str], figures: Path) -> tuple[str, list[dict[str, Any]]]:
    """Run ``benchmarks/<script>`` with ``options`` and ``--json figures``; require it to
    succeed, and return what it printed and the rows of the JSON it wrote."""
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *options, "--json", str(figures)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    rows: list[dict[str, Any]] = json.loads(figures.read_text())["rows"]
    return result.stdout, rows
