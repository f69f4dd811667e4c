"""The ASGI app ``benchmarks/bench_deferred.py`` serves with uvicorn: inline and deferred receivers.

::

    DEFERRED_BENCH_DIR=/tmp/bench python -m uvicorn deferred_app:app --app-dir benchmarks --port 8000

One Starlette app inside ``WebhookMiddleware``, four Kourier receivers (bearer token,
no idempotency store), one per mode, so one server process serves every mode and
the benchmark can interleave them:

====================  ==========================================================  ======
path                  receiver                                                    answer
====================  ==========================================================  ======
/hooks/inline-noop    inline, a handler that only records that it ran             200
/hooks/inline         inline, the handler below (the slow work in the request)    200
/hooks/deferred-      ``inbox=SQLiteInbox(..., durability="machine")``: fsync     202
machine               per commit; a :class:`Worker` runs the handler later
/hooks/deferred-      ``inbox=SQLiteInbox(..., durability="process")``            202
process               (``synchronous=NORMAL``), its own Worker
====================  ==========================================================  ======

The handler (the same function for ``inline`` and both deferred modes) stands for a
call to a downstream API: ``time.sleep(delay)`` in a plain function, which the
middleware and the asyncio Worker run in a thread (``DEFERRED_BENCH_HANDLER=async``:
``await asyncio.sleep(delay)`` instead, awaited on the loop). Then it appends
``<mode> <delivery id> <unix time>`` to ``handler-runs.log`` with one ``os.write`` on
an ``O_APPEND`` descriptor (one short line per write lands whole), so the benchmark
can count how often each event ran and when the last one finished.

The Workers start and stop with the app, through its lifespan: as asyncio tasks
(``async with worker.running()``, what ``lifespan=worker.lifespan`` does; the
default) or as threads (``worker.start()`` / ``worker.stop()``;
``DEFERRED_BENCH_WORKER=threads``).

``GET /_bench/ready`` answers ``{"pid": ...}`` once the app is up.

Configuration (environment):

- ``DEFERRED_BENCH_DIR``: the directory for the handler log and the two inbox files
  (required; the app is built at import only when it is set).
- ``DEFERRED_BENCH_DELAY_MS``: the handler's delay (default 20).
- ``DEFERRED_BENCH_HANDLER``: ``sync`` (default) or ``async``.
- ``DEFERRED_BENCH_WORKER``: ``async`` (default) or ``threads``.
- ``DEFERRED_BENCH_WORKER_CONCURRENCY``: each Worker's ``concurrency`` (default 4, the library's).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from webhook_receiver import Receiver, SQLiteInbox, Worker, providers
from webhook_receiver.adapters.asgi import WebhookMiddleware
from webhook_receiver.providers import kourier

__all__ = [
    "DEFERRED_MODES",
    "HANDLER_LOG",
    "INLINE_MODES",
    "MODES",
    "READY_PATH",
    "TOKEN",
    "app",
    "inbox_path",
    "make_app",
    "mode_path",
]

INLINE_MODES = ("inline-noop", "inline")
DEFERRED_MODES: dict[str, str] = {"deferred-machine": "machine", "deferred-process": "process"}
"""Deferred mode -> ``SQLiteInbox(durability=...)``."""
MODES = (*INLINE_MODES, *DEFERRED_MODES)
TOKEN = "bench-deferred-kourier-token"
READY_PATH = "/_bench/ready"
HANDLER_LOG = "handler-runs.log"


def mode_path(mode: str) -> str:
    """The URL path of ``mode``'s receiver."""
    return f"/hooks/{mode}"


def inbox_path(directory: str | Path, mode: str) -> Path:
    """The SQLite file of deferred ``mode``'s inbox."""
    return Path(directory) / f"{mode}.sqlite3"


def make_app(
    directory: str | Path,
    *,
    delay: float = 0.02,
    handler_kind: str = "sync",
    worker_kind: str = "async",
    worker_concurrency: int = 4,
) -> WebhookMiddleware:
    """The benchmark's app: a receiver per mode, and a Worker per inbox in the lifespan."""
    if handler_kind not in ("sync", "async") or worker_kind not in ("async", "threads"):
        raise ValueError("handler_kind: sync or async; worker_kind: async or threads")
    # One descriptor for the process's life; O_APPEND makes each write land whole at the end.
    log_fd = os.open(Path(directory) / HANDLER_LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def record(mode: str, event: kourier.DeliveryUpdated) -> None:
        os.write(log_fd, f"{mode} {event.delivery_id} {time.time():.6f}\n".encode())

    def handler_for(mode: str, pause: float) -> Callable[[kourier.DeliveryUpdated], object]:
        if handler_kind == "async":

            async def handle_async(event: kourier.DeliveryUpdated) -> None:
                if pause:
                    await asyncio.sleep(pause)  # a downstream call awaited on the loop
                record(mode, event)

            return handle_async

        def handle(event: kourier.DeliveryUpdated) -> None:
            if pause:
                time.sleep(pause)  # a blocking downstream call (an HTTP client, a database)
            record(mode, event)

        return handle

    routes: dict[str, Receiver] = {}
    workers: list[Worker] = []
    for mode in MODES:
        inbox = None
        if mode in DEFERRED_MODES:
            inbox = SQLiteInbox(inbox_path(directory, mode), durability=DEFERRED_MODES[mode])
            workers.append(Worker(inbox, concurrency=worker_concurrency))
        receiver = Receiver(providers.Kourier(token=TOKEN), inbox=inbox)
        receiver.on(kourier.DeliveryUpdated)(handler_for(mode, 0.0 if mode == "inline-noop" else delay))
        routes[mode_path(mode)] = receiver

    async def ready(request: Request) -> JSONResponse:
        return JSONResponse({"pid": os.getpid()})

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            for worker in workers:
                if worker_kind == "async":
                    await stack.enter_async_context(worker.running())
                else:
                    worker.start()
                    stack.push_async_callback(_stop_in_thread(worker))
            yield

    site = Starlette(routes=[Route(READY_PATH, ready, methods=["GET"])], lifespan=lifespan)
    return WebhookMiddleware(site, routes=routes)


def _stop_in_thread(worker: Worker) -> Callable[[], Awaitable[object]]:
    async def stop() -> None:
        # stop() joins the threads (letting running handlers finish): not on the loop.
        await asyncio.to_thread(worker.stop)

    return stop


def _from_environment() -> WebhookMiddleware:
    return make_app(
        os.environ["DEFERRED_BENCH_DIR"],
        delay=float(os.environ.get("DEFERRED_BENCH_DELAY_MS", "20")) / 1000,
        handler_kind=os.environ.get("DEFERRED_BENCH_HANDLER", "sync"),
        worker_kind=os.environ.get("DEFERRED_BENCH_WORKER", "async"),
        worker_concurrency=int(os.environ.get("DEFERRED_BENCH_WORKER_CONCURRENCY", "4")),
    )


# Built at import when DEFERRED_BENCH_DIR is set (bench_deferred.py sets it for the server it
# starts), so importing this module for its constants needs no environment.
app: WebhookMiddleware | None = _from_environment() if "DEFERRED_BENCH_DIR" in os.environ else None
