"""A Flask app receiving Kourier, Courier and Customer.io webhooks.

Kourier goes through the ``@webhook`` decorator, on a view of its own; Courier and
Customer.io through the ``WebhookReceiver`` extension, which needs no view at all.
The typed handlers log what they got and keep a short summary, which ``GET /``
shows. Secrets come from the environment, with demo values for trying it out::

    python examples/flask_app.py    # http://127.0.0.1:8000

    curl -i http://127.0.0.1:8000/hooks/kourier \\
        -H 'Authorization: Bearer demo-kourier-token' -H 'Content-Type: application/json' \\
        -d '{"event": "delivery.updated", "delivery_id": "abc123", "status": "in_transit"}'

The same request with another token gets 401 and never reaches the handlers.
"""

from __future__ import annotations

import logging
import os
from collections import deque

from flask import Flask

from webhook_receiver import Event, Receiver, providers
from webhook_receiver.adapters.flask import ALL_METHODS, WebhookReceiver, webhook
from webhook_receiver.providers import courier, customerio, kourier

KOURIER_TOKEN = os.environ.get("KOURIER_TOKEN", "demo-kourier-token")
COURIER_SECRET = os.environ.get("COURIER_SIGNING_SECRET", "demo-courier-secret")
CUSTOMERIO_SECRET = os.environ.get("CUSTOMERIO_WEBHOOK_SECRET", "demo-customerio-secret")

log = logging.getLogger("flask_app")

received: deque[str] = deque(maxlen=100)
"""What the handlers got, newest last (a real app would store or queue the events)."""


def record(summary: str) -> None:
    log.info("%s", summary)
    received.append(summary)


# Kourier: the decorator, because the view has something to add.

kourier_receiver = Receiver(providers.Kourier(token=KOURIER_TOKEN))


@kourier_receiver.on(kourier.DeliveryUpdated)
def delivery_updated(event: kourier.DeliveryUpdated) -> None:
    record(f"kourier: delivery {event.delivery_id} is {event.status}")


@kourier_receiver.on(kourier.DeliveryCancelled)
def delivery_cancelled(event: kourier.DeliveryCancelled) -> None:
    record(f"kourier: delivery {event.delivery_id} was cancelled")


# Courier and Customer.io: the extension, because their handlers are all there is.

courier_receiver = Receiver(providers.Courier(secret=COURIER_SECRET))


@courier_receiver.on(courier.MessageUpdated)
def message_updated(event: courier.MessageUpdated) -> None:
    record(f"courier: message {event.message.id} is {event.message.status}")


customerio_receiver = Receiver(providers.CustomerIO(secret=CUSTOMERIO_SECRET))


@customerio_receiver.on(customerio.Track)
def tracked(event: customerio.Track) -> None:
    record(f"customerio: {event.event!r} by user {event.user_id}")


webhooks = WebhookReceiver(
    routes={"/hooks/courier": courier_receiver, "/hooks/customerio": customerio_receiver}
)


def create_app() -> Flask:
    """The app: one decorated view, the extension's routes, and a page listing what arrived."""
    app = Flask(__name__)

    # ALL_METHODS: a GET gets the Receiver's JSON 405 (with Allow), not Flask's page.
    @app.route("/hooks/kourier", methods=ALL_METHODS)
    @webhook(kourier_receiver)
    def kourier_hook(events: list[Event]) -> dict[str, int]:
        # Runs only after the token was checked and every handler succeeded.
        return {"received": len(events)}

    @app.get("/")
    def index() -> dict[str, list[str]]:
        return {"received": list(received)}

    webhooks.init_app(app)
    return app


app = create_app()

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app.run(host="127.0.0.1", port=8000)
