"""Courier: outbound event webhooks (``courier``) and the Webhook channel (``courier-channel``).

Event webhooks carry ``courier-signature: t=<timestamp>,signature=<hex>``, where the
signature is HMAC-SHA256(secret, timestamp-as-sent + raw body) with no separator.
Courier's published example timestamp, ``1631816343012``, is in *milliseconds*, so the
timestamp's unit is decided by its size: values of 10**11 or more are milliseconds
(10**11 seconds would be the year 5138), smaller ones are seconds. Either way the
signed bytes are the timestamp exactly as sent.

Identity: a ``message:updated`` is its message (``data.id``) at one status; other
event webhooks are their payload; all from the signed body. The ``t=`` timestamp is
signed too: a captured request is refused once it is older than the tolerance.

The Webhook channel (Courier delivering a notification to your URL) authenticates
with HTTP Basic or Bearer credentials configured on the integration or per
recipient profile. Credentials sign nothing: the channel's events are identified by
their payload, and a captured request (with its credentials) can be replayed at
any time, so pair it with an idempotency store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .._errors import VerificationError
from .._events import (
    CUSTOM,
    MAX_TIMESTAMP_DIGITS,
    Event,
    JSONObject,
    JSONValue,
    OpenEnum,
    Reader,
    constructor,
    event_builder,
    member,
    member_field,
    required_text_field,
    text_field,
    time_field,
    to_datetime,
)
from .._headers import Headers
from .._schemes import (
    DEFAULT_TOLERANCE,
    NOTHING_SIGNED,
    Clock,
    KeyedListSignature,
    Keyring,
    SecretInput,
    Verified,
    encode_secrets,
)
from ._base import Credentials, EventHeaders, Provider, auth_scheme

__all__ = [
    "AudienceCalculated",
    "AudienceEvent",
    "AudienceUpdated",
    "AudienceUserEvent",
    "AudienceUserMatched",
    "AudienceUserUnmatched",
    "ChannelDelivery",
    "ChannelEvent",
    "Courier",
    "CourierChannel",
    "CourierEvent",
    "Message",
    "MessageStatus",
    "MessageUpdated",
    "NotificationEvent",
    "NotificationPublished",
    "NotificationSubmissionCanceled",
    "NotificationSubmitted",
]


class MessageStatus(OpenEnum):
    """A Courier message's status; an email goes ENQUEUED -> SENT -> DELIVERED -> OPENED."""

    ENQUEUED = "ENQUEUED"
    SENT = "SENT"
    DELIVERED = "DELIVERED"
    OPENED = "OPENED"
    CLICKED = "CLICKED"
    UNDELIVERABLE = "UNDELIVERABLE"
    UNMAPPED = "UNMAPPED"
    UNROUTABLE = "UNROUTABLE"
    NOT_ROUTED = "NOT_ROUTED"
    CANCELED = "CANCELED"
    SIMULATED = "SIMULATED"


@dataclass(frozen=True, slots=True, kw_only=True)
class Message:
    """The message object of ``message:updated`` (as ``GET /messages/:id`` returns it).

    Courier's times are unix milliseconds; they are ``datetime`` (UTC) here.
    """

    id: str
    status: MessageStatus
    recipient: str | None = None
    event: str | None = None
    notification: str | None = None
    enqueued: datetime | None = None
    sent: datetime | None = None
    delivered: datetime | None = None
    opened: datetime | None = None
    clicked: datetime | None = None
    error: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CourierEvent(Event):
    """Any Courier event webhook ``{type, data}``; unknown types arrive as this class.

    ``timestamp`` is the signed ``t=`` of the ``courier-signature`` header, when present.
    """

    data: JSONObject = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageUpdated(CourierEvent):
    """``message:updated``: a message changed status."""

    message: Message


@dataclass(frozen=True, slots=True, kw_only=True)
class NotificationEvent(CourierEvent):
    """A notification template submission-workflow event."""

    notification_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NotificationSubmitted(NotificationEvent):
    """``notification:submitted``: a template was submitted for review."""


@dataclass(frozen=True, slots=True, kw_only=True)
class NotificationSubmissionCanceled(NotificationEvent):
    """``notification:submission_canceled``: a submission was withdrawn."""


@dataclass(frozen=True, slots=True, kw_only=True)
class NotificationPublished(NotificationEvent):
    """``notification:published``: a template version was published."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AudienceEvent(CourierEvent):
    """An ``audiences:*`` event."""

    audience_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AudienceUpdated(AudienceEvent):
    """``audiences:updated``: an audience's definition changed."""

    name: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AudienceUserEvent(AudienceEvent):
    """A user entered or left an audience."""

    user_id: str | None = None
    audience_version: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AudienceUserMatched(AudienceUserEvent):
    """``audiences:user:matched``: a user now matches the audience."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AudienceUserUnmatched(AudienceUserEvent):
    """``audiences:user:unmatched``: a user no longer matches the audience."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AudienceCalculated(AudienceEvent):
    """``audiences:calculated``: Courier finished computing an audience's members."""

    total_users_matched: int | None = None


# constructor(cls) makes the same instance as cls(...), without a frozen dataclass's
# per-field object.__setattr__ (see _events.constructor).
_new_message = constructor(Message)
_new_message_updated = constructor(MessageUpdated)
_new_audience_updated = constructor(AudienceUpdated)
_new_audience_calculated = constructor(AudienceCalculated)
_new_courier_event = constructor(CourierEvent)


def _message(data: JSONObject) -> Message:
    # Every message:updated reads these: the usual case (a string, a time, or absent)
    # inline, and a Reader made only for a field that needs its conversion or its
    # error (it reads that field again), in the same order, so the first bad one is
    # reported.
    get = data.get
    message_id = get("id")
    if type(message_id) is not str or not message_id:
        message_id = Reader(data, "body.data").required_text("id")
    status = get("status")
    if type(status) is not str or not status:
        status = Reader(data, "body.data").required_text("status")
    recipient = get("recipient")
    if recipient is not None and type(recipient) is not str:
        recipient = Reader(data, "body.data").text("recipient")
    event = get("event")
    if event is not None and type(event) is not str:
        event = Reader(data, "body.data").text("event")
    notification = get("notification")
    if notification is not None and type(notification) is not str:
        notification = Reader(data, "body.data").text("notification")
    time = get("enqueued")
    enqueued = None if time is None else to_datetime(time) or Reader(data, "body.data").time("enqueued")
    time = get("sent")
    sent = None if time is None else to_datetime(time) or Reader(data, "body.data").time("sent")
    time = get("delivered")
    delivered = None if time is None else to_datetime(time) or Reader(data, "body.data").time("delivered")
    time = get("opened")
    opened = None if time is None else to_datetime(time) or Reader(data, "body.data").time("opened")
    time = get("clicked")
    clicked = None if time is None else to_datetime(time) or Reader(data, "body.data").time("clicked")
    error = get("error")
    if error is not None and type(error) is not str:
        error = Reader(data, "body.data").text("error")
    reason = get("reason")
    if reason is not None and type(reason) is not str:
        reason = Reader(data, "body.data").text("reason")
    return _new_message(
        id=message_id,
        status=member(MessageStatus, status),
        recipient=recipient,
        event=event,
        notification=notification,
        enqueued=enqueued,
        sent=sent,
        delivered=delivered,
        opened=opened,
        clicked=clicked,
        error=error,
        reason=reason,
    )


# _message for the usual object, compiled (event_builder): the same Message, or
# _message's answer. Every status has the one shape (the default).
_build_message = event_builder(
    _message,
    provider="courier",
    kind="status",
    shapes={},
    default=(
        Message,
        {
            "id": required_text_field("id"),
            "status": member_field(MessageStatus, "status", required=True),
            **{name: text_field(name) for name in ("recipient", "event", "notification", "error", "reason")},
            **{name: time_field(name) for name in ("enqueued", "sent", "delivered", "opened", "clicked")},
        },
    ),
)


_NOTIFICATIONS: dict[str, type[NotificationEvent]] = {
    "notification:submitted": NotificationSubmitted,
    "notification:submission_canceled": NotificationSubmissionCanceled,
    "notification:published": NotificationPublished,
}
_AUDIENCE_USERS: dict[str, type[AudienceUserEvent]] = {
    "audiences:user:matched": AudienceUserMatched,
    "audiences:user:unmatched": AudienceUserUnmatched,
}
_NEW_NOTIFICATION = {
    "notification:submitted": constructor(NotificationSubmitted),
    "notification:submission_canceled": constructor(NotificationSubmissionCanceled),
    "notification:published": constructor(NotificationPublished),
}
_NEW_AUDIENCE_USER = {
    "audiences:user:matched": constructor(AudienceUserMatched),
    "audiences:user:unmatched": constructor(AudienceUserUnmatched),
}


def courier_event(payload: JSONValue, timestamp: datetime | None = None) -> CourierEvent:
    """The typed event for one Courier event-webhook body."""
    # Every request reads these: the usual case (a string, an object, or absent) inline,
    # and a Reader made only for a field that needs its conversion or its error (it
    # reads that field again), in the same order, so the first bad one is reported.
    body = payload if type(payload) is dict else Reader(payload, "body").data
    kind = body.get("type")
    if type(kind) is not str or not kind:
        kind = Reader(body, "body").kind("type")
    fields = body.get("data")
    if type(fields) is not dict:
        fields = Reader(body, "body").mapping("data")
    audience_id = fields.get("audience_id")
    if audience_id is not None and type(audience_id) is not str:
        audience_id = Reader(fields, "body.data").text("audience_id")
    if not audience_id:
        audience_id = fields.get("id")
        if audience_id is not None and type(audience_id) is not str:
            audience_id = Reader(fields, "body.data").text("id")
    if kind == "message:updated":
        return _new_message_updated(
            provider="courier",
            type=kind,
            timestamp=timestamp,
            payload=payload,
            data=fields,
            message=_build_message(fields),
        )
    data = Reader(fields, "body.data")  # body.child("data"), without formatting the name
    if kind in _NOTIFICATIONS:
        notification_id = data.text("notification_id") or data.text("id")
        return _NEW_NOTIFICATION[kind](
            provider="courier",
            type=kind,
            timestamp=timestamp,
            payload=payload,
            data=fields,
            notification_id=notification_id,
        )
    if kind in _AUDIENCE_USERS:
        return _NEW_AUDIENCE_USER[kind](
            provider="courier",
            type=kind,
            timestamp=timestamp,
            payload=payload,
            data=fields,
            audience_id=audience_id,
            user_id=data.text("user_id"),
            audience_version=data.integer("audience_version"),
        )
    if kind == "audiences:updated":
        return _new_audience_updated(
            provider="courier",
            type=kind,
            timestamp=timestamp,
            payload=payload,
            data=fields,
            audience_id=audience_id,
            name=data.text("name"),
            description=data.text("description"),
        )
    if kind == "audiences:calculated":
        return _new_audience_calculated(
            provider="courier",
            type=kind,
            timestamp=timestamp,
            payload=payload,
            data=fields,
            audience_id=audience_id,
            total_users_matched=data.integer("total_users_matched"),
        )
    return _new_courier_event(
        provider="courier", type=kind, timestamp=timestamp, payload=payload, data=fields
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelEvent(Event):
    """A Courier Webhook-channel delivery whose body was replaced by a provider override.

    ``type`` is ``"custom"`` unless the replacement body has a string ``"event"``;
    ``payload`` is whatever JSON the override sent.
    """


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelDelivery(ChannelEvent):
    """A notification delivered by Courier's Webhook channel: ``{event, recipient, profile, data}``.

    ``type`` is the notification's event id (``"MY_EVENT"``). ``profile`` holds what
    was passed to the send call (``limited``) or merged from the profile store
    (``expanded``).
    """

    recipient: str | None = None
    profile: JSONObject = field(default_factory=dict, repr=False)
    data: JSONObject = field(default_factory=dict, repr=False)


_new_channel_delivery = constructor(ChannelDelivery)
_new_channel_event = constructor(ChannelEvent)


def channel_event(payload: JSONValue) -> ChannelEvent:
    """The event for one Courier Webhook-channel body (standard or overridden)."""
    if isinstance(payload, dict) and isinstance(payload.get("event"), str) and payload.get("event"):
        body = Reader(payload, "body")
        if "recipient" in payload or "data" in payload or "profile" in payload:
            return _new_channel_delivery(
                provider="courier-channel",
                type=body.kind("event"),
                payload=payload,
                recipient=body.text("recipient"),
                profile=body.mapping("profile"),
                data=body.mapping("data"),
            )
        return _new_channel_event(provider="courier-channel", type=body.kind("event"), payload=payload)
    return _new_channel_event(provider="courier-channel", type=CUSTOM, payload=payload)


class Courier(Provider):
    """Courier's outbound event webhooks (``message:updated``, ``notification:*``, ``audiences:*``)."""

    name = "courier"
    signature_header = "courier-signature"
    accepted_status = 200  # Courier's docs: "Send a successful 200 response ... as quickly as possible"

    __slots__ = ("_keyed",)

    def __init__(
        self, *, secret: SecretInput, tolerance: float = DEFAULT_TOLERANCE, clock: Clock | None = None
    ) -> None:
        """Args:
        secret: the endpoint's signing secret, or several during a rotation.
        tolerance: seconds the signed timestamp may differ from now, either way.
        clock: returns unix seconds; defaults to ``time.time``.
        """
        self._keyed = KeyedListSignature(
            Keyring(encode_secrets(secret, "secret"), "sha256"),
            header=self.signature_header,
            entry_label="signature",
            separator=b"",
            tolerance=tolerance,
            timestamp_unit="auto",
        )
        super().__init__(self._keyed, clock=clock)

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """One typed event; ``timestamp`` is the signed ``t=``, when there is one."""
        return [courier_event(payload, _signed_time(headers))]

    def claimed(self, headers: Headers) -> Verified:
        """The ``t=`` of ``courier-signature``, read as verification reads it."""
        values = headers.getlist(self.signature_header)
        if len(values) != 1:
            return NOTHING_SIGNED
        try:
            timestamp, _ = self._keyed.read(values[0])
        except VerificationError:
            return NOTHING_SIGNED
        return Verified(timestamp=timestamp)

    def event_headers(self, headers: Headers, verified: Verified = NOTHING_SIGNED) -> EventHeaders:
        """Only the signed time, as ``courier-signature: t=<t>``: the signature itself is not kept."""
        return () if verified.timestamp is None else ((self.signature_header, f"t={verified.timestamp}"),)

    def identity(self, event: Event) -> str:
        """A ``message:updated`` is its message at one status; others are their payload."""
        if isinstance(event, MessageUpdated):
            return f"{event.type}\0message:{event.message.id}:{event.message.status.value}"
        return super().identity(event)  # no id of its own: its type and payload


def _signed_time(headers: Headers) -> datetime | None:
    """The time of the ``courier-signature: t=<t>`` event header, or ``None``."""
    values = headers.getlist(Courier.signature_header)
    text = values[0].removeprefix("t=") if len(values) == 1 else None
    # The signed timestamp as verification reads it (ASCII digits, milliseconds from
    # 10**11 on); anything else is None, not an error: here it is only a hint.
    if text is None or len(text) > MAX_TIMESTAMP_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    # to_datetime tells milliseconds from seconds itself, by the same rule
    return to_datetime(int(text))


class CourierChannel(Provider):
    """Courier's Webhook channel: a notification delivered to your URL with Basic or Bearer auth."""

    name = "courier-channel"
    # A provider override may change the method (the documented example uses PUT).
    methods = ("POST", "PUT", "PATCH")

    __slots__ = ()

    def __init__(
        self,
        *,
        auth: str | None = None,
        username: str | bytes | None = None,
        password: str | bytes | None = None,
        credentials: Credentials | None = None,
        token: SecretInput | None = None,
        clock: Clock | None = None,
    ) -> None:
        """Args:
        auth: ``"basic"``, ``"bearer"`` or ``"none"``; inferred from the other options
            when left out, except ``"none"``, which must be said explicitly.
        username, password: the Basic credentials.
        credentials: several ``(username, password)`` pairs, for rotation.
        token: the Bearer token, or several.
        """
        scheme = auth_scheme(
            self.name,
            auth,
            ("basic", "bearer", "none"),
            username=username,
            password=password,
            credentials=credentials,
            token=token,
        )
        assert scheme is not None  # every allowed auth is built by auth_scheme
        super().__init__(scheme, clock=clock)

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """One delivery, or a custom event when an override replaced the body."""
        return [channel_event(payload)]
