"""The machine line every benchmark prints: cores, CPU model, Python version."""

from __future__ import annotations

import os
import platform
from contextlib import suppress


def machine() -> str:
    """``<n> cores, <cpu model>, Python <version>`` (the model from /proc/cpuinfo where there is one)."""
    model = platform.processor() or platform.machine()
    with suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores, {model}, Python {platform.python_version()}"
