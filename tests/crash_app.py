"""The app ``tests/test_crash.py`` kills: a deferred Courier receiver, its server and its workers.

Run as separate processes, with ``tests/`` on ``PYTHONPATH``::

    CRASH_INBOX=inbox.sqlite3 CRASH_EFFECTS=effects.sqlite3 uvicorn crash_app:app
    CRASH_INBOX=inbox.sqlite3 CRASH_EFFECTS=effects.sqlite3 webhook-receiver worker crash_app:receiver

or with ``CRASH_INBOX=postgresql://...`` and ``CRASH_TABLE=<table>``: the same on PostgreSQL.

The server only verifies, stores in the inbox and answers (no worker inside it); the
workers run the handler. The handler's effect is a row in a SQLite file of its own,
keyed on ``receiver.event_key(event)``: inserted on the first run, its ``runs``
counted up on any later one, so the test can tell "never ran", "ran once" and "ran
again after a kill". ``receiver`` and ``app`` are built on first access, from the
environment, so the test process can import the helpers below without an inbox.
"""

from __future__ import annotations

import functools
import json
import os
import random
import sqlite3
import threading
import time

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from webhook_receiver import DurableInbox, Receiver, SQLiteInbox
from webhook_receiver.adapters.asgi import WebhookMiddleware
from webhook_receiver.providers.courier import MessageUpdated
from webhook_receiver.testing import make_provider

INBOX_ENV = "CRASH_INBOX"
"""An SQLite file, or a ``postgresql://`` URL (then ``CRASH_TABLE`` names the table)."""
TABLE_ENV = "CRASH_TABLE"
EFFECTS_ENV = "CRASH_EFFECTS"
HOOK_PATH = "/hooks/courier"
HEALTH_PATH = "/health"
PROVIDER = make_provider("courier")  # the demo secret: the test signs with the same provider
EFFECTS_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS effects ("
    "key TEXT PRIMARY KEY, message_id TEXT NOT NULL, runs INTEGER NOT NULL, pid INTEGER NOT NULL)"
)
BEFORE_EFFECT = (0.001, 0.004)
AFTER_EFFECT = (0.001, 0.006)
"""Seconds the handler sleeps before and after committing its effect (uniformly random).

The pause after the commit is the window in which a kill makes the event run again
(the effect is stored, the inbox does not know yet); the pause before it is where
a kill costs only a retry.
"""


def body(message_id: str) -> bytes:
    """A Courier ``message:updated`` for message ``message_id``: one distinct event per id."""
    payload = {
        "type": "message:updated",
        "data": {"id": message_id, "status": "DELIVERED", "recipient": "crash-test", "event": "CRASH"},
    }
    return json.dumps(payload, separators=(",", ":")).encode()


_KEYS = Receiver(PROVIDER)


def event_key(message_id: str) -> str:
    """The key the app's receiver gives the event of :func:`body` (same provider, same namespace)."""
    payload = body(message_id)
    (event,) = PROVIDER.parse({"content-type": "application/json"}, payload)
    return _KEYS.event_key(event)


class Effects:
    """The handler's side effect: one row per event key, in its own SQLite file."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._local = threading.local()
        self._connect().execute(EFFECTS_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            # Autocommit: the one INSERT is its own transaction. WAL with NORMAL survives
            # the process being killed, which is all this test does to it.
            connection = sqlite3.connect(self._path, timeout=30, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            self._local.connection = connection
        return connection

    def record(self, key: str, message_id: str) -> None:
        """Insert the effect of ``key``, or count one more run of it."""
        self._connect().execute(
            "INSERT INTO effects (key, message_id, runs, pid) VALUES (?, ?, 1, ?) "
            "ON CONFLICT (key) DO UPDATE SET runs = runs + 1, pid = excluded.pid",
            (key, message_id, os.getpid()),
        )


def open_inbox(location: str, table: str | None = None) -> DurableInbox:
    """The inbox at ``location``: an SQLite file, or a table of a PostgreSQL database."""
    if location.startswith("postgresql://"):
        from webhook_receiver.postgres import PostgresInbox

        return PostgresInbox(location, table=table or "webhook_receiver_inbox", timeout=30)
    return SQLiteInbox(location)


def build(inbox_location: str, effects_path: str) -> Receiver:
    """The deferred receiver: events go to the inbox at ``inbox_location``, effects to ``effects_path``."""
    receiver = Receiver(PROVIDER, inbox=open_inbox(inbox_location, os.environ.get(TABLE_ENV)))
    effects = Effects(effects_path)

    @receiver.on(MessageUpdated)
    def record(event: MessageUpdated) -> None:
        time.sleep(random.uniform(*BEFORE_EFFECT))
        effects.record(receiver.event_key(event), event.message.id)
        time.sleep(random.uniform(*AFTER_EFFECT))

    return receiver


async def health(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


@functools.cache
def _from_environment() -> tuple[Receiver, Starlette]:
    receiver = build(os.environ[INBOX_ENV], os.environ[EFFECTS_ENV])
    app = Starlette(
        routes=[Route(HEALTH_PATH, health)],
        middleware=[Middleware(WebhookMiddleware, routes={HOOK_PATH: receiver})],
    )
    return receiver, app


def __getattr__(name: str) -> object:
    # ``uvicorn crash_app:app`` and ``webhook-receiver worker crash_app:receiver`` both
    # look the attribute up with getattr, which lands here.
    if name == "receiver":
        return _from_environment()[0]
    if name == "app":
        return _from_environment()[1]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
