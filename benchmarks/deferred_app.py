"""The ASGI app ``benchmarks/bench_deferred.py`` serves with uvicorn, and its Celery worker's tasks.

::

    DEFERRED_BENCH_DIR=/tmp/bench python -m uvicorn deferred_app:app --app-dir benchmarks --port 8000

One Starlette app inside ``WebhookMiddleware``, one Kourier receiver (bearer token) per
mode, so one server process serves every mode and the benchmark can interleave them:

========================  ======================================================  ======
path /hooks/<mode>        receiver                                                answer
========================  ======================================================  ======
inline-noop               inline, a handler that only records that it ran         200
inline                    inline, the handler below (the slow work in the         200
                          request)
deferred-machine          ``inbox=SQLiteInbox(..., durability="machine")``        202
                          (fsync per commit; group commit as the class's default
                          when it has one); a :class:`Worker` runs the handler
deferred-machine-nogroup  the same with ``group_commit=False`` (only where            202
                          ``SQLiteInbox`` takes that option), its own Worker
deferred-process          ``inbox=SQLiteInbox(..., durability="process")``        202
                          (``synchronous=NORMAL``), its own Worker
deferred-postgres         ``inbox=PostgresInbox(url, table=...)`` (the table      202
                          made beforehand by the benchmark), its own Worker
deferred-celery           ``inbox=CeleryInbox(celery)`` on a Redis broker, with   202
                          a ``RedisStore`` on the receiver; a ``celery worker``
                          process (started by the benchmark) runs the handler
========================  ======================================================  ======

The handler (the same function for ``inline`` and every deferred mode) stands for a
call to a downstream API: ``time.sleep(delay)`` in a plain function, which the
middleware and the asyncio Worker run in a thread (``DEFERRED_BENCH_HANDLER=async``:
``await asyncio.sleep(delay)`` instead). Then it appends ``<mode> <delivery id> <unix
time>`` to ``handler-runs.log`` with one ``os.write`` on an ``O_APPEND`` descriptor (one
short line per write lands whole, from any process), so the benchmark can count how
often each event ran and when the last one finished; the Celery worker's processes
write to the same file.

The Workers start and stop with the app, through its lifespan: as asyncio tasks
(``async with worker.running()``, what ``lifespan=worker.lifespan`` does; the
default) or as threads (``worker.start()`` / ``worker.stop()``;
``DEFERRED_BENCH_WORKER=threads``). The PostgreSQL inbox's connections are closed after
its Worker stopped.

The Celery worker imports this module with ``DEFERRED_BENCH_ROLE=celery-worker``
(``celery -A deferred_app:celery_app worker``): then only ``celery_app`` is built (the
same Celery app, inbox, store and receiver as the web side's ``deferred-celery``),
plus signal handlers that append ``ready|success|retry|failure <delivery id>`` lines to
``celery-tasks.log``, which the benchmark reads to know when the worker is consuming,
how many tasks succeeded, and that none was retried or failed.

``GET /_bench/ready`` answers ``{"pid": ...}`` once the app is up.

Configuration (environment):

- ``DEFERRED_BENCH_DIR``: the directory for the logs and the SQLite inbox files
  (required; the app is built at import only when it is set).
- ``DEFERRED_BENCH_MODES``: the modes to serve, comma-separated (default: the inline
  and SQLite modes this ``SQLiteInbox`` supports).
- ``DEFERRED_BENCH_DELAY_MS``: the handler's delay (default 20).
- ``DEFERRED_BENCH_HANDLER``: ``sync`` (default) or ``async``.
- ``DEFERRED_BENCH_WORKER``: ``async`` (default) or ``threads``.
- ``DEFERRED_BENCH_WORKER_CONCURRENCY``: each Worker's ``concurrency`` (default 4, the library's).
- ``DEFERRED_BENCH_POSTGRES_URL``, ``DEFERRED_BENCH_POSTGRES_TABLE``: ``deferred-postgres``'s
  database and table.
- ``DEFERRED_BENCH_REDIS_URL``, ``DEFERRED_BENCH_CELERY_QUEUE``, ``DEFERRED_BENCH_KEY_PREFIX``:
  ``deferred-celery``'s broker and store, queue, and the prefix of every Redis key it uses.
- ``DEFERRED_BENCH_ROLE``: ``web`` (default) or ``celery-worker``.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from webhook_receiver import Receiver, SQLiteInbox, Worker, providers
from webhook_receiver.adapters.asgi import WebhookMiddleware
from webhook_receiver.providers import kourier

__all__ = [
    "CELERY_LOG",
    "CELERY_MODE",
    "DEFERRED_MODES",
    "HANDLER_LOG",
    "INLINE_MODES",
    "MODES",
    "POSTGRES_MODE",
    "READY_PATH",
    "SQLITE_MODES",
    "TOKEN",
    "app",
    "celery_app",
    "inbox_path",
    "make_app",
    "make_celery",
    "mode_path",
    "sqlite_modes",
    "supports_group_commit",
]

INLINE_MODES = ("inline-noop", "inline")
SQLITE_MODES: dict[str, dict[str, Any]] = {
    "deferred-machine": {"durability": "machine"},
    "deferred-machine-nogroup": {"durability": "machine", "group_commit": False},
    "deferred-process": {"durability": "process"},
}
"""SQLite deferred mode -> ``SQLiteInbox`` options."""
POSTGRES_MODE = "deferred-postgres"
CELERY_MODE = "deferred-celery"
DEFERRED_MODES = (*SQLITE_MODES, POSTGRES_MODE, CELERY_MODE)
MODES = (*INLINE_MODES, *DEFERRED_MODES)
TOKEN = "bench-deferred-kourier-token"
READY_PATH = "/_bench/ready"
HANDLER_LOG = "handler-runs.log"
CELERY_LOG = "celery-tasks.log"


def supports_group_commit() -> bool:
    """Whether this ``SQLiteInbox`` takes ``group_commit=``, which ``deferred-machine-nogroup`` turns off."""
    return "group_commit" in inspect.signature(SQLiteInbox).parameters


def sqlite_modes() -> tuple[str, ...]:
    """The SQLite modes this ``SQLiteInbox`` can serve."""
    return tuple(
        mode
        for mode, options in SQLITE_MODES.items()
        if supports_group_commit() or "group_commit" not in options
    )


def mode_path(mode: str) -> str:
    """The URL path of ``mode``'s receiver."""
    return f"/hooks/{mode}"


def inbox_path(directory: str | Path, mode: str) -> Path:
    """The SQLite file of SQLite deferred ``mode``'s inbox."""
    return Path(directory) / f"{mode}.sqlite3"


def _handler_factory(
    directory: str | Path, handler_kind: str
) -> Callable[[str, float], Callable[[kourier.DeliveryUpdated], object]]:
    """``handler_for(mode, pause)``: the benchmark's handler, logging to the directory's handler log."""
    if handler_kind not in ("sync", "async"):
        raise ValueError("handler_kind: sync or async")
    # One descriptor for the process's life; O_APPEND makes each write land whole at the end
    # (and a Celery prefork pool's processes inherit it).
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

    return handler_for


def make_celery(
    directory: str | Path,
    redis_url: str,
    *,
    queue: str,
    key_prefix: str,
    delay: float = 0.02,
    handler_kind: str = "sync",
    worker_side: bool = False,
) -> tuple[Any, Receiver]:
    """``deferred-celery``'s Celery app and receiver, as the deferred guide sets them up (both sides build).

    Redis is the broker and the receiver's ``RedisStore``; every key either uses starts
    with ``key_prefix``, so a shared Redis is left as it was found once they are deleted.
    With ``worker_side``, Celery's signals also report to ``celery-tasks.log``.
    """
    from celery import Celery

    from webhook_receiver.celery_inbox import CeleryInbox
    from webhook_receiver.redis_store import RedisStore

    celery = Celery("bench_deferred", broker=redis_url)
    celery.conf.update(
        broker_transport_options={
            "visibility_timeout": 3600,
            "socket_connect_timeout": 5,
            "socket_timeout": 10,
            "global_keyprefix": key_prefix,
        },
        broker_connection_retry_on_startup=True,
        # The deferred guide's advice: tasks are acknowledged late, so hold no more than you run.
        worker_prefetch_multiplier=1,
        worker_redirect_stdouts=False,
    )
    inbox = CeleryInbox(celery, queue=queue)
    store = RedisStore.from_url(redis_url, prefix=f"{key_prefix}store:")
    receiver = Receiver(providers.Kourier(token=TOKEN), inbox=inbox, store=store)
    receiver.on(kourier.DeliveryUpdated)(_handler_factory(directory, handler_kind)(CELERY_MODE, delay))
    if worker_side:
        _report_tasks(directory, inbox.task.name)
    return celery, receiver


def _report_tasks(directory: str | Path, task_name: str) -> None:
    """Append ``<what> <delivery id>`` to ``celery-tasks.log`` on Celery's signals about our task."""
    from celery.signals import task_failure, task_retry, task_success, worker_ready

    log_fd = os.open(Path(directory) / CELERY_LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def write(what: str, ident: object) -> None:
        os.write(log_fd, f"{what} {ident}\n".encode())

    def delivery(kwargs: Any) -> str:
        try:
            return str(json.loads((kwargs or {}).get("payload", "{}")).get("delivery_id"))
        except (ValueError, AttributeError):
            return "?"

    def ours(task: Any) -> bool:
        return getattr(task, "name", None) == task_name

    def on_success(sender: Any = None, **_: Any) -> None:
        if ours(sender):
            write("success", delivery(sender.request.kwargs))

    def on_retry(sender: Any = None, request: Any = None, **_: Any) -> None:
        if ours(sender):
            write("retry", delivery(getattr(request, "kwargs", None)))

    def on_failure(sender: Any = None, kwargs: Any = None, **_: Any) -> None:
        if ours(sender):
            write("failure", delivery(kwargs))

    def on_ready(**_: Any) -> None:
        write("ready", os.getpid())

    # weak=False: the handlers are closures that nothing else keeps alive.
    task_success.connect(on_success, weak=False)
    task_retry.connect(on_retry, weak=False)
    task_failure.connect(on_failure, weak=False)
    worker_ready.connect(on_ready, weak=False)


def make_app(
    directory: str | Path,
    *,
    modes: Sequence[str] | None = None,
    delay: float = 0.02,
    handler_kind: str = "sync",
    worker_kind: str = "async",
    worker_concurrency: int = 4,
    postgres: tuple[str, str] | None = None,
    celery: tuple[str, str, str] | None = None,
) -> WebhookMiddleware:
    """The benchmark's app: a receiver per mode, and a Worker per durable inbox in the lifespan.

    ``postgres`` is ``(url, table)`` for ``deferred-postgres``; ``celery`` is ``(redis
    url, queue, key prefix)`` for ``deferred-celery``.
    """
    if worker_kind not in ("async", "threads"):
        raise ValueError("worker_kind: async or threads")
    chosen = (*INLINE_MODES, *sqlite_modes()) if modes is None else tuple(modes)
    unknown = set(chosen) - set(MODES)
    if unknown:
        raise ValueError(f"unknown modes: {sorted(unknown)}")
    handler_for = _handler_factory(directory, handler_kind)
    routes: dict[str, Receiver] = {}
    workers: list[Worker] = []
    closers: list[Callable[[], object]] = []
    for mode in chosen:
        if mode == CELERY_MODE:
            if celery is None:
                raise ValueError(f"{CELERY_MODE} needs celery=(redis url, queue, key prefix)")
            redis_url, queue, key_prefix = celery
            celery_app_, receiver = make_celery(
                directory,
                redis_url,
                queue=queue,
                key_prefix=key_prefix,
                delay=delay,
                handler_kind=handler_kind,
            )
            closers.append(celery_app_.close)
            routes[mode_path(mode)] = receiver
            continue
        inbox: Any = None
        if mode in SQLITE_MODES:
            inbox = SQLiteInbox(inbox_path(directory, mode), **SQLITE_MODES[mode])
        elif mode == POSTGRES_MODE:
            if postgres is None:
                raise ValueError(f"{POSTGRES_MODE} needs postgres=(url, table)")
            from webhook_receiver.postgres import PostgresInbox

            inbox = PostgresInbox(postgres[0], table=postgres[1])
            closers.append(inbox.close)
        if inbox is not None:
            workers.append(Worker(inbox, concurrency=worker_concurrency))
        receiver = Receiver(providers.Kourier(token=TOKEN), inbox=inbox)
        receiver.on(kourier.DeliveryUpdated)(handler_for(mode, 0.0 if mode == "inline-noop" else delay))
        routes[mode_path(mode)] = receiver

    async def ready(request: Request) -> JSONResponse:
        return JSONResponse({"pid": os.getpid()})

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            for close in closers:  # last out: after the Workers have stopped
                stack.callback(close)
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


def _options() -> dict[str, Any]:
    return {
        "delay": float(os.environ.get("DEFERRED_BENCH_DELAY_MS", "20")) / 1000,
        "handler_kind": os.environ.get("DEFERRED_BENCH_HANDLER", "sync"),
    }


def _celery_settings() -> tuple[str, str, str] | None:
    url = os.environ.get("DEFERRED_BENCH_REDIS_URL")
    if not url:
        return None
    return url, os.environ["DEFERRED_BENCH_CELERY_QUEUE"], os.environ["DEFERRED_BENCH_KEY_PREFIX"]


def _from_environment() -> WebhookMiddleware:
    modes = os.environ.get("DEFERRED_BENCH_MODES")
    postgres_url = os.environ.get("DEFERRED_BENCH_POSTGRES_URL")
    return make_app(
        os.environ["DEFERRED_BENCH_DIR"],
        modes=None if not modes else modes.split(","),
        worker_kind=os.environ.get("DEFERRED_BENCH_WORKER", "async"),
        worker_concurrency=int(os.environ.get("DEFERRED_BENCH_WORKER_CONCURRENCY", "4")),
        postgres=(postgres_url, os.environ["DEFERRED_BENCH_POSTGRES_TABLE"]) if postgres_url else None,
        celery=_celery_settings(),
        **_options(),
    )


def _celery_worker_side() -> Any:
    settings = _celery_settings()
    if settings is None:
        raise RuntimeError("the Celery worker needs DEFERRED_BENCH_REDIS_URL")
    url, queue, key_prefix = settings
    celery, _receiver = make_celery(
        os.environ["DEFERRED_BENCH_DIR"],
        url,
        queue=queue,
        key_prefix=key_prefix,
        worker_side=True,
        **_options(),
    )
    return celery


# Built at import when DEFERRED_BENCH_DIR is set (bench_deferred.py sets it for the processes
# it starts), so importing this module for its constants needs no environment.
_ROLE = os.environ.get("DEFERRED_BENCH_ROLE", "web") if "DEFERRED_BENCH_DIR" in os.environ else None
app: WebhookMiddleware | None = _from_environment() if _ROLE == "web" else None
"""The ASGI app uvicorn serves."""
celery_app: Any = _celery_worker_side() if _ROLE == "celery-worker" else None
"""The Celery app a ``celery -A deferred_app:celery_app worker`` runs."""
