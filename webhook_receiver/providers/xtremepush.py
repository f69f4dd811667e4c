"""Xtremepush campaign webhooks.

Xtremepush lets each connection choose its authentication, and so does this provider:

* ``auth="basic"``: ``username``/``password`` (or a ``credentials`` list);
* ``auth="bearer"``: ``token``;
* ``auth="signed"``: Xtremepush's "Signed Payload", a generated key that the sender
  presents and that must match the key stored on your side. Xtremepush does not
  document the header it travels in, so ``header`` is configurable (default
  ``X-Signature``). With ``signing="key"`` (the default) the header's value must be
  the key itself; with ``signing="hmac-sha256"`` it must be the hex HMAC-SHA256 of
  the raw body under the key, for senders or proxies that sign the payload rather than send the key;
* ``auth="oauth2"``: a bearer token fetched by Xtremepush from your OAuth 2.0 server,
  checked by ``token_validator(token) -> bool``, which you supply (if it raises, the
  request is answered 503 so Xtremepush retries);
* ``auth="none"``: no authentication, only when said explicitly.

Bodies are ``{event, time, properties}``. Xtremepush names two message events in its
documentation (``message_send``, ``message_delivery``) and describes opens, clicks,
unsubscribes and failures (with ``error_message``) without spelling their strings, so
any ``event`` that starts with ``message_`` is a :class:`MessageEvent`, and
``message_fail*`` / ``message_error*`` a :class:`MessageFailed`. Subscription changes
(message and preference opt-in/out) are recognised by ``opt_in``/``opt_out``/``optin``/
``optout``/``subscri`` in the event name and arrive as :class:`SubscriptionChanged`.
A payload edited into a custom format arrives as an :class:`XtremepushEvent`, typed by
its ``event`` if it kept one, else ``"custom"``; placeholders Xtremepush had no data for
are ``None``.

Identity: a message event with an ``external_message_id`` is that message at that
step (event type and profile); anything else is its payload. Only ``signing="hmac-sha256"``
signs the body, and no option signs a time: basic, bearer, the signed-payload key
and OAuth 2.0 tokens say who sent a request, not what or when, so a captured request
can be replayed; pair this provider with an idempotency store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from .._errors import ConfigurationError
from .._events import CUSTOM, Event, JSONObject, JSONValue, Reader, constructor
from .._headers import Headers
from .._schemes import (
    Clock,
    HmacSignature,
    Keyring,
    Scheme,
    SecretInput,
    SharedKey,
    TokenValidator,
    encode_secrets,
)
from ._base import Credentials, Provider, auth_scheme

__all__ = [
    "MessageEvent",
    "MessageFailed",
    "MessageProperties",
    "SubscriptionChanged",
    "Xtremepush",
    "XtremepushEvent",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageProperties:
    """The documented ``properties`` of a message event; absent or ``null`` ones are ``None``."""

    message_type: str | None = None
    campaign_id: str | None = None
    profile_id: str | None = None
    device_id: str | None = None
    trigger_id: str | None = None
    error_message: str | None = None
    user_id: str | None = None
    email: str | None = None
    external_message_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class XtremepushEvent(Event):
    """Any Xtremepush webhook, custom formats included; ``timestamp`` is its ``time``."""

    properties: JSONObject = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageEvent(XtremepushEvent):
    """A campaign message event (``message_send``, ``message_delivery``, opens, clicks, ...)."""

    message: MessageProperties


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageFailed(MessageEvent):
    """A message failed; ``message.error_message`` says why."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SubscriptionChanged(XtremepushEvent):
    """A message or preference opt-in/opt-out.

    ``subscribed`` is ``True`` for an opt-in or subscribe, ``False`` for an opt-out or
    unsubscribe.
    """

    subscribed: bool
    profile_id: str | None = None
    user_id: str | None = None


_AUTHS = ("basic", "bearer", "signed", "oauth2", "none")


def _opt_direction(name: str) -> bool | None:
    """``True`` for an opt-in, ``False`` for an opt-out, ``None`` if the name is neither."""
    name = name.replace("-", "_")
    if "opt_out" in name or "optout" in name:
        return False
    if "opt_in" in name or "optin" in name:
        return True
    return None


# constructor(cls) makes the same instance as cls(...), without a frozen dataclass's
# per-field object.__setattr__ (see _events.constructor).
_new_properties = constructor(MessageProperties)
_new_message_event = constructor(MessageEvent)
_new_message_failed = constructor(MessageFailed)
_new_subscription = constructor(SubscriptionChanged)
_new_event = constructor(XtremepushEvent)


def _message_properties(properties: Reader) -> MessageProperties:
    return _new_properties(
        message_type=properties.text("message_type"),
        campaign_id=properties.text("campaign_id"),
        profile_id=properties.text("profile_id"),
        device_id=properties.text("device_id"),
        trigger_id=properties.text("trigger_id"),
        error_message=properties.text("error_message"),
        user_id=properties.text("user_id"),
        email=properties.text("email"),
        external_message_id=properties.text("external_message_id"),
    )


def xtremepush_event(payload: JSONValue) -> XtremepushEvent:
    """The typed event for one Xtremepush body."""
    if not isinstance(payload, dict):
        return _new_event(provider="xtremepush", type=CUSTOM, payload=payload)
    body = Reader(payload, "body")
    kind = body.kind("event") if payload.get("event") is not None else CUSTOM
    timestamp: datetime | None = body.time("time")
    properties = Reader(body.mapping("properties"), "body.properties")  # body.child("properties")
    lowered = kind.lower()
    opted_in = _opt_direction(lowered)
    if opted_in is None and lowered.startswith("message_"):
        failed = lowered.startswith(("message_fail", "message_error"))
        return (_new_message_failed if failed else _new_message_event)(
            provider="xtremepush",
            type=kind,
            timestamp=timestamp,
            payload=payload,
            properties=properties.data,
            message=_message_properties(properties),
        )
    if opted_in is not None or "subscri" in lowered:
        if opted_in is None:
            opted_in = "unsubscri" not in lowered
        return _new_subscription(
            provider="xtremepush",
            type=kind,
            timestamp=timestamp,
            payload=payload,
            properties=properties.data,
            subscribed=opted_in,
            profile_id=properties.text("profile_id"),
            user_id=properties.text("user_id"),
        )
    return _new_event(
        provider="xtremepush", type=kind, timestamp=timestamp, payload=payload, properties=properties.data
    )


class Xtremepush(Provider):
    """Xtremepush message and subscription events."""

    name = "xtremepush"
    default_signed_header = "X-Signature"

    __slots__ = ()

    def __init__(
        self,
        *,
        auth: Literal["basic", "bearer", "signed", "oauth2", "none"] | None = None,
        username: str | bytes | None = None,
        password: str | bytes | None = None,
        credentials: Credentials | None = None,
        token: SecretInput | None = None,
        key: SecretInput | None = None,
        header: str = default_signed_header,
        signing: Literal["key", "hmac-sha256"] = "key",
        token_validator: Callable[[str], bool] | None = None,
        clock: Clock | None = None,
    ) -> None:
        """Args:
        auth: which authentication the connection uses (see the module docstring);
            inferred from the other options when left out, except ``"none"``.
        username, password, credentials: Basic credentials.
        token: the Bearer token, or several.
        key: the Signed Payload key, or several during a rotation.
        header: the header carrying the signed-payload key or signature.
        signing: ``"key"`` or ``"hmac-sha256"`` (signed payload only).
        token_validator: ``auth="oauth2"``: returns ``True`` for a token to accept.
        """
        if auth is None and key is not None:
            auth = "signed"
        elif auth is None and token_validator is not None:
            auth = "oauth2"
        if auth in ("signed", "oauth2") and (username or password or credentials or token is not None):
            raise ConfigurationError(f"xtremepush: auth={auth!r} does not use username, password or token")
        if auth != "signed" and key is not None:
            raise ConfigurationError("xtremepush: key is only used with auth='signed'")
        if auth != "oauth2" and token_validator is not None:
            raise ConfigurationError("xtremepush: token_validator is only used with auth='oauth2'")
        scheme: Scheme | None = auth_scheme(
            self.name,
            auth,
            _AUTHS,
            username=username,
            password=password,
            credentials=credentials,
            token=token,
        )
        if auth == "signed":
            keys = encode_secrets(key, "key")
            if signing == "key":
                scheme = SharedKey(keys, header=header)
            elif signing == "hmac-sha256":
                scheme = HmacSignature(Keyring(keys, "sha256"), header=header, prefix="")
            else:
                raise ConfigurationError("xtremepush: signing must be 'key' or 'hmac-sha256'")
        elif auth == "oauth2":
            if token_validator is None:
                raise ConfigurationError("xtremepush: auth='oauth2' needs token_validator")
            scheme = TokenValidator(token_validator)
        assert scheme is not None
        super().__init__(scheme, clock=clock)

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """One typed event per body."""
        return [xtremepush_event(payload)]

    def identity(self, event: Event) -> str:
        """A message event with an ``external_message_id``: that transaction at that step;
        any other event: its payload."""
        if isinstance(event, MessageEvent) and event.message.external_message_id:
            return (
                f"{event.type}\0{event.message.external_message_id}|{event.type}|{event.message.profile_id}"
            )
        return super().identity(event)  # no id of its own: its type and payload
