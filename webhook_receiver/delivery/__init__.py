"""Delivering events: where accepting a request ends and processing it begins.

Everything here implements the small protocols the receiver owns
(``IdempotencyStore`` and ``Inbox``, in ``webhook_receiver._handoff``) and depends on
the accepting side, never the reverse: a receiver is configured with a store or an
inbox, and a :class:`Worker` is handed the receivers whose handlers it runs.

- :mod:`.stores`: ``MemoryStore`` and ``SQLiteStore`` (each event's handlers run once);
- :mod:`.redis_store`: ``RedisStore`` (the ``redis`` extra), for many instances;
- :mod:`.inbox`: ``SQLiteInbox``, the durable inbox of deferred mode, its records, and
  ``DurableInbox``, the protocol every inbox a worker runs implements;
- :mod:`.postgres`: ``PostgresStore`` and ``PostgresInbox`` (the ``postgres`` extra),
  for apps on many machines;
- :mod:`.worker`: ``Worker``, which runs any durable inbox's events with their receivers;
- :mod:`.celery_inbox`: ``CeleryInbox`` (the ``celery`` extra): deferred mode on Celery.

The Redis, PostgreSQL and Celery modules are imported only when asked for; the rest is the
standard library.
"""

from __future__ import annotations

from .._handoff import Claim, ClaimStatus, IdempotencyStore, Inbox, InboxEntry
from ._sqlite import DatabaseMoved
from .inbox import (
    DEFAULT_MAX_ATTEMPTS,
    Arrivals,
    AttachedReceivers,
    Delivery,
    DurableInbox,
    InboxRecord,
    InboxState,
    RetryPolicy,
    SQLiteInbox,
)
from .stores import MemoryStore, SQLiteStore
from .worker import DEFAULT_WORKER_LEASE, Worker

__all__ = [
    "DEFAULT_MAX_ATTEMPTS",
    "DEFAULT_WORKER_LEASE",
    "Arrivals",
    "AttachedReceivers",
    "Claim",
    "ClaimStatus",
    "DatabaseMoved",
    "Delivery",
    "DurableInbox",
    "IdempotencyStore",
    "Inbox",
    "InboxEntry",
    "InboxRecord",
    "InboxState",
    "MemoryStore",
    "RetryPolicy",
    "SQLiteInbox",
    "SQLiteStore",
    "Worker",
]
