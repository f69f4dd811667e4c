"""Discord: ``X-Signature-Ed25519`` over ``X-Signature-Timestamp`` + body, with the app's public key.

Discord signs each request to an app's **Interactions Endpoint URL** and **Webhook
Events URL** with its Ed25519 key: ``X-Signature-Ed25519`` is the 64-byte signature
in hex, over the ``X-Signature-Timestamp`` header exactly as sent (unix seconds)
followed by the raw body; it verifies under the application's public key, shown
in hex as "Public Key" on the developer portal's General Information page (Discord,
"Interactions Overview", Validating Security Request Headers; "Webhook Events").
A request that does not verify must get a 401: Discord sends some with invalid
signatures on purpose, and removes the URL of an app that accepts them.

Discord documents no tolerance for the timestamp; it is checked both ways against
``tolerance=`` (300 s by default), before the signature, so a captured request is
refused five minutes on. (An interaction must be answered within 3 seconds anyway.)
Verifying needs ``cryptography`` (``pip install 'webhook-receiver[crypto]'``), imported
when the provider is created.

**Two kinds of body, one key.** Both URLs are signed alike, so one provider takes
either, told apart by the signed body:

* an **interaction** ``{"id", "application_id", "type": 1-5, "token", "data", ...}``:
  ``PING`` (1), ``APPLICATION_COMMAND`` (2), ``MESSAGE_COMPONENT`` (3),
  ``APPLICATION_COMMAND_AUTOCOMPLETE`` (4), ``MODAL_SUBMIT`` (5); the event's ``type``
  is that name (``"INTERACTION_<n>"`` for a number Discord adds later), its ``id`` the
  interaction's snowflake and its ``timestamp`` the time in that snowflake;
* a **webhook event** ``{"version": 1, "application_id", "type": 0}`` (a ``PING``, typed
  ``"WEBHOOK_PING"``) or ``{"version": 1, "application_id", "type": 1, "event": {"type":
  "APPLICATION_AUTHORIZED", "timestamp", "data"}}``, typed by ``event.type``.

**Answers.** A handler cannot answer an interaction (handlers return nothing), so
each interaction is *acknowledged* and the app replies later through the
interaction's ``token`` (valid 15 minutes: ``POST /webhooks/{application_id}/{token}``
or ``PATCH .../messages/@original``), within 3 seconds and always with 200:

* ``PING``: ``{"type": 1}`` (PONG), as Discord requires;
* ``APPLICATION_COMMAND``: ``{"type": 5}``, DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE
  (Discord shows "thinking…" until the app's follow-up);
* ``MESSAGE_COMPONENT``: ``{"type": 6}``, DEFERRED_UPDATE_MESSAGE (the app edits the
  message later);
* ``MODAL_SUBMIT``: ``{"type": 5}`` (a deferred update is valid only for a modal
  opened from a component; a deferred message always is);
* ``APPLICATION_COMMAND_AUTOCOMPLETE``: ``{"type": 8, "data": {"choices": []}}``:
  autocomplete cannot be deferred, so it offers no choices;
* an interaction type Discord adds later: ``{"type": 5}``.

Webhook events, their ``PING`` included, get 204 with an empty body, as Discord
asks. A deferred receiver answers the same (the acknowledgement is exactly what a
deferred app needs).

**Identity and replays.** An interaction is identified by its type and its ``id``, a
snowflake Discord never reuses; Discord does not retry interactions. A webhook
event carries no id: it is identified by its type and whole payload (signed),
which stay the same when Discord retries it (for up to 10 minutes, until it gets
its 204). A repeated request an idempotency store recognises gets a 204. Within
the tolerance only a store refuses a replay.
"""

from __future__ import annotations

import binascii
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .._crypto import PublicKeys, private_key
from .._errors import (
    ConfigurationError,
    MalformedHeader,
    PayloadError,
    SignatureMismatch,
)
from .._events import Event, JSONObject, JSONValue, Reader, constructor
from .._headers import Headers, HeadersLike, header_pairs, require
from .._schemes import (
    DEFAULT_TOLERANCE,
    Clock,
    SecretInput,
    Verified,
    check_tolerance_option,
    signed_time,
    wire_bytes,
)
from ._base import Answer, Provider

__all__ = [
    "INTERACTION_TYPES",
    "WEBHOOK_PING",
    "ApplicationAuthorized",
    "ApplicationCommand",
    "ApplicationDeauthorized",
    "CommandAutocomplete",
    "Discord",
    "DiscordEvent",
    "DiscordSignature",
    "EntitlementCreate",
    "Interaction",
    "MessageComponent",
    "ModalSubmit",
    "Ping",
    "WebhookEvent",
    "WebhookPing",
]

SIGNATURE_HEADER = "X-Signature-Ed25519"
TIMESTAMP_HEADER = "X-Signature-Timestamp"

INTERACTION_TYPES: dict[int, str] = {
    1: "PING",
    2: "APPLICATION_COMMAND",
    3: "MESSAGE_COMPONENT",
    4: "APPLICATION_COMMAND_AUTOCOMPLETE",
    5: "MODAL_SUBMIT",
}
"""Discord's interaction types, by number: the event ``type`` of each."""

WEBHOOK_PING = "WEBHOOK_PING"
"""The ``type`` of the ``PING`` (``"type": 0``) Discord sends a Webhook Events URL."""

# Discord's epoch, the first second of 2015, in milliseconds: a snowflake's top 42
# bits count milliseconds from it.
_DISCORD_EPOCH_MS = 1_420_070_400_000

# The interaction response types this provider answers with (see the module).
_PONG: JSONObject = {"type": 1}
_DEFERRED_MESSAGE: JSONObject = {"type": 5}
_DEFERRED_UPDATE: JSONObject = {"type": 6}
_NO_CHOICES: JSONObject = {"type": 8, "data": {"choices": []}}


class DiscordSignature:
    """``X-Signature-Ed25519`` (hex) over ``X-Signature-Timestamp`` + body, under Ed25519 public keys.

    The timestamp (ASCII digits, unix seconds) is checked against the tolerance,
    old *and* future, before any public-key operation.
    """

    reads_any_headers = True
    """``verify`` takes any ``HeadersLike`` (see ``_schemes.BUILTIN_SCHEMES``)."""

    __slots__ = ("_keys", "_tolerance")

    def __init__(self, keys: PublicKeys, *, tolerance: float = DEFAULT_TOLERANCE) -> None:
        if keys.kind != "ed25519":
            raise ConfigurationError("Discord signs with Ed25519 keys")
        self._keys = keys
        self._tolerance = check_tolerance_option(tolerance)

    @property
    def public_keys(self) -> PublicKeys:
        """The configured public keys."""
        return self._keys

    @property
    def tolerance(self) -> float:
        """Seconds the signed timestamp may differ from now, either way."""
        return self._tolerance

    def verify(self, headers: HeadersLike, body: bytes, now: float) -> Verified:
        """Raise unless ``X-Signature-Ed25519`` verifies over the timestamp and ``body``."""
        pairs = header_pairs(headers)
        signature_text = require(pairs, SIGNATURE_HEADER)
        timestamp = require(pairs, TIMESTAMP_HEADER)
        # Exactly 64 bytes of hex: a2b_hex, unlike bytes.fromhex, skips no whitespace.
        if len(signature_text) != 128:
            raise MalformedHeader(SIGNATURE_HEADER, "signature is not 64 bytes of hex")
        try:
            signature = binascii.a2b_hex(signature_text)
        except (ValueError, binascii.Error):
            raise MalformedHeader(SIGNATURE_HEADER, "signature is not 64 bytes of hex") from None
        signed_at = signed_time(timestamp, TIMESTAMP_HEADER, self._tolerance, now)
        if not self._keys.verifies([signature], wire_bytes(timestamp) + bytes(body), now):
            raise SignatureMismatch(f"the signature does not verify under {len(self._keys)} public key(s)")
        return Verified(timestamp=timestamp, signed_at=signed_at)

    def sign(self, body: bytes, now: float) -> dict[str, str]:
        """Not possible with a public key: use :meth:`sign_with_key`."""
        raise ConfigurationError(
            "discord requests are signed with Discord's private key: pass private_key= "
            "(testing.DEMO_PRIVATE_KEYS['discord'] pairs with the demo public_key)"
        )

    def sign_with_key(self, body: bytes, now: float, key: str | bytes) -> dict[str, str]:
        """The headers Discord would send for ``body`` at ``now``, signed with the Ed25519
        private ``key`` (a 32-byte seed, PEM or DER, or its hex or base64 text)."""
        timestamp = str(int(now))
        signature = private_key("ed25519", key).sign(timestamp.encode("ascii") + bytes(body))
        return {SIGNATURE_HEADER: signature.hex(), TIMESTAMP_HEADER: timestamp}

    def __repr__(self) -> str:
        return f"DiscordSignature({self._keys!r}, tolerance={self._tolerance:g})"


@dataclass(frozen=True, slots=True, kw_only=True)
class DiscordEvent(Event):
    """Any Discord request; ``application_id`` is the app's id."""

    application_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Interaction(DiscordEvent):
    """An interaction; types without a class of their own arrive as this.

    ``type`` is the type's name (``"APPLICATION_COMMAND"``) and ``interaction_type`` its
    number; ``id`` is the interaction's id and ``timestamp`` the time in it. ``token``
    answers the interaction for 15 minutes (a credential: it is left out of ``repr``).
    ``user_id`` is the invoking user's (``member.user.id`` in a server, ``user.id``
    elsewhere). ``data`` is the interaction's ``data`` (empty when absent).
    """

    interaction_type: int
    token: str | None = field(default=None, repr=False)
    guild_id: str | None = None
    channel_id: str | None = None
    user_id: str | None = None
    locale: str | None = None
    guild_locale: str | None = None
    version: int | None = None
    data: JSONObject = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Ping(Interaction):
    """``PING``: Discord checking the Interactions Endpoint URL; answered with a PONG."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ApplicationCommand(Interaction):
    """``APPLICATION_COMMAND``: ``command_name`` (``data.name``), ``command_id``,
    ``command_type`` (1 slash, 2 user, 3 message) and ``options`` (empty when none)."""

    command_id: str | None = None
    command_name: str | None = None
    command_type: int | None = None
    options: list[JSONValue] = field(default_factory=list, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class CommandAutocomplete(Interaction):
    """``APPLICATION_COMMAND_AUTOCOMPLETE``: the command being typed (``command_id``,
    ``command_name``, ``command_type``) and its ``options`` as typed so far (one
    ``focused``); answered with no choices (see the module). Not an
    :class:`ApplicationCommand`: a handler for commands does not run on every keystroke."""

    command_id: str | None = None
    command_name: str | None = None
    command_type: int | None = None
    options: list[JSONValue] = field(default_factory=list, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageComponent(Interaction):
    """``MESSAGE_COMPONENT``: the component's ``custom_id`` and ``component_type``, the
    ``values`` chosen in a select menu (empty otherwise) and the ``message_id`` it is on."""

    custom_id: str | None = None
    component_type: int | None = None
    values: list[JSONValue] = field(default_factory=list, repr=False)
    message_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ModalSubmit(Interaction):
    """``MODAL_SUBMIT``: the modal's ``custom_id`` and its ``components`` (the values typed)."""

    custom_id: str | None = None
    components: list[JSONValue] = field(default_factory=list, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookPing(DiscordEvent):
    """The ``PING`` (``"type": 0``) Discord sends to check a Webhook Events URL."""

    version: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookEvent(DiscordEvent):
    """A webhook event (``"type": 1``); types without a class of their own arrive as this.

    ``type`` is ``event.type`` (``"ENTITLEMENT_CREATE"``), ``timestamp`` ``event.timestamp``
    and ``data`` ``event.data`` (empty when absent); ``id`` is ``None``.
    """

    version: int | None = None
    data: JSONObject = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class ApplicationAuthorized(WebhookEvent):
    """``APPLICATION_AUTHORIZED``: ``user_id`` added the app with ``scopes``, to a server
    (``integration_type`` 0, ``guild_id``) or to their account (1)."""

    user_id: str | None = None
    scopes: list[JSONValue] = field(default_factory=list)
    integration_type: int | None = None
    guild_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ApplicationDeauthorized(WebhookEvent):
    """``APPLICATION_DEAUTHORIZED``: ``user_id`` removed the app."""

    user_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EntitlementCreate(WebhookEvent):
    """``ENTITLEMENT_CREATE``: ``entitlement_id`` for ``sku_id`` granted to ``user_id`` (or
    ``guild_id``); ``entitlement_type`` is Discord's number (8 an application subscription)."""

    entitlement_id: str | None = None
    sku_id: str | None = None
    user_id: str | None = None
    guild_id: str | None = None
    entitlement_type: int | None = None


# The same instances as Ping(...), ..., faster (see _events.constructor).
_new_interaction = constructor(Interaction)
_new_ping = constructor(Ping)
_new_command = constructor(ApplicationCommand)
_new_autocomplete = constructor(CommandAutocomplete)
_new_component = constructor(MessageComponent)
_new_modal = constructor(ModalSubmit)
_new_webhook_ping = constructor(WebhookPing)
_new_webhook_event = constructor(WebhookEvent)
_new_authorized = constructor(ApplicationAuthorized)
_new_deauthorized = constructor(ApplicationDeauthorized)
_new_entitlement = constructor(EntitlementCreate)


class Discord(Provider):
    """Discord's Interactions Endpoint URL and Webhook Events URL (``X-Signature-Ed25519``).

    Interactions are acknowledged (PONG, or a deferred response the app follows up
    through the interaction token), webhook events answered 204; see the module.
    """

    name = "discord"
    signature_header = SIGNATURE_HEADER
    timestamp_header = TIMESTAMP_HEADER
    accepted_status = 200  # an interaction's acknowledgement is a 200

    __slots__ = ()

    def __init__(
        self,
        *,
        public_key: SecretInput,
        tolerance: float = DEFAULT_TOLERANCE,
        clock: Clock | None = None,
    ) -> None:
        """Args:
        public_key: the application's Public Key as the developer portal shows it
            (64 hex digits), or PEM, raw bytes or base64; several during a change,
            and a :class:`~webhook_receiver.Secret` wrapper for one that expires.
        tolerance: seconds the signed timestamp may differ from now, either way.

        Raises:
            MissingDependency: ``cryptography`` is not installed.
            ConfigurationError: a value is not an Ed25519 public key.
        """
        keys = PublicKeys("ed25519", public_key, option="public_key")
        super().__init__(DiscordSignature(keys, tolerance=tolerance), clock=clock)

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """One event per body: an interaction or a webhook event (see the module)."""
        body = Reader(payload, "body")
        number = body.integer("type")
        if number is None:
            raise PayloadError("body.type is missing")
        application_id = body.text("application_id")
        if number == 0:
            return [
                _new_webhook_ping(
                    provider=self.name,
                    type=WEBHOOK_PING,
                    payload=payload,
                    application_id=application_id,
                    version=body.integer("version"),
                )
            ]
        if "event" in body.data:
            if number != 1:
                raise PayloadError("body.type must be 1 for a webhook event")
            return [_webhook_event(body, application_id, payload)]
        return [_interaction(body, number, application_id, payload)]

    def answer(self, events: Sequence[Event]) -> JSONObject | Answer | None:
        """An interaction's acknowledgement (200), or 204 for webhook events (see the module)."""
        for event in events:
            if isinstance(event, Interaction):
                return Answer.json(_acknowledgement(event), status=200)
        return Answer(b"", "application/json", 204)


def _acknowledgement(event: Interaction) -> JSONObject:
    if isinstance(event, Ping):
        return _PONG
    if isinstance(event, CommandAutocomplete):
        return _NO_CHOICES
    if isinstance(event, MessageComponent):
        return _DEFERRED_UPDATE
    return _DEFERRED_MESSAGE


def _snowflake_time(snowflake: str | None) -> datetime | None:
    if snowflake is None or not (snowflake.isascii() and snowflake.isdigit()) or len(snowflake) > 20:
        return None
    milliseconds = (int(snowflake) >> 22) + _DISCORD_EPOCH_MS
    try:
        return datetime.fromtimestamp(milliseconds / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _list(reader: Reader, key: str) -> list[JSONValue]:
    value = reader.raw(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise PayloadError(f"{reader.where}.{key} must be an array")
    return value


def _interaction(body: Reader, number: int, application_id: str | None, payload: JSONValue) -> Interaction:
    interaction_id = body.required_text("id")
    data = body.child("data")
    user_id = body.child("member").child("user").text("id") or body.child("user").text("id")
    common: dict[str, Any] = {
        "provider": "discord",
        "type": INTERACTION_TYPES.get(number, f"INTERACTION_{number}"),
        "id": interaction_id,
        "timestamp": _snowflake_time(interaction_id),
        "payload": payload,
        "application_id": application_id,
        "interaction_type": number,
        "token": body.text("token"),
        "guild_id": body.text("guild_id"),
        "channel_id": body.text("channel_id") or body.child("channel").text("id"),
        "user_id": user_id,
        "locale": body.text("locale"),
        "guild_locale": body.text("guild_locale"),
        "version": body.integer("version"),
        "data": data.data,
    }
    if number == 1:
        return _new_ping(**common)
    if number in (2, 4):
        make = _new_command if number == 2 else _new_autocomplete
        return make(
            command_id=data.text("id"),
            command_name=data.text("name"),
            command_type=data.integer("type"),
            options=_list(data, "options"),
            **common,
        )
    if number == 3:
        return _new_component(
            custom_id=data.text("custom_id"),
            component_type=data.integer("component_type"),
            values=_list(data, "values"),
            message_id=body.child("message").text("id"),
            **common,
        )
    if number == 5:
        return _new_modal(custom_id=data.text("custom_id"), components=_list(data, "components"), **common)
    return _new_interaction(**common)


def _webhook_event(body: Reader, application_id: str | None, payload: JSONValue) -> WebhookEvent:
    event = body.child("event")
    kind = event.kind("type")
    data = event.child("data")
    common: dict[str, Any] = {
        "provider": "discord",
        "type": kind,
        "timestamp": event.time("timestamp"),
        "payload": payload,
        "application_id": application_id,
        "version": body.integer("version"),
        "data": data.data,
    }
    if kind == "APPLICATION_AUTHORIZED":
        return _new_authorized(
            user_id=data.child("user").text("id"),
            scopes=_list(data, "scopes"),
            integration_type=data.integer("integration_type"),
            guild_id=data.child("guild").text("id"),
            **common,
        )
    if kind == "APPLICATION_DEAUTHORIZED":
        return _new_deauthorized(user_id=data.child("user").text("id"), **common)
    if kind == "ENTITLEMENT_CREATE":
        return _new_entitlement(
            entitlement_id=data.text("id"),
            sku_id=data.text("sku_id"),
            user_id=data.text("user_id"),
            guild_id=data.text("guild_id"),
            entitlement_type=data.integer("type"),
            **common,
        )
    return _new_webhook_event(**common)
