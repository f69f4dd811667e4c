"""Harnesses for the Flask adapter: the ``@webhook`` decorator and the ``WebhookReceiver`` extension."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from webhook_receiver import Event, Receiver
from webhook_receiver.adapters.flask import ALL_METHODS, WebhookReceiver, webhook

from .spec import OTHER_BODY, OTHER_PATH, HarnessResponse, make_receivers


class ChunkStream(io.RawIOBase):
    """A byte stream over an iterable of chunks: a chunked body, with no length."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


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


def send(
    client: FlaskClient, method: str, path: str, headers: Mapping[str, str], body: bytes | Iterable[bytes]
) -> HarnessResponse:
    """One request through Flask's test client; an iterable body goes with no ``Content-Length``."""
    if isinstance(body, bytes):
        response = client.open(path, method=method, headers=dict(headers), data=body)
    else:
        # What a server does for Transfer-Encoding: chunked: no CONTENT_LENGTH, a stream
        # that cannot seek, and wsgi.input_terminated so request.stream reads to the end
        # (without it, Werkzeug hands the app an empty stream). EnvironBuilder measures an
        # input_stream by seeking, so the environ is finished by hand and the client gets
        # it as a Request, which it sends as it is.
        environ = EnvironBuilder(path, method=method, headers=list(headers.items())).get_environ()
        environ.pop("CONTENT_LENGTH", None)
        environ["wsgi.input"] = io.BufferedReader(ChunkStream(body))
        environ["wsgi.input_terminated"] = True
        response = client.open(Request(environ))
    return HarnessResponse(
        response.status_code, {k.lower(): v for k, v in response.headers.items()}, response.get_data()
    )


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
