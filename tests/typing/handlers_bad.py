"""Type-checked by tests/test_typing.py: each line with an E-marker comment must be an error."""

from __future__ import annotations

from webhook_receiver import Receiver, providers
from webhook_receiver.providers import courier, kourier

receiver = Receiver(providers.create("kourier", token="t"))


@receiver.on(kourier.DeliveryUpdated)  # E: a handler for another event class
def wrong_class(event: courier.MessageUpdated) -> None:
    pass


@receiver.on(kourier.KourierEvent)  # E: a base-class route may deliver any KourierEvent
def too_narrow(event: kourier.DeliveryUpdated) -> None:
    pass


@receiver.on(kourier.DeliveryUpdated)
def misuse(event: kourier.DeliveryUpdated) -> None:
    event.delivery_id = "changed"  # E: events are frozen
    number: int = event.delivery_id  # E: delivery_id is a str
    print(number, event.no_such_field)  # E: no such attribute
