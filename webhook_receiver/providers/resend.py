"""Resend: Svix-signed webhooks (``svix-id``, ``svix-timestamp``, ``svix-signature``).

What Resend documents (resend.com/docs, "Verify webhooks requests"): Resend sends
its webhooks through Svix, so every request carries ``svix-id``,
``svix-timestamp`` (unix seconds) and ``svix-signature`` (space-separated
``v1,<base64>`` entries, each an HMAC-SHA256 over ``<svix-id>.<svix-timestamp>.<body>``
keyed with the base64 part of the endpoint's ``whsec_...`` signing secret), which
is the Standard Webhooks scheme. This provider is :class:`StandardWebhooks` with
Resend's event types: the same verification, the same 300-second tolerance (the
Svix libraries' window), either way.

Body: ``{type, created_at, data}``; ``type`` is Resend's (``"email.delivered"``,
``"contact.created"``, ``"domain.updated"``), ``timestamp`` is ``created_at``.

Identity: the signed ``svix-id``, which Svix keeps when it retries a message, so
a retry is a duplicate; the type and everything else come from the signed body.
Replay: a captured request is refused once ``svix-timestamp`` is outside the
tolerance; within it, an idempotency store recognises the ``svix-id``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .._errors import PayloadError
from .._events import Event, JSONValue, Reader, constructor, to_datetime
from .._headers import Headers
from .standard_webhooks import StandardWebhooks, StandardWebhooksEvent, signed_id_and_time

__all__ = [
    "EmailBounced",
    "EmailClicked",
    "EmailFailed",
    "Resend",
    "ResendContactEvent",
    "ResendDomainEvent",
    "ResendEmailEvent",
    "ResendEvent",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class ResendEvent(StandardWebhooksEvent):
    """Any Resend event; ``id`` is the signed ``svix-id``, ``timestamp`` the body's ``created_at``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ResendEmailEvent(ResendEvent):
    """``email.*``: ``email.sent``, ``email.delivered``, ``email.delivery_delayed``,
    ``email.complained``, ``email.opened``, ... ``from_address`` is ``data.from``."""

    email_id: str | None = None
    from_address: str | None = None
    to: tuple[str, ...] = ()
    subject: str | None = None
    broadcast_id: str | None = None
    template_id: str | None = None
    tags: JSONValue = field(default=None, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class EmailBounced(ResendEmailEvent):
    """``email.bounced``: the recipient's server refused the email for good."""

    bounce_type: str | None = None
    bounce_sub_type: str | None = None
    bounce_message: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EmailClicked(ResendEmailEvent):
    """``email.clicked``: ``link`` was clicked."""

    link: str | None = None
    ip_address: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EmailFailed(ResendEmailEvent):
    """``email.failed``: Resend could not send it (``reason``, such as ``reached_daily_quota``)."""

    reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ResendContactEvent(ResendEvent):
    """``contact.created``, ``contact.updated``, ``contact.deleted``; ``contact_id`` is ``data.id``."""

    contact_id: str | None = None
    email: str | None = None
    audience_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    unsubscribed: bool | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ResendDomainEvent(ResendEvent):
    """``domain.created``, ``domain.updated``, ``domain.deleted``; ``domain_id`` is ``data.id``."""

    domain_id: str | None = None
    name: str | None = None
    status: str | None = None
    region: str | None = None
    records: tuple[JSONValue, ...] = field(default=(), repr=False)


_EXACT: dict[str, type[ResendEvent]] = {
    "email.bounced": EmailBounced,
    "email.clicked": EmailClicked,
    "email.failed": EmailFailed,
}
_FAMILY: dict[str, type[ResendEvent]] = {
    "email": ResendEmailEvent,
    "contact": ResendContactEvent,
    "domain": ResendDomainEvent,
}
# constructor(cls) makes the same instance as cls(...), faster (see _events.constructor).
_CLASSES: tuple[type[ResendEvent], ...] = (ResendEvent, *_EXACT.values(), *_FAMILY.values())
_NEW: dict[type[ResendEvent], Callable[..., ResendEvent]] = {cls: constructor(cls) for cls in _CLASSES}


def _strings(reader: Reader, key: str) -> tuple[str, ...]:
    """A list of strings (Resend's ``to``); a lone string reads as a list of one."""
    value = reader.raw(key)
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)  # type: ignore[arg-type]
    raise PayloadError(f"{reader.where}.{key} must be a string or an array of strings")


def resend_event(payload: JSONValue, headers: Headers) -> ResendEvent:
    """The typed event for one Resend body and its signed ``svix-id``/``svix-timestamp``.

    Raises:
        PayloadError: no ``type``, or a field of the wrong JSON type.
    """
    body = Reader(payload, "body")
    kind = body.kind("type")
    cls = _EXACT.get(kind) or _FAMILY.get(kind.partition(".")[0], ResendEvent)
    msg_id, stamp = signed_id_and_time(headers)
    data = body.child("data")
    fields: dict[str, object] = {
        "provider": "resend",
        "type": kind,
        "id": msg_id,
        "timestamp": body.time("created_at") or to_datetime(stamp),
        "payload": payload,
        "data": body.raw("data"),
    }
    if issubclass(cls, ResendEmailEvent):
        fields.update(
            email_id=data.text("email_id"),
            from_address=data.text("from"),
            to=_strings(data, "to"),
            subject=data.text("subject"),
            broadcast_id=data.text("broadcast_id"),
            template_id=data.text("template_id"),
            tags=data.raw("tags"),
        )
        if cls is EmailBounced:
            bounce = data.child("bounce")
            fields.update(
                bounce_type=bounce.text("type"),
                bounce_sub_type=bounce.text("subType"),
                bounce_message=bounce.text("message"),
            )
        elif cls is EmailClicked:
            click = data.child("click")
            fields.update(
                link=click.text("link"),
                ip_address=click.text("ipAddress"),
                user_agent=click.text("userAgent"),
            )
        elif cls is EmailFailed:
            fields["reason"] = data.child("failed").text("reason")
    elif cls is ResendContactEvent:
        fields.update(
            contact_id=data.text("id"),
            email=data.text("email"),
            audience_id=data.text("audience_id"),
            first_name=data.text("first_name"),
            last_name=data.text("last_name"),
            unsubscribed=data.boolean("unsubscribed"),
        )
    elif cls is ResendDomainEvent:
        records = data.raw("records")
        fields.update(
            domain_id=data.text("id"),
            name=data.text("name"),
            status=data.text("status"),
            region=data.text("region"),
            records=tuple(records) if isinstance(records, list) else (),
        )
    return _NEW[cls](**fields)


class Resend(StandardWebhooks):
    """Resend webhooks: Standard Webhooks (Svix) with Resend's typed events."""

    name = "resend"

    __slots__ = ()

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """One typed event; its id is the signed ``svix-id``."""
        return [resend_event(payload, headers)]

    def sign(self, body: bytes, *, now: float | None = None) -> dict[str, str]:
        """The ``svix-id``, ``svix-timestamp`` and ``svix-signature`` Resend would send."""
        return {
            name.replace("webhook-", "svix-", 1): value for name, value in super().sign(body, now=now).items()
        }
