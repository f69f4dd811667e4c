"""Paddle Billing: ``Paddle-Signature: ts=<unix s>;h1=<hex>`` over ``<ts>:<body>``.

What Paddle documents (developer.paddle.com, "Verify webhook signatures"; the
official SDKs' ``PaddleSignature``/``WebhooksValidator``):

- the ``Paddle-Signature`` header holds ``ts=<unix seconds>`` and one or more
  ``h1=<hex HMAC-SHA256>`` entries separated by ``;`` (several ``h1`` while a
  secret is being rotated); other keys (a future ``h2``) are skipped here, as the
  Node SDK skips them;
- the MAC is over ``<ts>:<raw body>``, keyed with the notification destination's
  secret key (``pdl_ntfset_...``) used exactly as Paddle shows it;
- "the SDK helper methods enforce a five-second timestamp tolerance by default to
  protect against replay attacks; manual implementations should apply the same
  check" (Paddle's docs; the Python SDK's ``Verifier(maximum_variance=5)``).

Decision: the default ``tolerance`` is Paddle's own 5 seconds, checked both ways
(the SDKs only refuse old timestamps). Five seconds assumes a clock kept by NTP; a
receiver behind a slow queue or with a drifting clock can widen it with
``tolerance=``. Paddle asks for "an HTTP 200 status code within five seconds", so
a deferred receiver answers 200 (:attr:`Paddle.accepted_status`).

Identity: the event's type and ``event_id`` (``evt_...``) from the signed body.
Paddle's docs tell receivers to deduplicate on ``event_id``: every notification of
one event (each destination's, each retry, a replay) carries it, while
``notification_id`` is per destination. So a retry is a duplicate. Replay: a
captured request is refused once its ``ts`` is more than the tolerance away from
now; within that window an idempotency store recognises the ``event_id``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from .._events import Event, JSONObject, JSONValue, OpenEnum, Reader, constructor, member
from .._headers import Headers
from .._schemes import Clock, KeyedListSignature, Keyring, SecretInput, encode_secrets
from ._base import Provider

__all__ = [
    "CustomerCreated",
    "Paddle",
    "PaddleCustomerEvent",
    "PaddleEvent",
    "PaddleSubscriptionEvent",
    "PaddleTransactionEvent",
    "SubscriptionCanceled",
    "SubscriptionCreated",
    "SubscriptionStatus",
    "SubscriptionUpdated",
    "TransactionCompleted",
    "TransactionStatus",
]

DEFAULT_TOLERANCE = 5.0
"""Paddle's own: its SDKs refuse a ``ts`` more than five seconds old."""


class TransactionStatus(OpenEnum):
    """A transaction's ``status``; statuses Paddle adds later arrive with ``known == False``."""

    DRAFT = "draft"
    READY = "ready"
    BILLED = "billed"
    PAID = "paid"
    COMPLETED = "completed"
    CANCELED = "canceled"
    PAST_DUE = "past_due"


class SubscriptionStatus(OpenEnum):
    """A subscription's ``status``; statuses Paddle adds later arrive with ``known == False``."""

    ACTIVE = "active"
    CANCELED = "canceled"
    PAST_DUE = "past_due"
    PAUSED = "paused"
    TRIALING = "trialing"


@dataclass(frozen=True, slots=True, kw_only=True)
class PaddleEvent(Event):
    """Any Paddle notification ``{event_id, event_type, occurred_at, notification_id, data}``.

    ``id`` is ``event_id``, ``type`` is ``event_type`` (``"transaction.completed"``),
    ``timestamp`` is ``occurred_at``; ``data`` is the entity the event is about and
    ``entity_id`` its ``id`` (``txn_...``, ``sub_...``, ``ctm_...``).
    """

    notification_id: str | None = None
    entity_id: str | None = None
    data: JSONObject = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class PaddleTransactionEvent(PaddleEvent):
    """A ``transaction.*`` event; ``data`` is the transaction."""

    status: TransactionStatus | None = None
    customer_id: str | None = None
    subscription_id: str | None = None
    invoice_number: str | None = None
    currency_code: str | None = None
    origin: str | None = None
    billed_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TransactionCompleted(PaddleTransactionEvent):
    """``transaction.completed``: paid, and Paddle has finished processing it."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PaddleSubscriptionEvent(PaddleEvent):
    """A ``subscription.*`` event; ``data`` is the subscription."""

    status: SubscriptionStatus | None = None
    customer_id: str | None = None
    currency_code: str | None = None
    next_billed_at: datetime | None = None
    canceled_at: datetime | None = None
    scheduled_change: JSONObject | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SubscriptionCreated(PaddleSubscriptionEvent):
    """``subscription.created``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SubscriptionUpdated(PaddleSubscriptionEvent):
    """``subscription.updated``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SubscriptionCanceled(PaddleSubscriptionEvent):
    """``subscription.canceled``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PaddleCustomerEvent(PaddleEvent):
    """A ``customer.*`` event; ``data`` is the customer."""

    email: str | None = None
    name: str | None = None
    status: str | None = None
    locale: str | None = None
    marketing_consent: bool | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomerCreated(PaddleCustomerEvent):
    """``customer.created``."""


_EXACT: dict[str, type[PaddleEvent]] = {
    "transaction.completed": TransactionCompleted,
    "subscription.created": SubscriptionCreated,
    "subscription.updated": SubscriptionUpdated,
    "subscription.canceled": SubscriptionCanceled,
    "customer.created": CustomerCreated,
}
_FAMILY: dict[str, type[PaddleEvent]] = {
    "transaction": PaddleTransactionEvent,
    "subscription": PaddleSubscriptionEvent,
    "customer": PaddleCustomerEvent,
}
# constructor(cls) makes the same instance as cls(...), faster (see _events.constructor).
_CLASSES: tuple[type[PaddleEvent], ...] = (PaddleEvent, *_EXACT.values(), *_FAMILY.values())
_NEW: dict[type[PaddleEvent], Callable[..., PaddleEvent]] = {cls: constructor(cls) for cls in _CLASSES}


def _optional_mapping(reader: Reader, key: str) -> JSONObject | None:
    return reader.mapping(key) if reader.raw(key) is not None else None


def paddle_event(payload: JSONValue) -> PaddleEvent:
    """The typed event for one Paddle notification body.

    Raises:
        PayloadError: not a notification: no ``event_id`` or ``event_type``, or a
            documented field of the wrong JSON type.
    """
    body = Reader(payload, "body")
    kind = body.kind("event_type")
    family = kind.partition(".")[0]
    cls = _EXACT.get(kind) or _FAMILY.get(family, PaddleEvent)
    data = body.child("data")
    common: dict[str, object] = {
        "provider": "paddle",
        "type": kind,
        "id": body.required_text("event_id"),
        "timestamp": body.time("occurred_at"),
        "payload": payload,
        "notification_id": body.text("notification_id"),
        "entity_id": data.text("id"),
        "data": data.data,
    }
    if issubclass(cls, PaddleTransactionEvent):
        status = data.text("status")
        common.update(
            status=member(TransactionStatus, status) if status else None,
            customer_id=data.text("customer_id"),
            subscription_id=data.text("subscription_id"),
            invoice_number=data.text("invoice_number"),
            currency_code=data.text("currency_code"),
            origin=data.text("origin"),
            billed_at=data.time("billed_at"),
        )
    elif issubclass(cls, PaddleSubscriptionEvent):
        status = data.text("status")
        common.update(
            status=member(SubscriptionStatus, status) if status else None,
            customer_id=data.text("customer_id"),
            currency_code=data.text("currency_code"),
            next_billed_at=data.time("next_billed_at"),
            canceled_at=data.time("canceled_at"),
            scheduled_change=_optional_mapping(data, "scheduled_change"),
        )
    elif issubclass(cls, PaddleCustomerEvent):
        common.update(
            email=data.text("email"),
            name=data.text("name"),
            status=data.text("status"),
            locale=data.text("locale"),
            marketing_consent=data.boolean("marketing_consent"),
        )
    return _NEW[cls](**common)


class Paddle(Provider):
    """Paddle Billing notifications (``transaction.*``, ``subscription.*``, ``customer.*``, ...)."""

    name = "paddle"
    signature_header = "Paddle-Signature"
    accepted_status = 200  # "Respond with an HTTP 200 status code within five seconds"

    __slots__ = ()

    def __init__(
        self, *, secret: SecretInput, tolerance: float = DEFAULT_TOLERANCE, clock: Clock | None = None
    ) -> None:
        """Args:
        secret: the notification destination's secret key (``pdl_ntfset_...``), or
            several during a rotation.
        tolerance: seconds the signed ``ts`` may differ from now, either way
            (default 5, Paddle's own; see the module's docstring).
        """
        scheme = KeyedListSignature(
            Keyring(encode_secrets(secret, "secret"), "sha256"),
            header=self.signature_header,
            entry_label="h1",
            separator=b":",
            tolerance=tolerance,
            timestamp_label="ts",
            entry_separator=";",
        )
        super().__init__(scheme, clock=clock)

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """One typed notification."""
        return [paddle_event(payload)]
