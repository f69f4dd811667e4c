"""The benchmarks' smoke tests run a script as a user would and read back what it wrote."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
PROVIDERS = (
    "courier",
    "stripe",
    "standard-webhooks",
    "slack",
    "github",
    "customerio",
    "kourier",
    "xtremepush",
)
"""The providers ``count_targets.py`` counts (the ones the project started from), in its order."""
EVERY_PROVIDER = (
    *PROVIDERS,
    *("basic", "bearer", "calendly", "clerk", "courier-channel", "customerio-reporting", "gitlab", "hmac"),
    *("intercom", "linear", "meta", "paddle", "postmark", "resend", "shopify", "square", "twitch"),
    *("typeform", "vercel", "zendesk", "zoom"),
)
"""The providers ``bench_handle.py`` times by default: every one with a one-MAC or token
floor (aws-sns, discord, sendgrid, mailgun and twilio have none)."""


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
