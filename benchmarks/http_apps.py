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

::

    python -m uvicorn --factory http_apps:create_asgi --app-dir benchmarks --port 8000
    gunicorn --chdir benchmarks 'http_apps:create_flask()' -w 1 -k sync -b 127.0.0.1:8000
    gunicorn --chdir benchmarks 'http_apps:create_django()' -w 1 -k sync -b 127.0.0.1:8000

- ASGI: a Starlette app with ``/bare`` wrapped in ``WebhookMiddleware`` (which
  answers ``/hooks`` itself and passes ``/bare`` through). The handler is
  ``async def``, so it is awaited on the loop (a plain one would go to a worker
  thread, as the README says for ASGI).
- Flask: ``/bare`` a plain view, ``/hooks`` a ``@webhook(receiver)`` view returning
  ``None`` (the Receiver's answer is sent), routed with ``ALL_METHODS``.
- Django: minimal settings (``settings.configure``, no middleware, no apps), ``/bare``
  a plain function view (``csrf_exempt``), ``/hooks`` and ``/stub``
  ``WebhookView.as_view(receiver=...)``.
"""

from __future__ import annotations

from typing import Any

from webhook_receiver import HeadersLike, Receiver, Reply, providers

__all__ = [
    "BARE_PATH",
    "HOOK_PATH",
    "OK_BODY",
    "STUB_PATH",
    "TOKEN",
    "AnswerOnly",
    "answer_only",
    "create_asgi",
    "create_django",
    "create_flask",
]

BARE_PATH = "/bare"
HOOK_PATH = "/hooks"
STUB_PATH = "/stub"
TOKEN = "bench-http-kourier-token"
OK_BODY = b'{"ok":true}'


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


def _receiver(*, use_async: bool) -> Receiver:
    """A Kourier receiver, no store, one handler that does nothing."""
    receiver = Receiver(providers.Kourier(token=TOKEN))
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

    inner = Starlette(routes=[Route(BARE_PATH, bare, methods=["GET", "POST"])])
    return WebhookMiddleware(inner, routes={HOOK_PATH: _receiver(use_async=True), STUB_PATH: answer_only()})


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

    return app


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

    urlpatterns[:] = [
        path(BARE_PATH.lstrip("/"), bare),
        path(HOOK_PATH.lstrip("/"), WebhookView.as_view(receiver=_receiver(use_async=False))),
        path(STUB_PATH.lstrip("/"), WebhookView.as_view(receiver=answer_only())),
    ]
    return get_wsgi_application()
