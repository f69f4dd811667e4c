"""Flask's request and response, for the pipeline: the headers, the body, the reply."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import cast

from flask import Flask, Request, Response, current_app, request
from werkzeug.datastructures import EnvironHeaders
from werkzeug.local import LocalProxy

from ..._headers import EnvironNames, HeadersLike
from ..._pipeline import serve
from ..._receiver import Receiver, Reply
from .._environ import HeaderPlans, plan_pairs

__all__ = [
    "ALL_METHODS",
    "EXTENSION_KEY",
    "answer",
    "current_app_object",
    "current_request",
    "response",
    "to_response",
]

ALL_METHODS: tuple[str, ...] = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
"""Every common HTTP method: route a webhook with these so the Receiver answers 405 itself."""

EXTENSION_KEY = "webhook_receiver"
"""Where :class:`WebhookReceiver` keeps itself in ``app.extensions``."""


def to_response(reply: Reply) -> Response:
    """A Flask response with the ``Reply``'s status, headers and body, exactly as given."""
    return response(current_app_object(), reply)


# The proxies ``request`` and ``current_app`` look the object up again on every attribute
# access (a context variable read and a few calls each): a request's path resolves them
# once and works on the objects themselves. ``_get_current_object`` is how Flask's docs
# say to reach the object behind a proxy; werkzeug sets it on each proxy when the proxy
# is made, so it is taken once here rather than through a function per request.
current_app_object: Callable[[], Flask] = cast("LocalProxy[Flask]", current_app)._get_current_object
"""The application handling the current request (not the proxy)."""

current_request: Callable[[], Request] = cast("LocalProxy[Request]", request)._get_current_object
"""The current request object (not the proxy)."""


def response(app: Flask, reply: Reply) -> Response:
    headers = reply.headers
    if len(headers) == 1 and "Content-Type" in headers:
        # The usual reply (JSON, nothing else): the same response, built without a
        # header list to copy and scan for a content type.
        return app.response_class(reply.body, status=reply.status, content_type=headers["Content-Type"])
    made = app.response_class(reply.body, status=reply.status, headers=list(headers.items()))
    if not any(name.lower() == "content-type" for name in headers):
        # Werkzeug gives a response without one its default text/html, even a 204.
        del made.headers["Content-Type"]
    return made


_NAMES = EnvironNames(("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"))  # werkzeug's ``EnvironHeaders`` rules
_PLANS = HeaderPlans(_NAMES)


def _header_pairs(req: Request) -> HeadersLike:
    """``req.headers`` for ``Receiver.precheck``, as the list of pairs it scans fastest.

    werkzeug's ``EnvironHeaders`` is a live view of the environ whose every iteration
    runs a generator over the whole environ (and ``list()`` of it iterates twice, once
    for its length): this builds the same pairs in one pass, by the same rules
    (``HTTP_*`` but not ``HTTP_CONTENT_TYPE``/``HTTP_CONTENT_LENGTH``, and
    ``CONTENT_TYPE``/``CONTENT_LENGTH`` when not empty), in the same order, leaving
    out only a key of exactly ``HTTP_`` (an empty name, which no server produces and
    no lookup asks for). Names are lower-cased rather than title-cased: the header
    view compares them case-insensitively either way. Any other headers object (a
    custom request class) is passed as it is.
    """
    headers = req.headers
    if type(headers) is not EnvironHeaders:
        return headers
    environ = headers.environ
    keys = tuple(environ)  # which keys are headers: remembered per sequence (adapters._environ)
    plan = _PLANS.get(keys)
    if plan is None:
        plan = _PLANS.make(keys)
    return plan_pairs(environ, plan)


def answer(receiver: Receiver, req: Request) -> Reply:
    """The ``Reply`` for the request ``req`` to ``receiver`` (``_pipeline.serve``)."""

    def keep(body: bytes) -> None:
        # request.stream is spent; put the bytes back so request.get_data() and
        # request.get_json() in the view see them (werkzeug documents that setting a
        # cached_property sets its cached value).
        req.stream = io.BytesIO(body)

    # request.stream stops at Content-Length, and without one it is empty unless the
    # server terminates the input (chunked; wsgi.input_terminated).
    terminated = bool(req.environ.get("wsgi.input_terminated"))
    return serve(
        receiver,
        req.method,
        _header_pairs(req),
        req.stream.read,
        terminated=terminated,
        received=keep,
        query=req.query_string.decode("latin-1"),
    )
