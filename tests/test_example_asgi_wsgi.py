"""The FastAPI, Starlette and WSGI examples, driven through real test clients."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest
from starlette.testclient import TestClient
from werkzeug.test import Client

from webhook_receiver import providers

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def signed(provider: providers.Provider, payload: object) -> tuple[dict[str, str], bytes]:
    body = json.dumps(payload).encode()
    return {"Content-Type": "application/json", **provider.sign(body)}, body


@pytest.fixture
def fastapi_example() -> ModuleType:
    return load("fastapi_app")


def test_fastapi_example(fastapi_example: ModuleType) -> None:
    client = TestClient(fastapi_example.app)
    headers, body = signed(
        providers.Courier(secret="demo-courier-secret"),
        {"type": "message:updated", "data": {"id": "m1", "status": "OPENED"}},
    )
    assert client.post("/hooks/courier", content=body, headers=headers).status_code == 200
    matched = {"type": "audiences:user:matched", "data": {"audience_id": "a", "user_id": "u"}}
    headers, body = signed(providers.Courier(secret="demo-courier-secret"), matched)
    assert client.post("/hooks/courier", content=body, headers=headers).status_code == 200
    delivery = {"event": "delivery.updated", "delivery_id": "abc123", "status": "delivered"}
    headers, body = signed(providers.Kourier(token="demo-kourier-token"), delivery)
    response = client.post("/hooks/kourier", content=body, headers=headers)
    assert (response.status_code, response.json()) == (200, {"received": 1})
    assert fastapi_example.received == [
        "courier m1 OPENED",
        "courier audiences:user:matched",
        "kourier abc123 delivered",
    ]
    rejected = client.post("/hooks/kourier", content=body, headers={"Authorization": "Bearer wrong"})
    assert (rejected.status_code, rejected.json()) == (401, {"error": "invalid_credentials"})
    assert "/hooks/kourier" in client.get("/openapi.json").json()["paths"]


def test_starlette_example() -> None:
    example = load("starlette_app")
    client = TestClient(example.app)
    batch = [
        {"type": "track", "userId": "1", "event": "Signed Up"},
        {"type": "track", "userId": "2", "event": "Upgraded"},
    ]
    headers, body = signed(providers.CustomerIO(secret="demo-cio-secret"), batch)
    assert client.post("/hooks/customerio", content=body, headers=headers).status_code == 200
    send = {"event": "message_send", "time": 1726324200, "properties": {"campaign_id": 42}}
    headers, body = signed(providers.Xtremepush(key="demo-xtremepush-key"), send)
    assert client.post("/hooks/xtremepush", content=body, headers=headers).status_code == 200
    assert example.received == [
        "customerio Signed Up 1",
        "customerio Upgraded 2",
        "xtremepush message_send 42",
    ]
    assert (
        client.post("/hooks/xtremepush", content=body, headers={"X-Signature": "forged"}).status_code == 401
    )
    assert client.get("/health").json() == {"status": "ok"}


def test_wsgi_example() -> None:
    example = load("wsgi_app")
    client = Client(example.app)
    delivery = {"event": "delivery.created", "delivery_id": "d9"}
    headers, body = signed(providers.Kourier(token="demo-kourier-token"), delivery)
    assert client.post("/hooks/kourier", data=body, headers=headers).status_code == 200
    channel = providers.CourierChannel(username="AzureDiamond", password="demo-hunter2")
    headers, body = signed(channel, {"event": "WELCOME", "recipient": "r1", "data": {}})
    assert client.post("/hooks/courier", data=body, headers=headers).status_code == 200
    assert example.received == ["kourier delivery.created d9", "courier-channel WELCOME r1"]
    assert client.get("/").get_data() == b"the rest of the site\n"
