"""Deferred processing on Celery workers: the web process publishes, Celery runs the handlers.

::

    from celery import Celery
    from webhook_receiver.celery_inbox import CeleryInbox
    from webhook_receiver.redis_store import RedisStore

    app = Celery("webhooks", broker="redis://127.0.0.1:6379/0")
    inbox = CeleryInbox(app)
    receiver = Receiver(provider, inbox=inbox, store=RedisStore.from_url("redis://127.0.0.1:6379/1"))

    # web:    any adapter, as usual; each verified event becomes one Celery task
    # worker: celery -A myapp.webhooks worker   (the module that builds `receiver`)

Needs ``pip install 'webhook-receiver[celery]'``. How an event travels:

1. The receiver verifies and parses the request and calls :meth:`CeleryInbox.put`,
   which publishes one task message per event (its key, namespace, type, payload
   and the few headers its provider needs to rebuild it, and the request's W3C
   ``traceparent`` when OpenTelemetry traces it; never a credential or a
   signature) and returns once the broker has accepted every message. Only then
   does the receiver answer 202 (or the 200 Courier and Slack ask for). A broker
   that is down fails the publish after a bounded number of quick retries, the
   receiver answers 503 with ``Retry-After``, and the sender retries later.
2. A Celery worker that imported the same receivers runs the task: it rebuilds
   the typed event and calls ``receiver.process(event, key)`` (the handlers, inside
   the receiver's idempotency store's claim, if it has one).
3. A failure (a handler raised, the store failed, another worker holds the event)
   is retried with Celery's own ``retry``, after the :class:`RetryPolicy`'s backoff.
   After ``max_attempts`` runs the task raises :class:`DeadEvent` and Celery
   records it as FAILURE: **dead letters are Celery's failed tasks** (kept in the
   result backend, if one is configured, even though successful results are not;
   seen in Flower, in the worker's log, and through Celery's ``task_failure``
   signal). An event that cannot be rebuilt, or whose namespace no receiver in the
   worker handles, is dead at once: retrying cannot help.

The task acknowledges its message late (``acks_late``) and gives it back if the
worker process dies under it (``reject_on_worker_lost``), so a worker killed
mid-event does not lose it: the broker delivers it again. The handlers therefore run
at least once per event; with a store on the receiver (:class:`RedisStore`, shared
by every web and worker process) a duplicate delivery, or a redelivered task whose
first run completed, is not run again. Handlers whose side effects must never
repeat key them on ``receiver.event_key(event)``.

Broker notes:

- **Redis** (``celery[redis]``): a publish is one synchronous command, so ``put``
  returns after Redis has the message. Unacknowledged messages come back after the
  transport's ``visibility_timeout`` (default one hour), and a retry's countdown is
  held unacknowledged by the worker that received it: keep ``visibility_timeout``
  above the longest backoff and the longest handler run, or an event may be
  delivered twice. Set ``socket_connect_timeout`` and ``socket_timeout`` in
  ``broker_transport_options`` so that a broker that stops answering (rather than
  refusing connections) fails the publish instead of stalling the request.
- **RabbitMQ**: set ``broker_transport_options={"confirm_publish": True}`` so that a
  publish returns only once the broker confirmed it; without it the answer may be
  sent before the message is safely queued.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from typing import Any, ClassVar, NoReturn
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .. import _telemetry
from .._errors import ConfigurationError, EventInProgress
from .._handoff import InboxEntry
from .._optional import require
from .inbox import AttachedReceivers, Receivers, RetryPolicy
from .worker import describe_failure

# Celery ships no type information: every value from it is ``Any`` here, and stays
# out of this module's public signatures except for the app and the task themselves.
celery = require("webhook_receiver.celery_inbox", "celery", "celery")
_Reject: Any = require("webhook_receiver.celery_inbox", "celery.exceptions", "celery").Reject

__all__ = ["DEFAULT_TASK_NAME", "CeleryInbox", "DeadEvent"]

logger = logging.getLogger("webhook_receiver")

DEFAULT_TASK_NAME = "webhook_receiver.process"
"""The name of the Celery task a :class:`CeleryInbox` registers, unless given another."""

_REDIS_SCHEMES = ("redis", "rediss", "sentinel", "redis+socket")
_SECRET_QUERY_WORDS = ("pass", "secret", "token")


class DeadEvent(Exception):
    """An event's task gave up: Celery marks it FAILURE, with this as its exception.

    ``str(exc)`` names the event (namespace, type, key), the number of attempts and
    the last failure (handler names, exception types and messages); ``__cause__`` is
    the last failure itself. The task's keyword arguments hold the event, for a
    replay once the cause is fixed.
    """


def _redact_url(url: object) -> str:
    """A broker URL (or a list, or ``;``-separated URLs) with passwords replaced by ``***``."""
    if url is None:
        return "<default>"
    if isinstance(url, list | tuple):
        return ";".join(_redact_url(item) for item in url)
    text = str(url)
    if ";" in text:
        return ";".join(_redact_url(part) for part in text.split(";"))
    try:
        parts = urlsplit(text)
        has_password = parts.password is not None
    except ValueError:
        return "<unparsable URL>"
    if has_password:
        host = parts.netloc.rpartition("@")[2]
        parts = parts._replace(netloc=f"{parts.username or ''}:***@{host}")
    if parts.query:
        pairs = [
            (name, "***" if any(word in name.lower() for word in _SECRET_QUERY_WORDS) else value)
            for name, value in parse_qsl(parts.query, keep_blank_values=True)
        ]
        parts = parts._replace(query=urlencode(pairs, safe="*"))
    return urlunsplit(parts)


class CeleryInbox(AttachedReceivers):
    """An inbox that hands each event to Celery as a task (see the module docstring).

    Creating it registers one task on ``app`` (named ``task_name``); the web process
    and the worker processes must both create it, with the receivers that use it,
    when they import the module that sets the app up.

    Args:
        app: the ``celery.Celery`` application to publish to and register the task on.
        retry: the backoff between attempts and the number of runs before an event
            is dead (default :class:`~webhook_receiver.RetryPolicy`: 8 runs over about
            4 minutes).
        queue: the queue to publish to (default: the app's routing, usually
            ``"celery"``); start workers with ``-Q`` naming it.
        task_name: the task's name; two inboxes on one app need different names.
        publish_retries: how many times a failed publish is retried (after 0, 0.2,
            0.4 s, ...) before ``put`` raises and the request is answered 503.
    """

    blocking: ClassVar[bool] = True

    def __init__(
        self,
        app: Any,
        *,
        retry: RetryPolicy | None = None,
        queue: str | None = None,
        task_name: str = DEFAULT_TASK_NAME,
        publish_retries: int = 2,
    ) -> None:
        if not isinstance(app, celery.Celery):
            raise ConfigurationError("app must be a celery.Celery application")
        if retry is not None and not isinstance(retry, RetryPolicy):
            raise ConfigurationError("retry must be a RetryPolicy")
        if queue is not None and (not isinstance(queue, str) or not queue):
            raise ConfigurationError("queue must be a non-empty string")
        if not isinstance(task_name, str) or not task_name:
            raise ConfigurationError("task_name must be a non-empty string")
        if isinstance(publish_retries, bool) or not isinstance(publish_retries, int) or publish_retries < 0:
            raise ConfigurationError("publish_retries must be a whole number, 0 or more")
        self._app = app
        self._retry = retry or RetryPolicy()
        self._queue = queue
        self._task_name = task_name
        self._publish_retries = publish_retries
        self._receivers = Receivers()
        self._rng = random.Random()  # noqa: S311 - jitter, not a secret
        self._checked_visibility = False
        self._task = self._register()

    def _register(self) -> Any:
        # ``app.tasks`` finalizes the app (as the first task call would anyway). A name
        # already taken would make Celery hand back the other task, run by other receivers.
        if self._task_name in self._app.tasks:
            raise ConfigurationError(
                f"the Celery app already has a task named {self._task_name!r}; "
                "give each CeleryInbox on one app its own task_name"
            )
        inbox = self

        def process_event(
            task: Any,
            key: str,
            namespace: str,
            event_type: str,
            payload: str,
            headers: list[list[str]],
            received_at: float,
            trace_context: str | None = None,
            **_newer_fields: Any,  # a newer web process, mid-deploy, may send more
        ) -> None:
            inbox._run(task, key, namespace, event_type, payload, headers, trace_context)

        process_event.__doc__ = "Run one webhook event's handlers (webhook_receiver.celery_inbox)."
        return self._app.task(
            name=self._task_name,
            bind=True,
            # Not on other apps created later (Celery's default for decorated tasks),
            # and registered now, not on first use.
            shared=False,
            lazy=False,
            acks_late=True,
            reject_on_worker_lost=True,
            serializer="json",
            max_retries=self._retry.max_attempts - 1,
            # No result to keep on success; a dead event's failure is kept (by a
            # result backend, if the app has one) as the dead letter.
            ignore_result=True,
            store_errors_even_if_ignored=True,
        )(process_event)

    # -- configuration -------------------------------------------------------------

    @property
    def app(self) -> Any:
        """The ``celery.Celery`` application."""
        return self._app

    @property
    def task(self) -> Any:
        """The Celery task that runs one event (``inbox.task.name`` is ``task_name``)."""
        return self._task

    @property
    def retry(self) -> RetryPolicy:
        """The retry policy."""
        return self._retry

    @property
    def queue(self) -> str | None:
        """The queue events are published to (``None``: the app's routing decides)."""
        return self._queue

    def __repr__(self) -> str:
        try:
            conf = self._app.conf
            broker = _redact_url(conf.broker_write_url or conf.broker_url)
        except Exception:  # a repr never raises, whatever state the app's settings are in
            broker = "<unknown>"
        return f"CeleryInbox(broker={broker!r}, task={self._task_name!r})"

    # -- the receiver's side -------------------------------------------------------

    def put(self, entries: Sequence[InboxEntry]) -> None:
        """Publish one task per entry; return once the broker accepted every one.

        Raises whatever the broker connection raised (``kombu.exceptions.OperationalError``)
        once ``publish_retries`` quick retries failed: the receiver answers 503 and
        the sender retries. If it fails part-way through a batch, the events
        published already run and the sender's retry publishes them again: the
        receiver's idempotency store runs each once. Keys are not deduplicated here
        (a broker cannot look them up): that is the store's job.
        """
        if not entries:
            return
        if not self._checked_visibility:
            self._check_visibility_timeout()
        options: dict[str, Any] = {
            "retry": True,
            "retry_policy": {
                "max_retries": self._publish_retries,
                "interval_start": 0,
                "interval_step": 0.2,
                "interval_max": 0.5,
            },
        }
        if self._queue is not None:
            options["queue"] = self._queue
        # One producer (one connection) for the whole batch.
        with self._app.producer_or_acquire() as producer:
            for entry in entries:
                self._task.apply_async(kwargs=_task_kwargs(entry), producer=producer, **options)

    def _check_visibility_timeout(self) -> None:
        """Warn once if a Redis broker would redeliver a task before its retry's countdown ends."""
        self._checked_visibility = True
        conf = self._app.conf
        url = str(conf.broker_write_url or conf.broker_url or "")
        if url.split(":", 1)[0].lower() not in _REDIS_SCHEMES:
            return
        visibility = float((conf.broker_transport_options or {}).get("visibility_timeout", 3600))
        longest = min(
            self._retry.maximum,
            self._retry.initial * self._retry.factor ** max(0, self._retry.max_attempts - 2),
        )
        if self._retry.max_attempts > 1 and longest >= visibility:
            logger.warning(
                "the Redis broker's visibility_timeout (%g s) is not above the longest retry "
                "backoff (%g s): a retried event may be delivered twice; raise it in "
                "broker_transport_options",
                visibility,
                longest,
            )

    # -- the worker's side ---------------------------------------------------------

    def _run(
        self,
        task: Any,
        key: str,
        namespace: str,
        event_type: str,
        payload: str,
        headers: list[list[str]],
        trace_context: str | None = None,
    ) -> None:
        """The task's body: rebuild the event, run its handlers, retry or give up."""
        attempt = int(task.request.retries) + 1
        receiver = self._receivers.get(namespace)
        if receiver is None:
            # Retrying cannot help: the worker's code does not set that receiver up.
            error = f"no receiver is attached for namespace {namespace!r} in this worker"
            self._give_up(key, namespace, event_type, attempt, error, None)
        try:
            event = receiver.rebuild(payload, tuple((str(name), str(value)) for name, value in headers))
        except Exception as exc:
            self._give_up(
                key, namespace, event_type, attempt, f"cannot be rebuilt: {describe_failure(exc)}", exc
            )
        try:
            with _telemetry.deferred(trace_context, attempt):
                receiver.process(event, key)
        except Exception as exc:
            if self._retry.gives_up_after(attempt):
                self._give_up(key, namespace, event_type, attempt, describe_failure(exc), exc)
            _telemetry.failed_attempt(namespace, event_type, dead=False)
            delay = self._retry.delay(attempt, self._rng)
            if isinstance(exc, EventInProgress):
                # Another worker holds the claim: ask again once it may be done, but
                # no sooner than the backoff, so a long claim cannot use up every attempt.
                delay = max(delay, float(exc.retry_after))
            logger.warning(
                "%s %r event %s: attempt %d failed (%s); retrying in %.3g s",
                namespace,
                event_type,
                key,
                attempt,
                describe_failure(exc),
                delay,
            )
            try:
                raise task.retry(countdown=delay, exc=exc) from exc
            except _Reject as rejected:
                # Celery could not publish the retry and would drop the message
                # (Reject without requeue): give it back to the broker instead.
                raise _Reject(rejected.reason, requeue=True) from exc

    def _give_up(
        self,
        key: str,
        namespace: str,
        event_type: str,
        attempt: int,
        reason: str,
        cause: BaseException | None,
    ) -> NoReturn:
        message = f"{namespace} {event_type!r} event {key} is dead after {attempt} attempt(s): {reason}"
        logger.error("%s", message)
        _telemetry.failed_attempt(namespace, event_type, dead=True)
        raise DeadEvent(message) from cause


def _task_kwargs(entry: InboxEntry) -> dict[str, Any]:
    """The task message's arguments: JSON only (lists, strings, a number)."""
    return {
        "key": entry.key,
        "namespace": entry.namespace,
        "event_type": entry.type,
        "payload": entry.payload,
        "headers": [[name, value] for name, value in entry.headers],
        "received_at": entry.received_at,
        # Only when traced: a worker older than the field takes it in **_newer_fields.
        **({"trace_context": entry.trace_context} if entry.trace_context else {}),
    }
