"""The one place that decides a webhook response.

``Receiver.handle(method, headers, body)`` (and ``handle_async``) verifies, parses and
dispatches, and returns a :class:`Reply`; the pipeline (``_pipeline``) and the
framework adapters only translate the ``Reply``; they decide nothing. Every status it
can answer, and when, is the one table ``_errors.STATUSES`` (the guarantees guide's
table is checked against it); each refusal's status is its exception's ``status``.

Checks run cheapest first: method, size and content type before any hashing, the
signature before the body is decoded. Batches: every event of a batch is
dispatched; if any handler fails on any of them the reply is 500, so the sender
retries the whole batch.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from . import _accel, _telemetry
from ._errors import (
    BodyTooLarge,
    ConfigurationError,
    EventInProgress,
    HandlerError,
    MethodNotAllowed,
    PayloadError,
    SignatureMismatch,
    StoreUnavailable,
    TimestampOutsideTolerance,
    UnsupportedMediaType,
    WebhookError,
)
from ._events import Event, JSONObject, check_depth, constructor, decode_json
from ._explain import log_diagnosis
from ._handoff import Claim, ClaimStatus, IdempotencyStore, Inbox, InboxEntry
from ._headers import OWS, Headers, HeadersLike, select
from ._routing import Router
from ._schemes import check_tolerance_option
from .providers._base import Answer, EventHeaders, Provider, payload_identity

__all__ = ["DEFAULT_LEASE", "DEFAULT_MAX_BODY_SIZE", "DEFAULT_TTL", "LimitedBody", "Receiver", "Reply"]

logger = logging.getLogger("webhook_receiver")

DEFAULT_MAX_BODY_SIZE = 5 * 1024 * 1024
"""5 MiB: a full Customer.io batch of 1000 events fits with room to spare."""

DEFAULT_LEASE = 120.0
"""Seconds a claim holds an event before another delivery may take it over."""

RETRY_AFTER = 5.0
"""The most a 409 asks a sender to wait (``Retry-After``) before delivering a duplicate again."""

DEFAULT_TTL = 7 * 24 * 3600.0
"""Seconds a processed event is remembered: longer than any sender keeps retrying."""

_JSON_HEADERS: Mapping[str, str] = MappingProxyType({"Content-Type": "application/json"})
_NO_ENTRIES: tuple[InboxEntry, ...] = ()
"""What :meth:`Receiver._prepare` gives a receiver without an inbox for its entries."""
_NO_HEADERS: Mapping[str, str] = MappingProxyType({})


class _ProvidersOwn:
    """The default of ``Receiver(content_types=...)``: the provider's ``content_types``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<the provider's content types>"


PROVIDERS_CONTENT_TYPES = _ProvidersOwn()


@dataclass(frozen=True, slots=True)
class Reply:
    """What to answer: ``status``, ``headers`` and ``body``, plus what led to it.

    ``events`` are the verified events (empty when the request was rejected) and
    ``error`` the exception that decided a non-2xx answer, for adapters that pass
    events on to a view or log the failure.
    """

    status: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=lambda: _JSON_HEADERS)
    events: tuple[Event, ...] = ()
    error: WebhookError | None = None

    @property
    def ok(self) -> bool:
        """True for a 2xx reply."""
        return 200 <= self.status < 300


class LimitedBody:
    """Collects a streamed request body and stops at the size limit.

    Adapters that read the body in chunks (ASGI, WSGI, Django) feed it here, so a
    body over the limit is refused as soon as the bytes received pass it, without
    buffering the rest.

    The chunks are written into one buffer and :meth:`getvalue` hands that buffer
    over as ``bytes`` without a final copy, so a body costs about its own size in
    memory, not twice it (the chunks plus their join). ``expected``, the declared
    ``Content-Length``, sizes the buffer: it grows by doubling towards exactly that
    size as bytes arrive, so a large body is never over-allocated, and a request that
    declares a large body but sends little holds at most twice what it sent (or
    128 KiB, whichever is more).
    """

    __slots__ = ("_buffer", "_capacity", "_expected", "_limit", "_size")

    def __init__(self, limit: int, expected: int | None = None) -> None:
        self._limit = limit
        self._buffer = io.BytesIO()
        self._size = 0
        self._capacity = 0
        # Reserving past the limit would only hold memory for a body refused anyway.
        self._expected = min(expected, limit) if expected and expected > _RESERVE_FROM else None

    @property
    def size(self) -> int:
        """Bytes received so far."""
        return self._size

    def feed(self, chunk: bytes) -> None:
        """Add a chunk; raise ``BodyTooLarge`` once the total passes the limit."""
        if chunk:
            size = self._size + len(chunk)
            if size > self._limit:
                self._size = size
                raise BodyTooLarge(f"body passed the limit of {self._limit} bytes while streaming")
            if size > self._capacity and self._expected is not None:
                self._reserve(size)
            self._buffer.write(chunk)
            self._size = size

    def _reserve(self, needed: int) -> None:
        """Grow the buffer to the next of expected/2**k that holds ``needed`` bytes.

        Every step at least doubles the buffer, so BytesIO allocates exactly what is
        asked (it over-allocates by an eighth only for smaller steps), and the last
        step lands on the declared size itself. Past the declared size (a server that
        let more through), BytesIO's own growth takes over.
        """
        expected = self._expected
        assert expected is not None
        if needed > expected:
            self._expected = None
            return
        capacity = expected
        while capacity // 2 >= needed and capacity // 2 >= _RESERVE_FROM:
            capacity //= 2
        buffer = self._buffer
        buffer.seek(capacity - 1)
        buffer.write(b"\0")
        buffer.seek(self._size)
        self._capacity = capacity

    def remaining(self) -> int:
        """How many more bytes to read at most: one past the limit, to detect passing it."""
        return self._limit - self._size + 1

    def getvalue(self) -> bytes:
        """The body received so far (the buffer itself, as ``bytes``: no copy)."""
        buffer = self._buffer
        if self._capacity > self._size:
            buffer.truncate(self._size)
            self._capacity = self._size
        return buffer.getvalue()


_RESERVE_FROM = 64 * 1024
"""Bodies declared no larger than this grow as BytesIO grows them: reserving saves nothing."""


def _json(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def _payload_text(event: Event) -> str:
    """An event's payload as the JSON text the inbox stores (ASCII: every string survives).

    Nested no deeper than ``MAX_DEPTH``, so a worker can always read it back.
    """
    check_depth(event.payload)
    try:
        return json.dumps(event.payload, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError) as exc:
        raise PayloadError(f"the payload cannot be stored as JSON ({type(exc).__name__})") from None


_CONTENT_LENGTH = "content-length"
_PRECHECKED = (_CONTENT_LENGTH, "content-type")

# Every request ends in a Reply: built without a frozen dataclass's per-field
# object.__setattr__ (0.7 -> 0.2 µs), the same instance Reply(...) makes.
_reply = constructor(Reply)


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip(OWS).lower()


class Receiver(Router):
    """Verify, parse and dispatch the webhooks of one provider.

    >>> receiver = Receiver(providers.Kourier(token="..."))
    >>> @receiver.on(kourier.DeliveryUpdated)
    ... def moved(event: kourier.DeliveryUpdated) -> None: ...
    >>> reply = receiver.handle("POST", headers, body)

    Args:
        provider: the provider object (``providers.create(...)``).
        max_body_size: bytes; larger bodies get 413 before any hashing.
        methods: allowed HTTP methods; defaults to the provider's (``POST``, and the
            others Customer.io or a Courier override may use).
        content_types: accepted media types (plus any ``+json``); ``None`` accepts any.
            Defaults to the provider's (``application/json``; Slack also sends forms).
            A request without ``Content-Type`` is accepted: some senders omit it.
        store: an idempotency store, so each event's handlers run once (see ``_stores``).
        lease: seconds a claim in the store holds an event being processed.
        ttl: seconds a processed event is remembered as done.
        namespace: the prefix of event keys (default: the provider's name); give two
            receivers of the same provider different namespaces.
        inbox: defer processing: store the events in this inbox (``SQLiteInbox``,
            ``CeleryInbox``), answer ``accepted_status`` once they are stored, and let
            a :class:`~webhook_receiver.Worker` (or Celery) run the handlers.
        accepted_status: the deferred answer; default the provider's (202, or the
            200 Courier and Slack ask for).
    """

    def __init__(
        self,
        provider: Provider,
        *,
        max_body_size: int = DEFAULT_MAX_BODY_SIZE,
        methods: Iterable[str] | None = None,
        content_types: Iterable[str] | _ProvidersOwn | None = PROVIDERS_CONTENT_TYPES,
        store: IdempotencyStore | None = None,
        lease: float = DEFAULT_LEASE,
        ttl: float = DEFAULT_TTL,
        namespace: str | None = None,
        inbox: Inbox | None = None,
        accepted_status: int | None = None,
    ) -> None:
        super().__init__()
        if not isinstance(provider, Provider):
            raise ConfigurationError("provider must be a webhook_receiver provider (providers.create(...))")
        if isinstance(max_body_size, bool) or not isinstance(max_body_size, int) or max_body_size <= 0:
            raise ConfigurationError("max_body_size must be a positive number of bytes")
        self._provider = provider
        self._max_body_size = max_body_size
        self._methods = tuple(m.upper() for m in (methods if methods is not None else provider.methods))
        if not self._methods:
            raise ConfigurationError("methods must name at least one HTTP method")
        if isinstance(content_types, _ProvidersOwn):
            content_types = provider.content_types
        self._content_types = (
            None if content_types is None else frozenset(_media_type(c) for c in content_types)
        )
        self._store = store
        self._lease = check_tolerance_option(lease, "lease")
        self._ttl = check_tolerance_option(ttl, "ttl")
        if self._ttl < self._lease:
            raise ConfigurationError("ttl must be at least the lease")
        self._namespace = namespace or provider.name
        status = provider.accepted_status if accepted_status is None else accepted_status
        if isinstance(status, bool) or not isinstance(status, int) or not 200 <= status < 300:
            raise ConfigurationError("accepted_status must be a 2xx status")
        self._accepted_status = status
        self._inbox = inbox
        self._handshakes = frozenset(provider.handshake_methods) & frozenset(self._methods)
        # The compiled precheck of the usual request (_accel), or None: precheck() decides
        # the rest. Not for a subclass with a precheck() of its own, which must see every request.
        compiled = _accel.compiled
        self._compiled_precheck: Callable[[str, HeadersLike], Headers | None] | None = (
            None
            if compiled is None or type(self).precheck is not Receiver.precheck
            else compiled.Prechecker(self, self._methods, self._content_types, max_body_size, Headers)
        )
        # Every provider but Slack answers the same {"ok":true}: encoded once, here,
        # rather than by json.dumps on every request (2 µs, a fifth of handling one).
        own_answer = type(provider).answer is not Provider.answer or "answer" in getattr(
            provider, "__dict__", ()
        )
        self._constant_answer = None if own_answer else _answer_body(provider.answer(()))
        # handle() has asked the telemetry already: Router._dispatch skips asking again,
        # unless a subclass has its own dispatch() to call.
        self._own_dispatch = type(self).dispatch is Router.dispatch
        # A provider's own answer usually repeats too (Slack's {"ok": true}): the last
        # one's JSON is kept, by its repr (a snapshot, and unlike ==, True is not 1).
        self._last_answer: tuple[str, bytes] = ("", b"")
        if inbox is not None:
            # An inbox that runs events itself (a Worker without receivers of its own,
            # Celery's task) is told which receiver's handlers run this namespace.
            attach = getattr(inbox, "attach", None)
            if attach is not None:
                attach(self)

    @property
    def inbox(self) -> Inbox | None:
        """The inbox of a deferred receiver (events are stored, answered, then run by a worker)."""
        return self._inbox

    @property
    def namespace(self) -> str:
        """The prefix of this receiver's event keys (the provider's name unless given)."""
        return self._namespace

    @property
    def store(self) -> IdempotencyStore | None:
        """The idempotency store, if any."""
        return self._store

    @property
    def provider(self) -> Provider:
        """The provider this receiver verifies."""
        return self._provider

    @property
    def max_body_size(self) -> int:
        """The body size limit in bytes (adapters stop reading past it)."""
        return self._max_body_size

    @property
    def methods(self) -> tuple[str, ...]:
        """The allowed HTTP methods."""
        return self._methods

    def __repr__(self) -> str:
        return f"<Receiver for {self._provider!r}, {len(self._routes)} route(s)>"

    def precheck(self, method: str, headers: HeadersLike) -> Headers:
        """The checks that need no body: method, declared ``Content-Length``, content type.

        Adapters call this before reading the body, so a request that will be refused
        anyway is refused without reading it. Returns the header view to pass on:
        :meth:`handle` given that view does not check its headers a second time.
        """
        compiled = self._compiled_precheck
        if compiled is not None:
            # The usual request (a known method, one Content-Length within the limit,
            # one accepted Content-Type), checked in C; None leaves it to the Python code.
            checked = compiled(method, headers)
            if checked is not None:
                return checked
        return self._precheck_in_python(method, headers)

    def _precheck_in_python(self, method: str, headers: HeadersLike) -> Headers:
        """:meth:`precheck` without its compiled path: every request the C code declined."""
        methods = self._methods
        # The method as sent is usually upper-case already: found without upper()
        # (the methods are upper-cased, and upper() of an upper-cased string is itself).
        if method not in methods and method.upper() not in methods:
            raise MethodNotAllowed(method, methods)
        # A dict (what most callers pass) without Headers.of's call.
        view = Headers(headers) if type(headers) is dict else Headers.of(headers)
        if view._checked_by is self:
            return view
        # Both headers in one pass over the request's headers.
        lengths: list[str] = []
        types: list[str] = []
        for name, value in select(view._pairs, _PRECHECKED):
            (lengths if name == _CONTENT_LENGTH else types).append(value)
        if lengths:
            text = lengths[0]
            if len(lengths) > 1 or not (text.isascii() and text.isdigit()) or len(text) > 19:
                raise PayloadError("Content-Length is not a single whole number")
            length = int(text)
            if length > self._max_body_size:
                raise BodyTooLarge(
                    f"declared body of {text} bytes is over the limit of {self._max_body_size}"
                )
            view.content_length = length
        accepted = self._content_types
        # A single value sent exactly as accepted ("application/json") needs no taking
        # apart: accepted types are what _media_type returns, which it returns unchanged.
        if types and accepted is not None and (len(types) > 1 or types[0] not in accepted):
            media = _media_type(types[-1])
            if len(types) > 1 or not (media in accepted or media.endswith("+json")):
                raise UnsupportedMediaType(f"content type {media[:64]!r} is not accepted")
        view._checked_by = self
        return view

    def limited_body(self, expected: int | None = None) -> LimitedBody:
        """A buffer for streaming this receiver's request body, refusing past ``max_body_size``.

        ``expected``: the declared ``Content-Length``, if any (it sizes the buffer).
        """
        return LimitedBody(self._max_body_size, expected)

    def accept(
        self, method: str, headers: HeadersLike, body: bytes, *, now: float | None = None
    ) -> list[Event]:
        """Everything before dispatch: method, size, content type, signature, parsing.

        Returns the verified events, or raises the ``WebhookError`` that decides the
        answer.
        """
        return self._prepare(method, headers, body, now)[0]

    def _prepare(
        self, method: str, headers: HeadersLike, body: bytes, now: float | None
    ) -> tuple[list[Event], float, Sequence[InboxEntry], list[str] | None]:
        """:meth:`accept`, then what the mode needs before anything is stored: the time,
        and the inbox entries (deferred) or the events' keys (with a store; ``None``
        without one). An event that cannot be keyed or written out raises its
        ``PayloadError`` here, a 400, never a 503 the sender would retry forever."""
        # precheck() without its own call: the compiled path, then (once) the Python code
        # for what it declined; a subclass's own precheck() (no compiled path) as it is.
        compiled = self._compiled_precheck
        if compiled is None:
            view = self.precheck(method, headers)
        else:
            checked = compiled(method, headers)  # not `or`: an empty Headers is falsy
            view = self._precheck_in_python(method, headers) if checked is None else checked
        if len(body) > self._max_body_size:
            raise BodyTooLarge(f"body of {len(body)} bytes is over the limit of {self._max_body_size}")
        provider = self._provider
        telemetry = _telemetry.active
        try:
            if telemetry is None or not telemetry.live:
                events, saved = provider.parse_verified(view, body, provider.verify(view, body, now=now))
            else:
                events, saved = telemetry.verify_and_parse(provider, view, body, now)
        except (SignatureMismatch, TimestampOutsideTolerance):
            log_diagnosis(logger, provider, view, body, now)  # only at DEBUG (_explain)
            raise
        if logger.isEnabledFor(logging.DEBUG):  # a dict lookup when DEBUG is off
            for event in events:
                logger.debug("accepted a %s %r event (%s)", event.provider, event.type, _id_of(event))
        if self._inbox is None and self._store is None:
            return events, 0.0, _NO_ENTRIES, None
        at = provider.clock() if now is None else now
        if self._inbox is not None:
            return events, at, self.entries(events, saved, at), None
        return events, at, [], [self.event_key(event) for event in events]

    def handle(
        self, method: str, headers: HeadersLike, body: bytes, *, now: float | None = None, query: str = ""
    ) -> Reply:
        """Verify, parse and dispatch one request; return the reply to send.

        ``query`` is the request's raw query string, read only by a provider's
        handshake (Meta's ``GET ...?hub.challenge=``). Never raises for anything the
        request contains: every outcome is a ``Reply``.
        """
        telemetry = _telemetry.active
        # Once per request, inside its span: the inner call finds it observed and goes on.
        if telemetry is not None and telemetry.awake() and _telemetry.unobserved():
            return telemetry.observe(self, method, self.handle, method, headers, body, now=now, query=query)
        if self._handshakes and method.upper() in self._handshakes:
            return self.handshake(method, headers, query, now=now)
        try:
            events, at, entries, keys = self._prepare(method, headers, body, now)
        except WebhookError as exc:
            return self.reject(exc)
        if self._inbox is not None:
            try:
                self._inbox.put(entries)
            except Exception as exc:
                return self._unstored(exc)
            return self._accepted(events)
        if keys is None:
            try:
                if self._own_dispatch:
                    self._dispatch(events, telemetry if telemetry is not None and telemetry.live else None)
                else:
                    self.dispatch(events)
            except HandlerError as exc:
                return self._failed(events, exc)
            constant = self._constant_answer
            if constant is not None:  # _succeeded(), without its call: the usual request
                return _reply(200, constant, _JSON_HEADERS, events=tuple(events))
            return self._succeeded(events)
        try:
            batch = self._claim_all(events, keys, at)
        except StoreUnavailable as exc:
            return self.reject(exc)
        failure: HandlerError | None = None
        try:
            self.dispatch(batch.events)
        except HandlerError as exc:
            failure = exc
        return self._settle(batch, failure, at)

    async def handle_async(
        self, method: str, headers: HeadersLike, body: bytes, *, now: float | None = None, query: str = ""
    ) -> Reply:
        """Like :meth:`handle`; async handlers are awaited, plain ones (and a blocking
        store's calls) run in a worker thread."""
        telemetry = _telemetry.active
        if telemetry is not None and telemetry.awake() and _telemetry.unobserved():
            return await telemetry.observe_async(
                self, method, self.handle_async, method, headers, body, now=now, query=query
            )
        if self._handshakes and method.upper() in self._handshakes:
            return self.handshake(method, headers, query, now=now)
        try:
            events, at, entries, keys = self._prepare(method, headers, body, now)
        except WebhookError as exc:
            return self.reject(exc)
        if self._inbox is not None:
            try:
                if self._inbox.blocking:
                    await asyncio.to_thread(self._inbox.put, entries)
                else:
                    self._inbox.put(entries)
            except Exception as exc:
                return self._unstored(exc)
            return self._accepted(events)
        if keys is None:
            try:
                await self.dispatch_async(events)
            except HandlerError as exc:
                return self._failed(events, exc)
            return self._succeeded(events)
        assert self._store is not None
        offload = self._store.blocking
        try:
            batch = (
                await asyncio.to_thread(self._claim_all, events, keys, at)
                if offload
                else self._claim_all(events, keys, at)
            )
        except StoreUnavailable as exc:
            return self.reject(exc)
        failure: HandlerError | None = None
        try:
            await self.dispatch_async(batch.events)
        except HandlerError as exc:
            failure = exc
        if offload:
            return await asyncio.to_thread(self._settle, batch, failure, at)
        return self._settle(batch, failure, at)

    @property
    def handshake_methods(self) -> frozenset[str]:
        """The allowed methods whose requests are handshakes: answered without a body."""
        return self._handshakes

    def handshake(self, method: str, headers: HeadersLike, query: str, *, now: float | None = None) -> Reply:
        """Answer a handshake request (see :attr:`handshake_methods`): the provider checks
        what it carries and chooses the answer; nothing is dispatched or stored."""
        try:
            if method.upper() not in self._methods:
                raise MethodNotAllowed(method, self._methods)
            # No body is read, so neither its declared length nor its type matters
            # (wsgiref, for one, reports text/plain for a GET without a body).
            answer = self._provider.handshake(method.upper(), query, Headers.of(headers), now=now)
        except WebhookError as exc:
            return self.reject(exc)
        status = 200 if answer.status is None else answer.status
        return _reply(status, answer.body, {"Content-Type": answer.content_type})

    def event_key(self, event: Event) -> str:
        """The idempotency key of ``event``: a digest of its identity, in this receiver's namespace.

        The identity is the provider's (``provider.identity(event)``: an event type
        and id, a message id and status, or the payload as canonical JSON where
        there is no id), built only from what the signature covers, so a retried
        request (or a replayed one, whatever its unsigned headers say) has the same
        key, and an element of a batch has a key of its own.

        Raises:
            PayloadError: the identity cannot be computed (a payload identity nested
                too deeply to encode from here: see ``MAX_DEPTH``).
        """
        identity: str | None = self._provider.identity(event)
        if identity is None:  # a provider written for 0.1, whose identity() could be None
            identity = f"{event.type}\0{payload_identity(event.payload)}"
        text = identity.encode("utf-8", "surrogatepass")
        return f"{self._namespace}:{hashlib.sha256(text).hexdigest()}"

    def entries(self, events: Sequence[Event], event_headers: EventHeaders, now: float) -> list[InboxEntry]:
        """The inbox entries for ``events`` of one request (an event twice in a batch: once).

        ``event_headers`` are the ones the events were built from
        (``Provider.parse_verified``), stored so a worker rebuilds the same events.

        Raises:
            PayloadError: an event cannot be keyed, or is nested deeper than
                ``MAX_DEPTH`` (a worker must be able to read it back).
        """
        found: dict[str, InboxEntry] = {}
        trace_context = _telemetry.traceparent()
        for event in events:
            key = self.event_key(event)
            if key not in found:
                found[key] = InboxEntry(
                    key, self._namespace, event.type, _payload_text(event), event_headers, now, trace_context
                )
        return list(found.values())

    def rebuild(self, payload: str, headers: HeadersLike) -> Event:
        """An event stored by :meth:`entries`, typed again (raises ``PayloadError`` if it cannot be)."""
        return self._provider.rebuild(decode_json(payload.encode()), headers)

    def process(self, event: Event, key: str, *, now: float | None = None) -> None:
        """Run ``event``'s handlers for a worker, once per key when a store is configured.

        Raises:
            HandlerError: a handler failed (run it again later).
            EventInProgress: another worker holds the event in the store.
            StoreUnavailable: the store failed.
        """
        if self._store is None:
            self.dispatch([event])
            return
        at = self._provider.clock() if now is None else now
        batch = self._claim_keyed(event, key, at)
        failure: HandlerError | None = None
        if batch.claimed:
            try:
                self.dispatch([event])
            except HandlerError as exc:
                failure = exc
        self._raise_unsettled(self._settle(batch, failure, at))

    async def process_async(self, event: Event, key: str, *, now: float | None = None) -> None:
        """Like :meth:`process`, awaiting async handlers (and running blocking calls in threads)."""
        if self._store is None:
            await self.dispatch_async([event])
            return
        at = self._provider.clock() if now is None else now
        offload = self._store.blocking
        batch = (
            await asyncio.to_thread(self._claim_keyed, event, key, at)
            if offload
            else self._claim_keyed(event, key, at)
        )
        failure: HandlerError | None = None
        if batch.claimed:
            try:
                await self.dispatch_async([event])
            except HandlerError as exc:
                failure = exc
        reply = (
            await asyncio.to_thread(self._settle, batch, failure, at)
            if offload
            else self._settle(batch, failure, at)
        )
        self._raise_unsettled(reply)

    def _claim_keyed(self, event: Event, key: str, now: float) -> _Batch:
        """Claim one event under a key already computed (a worker's); raise if another holds it."""
        assert self._store is not None
        batch = _Batch()
        try:
            claim = self._store.claim(key, lease=self._lease, now=now)
        except Exception as exc:
            raise StoreUnavailable(f"claiming failed: {type(exc).__name__}") from exc
        if claim.status is ClaimStatus.IN_PROGRESS:
            _telemetry.skipped(self._provider.name, 1)
            # Raised here, not answered: a worker retries it later, and nothing is logged
            # as a rejected request.
            raise EventInProgress(min(claim.expires_at - now, RETRY_AFTER))
        if claim.status is ClaimStatus.CLAIMED:
            batch.claimed.append((event, key, claim.token))
        else:
            _telemetry.skipped(self._provider.name, 1)
        return batch

    @staticmethod
    def _raise_unsettled(reply: Reply) -> None:
        if reply.error is not None:
            raise reply.error

    def _claim_all(self, events: Sequence[Event], keys: Sequence[str], now: float) -> _Batch:
        """Claim every event (``keys[i]`` is ``events[i]``'s); on a store failure, give back
        the claims taken and raise."""
        assert self._store is not None
        batch = _Batch()
        batch.verified = events
        seen: set[str] = set()
        try:
            unique: list[tuple[Event, str]] = []
            for event, key in zip(events, keys, strict=True):
                if key in seen:  # the same event twice in one batch: it runs once
                    batch.skipped.append((event, "it came twice in this request"))
                    continue
                seen.add(key)
                unique.append((event, key))
            claim_many = getattr(self._store, "claim_many", None)
            if claim_many is not None and len(unique) > 1:
                # A store that claims a batch at once (RedisStore: one round trip).
                claims = claim_many([key for _, key in unique], lease=self._lease, now=now)
                for (event, key), claim in zip(unique, claims, strict=True):
                    batch.take(event, key, claim)
            else:
                # Key by key, each claim recorded as soon as it is taken, so that a
                # failure part-way gives back exactly the claims taken.
                for event, key in unique:
                    batch.take(event, key, self._store.claim(key, lease=self._lease, now=now))
        except Exception as exc:
            self._release_quietly(batch)
            raise StoreUnavailable(f"claiming failed: {type(exc).__name__}") from exc
        if batch.skipped:
            _telemetry.skipped(self._provider.name, batch.duplicates)
            if logger.isEnabledFor(logging.DEBUG):
                for event, why in batch.skipped:
                    logger.debug(
                        "skipped a duplicate %s %r event (%s): %s",
                        event.provider,
                        event.type,
                        _id_of(event),
                        why,
                    )
        return batch

    def _release_quietly(self, batch: _Batch) -> None:
        assert self._store is not None
        for _, key, token in batch.claimed:
            try:
                self._store.release(key, token)
            except Exception:  # the lease will run out on its own
                logger.warning("could not release a claim on %s", key, exc_info=True)

    def _settle(self, batch: _Batch, failure: HandlerError | None, now: float) -> Reply:
        """Complete the events whose handlers all succeeded, release the others, and reply."""
        assert self._store is not None
        failed = {id(f.event) for f in failure.failures} if failure else set()
        store_error: Exception | None = None
        settle_many = getattr(self._store, "settle_many", None)
        if settle_many is not None and len(batch.claimed) > 1:
            completed = [(key, token) for event, key, token in batch.claimed if id(event) not in failed]
            released = [(key, token) for event, key, token in batch.claimed if id(event) in failed]
            try:
                held = settle_many(completed, released, ttl=self._ttl, now=now)
                if not all(held):
                    logger.warning(
                        "%d %s claims outlived their lease of %g s; they may run twice",
                        held.count(False),
                        self._provider.name,
                        self._lease,
                    )
            except Exception as exc:
                store_error = exc
            return self._settled(batch, failure, store_error, now)
        for event, key, token in batch.claimed:
            try:
                if id(event) in failed:
                    self._store.release(key, token)
                elif not self._store.complete(key, token, ttl=self._ttl, now=now):
                    logger.warning(
                        "the claim on a %s %r event outlived its lease of %g s; it may run twice",
                        self._provider.name,
                        event.type,
                        self._lease,
                    )
            except Exception as exc:
                store_error = exc
        return self._settled(batch, failure, store_error, now)

    def _settled(
        self, batch: _Batch, failure: HandlerError | None, store_error: Exception | None, now: float
    ) -> Reply:
        """The reply once a batch's claims are completed or released."""
        if failure is not None:
            return self._failed(batch.events, failure)
        if store_error is not None:
            # The handlers ran but "done" was not recorded: not a 200, so the sender
            # retries; the claim's lease runs out and the retry processes it again.
            return self.reject(StoreUnavailable(f"recording failed: {type(store_error).__name__}"))
        if batch.busy_until:
            # Ask for a retry soon, not when the other claim's lease runs out: the
            # first delivery usually finishes within milliseconds.
            return self.reject(EventInProgress(min(batch.busy_until - now, RETRY_AFTER)))
        return self._succeeded(batch.events, batch.verified)

    def reject(self, error: WebhookError) -> Reply:
        """The reply for a request refused with ``error`` (logged at WARNING, no secrets)."""
        logger.warning("rejected %s webhook: %s: %s", self._provider.name, error.code, error.detail)
        headers = {**_JSON_HEADERS, **error.headers} if error.headers else _JSON_HEADERS
        return _reply(error.status, _json({"error": error.code}), headers, error=error)

    def _unstored(self, error: Exception) -> Reply:
        logger.error("could not store %s events in the inbox", self._provider.name, exc_info=error)
        return self.reject(StoreUnavailable(f"storing in the inbox failed: {type(error).__name__}"))

    def _answered(
        self, status: int, events: Sequence[Event], verified: Sequence[Event] | None = None
    ) -> Reply:
        constant = self._constant_answer
        if constant is not None:
            return _reply(status, constant, _JSON_HEADERS, events=tuple(events))
        # The answer is built from every verified event, those a store recognised as
        # duplicates included: a repeated handshake (Twitch's challenge, Zoom's
        # url_validation) is answered again; only the handlers run once.
        answer = self._provider.answer(events if verified is None else verified)
        if isinstance(answer, Answer):
            return _reply(
                status if answer.status is None else answer.status,
                answer.body,
                {"Content-Type": answer.content_type} if answer.body else _NO_HEADERS,
                events=tuple(events),
            )
        body = self._answer_json(answer)
        return _reply(status, body, _JSON_HEADERS if body else _NO_HEADERS, events=tuple(events))

    def _answer_json(self, answer: JSONObject | None) -> bytes:
        """:func:`_answer_body` of an answer, reusing the last answer's JSON when equal."""
        if answer is None:
            return b""
        key = repr(answer)
        last, body = self._last_answer
        if key == last:
            return body
        body = _json(answer)
        self._last_answer = (key, body)
        return body

    def _accepted(self, events: Sequence[Event]) -> Reply:
        return self._answered(self._accepted_status, events)

    def _failed(self, events: Sequence[Event], error: HandlerError) -> Reply:
        return _reply(error.status, _json({"error": error.code}), events=tuple(events), error=error)

    def _succeeded(self, events: Sequence[Event], verified: Sequence[Event] | None = None) -> Reply:
        constant = self._constant_answer
        if constant is None:
            return self._answered(200, events, verified)
        # The usual case, without a call: every request that succeeds ends here.
        return _reply(200, constant, _JSON_HEADERS, events=tuple(events))


def _id_of(event: Event) -> str:
    """How the DEBUG log names an event: its id, or that it has none (never its payload)."""
    return "no id" if event.id is None else f"id {event.id!r}"


def _answer_body(answer: JSONObject | Answer | None) -> bytes:
    """A provider's answer as a reply body: its JSON, or nothing for ``None``."""
    if isinstance(answer, Answer):
        return answer.body
    return b"" if answer is None else _json(answer)


class _Batch:
    """The events of one request as the store sorted them."""

    __slots__ = ("busy_until", "claimed", "skipped", "verified")

    def __init__(self) -> None:
        self.claimed: list[tuple[Event, str, str]] = []
        self.busy_until = 0.0
        # Events skipped, and why: done, held by another delivery, or repeated here.
        self.skipped: list[tuple[Event, str]] = []
        self.verified: Sequence[Event] | None = None  # every event of the request (see _answered)

    @property
    def duplicates(self) -> int:
        """How many events were skipped as duplicates."""
        return len(self.skipped)

    def take(self, event: Event, key: str, claim: Claim) -> None:
        """Sort one event by the store's answer to its claim."""
        if claim.status is ClaimStatus.CLAIMED:
            self.claimed.append((event, key, claim.token))
        elif claim.status is ClaimStatus.IN_PROGRESS:
            self.busy_until = max(self.busy_until, claim.expires_at)
            self.skipped.append((event, "another delivery of it is being processed"))
        else:
            self.skipped.append((event, "it was already processed"))

    @property
    def events(self) -> list[Event]:
        """The events this request claimed, and so runs."""
        return [event for event, _, _ in self.claimed]
