"""WSGI entry point: ``gunicorn tests.adapters.apps.admin_project.wsgi:application``."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.adapters.apps.admin_project.settings")
application = get_wsgi_application()
