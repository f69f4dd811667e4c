"""Harnesses for the Flask adapter: the ``@webhook`` decorator and the ``WebhookReceiver`` extension."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask import Flask

from webhook_receiver import Event, Receiver
from webhook_receiver.adapters.flask import ALL_METHODS, WebhookReceiver, webhook

from .spec import OTHER_BODY, OTHER_PATH, HarnessResponse, make_receivers
from .wsgi_client import send


def base_app() -> Flask:
    """A Flask app with only the unrelated route."""
    app = Flask(__name__)

    @app.route(OTHER_PATH, methods=["GET", "POST"])
    def other() -> bytes:
        return OTHER_BODY

    return app


def decorator_app(received: list[Event]) -> Flask:
    app = base_app()
    for path, receiver in make_receivers(received).items():
        add_decorated_view(app, path, receiver)
    return app


def add_decorated_view(app: Flask, path: str, receiver: Receiver) -> None:
    # A view per path, registered for every method so the Receiver answers 405 itself.
    @webhook(receiver)
    def hook() -> None:
        return None

    app.add_url_rule(path, endpoint=path, view_func=hook, methods=ALL_METHODS)


def extension_app(received: list[Event]) -> Flask:
    app = base_app()
    WebhookReceiver(app, routes=make_receivers(received))
    return app


class FlaskHarness:
    chunked = True

    def __init__(self, name: str, app: Flask) -> None:
        self.name = name
        self.app = app
        self.client = app.test_client()

    def request(
        self, method: str, path: str, headers: Mapping[str, str], body: bytes | Iterable[bytes]
    ) -> HarnessResponse:
        return send(self.client, method, path, headers, body)


def make_harness(name: str, received: list[Event]) -> FlaskHarness:
    build = {"flask-decorator": decorator_app, "flask-extension": extension_app}[name]
    return FlaskHarness(name, build(received))
