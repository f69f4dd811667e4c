"""Django: class-based views, and a middleware configured from ``settings.WEBHOOK_RECEIVER``.

A view per endpoint, in the URLconf::

    from webhook_receiver.adapters.django import WebhookView

    urlpatterns = [path("hooks/courier/", WebhookView.as_view(receiver=courier_receiver))]

or every endpoint from settings, answered by a middleware before URL resolution::

    MIDDLEWARE = [
        "django.middleware.security.SecurityMiddleware",
        "webhook_receiver.adapters.django.WebhookMiddleware",
        ...,
    ]
    WEBHOOK_RECEIVER = {
        "/hooks/kourier/": "myapp.hooks.kourier_receiver",  # a ready Receiver
        "/hooks/customerio/": {
            "provider": "customerio",
            "options": {"secret_env": "CUSTOMERIO_SECRET"},  # read from the environment
            "handlers": {"track": "myapp.hooks.on_track", "*": "myapp.hooks.log_any"},
        },
    }

What Django gets to decide, and what it does not:

* **Methods.** Every HTTP method reaches the view's ``dispatch`` (``http_method_names``
  is not consulted), so a wrong method is answered by the ``Receiver``: 405 with its
  ``Allow`` header and JSON body, the same answer every other adapter gives.
* **CSRF.** ``as_view()`` returns a ``csrf_exempt`` view: senders have no CSRF token,
  and the signature is what authenticates them. The middleware answers in its own
  ``__call__``, before URL resolution and so before any middleware's ``process_view``
  (where ``CsrfViewMiddleware`` rejects), wherever it sits in ``MIDDLEWARE``. Put it
  near the top, after ``SecurityMiddleware``: middleware above it runs first, and one
  that reads ``request.POST`` or ``request.body`` there would consume the body.
* **The body.** It is read raw with ``request.read()`` in chunks into
  ``Receiver.limited_body()``, after ``Receiver.precheck``: the receiver's
  ``max_body_size`` decides 413, not ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (which only guards
  ``request.body``/``request.POST``). Under WSGI, Django reads no further than the
  declared ``Content-Length`` (and sees an empty body without one); under ASGI, Django
  has already buffered the body (spooled to disk past ``FILE_UPLOAD_MAX_MEMORY_SIZE``)
  and the read stops one byte past the limit.
* **Async.** :class:`AsyncWebhookView` is an async view (``await
  Receiver.handle_async``); :class:`WebhookMiddleware` is both sync- and async-capable,
  so under ASGI it awaits ``handle_async`` too.
* **Settings.** Every problem in ``WEBHOOK_RECEIVER`` raises ``ImproperlyConfigured``
  when Django builds the middleware (at startup), never per request; messages name
  settings and environment variables, never a secret's value.
"""

from __future__ import annotations

from .. import require

require("django", "django", "django")

# ruff: noqa: E402 - Django is imported after the friendly import check
from ._request import answer, answer_async, body_of, to_response
from .configuration import (
    WebhookReceiverConfig,
    check_setting,
    receivers_from_setting,
    settings_receivers,
)
from .middleware import WebhookMiddleware
from .views import AsyncWebhookView, AsyncWebhookViewMixin, WebhookView, WebhookViewMixin

__all__ = [
    "AsyncWebhookView",
    "AsyncWebhookViewMixin",
    "WebhookMiddleware",
    "WebhookReceiverConfig",
    "WebhookView",
    "WebhookViewMixin",
    "answer",
    "answer_async",
    "body_of",
    "check_setting",
    "receivers_from_setting",
    "settings_receivers",
    "to_response",
]
