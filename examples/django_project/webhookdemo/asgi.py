"""ASGI entry point (``uvicorn webhookdemo.asgi:application``).

Under ASGI, Django receives a request's whole body before any middleware or view
runs (spooling it to disk past ``FILE_UPLOAD_MAX_MEMORY_SIZE``), so a webhook's size
limit must be applied in front of Django to refuse an oversized body before it is
buffered. Two pure-ASGI layers do that:

* ``WebhookMiddleware`` answers the paths of ``settings.WEBHOOK_RECEIVER`` itself,
  with the same receivers the Django middleware would use, reading each body in
  chunks under its limit (413 the moment it passes it);
* ``BodyLimit`` guards the paths Django's views answer (Courier's, here): an
  oversized body is refused with the view's receiver's own 413 before Django runs.
"""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webhookdemo.settings")
django_application = get_asgi_application()

# After Django is set up: the settings and the views' receivers are read here.
from webhook_receiver.adapters.asgi import BodyLimit, WebhookMiddleware  # noqa: E402
from webhook_receiver.adapters.django import settings_receivers  # noqa: E402

from .hooks import courier_receiver  # noqa: E402

application = WebhookMiddleware(
    BodyLimit(django_application, routes={"/hooks/courier/": courier_receiver}),
    routes=settings_receivers(),
)
