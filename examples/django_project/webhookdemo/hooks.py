"""The demo's webhook handlers, and the Courier receiver its URLconf mounts.

Handlers are typed: each gets the provider's own event class, with real Python types.
"""

from __future__ import annotations

import logging
import os

from webhook_receiver import Event, Receiver, providers
from webhook_receiver.providers import courier, customerio, kourier

logger = logging.getLogger("webhookdemo")

courier_receiver = Receiver(providers.create("courier", secret=os.environ["COURIER_SECRET"]))
"""Courier's endpoint: ``WebhookView.as_view(receiver=courier_receiver)`` in urls.py."""


@courier_receiver.on(courier.MessageUpdated)
def on_message(event: courier.MessageUpdated) -> None:
    """A Courier message changed status."""
    logger.info("courier message %s is %s", event.message.id, event.message.status.value)


def on_delivery(event: kourier.KourierEvent) -> None:
    """A Kourier delivery event (``settings.WEBHOOK_RECEIVER`` routes ``delivery.*`` here)."""
    logger.info("kourier %s: delivery %s is %s", event.type, event.delivery_id, event.status)


def on_track(event: customerio.Track) -> None:
    """A Customer.io ``track`` call."""
    logger.info("customerio track %r by user %s", event.event, event.user_id)


def log_any(event: Event) -> None:
    """Every Customer.io event, whatever its type."""
    logger.info("customerio %s event received", event.type)
