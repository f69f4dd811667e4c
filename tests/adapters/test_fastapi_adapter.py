"""FastAPI specifics: default error rendering, the OpenAPI schema, a missing FastAPI."""

from __future__ import annotations

import importlib
import json
import sys

import pytest
from fastapi import Depends, FastAPI
from starlette.testclient import TestClient

from webhook_receiver import Event, Receiver, providers
from webhook_receiver.adapters import MissingDependency
from webhook_receiver.adapters.fastapi import route_options, webhook_events

SECRET = "fastapi-secret"


def build(receiver: Receiver, calls: list[int]) -> FastAPI:
    app = FastAPI()
    verified = webhook_events(receiver)

    @app.post("/hooks", **route_options(receiver))
    async def hook(events: list[Event] = Depends(verified)) -> dict[str, int]:
        calls.append(len(events))
        return {"received": len(events)}

    return app


def test_without_the_exception_handler_fastapi_renders_detail_and_keeps_headers() -> None:
    calls: list[int] = []
    client = TestClient(build(Receiver(providers.Basic(username="u", password="p")), calls))
    response = client.post("/hooks", content=b"{}", headers={"Authorization": "Basic dTpx"})
    assert response.status_code == 401
    assert response.json() == {"detail": "invalid_credentials"}
    assert response.headers["www-authenticate"].startswith("Basic realm=")
    assert calls == []


def test_the_route_gets_the_events_and_handlers_ran_first() -> None:
    calls: list[int] = []
    receiver = Receiver(providers.Courier(secret=SECRET))
    order: list[str] = []
    receiver.on_any(lambda event: order.append("handler"))
    client = TestClient(build(receiver, calls))
    body = json.dumps({"type": "notification:published", "data": {"id": "n1"}}).encode()
    response = client.post("/hooks", content=body, headers=receiver.provider.sign(body))
    assert (response.status_code, response.json(), calls, order) == (200, {"received": 1}, [1], ["handler"])


def test_openapi_documents_signature_headers_body_and_errors() -> None:
    schema = build(Receiver(providers.Courier(secret=SECRET)), []).openapi()
    operation = schema["paths"]["/hooks"]["post"]
    assert {p["name"] for p in operation["parameters"] if p["in"] == "header"} == {"courier-signature"}
    assert "application/json" in operation["requestBody"]["content"]
    assert {"401", "413", "415", "500"} <= set(operation["responses"])
    # The dependency itself adds no query or body parameter of its own.
    assert all(p["in"] == "header" for p in operation["parameters"])


def test_route_options_for_a_provider_that_cannot_sign() -> None:
    receiver = Receiver(providers.Xtremepush(token_validator=lambda token: True))
    options = route_options(receiver)
    assert [p["name"] for p in options["openapi_extra"]["parameters"]] == ["Authorization"]


def test_missing_fastapi_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fastapi", None)
    monkeypatch.delitem(sys.modules, "webhook_receiver.adapters.fastapi")
    with pytest.raises(MissingDependency) as info:
        importlib.import_module("webhook_receiver.adapters.fastapi")
    assert "pip install 'webhook-receiver[fastapi]'" in str(info.value)
    assert isinstance(info.value, ImportError)
