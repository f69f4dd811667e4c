"""Harnesses for the Django adapter: the sync view, the async view, and the middleware.

Each builds a URLconf module on the fly and points ``ROOT_URLCONF`` at it with an
``override_settings`` that ``close()`` undoes after the test (make_harness is not
handed pytest-django's ``settings`` fixture, so it keeps its own override; changing
``ROOT_URLCONF`` also clears Django's URL caches).

Django's test clients always send ``Content-Length`` for a body (they hand the view a
``FakePayload`` of known size, and have no way to send ``Transfer-Encoding:
chunked``), so ``chunked = False``: the streamed-size tests are skipped here and
covered by the declared-length 413 test plus ``test_django_adapter.py``.
"""

from __future__ import annotations

import asyncio
import types
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.test import AsyncClient, Client, override_settings
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from webhook_receiver import Event, Receiver
from webhook_receiver.adapters.django import AsyncWebhookView, WebhookView

from .spec import COURIER_PATH, KOURIER_PATH, OTHER_BODY, OTHER_PATH, HarnessResponse, make_receivers

# The middleware harness's receivers: ``WEBHOOK_RECEIVER`` names them by dotted path.
KOURIER_RECEIVER: Receiver | None = None
COURIER_RECEIVER: Receiver | None = None


@csrf_exempt
def other_view(request: HttpRequest) -> HttpResponse:
    """The unrelated route: never reads a body, answers GET and POST alike."""
    return HttpResponse(OTHER_BODY, content_type="text/plain")


def urlconf(name: str, routes: Iterable[tuple[str, Callable[..., Any]]]) -> types.ModuleType:
    """A URLconf module; spec paths are absolute (``/hooks/kourier``), Django's are not."""
    module = types.ModuleType(f"tests.adapters.harness_django_urls_{name.replace('-', '_')}")
    module.urlpatterns = [path(route.lstrip("/"), view) for route, view in routes]  # type: ignore[attr-defined]
    return module


def response_of(response: Any) -> HarnessResponse:
    return HarnessResponse(
        response.status_code, {k.lower(): v for k, v in response.headers.items()}, response.content
    )


def request_kwargs(headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
    """``generic()`` arguments; a body's Content-Type goes in ``content_type`` so it is sent once.

    (``AsyncClient`` adds ``content-type`` from that argument whenever there is a body,
    and would send a second one from ``headers``.)
    """
    rest = {k: v for k, v in headers.items() if k.lower() != "content-type"}
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
    if body and content_type is not None:
        return {"data": body, "content_type": content_type, "headers": rest}
    return {"data": body, "headers": dict(headers)}


class DjangoHarness:
    chunked = False  # Django's test clients always send Content-Length (see the module docstring)

    def __init__(self, name: str, received: list[Event]) -> None:
        global KOURIER_RECEIVER, COURIER_RECEIVER
        self.name = name
        receivers = make_receivers(received)
        routes: list[tuple[str, Callable[..., Any]]] = [(OTHER_PATH, other_view)]
        overrides: dict[str, Any] = {"MIDDLEWARE": []}
        if name == "django-view":
            routes += [(p, WebhookView.as_view(receiver=r)) for p, r in receivers.items()]
        elif name == "django-async-view":
            routes += [(p, AsyncWebhookView.as_view(receiver=r)) for p, r in receivers.items()]
        elif name == "django-middleware":
            KOURIER_RECEIVER, COURIER_RECEIVER = receivers[KOURIER_PATH], receivers[COURIER_PATH]
            overrides["WEBHOOK_RECEIVER"] = {
                KOURIER_PATH: f"{__name__}.KOURIER_RECEIVER",
                COURIER_PATH: f"{__name__}.COURIER_RECEIVER",
            }
            # CSRF before the webhook middleware on purpose: it answers in __call__,
            # before any process_view, so the CSRF check never sees a webhook request.
            overrides["MIDDLEWARE"] = [
                "django.middleware.csrf.CsrfViewMiddleware",
                "webhook_receiver.adapters.django.WebhookMiddleware",
            ]
        else:
            raise ValueError(name)
        self.override = override_settings(ROOT_URLCONF=urlconf(name, routes), **overrides)
        self.override.enable()
        self.is_async = name == "django-async-view"
        self.client = AsyncClient() if self.is_async else Client()

    def request(
        self, method: str, path: str, headers: Mapping[str, str], body: bytes | Iterable[bytes]
    ) -> HarnessResponse:
        if not isinstance(body, bytes):
            raise TypeError("Django's test clients cannot send a chunked body")
        kwargs = request_kwargs(headers, body)
        if self.is_async:
            assert isinstance(self.client, AsyncClient)
            return response_of(asyncio.run(self.client.generic(method, path, **kwargs)))
        return response_of(self.client.generic(method, path, **kwargs))

    def close(self) -> None:
        global KOURIER_RECEIVER, COURIER_RECEIVER
        self.override.disable()
        KOURIER_RECEIVER = COURIER_RECEIVER = None


def make_harness(name: str, received: list[Event]) -> DjangoHarness:
    return DjangoHarness(name, received)
