"""Clerk: Svix-signed webhooks (``svix-id``, ``svix-timestamp``, ``svix-signature``).

What Clerk documents (clerk.com/docs, "Webhooks overview" and "Sync Clerk data to
your app with webhooks"): "Clerk uses Svix to send our webhooks"; each request
carries ``svix-id``, ``svix-timestamp`` (unix seconds) and ``svix-signature``
(``v1,<base64>`` entries, HMAC-SHA256 over ``<svix-id>.<svix-timestamp>.<body>``
keyed with the base64 part of the endpoint's ``whsec_...`` signing secret), and
Clerk's own ``verifyWebhook()`` helper is the Svix check. That is the Standard
Webhooks scheme: this provider is :class:`StandardWebhooks` with Clerk's event
types, the same verification and the same 300-second tolerance either way.

Body: ``{data, object: "event", type, timestamp, instance_id, event_attributes}``;
``type`` is Clerk's (``"user.created"``, ``"session.ended"``,
``"organizationMembership.created"``), ``timestamp`` the body's (milliseconds),
``data`` the Clerk object (a User, a Session, an Organization, ...; for
``*.deleted``, ``{id, object, deleted: true}``).

Identity: the signed ``svix-id``, which Svix keeps across retries of a message.
Replay: a captured request is refused once ``svix-timestamp`` is outside the
tolerance; within it, an idempotency store recognises the ``svix-id``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .._events import Event, JSONObject, JSONValue, Reader, constructor, to_datetime
from .._headers import Headers
from .standard_webhooks import StandardWebhooks, StandardWebhooksEvent, signed_id_and_time

__all__ = [
    "Clerk",
    "ClerkEvent",
    "ClerkMembershipEvent",
    "ClerkOrganizationEvent",
    "ClerkSessionEvent",
    "ClerkUserEvent",
    "SessionCreated",
    "SessionEnded",
    "UserCreated",
    "UserDeleted",
    "UserUpdated",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class ClerkEvent(StandardWebhooksEvent):
    """Any Clerk event; ``id`` is the signed ``svix-id``, ``timestamp`` the body's ``timestamp``.

    ``object_id`` is ``data.id`` (``user_...``, ``sess_...``, ``org_...``).
    """

    object_id: str | None = None
    instance_id: str | None = None
    event_attributes: JSONObject = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class ClerkUserEvent(ClerkEvent):
    """``user.*``: ``data`` is the User; ``email`` its primary email address."""

    email: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    external_id: str | None = None
    deleted: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class UserCreated(ClerkUserEvent):
    """``user.created``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class UserUpdated(ClerkUserEvent):
    """``user.updated``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class UserDeleted(ClerkUserEvent):
    """``user.deleted``: ``data`` is only ``{id, object, deleted}``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ClerkSessionEvent(ClerkEvent):
    """``session.*``: ``data`` is the Session."""

    user_id: str | None = None
    client_id: str | None = None
    status: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionCreated(ClerkSessionEvent):
    """``session.created``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionEnded(ClerkSessionEvent):
    """``session.ended``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ClerkOrganizationEvent(ClerkEvent):
    """``organization.*``: ``data`` is the Organization."""

    name: str | None = None
    slug: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ClerkMembershipEvent(ClerkEvent):
    """``organizationMembership.*``: who (``user_id``) joined or left which organization, as ``role``."""

    organization_id: str | None = None
    user_id: str | None = None
    role: str | None = None


_EXACT: dict[str, type[ClerkEvent]] = {
    "user.created": UserCreated,
    "user.updated": UserUpdated,
    "user.deleted": UserDeleted,
    "session.created": SessionCreated,
    "session.ended": SessionEnded,
}
_FAMILY: dict[str, type[ClerkEvent]] = {
    "user": ClerkUserEvent,
    "session": ClerkSessionEvent,
    "organization": ClerkOrganizationEvent,
    "organizationMembership": ClerkMembershipEvent,
}
# constructor(cls) makes the same instance as cls(...), faster (see _events.constructor).
_CLASSES: tuple[type[ClerkEvent], ...] = (ClerkEvent, *_EXACT.values(), *_FAMILY.values())
_NEW: dict[type[ClerkEvent], Callable[..., ClerkEvent]] = {cls: constructor(cls) for cls in _CLASSES}


def _primary_email(user: Reader) -> str | None:
    """The address of ``primary_email_address_id`` among the user's ``email_addresses``."""
    primary = user.text("primary_email_address_id")
    addresses = user.raw("email_addresses")
    if primary is None or not isinstance(addresses, list):
        return None
    for item in addresses:
        if isinstance(item, dict) and item.get("id") == primary:
            found = item.get("email_address")
            return found if isinstance(found, str) else None
    return None


def clerk_event(payload: JSONValue, headers: Headers) -> ClerkEvent:
    """The typed event for one Clerk body and its signed ``svix-id``/``svix-timestamp``.

    Raises:
        PayloadError: no ``type``, or a field of the wrong JSON type.
    """
    body = Reader(payload, "body")
    kind = body.kind("type")
    cls = _EXACT.get(kind) or _FAMILY.get(kind.partition(".")[0], ClerkEvent)
    msg_id, stamp = signed_id_and_time(headers)
    data = body.child("data")
    fields: dict[str, object] = {
        "provider": "clerk",
        "type": kind,
        "id": msg_id,
        "timestamp": body.time("timestamp") or to_datetime(stamp),
        "payload": payload,
        "data": body.raw("data"),
        "object_id": data.text("id"),
        "instance_id": body.text("instance_id"),
        "event_attributes": body.mapping("event_attributes"),
    }
    if issubclass(cls, ClerkUserEvent):
        fields.update(
            email=_primary_email(data),
            username=data.text("username"),
            first_name=data.text("first_name"),
            last_name=data.text("last_name"),
            external_id=data.text("external_id"),
            deleted=data.boolean("deleted") is True,
        )
    elif issubclass(cls, ClerkSessionEvent):
        fields.update(
            user_id=data.text("user_id"), client_id=data.text("client_id"), status=data.text("status")
        )
    elif cls is ClerkOrganizationEvent:
        fields.update(name=data.text("name"), slug=data.text("slug"))
    elif cls is ClerkMembershipEvent:
        fields.update(
            organization_id=data.child("organization").text("id"),
            user_id=data.child("public_user_data").text("user_id"),
            role=data.text("role"),
        )
    return _NEW[cls](**fields)


class Clerk(StandardWebhooks):
    """Clerk webhooks: Standard Webhooks (Svix) with Clerk's typed events."""

    name = "clerk"

    __slots__ = ()

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """One typed event; its id is the signed ``svix-id``."""
        return [clerk_event(payload, headers)]

    def sign(self, body: bytes, *, now: float | None = None) -> dict[str, str]:
        """The ``svix-id``, ``svix-timestamp`` and ``svix-signature`` Clerk would send."""
        return {
            name.replace("webhook-", "svix-", 1): value for name, value in super().sign(body, now=now).items()
        }
