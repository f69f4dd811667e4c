"""PostgreSQL back ends: ``from webhook_receiver.postgres import PostgresInbox, PostgresStore``.

Needs ``pip install 'webhook-receiver[postgres]'``; the code lives in
:mod:`webhook_receiver.delivery.postgres`.
"""

from __future__ import annotations

from .delivery.postgres import (
    DEFAULT_INBOX_TABLE,
    DEFAULT_STORE_TABLE,
    PostgresInbox,
    PostgresStore,
    SchemaMissing,
    parse_url,
    redact,
)

__all__ = [
    "DEFAULT_INBOX_TABLE",
    "DEFAULT_STORE_TABLE",
    "PostgresInbox",
    "PostgresStore",
    "SchemaMissing",
    "parse_url",
    "redact",
]
