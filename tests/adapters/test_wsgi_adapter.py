"""WSGI middleware details: reading wsgi.input under PEP 3333's rules."""

from __future__ import annotations

import io
import json
from typing import Any

from webhook_receiver import Receiver, providers
from webhook_receiver.adapters.wsgi import WebhookMiddleware, status_line

TOKEN = "wsgi-token"
BODY = json.dumps({"event": "delivery.created", "delivery_id": "d1"}).encode()


class CountingInput(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1, /) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def call(environ: dict[str, Any], limit: int = 1024) -> tuple[str, dict[str, str], bytes]:
    app = WebhookMiddleware(
        lambda e, s: [b"downstream"],
        routes={"/hooks": Receiver(providers.Kourier(token=TOKEN), max_body_size=limit)},
    )
    captured: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        captured["status"], captured["headers"] = status, dict(headers)

    body = b"".join(app(environ, start_response))
    return captured.get("status", ""), captured.get("headers", {}), body


def environ(stream: io.BytesIO, **extra: Any) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/hooks",
        "HTTP_AUTHORIZATION": f"Bearer {TOKEN}",
        "wsgi.input": stream,
        **extra,
    }


def test_reads_exactly_content_length() -> None:
    stream = CountingInput(BODY + b"garbage after the declared body")
    status, headers, body = call(environ(stream, CONTENT_LENGTH=str(len(BODY))))
    assert status == "200 OK"
    assert stream.bytes_read == len(BODY)
    assert headers["Content-Length"] == str(len(body))


def test_terminated_input_is_read_to_the_end_and_stops_past_the_limit() -> None:
    assert call(environ(CountingInput(BODY), **{"wsgi.input_terminated": True}))[0] == "200 OK"
    stream = CountingInput(b"x" * 1_000_000)
    status, _, body = call(environ(stream, **{"wsgi.input_terminated": True}), limit=1000)
    assert status == "413 Request Entity Too Large"
    assert stream.bytes_read <= 1001
    assert json.loads(body) == {"error": "body_too_large"}


def test_without_length_or_termination_nothing_is_read_and_the_answer_is_411() -> None:
    stream = CountingInput(BODY)
    status, _, body = call(environ(stream))
    assert status == "411 Length Required"  # PEP 3333: nothing past the declared length
    assert json.loads(body) == {"error": "length_required"}
    assert stream.bytes_read == 0


def test_short_body_and_other_paths() -> None:
    status, _, _ = call(environ(CountingInput(BODY[:10]), CONTENT_LENGTH=str(len(BODY))))
    assert status == "400 Bad Request"
    status, _, body = call({**environ(CountingInput(b"")), "PATH_INFO": "/elsewhere"})
    assert (status, body) == ("", b"downstream")


def test_status_line() -> None:
    assert status_line(401) == "401 Unauthorized"
    assert status_line(599) == "599 Unknown"
