"""Flask: a ``@webhook(receiver)`` view decorator and a ``WebhookReceiver`` extension.

The decorator, when the view has something to add::

    from webhook_receiver.adapters.flask import ALL_METHODS, webhook

    @app.route("/hooks/kourier", methods=ALL_METHODS)
    @webhook(kourier_receiver)
    def kourier_hook(events: list[Event]) -> None:
        log.info("got %d events", len(events))  # None: send the Receiver's answer

The extension, when the receiver's own handlers are all there is::

    webhooks = WebhookReceiver(routes={"/hooks/courier": courier_receiver})

    def create_app() -> Flask:
        app = Flask(__name__)
        webhooks.init_app(app)
        return app

Both read the raw body from ``request.stream`` in chunks, under the receiver's size
limit (a declared ``Content-Length`` over it is refused before reading anything, a
chunked body the moment the bytes read pass it), and only then verify; nothing calls
``request.get_json()`` before the signature has been checked. The Receiver decides
every status; this module only turns its ``Reply`` into a Flask response. (An app's
own ``MAX_CONTENT_LENGTH``, if lower than the receiver's limit, still applies first:
Flask answers that 413 itself. After verification the view may call
``request.get_data()`` or ``request.get_json()``: they return the verified bytes.)

Methods: Flask answers a method a route was not registered for with its own 405
page. Register a decorated view with ``methods=ALL_METHODS`` so the Receiver
answers instead (JSON, with ``Allow``), or with ``methods=receiver.methods`` to let
Flask refuse the others. The extension registers ``ALL_METHODS``.

Two things elsewhere in an app can get in the way: something that reads the body
before the view (``request.get_data()`` or ``request.form`` in a
``before_request`` hook) leaves nothing to verify, and a CSRF guard such as
Flask-WTF's ``CSRFProtect`` refuses the sender's POST, so exempt the webhook views
(``csrf.exempt(view)``; the extension's are in ``app.view_functions``).
"""

from __future__ import annotations

from .. import require

require("flask", "flask", "flask")

# ruff: noqa: E402 - Flask is imported after the friendly import check
from ._request import ALL_METHODS, EXTENSION_KEY, to_response
from .decorator import View, webhook
from .extension import WebhookReceiver

__all__ = ["ALL_METHODS", "EXTENSION_KEY", "View", "WebhookReceiver", "to_response", "webhook"]
