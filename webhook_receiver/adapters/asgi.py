"""A pure ASGI middleware: Starlette, FastAPI, or any ASGI app, under any ASGI server.

::

    app = WebhookMiddleware(app, routes={"/webhooks/courier": courier_receiver})

Requests to a configured path are answered here; everything else (other paths,
websockets, lifespan) passes through untouched. The body is read in chunks and the
read stops at the receiver's size limit: a declared ``Content-Length`` over it is
refused before reading anything, and a chunked body the moment the bytes received
pass it, without buffering the rest. Nothing here needs Starlette: it speaks ASGI
3 directly, as Starlette's own ``TrustedHostMiddleware`` does, rather than through
``BaseHTTPMiddleware``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, MutableMapping
from typing import Any

from .._errors import WebhookError
from .._receiver import Receiver, Reply
from ._routes import RouteTable

__all__ = ["ASGIApp", "WebhookMiddleware", "answer", "read_body", "send_reply"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
"""An ASGI 3 application."""


class _ClientDisconnected(Exception):
    """The client went away before the whole body arrived; there is no one to answer."""


async def read_body(receiver: Receiver, receive: Receive) -> bytes:
    """Read an ASGI request body in chunks, refusing it once it passes the size limit.

    Raises:
        BodyTooLarge: the bytes received passed ``receiver.max_body_size``.
        _ClientDisconnected: the client went away mid-body.
    """
    message = await receive()
    if message["type"] == "http.disconnect":
        raise _ClientDisconnected
    chunk = message.get("body", b"")
    if not message.get("more_body", False) and type(chunk) is bytes and len(chunk) <= receiver.max_body_size:
        # The whole body in one message, as servers deliver a small one: nothing to join.
        return chunk
    body = receiver.limited_body()
    while True:
        body.feed(chunk)
        if not message.get("more_body", False):
            return body.getvalue()
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _ClientDisconnected
        chunk = message.get("body", b"")


def _encode(headers: Mapping[str, str]) -> list[tuple[bytes, bytes]]:
    return [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]


# Most replies carry the Receiver's one shared, read-only header mapping (a JSON content
# type): its ASGI form is encoded once, here, rather than for every response.
_SHARED_HEADERS = Reply(200, b"").headers
_SHARED_ENCODED = tuple(_encode(_SHARED_HEADERS))


async def send_reply(send: Send, reply: Reply) -> None:
    """Send a ``Reply`` as an ASGI response."""
    body = reply.body
    headers = list(_SHARED_ENCODED) if reply.headers is _SHARED_HEADERS else _encode(reply.headers)
    headers.append((b"content-length", str(len(body)).encode("ascii")))
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class WebhookMiddleware:
    """Answer webhook requests at the configured paths; pass everything else on.

    Args:
        app: the ASGI application to wrap.
        routes: URL path -> :class:`~webhook_receiver.Receiver`. Paths match exactly,
            ignoring a trailing slash, against the ASGI ``path`` (after any
            ``root_path`` a server strips).
    """

    def __init__(self, app: ASGIApp, routes: Mapping[str, Receiver] | Iterable[tuple[str, Receiver]]) -> None:
        self.app = app
        self.routes = RouteTable(routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI entry point."""
        receiver = self.routes.get(scope["path"]) if scope["type"] == "http" else None
        if receiver is None:
            await self.app(scope, receive, send)
            return
        await answer(receiver, scope, receive, send)


async def answer(receiver: Receiver, scope: Scope, receive: Receive, send: Send) -> Reply | None:
    """Answer one ASGI HTTP request with ``receiver``; return the ``Reply`` sent.

    Returns ``None`` (and sends nothing) when the client disconnected mid-body.
    """
    method: str = scope["method"]
    headers: list[tuple[bytes, bytes]] = scope["headers"]
    try:
        view = receiver.precheck(method, headers)
        body = await read_body(receiver, receive)
    except WebhookError as exc:
        reply = receiver.reject(exc)
    except _ClientDisconnected:
        return None
    else:
        reply = await receiver.handle_async(method, view, body)
    await send_reply(send, reply)
    return reply
