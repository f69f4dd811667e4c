"""The project's views: its own view at the protected path, the webhook views, health."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from webhook_receiver import Event
from webhook_receiver.adapters.django import AsyncWebhookView, WebhookView

from ..common import REACHED, REACHED_BODY, REACHED_STATUS, reached_json


def own_view(name: str):  # type: ignore[no-untyped-def]
    """The project's own view at the protected path: records that it ran."""

    @csrf_exempt
    def view(request: HttpRequest) -> HttpResponse:
        REACHED[name] += 1
        return HttpResponse(REACHED_BODY, status=REACHED_STATUS, content_type="text/plain")

    return view


class CountingView(WebhookView):
    """``WebhookView`` that records each time a verified request reaches the view's own code."""

    name = "django-view"

    def webhook_received(self, request: HttpRequest, events: tuple[Event, ...]) -> HttpResponse | None:
        REACHED[self.name] += 1
        return None


class CountingAsyncView(AsyncWebhookView):
    name = "django-async-view"

    async def webhook_received(self, request: HttpRequest, events: tuple[Event, ...]) -> HttpResponse | None:
        REACHED[self.name] += 1
        return None


def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"{}", content_type="application/json")


def reached(request: HttpRequest) -> HttpResponse:
    return HttpResponse(reached_json(), content_type="application/json")
