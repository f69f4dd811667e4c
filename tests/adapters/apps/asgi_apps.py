"""ASGI deployments: Starlette and FastAPI, bare or behind the webhook layer.

``app`` serves all of them from one uvicorn process: it picks the deployment by the
``X-Deployment: <name>:<bare|protected>`` header and hands it the request's scope
untouched, so each deployment routes exactly as it would served alone
(``uvicorn tests.adapters.apps.asgi_apps:app``, with or without ``--root-path``).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

from fastapi import Depends, FastAPI
from fastapi.exceptions import FastAPIDeprecationWarning
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from webhook_receiver import Event
from webhook_receiver.adapters.asgi import ASGIApp, WebhookMiddleware
from webhook_receiver.adapters.fastapi import WebhookRejected, webhook_events, webhook_exception_handler

from .common import (
    DEPLOYMENT_HEADER,
    HEALTH,
    MOUNT,
    PROTECTED,
    REACHED,
    REACHED_BODY,
    REACHED_COUNT,
    REACHED_STATUS,
    ROOT_PATH,
    reached_json,
    receivers,
)


def own_route(name: str) -> Callable[[Request], object]:
    """The application's own endpoint at the protected path: records that it ran."""

    async def endpoint(request: Request) -> Response:
        REACHED[name] += 1
        return Response(REACHED_BODY, status_code=REACHED_STATUS)

    return endpoint


def starlette(name: str, protected: bool) -> ASGIApp:
    """Starlette with the middleware at the top level."""
    middleware = [Middleware(WebhookMiddleware, routes=receivers())] if protected else []
    return Starlette(routes=[Route(PROTECTED, own_route(name), methods=["POST"])], middleware=middleware)


def starlette_mount(name: str, protected: bool) -> ASGIApp:
    """The middleware around an inner app, inside ``Mount(MOUNT, ...)``."""
    inner: ASGIApp = Starlette(routes=[Route(PROTECTED, own_route(name), methods=["POST"])])
    if protected:
        inner = WebhookMiddleware(inner, routes=receivers())
    return Starlette(routes=[Mount(MOUNT, app=inner)])


def fastapi_app(name: str, protected: bool, root_path: str = "") -> ASGIApp:
    """FastAPI with the middleware added by ``add_middleware``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FastAPIDeprecationWarning)  # root_path= is deprecated, still used
        app = FastAPI(root_path=root_path, openapi_url=None)
    app.add_api_route(PROTECTED, own_route(name), methods=["POST"])
    if protected:
        app.add_middleware(WebhookMiddleware, routes=receivers())
    return app


def fastapi_root_path(name: str, protected: bool) -> ASGIApp:
    """``FastAPI(root_path=ROOT_PATH)``: the app sets the scope's ``root_path`` itself."""
    return fastapi_app(name, protected, ROOT_PATH)


def fastapi_dependency(name: str, protected: bool) -> ASGIApp:
    """A FastAPI route that takes ``Depends(webhook_events(receiver))``."""
    app = FastAPI(openapi_url=None)
    if not protected:
        app.add_api_route(PROTECTED, own_route(name), methods=["POST"])
        return app
    app.add_exception_handler(WebhookRejected, webhook_exception_handler)
    for path, receiver in receivers().items():
        verified = webhook_events(receiver)

        async def hook(events: list[Event] = Depends(verified)) -> dict[str, int]:
            REACHED[name] += 1
            return {"received": len(events)}

        app.add_api_route(path, hook, methods=["POST"])
    return app


DEPLOYMENTS: dict[str, Callable[[str, bool], ASGIApp]] = {
    "starlette": starlette,
    "starlette-mount": starlette_mount,
    "fastapi-middleware": fastapi_app,
    "fastapi-root-path": fastapi_root_path,
    "fastapi-dependency": fastapi_dependency,
}

_APPS: dict[bytes, ASGIApp] = {
    f"{name}:{variant}".encode(): build(f"{name}:{variant}", variant == "protected")
    for name, build in DEPLOYMENTS.items()
    for variant in ("bare", "protected")
}
_HEADER = DEPLOYMENT_HEADER.lower().encode()


async def _plain(send: Callable[..., object], status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})  # type: ignore[misc]
    await send({"type": "http.response.body", "body": body})  # type: ignore[misc]


async def app(scope: dict, receive: Callable[..., object], send: Callable[..., object]) -> None:  # type: ignore[type-arg]
    """The server's entry point: health, the reached record, or a deployment by header."""
    if scope["type"] != "http":
        return
    path = scope["path"]
    selected = next((value for name, value in scope["headers"] if name == _HEADER), None)
    if selected is None:
        if path.endswith(HEALTH):
            await _plain(send, 200, b"{}")
        elif path.endswith(REACHED_COUNT):
            await _plain(send, 200, reached_json())
        else:
            await _plain(send, 404, b'{"error": "no deployment header"}')
        return
    await _APPS[selected](scope, receive, send)  # type: ignore[arg-type]
