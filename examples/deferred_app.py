"""Answer Courier at once, process later: a deferred receiver with an in-app worker.

    pip install 'webhook-receiver[starlette,uvicorn]'
    python examples/deferred_app.py            # serves on http://127.0.0.1:8000

Each verified event is committed to a SQLite inbox (``WEBHOOK_INBOX``, default
``inbox.sqlite3``) before Courier gets its 200; a worker started with the app's
lifespan runs the handlers, retrying failures with backoff. Events that keep
failing are kept as dead letters::

    webhook-receiver inbox list --state dead --inbox inbox.sqlite3
    webhook-receiver inbox retry --dead --inbox inbox.sqlite3

To run the handlers in processes of their own instead, leave the lifespan out and
start ``webhook-receiver worker deferred_app:receiver`` (from this directory).
"""

from __future__ import annotations

import logging
import os

from starlette.applications import Starlette

from webhook_receiver import Receiver, RetryPolicy, SQLiteInbox, Worker, providers
from webhook_receiver.adapters.asgi import WebhookMiddleware
from webhook_receiver.providers import courier

log = logging.getLogger("examples.deferred")
delivered: list[str] = []
"""Message ids the handler processed, newest last (the tests read it)."""

inbox = SQLiteInbox(os.environ.get("WEBHOOK_INBOX", "inbox.sqlite3"))
receiver = Receiver(
    providers.Courier(secret=os.environ.get("COURIER_SIGNING_SECRET", "demo-courier-secret")),
    inbox=inbox,
)
worker = Worker(inbox, concurrency=4, retry=RetryPolicy(max_attempts=10))


@receiver.on(courier.MessageUpdated)
def message_updated(event: courier.MessageUpdated) -> None:
    # Slow work is fine here: Courier already has its 200.
    delivered.append(event.message.id)
    log.info("message %s is %s", event.message.id, event.message.status)


app = WebhookMiddleware(
    Starlette(lifespan=worker.lifespan),
    routes={"/webhooks/courier": receiver},
)

if __name__ == "__main__":
    import uvicorn

    logging.basicConfig(level=logging.INFO)
    uvicorn.run(app, host="127.0.0.1", port=8000)
