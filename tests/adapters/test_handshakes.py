"""Every provider handshake, through every adapter, with each framework's real test client.

The handshakes a sender checks before (or while) it sends events: Meta's ``GET``
verification request, Zoom's ``endpoint.url_validation``, Twitch's
``webhook_callback_verification``, Discord's interaction ``PING`` (and its Webhook
Events ``PING``, answered 204), and Slack's ``url_verification``. For each adapter
and each handshake: the exact status, content type and body the sender needs; and a
refusal (401, the Receiver's JSON error) that runs no handler when the handshake
does not verify (a bad signature, a wrong verify token).

Requests are signed here as each sender signs them (``hmac`` from the standard
library, PyNaCl for Discord), at the fixed ``NOW`` every provider's clock reads.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import nacl.signing
import pytest
from django.test import AsyncClient, Client, override_settings
from fastapi import Depends, FastAPI, Response
from flask import Flask
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route
from starlette.testclient import TestClient
from werkzeug.test import Client as WerkzeugClient

from webhook_receiver import Event, Receiver, Reply, providers
from webhook_receiver.adapters.asgi import WebhookMiddleware as ASGIMiddleware
from webhook_receiver.adapters.django import AsyncWebhookView, WebhookView
from webhook_receiver.adapters.fastapi import (
    WebhookRejected,
    reply_response,
    webhook_exception_handler,
    webhook_reply,
)
from webhook_receiver.adapters.flask import WebhookReceiver
from webhook_receiver.adapters.wsgi import WebhookMiddleware as WSGIMiddleware

from ..conftest import NOW
from .harness_asgi import other
from .harness_django import other_view, request_kwargs, response_of, urlconf
from .harness_flask import add_decorated_view, base_app
from .harness_wsgi import werkzeug_app
from .spec import OTHER_BODY, OTHER_PATH, HarnessResponse
from .wsgi_client import send

META_SECRET = "meta-app-secret-handshakes"
META_TOKEN = "meta-verify-token-handshakes"
ZOOM_SECRET = "zoom-secret-token-handshakes"
TWITCH_SECRET = "twitch-secret-handshakes"
SLACK_SECRET = "slack-signing-secret-handshakes"
DISCORD_KEY = nacl.signing.SigningKey(hashlib.sha256(b"adapter handshakes: discord").digest())
OTHER_DISCORD_KEY = nacl.signing.SigningKey(hashlib.sha256(b"adapter handshakes: someone else").digest())

PATHS = {
    "meta": "/hooks/meta",
    "zoom": "/hooks/zoom",
    "twitch": "/hooks/twitch",
    "discord": "/hooks/discord",
    "slack": "/hooks/slack",
}


def _clock() -> float:
    return float(NOW)


def make_receivers(received: list[Event]) -> dict[str, Receiver]:
    """One receiver per handshake provider, every handler recording what it got."""
    built = {
        "meta": providers.Meta(secret=META_SECRET, verify_token=META_TOKEN, clock=_clock),
        "zoom": providers.Zoom(secret=ZOOM_SECRET, clock=_clock),
        "twitch": providers.Twitch(secret=TWITCH_SECRET, clock=_clock),
        "discord": providers.Discord(public_key=bytes(DISCORD_KEY.verify_key).hex(), clock=_clock),
        "slack": providers.Slack(secret=SLACK_SECRET, clock=_clock),
    }
    receivers: dict[str, Receiver] = {}
    for name, provider in built.items():
        receiver = Receiver(provider)
        receiver.on_any(received.append)
        receivers[PATHS[name]] = receiver
    return receivers


# --- the requests, signed as each sender signs them --------------------------------------------------


def _mac(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Sent:
    """One request: method, path (with its query), headers, body."""

    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes = b""


@dataclass(frozen=True)
class Handshake:
    """A handshake: the request that passes and what the sender needs back; one that must not."""

    name: str
    good: Sent
    status: int
    content_type: str | None
    body: bytes
    bad: Sent
    bad_code: str
    events: int = field(default=1)  # events the passing handshake dispatches


def meta_handshake() -> Handshake:
    path = PATHS["meta"]
    query = f"hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token={META_TOKEN}"
    return Handshake(
        "meta GET verification",
        Sent("GET", f"{path}?{query}", {}),
        200,
        "text/plain; charset=utf-8",
        b"1158201444",
        Sent("GET", f"{path}?{query.replace(META_TOKEN, 'not-the-token')}", {}),
        "invalid_credentials",
        events=0,
    )


def zoom_handshake() -> Handshake:
    body = _json(
        {
            "payload": {"plainToken": "qgg8vlvZRS6UYooatFL8Aw"},
            "event_ts": 1654503849680,
            "event": "endpoint.url_validation",
        }
    )
    stamp = str(NOW)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "x-zm-request-timestamp": stamp,
        "x-zm-signature": "v0=" + _mac(ZOOM_SECRET, f"v0:{stamp}:".encode() + body),
    }
    answer = {
        "plainToken": "qgg8vlvZRS6UYooatFL8Aw",
        "encryptedToken": _mac(ZOOM_SECRET, b"qgg8vlvZRS6UYooatFL8Aw"),
    }
    return Handshake(
        "zoom endpoint.url_validation",
        Sent("POST", PATHS["zoom"], headers, body),
        200,
        "application/json",
        _json(answer),
        Sent(
            "POST",
            PATHS["zoom"],
            {**headers, "x-zm-signature": "v0=" + _mac("not-the-token", b"v0:" + body)},
            body,
        ),
        "signature_mismatch",
    )


def twitch_handshake() -> Handshake:
    body = _json(
        {
            "challenge": "pogchamp-kappa-360noscope-vohiyo",
            "subscription": {
                "id": "f1c2a387-161a-49f9-a165-0f21d7a4e1c4",
                "status": "webhook_callback_verification_pending",
                "type": "channel.follow",
                "version": "2",
                "cost": 1,
                "condition": {"broadcaster_user_id": "12826", "moderator_user_id": "12826"},
                "transport": {"method": "webhook", "callback": "https://example.com/webhooks/callback"},
                "created_at": "2019-11-16T10:11:12.634234626Z",
            },
        }
    )
    message_id = "e76c6bd4-55c9-4987-8304-da1588d8988b"
    stamp = "2023-11-14T22:13:19.634234626Z"  # a second before NOW, with nanoseconds
    headers = {
        "Content-Type": "application/json",
        "Twitch-Eventsub-Message-Id": message_id,
        "Twitch-Eventsub-Message-Retry": "0",
        "Twitch-Eventsub-Message-Type": "webhook_callback_verification",
        "Twitch-Eventsub-Message-Signature": "sha256="
        + _mac(TWITCH_SECRET, (message_id + stamp).encode() + body),
        "Twitch-Eventsub-Message-Timestamp": stamp,
        "Twitch-Eventsub-Subscription-Type": "channel.follow",
        "Twitch-Eventsub-Subscription-Version": "2",
    }
    forged = _mac("not-the-secret-0123", (message_id + stamp).encode() + body)
    return Handshake(
        "twitch webhook_callback_verification",
        Sent("POST", PATHS["twitch"], headers, body),
        200,
        "text/plain; charset=utf-8",
        b"pogchamp-kappa-360noscope-vohiyo",
        Sent(
            "POST",
            PATHS["twitch"],
            {**headers, "Twitch-Eventsub-Message-Signature": "sha256=" + forged},
            body,
        ),
        "signature_mismatch",
    )


def _discord_headers(body: bytes, key: nacl.signing.SigningKey = DISCORD_KEY) -> dict[str, str]:
    stamp = str(NOW)
    return {
        "Content-Type": "application/json",
        "X-Signature-Ed25519": key.sign(stamp.encode() + body).signature.hex(),
        "X-Signature-Timestamp": stamp,
    }


def discord_handshake() -> Handshake:
    body = _json(
        {
            "id": "1196958221312335882",
            "application_id": "1234560123453231555",
            "type": 1,
            "token": "T0K3N",
            "version": 1,
        }
    )
    return Handshake(
        "discord interaction PING",
        Sent("POST", PATHS["discord"], _discord_headers(body), body),
        200,
        "application/json",
        b'{"type":1}',
        Sent("POST", PATHS["discord"], _discord_headers(body, OTHER_DISCORD_KEY), body),
        "signature_mismatch",
    )


def discord_webhook_handshake() -> Handshake:
    body = _json({"version": 1, "application_id": "1234560123453231555", "type": 0})
    return Handshake(
        "discord Webhook Events PING",
        Sent("POST", PATHS["discord"], _discord_headers(body), body),
        204,
        None,
        b"",
        Sent("POST", PATHS["discord"], {**_discord_headers(body), "X-Signature-Ed25519": "00" * 64}, body),
        "signature_mismatch",
    )


def slack_handshake() -> Handshake:
    body = _json(
        {
            "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
            "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
            "type": "url_verification",
        }
    )
    stamp = str(NOW)
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": "v0=" + _mac(SLACK_SECRET, f"v0:{stamp}:".encode() + body),
    }
    return Handshake(
        "slack url_verification",
        Sent("POST", PATHS["slack"], headers, body),
        200,
        "application/json",
        b'{"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}',
        Sent("POST", PATHS["slack"], {**headers, "X-Slack-Request-Timestamp": str(NOW - 3600)}, body),
        "timestamp_outside_tolerance",
    )


HANDSHAKES = [
    meta_handshake(),
    zoom_handshake(),
    twitch_handshake(),
    discord_handshake(),
    discord_webhook_handshake(),
    slack_handshake(),
]


# --- the adapters, each mounting make_receivers() through its framework's real test client ----------


class Adapter:
    """One adapter's app with the handshake receivers mounted, and a way to send to it."""

    def request(self, sent: Sent) -> HarnessResponse:
        raise NotImplementedError

    def close(self) -> None:
        """Undo whatever the app changed (Django settings)."""


class ASGIAdapter(Adapter):
    def __init__(self, app: Any) -> None:
        self.client = TestClient(app)

    def request(self, sent: Sent) -> HarnessResponse:
        response = self.client.request(sent.method, sent.path, headers=dict(sent.headers), content=sent.body)
        return HarnessResponse(
            response.status_code, {k.lower(): v for k, v in response.headers.items()}, response.content
        )

    def close(self) -> None:
        self.client.close()


class WSGIAdapter(Adapter):
    def __init__(self, client: WerkzeugClient) -> None:
        self.client = client

    def request(self, sent: Sent) -> HarnessResponse:
        return send(self.client, sent.method, sent.path, sent.headers, sent.body)


# The Django middleware's receivers: WEBHOOK_RECEIVER names them by dotted path.
DJANGO_RECEIVERS: dict[str, Receiver] = {}
_DJANGO_NAMES = {path: f"receiver_{name}" for name, path in PATHS.items()}


class DjangoAdapter(Adapter):
    def __init__(self, kind: str, received: list[Event]) -> None:
        receivers = make_receivers(received)
        routes: list[tuple[str, Callable[..., Any]]] = [(OTHER_PATH, other_view)]
        overrides: dict[str, Any] = {"MIDDLEWARE": []}
        if kind == "django-view":
            routes += [(p, WebhookView.as_view(receiver=r)) for p, r in receivers.items()]
        elif kind == "django-async-view":
            routes += [(p, AsyncWebhookView.as_view(receiver=r)) for p, r in receivers.items()]
        else:
            for path, receiver in receivers.items():
                globals()[_DJANGO_NAMES[path]] = receiver
            overrides["WEBHOOK_RECEIVER"] = {path: f"{__name__}.{_DJANGO_NAMES[path]}" for path in receivers}
            overrides["MIDDLEWARE"] = [
                "django.middleware.csrf.CsrfViewMiddleware",
                "webhook_receiver.adapters.django.WebhookMiddleware",
            ]
        self.override = override_settings(ROOT_URLCONF=urlconf(f"handshakes-{kind}", routes), **overrides)
        self.override.enable()
        self.is_async = kind == "django-async-view"
        self.client: Client | AsyncClient = AsyncClient() if self.is_async else Client()

    def request(self, sent: Sent) -> HarnessResponse:
        kwargs = request_kwargs(sent.headers, sent.body)
        if isinstance(self.client, AsyncClient):
            return response_of(asyncio.run(self.client.generic(sent.method, sent.path, **kwargs)))
        return response_of(self.client.generic(sent.method, sent.path, **kwargs))

    def close(self) -> None:
        self.override.disable()
        for name in _DJANGO_NAMES.values():
            globals().pop(name, None)


def starlette_app(received: list[Event]) -> Starlette:
    return Starlette(
        routes=[Route(OTHER_PATH, other, methods=["GET", "POST"])],
        middleware=[Middleware(ASGIMiddleware, routes=make_receivers(received))],
    )


def fastapi_app(received: list[Event]) -> FastAPI:
    app = FastAPI()
    app.add_api_route(OTHER_PATH, other, methods=["GET", "POST"])
    app.add_middleware(ASGIMiddleware, routes=make_receivers(received))
    return app


ROUTE_RAN: list[str] = []


def fastapi_dependency_app(received: list[Event]) -> FastAPI:
    app = FastAPI()
    app.add_exception_handler(WebhookRejected, webhook_exception_handler)
    app.add_api_route(OTHER_PATH, other, methods=["GET", "POST"])
    for path, receiver in make_receivers(received).items():
        app.add_api_route(path, _dependent_route(path, receiver), methods=["POST", "GET"])
    return app


def _dependent_route(path: str, receiver: Receiver) -> Callable[..., Any]:
    # webhook_reply, not webhook_events: the route sends the Receiver's answer, which
    # for a handshake is what the sender checks.
    verified = webhook_reply(receiver)

    # A plain default, not Annotated (see harness_asgi).
    async def hook(reply: Reply = Depends(verified)) -> Response:
        ROUTE_RAN.append(path)
        return reply_response(reply)

    return hook


def flask_decorator_app(received: list[Event]) -> Flask:
    app = base_app()
    for path, receiver in make_receivers(received).items():
        add_decorated_view(app, path, receiver)
    return app


def flask_extension_app(received: list[Event]) -> Flask:
    app = base_app()
    WebhookReceiver(app, routes=make_receivers(received))
    return app


def build(kind: str, received: list[Event]) -> Adapter:
    if kind == "asgi-starlette":
        return ASGIAdapter(starlette_app(received))
    if kind == "asgi-fastapi":
        return ASGIAdapter(fastapi_app(received))
    if kind == "fastapi-dependency":
        return ASGIAdapter(fastapi_dependency_app(received))
    if kind == "flask-decorator":
        return WSGIAdapter(flask_decorator_app(received).test_client())
    if kind == "flask-extension":
        return WSGIAdapter(flask_extension_app(received).test_client())
    if kind == "wsgi-werkzeug":
        return WSGIAdapter(WerkzeugClient(WSGIMiddleware(werkzeug_app, routes=make_receivers(received))))
    return DjangoAdapter(kind, received)


ADAPTERS = [
    "asgi-starlette",
    "asgi-fastapi",
    "fastapi-dependency",
    "flask-decorator",
    "flask-extension",
    "wsgi-werkzeug",
    "django-view",
    "django-async-view",
    "django-middleware",
]


@pytest.fixture
def received() -> list[Event]:
    return []


@pytest.fixture
def adapter(request: pytest.FixtureRequest, received: list[Event]) -> Iterator[Adapter]:
    kind: str = request.param
    if kind.startswith("django"):
        request.getfixturevalue("settings")  # pytest-django: settings changes are undone after
    ROUTE_RAN.clear()
    built = build(kind, received)
    yield built
    built.close()


def _params() -> list[Any]:
    return [
        pytest.param(kind, handshake, id=f"{kind}-{handshake.name}")
        for kind in ADAPTERS
        for handshake in HANDSHAKES
    ]


@pytest.mark.parametrize(("adapter", "handshake"), _params(), indirect=["adapter"])
def test_the_handshake_gets_exactly_what_the_sender_needs(
    adapter: Adapter, handshake: Handshake, received: list[Event]
) -> None:
    response = adapter.request(handshake.good)
    assert response.status == handshake.status, response.body
    assert response.body == handshake.body
    if handshake.content_type is None:
        assert "content-type" not in response.headers, response.headers
    else:
        assert response.headers.get("content-type") == handshake.content_type
    assert len(received) == handshake.events


@pytest.mark.parametrize(("adapter", "handshake"), _params(), indirect=["adapter"])
def test_a_handshake_that_does_not_verify_is_refused_and_runs_nothing(
    adapter: Adapter, handshake: Handshake, received: list[Event]
) -> None:
    response = adapter.request(handshake.bad)
    assert response.status == 401
    assert response.headers.get("content-type") == "application/json"
    assert response.json() == {"error": handshake.bad_code}
    assert handshake.body not in response.body or not handshake.body
    assert received == [] and ROUTE_RAN == []


@pytest.mark.parametrize("adapter", ADAPTERS, indirect=True)
def test_the_app_beside_the_handshakes_is_untouched(adapter: Adapter) -> None:
    for method in ("GET", "POST"):
        response = adapter.request(Sent(method, f"{OTHER_PATH}?hub.mode=subscribe", {}, b""))
        assert (response.status, response.body) == (200, OTHER_BODY)


@pytest.mark.parametrize("adapter", [a for a in ADAPTERS if a != "fastapi-dependency"], indirect=True)
def test_only_meta_answers_a_get(adapter: Adapter, received: list[Event]) -> None:
    query = f"?hub.mode=subscribe&hub.challenge=1&hub.verify_token={META_TOKEN}"
    for name in ("zoom", "twitch", "discord", "slack"):
        response = adapter.request(Sent("GET", PATHS[name] + query, {}))
        assert response.status == 405, name
        assert response.json() == {"error": "method_not_allowed"}
        assert response.headers.get("allow") == "POST"
    # Meta's GET needs no body and no content type, and never reads one.
    response = adapter.request(
        Sent("GET", PATHS["meta"] + query.replace("hub.challenge=1", "hub.challenge=77"), {})
    )
    assert (response.status, response.body) == (200, b"77")
    assert received == []


@pytest.mark.parametrize(
    "adapter", ["asgi-starlette", "flask-extension", "django-view", "wsgi-werkzeug"], indirect=True
)
def test_a_meta_query_that_is_not_strict_is_a_400(adapter: Adapter) -> None:
    for query in (
        f"hub.mode=subscribe&hub.challenge=1&hub.verify_token={META_TOKEN}&hub.verify_token={META_TOKEN}",
        f"hub.mode=subscribe&hub.challenge=1&hub.verify_token={META_TOKEN}&x=%zz",
        f"hub.mode=unsubscribe&hub.challenge=1&hub.verify_token={META_TOKEN}",
    ):
        response = adapter.request(Sent("GET", f"{PATHS['meta']}?{query}", {}))
        assert (response.status, response.json()) == (400, {"error": "invalid_payload"}), query


def test_every_adapter_and_handshake_is_covered() -> None:
    from .conftest import HARNESSES

    assert set(ADAPTERS) == set(HARNESSES)
    assert {h.name.split()[0] for h in HANDSHAKES} == set(PATHS)
