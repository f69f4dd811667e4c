"""Kourier delivery webhooks: ``Authorization: Bearer <token>``.

Bodies are ``{event, delivery_id, status, timestamp}``; events are
``delivery.created``, ``delivery.updated`` (a status change such as ``in_transit`` or
``delivered``) and ``delivery.cancelled``. Kourier retries on any non-2xx answer.

A bearer token signs nothing: it says who sent the request, and TLS protects the
body in transit, but a captured request (token included) can be replayed at any
time, or changed. Events are identified by their delivery, event, status and
time, read from the body: pair this provider with an idempotency store so a replay
runs nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .._events import (
    Event,
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
from .._schemes import Clock, SecretInput
from ._base import Provider, bearer_token

__all__ = [
    "DeliveryCancelled",
    "DeliveryCreated",
    "DeliveryEvent",
    "DeliveryStatus",
    "DeliveryUpdated",
    "Kourier",
    "KourierEvent",
]


class DeliveryStatus(OpenEnum):
    """A delivery's status; statuses Kourier adds later arrive with ``known == False``."""

    CREATED = "created"
    PENDING = "pending"
    ASSIGNED = "assigned"
    PICKED_UP = "picked_up"
    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"
    FAILED = "failed"
    RETURNED = "returned"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True, kw_only=True)
class KourierEvent(Event):
    """Any Kourier event; types without a class of their own arrive as this."""

    delivery_id: str | None = None
    status: DeliveryStatus | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryEvent(KourierEvent):
    """A documented delivery event: it always names its delivery."""

    delivery_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryCreated(DeliveryEvent):
    """``delivery.created``: a new delivery exists."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryUpdated(DeliveryEvent):
    """``delivery.updated``: the delivery's ``status`` changed."""

    status: DeliveryStatus


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryCancelled(DeliveryEvent):
    """``delivery.cancelled``: the delivery was cancelled."""


_DOCUMENTED: dict[str, type[DeliveryEvent]] = {
    "delivery.created": DeliveryCreated,
    "delivery.updated": DeliveryUpdated,
    "delivery.cancelled": DeliveryCancelled,
}
# constructor(cls) makes the same instance as cls(...), without a frozen dataclass's
# per-field object.__setattr__ (see _events.constructor).
_NEW: dict[type[KourierEvent], Callable[..., KourierEvent]] = {
    KourierEvent: constructor(KourierEvent),
    DeliveryCreated: constructor(DeliveryCreated),
    DeliveryUpdated: constructor(DeliveryUpdated),
    DeliveryCancelled: constructor(DeliveryCancelled),
}


def kourier_event(payload: JSONValue) -> KourierEvent:
    """The typed event for one Kourier body.

    Documented events must name their delivery, and ``delivery.updated`` its new
    status (Kourier's own example error is "Missing delivery_id"); other events may
    leave both out.
    """
    # Every request reads these: the usual case (a string, a time, or absent) inline,
    # and a Reader made only for a field that needs its conversion or its error (it
    # reads that field again), in the same order, so the first bad one is reported.
    data = payload if type(payload) is dict else Reader(payload, "body").data
    get = data.get
    kind = get("event")
    if type(kind) is not str or not kind:
        kind = Reader(data, "body").kind("event")
    cls: type[KourierEvent] = _DOCUMENTED.get(kind, KourierEvent)
    documented = cls is not KourierEvent
    status = get("status")
    if cls is DeliveryUpdated:
        if type(status) is not str or not status:
            status = Reader(data, "body").required_text("status")
    elif status is not None and type(status) is not str:
        status = Reader(data, "body").text("status")
    time = get("timestamp")
    timestamp = None if time is None else to_datetime(time) or Reader(data, "body").time("timestamp")
    delivery_id = get("delivery_id")
    if documented:
        if type(delivery_id) is not str or not delivery_id:
            delivery_id = Reader(data, "body").required_text("delivery_id")
    elif delivery_id is not None and type(delivery_id) is not str:
        delivery_id = Reader(data, "body").text("delivery_id")
    return _NEW[cls](
        provider="kourier",
        type=kind,
        timestamp=timestamp,
        payload=payload,
        delivery_id=delivery_id,
        status=member(DeliveryStatus, status) if status else None,
    )


# kourier_event for the usual body, compiled (event_builder): the same event, or kourier_event's answer.
_build_event = event_builder(
    kourier_event,
    provider="kourier",
    kind="event",
    shapes={
        kind: (
            cls,
            {
                "delivery_id": required_text_field("delivery_id"),
                "status": member_field(DeliveryStatus, "status", required=cls is DeliveryUpdated),
                "timestamp": time_field("timestamp"),
            },
        )
        for kind, cls in _DOCUMENTED.items()
    },
    default=(
        KourierEvent,
        {
            "delivery_id": text_field("delivery_id"),
            "status": member_field(DeliveryStatus, "status"),
            "timestamp": time_field("timestamp"),
        },
    ),
)


class Kourier(Provider):
    """Kourier delivery events (``delivery.created``, ``delivery.updated``, ``delivery.cancelled``)."""

    name = "kourier"

    __slots__ = ()

    def __init__(self, *, token: SecretInput, clock: Clock | None = None) -> None:
        """Args:
        token: the token configured in the Kourier dashboard, or several during a rotation.
        """
        super().__init__(bearer_token(token), clock=clock)

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """One typed delivery event."""
        return [_build_event(payload)]

    def identity(self, event: Event) -> str:
        """Kourier events carry no id: a delivery's event, status and time make one."""
        if (
            isinstance(event, KourierEvent)
            and event.delivery_id is not None
            and isinstance(event.payload, dict)
        ):
            status = event.status.value if event.status is not None else ""
            return f"{event.type}\0{event.delivery_id}|{event.type}|{status}|{event.payload.get('timestamp')}"
        return super().identity(event)  # no id of its own: its type and payload
