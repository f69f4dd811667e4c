"""A Starlette app receiving Customer.io batches and Xtremepush campaign events.

    pip install 'webhook-receiver[starlette,uvicorn]'
    python examples/starlette_app.py          # serves on http://127.0.0.1:8000

Secrets come from the environment (CUSTOMERIO_SECRET, XTREMEPUSH_KEY), with demo
defaults so the example runs as it is.
"""

from __future__ import annotations

import logging
import os

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from webhook_receiver import Receiver, providers
from webhook_receiver.adapters.asgi import WebhookMiddleware
from webhook_receiver.providers import customerio, xtremepush

log = logging.getLogger("examples.starlette")
received: list[str] = []
"""What the handlers saw, newest last (the tests read it)."""

customerio_receiver = Receiver(
    providers.CustomerIO(secret=os.environ.get("CUSTOMERIO_SECRET", "demo-cio-secret"))
)


@customerio_receiver.on(customerio.Track)
def tracked(event: customerio.Track) -> None:
    received.append(f"customerio {event.event} {event.user_id}")
    log.info("user %s did %r", event.user_id, event.event)


xtremepush_receiver = Receiver(
    providers.Xtremepush(auth="signed", key=os.environ.get("XTREMEPUSH_KEY", "demo-xtremepush-key"))
)


@xtremepush_receiver.on(xtremepush.MessageEvent)
async def message_event(event: xtremepush.MessageEvent) -> None:
    received.append(f"xtremepush {event.type} {event.message.campaign_id}")


@xtremepush_receiver.on(xtremepush.MessageFailed)
def message_failed(event: xtremepush.MessageFailed) -> None:
    log.warning("campaign %s failed: %s", event.message.campaign_id, event.message.error_message)


async def health(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


app = Starlette(
    routes=[Route("/health", health)],
    middleware=[
        Middleware(
            WebhookMiddleware,
            routes={"/hooks/customerio": customerio_receiver, "/hooks/xtremepush": xtremepush_receiver},
        )
    ],
)

if __name__ == "__main__":
    import uvicorn

    logging.basicConfig(level=logging.INFO)
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
