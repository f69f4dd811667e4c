"""The provider base class and the helpers providers share for their options."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar, cast

from .._errors import ConfigurationError, PayloadError
from .._events import CUSTOM, Event, JSONObject, JSONValue, constructor, decode_json, to_datetime
from .._headers import Headers, HeadersLike, as_headers
from .._schemes import (
    BUILTIN_SCHEMES,
    BasicAuth,
    BearerToken,
    Clock,
    Scheme,
    SecretInput,
    Unverified,
    encode_secret,
    encode_secrets,
    system_clock,
)

__all__ = ["Credentials", "Provider", "auth_scheme", "basic_auth", "bearer_token", "generic_event"]

Credentials = Sequence[tuple[str | bytes, str | bytes]]
"""Several ``(username, password)`` pairs, for rotating basic credentials."""


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

    accepted_status: ClassVar[int] = 202
    """The status a deferred receiver (``Receiver(inbox=...)``) answers once events are stored.

    202 Accepted, unless the provider's documentation asks for 200 (Courier, Slack).
    """

    event_header_names: ClassVar[tuple[str, ...]] = ()
    """The request headers :meth:`events_from` reads (GitHub's event type, Svix's message id).

    A deferred receiver stores these beside each event, so a worker can rebuild the
    event exactly; no other header (and so no credential) is stored.
    """

    __slots__ = ("_check", "_clock", "_scheme")

    def __init__(self, scheme: Scheme, *, clock: Clock | None = None) -> None:
        if clock is not None and not callable(clock):
            raise ConfigurationError("clock must be a callable returning unix seconds")
        self._scheme = scheme
        self._clock: Clock = clock or system_clock
        # The library's own schemes read any HeadersLike; another Scheme gets Headers.
        self._check: Callable[[HeadersLike, bytes, float], None] = (
            cast(Callable[[HeadersLike, bytes, float], None], scheme.verify)
            if type(scheme) in BUILTIN_SCHEMES
            else _wrapped(scheme)
        )

    @property
    def clock(self) -> Clock:
        """The clock this provider reads ``now`` from (unix seconds)."""
        return self._clock

    @property
    def scheme(self) -> Scheme:
        """The verification scheme this provider was configured with."""
        return self._scheme

    def verify(self, headers: HeadersLike, body: bytes, *, now: float | None = None) -> None:
        """Return if the request is authentic; raise a ``VerificationError`` if not.

        Args:
            headers: any mapping of header names to values (looked up
                case-insensitively), a list of ``(name, value)`` pairs as ``str`` or
                ``bytes`` (ASGI, WSGI), or a :class:`~webhook_receiver.Headers`.
            body: the raw request body, exactly as received.
            now: the current time as unix seconds; defaults to the provider's clock.
        """
        if type(body) is not bytes and not isinstance(body, bytes | bytearray | memoryview):
            raise TypeError(f"body must be the raw request bytes, not {type(body).__name__}")
        self._check(headers, body, self._clock() if now is None else now)

    def parse(self, headers: HeadersLike, body: bytes) -> list[Event]:
        """Turn a *verified* body into events (a list: some providers send batches).

        Raises:
            PayloadError: the body is not UTF-8 JSON, or not in the provider's shape.
        """
        return self.events_from(decode_json(body), as_headers(headers))

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """Build the events from a decoded payload; providers override this."""
        return [generic_event(self.name, payload)]

    def event_headers(self, headers: Headers) -> tuple[tuple[str, str], ...]:
        """The ``(name, value)`` pairs of ``headers`` that :meth:`rebuild` needs, and nothing else."""
        return tuple((name, value) for name in self.event_header_names for value in headers.getlist(name))

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

    def identity(self, event: Event) -> str | None:
        """What makes ``event`` the same event when it is delivered again, or ``None``.

        The provider's event id by default; providers whose events carry no id of
        their own override this (Courier: message id and status; Kourier: delivery,
        event, status and time). With ``None``, the Receiver uses the payload itself.
        """
        return event.id

    def answer(self, events: Sequence[Event]) -> JSONObject:
        """The JSON body of a successful reply; Slack's URL check overrides it."""
        return {"ok": True}

    def sign(self, body: bytes, *, now: float | None = None) -> dict[str, str]:
        """The headers this provider's sender would attach to ``body``, using the first secret.

        For tests and tools: ``provider.verify(provider.sign(body), body)`` passes.
        ``now`` is the signing time in unix seconds (default: the provider's clock).
        """
        return self._scheme.sign(bytes(body), self._clock() if now is None else now)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} provider {self.name!r}: {self._scheme!r}>"


def _wrapped(scheme: Scheme) -> Callable[[HeadersLike, bytes, float], None]:
    def check(headers: HeadersLike, body: bytes, now: float) -> None:
        scheme.verify(as_headers(headers), body, now)

    return check


_new_event = constructor(Event)


def generic_event(provider: str, payload: JSONValue, *, id: str | None = None) -> Event:
    """An :class:`Event` read from the conventional keys, for providers without a documented shape.

    ``type`` comes from ``"type"`` or ``"event"`` (else ``"custom"``), ``id`` from ``"id"``,
    the timestamp from ``"timestamp"``, ``"created"`` or ``"time"`` when they read as times.
    """
    if not isinstance(payload, dict):
        return _new_event(provider=provider, type=CUSTOM, id=id, payload=payload)
    kind = next((v for v in (payload.get("type"), payload.get("event")) if isinstance(v, str) and v), CUSTOM)
    found_id = payload.get("id")
    timestamp = next(
        (t for t in map(to_datetime, (payload.get(k) for k in ("timestamp", "created", "time"))) if t), None
    )
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
    username: str | bytes | None,
    password: str | bytes | None,
    credentials: Credentials | None,
    *,
    realm: str = "webhooks",
) -> BasicAuth:
    """A basic-auth scheme from ``username``/``password`` and/or a ``credentials`` list."""
    pairs: list[tuple[bytes, bytes]] = []
    if username is not None or password is not None:
        if username is None or password is None:
            raise ConfigurationError("basic auth needs both username and password")
        pairs.append((encode_secret(username, "username"), encode_secret(password, "password")))
    for item in credentials or ():
        if not isinstance(item, tuple | list) or len(item) != 2:
            raise ConfigurationError("credentials must be a list of (username, password) pairs")
        pairs.append((encode_secret(item[0], "username"), encode_secret(item[1], "password")))
    if not pairs:
        raise ConfigurationError("basic auth needs username and password (or credentials)")
    return BasicAuth(tuple(pairs), realm=realm)


def auth_scheme(
    owner: str,
    auth: str | None,
    allowed: Sequence[str],
    *,
    username: str | bytes | None = None,
    password: str | bytes | None = None,
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
