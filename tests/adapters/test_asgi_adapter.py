"""ASGI middleware details the contract suite does not reach: raw ASGI, no framework."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from webhook_receiver import ConfigurationError, Receiver, providers
from webhook_receiver.adapters.asgi import WebhookMiddleware

TOKEN = "asgi-token"
BODY = json.dumps({"event": "delivery.updated", "delivery_id": "d1", "status": "delivered"}).encode()


def receiver(limit: int = 1024) -> Receiver:
    return Receiver(providers.Kourier(token=TOKEN), max_body_size=limit)


class Downstream:
    """The wrapped ASGI app: records every scope that reaches it."""

    def __init__(self) -> None:
        self.scopes: list[dict[str, Any]] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.scopes.append(scope)


def http_scope(
    path: str, method: str = "POST", headers: list[tuple[bytes, bytes]] | None = None
) -> dict[str, Any]:
    return {
        "type": "http",
        "method": method,
        "path": path,
        "headers": headers if headers is not None else [(b"authorization", f"Bearer {TOKEN}".encode())],
    }


def run(app: Any, scope: dict[str, Any], messages: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """Call ``app``; return what it sent and how many messages it received."""
    sent: list[dict[str, Any]] = []
    pending = list(messages)
    reads = 0

    async def receive() -> dict[str, Any]:
        nonlocal reads
        reads += 1
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent, reads


def test_other_scopes_and_paths_pass_through() -> None:
    downstream = Downstream()
    app = WebhookMiddleware(downstream, routes={"/hooks": receiver()})
    for scope in ({"type": "lifespan"}, {"type": "websocket", "path": "/hooks"}, http_scope("/elsewhere")):
        run(app, scope, [])
    assert [s["type"] for s in downstream.scopes] == ["lifespan", "websocket", "http"]


def test_answers_with_a_content_length_and_the_reply() -> None:
    app = WebhookMiddleware(Downstream(), routes={"/hooks": receiver()})
    sent, _ = run(app, http_scope("/hooks/"), [{"type": "http.request", "body": BODY}])  # trailing slash
    start, body = sent
    assert start["status"] == 200
    assert dict(start["headers"])[b"content-length"] == str(len(body["body"])).encode()
    assert json.loads(body["body"]) == {"ok": True}


def test_streaming_stops_reading_once_past_the_limit() -> None:
    app = WebhookMiddleware(Downstream(), routes={"/hooks": receiver(limit=1000)})
    chunks = [{"type": "http.request", "body": b"x" * 300, "more_body": True} for _ in range(100)]
    sent, reads = run(app, http_scope("/hooks"), chunks)
    assert sent[0]["status"] == 413
    assert reads == 4  # 1200 bytes > 1000: the other 96 chunks are never read


def test_declared_oversize_reads_nothing() -> None:
    headers = [(b"authorization", f"Bearer {TOKEN}".encode()), (b"content-length", b"5000")]
    app = WebhookMiddleware(Downstream(), routes={"/hooks": receiver(limit=1000)})
    sent, reads = run(app, http_scope("/hooks", headers=headers), [{"type": "http.request", "body": b"{}"}])
    assert (sent[0]["status"], reads) == (413, 0)


def test_invalid_content_length_is_400() -> None:
    headers = [(b"authorization", f"Bearer {TOKEN}".encode()), (b"content-length", b"-1")]
    app = WebhookMiddleware(Downstream(), routes={"/hooks": receiver()})
    sent, _ = run(app, http_scope("/hooks", headers=headers), [])
    assert sent[0]["status"] == 400


def test_client_disconnect_mid_body_sends_nothing() -> None:
    app = WebhookMiddleware(Downstream(), routes={"/hooks": receiver()})
    sent, _ = run(app, http_scope("/hooks"), [{"type": "http.request", "body": b"{", "more_body": True}])
    assert sent == []


@pytest.mark.parametrize(
    "routes",
    [{}, {"hooks": receiver()}, {"/hooks": "not a receiver"}, [("/a", None)]],
)
def test_bad_routes(routes: Any) -> None:
    with pytest.raises(ConfigurationError):
        WebhookMiddleware(Downstream(), routes=routes)
