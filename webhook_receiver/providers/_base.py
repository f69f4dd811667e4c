"""The provider base class and the helpers providers share for their options."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Self, cast

from .._errors import ConfigurationError, MethodNotAllowed, PayloadError
from .._events import (
    CUSTOM,
    Event,
    JSONObject,
    JSONValue,
    canonical_json,
    constructor,
    decode_json,
    to_datetime,
)
from .._headers import Headers, HeadersLike, as_headers
from .._schemes import (
    BUILTIN_SCHEMES,
    NOTHING_SIGNED,
    BasicAuth,
    BearerToken,
    Clock,
    DecodedVerified,
    Scheme,
    Secret,
    SecretInput,
    Unverified,
    Verified,
    compiled_checker,
    encode_secret,
    encode_secrets,
    expiry_of,
    system_clock,
)

__all__ = [
    "Answer",
    "Credentials",
    "EventHeaders",
    "Provider",
    "auth_scheme",
    "basic_auth",
    "bearer_token",
    "configured_options",
    "generic_event",
    "payload_identity",
]

Credentials = Sequence[tuple[str | bytes | Secret, str | bytes | Secret]]
"""Several ``(username, password)`` pairs, for rotating basic credentials."""

EventHeaders = tuple[tuple[str, str], ...]
"""The ``(name, value)`` pairs :meth:`Provider.events_from` reads (:meth:`Provider.event_headers`)."""

# The view events_from gets when a provider reads no header: shared, never written.
_NO_HEADERS = Headers(())


@dataclass(frozen=True, slots=True)
class Answer:
    """A reply body a provider chooses: bytes, their media type, and a status for handshakes.

    :meth:`Provider.answer` returns one where the sender expects more than JSON with
    the receiver's usual status: Twitch's challenge as plain text, Meta's
    ``hub.challenge``, Zoom's validation. ``status`` ``None`` keeps the receiver's
    (200, or the deferred ``accepted_status``); a handshake sets 200, since senders
    that check the answer of a handshake accept no other.
    """

    body: bytes
    content_type: str = "application/json"
    status: int | None = None

    @classmethod
    def json(cls, value: JSONValue, *, status: int | None = None) -> Answer:
        """``value`` as compact JSON."""
        return cls(json.dumps(value, separators=(",", ":")).encode(), "application/json", status)

    @classmethod
    def text(cls, text: str, *, status: int | None = None) -> Answer:
        """``text`` as ``text/plain; charset=utf-8``."""
        return cls(text.encode("utf-8"), "text/plain; charset=utf-8", status)


ACKNOWLEDGED = Answer.json({"ok": True})
"""``{"ok":true}``, encoded once: what a provider that answers some events otherwise
(Twitch's and Zoom's validations, Slack's challenge) answers the others with, as the
base :meth:`Provider.answer` does, without encoding it again on every request."""


class Provider:
    """A webhook sender this library knows how to verify.

    Subclasses pick a verification scheme from their options; :meth:`verify` is the
    same for all of them. Create one with its class (``Courier(secret=...)``) or by
    name (``providers.create("courier", secret=...)``).
    """

    name: ClassVar[str] = "provider"
    """The name :func:`webhook_receiver.providers.create` knows this provider by."""

    methods: ClassVar[tuple[str, ...]] = ("POST",)
    """The HTTP methods this provider's sender uses."""

    max_batch: ClassVar[int] = 1
    """How many events one request may carry."""

    content_types: ClassVar[tuple[str, ...]] = ("application/json",)
    """The media types this provider's sender uses: a Receiver's default ``content_types``.

    Any ``+json`` type is accepted as well.
    """

    accepted_status: ClassVar[int] = 202
    """The status a deferred receiver (``Receiver(inbox=...)``) answers once events are stored.

    202 Accepted, unless the provider's documentation asks for 200 (Courier, Slack).
    """

    handshake_methods: ClassVar[tuple[str, ...]] = ()
    """Methods whose requests are a handshake answered by :meth:`handshake`, not events
    (Meta's ``GET`` with ``hub.challenge``). Their body is never read."""

    event_header_names: ClassVar[tuple[str, ...]] = ()
    """The unsigned request headers :meth:`events_from` reads (GitHub's event type and delivery id).

    What the signature covers besides the body (a signed timestamp, a message id)
    reaches :meth:`events_from` from :meth:`verify`'s result instead, through
    :meth:`event_headers`. A deferred receiver stores the event headers beside each
    event, so a worker can rebuild the event exactly; no other header (and so no
    credential) is stored.
    """

    __slots__ = ("_check", "_clock", "_options", "_plain_json", "_reads_event_headers", "_scheme")

    _options: dict[str, Any] | None

    def __new__(cls, *args: Any, **options: Any) -> Self:
        # The keyword options a provider was created with, kept so a diagnosis
        # (webhook_receiver._explain) can build the same provider with one option
        # changed; here rather than in every subclass's __init__. Not with positional
        # arguments: those are a custom provider's own.
        made = super().__new__(cls)
        made._options = None if args else options
        return made

    def __init__(self, scheme: Scheme, *, clock: Clock | None = None) -> None:
        if clock is not None and not callable(clock):
            raise ConfigurationError("clock must be a callable returning unix seconds")
        self._scheme = scheme
        self._clock: Clock = clock or system_clock
        # The library's own schemes read any HeadersLike; another Scheme gets Headers.
        self._check: Callable[[HeadersLike, bytes, float], Verified | None] = (
            (
                compiled_checker(scheme)
                or cast(Callable[[HeadersLike, bytes, float], Verified | None], scheme.verify)
            )
            if type(scheme) in BUILTIN_SCHEMES or vars(type(scheme)).get("reads_any_headers") is True
            else _wrapped(scheme)
        )
        # Bodies are JSON unless the provider reads them otherwise (Slack's forms):
        # then decode_json is called directly, one call fewer on every request.
        self._plain_json = type(self).decode is Provider.decode
        # Most providers' events read no header: then no event_headers() call per request.
        self._reads_event_headers = type(self).event_headers is not Provider.event_headers or bool(
            self.event_header_names
        )

    @property
    def clock(self) -> Clock:
        """The clock this provider reads ``now`` from (unix seconds)."""
        return self._clock

    @property
    def scheme(self) -> Scheme:
        """The verification scheme this provider was configured with."""
        return self._scheme

    def verify(self, headers: HeadersLike, body: bytes, *, now: float | None = None) -> Verified:
        """Return what was verified besides the body if the request is authentic; raise a
        ``VerificationError`` if not.

        The result (the signed timestamp, a signed message id) goes to :meth:`parse`,
        so the events are built from exactly what was verified.

        Args:
            headers: any mapping of header names to values (looked up
                case-insensitively), a list of ``(name, value)`` pairs as ``str`` or
                ``bytes`` (ASGI, WSGI), or a :class:`~webhook_receiver.Headers`.
            body: the raw request body, exactly as received.
            now: the current time as unix seconds; defaults to the provider's clock.
        """
        if type(body) is not bytes and not isinstance(body, bytes | bytearray | memoryview):
            raise TypeError(f"body must be the raw request bytes, not {type(body).__name__}")
        return self._check(headers, body, self._clock() if now is None else now) or NOTHING_SIGNED

    def parse(self, headers: HeadersLike, body: bytes, verified: Verified | None = None) -> list[Event]:
        """Turn a *verified* body into events (a list: some providers send batches).

        ``verified`` is what :meth:`verify` returned; without it, the values the
        signature headers claim are read as verification reads them, unchecked.

        Raises:
            PayloadError: the body is not UTF-8 JSON, or not in the provider's shape.
        """
        view = as_headers(headers)
        return self.parse_verified(view, body, self.claimed(view) if verified is None else verified)[0]

    def parse_verified(
        self, headers: Headers, body: bytes, verified: Verified
    ) -> tuple[list[Event], EventHeaders]:
        """The events of a verified request, and the :meth:`event_headers` they were built from.

        The one way from a verified request to its events: :meth:`parse` and the
        Receiver use it, and a worker's :meth:`rebuild` goes through the same
        :meth:`events_from` with the same event headers.
        """
        saved = self.event_headers(headers, verified) if self._reads_event_headers else ()
        if type(verified) is DecodedVerified and verified.body is body and self._plain_json:
            payload = verified.payload  # decoded by verification, from this very body
        else:
            payload = decode_json(body) if self._plain_json else self.decode(body)
        return self.events_from(payload, Headers(saved) if saved else _NO_HEADERS), saved

    def decode(self, body: bytes) -> JSONValue:
        """The payload of a verified body: its JSON (:func:`decode_json`); Slack's forms override it.

        Raises:
            PayloadError: the body is not something this provider sends.
        """
        return decode_json(body)

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """Build the events from a decoded payload and the :meth:`event_headers`; providers override this."""
        return [generic_event(self.name, payload)]

    def claimed(self, headers: Headers) -> Verified:
        """What the request's signature headers claim was signed, read as :meth:`verify`
        reads them but not checked (for :meth:`parse` without ``verified``).

        Providers whose events use a signed header value override this.
        """
        return NOTHING_SIGNED

    def event_headers(self, headers: Headers, verified: Verified = NOTHING_SIGNED) -> EventHeaders:
        """The ``(name, value)`` pairs :meth:`events_from` reads, and nothing else.

        The unsigned :attr:`event_header_names` as sent (trimmed of optional
        whitespace, like every header value), plus what ``verified`` says was signed,
        for providers whose events use it (under the scheme's own header names).
        """
        names = self.event_header_names
        return headers.select(names) if names else ()

    def rebuild(self, payload: JSONValue, headers: HeadersLike = ()) -> Event:
        """One event again, from its own ``payload`` and its :meth:`event_headers`.

        Workers use this to turn a stored event back into the typed event its
        handlers expect: ``rebuild(event.payload, event_headers(request_headers))``
        equals the event :meth:`parse` made (an element of a batch included).

        Raises:
            PayloadError: the payload is not one event in the provider's shape.
        """
        events = self.events_from(payload, as_headers(headers))
        if len(events) != 1:
            raise PayloadError(f"a stored {self.name} event must rebuild into one event, not {len(events)}")
        return events[0]

    def identity(self, event: Event) -> str:
        """What makes ``event`` the same event when it is delivered again.

        Built only from what the signature covers (the body, a signed message id),
        so a captured request cannot be made into a new event by changing a header
        that is not signed. By default, the event's type and id (an id from the body,
        or Standard Webhooks' signed ``webhook-id``), else its type and payload;
        providers whose events carry no id of their own override this (Courier:
        message id and status; Kourier: delivery, event, status and time), and so do
        providers whose event type is not signed (GitHub: the payload alone).
        """
        if event.id is not None:
            return f"{event.type}\0{event.id}"
        return f"{event.type}\0{payload_identity(event.payload)}"

    def answer(self, events: Sequence[Event]) -> JSONObject | Answer | None:
        """The body of a successful reply: JSON, an :class:`Answer`, or ``None`` for an
        empty body. Providers whose senders expect something (Slack's challenge,
        Zoom's and Twitch's validations, Discord's PONG) override it; it runs only
        after verification."""
        return {"ok": True}

    def handshake(self, method: str, query: str, headers: Headers, *, now: float | None = None) -> Answer:
        """Answer a request made with one of :attr:`handshake_methods` (its body is not read).

        ``query`` is the request's raw query string. Providers with a handshake
        override this, verify what it carries (Meta's ``hub.verify_token``), and
        raise a ``VerificationError`` when it does not verify.
        """
        raise MethodNotAllowed(method, self.methods)

    def sign(self, body: bytes, *, now: float | None = None) -> dict[str, str]:
        """The headers this provider's sender would attach to ``body``, using the first secret.

        For tests and tools: ``provider.verify(provider.sign(body), body)`` passes.
        ``now`` is the signing time in unix seconds (default: the provider's clock).
        """
        return self._scheme.sign(bytes(body), self._clock() if now is None else now)

    def sign_request(
        self, body: bytes, *, now: float | None = None, private_key: str | bytes | None = None
    ) -> tuple[dict[str, str], bytes]:
        """The headers and the body this provider's sender would send for ``body``.

        The body is ``body`` itself, except for providers that carry their signature
        inside it (Mailgun), which override this; :meth:`sign` then refuses.
        ``private_key`` signs for a provider verified with a public key (its scheme's
        ``sign_with_key``); it is for tests and tools, never a receiver's option.
        """
        raw = bytes(body)
        if private_key is None:
            return self.sign(raw, now=now), raw
        sign_with_key = getattr(self._scheme, "sign_with_key", None)
        if sign_with_key is None:
            raise ConfigurationError(
                f"{self.name} is verified with a shared secret: sign without private_key"
            )
        headers: dict[str, str] = sign_with_key(raw, self._clock() if now is None else now, private_key)
        return headers, raw

    def __repr__(self) -> str:
        return f"<{type(self).__name__} provider {self.name!r}: {self._scheme!r}>"


def configured_options(provider: Provider) -> dict[str, Any] | None:
    """A copy of the keyword options ``provider`` was created with (``Stripe(secret=...)``
    or ``create("stripe", secret=...)``), or ``None`` if it was given positional ones.

    They include the credentials: never log them. ``type(provider)(**options)`` builds
    the same provider again.
    """
    options: dict[str, Any] | None = getattr(provider, "_options", None)
    return None if options is None else dict(options)


def _wrapped(scheme: Scheme) -> Callable[[HeadersLike, bytes, float], Verified | None]:
    def check(headers: HeadersLike, body: bytes, now: float) -> Verified | None:
        return scheme.verify(as_headers(headers), body, now)

    return check


_new_event = constructor(Event)


def payload_identity(payload: JSONValue) -> str:
    """An event's identity from its own payload (canonical JSON): for events with no id.

    Raises:
        PayloadError: the payload cannot be encoded (never for what ``decode_json`` returned).
    """
    return "payload:" + canonical_json(payload)


def generic_event(provider: str, payload: JSONValue, *, id: str | None = None) -> Event:
    """An :class:`Event` read from the conventional keys, for providers without a documented shape.

    ``type`` comes from ``"type"`` or ``"event"`` (else ``"custom"``), ``id`` from ``"id"``,
    the timestamp from ``"timestamp"``, ``"created"`` or ``"time"`` when they read as times.
    """
    if not isinstance(payload, dict):
        return _new_event(provider=provider, type=CUSTOM, id=id, payload=payload)
    get = payload.get
    # Plain conditions rather than generators: every request of these providers comes here.
    kind = get("type")
    if not (kind and isinstance(kind, str)):
        kind = get("event")
        if not (kind and isinstance(kind, str)):
            kind = CUSTOM
    found_id = get("id")
    timestamp = to_datetime(get("timestamp")) or to_datetime(get("created")) or to_datetime(get("time"))
    return _new_event(
        provider=provider,
        type=kind,
        id=id or (found_id if isinstance(found_id, str) else None),
        timestamp=timestamp,
        payload=payload,
    )


def bearer_token(token: SecretInput | None, *, header: str = "Authorization") -> BearerToken:
    """A bearer-token scheme from the ``token`` option (one token or a list)."""
    return BearerToken(encode_secrets(token, "token"), header=header)


def basic_auth(
    username: str | bytes | Secret | None,
    password: str | bytes | Secret | None,
    credentials: Credentials | None,
    *,
    realm: str = "webhooks",
) -> BasicAuth:
    """A basic-auth scheme from ``username``/``password`` and/or a ``credentials`` list."""
    given: list[tuple[object, object]] = []
    if username is not None or password is not None:
        if username is None or password is None:
            raise ConfigurationError("basic auth needs both username and password")
        given.append((username, password))
    for item in credentials or ():
        if not isinstance(item, tuple | list) or len(item) != 2:
            raise ConfigurationError("credentials must be a list of (username, password) pairs")
        given.append((item[0], item[1]))
    if not given:
        raise ConfigurationError("basic auth needs username and password (or credentials)")
    pairs = tuple((encode_secret(user, "username"), encode_secret(word, "password")) for user, word in given)
    # A pair stops verifying when either half given as a Secret expires.
    expires = [min(expiry_of(user), expiry_of(word)) for user, word in given]
    return BasicAuth(pairs, realm=realm, expires=expires)


def auth_scheme(
    owner: str,
    auth: str | None,
    allowed: Sequence[str],
    *,
    username: str | bytes | Secret | None = None,
    password: str | bytes | Secret | None = None,
    credentials: Credentials | None = None,
    token: SecretInput | None = None,
) -> Scheme | None:
    """The none/basic/bearer part of providers whose sender offers a choice of auth.

    ``auth`` may be left out when the options make it plain (``token`` means bearer,
    ``username``/``password`` mean basic); turning verification off always takes an
    explicit ``auth="none"``. Returns ``None`` for an ``auth`` the caller handles itself.
    """
    if auth is None:
        if token is not None:
            auth = "bearer"
        elif username is not None or password is not None or credentials:
            auth = "basic"
        if auth is None:
            raise ConfigurationError(
                f"{owner}: choose auth= one of {', '.join(map(repr, allowed))} "
                "(verification is only switched off by an explicit auth='none')"
            )
    if auth not in allowed:
        raise ConfigurationError(f"{owner}: auth must be one of {', '.join(map(repr, allowed))}")
    given = {
        "token": token is not None,
        "username": username is not None,
        "password": password is not None,
        "credentials": bool(credentials),
    }
    wanted = {"basic": {"username", "password", "credentials"}, "bearer": {"token"}}.get(auth)
    stray = sorted(name for name, present in given.items() if present and name not in (wanted or ()))
    if stray and auth in ("none", "basic", "bearer"):
        raise ConfigurationError(f"{owner}: auth={auth!r} does not use {', '.join(stray)}")
    if auth == "none":
        return Unverified(owner)
    if auth == "basic":
        return basic_auth(username, password, credentials)
    if auth == "bearer":
        return bearer_token(token)
    return None
