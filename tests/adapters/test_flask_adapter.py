"""Flask adapter details: what the decorated view gets and returns, and the extension's URL rules."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator

import pytest
from flask import Flask, Response, jsonify, request, url_for
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from webhook_receiver import ConfigurationError, Event, Receiver, providers
from webhook_receiver.adapters import MissingDependency
from webhook_receiver.adapters.flask import ALL_METHODS, EXTENSION_KEY, WebhookReceiver, webhook
from webhook_receiver.providers import kourier

from .harness_flask import send

TOKEN = "flask-token"
PATH = "/hooks/kourier"
PAYLOAD = {"event": "delivery.updated", "delivery_id": "d1", "status": "delivered"}
BODY = json.dumps(PAYLOAD).encode()
HEADERS = {"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"}
BAD_TOKEN = {**HEADERS, "Authorization": "Bearer nope"}


def make_receiver(seen: list[Event] | None = None, *, limit: int = 4096) -> Receiver:
    receiver = Receiver(providers.Kourier(token=TOKEN), max_body_size=limit)
    if seen is not None:
        receiver.on_any(seen.append)
    return receiver


def post(
    client: FlaskClient, path: str = PATH, headers: dict[str, str] = HEADERS, body: bytes = BODY
) -> TestResponse:
    return client.post(path, headers=headers, data=body)


@pytest.fixture
def app() -> Flask:
    return Flask(__name__)


@pytest.fixture
def client(app: Flask) -> Iterator[FlaskClient]:
    with app.test_client() as test_client:
        yield test_client


# The decorator


def test_a_view_with_an_events_parameter_gets_the_verified_events(app: Flask, client: FlaskClient) -> None:
    got: list[list[Event]] = []

    @app.post(PATH)
    @webhook(make_receiver())
    def hook(events: list[Event]) -> None:
        got.append(events)

    assert post(client).status_code == 200
    [events] = got
    assert isinstance(events, list)
    assert [type(e) for e in events] == [kourier.DeliveryUpdated]
    assert events[0].payload == PAYLOAD


def test_a_view_with_kwargs_gets_the_events_too(app: Flask, client: FlaskClient) -> None:
    got: list[object] = []

    @app.post("/hooks/<tenant>")
    @webhook(make_receiver())
    def hook(**kwargs: object) -> None:
        got.append(kwargs)

    assert post(client, "/hooks/acme").status_code == 200
    [kwargs] = got
    assert isinstance(kwargs, dict)
    assert kwargs["tenant"] == "acme"
    assert [type(e) for e in kwargs["events"]] == [kourier.DeliveryUpdated]


def test_a_view_without_an_events_parameter_is_called_without_them(app: Flask, client: FlaskClient) -> None:
    calls: list[str] = []

    @app.post("/hooks/<tenant>")
    @webhook(make_receiver())
    def hook(tenant: str) -> None:
        calls.append(tenant)

    assert post(client, "/hooks/acme").status_code == 200
    assert calls == ["acme"]


def test_the_views_return_value_is_the_response(app: Flask, client: FlaskClient) -> None:
    @app.post(PATH)
    @webhook(make_receiver())
    def hook(events: list[Event]) -> tuple[Response, int]:
        return jsonify(received=len(events)), 202

    response = post(client)
    assert response.status_code == 202
    assert response.get_json() == {"received": 1}


def test_a_view_returning_none_sends_the_receivers_reply(app: Flask, client: FlaskClient) -> None:
    @app.post(PATH)
    @webhook(make_receiver())
    def hook() -> None:
        return None

    response = post(client)
    assert response.status_code == 200
    assert response.content_type == "application/json"
    assert response.get_data() == b'{"ok":true}'


def test_an_async_view_works(app: Flask, client: FlaskClient) -> None:
    got: list[Event] = []

    @app.post(PATH)
    @webhook(make_receiver())
    async def hook(events: list[Event]) -> dict[str, str]:
        got.extend(events)
        return {"status": "stored"}

    response = post(client)
    assert (response.status_code, response.get_json()) == (200, {"status": "stored"})
    assert [type(e) for e in got] == [kourier.DeliveryUpdated]


def test_the_view_can_read_the_verified_body(app: Flask, client: FlaskClient) -> None:
    @app.post(PATH)
    @webhook(make_receiver())
    def hook() -> dict[str, object]:
        return {"raw": request.get_data().decode(), "json": request.get_json()}

    assert post(client).get_json() == {"raw": BODY.decode(), "json": PAYLOAD}


@pytest.mark.parametrize(
    ("headers", "body", "status", "code"),
    [
        (BAD_TOKEN, BODY, 401, "invalid_credentials"),
        (HEADERS, b'{"event": "delivery.updated"}', 400, "invalid_payload"),
        ({**HEADERS, "Content-Type": "text/plain"}, BODY, 415, "unsupported_media_type"),
        (HEADERS, BODY + b" " * 5000, 413, "body_too_large"),
    ],
)
def test_a_rejected_request_never_calls_the_view(
    app: Flask, client: FlaskClient, headers: dict[str, str], body: bytes, status: int, code: str
) -> None:
    calls: list[object] = []
    seen: list[Event] = []

    @app.post(PATH)
    @webhook(make_receiver(seen))
    def hook() -> str:
        calls.append(request)
        return "the view ran"

    response = post(client, headers=headers, body=body)
    assert response.status_code == status
    assert response.get_json() == {"error": code}
    assert calls == []
    assert seen == []


def test_a_failing_handler_is_500_and_the_view_is_not_called(app: Flask, client: FlaskClient) -> None:
    receiver = make_receiver()
    calls: list[object] = []

    @receiver.on(kourier.DeliveryUpdated)
    def broken(event: kourier.DeliveryUpdated) -> None:
        raise RuntimeError("boom")

    @app.post(PATH)
    @webhook(receiver)
    def hook() -> None:
        calls.append(1)

    response = post(client)
    assert (response.status_code, response.get_json()) == (500, {"error": "handler_failed"})
    assert calls == []


def test_a_chunked_body_over_the_limit_is_refused_without_reading_the_rest(
    app: Flask, client: FlaskClient
) -> None:
    pulled: list[int] = []

    def chunks() -> Iterator[bytes]:
        for index in range(1000):
            pulled.append(index)
            yield b"x" * 1024

    @app.route(PATH, methods=ALL_METHODS)
    @webhook(make_receiver(limit=4096))
    def hook() -> str:
        return "never"

    response = send(client, "POST", PATH, HEADERS, chunks())
    assert response.status == 413
    assert len(pulled) < 100


def test_the_decorator_keeps_the_views_name_and_docstring() -> None:
    def my_hook() -> None:
        """Docs."""

    wrapped = webhook(make_receiver())(my_hook)
    assert (wrapped.__name__, wrapped.__doc__) == ("my_hook", "Docs.")
    assert getattr(wrapped, "__wrapped__", None) is my_hook


def test_the_decorator_needs_a_receiver() -> None:
    with pytest.raises(ConfigurationError):
        webhook(providers.Kourier(token=TOKEN))  # type: ignore[arg-type]


def test_with_all_methods_the_receiver_answers_405(app: Flask, client: FlaskClient) -> None:
    @app.route(PATH, methods=ALL_METHODS)
    @webhook(make_receiver())
    def hook() -> None:
        return None

    response = client.get(PATH)
    assert response.status_code == 405
    assert response.get_json() == {"error": "method_not_allowed"}
    assert response.headers["Allow"] == "POST"


def test_with_the_receivers_methods_flask_answers_405(app: Flask, client: FlaskClient) -> None:
    receiver = make_receiver()

    @app.route(PATH, methods=receiver.methods)
    @webhook(receiver)
    def hook() -> None:
        return None

    response = client.get(PATH)
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert post(client).status_code == 200


# The extension


def test_the_extension_answers_at_its_paths_and_nowhere_else(app: Flask, client: FlaskClient) -> None:
    seen: list[Event] = []

    @app.post("/other")
    def other() -> str:
        return "other"

    WebhookReceiver(app, routes={PATH: make_receiver(seen)})
    response = post(client)
    assert (response.status_code, response.get_data()) == (200, b'{"ok":true}')
    assert [type(e) for e in seen] == [kourier.DeliveryUpdated]
    assert post(client, "/other").get_data() == b"other"
    assert post(client, headers=BAD_TOKEN).status_code == 401
    assert len(seen) == 1


def test_the_extension_lets_the_receiver_refuse_every_other_method(app: Flask, client: FlaskClient) -> None:
    WebhookReceiver(app, routes={PATH: make_receiver()})
    for method in ("GET", "PUT", "PATCH", "DELETE", "OPTIONS"):
        response = client.open(PATH, method=method)
        assert response.status_code == 405, method
        assert response.headers["Allow"] == "POST"
        assert response.get_json() == {"error": "method_not_allowed"}


def test_init_app_with_an_app_factory() -> None:
    seen: list[Event] = []
    webhooks = WebhookReceiver(routes={PATH: make_receiver(seen)})
    webhooks.add("/hooks/second", make_receiver(seen))

    def create_app() -> Flask:
        app = Flask(__name__)
        webhooks.init_app(app)
        return app

    first, second = create_app(), create_app()
    for app in (first, second):
        assert app.extensions[EXTENSION_KEY] is webhooks
        with app.test_client() as client:
            assert post(client).status_code == 200
            assert post(client, "/hooks/second").status_code == 200
    assert len(seen) == 4


def test_a_route_added_after_init_app_is_registered_too(app: Flask, client: FlaskClient) -> None:
    webhooks = WebhookReceiver(app)
    webhooks.add(PATH, make_receiver())
    assert post(client).status_code == 200
    assert dict(webhooks.routes).keys() == {PATH}


def test_endpoint_names_are_stable_and_usable_with_url_for(app: Flask) -> None:
    WebhookReceiver(app, routes={PATH: make_receiver(), "/hooks/other": make_receiver()})
    assert WebhookReceiver.endpoint(PATH) == "webhook_receiver:/hooks/kourier"
    endpoints = {rule.endpoint: rule.rule for rule in app.url_map.iter_rules()}
    assert endpoints["webhook_receiver:/hooks/kourier"] == PATH
    assert endpoints["webhook_receiver:/hooks/other"] == "/hooks/other"
    with app.test_request_context():
        assert url_for(WebhookReceiver.endpoint(PATH)) == PATH


def test_app_extensions_holds_the_extension_and_init_is_idempotent(app: Flask, client: FlaskClient) -> None:
    webhooks = WebhookReceiver(routes={PATH: make_receiver()})
    webhooks.init_app(app)
    webhooks.init_app(app)
    assert app.extensions["webhook_receiver"] is webhooks
    assert post(client).status_code == 200


def test_a_second_extension_on_the_same_app_is_refused(app: Flask) -> None:
    WebhookReceiver(app, routes={PATH: make_receiver()})
    with pytest.raises(ConfigurationError, match="already has a WebhookReceiver"):
        WebhookReceiver(app, routes={"/hooks/other": make_receiver()})


@pytest.mark.parametrize(
    ("path", "receiver"),
    [("hooks/no-slash", make_receiver()), (PATH, providers.Kourier(token=TOKEN))],
)
def test_bad_routes_are_refused(path: str, receiver: Receiver) -> None:
    with pytest.raises(ConfigurationError):
        WebhookReceiver(routes={path: receiver})


def test_a_path_cannot_have_two_receivers() -> None:
    webhooks = WebhookReceiver(routes={PATH: make_receiver()})
    with pytest.raises(ConfigurationError, match="already has a receiver"):
        webhooks.add(PATH, make_receiver())


# The optional dependency


def test_without_flask_the_import_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "flask", None)  # what `import flask` sees when it is missing
    monkeypatch.delitem(sys.modules, "webhook_receiver.adapters.flask")
    with pytest.raises(MissingDependency) as caught:
        importlib.import_module("webhook_receiver.adapters.flask")
    assert isinstance(caught.value, ImportError)
    assert "webhook-receiver[flask]" in str(caught.value)
    assert caught.value.extra == "flask"
