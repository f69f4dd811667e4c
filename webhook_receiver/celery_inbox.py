"""Moved to :mod:`webhook_receiver.delivery.celery_inbox`; this path keeps working.

``from webhook_receiver.celery_inbox import CeleryInbox`` (the ``celery`` extra).
"""

from __future__ import annotations

from .delivery.celery_inbox import DEFAULT_TASK_NAME, CeleryInbox, DeadEvent

__all__ = ["DEFAULT_TASK_NAME", "CeleryInbox", "DeadEvent"]
