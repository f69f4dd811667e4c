"""A WSGI middleware for any WSGI application (Flask, Django, Werkzeug, ...).

::

    app = WebhookMiddleware(app, routes={"/webhooks/kourier": kourier_receiver})

Requests to a configured path are answered here; every other request goes to the
wrapped application untouched. Paths are matched on ``PATH_INFO`` (what follows
the ``SCRIPT_NAME`` the app is mounted at), in every spelling the application
would route to a protected path (``_pipeline.RouteTable``: Werkzeug merges
slashes, so ``//hooks/x`` and ``/%2Fhooks/x`` are ``/hooks/x``). The request itself
is :func:`~webhook_receiver._pipeline.serve`'s: this module only speaks WSGI. The
body is read from ``wsgi.input``: the declared ``Content-Length``, or to the end
where the server terminates the input (``wsgi.input_terminated``, a chunked
request), else 411. Pure WSGI: no framework is imported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from http import HTTPStatus
from typing import Any

from .._headers import Headers
from .._pipeline import RouteTable, serve
from .._receiver import Receiver, Reply

__all__ = ["WSGIApp", "WebhookMiddleware", "answer", "input_of", "status_line"]

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]
"""A WSGI application."""


def status_line(status: int) -> str:
    """``"401 Unauthorized"``: a status with its reason phrase, as WSGI wants it."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def input_of(environ: Environ) -> tuple[Callable[[int], bytes], bool]:
    """``wsgi.input``'s ``read`` and whether the server terminates it (``wsgi.input_terminated``)."""
    return environ["wsgi.input"].read, bool(environ.get("wsgi.input_terminated"))


def answer(receiver: Receiver, environ: Environ) -> Reply:
    """The ``Reply`` for one WSGI request to ``receiver``."""
    read, terminated = input_of(environ)
    method = str(environ.get("REQUEST_METHOD", "GET"))
    query = str(environ.get("QUERY_STRING", ""))
    return serve(receiver, method, Headers.from_environ(environ), read, terminated=terminated, query=query)


class WebhookMiddleware:
    """Answer webhook requests at the configured paths; pass everything else on.

    Args:
        app: the WSGI application to wrap.
        routes: URL path -> :class:`~webhook_receiver.Receiver`, matched against
            ``PATH_INFO`` in every spelling the application would route to it.
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
