"""Harness for the WSGI middleware around a plain Werkzeug application."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Any

from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.test import Client, EnvironBuilder, run_wsgi_app
from werkzeug.wrappers import Request, Response

from webhook_receiver import Event
from webhook_receiver.adapters.wsgi import WebhookMiddleware

from .spec import OTHER_BODY, OTHER_PATH, HarnessResponse, make_receivers

URLS = Map([Rule(OTHER_PATH, endpoint="other", methods=["GET", "POST"])])


@Request.application  # type: ignore[arg-type]
def werkzeug_app(request: Request) -> Response:
    try:
        URLS.bind_to_environ(request.environ).match()
    except NotFound as exc:
        return exc.get_response()  # type: ignore[return-value]
    except HTTPException as exc:
        return exc.get_response()  # type: ignore[return-value]
    return Response(OTHER_BODY)


class _Chunks(io.RawIOBase):
    """A non-seekable byte stream over an iterable of chunks, as a server hands a chunked body."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


class WSGIHarness:
    chunked = True

    def __init__(self, name: str, received: list[Event]) -> None:
        self.name = name
        self.app = WebhookMiddleware(werkzeug_app, routes=make_receivers(received))
        self.client = Client(self.app)

    def request(
        self, method: str, path: str, headers: Mapping[str, str], body: bytes | Iterable[bytes]
    ) -> HarnessResponse:
        if isinstance(body, bytes):
            response = self.client.open(path, method=method, headers=dict(headers), data=body)
        else:
            # What a server does for Transfer-Encoding: chunked: no CONTENT_LENGTH, a
            # stream that cannot seek, and wsgi.input_terminated so the app may read to EOF.
            environ = EnvironBuilder(path, method=method, headers=dict(headers)).get_environ()
            environ.pop("CONTENT_LENGTH", None)
            environ["wsgi.input"] = io.BufferedReader(_Chunks(body))
            environ["wsgi.input_terminated"] = True
            app_iter, status, response_headers = run_wsgi_app(self.app, environ)
            return HarnessResponse(
                int(status.split()[0]),
                {k.lower(): v for k, v in response_headers.items()},
                b"".join(app_iter),
            )
        return HarnessResponse(
            response.status_code, {k.lower(): v for k, v in response.headers.items()}, response.get_data()
        )


def make_harness(name: str, received: list[Event]) -> WSGIHarness:
    return WSGIHarness(name, received)
