"""The Celery app of tests/test_celery.py, imported by the test process and by its worker processes.

``WEBHOOK_RECEIVER_CELERY_URL`` names one Redis database that is at once the broker,
the receivers' idempotency store and the channel through which handlers report to
the test (``RPUSH``; the test ``BLPOP``s with a timeout). Worker processes are
started as ``python -m celery -A tests.celery_app worker --pool=solo -Q <QUEUE>``.

Kourier events behave by their ``delivery_id``'s prefix: ``ok-`` succeeds,
``flaky-`` fails twice then succeeds, ``doomed-`` always fails, and ``slow-`` blocks
on its first attempt (until the test kills the worker) and succeeds on the next.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

import redis
from celery import Celery
from celery.signals import task_failure, task_retry, worker_ready

from webhook_receiver import Receiver, RetryPolicy, providers
from webhook_receiver.celery_inbox import CeleryInbox
from webhook_receiver.providers import courier, kourier
from webhook_receiver.redis_store import RedisStore

URL = os.environ.get("WEBHOOK_RECEIVER_CELERY_URL", "redis://127.0.0.1:6379/5")
QUEUE = "webhook-receiver-tests"
KOURIER_TOKEN = "celery-kourier-token"
COURIER_SECRET = "celery-courier-secret"
MAX_ATTEMPTS = 3
VISIBILITY_TIMEOUT = 3
"""Seconds before Redis gives an unacknowledged task to another worker: small, so the
killed-worker test is quick (the retries' countdowns are far shorter)."""

# redis-py times a read out after 5 s by default: longer than the test's BLPOPs wait.
signals = redis.Redis.from_url(URL, socket_timeout=60)

# The result backend keeps dead letters (failed tasks, with their arguments); the
# results of tasks that succeeded are not kept (the task ignores them).
app = Celery("webhook_receiver_tests", broker=URL, backend=URL)
app.conf.update(
    result_extended=True,
    broker_transport_options={
        "visibility_timeout": VISIBILITY_TIMEOUT,
        # Look for abandoned tasks every second, not every 100 (kombu's default).
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    },
    broker_connection_retry_on_startup=True,
    worker_prefetch_multiplier=1,
    worker_redirect_stdouts=False,
)

inbox = CeleryInbox(
    app, retry=RetryPolicy(max_attempts=MAX_ATTEMPTS, initial=0.05, jitter=False), queue=QUEUE
)
store = RedisStore.from_url(URL, prefix="test-celery:")
# A lease shorter than the visibility timeout: the claim of a killed worker has run
# out by the time its task is delivered again.
kourier_receiver = Receiver(providers.Kourier(token=KOURIER_TOKEN), inbox=inbox, store=store, lease=1.0)
courier_receiver = Receiver(providers.Courier(secret=COURIER_SECRET), inbox=inbox, store=store, lease=1.0)


def report(ident: str, record: dict[str, Any]) -> None:
    signals.rpush(f"done:{ident}", json.dumps({**record, "pid": os.getpid()}))


@kourier_receiver.on(kourier.DeliveryUpdated)
def delivery_updated(event: kourier.DeliveryUpdated) -> None:
    ident = event.delivery_id
    attempt = int(signals.incr(f"attempts:{ident}"))
    behaviour = ident.split("-", 1)[0]
    if behaviour == "flaky" and attempt <= 2:
        raise RuntimeError(f"flaky attempt {attempt}")
    if behaviour == "doomed":
        raise RuntimeError(f"doomed attempt {attempt}")
    if behaviour == "slow" and attempt == 1:
        signals.rpush(f"started:{ident}", os.getpid())
        time.sleep(60)  # the test kills this worker long before
    report(
        ident,
        {
            "class": f"{type(event).__module__}.{type(event).__qualname__}",
            "delivery_id": event.delivery_id,
            "status": str(event.status),
            "status_known": event.status.known,
            "attempt": attempt,
        },
    )


@courier_receiver.on(courier.MessageUpdated)
def message_updated(event: courier.MessageUpdated) -> None:
    ident = event.message.id
    attempt = int(signals.incr(f"attempts:{ident}"))
    report(
        ident,
        {
            "class": f"{type(event).__module__}.{type(event).__qualname__}",
            "message_id": event.message.id,
            "status": str(event.message.status),
            "recipient": event.message.recipient,
            "attempt": attempt,
        },
    )


def _ident(kwargs: dict[str, Any] | None) -> str:
    payload = json.loads((kwargs or {}).get("payload", "{}"))
    return str(payload.get("delivery_id") or payload.get("data", {}).get("id"))


@task_retry.connect
def on_retry(request: Any = None, **_: Any) -> None:
    signals.rpush(f"retried:{_ident(request.kwargs)}", request.retries)


@task_failure.connect
def on_failure(
    task_id: str = "", exception: BaseException | None = None, kwargs: Any = None, **_: Any
) -> None:
    record = {"task_id": task_id, "exception": type(exception).__name__, "message": str(exception)}
    signals.rpush(f"failed:{_ident(kwargs)}", json.dumps(record))


@worker_ready.connect
def on_ready(**_: Any) -> None:
    signals.rpush("ready", os.getpid())
