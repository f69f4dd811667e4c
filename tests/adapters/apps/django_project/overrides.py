"""The project's settings for one mode, switched in within a test process (``override_settings``)."""

from __future__ import annotations

from typing import Any

from django.test import override_settings

from . import settings


def django_overrides(mode: str) -> Any:
    """``override_settings`` giving the test process the URLconf, middleware and
    ``WEBHOOK_RECEIVER`` that ``WR_DJANGO_MODE=mode`` gives a server."""
    return override_settings(
        ROOT_URLCONF=f"tests.adapters.apps.django_project.urls_{mode.replace('-', '_')}",
        MIDDLEWARE=settings.middleware(mode),
        WEBHOOK_RECEIVER=settings.WEBHOOK_RECEIVER,
    )
