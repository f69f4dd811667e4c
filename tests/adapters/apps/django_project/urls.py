"""What the URLconfs of each mode hold (``urls_<mode>.py``, named by ``settings.ROOT_URLCONF``)."""

from __future__ import annotations

from django.urls import path

from ..common import HEALTH, PROTECTED, receivers
from .views import CountingAsyncView, CountingView, health, own_view, reached

_COMMON = [path(HEALTH.lstrip("/"), health), path("__reached", reached)]


def bare(name: str) -> list[object]:
    """The project alone: its own view at the protected path (the middleware mode uses it too)."""
    return [*_COMMON, path(PROTECTED.lstrip("/"), own_view(name))]


def webhook_views(view: type[CountingView] | type[CountingAsyncView]) -> list[object]:
    return [*_COMMON, *(path(p.lstrip("/"), view.as_view(receiver=r)) for p, r in receivers().items())]
