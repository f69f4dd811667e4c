"""Harness for the WSGI middleware around a plain Werkzeug application."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.test import Client
from werkzeug.wrappers import Request, Response

from webhook_receiver import Event
from webhook_receiver.adapters.wsgi import WebhookMiddleware

from .spec import OTHER_BODY, OTHER_PATH, HarnessResponse, make_receivers
from .wsgi_client import send

URLS = Map([Rule(OTHER_PATH, endpoint="other", methods=["GET", "POST"])])


@Request.application  # type: ignore[arg-type]
def werkzeug_app(request: Request) -> Response:
    try:
        URLS.bind_to_environ(request.environ).match()
    except HTTPException as exc:  # 404 and 405 for anything but OTHER_PATH
        return exc.get_response()  # type: ignore[return-value]
    return Response(OTHER_BODY)


class WSGIHarness:
    chunked = True

    def __init__(self, name: str, received: list[Event]) -> None:
        self.name = name
        self.client = Client(WebhookMiddleware(werkzeug_app, routes=make_receivers(received)))

    def request(
        self, method: str, path: str, headers: Mapping[str, str], body: bytes | Iterable[bytes]
    ) -> HarnessResponse:
        return send(self.client, method, path, headers, body)


def make_harness(name: str, received: list[Event]) -> WSGIHarness:
    return WSGIHarness(name, received)
