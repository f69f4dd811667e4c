"""The worker that runs the events of a durable inbox (SQLite, PostgreSQL, or your own).

Inside the app, started and stopped with it::

    worker = Worker(inbox)
    worker.start()           # threads; worker.stop() on shutdown (or `with worker:`)
    app = Starlette(..., lifespan=worker.lifespan)   # or an asyncio task, for ASGI apps

or as a process of its own: ``webhook-receiver worker myapp.webhooks:receiver``.
Several workers, in any number of processes (and machines, for PostgreSQL) sharing the
inbox, never run the
same event at once: each takes events with a lease, renews it while the handlers
run (a heartbeat), and a worker killed mid-way loses it when it runs out.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import random
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from .. import _telemetry
from .._errors import ConfigurationError, EventInProgress, HandlerError, WebhookError
from .._events import Event
from .._receiver import Receiver
from .._schemes import Clock, check_tolerance_option, system_clock
from .inbox import Delivery, DurableInbox, Receivers, RetryPolicy

__all__ = ["DEFAULT_WORKER_LEASE", "Worker", "describe_failure"]

logger = logging.getLogger("webhook_receiver")
R = TypeVar("R")

DEFAULT_WORKER_LEASE = 60.0
"""Seconds a taken event stays taken without a heartbeat; renewed every third of it."""


def describe_failure(error: BaseException) -> str:
    """A failure as stored in the inbox: each handler, its exception type and message."""
    if isinstance(error, HandlerError):
        return "; ".join(
            f"{failure.handler}: {type(failure.exception).__name__}: {failure.exception}"
            for failure in error.failures
        )
    if isinstance(error, WebhookError):
        return f"{error.code}: {error.detail}"
    return f"{type(error).__name__}: {error}"


class Worker:
    """Runs the handlers of the events in an inbox, with leases, retries and dead letters.

    Args:
        inbox: the inbox whose events to run: any :class:`~webhook_receiver.DurableInbox`.
        receivers: the receivers whose handlers run its events, each for its own
            namespace; by default, the receivers that put events in this inbox in
            this process (``Receiver(inbox=...)`` tells the inbox), which suits a
            worker started beside its app. A worker in a process of its own is
            handed the app's receivers.
        concurrency: events run at once (threads, or asyncio tasks).
        lease: seconds an event stays taken without a heartbeat (a worker that dies
            holds its events this long at most).
        retry: the backoff between attempts and the number before an event is dead.
        poll_interval: seconds between looks at the inbox when idle; puts made in
            this process wake the worker at once.
        clock: unix seconds (injectable for tests).
    """

    def __init__(
        self,
        inbox: DurableInbox,
        *,
        receivers: Iterable[Receiver] | None = None,
        concurrency: int = 4,
        lease: float = DEFAULT_WORKER_LEASE,
        retry: RetryPolicy | None = None,
        poll_interval: float = 1.0,
        clock: Clock | None = None,
    ) -> None:
        if not isinstance(inbox, DurableInbox):
            raise ConfigurationError(
                "Worker runs a durable inbox (SQLiteInbox, PostgresInbox, or one implementing "
                "DurableInbox); Celery runs a CeleryInbox's events"
            )
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise ConfigurationError("concurrency must be a whole number of at least 1")
        self._inbox = inbox
        if receivers is None:
            self._receivers = inbox.receivers
        else:
            self._receivers = Receivers()
            for receiver in receivers:
                if not isinstance(receiver, Receiver):
                    raise ConfigurationError("receivers must be webhook_receiver.Receiver objects")
                self._receivers.attach(receiver)
        self._concurrency = concurrency
        self._lease = check_tolerance_option(lease, "lease")
        self._retry = retry or RetryPolicy()
        self._poll = check_tolerance_option(poll_interval, "poll_interval")
        self._clock: Clock = clock or system_clock
        self._rng = random.Random()  # noqa: S311 - jitter, not a secret
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._running: dict[int, Delivery] = {}
        self._running_lock = threading.Lock()
        self._processed = 0
        self._pool: ThreadPoolExecutor | None = None
        _telemetry.watch_inbox(inbox, self._clock)  # its depth and oldest pending age, as gauges

    @property
    def inbox(self) -> DurableInbox:
        """The inbox this worker runs."""
        return self._inbox

    @property
    def receivers(self) -> Receivers:
        """The receivers whose handlers this worker runs, by namespace."""
        return self._receivers

    @property
    def retry(self) -> RetryPolicy:
        """The retry policy."""
        return self._retry

    @property
    def processed(self) -> int:
        """Attempts finished by this worker so far (succeeded or failed)."""
        return self._processed

    def __repr__(self) -> str:
        return f"<Worker for {self._inbox!r}, concurrency {self._concurrency}>"

    # -- one event -----------------------------------------------------------------

    def _take(self, limit: int) -> list[Delivery]:
        deliveries = self._inbox.take(
            self._receivers.namespaces(),
            limit=limit,
            lease=self._lease,
            now=self._clock(),
            max_attempts=self._retry.max_attempts,
        )
        with self._running_lock:
            for delivery in deliveries:
                self._running[delivery.record.id] = delivery
        return deliveries

    def _prepare(self, delivery: Delivery) -> tuple[Receiver, Event] | WebhookError:
        """The receiver and the rebuilt event, or the error that makes the event dead at once."""
        record = delivery.record
        receiver = self._receivers.get(record.namespace)
        try:
            if receiver is None:  # only taken for attached namespaces; detached since
                raise ConfigurationError(f"no receiver is attached for namespace {record.namespace!r}")
            return receiver, receiver.rebuild(record.payload, record.headers)
        except WebhookError as exc:
            # Retrying cannot help: kept as dead, for a replay once the code is fixed.
            logger.error("inbox event %d cannot be rebuilt: %s", record.id, exc.detail)
            return exc

    def _finish(self, delivery: Delivery, failure: BaseException | None, *, final: bool = False) -> None:
        now = self._clock()
        record = delivery.record
        try:
            if failure is None:
                if not self._inbox.complete(delivery, now=now):
                    logger.warning(
                        "inbox event %d outlived its lease of %g s and may run twice", record.id, self._lease
                    )
            else:
                final = final or self._retry.gives_up_after(record.attempts)
                retry_at = None if final else now + self._retry_delay(failure, record.attempts)
                if self._inbox.fail(delivery, describe_failure(failure), retry_at=retry_at, now=now):
                    _telemetry.failed_attempt(record.namespace, record.type, dead=retry_at is None)
                if retry_at is None:
                    logger.error(
                        "inbox event %d (%s %r) is dead after %d attempt(s)",
                        record.id,
                        record.namespace,
                        record.type,
                        record.attempts,
                    )
        except Exception:
            # The lease runs out and the event is taken again: nothing is lost.
            logger.exception("could not record the outcome of inbox event %d", record.id)
        finally:
            with self._running_lock:
                self._running.pop(record.id, None)
                self._processed += 1

    def _retry_delay(self, failure: BaseException, attempt: int) -> float:
        backoff = self._retry.delay(attempt, self._rng)
        if isinstance(failure, EventInProgress):
            # Another worker holds the event in the store: not before it could be done.
            return max(backoff, float(failure.retry_after))
        return backoff

    def _run_one(self, delivery: Delivery) -> None:
        self._run_prepared(delivery, self._prepare(delivery))

    def _run_prepared(self, delivery: Delivery, prepared: tuple[Receiver, Event] | WebhookError) -> None:
        if isinstance(prepared, WebhookError):
            self._finish(delivery, prepared, final=True)
            return
        receiver, event = prepared
        failure: BaseException | None = None
        try:
            with _telemetry.deferred(delivery.record.trace_context, delivery.attempt):
                receiver.process(event, delivery.record.key, now=self._clock())
        except Exception as exc:
            failure = exc
        self._finish(delivery, failure)

    async def _run_one_async(self, delivery: Delivery) -> None:
        prepared = self._prepare(delivery)  # decoding JSON only: fine on the loop
        if isinstance(prepared, WebhookError) or not prepared[0].needs_event_loop(prepared[1]):
            # Plain handlers: handlers, store calls and the outcome in one trip to a thread.
            await self._blocking(self._run_prepared, delivery, prepared)
            return
        receiver, event = prepared
        failure: BaseException | None = None
        try:
            with _telemetry.deferred(delivery.record.trace_context, delivery.attempt):
                await receiver.process_async(event, delivery.record.key, now=self._clock())
        except Exception as exc:
            failure = exc
        await self._blocking(self._finish, delivery, failure)

    async def _blocking(self, function: Callable[..., R], *args: object) -> R:
        """Run a blocking call on this worker's own threads (not the loop's default executor)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, functools.partial(function, *args))

    def run_once(self, limit: int = 1000) -> int:
        """Run, in this thread, every event due now (up to ``limit``); returns how many ran.

        For tests (with an injected clock, no sleeping) and for draining an inbox
        from a script. Retries scheduled for later are not waited for.
        """
        ran = 0
        while ran < limit:
            deliveries = self._take(min(self._concurrency, limit - ran))
            if not deliveries:
                break
            for delivery in deliveries:
                self._run_one(delivery)
            ran += len(deliveries)
        return ran

    # -- threads -------------------------------------------------------------------

    def start(self) -> None:
        """Start ``concurrency`` worker threads and a heartbeat thread; returns at once."""
        if self._threads:
            raise RuntimeError("this worker is already running")
        self._stopping.clear()
        self._threads = [
            threading.Thread(target=self._thread_loop, name=f"webhook-worker-{n}", daemon=True)
            for n in range(self._concurrency)
        ]
        self._threads.append(
            threading.Thread(target=self._heartbeat_loop, name="webhook-heartbeat", daemon=True)
        )
        for thread in self._threads:
            thread.start()

    def stop(self, timeout: float = 30.0) -> bool:
        """Stop taking events, let running handlers finish (up to ``timeout`` s); True if all did.

        Events still running after the timeout keep their lease; it runs out and
        another worker takes them.
        """
        self._stopping.set()
        self._inbox.wake_waiters()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        finished = not any(thread.is_alive() for thread in self._threads)
        self._threads = []
        return finished

    def __enter__(self) -> Worker:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _thread_loop(self) -> None:
        while not self._stopping.is_set():
            seen = self._inbox.arrivals
            try:
                deliveries = self._take(1)
            except Exception:
                logger.exception("could not take events from %r", self._inbox)
                self._stopping.wait(self._poll)
                continue
            if not deliveries:
                self._inbox.wait(self._poll, seen)
                continue
            for delivery in deliveries:
                self._run_one(delivery)

    def _heartbeat_loop(self) -> None:
        while not self._stopping.wait(self._lease / 3):
            self._heartbeat()

    def _heartbeat(self) -> None:
        with self._running_lock:
            running = list(self._running.values())
        if running:
            try:
                self._inbox.extend(running, lease=self._lease, now=self._clock())
            except Exception:
                logger.exception("could not renew the leases of %d running event(s)", len(running))

    # -- asyncio -------------------------------------------------------------------

    async def serve(self) -> None:
        """Run as ``concurrency`` asyncio tasks until cancelled.

        Async handlers are awaited on this loop; plain ones and inbox calls run in
        threads. Cancelling stops taking events and lets running ones finish first.
        """
        loop = asyncio.get_running_loop()
        wake = asyncio.Event()
        stop = asyncio.Event()
        # Threads of its own: the app's requests keep the default executor to themselves.
        self._pool = ThreadPoolExecutor(self._concurrency + 1, thread_name_prefix="webhook-worker")
        remove = self._inbox.add_listener(lambda: loop.call_soon_threadsafe(wake.set))
        tasks = [asyncio.create_task(self._task_loop(wake, stop)) for _ in range(self._concurrency)]
        tasks.append(asyncio.create_task(self._heartbeat_task(stop)))
        try:
            await asyncio.wait(tasks)
        finally:
            # Cancelling asyncio.wait leaves the tasks alone: they finish the event
            # they are running, see ``stop`` and return.
            stop.set()
            wake.set()
            await asyncio.wait(tasks)
            remove()
            self._pool.shutdown(wait=False)
            self._pool = None

    async def _task_loop(self, wake: asyncio.Event, stop: asyncio.Event) -> None:
        while not stop.is_set():
            wake.clear()
            try:
                deliveries = await self._blocking(self._take, 1)
            except Exception:
                logger.exception("could not take events from %r", self._inbox)
                deliveries = []
            if not deliveries:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), self._poll)
                continue
            for delivery in deliveries:
                await self._run_one_async(delivery)

    async def _heartbeat_task(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self._lease / 3)
            await self._blocking(self._heartbeat)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[Worker]:
        """``async with worker.running():`` serves as an asyncio task for the block's duration."""
        task = asyncio.create_task(self.serve())
        try:
            yield self
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    @property
    def lifespan(self) -> Callable[[object], contextlib.AbstractAsyncContextManager[None]]:
        """A Starlette/FastAPI ``lifespan=``: the worker serves while the app runs."""

        @contextlib.asynccontextmanager
        async def lifespan(app: object) -> AsyncIterator[None]:
            async with self.running():
                yield

        return lifespan
