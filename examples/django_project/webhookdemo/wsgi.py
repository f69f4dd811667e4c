"""WSGI entry point (``runserver`` uses it; so would gunicorn ``webhookdemo.wsgi``)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webhookdemo.settings")
application = get_wsgi_application()
