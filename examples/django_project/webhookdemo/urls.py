"""Courier through a view; Kourier and Customer.io are answered by the middleware."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from webhook_receiver.adapters.django import WebhookView

from .hooks import courier_receiver


def index(request: HttpRequest) -> HttpResponse:
    """What this demo receives, and where."""
    return HttpResponse(
        "POST webhooks to /hooks/courier/, /hooks/kourier/ and /hooks/customerio/\n",
        content_type="text/plain",
    )


urlpatterns = [
    path("", index),
    path("hooks/courier/", WebhookView.as_view(receiver=courier_receiver)),
]
