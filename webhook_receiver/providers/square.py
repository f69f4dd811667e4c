"""Square: ``x-square-hmacsha256-signature``, base64 HMAC-SHA256 over ``<notification URL><body>``.

What Square documents ("Validate that the notification is from Square",
developer.squareup.com/docs/webhooks/step3validate, and the ``WebhooksHelper`` of
its SDKs): the header holds the base64 HMAC-SHA256, keyed with the subscription's
**signature key** (used as the UTF-8 text Square shows), of the subscription's
**notification URL** followed by the raw body. The URL is part of what is signed,
so the provider is configured with it (``url=``) and verifies against exactly that
string, never against a URL rebuilt from the request (``Host``, path, a proxy's
headers): see :mod:`webhook_receiver._bound`. Give it byte for byte as it is in the
subscription; Square's own helpers compare it as given, so no port variant is
tried. Square's older ``x-square-signature`` (HMAC-SHA1 over the same) is sent
beside it and not read.

No timestamp is signed, so a captured request verifies forever: what stops a
replay is the event's identity in an idempotency store. The signature covers the
whole body, so everything in it can be trusted.

Identity: ``event_id``, from the signed body (Square documents it as the key to
deduplicate with; a retry keeps it; ``square-retry-number`` and the other retry
headers are unsigned and not read).

Events ``{merchant_id, location_id?, type, event_id, created_at, data: {type, id,
object}}``: ``type`` is Square's (``"payment.updated"``); ``data.object`` holds the
resource under a key of its own (``{"payment": {...}}``, ``{"order_updated":
{...}}``). Payments, refunds, orders, customers and invoices have typed classes;
every other type arrives as a :class:`SquareEvent`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from .._bound import UrlSignature
from .._events import Event, JSONObject, JSONValue, Reader, constructor
from .._headers import Headers
from .._schemes import Clock, Keyring, SecretInput, encode_secrets
from ._base import Provider

__all__ = [
    "Square",
    "SquareCustomerEvent",
    "SquareEvent",
    "SquareInvoiceEvent",
    "SquareOrderEvent",
    "SquarePaymentEvent",
    "SquareRefundEvent",
]

SIGNATURE_HEADER = "x-square-hmacsha256-signature"


@dataclass(frozen=True, slots=True, kw_only=True)
class SquareEvent(Event):
    """Any Square event; types without a class of their own arrive as this.

    ``id`` is ``event_id``, ``timestamp`` is ``created_at``. ``object_type`` and
    ``object_id`` are ``data.type`` and ``data.id``; ``object`` is ``data.object``
    (the resource under its own key) and ``resource`` the resource itself, when
    ``data.object`` holds it under ``data.type`` (``payment``, ``refund``,
    ``customer``, ``invoice``...), else empty.
    """

    merchant_id: str | None = None
    location_id: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    object: JSONObject = field(default_factory=dict, repr=False)
    resource: JSONObject = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class SquarePaymentEvent(SquareEvent):
    """``payment.created`` / ``payment.updated``: ``resource`` is the Payment.

    ``status`` (``"APPROVED"``, ``"COMPLETED"``, ``"CANCELED"``, ``"FAILED"``), the
    ``amount_money`` as ``amount`` (smallest currency unit) and ``currency``, and the
    ``order_id`` it pays.
    """

    status: str | None = None
    amount: int | None = None
    currency: str | None = None
    order_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SquareRefundEvent(SquareEvent):
    """``refund.created`` / ``refund.updated``: ``resource`` is the PaymentRefund.

    ``status`` (``"PENDING"``, ``"COMPLETED"``, ``"REJECTED"``, ``"FAILED"``), the
    refunded ``amount`` and ``currency``, and the ``payment_id`` refunded.
    """

    status: str | None = None
    amount: int | None = None
    currency: str | None = None
    payment_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SquareOrderEvent(SquareEvent):
    """``order.created``, ``order.updated``, ``order.fulfillment.updated``.

    Square sends a summary, not the order: ``data.object`` holds ``order_created``,
    ``order_updated`` or ``order_fulfillment_updated`` (that summary is
    ``resource``), with the order's ``state`` (``"OPEN"``, ``"COMPLETED"``,
    ``"CANCELED"``) and ``version``; ``order_id`` is ``data.id``.
    """

    order_id: str | None = None
    state: str | None = None
    version: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SquareCustomerEvent(SquareEvent):
    """``customer.created``, ``customer.updated``, ``customer.deleted``: ``resource`` is the Customer."""

    customer_id: str | None = None
    email_address: str | None = None
    given_name: str | None = None
    family_name: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SquareInvoiceEvent(SquareEvent):
    """``invoice.*`` (``invoice.published``, ``invoice.payment_made``, ...): ``resource`` is the Invoice.

    ``status`` (``"UNPAID"``, ``"PAID"``, ``"PARTIALLY_PAID"``, ``"CANCELED"``...) and
    the ``order_id`` it bills.
    """

    status: str | None = None
    order_id: str | None = None
    invoice_number: str | None = None


# The same instances as SquareEvent(...), ..., faster (see _events.constructor).
_new_event = constructor(SquareEvent)
_new_payment = constructor(SquarePaymentEvent)
_new_refund = constructor(SquareRefundEvent)
_new_order = constructor(SquareOrderEvent)
_new_customer = constructor(SquareCustomerEvent)
_new_invoice = constructor(SquareInvoiceEvent)

_TYPED = frozenset({"payment", "refund", "customer", "invoice"})

_ORDER_KEYS = {
    "order.created": "order_created",
    "order.updated": "order_updated",
    "order.fulfillment.updated": "order_fulfillment_updated",
}


def _money(resource: Reader, key: str) -> tuple[int | None, str | None]:
    money = resource.child(key)
    return money.integer("amount"), money.text("currency")


class Square(Provider):
    """Square webhook event notifications, bound to the subscription's notification URL."""

    name = "square"
    signature_header = SIGNATURE_HEADER

    __slots__ = ()

    def __init__(self, *, secret: SecretInput, url: str, clock: Clock | None = None) -> None:
        """Args:
        secret: the subscription's signature key, or several during a rotation.
        url: the subscription's notification URL, exactly as entered in Square
            (what is signed; the request's own URL is never used).
        """
        keyring = Keyring(encode_secrets(secret, "secret"), "sha256")
        super().__init__(UrlSignature(keyring, header=SIGNATURE_HEADER, url=url), clock=clock)

    @property
    def url(self) -> str:
        """The notification URL signatures are verified for."""
        return cast(UrlSignature, self.scheme).url

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """One event per body, typed by its ``type``."""
        body = Reader(payload, "body")
        kind = body.kind("type")
        data = body.child("data")
        object_type = data.text("type")
        obj = data.mapping("object")
        holder = Reader(obj, "body.data.object")
        order_key = _ORDER_KEYS.get(kind)
        resource_key = order_key or object_type
        family = kind.partition(".")[0]
        found = obj.get(resource_key) if resource_key else None
        if order_key is not None or family in _TYPED:
            # A typed event's resource must be an object; other types may hold anything
            # under data.type (inventory.count.updated: a list of counts).
            resource = holder.child(resource_key) if resource_key else Reader({}, "body.data.object")
        else:
            resource = Reader(found if isinstance(found, dict) else {}, "body.data.object")
        common: dict[str, Any] = {
            "provider": self.name,
            "type": kind,
            "id": body.text("event_id"),
            "timestamp": body.time("created_at"),
            "payload": payload,
            "merchant_id": body.text("merchant_id"),
            "location_id": body.text("location_id") or resource.text("location_id"),
            "object_type": object_type,
            "object_id": data.text("id"),
            "object": obj,
            "resource": resource.data,
        }
        if family == "payment":
            amount, currency = _money(resource, "amount_money")
            return [
                _new_payment(
                    **common,
                    status=resource.text("status"),
                    amount=amount,
                    currency=currency,
                    order_id=resource.text("order_id"),
                )
            ]
        if family == "refund":
            amount, currency = _money(resource, "amount_money")
            return [
                _new_refund(
                    **common,
                    status=resource.text("status"),
                    amount=amount,
                    currency=currency,
                    payment_id=resource.text("payment_id"),
                )
            ]
        if order_key is not None:
            return [
                _new_order(
                    **common,
                    order_id=data.text("id") or resource.text("order_id"),
                    state=resource.text("state"),
                    version=resource.integer("version"),
                )
            ]
        if family == "customer":
            return [
                _new_customer(
                    **common,
                    customer_id=resource.text("id") or data.text("id"),
                    email_address=resource.text("email_address"),
                    given_name=resource.text("given_name"),
                    family_name=resource.text("family_name"),
                )
            ]
        if family == "invoice":
            return [
                _new_invoice(
                    **common,
                    status=resource.text("status"),
                    order_id=resource.text("order_id"),
                    invoice_number=resource.text("invoice_number"),
                )
            ]
        return [_new_event(**common)]
