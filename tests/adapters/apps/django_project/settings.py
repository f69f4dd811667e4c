"""Settings for the servers: ``WR_DJANGO_MODE`` (see the package docstring) picks the deployment."""

from __future__ import annotations

import os

from ..common import BIG, LIMIT, PROTECTED, SECRET

MODE = os.environ.get("WR_DJANGO_MODE", "middleware")

SECRET_KEY = "django-insecure-tests-only"  # a test-only key
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS: list[str] = []
DATABASES: dict[str, dict[str, str]] = {}
USE_TZ = True
ROOT_URLCONF = f"tests.adapters.apps.django_project.urls_{MODE.replace('-', '_')}"

WEBHOOK_RECEIVER = {
    PROTECTED: {"provider": "courier", "options": {"secret": SECRET}, "max_body_size": LIMIT},
    BIG: {"provider": "courier", "options": {"secret": SECRET}},
}


def middleware(mode: str) -> list[str]:
    """A usual stack; the webhook middleware near the top, after SecurityMiddleware."""
    webhook = ["webhook_receiver.adapters.django.WebhookMiddleware"] if mode == "middleware" else []
    return [
        "django.middleware.security.SecurityMiddleware",
        *webhook,
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
    ]


MIDDLEWARE = middleware(MODE)

# Errors (a 500 and its traceback) go to the server's log, where the tests look for them.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django": {"handlers": ["console"], "level": "ERROR"}},
}
