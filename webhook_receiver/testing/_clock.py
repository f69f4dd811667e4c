"""A clock that stands still until a test moves it.

::

    clock = FrozenClock()
    receiver = Receiver(providers.create("stripe", secret="whsec_test", clock=clock))
    headers = sign("stripe", body, secret="whsec_test", timestamp=clock())
    clock.advance(301)  # now the signature is five minutes and a second old: 401

Providers take any ``clock`` callable returning unix seconds; this one returns the
same time until :meth:`FrozenClock.advance` or :meth:`FrozenClock.set` changes it,
so tolerance checks (and idempotency leases) can be tested to the second without
sleeping or patching ``time.time``.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

__all__ = ["FrozenClock"]


def _seconds(value: object, what: str) -> float:
    # bool is an int, but True seconds is always a mistake.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{what} must be a number of seconds, not {type(value).__name__}")
    seconds = float(value)
    if not math.isfinite(seconds):
        raise ValueError(f"{what} must be finite, not {seconds}")
    return seconds


class FrozenClock:
    """A ``clock`` for providers that returns a fixed unix time until moved.

    Call it (``clock()``) for the time, as providers do. The pytest fixture
    ``webhook_clock`` is one of these, shared by ``webhook_signer`` and
    ``post_webhook``, so what they sign is fresh relative to it.

    Args:
        now: the starting time, unix seconds (default 1_700_000_000.0, that is
            2023-11-14T22:13:20Z), or a timezone-aware ``datetime``.
    """

    __slots__ = ("_now",)

    def __init__(self, now: float | datetime = 1_700_000_000.0) -> None:
        self._now = 0.0
        self.set(now)

    def __call__(self) -> float:
        """The current frozen time, unix seconds."""
        return self._now

    @property
    def now(self) -> float:
        """The current frozen time, unix seconds (the same as calling the clock)."""
        return self._now

    def set(self, now: float | datetime) -> float:
        """Move the clock to ``now`` (unix seconds, or an aware ``datetime``); return it.

        Raises:
            TypeError: ``now`` is neither a number nor a ``datetime``.
            ValueError: ``now`` is a naive ``datetime``, or not finite.
        """
        if isinstance(now, datetime):
            if now.tzinfo is None or now.utcoffset() is None:
                raise ValueError("FrozenClock needs a timezone-aware datetime (a naive one has no unix time)")
            self._now = now.timestamp()
        else:
            self._now = _seconds(now, "the time")
        return self._now

    def advance(self, seconds: float | timedelta) -> float:
        """Move the clock by ``seconds`` (a number or a ``timedelta``; negative goes back); return the time.

        Raises:
            TypeError: ``seconds`` is neither a number nor a ``timedelta``.
            ValueError: ``seconds`` is not finite.
        """
        step = seconds.total_seconds() if isinstance(seconds, timedelta) else _seconds(seconds, "seconds")
        return self.set(self._now + step)

    def __repr__(self) -> str:
        return f"FrozenClock({self._now!r})"
