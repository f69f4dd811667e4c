"""Type-checked by tests/test_typing.py with ``mypy --strict``: this must pass clean."""

from __future__ import annotations

from webhook_receiver import Event, Receiver, Reply, providers
from webhook_receiver.providers import courier, customerio, kourier

receiver = Receiver(providers.create("kourier", token="t"))


@receiver.on(kourier.DeliveryUpdated)
def moved(event: kourier.DeliveryUpdated) -> None:
    # Typed fields: str and an enum, no casts.
    delivery: str = event.delivery_id
    status: kourier.DeliveryStatus = event.status
    print(delivery, status.value, status.known)


@receiver.on(kourier.DeliveryEvent)
async def any_delivery(event: kourier.DeliveryEvent) -> None:
    print(event.delivery_id.upper())


@receiver.on(kourier.DeliveryUpdated)
def as_base(event: Event) -> None:  # a handler for a base class accepts the subclass
    print(event.type)


@receiver.on("delivery.*", "audiences:*")
def by_pattern(event: Event) -> None:
    print(event.provider, event.type, event.id, event.timestamp)


@receiver.on_any
def everything(event: Event) -> None:
    print(event.payload)


@receiver.on_error
def report(event: Event, error: Exception) -> None:
    print(event.type, type(error).__name__)


courier_receiver = Receiver(providers.Courier(secret="s"))


@courier_receiver.on(courier.MessageUpdated)
def message(event: courier.MessageUpdated) -> None:
    if event.message.status is courier.MessageStatus.DELIVERED and event.message.delivered is not None:
        print(event.message.delivered.isoformat())


def batch_sizes(events: list[customerio.CustomerIOEvent]) -> int:
    return sum(1 for e in events if isinstance(e, customerio.Track) and e.event == "Signed Up")


# The decorator returns the function itself, still typed.
moved(
    kourier.DeliveryUpdated(
        provider="kourier", type="delivery.updated", delivery_id="a", status=kourier.DeliveryStatus.DELIVERED
    )
)
reply: Reply = receiver.handle("POST", {"Authorization": "Bearer t"}, b"{}")
status: int = reply.status
