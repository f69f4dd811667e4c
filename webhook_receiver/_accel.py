"""The optional compiled fast path of verification and events, and the switch that turns it off.

``webhook_receiver._speedups`` is a small C extension (``_speedups.c``), built into the
binary wheels (cibuildwheel: ``pyproject.toml``, ``.github/workflows/wheels.yml``) and,
from the sdist, at install time when a C compiler and Python's headers are at hand; the
install goes on without it otherwise, as markupsafe's speedups do. When it is importable, the
providers whose scheme is one of ``KeyedListSignature`` (Stripe, Courier, Paddle,
Calendly), ``HmacSignature`` without signed headers (GitHub, Slack, Customer.io,
Shopify, ...) or ``StandardWebhooksSignature`` verify through it
(``_schemes.compiled_checker``), and every ``Receiver`` prechecks the usual request
through it (a known method, one ``Content-Length`` within the limit, one accepted
``Content-Type``: ``_speedups.Prechecker``), and event times that are an int of unix
seconds or milliseconds, or ISO 8601 text in UTC, become datetimes in C (``_events.to_datetime``:
``_speedups.TimeConverter``, the same datetime ``datetime.fromtimestamp`` makes). Bearer
tokens verify through it too; events are constructed through it (``_events.constructor``:
``_speedups.RecordMaker``), Kourier's and Customer.io's typed events and Courier's
messages are built from the usual payload by it (``_events.event_builder``:
``_speedups.EventBuilder``), with orjson installed the check before orjson decodes a body
is its ``json_fits``, the bodies orjson does not decode (all of them without orjson) are
decoded by its JSON decoder (the standard decoder's value for the usual body, read from
the bytes: ``_events.decode_json``, ``_speedups.JsonDecoder``), ``Headers.getlist`` over
the usual pairs is its ``header_values``, and the Flask and Django adapters take their
headers from the environ with its ``environ_pairs`` and ``environ_dict``
(``adapters._environ``).

Each only ever accepts: for the usual, well-formed request the verifier reads the headers, checks
the timestamp and the MAC (the same precomputed ``hashlib`` states, or for SHA-256 on a
CPU with the SHA extensions its own HMAC from the same padded key, ``_speedups.Sha256Key``;
the same :func:`hmac.compare_digest`) and returns the same ``Verified`` the Python
scheme would; anything else, every error included, is decided by the Python scheme, so
errors and their messages have one source. ``tests/test_speedups.py`` holds it to
that against the Python schemes.

``WEBHOOK_RECEIVER_PURE_PYTHON=1`` in the environment ignores the extension (read
once, at import): the whole library then runs the pure-Python code, as on a machine
where it was never built.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module
from types import ModuleType

__all__ = ["PURE_PYTHON_VARIABLE", "compiled", "pure_python", "status"]

PURE_PYTHON_VARIABLE = "WEBHOOK_RECEIVER_PURE_PYTHON"
"""The environment variable that, set to anything but ``""`` or ``"0"``, ignores the extension."""


def _switched_off() -> bool:
    return os.environ.get(PURE_PYTHON_VARIABLE, "") not in ("", "0")


def _load() -> ModuleType | None:
    if _switched_off():
        return None
    try:
        # By name: a C module has no source for import-linter to place in a layer.
        return import_module("webhook_receiver._speedups")
    except ImportError:
        return None


compiled: ModuleType | None = _load()
"""``webhook_receiver._speedups``, or ``None`` when it is not built or switched off."""


def status() -> str:
    """``"used"``, ``"switched off"`` (by the environment variable) or ``"not built"``."""
    if compiled is not None:
        return "used"
    if _switched_off():
        return "switched off"
    return "not built"


@contextmanager
def pure_python() -> Iterator[None]:
    """Providers and schemes created inside the block use the pure-Python code only.

    For tests and benchmarks that compare the two paths in one process; what was
    created before or after keeps the compiled path. Not thread-safe: it swaps this
    module's global.
    """
    global compiled
    saved, compiled = compiled, None
    try:
        yield
    finally:
        compiled = saved
