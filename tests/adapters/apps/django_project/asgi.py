"""ASGI entry point: ``uvicorn tests.adapters.apps.django_project.asgi:application``.

As the Django page of the docs says to deploy Django under ASGI: the webhooks are answered (or their
size limit applied) in front of Django, which would otherwise receive a whole body
before any middleware or view runs.
"""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.adapters.apps.django_project.settings")
django_application = get_asgi_application()

# ruff: noqa: E402 - after Django is set up
from webhook_receiver.adapters.asgi import ASGIApp, BodyLimit, WebhookMiddleware
from webhook_receiver.adapters.django import settings_receivers

from ..common import receivers
from .settings import MODE

application: ASGIApp
if MODE == "middleware":
    application = WebhookMiddleware(django_application, routes=settings_receivers())
elif MODE in ("view", "async-view"):
    application = BodyLimit(django_application, routes=receivers())  # the views' limits
else:
    application = django_application
