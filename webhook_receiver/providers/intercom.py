"""Intercom: ``X-Hub-Signature: sha1=<hex>``, HMAC-SHA1 of the raw body.

The key is the app's ``client_secret`` (Developer Hub, Basic information); the
signature is "the hexadecimal (40-byte) representation of a SHA-1 signature
computed using the HMAC algorithm as defined in RFC2104", prefixed ``sha1=``
(Intercom's "Signed notifications"; the legacy v1 API keyed it with a
subscription's ``hub_secret``, the same scheme). Nothing else is signed and there is
no timestamp header, so there is no tolerance.

Bodies are notifications: ``{"type": "notification_event", "app_id", "id":
"notif_...", "topic", "created_at", "delivery_attempts", "first_sent_at", "data":
{"type": "notification_event_data", "item": {...}}}``; the topic
(``conversation.user.created``, ``contact.user.created``, ``ping``, ...) is the event
type and ``data.item`` the Intercom object it is about. Intercom sends a ``ping``
when a subscription is set up or pinged, and "all subscriptions should be
implemented to accept ping events".

Identity: the topic and the notification ``id``, from the signed body. A
notification counts its own ``delivery_attempts``, so a retry is the same
notification with the same id, and an idempotency store recognises it; a captured
request keeps verifying forever (no signed time), so replays are refused only with a
store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from .._events import Event, JSONObject, JSONValue, Reader, constructor
from .._headers import Headers
from .._schemes import Clock, HmacSignature, Keyring, SecretInput, encode_secrets
from ._base import Provider

__all__ = [
    "AdminEvent",
    "CompanyEvent",
    "ContactEvent",
    "ConversationEvent",
    "Intercom",
    "IntercomEvent",
    "Ping",
    "TicketEvent",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class IntercomEvent(Event):
    """Any Intercom notification; topics without a class of their own arrive as this.

    ``type`` is the ``topic``, ``id`` the notification id (``notif_...``),
    ``timestamp`` its ``created_at``. ``item`` is ``data.item``, the object the
    notification is about, and ``item_type`` that object's ``type``.
    """

    app_id: str | None = None
    item: JSONObject = field(default_factory=dict, repr=False)
    item_type: str | None = None
    item_id: str | None = None
    delivery_attempts: int | None = None
    first_sent_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ConversationEvent(IntercomEvent):
    """``conversation.*`` and ``conversation_part.*``: ``item`` is the conversation."""

    conversation_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactEvent(IntercomEvent):
    """``contact.*``, ``user.*`` and ``visitor.*``: ``item`` is the contact (user, lead or visitor)."""

    contact_id: str
    email: str | None = None
    role: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CompanyEvent(IntercomEvent):
    """``company.*``: ``item`` is the company (or, for ``company.contact.*``, the pairing)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TicketEvent(IntercomEvent):
    """``ticket.*``: ``item`` is the ticket."""

    ticket_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AdminEvent(IntercomEvent):
    """``admin.*``: ``item`` is the admin (teammate)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Ping(IntercomEvent):
    """``ping``: a subscription check; ``message`` is Intercom's text."""

    message: str | None = None


_PREFIXES: tuple[tuple[tuple[str, ...], type[IntercomEvent]], ...] = (
    (("conversation.", "conversation_part."), ConversationEvent),
    (("contact.", "user.", "visitor."), ContactEvent),
    (("company.",), CompanyEvent),
    (("ticket.",), TicketEvent),
    (("admin.",), AdminEvent),
)
_NEW: dict[type[IntercomEvent], Callable[..., IntercomEvent]] = {
    cls: constructor(cls)
    for cls in (IntercomEvent, ConversationEvent, ContactEvent, CompanyEvent, TicketEvent, AdminEvent, Ping)
}


def intercom_event(payload: JSONValue) -> IntercomEvent:
    """The typed event for one Intercom notification body."""
    body = Reader(payload, "body")
    topic = body.kind("topic")
    item = Reader(body.child("data").mapping("item"), "body.data.item")
    common: dict[str, object] = {
        "provider": "intercom",
        "type": topic,
        "id": body.text("id"),
        "timestamp": body.time("created_at"),
        "payload": payload,
        "app_id": body.text("app_id"),
        "item": item.data,
        "item_type": item.text("type"),
        "item_id": item.text("id"),
        "delivery_attempts": body.integer("delivery_attempts"),
        "first_sent_at": body.time("first_sent_at"),
    }
    if topic == "ping":
        return _NEW[Ping](**common, message=item.text("message"))
    cls = next((cls for prefixes, cls in _PREFIXES if topic.startswith(prefixes)), IntercomEvent)
    extra: dict[str, object] = {}
    if cls is ConversationEvent:
        extra = {"conversation_id": item.required_text("id")}
    elif cls is ContactEvent:
        extra = {
            "contact_id": item.required_text("id"),
            "email": item.text("email"),
            "role": item.text("role"),
        }
    elif cls is TicketEvent:
        extra = {"ticket_id": item.required_text("id")}
    return _NEW[cls](**common, **extra)


class Intercom(Provider):
    """Intercom webhook notifications (``X-Hub-Signature``, HMAC-SHA1 of the body)."""

    name = "intercom"
    signature_header = "X-Hub-Signature"

    __slots__ = ()

    def __init__(self, *, secret: SecretInput, clock: Clock | None = None) -> None:
        """Args:
        secret: the app's client secret, or several during a rotation (a ``Secret``
            with ``expires_at`` stops verifying at that time).
        """
        keyring = Keyring(encode_secrets(secret, "secret"), "sha1")
        super().__init__(HmacSignature(keyring, header=self.signature_header, prefix="sha1="), clock=clock)

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """One typed event per notification."""
        return [intercom_event(payload)]
