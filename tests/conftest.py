"""Shared fixtures: a fixed clock, and the known-answer vectors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

NOW = 1_700_000_000
"""The fixed "now" every vector was signed against (2023-11-14T22:13:20Z)."""

VECTORS: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "vectors" / "verification.json").read_text()
)


@pytest.fixture
def now() -> float:
    """A fixed clock reading, in unix seconds."""
    return float(NOW)
