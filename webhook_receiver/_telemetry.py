"""Metrics and traces through OpenTelemetry, when it is installed (the ``otel`` extra).

Without ``opentelemetry`` nothing here is imported and nothing is recorded: :data:`active`
stays ``None``, and every hook in the receiver, the pipeline, the router and the worker
is one comparison with it. With the API installed, the instruments come from
OpenTelemetry's global providers; until the application sets an SDK they would record
nothing at a few microseconds a request, so the hooks skip them (a look for an SDK at
most once a second, see :meth:`Telemetry.awake`). :func:`instrument` hands the library
other providers; :func:`uninstrument` turns recording off. With an SDK, recording costs
what the SDK costs: measured on this project's machine, about 6-10 µs per measurement
(three per request, one per event) and 14 µs per span (one per request, one per event).

The names below are public: dashboards and alerts are written against them.

Metrics (meter ``webhook_receiver``, at the package's version):

==========================================  ===============  ==========================================
``webhook_receiver.requests``               counter          every request answered: ``webhook.provider``,
                                                             ``webhook.outcome``, ``webhook.reason``
                                                             (a refusal's code), ``http.response.status_code``
``webhook_receiver.verification.duration``  histogram, s     verifying a request (``webhook.provider``)
``webhook_receiver.parsing.duration``       histogram, s     building its events (``webhook.provider``)
``webhook_receiver.handler.duration``       histogram, s     one event's handlers, inline or in a worker
                                                             (``webhook.provider``, ``webhook.event.type``,
                                                             ``error.type`` when one raised)
``webhook_receiver.duplicates``             counter          events skipped as done or in progress
                                                             elsewhere (``webhook.provider``)
``webhook_receiver.inbox.depth``            gauge            events in a worker's inbox per
                                                             ``webhook.inbox.state`` (and
                                                             ``webhook.inbox.location``)
``webhook_receiver.inbox.oldest_pending_age``  gauge, s      how long the oldest pending event has waited
                                                             (inboxes with ``oldest_pending()``)
``webhook_receiver.inbox.retries``          counter          failed attempts scheduled again
                                                             (``webhook.namespace``, ``webhook.event.type``)
``webhook_receiver.inbox.dead_letters``     counter          events that became dead (same attributes)
==========================================  ===============  ==========================================

Outcomes (:data:`OUTCOMES`): ``accepted`` (handled, or stored for a worker),
``duplicate`` (every event already done, or a 409 while another delivery holds it),
``rejected`` (a 4xx refusal), ``failed`` (a 5xx: a handler raised, a store or an inbox
failed), ``handshake`` (a provider's handshake, answered).

Spans (tracer ``webhook_receiver``): ``webhook receive`` for each request, with the
request counter's attributes (status ERROR on a 5xx), and ``webhook handle <type>`` for
each event whose handlers run: a child of the request's span inline; in deferred mode
the request's W3C ``traceparent`` travels with the event through the inbox
(``InboxEntry.trace_context``) and the worker's span is *linked* to the request's span
(``webhook.attempt`` says which run it is). A span becomes the current one only when
its context is valid (a no-op tracer's never is).

Not counted: a request refused by ``adapters.asgi.BodyLimit`` before the view runs, a
client that went away mid-body (nobody is answered), a duplicate an inbox ignores on
``put`` (the request is ``accepted``), and an event ``take`` makes dead because its
worker died on it ``max_attempts`` times (a dead letter the worker never sees).
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import sys
import time
import weakref
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from ._optional import MissingDependency

try:
    from opentelemetry import context as otel_context
    from opentelemetry import metrics as otel_metrics
    from opentelemetry import trace as otel_trace
    from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
except ImportError:  # not installed: every hook stays one comparison with None
    AVAILABLE = False
else:
    AVAILABLE = True
    try:  # what get_meter_provider() returns until an SDK is set (no public name for it)
        from opentelemetry.metrics._internal import _ProxyMeterProvider as _UnsetMeterProvider
    except ImportError:  # another API version: assume an SDK may be set, and record
        _UnsetMeterProvider = None  # type: ignore[assignment,misc]

if TYPE_CHECKING:
    from opentelemetry.context import Context
    from opentelemetry.metrics import CallbackOptions, MeterProvider, Observation
    from opentelemetry.trace import Span, TracerProvider

    from ._errors import HandlerFailure
    from ._event import Event
    from ._headers import Headers
    from ._receiver import Receiver, Reply
    from .delivery.inbox import DurableInbox
    from .providers._base import EventHeaders, Provider

__all__ = [
    "ACCEPTED",
    "ATTEMPT",
    "AVAILABLE",
    "DUPLICATE",
    "DUPLICATES",
    "ERROR_TYPE",
    "EVENT_SPAN",
    "EVENT_TYPE",
    "FAILED",
    "HANDLER_DURATION",
    "HANDSHAKE",
    "INBOX_DEAD_LETTERS",
    "INBOX_DEPTH",
    "INBOX_LOCATION",
    "INBOX_OLDEST_PENDING_AGE",
    "INBOX_RETRIES",
    "INBOX_STATE",
    "METRIC_NAMES",
    "NAME",
    "NAMESPACE",
    "OUTCOME",
    "OUTCOMES",
    "PARSING_DURATION",
    "PROVIDER",
    "REASON",
    "REJECTED",
    "REQUESTS",
    "REQUEST_SPAN",
    "STATUS_CODE",
    "VERIFICATION_DURATION",
    "Telemetry",
    "active",
    "deferred",
    "enabled",
    "failed_attempt",
    "instrument",
    "outcome_of",
    "skipped",
    "traceparent",
    "uninstrument",
    "unobserved",
    "watch_inbox",
]

logger = logging.getLogger("webhook_receiver")

NAME = "webhook_receiver"
"""The meter's and the tracer's name (their version is the package's)."""

REQUESTS = "webhook_receiver.requests"
"""Counter: every request answered."""
VERIFICATION_DURATION = "webhook_receiver.verification.duration"
"""Histogram, seconds: verifying one request's signature, token or credentials."""
PARSING_DURATION = "webhook_receiver.parsing.duration"
"""Histogram, seconds: building one verified request's events."""
HANDLER_DURATION = "webhook_receiver.handler.duration"
"""Histogram, seconds: running one event's handlers (inline, or in a worker)."""
DUPLICATES = "webhook_receiver.duplicates"
"""Counter: events skipped because a store has them done, or held by another delivery."""
INBOX_DEPTH = "webhook_receiver.inbox.depth"
"""Observable gauge: events in a worker's inbox, per state."""
INBOX_OLDEST_PENDING_AGE = "webhook_receiver.inbox.oldest_pending_age"
"""Observable gauge, seconds: since the oldest pending event of a worker's inbox was received."""
INBOX_RETRIES = "webhook_receiver.inbox.retries"
"""Counter: failed attempts scheduled to run again (a worker's, or Celery's)."""
INBOX_DEAD_LETTERS = "webhook_receiver.inbox.dead_letters"
"""Counter: events given up on (dead)."""

METRIC_NAMES = (
    REQUESTS,
    VERIFICATION_DURATION,
    PARSING_DURATION,
    HANDLER_DURATION,
    DUPLICATES,
    INBOX_DEPTH,
    INBOX_OLDEST_PENDING_AGE,
    INBOX_RETRIES,
    INBOX_DEAD_LETTERS,
)
"""Every metric this library records."""

REQUEST_SPAN = "webhook receive"
"""The span of one request."""
EVENT_SPAN = "webhook handle"
"""The span of one event's handlers is named this, a space, and the event's type."""

PROVIDER = "webhook.provider"
"""Attribute: the provider's name (``"courier"``), on every metric and span of a request or event."""
OUTCOME = "webhook.outcome"
"""Attribute: how a request ended, one of :data:`OUTCOMES`."""
REASON = "webhook.reason"
"""Attribute: the code of a refusal or failure (``"signature_mismatch"``); absent on success."""
STATUS_CODE = "http.response.status_code"
"""Attribute: the status answered."""
EVENT_TYPE = "webhook.event.type"
"""Attribute: the provider's event type (``"message:updated"``)."""
ERROR_TYPE = "error.type"
"""Attribute: the class of the first exception a handler raised for an event."""
ATTEMPT = "webhook.attempt"
"""Attribute of a worker's event span: which run of the handlers it is (1 for the first)."""
NAMESPACE = "webhook.namespace"
"""Attribute: the receiver's namespace (the provider's name unless set), on inbox counters."""
INBOX_STATE = "webhook.inbox.state"
"""Attribute: ``pending``, ``running``, ``done`` or ``dead``, on the inbox depth."""
INBOX_LOCATION = "webhook.inbox.location"
"""Attribute: where the inbox keeps its events (a path, a URL without its password)."""

ACCEPTED = "accepted"
"""Outcome: verified, and handled (200) or stored for a worker (202, or the provider's 200)."""
DUPLICATE = "duplicate"
"""Outcome: every event was done already (200), or another delivery holds one (409)."""
REJECTED = "rejected"
"""Outcome: refused with a 4xx (signature, payload, method, size, content type)."""
FAILED = "failed"
"""Outcome: a 5xx (a handler raised, a store or an inbox failed): the sender retries."""
HANDSHAKE = "handshake"
"""Outcome: a provider's handshake answered (Meta's GET, Zoom's or Twitch's challenge)."""
OUTCOMES = frozenset({ACCEPTED, DUPLICATE, REJECTED, FAILED, HANDSHAKE})
"""Every value of ``webhook.outcome``."""

# Seconds. The SDK's default buckets are milliseconds' (0 to 10000): verification takes
# microseconds and would all land in the first one.
_FAST_BUCKETS = (1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 0.01, 0.025, 0.05, 0.1, 0.5)
_HANDLER_BUCKETS = (1e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)

_timer = time.perf_counter  # durations; a module attribute so tests can step it
_LOOK_EVERY = 1.0
"""Seconds between looks for an SDK set since, while the global providers have none."""

P = ParamSpec("P")
R = TypeVar("R", bound="Reply | None")


class _Request:
    """What the receiver tells the telemetry about the request being answered."""

    __slots__ = ("skipped",)

    def __init__(self) -> None:
        self.skipped = 0


class _Deferred:
    """A worker running a stored event: its span links to the span of the request that stored it."""

    __slots__ = ("attempt", "links", "token")

    def __init__(self, links: Sequence[Any], attempt: int) -> None:
        self.links = links
        self.attempt = attempt
        self.token: contextvars.Token[_Deferred | None] | None = None

    def __enter__(self) -> _Deferred:
        self.token = _deferred.set(self)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.token is not None:
            _deferred.reset(self.token)


_request: contextvars.ContextVar[_Request | None] = contextvars.ContextVar(
    "webhook_receiver_request", default=None
)
_deferred: contextvars.ContextVar[_Deferred | None] = contextvars.ContextVar(
    "webhook_receiver_deferred", default=None
)
_NOTHING: contextlib.nullcontext[None] = contextlib.nullcontext()
if AVAILABLE:
    # W3C trace context whatever propagator the application set: InboxEntry.trace_context
    # is a traceparent.
    _PROPAGATOR = TraceContextTextMapPropagator()


def _version() -> str:
    # Read without importing the package: the package imports the layers above this one.
    return str(getattr(sys.modules.get(__package__ or NAME), "__version__", "") or "")


def _histogram(meter: Any, name: str, description: str, buckets: Sequence[float]) -> Any:
    try:
        return meter.create_histogram(
            name, unit="s", description=description, explicit_bucket_boundaries_advisory=buckets
        )
    except TypeError:  # an API older than 1.23: the SDK's (or the view's) buckets
        return meter.create_histogram(name, unit="s", description=description)


def outcome_of(reply: Reply, handshake: bool, skipped: int) -> str:
    """The ``webhook.outcome`` of ``reply`` (see :data:`OUTCOMES`)."""
    error = reply.error
    if error is None and reply.status < 400:
        if handshake:
            return HANDSHAKE
        # With a store, a reply's events are the ones that ran: none ran, some were skipped.
        return DUPLICATE if skipped and not reply.events else ACCEPTED
    if error is not None and error.code == "in_progress":
        return DUPLICATE
    return FAILED if reply.status >= 500 else REJECTED


_Started = tuple[_Request, "contextvars.Token[_Request | None]", "Span", "contextvars.Token[Context] | None"]
"""A request being observed: its scope, the scope's token, its span, the span's context token."""


class _Handling:
    """One event's handlers being run: its span, the time they started, the failures before them."""

    __slots__ = ("attributes", "failed_before", "span", "started", "telemetry", "token")

    def __init__(
        self, telemetry: Telemetry, span: Span, attributes: dict[str, Any], failed_before: int
    ) -> None:
        self.telemetry = telemetry
        self.span = span
        self.attributes = attributes
        self.failed_before = failed_before
        self.token = (
            otel_context.attach(otel_trace.set_span_in_context(span))
            if span.get_span_context().is_valid
            else None
        )
        self.started = _timer()

    def finish(self, failures: Sequence[HandlerFailure]) -> None:
        """Record the duration and end the span; ``failures`` from ``failed_before`` on are this event's."""
        elapsed = _timer() - self.started
        span, attributes = self.span, self.attributes
        mine = failures[self.failed_before :]
        if mine:
            attributes[ERROR_TYPE] = type(mine[0].exception).__qualname__
            if span.is_recording():
                span.set_attribute(ERROR_TYPE, attributes[ERROR_TYPE])
                for failure in mine:
                    span.record_exception(failure.exception, {"webhook.handler": failure.handler})
                span.set_status(otel_trace.Status(otel_trace.StatusCode.ERROR, "handler_failed"))
        self.telemetry.handler_duration.record(elapsed, attributes)
        if self.token is not None:
            otel_context.detach(self.token)
        span.end()


def _sdk_set() -> bool:
    """Whether the application gave OpenTelemetry a real tracer or meter provider."""
    tracers = otel_trace.get_tracer_provider()
    if not isinstance(tracers, otel_trace.ProxyTracerProvider | otel_trace.NoOpTracerProvider):
        return True
    meters = otel_metrics.get_meter_provider()
    if _UnsetMeterProvider is None:
        return True
    return not isinstance(meters, _UnsetMeterProvider | otel_metrics.NoOpMeterProvider)


class Telemetry:
    """The instruments and the tracer, and the hooks that record through them.

    Made from the global providers, it sleeps until the application sets an SDK:
    without one every call would reach a no-op, and the spans and the context
    variables alone cost several microseconds a request. :meth:`awake` looks for an
    SDK at most once a second; once one is set (for good: OpenTelemetry's providers
    are set once) it records from then on.
    """

    def __init__(
        self, meter_provider: MeterProvider | None = None, tracer_provider: TracerProvider | None = None
    ) -> None:
        self.live = meter_provider is not None or tracer_provider is not None
        """Whether it records: given providers, or the global ones once an SDK is set."""
        self._next_look = 0.0
        version = _version()
        meters = meter_provider if meter_provider is not None else otel_metrics.get_meter_provider()
        tracers = tracer_provider if tracer_provider is not None else otel_trace.get_tracer_provider()
        meter = meters.get_meter(NAME, version)
        self.tracer = tracers.get_tracer(NAME, version)
        self.requests = meter.create_counter(
            REQUESTS, unit="{request}", description="Webhook requests answered, by provider and outcome."
        )
        self.verification = _histogram(
            meter, VERIFICATION_DURATION, "Time to verify a webhook request.", _FAST_BUCKETS
        )
        self.parsing = _histogram(
            meter, PARSING_DURATION, "Time to build a verified request's events.", _FAST_BUCKETS
        )
        self.handler_duration = _histogram(
            meter, HANDLER_DURATION, "Time to run one event's handlers.", _HANDLER_BUCKETS
        )
        self.duplicates = meter.create_counter(
            DUPLICATES, unit="{event}", description="Events skipped: done already, or in progress elsewhere."
        )
        self.retries = meter.create_counter(
            INBOX_RETRIES, unit="{attempt}", description="Failed attempts scheduled to run again."
        )
        self.dead_letters = meter.create_counter(
            INBOX_DEAD_LETTERS, unit="{event}", description="Events given up on after their last attempt."
        )
        meter.create_observable_gauge(
            INBOX_DEPTH,
            [self._observe_depth],
            unit="{event}",
            description="Events in a worker's inbox, by state.",
        )
        meter.create_observable_gauge(
            INBOX_OLDEST_PENDING_AGE,
            [self._observe_oldest_pending_age],
            unit="s",
            description="Seconds since the oldest pending event of a worker's inbox was received.",
        )

    def awake(self) -> bool:
        """Whether it records (the request and worker entry points ask first)."""
        if self.live:
            return True
        now = time.monotonic()
        if now >= self._next_look:
            self._next_look = now + _LOOK_EVERY
            self.live = _sdk_set()
        return self.live

    # -- requests ------------------------------------------------------------------

    def _start(self, receiver: Receiver) -> _Started:
        scope = _Request()
        token = _request.set(scope)
        span = self.tracer.start_span(REQUEST_SPAN, attributes={PROVIDER: receiver.provider.name})
        attached = (
            otel_context.attach(otel_trace.set_span_in_context(span))
            if span.get_span_context().is_valid
            else None
        )
        return scope, token, span, attached

    def _end(
        self,
        receiver: Receiver,
        method: str,
        started: _Started,
        reply: Reply | None,
        exc: BaseException | None,
    ) -> None:
        scope, token, span, attached = started
        if attached is not None:
            otel_context.detach(attached)
        _request.reset(token)
        if exc is not None:  # not a reply: a bug, or the process stopping
            if span.is_recording():
                span.record_exception(exc)
                span.set_status(otel_trace.Status(otel_trace.StatusCode.ERROR, type(exc).__qualname__))
        elif reply is not None:  # None: the client went away mid-body, and nobody was answered
            attributes: dict[str, Any] = {
                PROVIDER: receiver.provider.name,
                OUTCOME: outcome_of(reply, method.upper() in receiver.handshake_methods, scope.skipped),
                STATUS_CODE: reply.status,
            }
            if reply.error is not None:
                attributes[REASON] = reply.error.code
            self.requests.add(1, attributes)
            if span.is_recording():
                span.set_attributes(attributes)
                if reply.status >= 500:
                    span.set_status(otel_trace.Status(otel_trace.StatusCode.ERROR, attributes.get(REASON)))
        span.end()

    def observe(
        self, receiver: Receiver, method: str, call: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs
    ) -> R:
        """Answer one request with ``call(*args, **kwargs)`` inside its span, then count it."""
        started = self._start(receiver)
        try:
            reply = call(*args, **kwargs)
        except BaseException as exc:
            self._end(receiver, method, started, None, exc)
            raise
        self._end(receiver, method, started, reply, None)
        return reply

    async def observe_async(
        self,
        receiver: Receiver,
        method: str,
        call: Callable[P, Awaitable[R]],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> R:
        """:meth:`observe`, awaiting ``call``."""
        started = self._start(receiver)
        try:
            reply = await call(*args, **kwargs)
        except BaseException as exc:
            self._end(receiver, method, started, None, exc)
            raise
        self._end(receiver, method, started, reply, None)
        return reply

    def verify_and_parse(
        self, provider: Provider, view: Headers, body: bytes, now: float | None
    ) -> tuple[list[Event], EventHeaders]:
        """``provider.parse_verified(view, body, provider.verify(view, body, now=now))``, each timed."""
        attributes = {PROVIDER: provider.name}
        started = _timer()
        try:
            verified = provider.verify(view, body, now=now)
        finally:
            verified_at = _timer()
            self.verification.record(verified_at - started, attributes)
        try:
            return provider.parse_verified(view, body, verified)
        finally:
            self.parsing.record(_timer() - verified_at, attributes)

    # -- events --------------------------------------------------------------------

    def handling(self, event: Event, failures: Sequence[HandlerFailure]) -> _Handling:
        """Start timing ``event``'s handlers (``failures``: the list their failures join)."""
        attributes: dict[str, Any] = {PROVIDER: event.provider, EVENT_TYPE: event.type}
        name = f"{EVENT_SPAN} {event.type}"
        deferred = _deferred.get()
        if deferred is None:
            span = self.tracer.start_span(name, attributes=attributes)
        else:
            span = self.tracer.start_span(
                name, links=deferred.links, attributes={**attributes, ATTEMPT: deferred.attempt}
            )
        return _Handling(self, span, attributes, len(failures))

    def skipped(self, provider: str, count: int) -> None:
        """``count`` events of ``provider`` were skipped: done already, or held elsewhere."""
        self.duplicates.add(count, {PROVIDER: provider})
        scope = _request.get()
        if scope is not None:
            scope.skipped += count

    # -- the inbox -----------------------------------------------------------------

    def _observe_depth(self, options: CallbackOptions) -> Iterable[Observation]:
        found: list[Observation] = []
        for inbox, _ in _inboxes(self):
            try:
                counts = inbox.counts()
                location = inbox.location
            except Exception:  # an unreadable inbox is its worker's to report; skip it here
                logger.debug("could not count the events of %r", inbox, exc_info=True)
                continue
            found.extend(
                otel_metrics.Observation(count, {INBOX_STATE: str(state), INBOX_LOCATION: location})
                for state, count in counts.items()
            )
        return found

    def _observe_oldest_pending_age(self, options: CallbackOptions) -> Iterable[Observation]:
        found: list[Observation] = []
        for inbox, clock in _inboxes(self):
            oldest_pending = getattr(inbox, "oldest_pending", None)  # optional (DurableInbox)
            if oldest_pending is None:
                continue
            try:
                oldest = oldest_pending()
                location = inbox.location
            except Exception:
                logger.debug("could not find the oldest pending event of %r", inbox, exc_info=True)
                continue
            age = 0.0 if oldest is None else max(0.0, clock() - oldest)
            found.append(otel_metrics.Observation(age, {INBOX_LOCATION: location}))
        return found

    def failed_attempt(self, namespace: str, event_type: str, *, dead: bool) -> None:
        """A stored event's attempt failed: scheduled again, or ``dead``."""
        counter = self.dead_letters if dead else self.retries
        counter.add(1, {NAMESPACE: namespace, EVENT_TYPE: event_type})


# -- the hooks of the cold paths (the hot ones read ``active`` themselves) ---------------


def traceparent() -> str | None:
    """The current span's W3C ``traceparent``, to store with an event (``None``: no valid span)."""
    if active is None or not active.live:
        return None
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier)
    return carrier.get("traceparent")


def deferred(trace_context: str | None, attempt: int) -> contextlib.AbstractContextManager[object]:
    """Around a worker's run of a stored event: its span links to ``trace_context``'s."""
    if active is None or not active.awake():
        return _NOTHING
    links: tuple[Any, ...] = ()
    if trace_context:
        found = otel_trace.get_current_span(_PROPAGATOR.extract({"traceparent": trace_context}))
        span_context = found.get_span_context()
        if span_context.is_valid:
            links = (otel_trace.Link(span_context),)
    return _Deferred(links, attempt)


def unobserved() -> bool:
    """Whether no request is being observed in this context (the entry points ask first)."""
    return _request.get() is None


def skipped(provider: str, count: int) -> None:
    """``count`` events of ``provider`` were skipped as duplicates (see :meth:`Telemetry.skipped`)."""
    if active is not None and active.live:
        active.skipped(provider, count)


def failed_attempt(namespace: str, event_type: str, *, dead: bool) -> None:
    """A stored event's attempt failed: scheduled again, or ``dead``."""
    if active is not None and active.awake():
        active.failed_attempt(namespace, event_type, dead=dead)


# -- the inboxes whose gauges are observed ----------------------------------------------

_watched: list[tuple[Callable[[], DurableInbox | None], Callable[[], float]]] = []


def watch_inbox(inbox: DurableInbox, clock: Callable[[], float]) -> None:
    """Report ``inbox``'s depth and oldest pending age (a Worker calls this for its inbox).

    Held weakly where the inbox allows it: a dropped inbox stops being observed.
    """
    if not AVAILABLE:
        return
    try:
        reference: Callable[[], DurableInbox | None] = weakref.ref(inbox)
    except TypeError:  # an inbox class without __weakref__
        reference = lambda: inbox  # noqa: E731
    for held, _ in list(_watched):
        if held() is inbox:
            return
    _watched.append((reference, clock))


def _inboxes(observer: Telemetry) -> Iterator[tuple[DurableInbox, Callable[[], float]]]:
    """The inboxes watched, and their workers' clocks; none unless ``observer`` is the one recording."""
    if observer is not active:
        return
    for entry in list(_watched):
        inbox = entry[0]()
        if inbox is None:
            with contextlib.suppress(ValueError):
                _watched.remove(entry)
            continue
        yield inbox, entry[1]


# -- switching it on and off ------------------------------------------------------------

_default: Telemetry | None = None


def _global() -> Telemetry:
    """The instruments of the global providers, made once: they follow whatever SDK the
    application sets later, and making them again would register every name twice."""
    global _default
    if _default is None:
        _default = Telemetry()
    return _default


active: Telemetry | None = _global() if AVAILABLE else None
"""What records, or ``None``: every hook reads this first."""


def instrument(
    *, meter_provider: MeterProvider | None = None, tracer_provider: TracerProvider | None = None
) -> None:
    """Record through these providers from now on (by default OpenTelemetry's global ones).

    Recording through the global providers is already on whenever ``opentelemetry`` is
    installed; call this to use providers of your own (tests, a second pipeline), or
    with no arguments to go back to the global ones.

    Raises:
        MissingDependency: ``opentelemetry`` is not installed (``pip install
            'webhook-receiver[otel]'``).
    """
    global active
    if not AVAILABLE:
        raise MissingDependency("webhook_receiver.telemetry", "opentelemetry", "otel")
    if meter_provider is None and tracer_provider is None:
        active = _global()
    else:
        active = Telemetry(meter_provider, tracer_provider)


def uninstrument() -> None:
    """Stop recording: metrics and spans stay silent until :func:`instrument` is called."""
    global active
    active = None


def enabled() -> bool:
    """Whether requests, events and inboxes are recorded now."""
    return active is not None
