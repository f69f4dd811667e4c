"""What each process of tests/test_concurrency.py runs: receive one signed event, concurrently."""

from __future__ import annotations

import json
import os
from typing import Any

from webhook_receiver import Event, IdempotencyStore, Receiver, SQLiteStore, providers

NOW = 1_700_000_000.0
TOKEN = "concurrency-token"
PAYLOAD = {
    "event": "delivery.updated",
    "delivery_id": "race-1",
    "status": "delivered",
    "timestamp": "2024-09-14T14:30:00Z",
}


def make_store(kind: str, location: str) -> IdempotencyStore:
    if kind == "sqlite":
        return SQLiteStore(location, timeout=30)
    if kind == "postgres":
        from webhook_receiver.postgres import PostgresStore

        url, table = location.split("#", 1)
        return PostgresStore(url, table=table, timeout=30)
    from webhook_receiver.redis_store import RedisStore

    url, prefix = location.split("#", 1)
    return RedisStore.from_url(url, prefix=prefix)


def make_receiver(store: IdempotencyStore, log_path: str) -> Receiver:
    receiver = Receiver(providers.Kourier(token=TOKEN), store=store)

    @receiver.on("delivery.updated")
    def record(event: Event) -> None:
        # O_APPEND writes of one short line are atomic: every run leaves exactly one line.
        fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, f"{os.getpid()}\n".encode())
        finally:
            os.close(fd)

    return receiver


def request() -> tuple[dict[str, str], bytes]:
    body = json.dumps(PAYLOAD).encode()
    return {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}, body


def deliver(kind: str, location: str, log_path: str, barrier: Any, statuses: Any) -> None:
    """Build a receiver, wait for every process to be ready, then deliver the same event."""
    store = make_store(kind, location)
    receiver = make_receiver(store, log_path)
    headers, body = request()
    barrier.wait(timeout=60)
    statuses.put(receiver.handle("POST", headers, body, now=NOW).status)
    close = getattr(store, "close", None)
    if close is not None:
        close()
