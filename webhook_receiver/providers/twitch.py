"""Twitch EventSub webhooks: ``Twitch-Eventsub-Message-Signature: sha256=<hex>``.

The signature is the lowercase hex HMAC-SHA256, keyed with the ``secret`` given when
the subscription was created, over the ``Twitch-Eventsub-Message-Id`` header, the
``Twitch-Eventsub-Message-Timestamp`` header and the raw body, concatenated with no
separator, each header exactly as sent (Twitch, "Handling Webhook Events", Verifying
the event message). The timestamp is RFC 3339 with nanoseconds
(``2023-07-19T10:11:12.634234626Z``). Twitch asks receivers to reject messages
"older than 10 minutes": the default ``tolerance`` is 600 s, both ways. Twitch only
accepts a secret of 10 to 100 ASCII characters, so anything else is refused at
creation (``ConfigurationError``) rather than never verifying.

**Message types.** Twitch says which of its three messages a request is in the
``Twitch-Eventsub-Message-Type`` header, which is *not* signed. The body, which is,
says it as well, and only the body is trusted (the header is never read): a body
with ``challenge`` is a ``webhook_callback_verification``, one with ``event`` (or
``events``, a batch) a ``notification``, and one with only ``subscription`` a
``revocation``; a body with more than one of ``challenge``, ``event`` and ``events``
is refused (400). So a captured notification cannot be passed off as a verification,
or the reverse, by changing a header.

**Events.** A notification's ``type`` is its ``subscription.type``
(``"channel.follow"``, ``"stream.online"``); a verification's is
``"webhook_callback_verification"`` and a revocation's ``"revocation"`` (subscription
types always contain a dot, so neither can collide). Batched notifications
(``"events": [{"id": ..., "data": {...}}, ...]``, as ``drop.entitlement.grant`` sends
them) are one event per element, each with its element's ``id`` and a payload of its
own (``{"subscription": ..., "events": [element]}``), so a worker rebuilds it alone.
``timestamp`` is the signed message timestamp.

**Answers.** A ``webhook_callback_verification`` is answered with its ``challenge``
as the raw ``text/plain`` body and 200, as Twitch requires, after verification
(handlers may watch it: :class:`CallbackVerification`); notifications and
revocations get ``{"ok": true}`` (Twitch wants any 2XX, so a deferred receiver's 202
is fine).

**Identity and replays.** An event's ``id`` is the signed
``Twitch-Eventsub-Message-Id`` ("If Twitch resends the message, the message ID will
be the same"), or a batch element's own ``id``; identity is its type and that id,
so a resent message is a duplicate for an idempotency store, whatever its unsigned
headers say. The signed timestamp limits a replay to the tolerance; within it only
a store refuses one (Twitch's own advice: track the message ids you have seen).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from .._errors import ConfigurationError, PayloadError
from .._events import Event, JSONObject, JSONValue, Reader, constructor, rfc3339_time
from .._headers import Headers
from .._schemes import (
    NOTHING_SIGNED,
    Clock,
    HmacSignature,
    Keyring,
    SecretInput,
    Verified,
    encode_secret,
    map_secrets,
)
from ._base import ACKNOWLEDGED, Answer, EventHeaders, Provider

__all__ = [
    "NOTIFICATION",
    "REVOCATION",
    "TOLERANCE",
    "WEBHOOK_CALLBACK_VERIFICATION",
    "CallbackVerification",
    "ChannelCheer",
    "ChannelFollow",
    "ChannelPointsRedemption",
    "ChannelRaid",
    "ChannelSubscribe",
    "ChannelUpdate",
    "DropEntitlementGrant",
    "Notification",
    "Revocation",
    "StreamOffline",
    "StreamOnline",
    "Twitch",
    "TwitchEvent",
]

NOTIFICATION = "notification"
"""The ``message_type`` of an event notification."""

WEBHOOK_CALLBACK_VERIFICATION = "webhook_callback_verification"
"""The ``message_type`` (and ``type``) of the challenge Twitch sends a new subscription."""

REVOCATION = "revocation"
"""The ``message_type`` (and ``type``) of a revoked subscription's last message."""

TOLERANCE = 600.0
"""Seconds a message's signed timestamp may differ from now: Twitch's "10 minutes"."""

MESSAGE_ID = "Twitch-Eventsub-Message-Id"
MESSAGE_TIMESTAMP = "Twitch-Eventsub-Message-Timestamp"
MESSAGE_SIGNATURE = "Twitch-Eventsub-Message-Signature"


@dataclass(frozen=True, slots=True, kw_only=True)
class TwitchEvent(Event):
    """Any EventSub message. ``id`` is the signed message id, ``timestamp`` the signed
    message time; ``message_type`` is ``"notification"``, ``"webhook_callback_verification"``
    or ``"revocation"`` (read from the body); ``subscription`` is the body's subscription
    object and ``subscription_id``, ``subscription_type``, ``subscription_version``,
    ``subscription_status`` and ``condition`` its fields."""

    message_type: str
    subscription_id: str | None = None
    subscription_type: str | None = None
    subscription_version: str | None = None
    subscription_status: str | None = None
    condition: JSONObject = field(default_factory=dict, repr=False)
    subscription: JSONObject = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class CallbackVerification(TwitchEvent):
    """``webhook_callback_verification``: Twitch checking a new subscription's callback.

    The provider answers it with ``challenge``; handlers need do nothing.
    """

    challenge: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Revocation(TwitchEvent):
    """``revocation``: Twitch revoked the subscription; ``subscription_status`` says why
    (``"user_removed"``, ``"authorization_revoked"``, ``"notification_failures_exceeded"``,
    ``"version_removed"``, ...)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Notification(TwitchEvent):
    """A notification; types without a class of their own arrive as this.

    ``event`` is the body's ``event`` object (a batch element's ``data``), and the
    ``broadcaster_user_*`` fields its broadcaster's, where it names one.
    """

    event: JSONObject = field(default_factory=dict, repr=False)
    broadcaster_user_id: str | None = None
    broadcaster_user_login: str | None = None
    broadcaster_user_name: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class StreamOnline(Notification):
    """``stream.online``: the stream's ``stream_id``, ``stream_type`` (``"live"``, ...) and ``started_at``."""

    stream_id: str | None = None
    stream_type: str | None = None
    started_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class StreamOffline(Notification):
    """``stream.offline``: the broadcaster's stream ended."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelFollow(Notification):
    """``channel.follow``: ``user_*`` followed the broadcaster at ``followed_at``."""

    user_id: str | None = None
    user_login: str | None = None
    user_name: str | None = None
    followed_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelSubscribe(Notification):
    """``channel.subscribe``: ``user_*`` subscribed at ``tier`` (``"1000"``, ``"2000"``,
    ``"3000"``); ``is_gift`` when someone else paid."""

    user_id: str | None = None
    user_login: str | None = None
    user_name: str | None = None
    tier: str | None = None
    is_gift: bool | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelCheer(Notification):
    """``channel.cheer``: ``bits`` cheered with ``message``; ``user_*`` are ``None`` when
    ``is_anonymous``."""

    is_anonymous: bool | None = None
    user_id: str | None = None
    user_login: str | None = None
    user_name: str | None = None
    message: str | None = None
    bits: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelRaid(Notification):
    """``channel.raid``: ``from_broadcaster_*`` raided ``to_broadcaster_*`` with ``viewers``."""

    from_broadcaster_user_id: str | None = None
    from_broadcaster_user_login: str | None = None
    from_broadcaster_user_name: str | None = None
    to_broadcaster_user_id: str | None = None
    to_broadcaster_user_login: str | None = None
    to_broadcaster_user_name: str | None = None
    viewers: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelUpdate(Notification):
    """``channel.update``: the channel's new ``title``, ``language``, ``category_id``,
    ``category_name`` and ``content_classification_labels``."""

    title: str | None = None
    language: str | None = None
    category_id: str | None = None
    category_name: str | None = None
    content_classification_labels: list[JSONValue] = field(default_factory=list, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelPointsRedemption(Notification):
    """``channel.channel_points_custom_reward_redemption.add`` (and ``.update``): ``user_*``
    redeemed ``reward`` (``id``, ``title``, ``cost``, ``prompt``) with ``user_input``;
    ``redemption_id`` is the event's ``id``, ``status`` ``"unfulfilled"``, ``"fulfilled"``, ..."""

    redemption_id: str | None = None
    user_id: str | None = None
    user_login: str | None = None
    user_name: str | None = None
    user_input: str | None = None
    status: str | None = None
    reward: JSONObject = field(default_factory=dict, repr=False)
    redeemed_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DropEntitlementGrant(Notification):
    """``drop.entitlement.grant``, one element of its batch: ``id`` is the element's ``id``,
    ``event`` its ``data``; ``user_id``, ``entitlement_id``, ``benefit_id``, ``campaign_id``,
    ``category_id``, ``organization_id`` and ``created_at`` are read from it."""

    organization_id: str | None = None
    category_id: str | None = None
    category_name: str | None = None
    campaign_id: str | None = None
    user_id: str | None = None
    user_login: str | None = None
    user_name: str | None = None
    entitlement_id: str | None = None
    benefit_id: str | None = None
    created_at: datetime | None = None


# The same instances as TwitchEvent(...), ..., faster (see _events.constructor).
_new_verification = constructor(CallbackVerification)
_new_revocation = constructor(Revocation)
_new_notification = constructor(Notification)
_new_online = constructor(StreamOnline)
_new_offline = constructor(StreamOffline)
_new_follow = constructor(ChannelFollow)
_new_subscribe = constructor(ChannelSubscribe)
_new_cheer = constructor(ChannelCheer)
_new_raid = constructor(ChannelRaid)
_new_update = constructor(ChannelUpdate)
_new_redemption = constructor(ChannelPointsRedemption)
_new_drop = constructor(DropEntitlementGrant)


def _twitch_secret(value: object) -> bytes:
    """A subscription secret as Twitch accepts it: 10 to 100 ASCII characters."""
    key = encode_secret(value, "secret")
    if not (10 <= len(key) <= 100 and key.isascii()):
        raise ConfigurationError("secret must be 10 to 100 ASCII characters, as Twitch requires")
    return key


class Twitch(Provider):
    """Twitch EventSub webhooks: notifications, the callback verification (answered with
    its challenge) and revocations, told apart by the signed body (see the module)."""

    name = "twitch"
    signature_header = MESSAGE_SIGNATURE
    max_batch = 1000  # Twitch documents no bound for batched types; none is enforced

    __slots__ = ()

    def __init__(
        self, *, secret: SecretInput, tolerance: float = TOLERANCE, clock: Clock | None = None
    ) -> None:
        """Args:
        secret: the ``transport.secret`` the subscriptions were created with (10 to 100
            ASCII characters), or several during a rotation.
        tolerance: seconds the signed timestamp may differ from now, either way
            (Twitch: reject messages older than 10 minutes).
        """
        scheme = HmacSignature(
            Keyring(map_secrets(secret, "secret", _twitch_secret), "sha256"),
            header=MESSAGE_SIGNATURE,
            prefix="sha256=",
            timestamp_header=MESSAGE_TIMESTAMP,
            payload="{id}{timestamp}{body}",
            tolerance=tolerance,
            timestamp_unit="rfc3339",
            signed_headers={"id": MESSAGE_ID},
            message_id="id",
        )
        super().__init__(scheme, clock=clock)

    def claimed(self, headers: Headers) -> Verified:
        """The message id and timestamp the headers carry, read as verification reads them."""
        message_id = cast(HmacSignature, self._scheme).claimed_message_id(headers)
        stamps = headers.getlist(MESSAGE_TIMESTAMP)
        timestamp = stamps[0] if len(stamps) == 1 and stamps[0] else None
        if message_id is None and timestamp is None:
            return NOTHING_SIGNED
        return Verified(timestamp=timestamp, message_id=message_id)

    def event_headers(self, headers: Headers, verified: Verified = NOTHING_SIGNED) -> EventHeaders:
        """The signed message id and timestamp, as verified; no unsigned header."""
        pairs: list[tuple[str, str]] = []
        if verified.message_id is not None:
            pairs.append((MESSAGE_ID, verified.message_id))
        if verified.timestamp is not None:
            pairs.append((MESSAGE_TIMESTAMP, verified.timestamp))
        return tuple(pairs)

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """One event per message; one per element of a batch (``events``)."""
        body = Reader(payload, "body")
        data = body.data
        challenge, single, batch = "challenge" in data, "event" in data, "events" in data
        if challenge + single + batch > 1:
            present = [key for key in ("challenge", "event", "events") if key in data]
            raise PayloadError(f"body has {' and '.join(present)}: which message is it?")
        subscription = body.child("subscription")
        if not subscription.data:
            raise PayloadError("body.subscription is missing")
        ids = headers.getlist(MESSAGE_ID)
        stamps = headers.getlist(MESSAGE_TIMESTAMP)
        base = _base_fields(
            subscription,
            ids[0] if len(ids) == 1 and ids[0] else None,
            rfc3339_time(stamps[0]) if len(stamps) == 1 else None,
            payload,
        )
        if challenge:
            return [
                _new_verification(
                    provider="twitch",
                    type=WEBHOOK_CALLBACK_VERIFICATION,
                    message_type=WEBHOOK_CALLBACK_VERIFICATION,
                    challenge=body.kind("challenge"),
                    **base,
                )
            ]
        if single:
            return [_notification(base, subscription.kind("type"), body.child("event"))]
        if batch:
            return self._batch(base, subscription, body)
        return [_new_revocation(provider="twitch", type=REVOCATION, message_type=REVOCATION, **base)]

    def _batch(self, base: dict[str, Any], subscription: Reader, body: Reader) -> list[Event]:
        kind = subscription.kind("type")
        elements = body.raw("events")
        if not isinstance(elements, list):
            raise PayloadError("body.events must be an array")
        if not elements:
            raise PayloadError("body.events is empty")
        events: list[Event] = []
        for index, element in enumerate(elements):
            item = Reader(element, "body.events", index)
            own = {
                **base,
                "id": item.required_text("id"),
                "payload": {"subscription": subscription.data, "events": [element]},
            }
            events.append(_notification(own, kind, item.child("data")))
        return events

    def answer(self, events: Sequence[Event]) -> JSONObject | Answer | None:
        """The ``challenge`` as ``text/plain`` (200) for a callback verification;
        ``{"ok": true}`` otherwise."""
        for event in events:
            if isinstance(event, CallbackVerification):
                return Answer.text(event.challenge, status=200)
        return ACKNOWLEDGED


def _base_fields(
    subscription: Reader, message_id: str | None, sent: datetime | None, payload: JSONValue
) -> dict[str, Any]:
    """The fields every event of one message shares (keyword arguments of any :class:`TwitchEvent`)."""
    return {
        "id": message_id,
        "timestamp": sent,
        "payload": payload,
        "subscription_id": subscription.text("id"),
        "subscription_type": subscription.text("type"),
        "subscription_version": subscription.text("version"),
        "subscription_status": subscription.text("status"),
        "condition": subscription.mapping("condition"),
        "subscription": subscription.data,
    }


def _notification(shared: dict[str, Any], kind: str, event: Reader) -> Notification:
    """The typed notification of ``kind`` for one ``event`` object (``shared``: its
    message's :func:`_base_fields`, which this takes over)."""
    base = shared
    base.update(
        provider="twitch",
        type=kind,
        message_type=NOTIFICATION,
        event=event.data,
        broadcaster_user_id=event.text("broadcaster_user_id"),
        broadcaster_user_login=event.text("broadcaster_user_login"),
        broadcaster_user_name=event.text("broadcaster_user_name"),
    )
    if kind == "stream.online":
        return _new_online(
            stream_id=event.text("id"),
            stream_type=event.text("type"),
            started_at=event.time("started_at"),
            **base,
        )
    if kind == "stream.offline":
        return _new_offline(**base)
    if kind == "channel.follow":
        return _new_follow(followed_at=event.time("followed_at"), **_user(event), **base)
    if kind == "channel.subscribe":
        return _new_subscribe(
            tier=event.text("tier"), is_gift=event.boolean("is_gift"), **_user(event), **base
        )
    if kind == "channel.cheer":
        return _new_cheer(
            is_anonymous=event.boolean("is_anonymous"),
            message=event.text("message"),
            bits=event.integer("bits"),
            **_user(event),
            **base,
        )
    if kind == "channel.raid":
        return _new_raid(
            from_broadcaster_user_id=event.text("from_broadcaster_user_id"),
            from_broadcaster_user_login=event.text("from_broadcaster_user_login"),
            from_broadcaster_user_name=event.text("from_broadcaster_user_name"),
            to_broadcaster_user_id=event.text("to_broadcaster_user_id"),
            to_broadcaster_user_login=event.text("to_broadcaster_user_login"),
            to_broadcaster_user_name=event.text("to_broadcaster_user_name"),
            viewers=event.integer("viewers"),
            **base,
        )
    if kind == "channel.update":
        labels = event.raw("content_classification_labels")
        if labels is not None and not isinstance(labels, list):
            raise PayloadError(f"{event.where}.content_classification_labels must be an array")
        return _new_update(
            title=event.text("title"),
            language=event.text("language"),
            category_id=event.text("category_id"),
            category_name=event.text("category_name"),
            content_classification_labels=labels or [],
            **base,
        )
    if kind.startswith("channel.channel_points_custom_reward_redemption."):
        return _new_redemption(
            redemption_id=event.text("id"),
            user_input=event.text("user_input"),
            status=event.text("status"),
            reward=event.mapping("reward"),
            redeemed_at=event.time("redeemed_at"),
            **_user(event),
            **base,
        )
    if kind == "drop.entitlement.grant":
        return _new_drop(
            organization_id=event.text("organization_id"),
            category_id=event.text("category_id"),
            category_name=event.text("category_name"),
            campaign_id=event.text("campaign_id"),
            entitlement_id=event.text("entitlement_id"),
            benefit_id=event.text("benefit_id"),
            created_at=event.time("created_at"),
            **_user(event),
            **base,
        )
    return _new_notification(**base)


def _user(event: Reader) -> dict[str, Any]:
    return {
        "user_id": event.text("user_id"),
        "user_login": event.text("user_login"),
        "user_name": event.text("user_name"),
    }
