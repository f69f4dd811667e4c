"""WSGI deployments: Flask behind the WSGI middleware (at the top, or under a ``SCRIPT_NAME``),
the Flask decorator and the Flask extension, each bare or protected.

``app`` serves all of them from one gunicorn process, by the ``X-Deployment:
<name>:<bare|protected>`` header, handing each the environ untouched
(``gunicorn tests.adapters.apps.wsgi_apps:app``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from webhook_receiver.adapters.flask import ALL_METHODS, WebhookReceiver, webhook
from webhook_receiver.adapters.wsgi import WebhookMiddleware, WSGIApp

from .common import (
    DEPLOYMENT_HEADER,
    HEALTH,
    MOUNT,
    PROTECTED,
    REACHED,
    REACHED_BODY,
    REACHED_COUNT,
    REACHED_STATUS,
    reached_json,
    receivers,
)


def flask_app(name: str) -> Flask:
    """A Flask app whose own route at the protected path records that it ran."""
    app = Flask(f"{__name__}.{name}")

    @app.post(PROTECTED)
    def own() -> tuple[bytes, int]:
        REACHED[name] += 1
        return REACHED_BODY, REACHED_STATUS

    return app


def not_found(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "9")])
    return [b"not found"]


def flask_wsgi_middleware(name: str, protected: bool) -> WSGIApp:
    """A Flask app wrapped in the WSGI middleware."""
    app = flask_app(name)
    return WebhookMiddleware(app.wsgi_app, routes=receivers()) if protected else app.wsgi_app


def flask_script_name(name: str, protected: bool) -> WSGIApp:
    """The same, mounted at ``MOUNT`` by werkzeug's ``DispatcherMiddleware`` (a ``SCRIPT_NAME``)."""
    return DispatcherMiddleware(not_found, {MOUNT: flask_wsgi_middleware(name, protected)})


def flask_decorator(name: str, protected: bool) -> WSGIApp:
    """``@webhook(receiver)`` views; the view body records that it ran."""
    if not protected:
        return flask_app(name).wsgi_app
    app = Flask(f"{__name__}.{name}")
    for path, receiver in receivers().items():

        @webhook(receiver)
        def hook() -> None:
            REACHED[name] += 1

        app.add_url_rule(path, endpoint=path, view_func=hook, methods=ALL_METHODS)
    return app.wsgi_app


def flask_extension(name: str, protected: bool) -> WSGIApp:
    """The ``WebhookReceiver`` extension's own URL rules (it has no view of the app's to reach)."""
    if not protected:
        return flask_app(name).wsgi_app
    app = Flask(f"{__name__}.{name}")
    WebhookReceiver(app, routes=receivers())
    return app.wsgi_app


DEPLOYMENTS: dict[str, Callable[[str, bool], WSGIApp]] = {
    "flask-wsgi-middleware": flask_wsgi_middleware,
    "flask-script-name": flask_script_name,
    "flask-decorator": flask_decorator,
    "flask-extension": flask_extension,
}

_APPS: dict[str, WSGIApp] = {
    f"{name}:{variant}": build(f"{name}:{variant}", variant == "protected")
    for name, build in DEPLOYMENTS.items()
    for variant in ("bare", "protected")
}
_KEY = "HTTP_" + DEPLOYMENT_HEADER.upper().replace("-", "_")


def _plain(start_response: Callable[..., Any], status: str, body: bytes) -> list[bytes]:
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """The server's entry point: health, the reached record, or a deployment by header."""
    selected = environ.get(_KEY)
    if selected is None:
        path = environ.get("PATH_INFO", "")
        if path == HEALTH:
            return _plain(start_response, "200 OK", b"{}")
        if path == REACHED_COUNT:
            return _plain(start_response, "200 OK", reached_json())
        return _plain(start_response, "404 Not Found", b'{"error": "no deployment header"}')
    return _APPS[selected](environ, start_response)
