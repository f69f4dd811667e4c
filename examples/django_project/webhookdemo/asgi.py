"""ASGI entry point (``uvicorn webhookdemo.asgi:application``): the middleware runs async there."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webhookdemo.settings")
application = get_asgi_application()
