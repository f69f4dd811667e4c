"""The one app every adapter harness builds, so one contract suite runs against all of them.

Every harness mounts ``make_receivers(...)`` at their paths, plus an unrelated route
``OTHER_PATH`` that answers ``GET`` and ``POST`` with 200 and the body ``OTHER_BODY``
(and never reads a webhook's body). Handlers append every typed event they get to the
``received`` list the harness was given; ``delivery.cancelled`` makes a handler raise.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from webhook_receiver import Event, Receiver, providers
from webhook_receiver.providers import courier, kourier

KOURIER_PATH = "/hooks/kourier"
COURIER_PATH = "/hooks/courier"
OTHER_PATH = "/other"
OTHER_BODY = b"other"
KOURIER_TOKEN = "kourier-contract-token"
COURIER_SECRET = "courier-contract-secret"
LIMIT = 4096
"""``max_body_size`` of the Kourier receiver (the Courier one keeps the default)."""


def make_receivers(received: list[Event]) -> dict[str, Receiver]:
    """The receivers each harness mounts, by path."""
    kourier_receiver = Receiver(providers.Kourier(token=KOURIER_TOKEN), max_body_size=LIMIT)

    @kourier_receiver.on(kourier.DeliveryEvent)
    def record_delivery(event: kourier.DeliveryEvent) -> None:
        received.append(event)

    @kourier_receiver.on("delivery.cancelled")
    def broken(event: Event) -> None:
        raise RuntimeError("the handler failed")

    courier_receiver = Receiver(providers.Courier(secret=COURIER_SECRET))

    @courier_receiver.on(courier.MessageUpdated)
    async def record_message(event: courier.MessageUpdated) -> None:
        received.append(event)

    return {KOURIER_PATH: kourier_receiver, COURIER_PATH: courier_receiver}


@dataclass
class HarnessResponse:
    """What came back: status, headers with lower-cased names, body."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Harness(Protocol):
    """One adapter, driven through its framework's real test client."""

    name: str
    chunked: bool
    """Whether the test client can send a body without ``Content-Length`` (chunked)."""

    def request(
        self, method: str, path: str, headers: Mapping[str, str], body: bytes | Iterable[bytes]
    ) -> HarnessResponse:
        """Send one request; an iterable body goes out chunked, with no ``Content-Length``."""
        ...
