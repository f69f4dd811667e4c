"""A WSGI middleware for any WSGI application (Flask, Django, Werkzeug, ...).

::

    app = WebhookMiddleware(app, routes={"/webhooks/kourier": kourier_receiver})

Requests to a configured path are answered here; every other request goes to the
wrapped application untouched. The body is read from ``wsgi.input`` in chunks: a
declared ``Content-Length`` over the receiver's limit is refused before reading, and
a body without one (chunked, where the server sets ``wsgi.input_terminated``) the
moment the bytes read pass the limit. Without either, PEP 3333 forbids reading past
what was declared, so the body is empty. Pure WSGI: no framework is imported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from http import HTTPStatus
from typing import Any, Protocol

from .._errors import WebhookError
from .._headers import Headers
from .._receiver import Receiver, Reply
from ._routes import RouteTable

__all__ = ["WSGIApp", "WebhookMiddleware", "answer", "read_body", "status_line"]

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]
"""A WSGI application."""

_CHUNK = 64 * 1024


class _Input(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


def status_line(status: int) -> str:
    """``"401 Unauthorized"``: a status with its reason phrase, as WSGI wants it."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def read_body(receiver: Receiver, environ: Environ) -> bytes:
    """Read ``wsgi.input`` in chunks, refusing the body once it passes the size limit.

    Call after ``receiver.precheck``, which has validated ``CONTENT_LENGTH``.

    Raises:
        BodyTooLarge: the bytes read passed ``receiver.max_body_size``.
    """
    stream: _Input = environ["wsgi.input"]
    body = receiver.limited_body()
    declared = environ.get("CONTENT_LENGTH") or ""
    if declared.strip():
        left = int(declared)
        while left > 0:
            chunk = stream.read(min(_CHUNK, left))
            if not chunk:
                break  # the client sent less than it declared; verification will fail
            left -= len(chunk)
            body.feed(chunk)
    elif environ.get("wsgi.input_terminated"):
        while chunk := stream.read(min(_CHUNK, body.remaining())):
            body.feed(chunk)
    return body.getvalue()


def answer(receiver: Receiver, environ: Environ) -> Reply:
    """The ``Reply`` for one WSGI request to ``receiver``."""
    method = str(environ.get("REQUEST_METHOD", "GET"))
    try:
        headers = receiver.precheck(method, Headers.from_environ(environ))
        body = read_body(receiver, environ)
    except WebhookError as exc:
        return receiver.reject(exc)
    return receiver.handle(method, headers, body)


class WebhookMiddleware:
    """Answer webhook requests at the configured paths; pass everything else on.

    Args:
        app: the WSGI application to wrap.
        routes: URL path -> :class:`~webhook_receiver.Receiver`. Paths match
            ``PATH_INFO`` exactly, ignoring a trailing slash.
    """

    def __init__(self, app: WSGIApp, routes: Mapping[str, Receiver] | Iterable[tuple[str, Receiver]]) -> None:
        self.app = app
        self.routes = RouteTable(routes)

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        """The WSGI entry point."""
        receiver = self.routes.get(str(environ.get("PATH_INFO", "")))
        if receiver is None:
            return self.app(environ, start_response)
        reply = answer(receiver, environ)
        headers = [*reply.headers.items(), ("Content-Length", str(len(reply.body)))]
        start_response(status_line(reply.status), headers)
        return [reply.body]
