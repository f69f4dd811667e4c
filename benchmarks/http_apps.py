"""The apps ``benchmarks/bench_http.py`` serves: per framework, a bare endpoint and the adapter.

Each factory returns one app with three routes, so one server process serves them
all and the benchmark can interleave its rounds against the same process:

- ``/bare``: reads the raw body and answers 200 ``{"ok":true}`` (no verification).
- ``/hooks``: the adapter in front of a Kourier receiver (bearer token, no
  idempotency store) whose one handler does nothing.
- ``/stub``: the same adapter in front of a receiver that runs ``precheck`` like the
  real one but answers the same 200 without verifying, parsing or dispatching
  (:class:`AnswerOnly`): ``stub - bare`` is the adapter's own share of a request and
  ``hooks - stub`` the receiver's.

And for ``benchmarks/bench_wrk.py`` (issue 18), per provider of :data:`WRK_PROVIDERS`:

- ``/bare-json``: ``/bare`` plus ``json.loads`` of the body.
- ``/ours/<provider>``: the adapter in front of a receiver for that provider (secret
  from :data:`SECRETS`, real clock, default tolerance) whose one handler does nothing.
- ``/theirs/<provider>``: the endpoint a user would write without us: the provider's
  own library where there is one (``standardwebhooks.Webhook.verify``,
  ``stripe.Webhook.construct_event``, ``slack_sdk``'s ``SignatureVerifier`` then
  ``json.loads``), hand-written ``hmac`` for Courier (as its docs show, plus the same
  timestamp check ours makes) and ``hmac.compare_digest`` of the bearer token for
  Kourier; 401 when it refuses, else 200 ``{"ok":true}`` (see :func:`their_check`).

::

    python -m uvicorn --factory http_apps:create_asgi --app-dir benchmarks --port 8000
    gunicorn --chdir benchmarks 'http_apps:create_flask()' -w 1 -k sync -b 127.0.0.1:8000
    gunicorn --chdir benchmarks 'http_apps:create_django()' -w 1 -k sync -b 127.0.0.1:8000

- ASGI: a Starlette app with ``/bare`` wrapped in ``WebhookMiddleware`` (which
  answers ``/hooks`` itself and passes ``/bare`` through). The handler is
  ``async def``, so it is awaited on the loop (a plain one would go to a worker
  thread, as the Starlette and FastAPI page says).
- Flask: ``/bare`` a plain view, ``/hooks`` a ``@webhook(receiver)`` view returning
  ``None`` (the Receiver's answer is sent), routed with ``ALL_METHODS``.
- Django: minimal settings (``settings.configure``, no middleware, no apps), ``/bare``
  a plain function view (``csrf_exempt``), ``/hooks`` and ``/stub``
  ``WebhookView.as_view(receiver=...)``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping
from typing import Any

from webhook_receiver import HeadersLike, Receiver, Reply, providers
from webhook_receiver.providers import Provider
from webhook_receiver.testing import CREDENTIAL_OPTION

__all__ = [
    "BARE_PATH",
    "HOOK_PATH",
    "JSON_PATH",
    "OK_BODY",
    "SECRETS",
    "STUB_PATH",
    "TOKEN",
    "TOLERANCE_SECONDS",
    "WRK_PROVIDERS",
    "AnswerOnly",
    "Refused",
    "answer_only",
    "create_asgi",
    "create_django",
    "create_flask",
    "our_path",
    "our_provider",
    "their_check",
    "their_path",
]

BARE_PATH = "/bare"
HOOK_PATH = "/hooks"
STUB_PATH = "/stub"
TOKEN = "bench-http-kourier-token"
OK_BODY = b'{"ok":true}'
JSON_PATH = "/bare-json"

WRK_PROVIDERS = ("standard-webhooks", "stripe", "slack", "courier", "kourier")
"""The providers ``bench_wrk.py`` measures: four timestamped HMAC schemes and a bearer token."""

SECRETS: dict[str, str] = {
    "standard-webhooks": "whsec_" + "YmVuY2gtd3JrIHN0YW5kYXJkIHdlYmhvb2tzIQ==",
    "stripe": "whsec_bench_wrk_stripe_secret_0123456789",
    "slack": "bench-wrk-slack-signing-secret-0123",
    "courier": "bench-wrk-courier-secret-0123456789",
    "kourier": TOKEN,
}
"""The shared secret (Kourier: the token) of each provider in :data:`WRK_PROVIDERS`: test values."""

TOLERANCE_SECONDS = 300
"""How far a signed timestamp may be from now at ``/theirs/courier`` (the libraries' and our default)."""


def our_path(provider: str) -> str:
    """The path of the adapter in front of ``provider``'s receiver."""
    return f"/ours/{provider}"


def their_path(provider: str) -> str:
    """The path of the endpoint a user would write for ``provider`` without this library."""
    return f"/theirs/{provider}"


def our_provider(name: str, secret: str | None = None) -> Provider:
    """Our provider ``name`` with :data:`SECRETS`' secret (or ``secret``), the real clock."""
    return providers.create(name, **{CREDENTIAL_OPTION[name]: SECRETS[name] if secret is None else secret})


class Refused(Exception):
    """The provider's own code (or the hand-written check) refused a request: answer 401."""


def their_check(name: str) -> Callable[[Mapping[str, str], bytes], object]:
    """``check(headers, body)``: verifies and parses the way a user would without us.

    ``headers`` is the framework's own header mapping (``request.headers``), as a
    user would pass it. Returns the parsed payload; raises :class:`Refused`.
    """
    secret = SECRETS[name]
    if name == "standard-webhooks":
        import standardwebhooks

        signer = standardwebhooks.Webhook(secret)

        def standard_webhooks(headers: Mapping[str, str], body: bytes) -> object:
            try:
                return signer.verify(body, headers)  # type: ignore[arg-type]
            except standardwebhooks.WebhookVerificationError as error:
                raise Refused from error

        return standard_webhooks
    if name == "stripe":
        import stripe

        def stripe_check(headers: Mapping[str, str], body: bytes) -> object:
            try:
                return stripe.Webhook.construct_event(body, headers.get("Stripe-Signature"), secret)
            except (stripe.SignatureVerificationError, ValueError) as error:
                raise Refused from error

        return stripe_check
    if name == "slack":
        from slack_sdk.signature import SignatureVerifier

        verifier = SignatureVerifier(secret)

        def slack(headers: Mapping[str, str], body: bytes) -> object:
            if not verifier.is_valid_request(body, headers):
                raise Refused
            return json.loads(body)

        return slack
    if name == "courier":
        key = secret.encode()

        def courier(headers: Mapping[str, str], body: bytes) -> object:
            # courier-signature: t=<milliseconds>,signature=<hex of HMAC-SHA256(t + body)>
            fields = dict(
                part.split("=", 1) for part in headers.get("courier-signature", "").split(",") if "=" in part
            )
            timestamp, signature = fields.get("t", ""), fields.get("signature", "")
            if not timestamp.isdigit() or abs(time.time() - int(timestamp) / 1000) > TOLERANCE_SECONDS:
                raise Refused
            expected = hmac.new(key, timestamp.encode() + body, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(expected, signature):
                raise Refused
            return json.loads(body)

        return courier
    if name == "kourier":
        expected_header = f"Bearer {secret}"

        def kourier(headers: Mapping[str, str], body: bytes) -> object:
            if not hmac.compare_digest(headers.get("Authorization", ""), expected_header):
                raise Refused
            return json.loads(body)

        return kourier
    raise ValueError(f"no hand-written endpoint for {name!r}")


class AnswerOnly(Receiver):
    """A receiver that answers what the real one answers, ``{"ok":true}``, without the work.

    ``precheck`` and ``limited_body`` are the real ones (adapters call them before
    reading the body); ``handle``/``handle_async`` return the 200 at once, with no
    verification, parsing or dispatch. In front of it an adapter costs only itself.
    """

    _REPLY = Reply(200, OK_BODY)

    def handle(self, method: str, headers: HeadersLike, body: bytes, *, now: float | None = None) -> Reply:
        return self._REPLY

    async def handle_async(
        self, method: str, headers: HeadersLike, body: bytes, *, now: float | None = None
    ) -> Reply:
        return self._REPLY


def answer_only() -> AnswerOnly:
    """An :class:`AnswerOnly` for the same provider and limits as :func:`_receiver`'s."""
    return AnswerOnly(providers.Kourier(token=TOKEN))


def _receiver(*, use_async: bool, provider: Provider | None = None) -> Receiver:
    """A receiver (Kourier unless ``provider``), no store, one handler that does nothing."""
    receiver = Receiver(providers.Kourier(token=TOKEN) if provider is None else provider)
    if use_async:

        async def handle_async(event: object) -> None:
            return None

        receiver.on_any(handle_async)
    else:

        def handle(event: object) -> None:
            return None

        receiver.on_any(handle)
    return receiver


def create_asgi() -> Any:
    """Starlette (``/bare``) inside ``WebhookMiddleware`` (``/hooks``)."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from webhook_receiver.adapters.asgi import WebhookMiddleware

    async def bare(request: Request) -> Response:
        await request.body()
        return Response(OK_BODY, media_type="application/json")

    async def bare_json(request: Request) -> Response:
        json.loads(await request.body())
        return Response(OK_BODY, media_type="application/json")

    def theirs(name: str) -> Callable[[Request], Any]:
        check = their_check(name)

        async def endpoint(request: Request) -> Response:
            try:
                check(request.headers, await request.body())
            except Refused:
                return Response(status_code=401)
            return Response(OK_BODY, media_type="application/json")

        return endpoint

    routes = [Route(BARE_PATH, bare, methods=["GET", "POST"]), Route(JSON_PATH, bare_json, methods=["POST"])]
    routes += [Route(their_path(name), theirs(name), methods=["POST"]) for name in WRK_PROVIDERS]
    hooks: dict[str, Receiver] = {HOOK_PATH: _receiver(use_async=True), STUB_PATH: answer_only()}
    for name in WRK_PROVIDERS:
        hooks[our_path(name)] = _receiver(use_async=True, provider=our_provider(name))
    return WebhookMiddleware(Starlette(routes=routes), routes=hooks)


def create_flask() -> Any:
    """A Flask app: a plain ``/bare`` view and a ``@webhook(receiver)`` ``/hooks`` view."""
    from flask import Flask, Response, request

    from webhook_receiver.adapters.flask import ALL_METHODS, webhook

    app = Flask("bench_http")

    @app.route(BARE_PATH, methods=["GET", "POST"])
    def bare() -> Response:
        request.get_data()
        return Response(OK_BODY, mimetype="application/json")

    @app.route(HOOK_PATH, methods=ALL_METHODS)
    @webhook(_receiver(use_async=False))
    def hooks() -> None:
        return None  # send the Receiver's answer

    @app.route(STUB_PATH, methods=ALL_METHODS)
    @webhook(answer_only())
    def stub() -> None:
        return None

    @app.route(JSON_PATH, methods=["POST"])
    def bare_json() -> Response:
        json.loads(request.get_data())
        return Response(OK_BODY, mimetype="application/json")

    for name in WRK_PROVIDERS:
        app.add_url_rule(
            our_path(name),
            f"ours-{name}",
            webhook(_receiver(use_async=False, provider=our_provider(name)))(lambda: None),
            methods=ALL_METHODS,
        )
        app.add_url_rule(their_path(name), f"theirs-{name}", _flask_theirs(name), methods=["POST"])

    return app


def _flask_theirs(name: str) -> Callable[[], Any]:
    """A Flask view checking ``name``'s requests with :func:`their_check`."""
    from flask import Response, request

    check = their_check(name)

    def view() -> Response:
        try:
            check(request.headers, request.get_data())  # type: ignore[arg-type]
        except Refused:
            return Response(status=401)
        return Response(OK_BODY, mimetype="application/json")

    return view


urlpatterns: list[Any] = []
"""Django's URLconf (``ROOT_URLCONF`` is this module); filled by :func:`create_django`."""


def create_django() -> Any:
    """A Django WSGI application with minimal settings: ``/bare`` and ``WebhookView``."""
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            DEBUG=False,
            SECRET_KEY="bench-http-not-secret",
            ALLOWED_HOSTS=["127.0.0.1", "localhost"],
            ROOT_URLCONF=__name__,
            MIDDLEWARE=[],
            INSTALLED_APPS=[],
            USE_TZ=True,
        )
        django.setup()

    from django.core.wsgi import get_wsgi_application
    from django.http import HttpRequest, HttpResponse
    from django.urls import path
    from django.views.decorators.csrf import csrf_exempt

    from webhook_receiver.adapters.django import WebhookView

    @csrf_exempt
    def bare(request: HttpRequest) -> HttpResponse:
        request.body  # noqa: B018 - read the raw body, as the adapter does
        return HttpResponse(OK_BODY, content_type="application/json")

    @csrf_exempt
    def bare_json(request: HttpRequest) -> HttpResponse:
        json.loads(request.body)
        return HttpResponse(OK_BODY, content_type="application/json")

    def theirs(name: str) -> Callable[[HttpRequest], HttpResponse]:
        check = their_check(name)

        @csrf_exempt
        def view(request: HttpRequest) -> HttpResponse:
            try:
                check(request.headers, request.body)
            except Refused:
                return HttpResponse(status=401)
            return HttpResponse(OK_BODY, content_type="application/json")

        return view

    urlpatterns[:] = [
        path(BARE_PATH.lstrip("/"), bare),
        path(HOOK_PATH.lstrip("/"), WebhookView.as_view(receiver=_receiver(use_async=False))),
        path(STUB_PATH.lstrip("/"), WebhookView.as_view(receiver=answer_only())),
        path(JSON_PATH.lstrip("/"), bare_json),
    ]
    for name in WRK_PROVIDERS:
        receiver = _receiver(use_async=False, provider=our_provider(name))
        urlpatterns.append(path(our_path(name).lstrip("/"), WebhookView.as_view(receiver=receiver)))
        urlpatterns.append(path(their_path(name).lstrip("/"), theirs(name)))
    return get_wsgi_application()
