"""A pure ASGI middleware: Starlette, FastAPI, or any ASGI app, under any ASGI server.

::

    app = WebhookMiddleware(app, routes={"/webhooks/courier": courier_receiver})

Requests to a configured path are answered here; everything else (other paths,
websockets, lifespan) passes through untouched. Paths are matched as Starlette
routes them: relative to the ``root_path`` (a server's ``--root-path``, a
``Mount``), and in every spelling the app below would route to a protected path
(``_pipeline.RouteTable``). The request itself is :func:`~webhook_receiver._pipeline.serve_async`'s:
this module only speaks ASGI. Nothing here needs Starlette: it speaks ASGI 3
directly, as Starlette's own ``TrustedHostMiddleware`` does, rather than through
``BaseHTTPMiddleware``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, MutableMapping
from typing import Any

from .._errors import BodyTooLarge, WebhookError
from .._pipeline import RouteTable, read_body_async, serve_async
from .._receiver import Receiver, Reply

__all__ = ["ASGIApp", "BodyLimit", "WebhookMiddleware", "answer", "read_body", "send_reply"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
"""An ASGI 3 application."""


async def read_body(receiver: Receiver, receive: Receive, expected: int | None = None) -> bytes:
    """An ASGI request's body, read under ``receiver``'s size limit (``_pipeline.read_body_async``).

    ``expected``: the declared ``Content-Length``, if any (it sizes the buffer).
    """
    return await read_body_async(receiver, receive, expected)


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


async def answer(receiver: Receiver, scope: Scope, receive: Receive, send: Send) -> Reply | None:
    """Answer one ASGI HTTP request with ``receiver``; return the ``Reply`` sent.

    Returns ``None`` (and sends nothing) when the client disconnected mid-body.
    """
    reply = await serve_async(
        receiver,
        scope["method"],
        scope["headers"],
        receive,
        query=scope.get("query_string", b"").decode("latin-1"),
    )
    if reply is not None:
        await send_reply(send, reply)
    return reply


class WebhookMiddleware:
    """Answer webhook requests at the configured paths; pass everything else on.

    Args:
        app: the ASGI application to wrap.
        routes: URL path -> :class:`~webhook_receiver.Receiver`, relative to where the
            middleware is mounted (the ``root_path``), matched in every spelling the
            application would route to it.
    """

    def __init__(self, app: ASGIApp, routes: Mapping[str, Receiver] | Iterable[tuple[str, Receiver]]) -> None:
        self.app = app
        self.routes = RouteTable(routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI entry point."""
        if scope["type"] == "http":
            receiver = self.routes.match(scope["path"], scope.get("root_path", ""))
            if receiver is not None:
                await answer(receiver, scope, receive, send)
                return
        await self.app(scope, receive, send)


class BodyLimit:
    """Refuse a webhook's oversized body at the ASGI level, before the app below buffers it.

    For an app that receives the whole body before its view runs (Django under ASGI
    spools it first): at the configured paths, a declared ``Content-Length`` over the
    receiver's ``max_body_size`` is answered 413 (by the receiver, as it answers it)
    without the app running, and a streamed body the moment it passes the limit,
    after which the app is told the client went away. Other requests pass untouched.
    ``WebhookMiddleware`` needs no guard: it reads bodies itself.

    Args:
        app: the ASGI application to guard (``get_asgi_application()``).
        routes: URL path -> the ``Receiver`` whose limit applies there (a view's).
    """

    def __init__(self, app: ASGIApp, routes: Mapping[str, Receiver] | Iterable[tuple[str, Receiver]]) -> None:
        self.app = app
        self.routes = RouteTable(routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI entry point."""
        receiver = None
        if scope["type"] == "http":
            receiver = self.routes.match(scope["path"], scope.get("root_path", ""))
        if receiver is None:
            await self.app(scope, receive, send)
            return
        try:
            receiver.precheck(scope["method"], scope["headers"])
        except BodyTooLarge as exc:
            await send_reply(send, receiver.reject(exc))
            return
        except WebhookError:
            pass  # the view answers the rest, as it always does
        limit, received = receiver.max_body_size, 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = BodyTooLarge(f"body passed the limit of {limit} bytes while streaming")
                    await send_reply(send, receiver.reject(refused))
                    return {"type": "http.disconnect"}
            return message

        await self.app(scope, counted, send)
