"""A FastAPI app receiving Courier (through the ASGI middleware) and Kourier (through a dependency).

    pip install 'webhook-receiver[fastapi,uvicorn]'
    python examples/fastapi_app.py            # serves on http://127.0.0.1:8000

Secrets come from the environment (COURIER_SIGNING_SECRET, KOURIER_TOKEN), with demo
defaults so the example runs as it is.
"""

from __future__ import annotations

import logging
import os

from fastapi import Depends, FastAPI

from webhook_receiver import Event, Receiver, providers
from webhook_receiver.adapters.asgi import WebhookMiddleware
from webhook_receiver.adapters.fastapi import (
    WebhookRejected,
    route_options,
    webhook_events,
    webhook_exception_handler,
)
from webhook_receiver.providers import courier, kourier

log = logging.getLogger("examples.fastapi")
received: list[str] = []
"""What the handlers saw, newest last (the tests read it)."""

courier_receiver = Receiver(
    providers.Courier(secret=os.environ.get("COURIER_SIGNING_SECRET", "demo-courier-secret"))
)


@courier_receiver.on(courier.MessageUpdated)
async def message_updated(event: courier.MessageUpdated) -> None:
    received.append(f"courier {event.message.id} {event.message.status}")
    log.info("Courier message %s is %s", event.message.id, event.message.status)


@courier_receiver.on("audiences:user:*")
def audience_membership(event: Event) -> None:
    received.append(f"courier {event.type}")


kourier_receiver = Receiver(providers.Kourier(token=os.environ.get("KOURIER_TOKEN", "demo-kourier-token")))


@kourier_receiver.on(kourier.DeliveryUpdated)
def delivery_updated(event: kourier.DeliveryUpdated) -> None:
    received.append(f"kourier {event.delivery_id} {event.status}")
    log.info("Delivery %s is now %s", event.delivery_id, event.status)


app = FastAPI(title="webhook-receiver FastAPI example")
app.add_middleware(WebhookMiddleware, routes={"/hooks/courier": courier_receiver})
app.add_exception_handler(WebhookRejected, webhook_exception_handler)
kourier_events = webhook_events(kourier_receiver)


@app.post("/hooks/kourier", **route_options(kourier_receiver))
async def kourier_hook(events: list[Event] = Depends(kourier_events)) -> dict[str, int]:
    """The route runs after the receiver verified the request and ran its handlers."""
    return {"received": len(events)}


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


if __name__ == "__main__":
    import uvicorn

    logging.basicConfig(level=logging.INFO)
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
