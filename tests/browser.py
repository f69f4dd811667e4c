"""Headless Chromium for the tests that check a page in a real browser.

Debian's ``/usr/bin/chromium``, driven by Playwright (the Python package only: no
``playwright install``). The ``chromium`` fixture (tests/conftest.py) skips a test when
either is missing, unless ``WEBHOOK_RECEIVER_REQUIRE_BROWSER=1`` (CI), which makes that
a failure::

    pip install playwright
    apt-get install -y chromium
"""

from __future__ import annotations

import importlib.util
import os

import pytest

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "chromium_path"]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
"""Headless, and nothing that reaches beyond 127.0.0.1 on its own."""


def chromium_path() -> str:
    """Chromium's path, once Playwright and Chromium are both there; else skip (or fail in CI)."""
    if importlib.util.find_spec("playwright") is None:
        problem = "Playwright is not installed (pip install playwright)"
    elif not os.access(CHROMIUM, os.X_OK):
        problem = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    else:
        return CHROMIUM
    if os.environ.get("WEBHOOK_RECEIVER_REQUIRE_BROWSER") == "1":
        pytest.fail(f"WEBHOOK_RECEIVER_REQUIRE_BROWSER=1 but {problem}")
    pytest.skip(problem)
