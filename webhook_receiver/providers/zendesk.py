"""Zendesk: ``X-Zendesk-Webhook-Signature`` = base64 HMAC-SHA256 of ``<timestamp><body>``.

What Zendesk documents (developer.zendesk.com, "Verifying webhook authenticity" and
"Anatomy of a webhook request"): every webhook request carries
``X-Zendesk-Webhook-Signature`` and ``X-Zendesk-Webhook-Signature-Timestamp``; the
signature is ``base64(HMACSHA256(TIMESTAMP + BODY))`` with the webhook's signing
secret, the timestamp and the raw body joined with nothing between them. The
timestamp is an RFC 3339 date-time (``2021-03-25T05:09:27Z``). The signing secret
is used as the text Zendesk shows (it looks like base64 but is not decoded: the
static secret Zendesk signs test requests with, before a webhook exists, is
``dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==``, used as it is). Zendesk says
the signatures "help prevent against replay attacks" but states no window.

Decisions:

- tolerance: the library's default, 300 seconds either way (``tolerance=``);
- methods: ``POST`` (every event subscription), plus ``PUT`` and ``PATCH`` for
  webhooks connected to triggers and automations, whose method and JSON body the
  admin chooses. ``GET`` and ``DELETE`` webhooks send no body: nothing signed
  would tell one request from another, so they are not accepted (405);
- ``type`` is the body's ``type`` (``"zen:event-type:user.created"``); a trigger's
  own JSON without a string ``type`` arrives as ``"custom"``.

Identity: for event subscriptions, the type and the body's ``id`` (a UUID per
event), both signed. Trigger and automation bodies are whatever the admin wrote
and carry no id of their own: they are identified by the whole signed payload,
so put something unique in the template (``{{ticket.id}}`` and
``{{ticket.updated_at_with_timestamp}}``) or identical firings count as duplicates.
The ``X-Zendesk-Webhook-Id`` and ``X-Zendesk-Webhook-Invocation-Id`` headers are not
signed: events expose them for logging, never for identity.

Replay: a captured request is refused once its signed timestamp is outside the
tolerance; within it, an idempotency store recognises the event.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import cast

from .._events import CUSTOM, Event, JSONObject, JSONValue, Reader, constructor, to_datetime
from .._headers import Headers
from .._schemes import (
    DEFAULT_TOLERANCE,
    NOTHING_SIGNED,
    Clock,
    HmacSignature,
    Keyring,
    SecretInput,
    Verified,
    encode_secrets,
)
from ._base import EventHeaders, Provider

__all__ = [
    "OrganizationCreated",
    "TicketCreated",
    "TicketStatusChanged",
    "UserActiveChanged",
    "UserCreated",
    "Zendesk",
    "ZendeskArticleEvent",
    "ZendeskEvent",
    "ZendeskOrganizationEvent",
    "ZendeskTicketEvent",
    "ZendeskUserEvent",
]

TYPE_PREFIX = "zen:event-type:"
"""How every Zendesk event subscription type starts."""

SIGNATURE_HEADER = "X-Zendesk-Webhook-Signature"
TIMESTAMP_HEADER = "X-Zendesk-Webhook-Signature-Timestamp"


@dataclass(frozen=True, slots=True, kw_only=True)
class ZendeskEvent(Event):
    """Any Zendesk webhook request.

    For event subscriptions (``{type, account_id, id, time, zendesk_event_version,
    subject, detail, event}``): ``id`` is the body's ``id``, ``timestamp`` its
    ``time``, ``detail`` the object the event is about and ``change`` the body's
    ``event`` object (what changed: ``{"current": ..., "previous": ...}``). For a
    trigger's own JSON, ``type`` is ``"custom"`` and ``payload`` holds it.
    ``webhook_id`` and ``invocation_id`` come from unsigned headers.
    """

    account_id: int | None = None
    subject: str | None = None
    zendesk_event_version: str | None = None
    detail: JSONObject = field(default_factory=dict, repr=False)
    change: JSONValue = field(default=None, repr=False)
    webhook_id: str | None = None
    invocation_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ZendeskUserEvent(ZendeskEvent):
    """``zen:event-type:user.*``; ``user_id`` is ``detail.id``."""

    user_id: str | None = None
    email: str | None = None
    role: str | None = None
    organization_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class UserCreated(ZendeskUserEvent):
    """``zen:event-type:user.created``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class UserActiveChanged(ZendeskUserEvent):
    """``zen:event-type:user.active_changed``; ``change`` is ``{"current": bool, "previous": bool}``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ZendeskOrganizationEvent(ZendeskEvent):
    """``zen:event-type:organization.*``; ``organization_id`` is ``detail.id``."""

    organization_id: str | None = None
    name: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OrganizationCreated(ZendeskOrganizationEvent):
    """``zen:event-type:organization.created``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ZendeskTicketEvent(ZendeskEvent):
    """``zen:event-type:ticket.*``; ``ticket_id`` is ``detail.id``."""

    ticket_id: str | None = None
    status: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TicketCreated(ZendeskTicketEvent):
    """``zen:event-type:ticket.created``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TicketStatusChanged(ZendeskTicketEvent):
    """``zen:event-type:ticket.status_changed``; ``change`` holds the previous and current status."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ZendeskArticleEvent(ZendeskEvent):
    """``zen:event-type:article.*`` (Help Center); ``article_id`` is ``detail.id``."""

    article_id: str | None = None
    title: str | None = None


_EXACT: dict[str, type[ZendeskEvent]] = {
    "user.created": UserCreated,
    "user.active_changed": UserActiveChanged,
    "organization.created": OrganizationCreated,
    "ticket.created": TicketCreated,
    "ticket.status_changed": TicketStatusChanged,
}
_DOMAIN: dict[str, type[ZendeskEvent]] = {
    "user": ZendeskUserEvent,
    "organization": ZendeskOrganizationEvent,
    "ticket": ZendeskTicketEvent,
    "article": ZendeskArticleEvent,
}
# constructor(cls) makes the same instance as cls(...), faster (see _events.constructor).
_CLASSES: tuple[type[ZendeskEvent], ...] = (ZendeskEvent, *_EXACT.values(), *_DOMAIN.values())
_NEW: dict[type[ZendeskEvent], Callable[..., ZendeskEvent]] = {cls: constructor(cls) for cls in _CLASSES}
# Each class's domain class (the one whose fields it reads from detail), looked up once here.
_FAMILY: dict[type[ZendeskEvent], type[ZendeskEvent]] = {
    cls: domain for cls in _CLASSES for domain in _DOMAIN.values() if issubclass(cls, domain)
}


def _one(headers: Headers, name: str) -> str | None:
    values = headers.getlist(name)
    return values[0] if len(values) == 1 else None


def zendesk_event(payload: JSONValue, headers: Headers) -> ZendeskEvent:
    """The typed event for one Zendesk body (and its unsigned informational headers).

    Raises:
        PayloadError: the body is not a JSON object, or an event subscription's
            documented field has the wrong JSON type.
    """
    body = Reader(payload, "body")
    raw_type = body.raw("type")
    kind = raw_type if isinstance(raw_type, str) and raw_type else CUSTOM
    name = kind.removeprefix(TYPE_PREFIX) if kind.startswith(TYPE_PREFIX) else ""
    cls = _EXACT.get(name) or _DOMAIN.get(name.partition(".")[0], ZendeskEvent)
    webhook_ids = headers.getlist("X-Zendesk-Webhook-Id")
    invocation_ids = headers.getlist("X-Zendesk-Webhook-Invocation-Id")
    webhook_id = webhook_ids[0] if len(webhook_ids) == 1 else None
    invocation_id = invocation_ids[0] if len(invocation_ids) == 1 else None
    if not name:
        # A trigger's or automation's own JSON: nothing in it is Zendesk's schema, so
        # its time is the signed time it was sent at.
        return _NEW[ZendeskEvent](
            provider="zendesk",
            type=kind,
            payload=payload,
            webhook_id=webhook_id,
            invocation_id=invocation_id,
            timestamp=to_datetime(_one(headers, TIMESTAMP_HEADER)),
        )
    detail = body.child("detail")
    common: dict[str, object] = {
        "provider": "zendesk",
        "type": kind,
        "payload": payload,
        "webhook_id": webhook_id,
        "invocation_id": invocation_id,
        "id": body.text("id"),
        "timestamp": body.time("time"),
        "account_id": body.integer("account_id"),
        "subject": body.text("subject"),
        "zendesk_event_version": body.text("zendesk_event_version"),
        "detail": detail.data,
        "change": body.raw("event"),
    }
    family = _FAMILY.get(cls)
    if family is ZendeskUserEvent:
        common.update(
            user_id=detail.text("id"),
            email=detail.text("email"),
            role=detail.text("role"),
            organization_id=detail.text("organization_id"),
        )
    elif family is ZendeskOrganizationEvent:
        common.update(organization_id=detail.text("id"), name=detail.text("name"))
    elif family is ZendeskTicketEvent:
        common.update(ticket_id=detail.text("id"), status=detail.text("status"))
    elif family is ZendeskArticleEvent:
        common.update(article_id=detail.text("id"), title=detail.text("title"))
    return _NEW[cls](**common)


class Zendesk(Provider):
    """Zendesk webhooks: event subscriptions, and triggers or automations with JSON bodies."""

    name = "zendesk"
    methods = ("POST", "PUT", "PATCH")
    signature_header = SIGNATURE_HEADER
    timestamp_header = TIMESTAMP_HEADER
    event_header_names = ("X-Zendesk-Webhook-Id", "X-Zendesk-Webhook-Invocation-Id")

    __slots__ = ()

    def __init__(
        self, *, secret: SecretInput, tolerance: float = DEFAULT_TOLERANCE, clock: Clock | None = None
    ) -> None:
        """Args:
        secret: the webhook's signing secret (as Zendesk shows it), or several
            during a rotation.
        tolerance: seconds the signed timestamp may differ from now, either way.
        """
        scheme = HmacSignature(
            Keyring(encode_secrets(secret, "secret"), "sha256"),
            header=self.signature_header,
            encoding="base64",
            timestamp_header=self.timestamp_header,
            payload="{timestamp}{body}",
            tolerance=tolerance,
            timestamp_unit="rfc3339",
        )
        super().__init__(scheme, clock=clock)

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """One typed event."""
        return [zendesk_event(payload, headers)]

    def claimed(self, headers: Headers) -> Verified:
        """The signed timestamp the request claims (for :meth:`parse` without ``verified``)."""
        stamp = _one(headers, TIMESTAMP_HEADER)
        return NOTHING_SIGNED if stamp is None else Verified(timestamp=stamp)

    def event_headers(self, headers: Headers, verified: Verified = NOTHING_SIGNED) -> EventHeaders:
        """The unsigned webhook and invocation ids as sent, and the signed timestamp as verified.

        The timestamp is a trigger body's time (event subscriptions carry their own).
        """
        saved = headers.select(self.event_header_names)  # Provider.event_headers, without its call
        if verified.timestamp is None:
            return saved
        return (*saved, (TIMESTAMP_HEADER, verified.timestamp))

    def sign(self, body: bytes, *, now: float | None = None) -> dict[str, str]:
        """The headers Zendesk would send: the timestamp in whole seconds, as Zendesk writes it."""
        at = self.clock() if now is None else now
        stamp = datetime.fromtimestamp(int(at), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        keyring = cast(HmacSignature, self.scheme).keyring
        mac = keyring.mac(0, stamp.encode("ascii"), bytes(body))
        return {self.timestamp_header: stamp, self.signature_header: base64.b64encode(mac).decode("ascii")}
