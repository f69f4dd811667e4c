"""The optional compiled fast path of HMAC verification, and the switch that turns it off.

``webhook_receiver._speedups`` is a small C extension (``_speedups.c``) built at
install time when a C compiler and Python's headers are at hand; the install goes on
without it otherwise, as markupsafe's speedups do. When it is importable, the
providers whose scheme is one of ``KeyedListSignature`` (Stripe, Courier, Paddle,
Calendly), ``HmacSignature`` without signed headers (GitHub, Slack, Customer.io,
Shopify, ...) or ``StandardWebhooksSignature`` verify through it
(``_schemes.compiled_checker``).

It only ever accepts: for the usual, well-formed request it reads the headers, checks
the timestamp and the MAC (the same precomputed ``hashlib`` states, the same
:func:`hmac.compare_digest`) and returns the same ``Verified`` the Python scheme
would; anything else, every error included, is decided by the Python scheme, so
errors and their messages have one source. ``tests/test_speedups.py`` holds it to
that against the Python schemes.

``WEBHOOK_RECEIVER_PURE_PYTHON=1`` in the environment ignores the extension (read
once, at import): the whole library then runs the pure-Python code, as on a machine
where it was never built.
"""

from __future__ import annotations

import os
from importlib import import_module
from types import ModuleType

__all__ = ["PURE_PYTHON_VARIABLE", "compiled"]

PURE_PYTHON_VARIABLE = "WEBHOOK_RECEIVER_PURE_PYTHON"
"""The environment variable that, set to anything but ``""`` or ``"0"``, ignores the extension."""


def _load() -> ModuleType | None:
    if os.environ.get(PURE_PYTHON_VARIABLE, "") not in ("", "0"):
        return None
    try:
        # By name: a C module has no source for import-linter to place in a layer.
        return import_module("webhook_receiver._speedups")
    except ImportError:
        return None


compiled: ModuleType | None = _load()
"""``webhook_receiver._speedups``, or ``None`` when it is not built or switched off."""
