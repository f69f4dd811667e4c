"""Moved to :mod:`webhook_receiver.delivery.redis_store`; this path keeps working.

``from webhook_receiver.redis_store import RedisStore`` (the ``redis`` extra).
"""

from __future__ import annotations

from .delivery.redis_store import RedisStore

__all__ = ["RedisStore"]
