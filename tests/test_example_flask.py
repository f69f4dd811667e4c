"""examples/flask_app.py receives signed webhooks through Flask's real test client."""

from __future__ import annotations

import importlib.util
import json
import logging
import sys
from pathlib import Path
from types import ModuleType

import pytest
from flask.testing import FlaskClient

from webhook_receiver import providers

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "flask_app.py"
SECRETS = {
    "KOURIER_TOKEN": "test-kourier-token",
    "COURIER_SIGNING_SECRET": "test-courier-secret",
    "CUSTOMERIO_WEBHOOK_SECRET": "test-customerio-secret",
}
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def example(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The example module, loaded fresh with the test secrets in the environment."""
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("flask_app_example", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def client(example: ModuleType) -> FlaskClient:
    return example.app.test_client()  # type: ignore[no-any-return]


def test_kourier_through_the_decorator(
    example: ModuleType, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    body = json.dumps({"event": "delivery.updated", "delivery_id": "abc123", "status": "in_transit"}).encode()
    headers = {**JSON, **providers.Kourier(token=SECRETS["KOURIER_TOKEN"]).sign(body)}
    with caplog.at_level(logging.INFO, logger="flask_app"):
        response = client.post("/hooks/kourier", headers=headers, data=body)
    assert (response.status_code, response.get_json()) == (200, {"received": 1})
    assert list(example.received) == ["kourier: delivery abc123 is in_transit"]
    assert "kourier: delivery abc123 is in_transit" in caplog.messages


def test_courier_through_the_extension(example: ModuleType, client: FlaskClient) -> None:
    body = json.dumps({"type": "message:updated", "data": {"id": "1-abc", "status": "DELIVERED"}}).encode()
    headers = {**JSON, **providers.Courier(secret=SECRETS["COURIER_SIGNING_SECRET"]).sign(body)}
    response = client.post("/hooks/courier", headers=headers, data=body)
    assert (response.status_code, response.get_json()) == (200, {"ok": True})
    assert list(example.received) == ["courier: message 1-abc is DELIVERED"]


def test_a_customerio_batch_through_the_extension(example: ModuleType, client: FlaskClient) -> None:
    batch = [
        {"type": "track", "userId": "123", "event": "Signed Up"},
        {"type": "track", "userId": "456", "event": "Upgraded"},
    ]
    body = json.dumps(batch).encode()
    headers = {**JSON, **providers.CustomerIO(secret=SECRETS["CUSTOMERIO_WEBHOOK_SECRET"]).sign(body)}
    response = client.post("/hooks/customerio", headers=headers, data=body)
    assert response.status_code == 200
    assert list(example.received) == [
        "customerio: 'Signed Up' by user 123",
        "customerio: 'Upgraded' by user 456",
    ]
    assert client.get("/").get_json() == {"received": list(example.received)}


def test_a_request_signed_with_the_demo_default_is_rejected(example: ModuleType, client: FlaskClient) -> None:
    # The secrets come from the environment: the built-in demo secret no longer passes.
    body = json.dumps({"type": "message:updated", "data": {"id": "1-abc", "status": "DELIVERED"}}).encode()
    headers = {**JSON, **providers.Courier(secret="demo-courier-secret").sign(body)}
    response = client.post("/hooks/courier", headers=headers, data=body)
    assert (response.status_code, response.get_json()) == (401, {"error": "signature_mismatch"})
    assert list(example.received) == []


def test_a_wrong_kourier_token_never_reaches_the_view(example: ModuleType, client: FlaskClient) -> None:
    body = json.dumps({"event": "delivery.updated", "delivery_id": "abc123", "status": "in_transit"}).encode()
    response = client.post("/hooks/kourier", headers={**JSON, "Authorization": "Bearer nope"}, data=body)
    assert response.status_code == 401
    assert "received" not in response.get_json()
    assert list(example.received) == []
    assert client.get("/hooks/kourier").status_code == 405
