"""The ASGI app ``benchmarks/loadtest.py`` serves with uvicorn: two receivers behind the middleware.

::

    LOADTEST_HANDLER_LOG=/tmp/runs.log LOADTEST_STORE=sqlite LOADTEST_SQLITE_PATH=/tmp/events.db \\
        python -m uvicorn loadtest_app:app --app-dir benchmarks --host 127.0.0.1 --port 8000

- ``POST /hooks/kourier``: Kourier, bearer token; a plain (sync) handler, which the
  middleware runs in a worker thread.
- ``POST /hooks/courier``: Courier, HMAC signature with a timestamp; an async handler.
- ``GET /_loadtest/rss``: ``{"pid", "rss_kib", "loop_stall_ms", "gc_full_collections"}``:
  ``VmRSS`` of this process, the longest event-loop stall since the previous call (a
  10 ms ticker's overshoot), and how many full (generation 2) collections ran so far.
- anything else: the wrapped Starlette app (404).

Every handler run appends one line, ``<provider> <id>``, to ``LOADTEST_HANDLER_LOG``
with a single ``os.write`` on an ``O_APPEND`` descriptor: one short line per write
is atomic, so the load generator can count afterwards how often each event ran.

Configuration (environment):

- ``LOADTEST_HANDLER_LOG``: the handler log (required).
- ``LOADTEST_STORE``: ``memory`` (default), ``sqlite``, ``redis`` or ``none``.
- ``LOADTEST_SQLITE_PATH``: the SQLite file (``sqlite``).
- ``LOADTEST_REDIS_URL`` (else ``WEBHOOK_RECEIVER_REDIS_URL``) and ``LOADTEST_REDIS_PREFIX`` (``redis``).
- ``LOADTEST_MAX_BODY``: the receivers' ``max_body_size`` in bytes (default 65536).
- ``LOADTEST_HANDLER_DELAY_MS``: milliseconds each handler sleeps (default 0), which
  widens the window in which a concurrent duplicate answers 409.
"""

from __future__ import annotations

import asyncio
import gc
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from webhook_receiver import IdempotencyStore, MemoryStore, Receiver, SQLiteStore, providers
from webhook_receiver.adapters.asgi import WebhookMiddleware
from webhook_receiver.providers import courier, kourier

__all__ = [
    "COURIER_PATH",
    "COURIER_SECRET",
    "KOURIER_PATH",
    "KOURIER_TOKEN",
    "RSS_PATH",
    "LoopStalls",
    "app",
    "make_app",
    "make_store",
    "rss_kib",
]

KOURIER_PATH = "/hooks/kourier"
COURIER_PATH = "/hooks/courier"
RSS_PATH = "/_loadtest/rss"
KOURIER_TOKEN = "loadtest-kourier-token"
COURIER_SECRET = "loadtest-courier-signing-secret"
DEFAULT_MAX_BODY = 64 * 1024
TICK = 0.01
"""Seconds between the stall watcher's ticks."""


def rss_kib() -> int:
    """This process's resident set size in KiB, from ``/proc/self/status`` (Linux)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


class LoopStalls:
    """Measures how late a 10 ms ticker wakes up: the longest time the loop ran nothing else."""

    def __init__(self) -> None:
        self.longest = 0.0

    async def watch(self) -> None:
        """Tick forever (cancelled at shutdown)."""
        loop = asyncio.get_running_loop()
        while True:
            started = loop.time()
            await asyncio.sleep(TICK)
            self.longest = max(self.longest, loop.time() - started - TICK)

    def take(self) -> float:
        """The longest stall since the last call, in seconds; starts over."""
        longest, self.longest = self.longest, 0.0
        return longest


def make_store(kind: str) -> IdempotencyStore | None:
    """The idempotency store named ``kind``, configured from the environment."""
    if kind == "none":
        return None
    if kind == "memory":
        return MemoryStore()
    if kind == "sqlite":
        return SQLiteStore(os.environ["LOADTEST_SQLITE_PATH"])
    if kind == "redis":
        from webhook_receiver.redis_store import RedisStore

        url = os.environ.get("LOADTEST_REDIS_URL") or os.environ["WEBHOOK_RECEIVER_REDIS_URL"]
        return RedisStore.from_url(url, prefix=os.environ.get("LOADTEST_REDIS_PREFIX", "loadtest:"))
    raise ValueError(f"unknown store {kind!r}: memory, sqlite, redis or none")


def make_app(
    log_path: str, store_kind: str = "memory", *, max_body: int = DEFAULT_MAX_BODY, delay: float = 0.0
) -> WebhookMiddleware:
    """The load-test app: both receivers (one store each) in front of a Starlette app."""
    # One descriptor for the process's life; O_APPEND makes each write land whole at the end.
    log_fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def record(provider: str, event_id: str) -> None:
        os.write(log_fd, f"{provider} {event_id}\n".encode())

    kourier_receiver = Receiver(
        providers.Kourier(token=KOURIER_TOKEN), store=make_store(store_kind), max_body_size=max_body
    )
    courier_receiver = Receiver(
        providers.Courier(secret=COURIER_SECRET), store=make_store(store_kind), max_body_size=max_body
    )

    @kourier_receiver.on(kourier.DeliveryUpdated)
    def delivery_updated(event: kourier.DeliveryUpdated) -> None:  # sync: runs in a worker thread
        if delay:
            time.sleep(delay)
        record("kourier", event.delivery_id)

    @courier_receiver.on(courier.MessageUpdated)
    async def message_updated(event: courier.MessageUpdated) -> None:  # async: awaited on the loop
        if delay:
            await asyncio.sleep(delay)
        record("courier", event.message.id)

    stalls = LoopStalls()

    async def rss(request: Request) -> JSONResponse:
        return JSONResponse(
            {
                "pid": os.getpid(),
                "rss_kib": rss_kib(),
                "loop_stall_ms": stalls.take() * 1000,
                "gc_full_collections": gc.get_stats()[2]["collections"],
            }
        )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        watcher = asyncio.create_task(stalls.watch())
        yield
        watcher.cancel()

    site = Starlette(routes=[Route(RSS_PATH, rss, methods=["GET"])], lifespan=lifespan)
    return WebhookMiddleware(site, routes={KOURIER_PATH: kourier_receiver, COURIER_PATH: courier_receiver})


def _from_environment() -> WebhookMiddleware:
    return make_app(
        os.environ["LOADTEST_HANDLER_LOG"],
        os.environ.get("LOADTEST_STORE", "memory"),
        max_body=int(os.environ.get("LOADTEST_MAX_BODY", DEFAULT_MAX_BODY)),
        delay=float(os.environ.get("LOADTEST_HANDLER_DELAY_MS", "0")) / 1000,
    )


# Built at import when LOADTEST_HANDLER_LOG is set (loadtest.py sets it for the server it
# starts), so importing this module for its constants needs no environment.
app: WebhookMiddleware | None = _from_environment() if "LOADTEST_HANDLER_LOG" in os.environ else None
