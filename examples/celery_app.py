"""Scaling out: a FastAPI app that hands verified webhooks to Celery workers.

    pip install 'webhook-receiver[fastapi,uvicorn,celery,redis]'
    cd examples
    # the web process(es): verify, publish one task per event, answer once Redis has it
    uvicorn celery_app:app --host 127.0.0.1 --port 8000 --workers 4
    # the worker(s), on this machine or any other that reaches Redis: run the handlers
    celery -A celery_app:celery worker --loglevel=INFO

Both commands import this module, so both sides know the same receivers: the web
side publishes each verified Kourier or Courier event as a Celery task and answers
(202 for Kourier, the 200 Courier asks for) only after the broker accepted it; the
worker rebuilds the typed event and runs the handlers below, retrying failures
with a backoff. One Redis (``REDIS_URL``, default ``redis://127.0.0.1:6379/0``) is
the Celery broker and the idempotency store that every web and worker process
shares, so a duplicate delivery runs its handlers once. Secrets come from the
environment (KOURIER_TOKEN, COURIER_SIGNING_SECRET), with demo defaults.
"""

from __future__ import annotations

import logging
import os

from celery import Celery
from fastapi import FastAPI

from webhook_receiver import Receiver, RetryPolicy, providers
from webhook_receiver.adapters.asgi import WebhookMiddleware
from webhook_receiver.celery_inbox import CeleryInbox
from webhook_receiver.providers import courier, kourier
from webhook_receiver.redis_store import RedisStore

log = logging.getLogger("examples.celery")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
received: list[str] = []
"""What the handlers saw in this process, newest last (the tests read it)."""

celery = Celery("webhooks", broker=REDIS_URL)
celery.conf.update(
    broker_transport_options={
        # Above the longest retry backoff (RetryPolicy's default tops out at 128 s)
        # and the longest handler: an unacknowledged task comes back after this.
        "visibility_timeout": 3600,
        # A Redis that stops answering fails the publish (503) instead of hanging it.
        "socket_connect_timeout": 5,
        "socket_timeout": 10,
    },
    worker_prefetch_multiplier=1,  # tasks are acknowledged late: hold one at a time
    broker_connection_retry_on_startup=True,
)
inbox = CeleryInbox(celery, retry=RetryPolicy(max_attempts=8))
store = RedisStore.from_url(REDIS_URL)

kourier_receiver = Receiver(
    providers.Kourier(token=os.environ.get("KOURIER_TOKEN", "demo-kourier-token")), inbox=inbox, store=store
)
courier_receiver = Receiver(
    providers.Courier(secret=os.environ.get("COURIER_SIGNING_SECRET", "demo-courier-secret")),
    inbox=inbox,
    store=store,
)


@kourier_receiver.on(kourier.DeliveryUpdated)
def delivery_updated(event: kourier.DeliveryUpdated) -> None:
    # Runs in a Celery worker. Handlers run at least once: pass the event's key to
    # anything whose effect must not repeat (a payment, an email).
    key = kourier_receiver.event_key(event)
    received.append(f"kourier {event.delivery_id} {event.status}")
    log.info("delivery %s is now %s (event %s)", event.delivery_id, event.status, key)


@courier_receiver.on(courier.MessageUpdated)
def message_updated(event: courier.MessageUpdated) -> None:
    received.append(f"courier {event.message.id} {event.message.status}")
    log.info("Courier message %s is %s", event.message.id, event.message.status)


app = FastAPI(title="webhook-receiver Celery example")
app.add_middleware(
    WebhookMiddleware, routes={"/hooks/kourier": kourier_receiver, "/hooks/courier": courier_receiver}
)


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}
