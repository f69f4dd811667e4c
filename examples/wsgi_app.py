"""Any WSGI app (here a bare one) receiving Kourier and Courier-channel webhooks.

    python examples/wsgi_app.py               # wsgiref on http://127.0.0.1:8000
    gunicorn --chdir examples wsgi_app:app    # or any WSGI server

Secrets come from the environment (KOURIER_TOKEN, COURIER_WEBHOOK_USER,
COURIER_WEBHOOK_PASSWORD), with demo defaults so the example runs as it is.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from typing import Any

from webhook_receiver import Receiver, providers
from webhook_receiver.adapters.wsgi import WebhookMiddleware
from webhook_receiver.providers import courier, kourier

log = logging.getLogger("examples.wsgi")
received: list[str] = []

kourier_receiver = Receiver(providers.Kourier(token=os.environ.get("KOURIER_TOKEN", "demo-kourier-token")))


@kourier_receiver.on(kourier.DeliveryEvent)
def delivery(event: kourier.DeliveryEvent) -> None:
    received.append(f"kourier {event.type} {event.delivery_id}")
    log.info("%s for %s", event.type, event.delivery_id)


channel_receiver = Receiver(
    providers.CourierChannel(
        username=os.environ.get("COURIER_WEBHOOK_USER", "AzureDiamond"),
        password=os.environ.get("COURIER_WEBHOOK_PASSWORD", "demo-hunter2"),
    )
)


@channel_receiver.on(courier.ChannelDelivery)
def notification(event: courier.ChannelDelivery) -> None:
    received.append(f"courier-channel {event.type} {event.recipient}")


def site(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """The rest of the application: webhooks never reach it."""
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"the rest of the site\n"]


app = WebhookMiddleware(site, routes={"/hooks/kourier": kourier_receiver, "/hooks/courier": channel_receiver})

if __name__ == "__main__":
    from wsgiref.simple_server import make_server

    logging.basicConfig(level=logging.INFO)
    with make_server("127.0.0.1", int(os.environ.get("PORT", "8000")), app) as server:
        server.serve_forever()
