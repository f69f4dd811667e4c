"""The benchmarks' targets, in one place: the scripts print against them, ``run.py``
judges them and ``charts.py`` draws them (issue 8's, then issue 18's)."""

from __future__ import annotations

__all__ = [
    "COUNTS_HANDLE",
    "COUNTS_VERIFY",
    "HANDLE",
    "HTTP",
    "MEMORY",
    "PARSE",
    "VERIFY_COMPILED",
    "VERIFY_LARGE",
    "VERIFY_LARGE_FROM",
    "VERIFY_SMALL",
    "VERIFY_SMALL_SIZE",
    "WRK",
]

# Issue 8's.
VERIFY_SMALL, VERIFY_SMALL_SIZE = 1.15, 1024
"""Verification at 1 KiB at most this many times the raw HMAC floor's time."""
VERIFY_LARGE, VERIFY_LARGE_FROM = 1.03, 256 * 1024
"""From 256 KiB up, at most this many times the floor's time."""
PARSE = 1.5
"""Verify + parse + typed events at most this many times ``json.loads`` alone."""
HTTP = 0.9
"""``bench_http.py``: the adapter's requests/s at least this fraction of the bare endpoint's."""
MEMORY = 1.1
"""Peak extra memory to receive a body at most this many times its size."""

# Issue 18's.
WRK = 0.9
"""``bench_wrk.py``: our requests/s at least this fraction of a bare endpoint plus ``json.loads``'s."""
VERIFY_COMPILED = 1.0
"""``bench_verify.py``: with the compiled fast path, verification at 1 KiB at most the floor's time."""
COUNTS_VERIFY = 1.15
"""``count_targets.py``: verification's instructions at most this many times the floor's."""
HANDLE = 1.3
"""``bench_handle.py``: ``Receiver.handle`` at 1 KiB, and on a 1000-event batch, at most
this many times the floor's time plus ``json.loads``'s."""
COUNTS_HANDLE = HANDLE
"""``count_targets.py``: ``Receiver.handle``'s instructions at most this many times the
floor's plus ``json.loads``'s (the same target as :data:`HANDLE`, counted)."""
