"""The machine line every benchmark prints (cores, CPU model, Python version), the disk's fsync,
and the timing loop of the micro-benchmarks."""

from __future__ import annotations

import gc
import os
import platform
import statistics
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path


def machine() -> str:
    """``<n> cores, <cpu model>, Python <version>`` (the model from /proc/cpuinfo where there is one)."""
    model = platform.processor() or platform.machine()
    with suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores, {model}, Python {platform.python_version()}"


def filesystem(path: Path) -> str:
    """The type of the filesystem holding ``path`` (the longest mount point above it), from /proc/mounts."""
    best, kind = "", "?"
    with suppress(OSError), open("/proc/mounts", encoding="utf-8") as mounts:
        for line in mounts:
            fields = line.split()
            if len(fields) >= 3 and str(path).startswith(fields[1]) and len(fields[1]) > len(best):
                best, kind = fields[1], fields[2]
    return kind


def fsync_ms(directory: Path, writes: int = 50) -> float:
    """The median time of a 4 KiB write plus ``fsync`` in ``directory``: what ``synchronous=FULL`` pays."""
    probe = directory / "fsync-probe"
    times = []
    descriptor = os.open(probe, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for _ in range(writes):
            started = time.perf_counter()
            os.write(descriptor, b"\0" * 4096)
            os.fsync(descriptor)
            times.append(time.perf_counter() - started)
    finally:
        os.close(descriptor)
        probe.unlink()
    return statistics.median(times) * 1000


def time_once(fn: Callable[[], object], calls: int, *, pause_collector: bool = False) -> float:
    """Nanoseconds per call of ``fn`` over ``calls`` calls in a row; with
    ``pause_collector``, the garbage collector paused meanwhile (as ``timeit`` pauses it)."""
    paused = pause_collector and gc.isenabled()
    if paused:
        gc.disable()
    try:
        start = time.perf_counter_ns()
        for _ in range(calls):
            fn()
        return (time.perf_counter_ns() - start) / calls
    finally:
        if paused:
            gc.enable()
