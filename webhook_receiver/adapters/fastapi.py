"""A FastAPI dependency that hands a route verified, typed events.

::

    from webhook_receiver.adapters.fastapi import route_options, webhook_events

    verified = webhook_events(receiver)

    @app.post("/hooks/kourier", **route_options(receiver))
    async def kourier_hook(events: list[Event] = Depends(verified)) -> dict[str, int]:
        return {"received": len(events)}

The dependency reads the raw body itself, in chunks and under the receiver's size
limit, before FastAPI parses anything; verifies, parses and runs the receiver's own
registered handlers; and returns the events. A refused request never reaches the
route: it raises :class:`WebhookRejected`, an ``HTTPException`` with the Receiver's
status and headers (FastAPI renders it as ``{"detail": "<code>"}``; add
:func:`webhook_exception_handler` to send the Receiver's own ``{"error": "<code>"}``
body instead). :func:`route_options` documents the signature headers, the JSON body
and the error statuses in the OpenAPI schema.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from .._errors import STATUSES, ConfigurationError, PayloadError, WebhookError
from .._events import Event
from .._pipeline import Receive, serve_async
from .._receiver import Receiver, Reply
from . import require

require("fastapi", "fastapi", "fastapi")

from fastapi import HTTPException, Request  # noqa: E402 - after the friendly import check
from fastapi.responses import Response  # noqa: E402
from starlette.requests import ClientDisconnect  # noqa: E402

__all__ = [
    "RESPONSES",
    "WebhookRejected",
    "reply_response",
    "route_options",
    "webhook_events",
    "webhook_exception_handler",
    "webhook_reply",
]

RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"description": description[0].upper() + description[1:] + "."}
    for status, description in STATUSES.items()
    if status >= 400
}
"""The error statuses a webhook route can answer, for ``responses=`` in a route decorator."""


class WebhookRejected(HTTPException):
    """A refused webhook: the Receiver's status, reason code and headers.

    ``reply`` is the Receiver's full answer, for :func:`webhook_exception_handler`.
    """

    def __init__(self, reply: Reply) -> None:
        self.reply = reply
        code = reply.error.code if reply.error is not None else "webhook_error"
        headers = {k: v for k, v in reply.headers.items() if k.lower() != "content-type"}
        super().__init__(status_code=reply.status, detail=code, headers=headers or None)


async def webhook_exception_handler(request: Request, exc: Exception) -> Response:
    """Send a :class:`WebhookRejected` exactly as the Receiver answered it.

    ``app.add_exception_handler(WebhookRejected, webhook_exception_handler)``
    """
    if not isinstance(exc, WebhookRejected):  # pragma: no cover - registered for WebhookRejected only
        raise exc
    return reply_response(exc.reply)


def _messages(request: Request) -> Receive:
    """``request.stream()`` as ASGI messages, for the pipeline (Starlette then knows the
    body is consumed, and ``await request.body()`` in the route says so)."""
    stream = request.stream()

    async def receive() -> dict[str, Any]:
        try:
            return {"type": "http.request", "body": await anext(stream), "more_body": True}
        except StopAsyncIteration:
            return {"type": "http.request", "body": b"", "more_body": False}
        except ClientDisconnect:
            return {"type": "http.disconnect"}

    return receive


def webhook_reply(receiver: Receiver) -> Callable[[Request], Awaitable[Reply]]:
    """A dependency returning the Receiver's whole ``Reply`` (``Depends(webhook_reply(r))``).

    For providers whose sender reads the answer (a handshake: Meta's ``GET``, Zoom's
    ``endpoint.url_validation``, Twitch's challenge, Discord's ``PING``, Slack's
    ``url_verification``): the route returns :func:`reply_response` of it (or its own
    response for ordinary events). Refusals raise :class:`WebhookRejected`, as with
    :func:`webhook_events`.
    """
    if not isinstance(receiver, Receiver):
        raise ConfigurationError("webhook_reply needs a Receiver")

    async def verified_reply(request: Request) -> Reply:
        reply = await serve_async(
            receiver,
            request.method,
            request.headers.raw,
            _messages(request),
            query=request.scope.get("query_string", b"").decode("latin-1"),
        )
        if reply is None:
            gone = PayloadError("the client went away before the whole body arrived")
            raise WebhookRejected(receiver.reject(gone))
        if not reply.ok:
            raise WebhookRejected(reply)
        return reply

    verified_reply.__name__ = f"verified_{receiver.provider.name.replace('-', '_')}_reply"
    return verified_reply


def reply_response(reply: Reply) -> Response:
    """The ``Reply`` as a FastAPI ``Response``: status, headers and body exactly as given."""
    return Response(reply.body, status_code=reply.status, headers=dict(reply.headers))


def webhook_events(receiver: Receiver) -> Callable[[Request], Awaitable[list[Event]]]:
    """A dependency returning the request's verified events (``Depends(webhook_events(r))``).

    The receiver's registered handlers run before the route does; if one fails, the
    request is rejected with 500 so the sender retries. The route writes the
    response, so a handshake's answer is lost: for providers with one, use
    :func:`webhook_reply`.
    """
    if not isinstance(receiver, Receiver):
        raise ConfigurationError("webhook_events needs a Receiver")
    verified_reply = webhook_reply(receiver)

    async def verified_events(request: Request) -> list[Event]:
        return list((await verified_reply(request)).events)

    verified_events.__name__ = f"verified_{receiver.provider.name.replace('-', '_')}_events"
    return verified_events


def route_options(receiver: Receiver) -> dict[str, Any]:
    """``responses`` and ``openapi_extra`` describing a webhook route in the OpenAPI schema.

    The header parameters are the ones the provider's sender attaches (from
    ``provider.sign``), so the schema shows e.g. ``courier-signature`` for Courier.
    """
    try:
        header_names = list(receiver.provider.sign(b"{}", now=0))
    except WebhookError:  # a provider whose credentials the app cannot produce (OAuth 2.0)
        header_names = ["Authorization"]
    parameters = [
        {"name": name, "in": "header", "required": True, "schema": {"type": "string"}}
        for name in header_names
    ]
    return {
        "responses": RESPONSES,
        "openapi_extra": {
            "parameters": parameters,
            "requestBody": {
                "required": True,
                "description": f"The {receiver.provider.name} webhook payload, verified before it is parsed.",
                "content": {"application/json": {"schema": {}}},
            },
        },
    }
