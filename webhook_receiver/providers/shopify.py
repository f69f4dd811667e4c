"""Shopify: ``X-Shopify-Hmac-Sha256: <base64>``, HMAC-SHA256 of the raw body.

The key is the app's client secret (the "API secret key"), used as it is shown, as
UTF-8 bytes; the header is the standard base64 of the 32-byte digest, no prefix
(shopify.dev "Deliver webhooks through HTTPS", step "Validate the origin"; Shopify's
own ``@shopify/shopify-api`` ``validateHmacString`` computes the same over the raw
body). Nothing else is signed and there is no timestamp, so there is no tolerance:
Shopify retries (8 times over 4 hours since September 2024) with "the original
payload from the time they were triggered" (shopify.dev changelog).

Every other header is unsigned: the topic (``X-Shopify-Topic``, the event type),
``X-Shopify-Webhook-Id``, ``X-Shopify-Event-Id`` (the one Shopify's "ignore
duplicates" page names), ``X-Shopify-Shop-Domain``, ``X-Shopify-API-Version``,
``X-Shopify-Triggered-At``. They are read as :attr:`Shopify.event_header_names`
(like GitHub's), so a deferred worker rebuilds the same event, and consequently:

* **Identity is the body alone.** With an idempotency store a captured request runs
  its handlers once, whatever its topic or ids are changed to; Shopify's retries
  (same body) are duplicates too. The price: two *different* topics delivered with
  byte-identical bodies to one receiver (``orders/create`` and ``orders/paid`` for
  an order paid at checkout can be) are one event to the store; give topics whose
  bodies can coincide their own URL and receiver namespace.
* **The type is a claim.** Someone holding one captured request can resend its
  signed body under another topic header (an ``orders/create`` body as
  ``orders/paid``, to another URL). Handlers that act on a topic should check the
  body says so (``financial_status == "paid"``). Without a store, a captured request
  can be replayed at any time.

The GDPR compliance topics (``customers/data_request``, ``customers/redact``,
``shop/redact``) carry the shop in the signed body: :attr:`ShopifyEvent.shop_domain`
is the body's ``shop_domain`` where there is one, else the unsigned header.

Shopify's newer "events" deliveries add ``shopify-*`` headers without the ``x-``
prefix and, per ``@shopify/shopify-api``, "currently send both" for backwards
compatibility; this provider reads the ``X-Shopify-*`` ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from .._errors import PayloadError
from .._events import CUSTOM, Event, JSONObject, JSONValue, Reader, constructor, to_datetime
from .._headers import Headers
from .._schemes import Clock, HmacSignature, Keyring, SecretInput, encode_secrets
from ._base import Provider, payload_identity

__all__ = [
    "AppUninstalled",
    "ComplianceEvent",
    "CustomersDataRequest",
    "CustomersRedact",
    "OrderCancelled",
    "OrderCreated",
    "OrderEvent",
    "OrderFulfilled",
    "OrderPaid",
    "OrderUpdated",
    "ProductCreated",
    "ProductDeleted",
    "ProductEvent",
    "ProductUpdated",
    "ShopRedact",
    "Shopify",
    "ShopifyEvent",
]

TOPIC = "X-Shopify-Topic"
WEBHOOK_ID = "X-Shopify-Webhook-Id"
EVENT_ID = "X-Shopify-Event-Id"
SHOP_DOMAIN = "X-Shopify-Shop-Domain"
API_VERSION = "X-Shopify-API-Version"
TRIGGERED_AT = "X-Shopify-Triggered-At"
SUB_TOPIC = "X-Shopify-Sub-Topic"


@dataclass(frozen=True, slots=True, kw_only=True)
class ShopifyEvent(Event):
    """Any Shopify webhook; topics without a class of their own arrive as this.

    ``type`` is the unsigned ``X-Shopify-Topic`` (``"orders/create"``), ``id`` the
    unsigned ``X-Shopify-Event-Id`` (else ``X-Shopify-Webhook-Id``); ``timestamp`` is
    ``X-Shopify-Triggered-At``, else the body's ``updated_at`` or ``created_at``.
    None of the headers is signed (see the module docstring); the event's identity
    is its body.
    """

    shop_domain: str | None = None
    api_version: str | None = None
    webhook_id: str | None = None
    event_id: str | None = None
    triggered_at: datetime | None = None
    sub_topic: str | None = None
    admin_graphql_api_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderEvent(ShopifyEvent):
    """An ``orders/*`` topic: the body is the order (``id`` required)."""

    order_id: str
    name: str | None = None
    email: str | None = None
    currency: str | None = None
    total_price: str | None = None
    financial_status: str | None = None
    fulfillment_status: str | None = None
    customer_id: str | None = None
    line_items: tuple[JSONObject, ...] = field(default=(), repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderCreated(OrderEvent):
    """``orders/create``: an order was placed."""


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderUpdated(OrderEvent):
    """``orders/updated``: an order changed."""


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderPaid(OrderEvent):
    """``orders/paid``: an order's payment completed (check ``financial_status``: the topic is unsigned)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderFulfilled(OrderEvent):
    """``orders/fulfilled``: every line item of an order was fulfilled."""


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderCancelled(OrderEvent):
    """``orders/cancelled``: an order was cancelled."""

    cancelled_at: datetime | None = None
    cancel_reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ProductEvent(ShopifyEvent):
    """A ``products/*`` topic: the body is the product (``id`` required)."""

    product_id: str
    title: str | None = None
    handle: str | None = None
    vendor: str | None = None
    product_type: str | None = None
    status: str | None = None
    variants: tuple[JSONObject, ...] = field(default=(), repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class ProductCreated(ProductEvent):
    """``products/create``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ProductUpdated(ProductEvent):
    """``products/update``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ProductDeleted(ProductEvent):
    """``products/delete``: the body is only ``{"id": ...}``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AppUninstalled(ShopifyEvent):
    """``app/uninstalled``: the body is the shop that uninstalled the app (``id`` required)."""

    shop_id: str
    shop_name: str | None = None
    email: str | None = None
    myshopify_domain: str | None = None
    plan_name: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ComplianceEvent(ShopifyEvent):
    """A mandatory GDPR compliance topic; ``shop_id`` and ``shop_domain`` come from the signed body."""

    shop_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomersDataRequest(ComplianceEvent):
    """``customers/data_request``: a customer asked the shop for their data."""

    customer: JSONObject = field(default_factory=dict, repr=False)
    customer_id: str | None = None
    customer_email: str | None = None
    orders_requested: tuple[int, ...] = ()
    data_request_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomersRedact(ComplianceEvent):
    """``customers/redact``: delete this customer's data (and these orders')."""

    customer: JSONObject = field(default_factory=dict, repr=False)
    customer_id: str | None = None
    customer_email: str | None = None
    orders_to_redact: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ShopRedact(ComplianceEvent):
    """``shop/redact``: 48 hours after an uninstall, delete this shop's data."""


_ORDER_TOPICS: dict[str, type[OrderEvent]] = {
    "orders/create": OrderCreated,
    "orders/updated": OrderUpdated,
    "orders/paid": OrderPaid,
    "orders/fulfilled": OrderFulfilled,
    "orders/cancelled": OrderCancelled,
}
_PRODUCT_TOPICS: dict[str, type[ProductEvent]] = {
    "products/create": ProductCreated,
    "products/update": ProductUpdated,
    "products/delete": ProductDeleted,
}
_NEW: dict[type[ShopifyEvent], Callable[..., ShopifyEvent]] = {
    cls: constructor(cls)
    for cls in (
        ShopifyEvent,
        OrderEvent,
        *_ORDER_TOPICS.values(),
        ProductEvent,
        *_PRODUCT_TOPICS.values(),
        AppUninstalled,
        CustomersDataRequest,
        CustomersRedact,
        ShopRedact,
    )
}


def _header(headers: Headers, name: str) -> str | None:
    values = headers.getlist(name)
    return values[0] if len(values) == 1 and values[0] else None


def _objects(reader: Reader, key: str) -> tuple[JSONObject, ...]:
    value = reader.raw(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise PayloadError(f"{reader.where}.{key} must be an array of objects")
    return tuple(item for item in value if isinstance(item, dict))


def _ids(reader: Reader, key: str) -> tuple[int, ...]:
    value = reader.raw(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(
        isinstance(item, int) and not isinstance(item, bool) for item in value
    ):
        raise PayloadError(f"{reader.where}.{key} must be an array of integer ids")
    return tuple(item for item in value if isinstance(item, int))


def shopify_event(payload: JSONValue, headers: Headers) -> ShopifyEvent:
    """The typed event for one Shopify body and its (unsigned) event headers."""
    body = Reader(payload, "body")
    topic = _header(headers, TOPIC) or CUSTOM
    triggered = _header(headers, TRIGGERED_AT)
    # An unparseable unsigned header is no reason to refuse a verified body: None.
    triggered_at = to_datetime(triggered) if triggered else None
    event_id = _header(headers, EVENT_ID)
    webhook_id = _header(headers, WEBHOOK_ID)
    common: dict[str, object] = {
        "provider": "shopify",
        "type": topic,
        "id": event_id or webhook_id,
        "timestamp": triggered_at or body.time("updated_at") or body.time("created_at"),
        "payload": payload,
        "shop_domain": body.text("shop_domain") or _header(headers, SHOP_DOMAIN),
        "api_version": _header(headers, API_VERSION),
        "webhook_id": webhook_id,
        "event_id": event_id,
        "triggered_at": triggered_at,
        "sub_topic": _header(headers, SUB_TOPIC),
        "admin_graphql_api_id": body.text("admin_graphql_api_id"),
    }
    if topic.startswith("orders/"):
        cls: type[ShopifyEvent] = _ORDER_TOPICS.get(topic, OrderEvent)
        customer = body.child("customer")
        extra: dict[str, object] = {
            "order_id": body.required_text("id"),
            "name": body.text("name"),
            "email": body.text("email"),
            "currency": body.text("currency"),
            "total_price": body.text("total_price"),
            "financial_status": body.text("financial_status"),
            "fulfillment_status": body.text("fulfillment_status"),
            "customer_id": customer.text("id"),
            "line_items": _objects(body, "line_items"),
        }
        if cls is OrderCancelled:
            extra["cancelled_at"] = body.time("cancelled_at")
            extra["cancel_reason"] = body.text("cancel_reason")
    elif topic.startswith("products/"):
        cls = _PRODUCT_TOPICS.get(topic, ProductEvent)
        extra = {
            "product_id": body.required_text("id"),
            "title": body.text("title"),
            "handle": body.text("handle"),
            "vendor": body.text("vendor"),
            "product_type": body.text("product_type"),
            "status": body.text("status"),
            "variants": _objects(body, "variants"),
        }
    elif topic == "app/uninstalled":
        cls = AppUninstalled
        extra = {
            "shop_id": body.required_text("id"),
            "shop_name": body.text("name"),
            "email": body.text("email"),
            "myshopify_domain": body.text("myshopify_domain"),
            "plan_name": body.text("plan_name"),
        }
    elif topic in ("customers/data_request", "customers/redact", "shop/redact"):
        extra = {"shop_id": body.required_text("shop_id")}
        if topic == "shop/redact":
            cls = ShopRedact
        else:
            customer = body.child("customer")
            extra |= {
                "customer": customer.data,
                "customer_id": customer.text("id"),
                "customer_email": customer.text("email"),
            }
            if topic == "customers/redact":
                cls = CustomersRedact
                extra["orders_to_redact"] = _ids(body, "orders_to_redact")
            else:
                cls = CustomersDataRequest
                extra["orders_requested"] = _ids(body, "orders_requested")
                extra["data_request_id"] = body.child("data_request").text("id")
    else:
        cls, extra = ShopifyEvent, {}
    return _NEW[cls](**common, **extra)


class Shopify(Provider):
    """Shopify webhooks. Only the body is signed: use an idempotency store against replays."""

    name = "shopify"
    signature_header = "X-Shopify-Hmac-Sha256"
    event_header_names = (TOPIC, SHOP_DOMAIN, API_VERSION, WEBHOOK_ID, EVENT_ID, TRIGGERED_AT, SUB_TOPIC)

    __slots__ = ()

    def __init__(self, *, secret: SecretInput, clock: Clock | None = None) -> None:
        """Args:
        secret: the app's client secret, or several during a rotation (a ``Secret``
            with ``expires_at`` stops verifying at that time).
        """
        keyring = Keyring(encode_secrets(secret, "secret"), "sha256")
        super().__init__(HmacSignature(keyring, header=self.signature_header, encoding="base64"), clock=clock)

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """One event typed by the (unsigned) ``X-Shopify-Topic`` header."""
        return [shopify_event(payload, headers)]

    def identity(self, event: Event) -> str:
        """The body alone: neither the topic nor the webhook and event ids are signed."""
        return payload_identity(event.payload)
