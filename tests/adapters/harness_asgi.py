"""Harnesses for the ASGI middleware (in Starlette and in FastAPI) and the FastAPI dependency."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from fastapi import Depends, FastAPI
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from webhook_receiver import Event
from webhook_receiver.adapters.asgi import WebhookMiddleware
from webhook_receiver.adapters.fastapi import WebhookRejected, webhook_events, webhook_exception_handler

from .spec import OTHER_BODY, OTHER_PATH, HarnessResponse, make_receivers


async def other(request: Request) -> PlainTextResponse:
    return PlainTextResponse(OTHER_BODY)


def starlette_app(received: list[Event]) -> Starlette:
    return Starlette(
        routes=[Route(OTHER_PATH, other, methods=["GET", "POST"])],
        middleware=[Middleware(WebhookMiddleware, routes=make_receivers(received))],
    )


def fastapi_middleware_app(received: list[Event]) -> FastAPI:
    app = FastAPI()
    app.add_api_route(OTHER_PATH, other, methods=["GET", "POST"])
    app.add_middleware(WebhookMiddleware, routes=make_receivers(received))
    return app


def fastapi_dependency_app(received: list[Event]) -> FastAPI:
    app = FastAPI()
    app.add_api_route(OTHER_PATH, other, methods=["GET", "POST"])
    app.add_exception_handler(WebhookRejected, webhook_exception_handler)
    for path, receiver in make_receivers(received).items():
        verified = webhook_events(receiver)

        # A plain default, not Annotated: with postponed annotations FastAPI could not
        # resolve a local name inside Annotated[...].
        async def hook(events: list[Event] = Depends(verified)) -> dict[str, int]:
            return {"received": len(events)}

        app.add_api_route(path, hook, methods=["POST"])
    return app


class ASGIHarness:
    chunked = True

    def __init__(self, name: str, client: TestClient) -> None:
        self.name = name
        self.client = client

    def request(
        self, method: str, path: str, headers: Mapping[str, str], body: bytes | Iterable[bytes]
    ) -> HarnessResponse:
        response = self.client.request(method, path, headers=dict(headers), content=body)
        return HarnessResponse(
            response.status_code, {k.lower(): v for k, v in response.headers.items()}, response.content
        )

    def close(self) -> None:
        self.client.close()


def make_harness(name: str, received: list[Event]) -> ASGIHarness:
    build = {
        "asgi-starlette": starlette_app,
        "asgi-fastapi": fastapi_middleware_app,
        "fastapi-dependency": fastapi_dependency_app,
    }[name]
    return ASGIHarness(name, TestClient(build(received)))
