"""Django settings for the Django tests (pytest-django loads these).

The adapter tests need no database; the store, inbox and admin tests
(``test_django_db.py``) use the ``webhook_receiver.adapters.django.db`` app and the
admin, in a SQLite file by default, or in the PostgreSQL database that
``WEBHOOK_RECEIVER_DJANGO_DATABASE_URL`` names (``postgresql://user@host:port/name``, a
user that may create the test database: ``python3 tests/pg_server.py start DIR``
prints one).
"""

from __future__ import annotations

import os
import tempfile
from typing import Any
from urllib.parse import unquote, urlsplit

SECRET_KEY = "django-insecure-tests-only"  # a test-only key
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "tests.adapters.django_urls"
INSTALLED_APPS: list[str] = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "webhook_receiver.adapters.django.db",
]
# What the admin needs; the adapter tests each choose their own.
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
USE_TZ = True
# Fast hashing: the admin tests log users in.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _database(url: str | None) -> dict[str, Any]:
    if not url:
        # A file, not memory: the worker's threads each open a connection of their own.
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.path.join(tempfile.gettempdir(), "webhook-receiver-django.sqlite3"),
            "OPTIONS": {"transaction_mode": "IMMEDIATE"},
            "TEST": {
                "NAME": os.path.join(tempfile.gettempdir(), f"webhook-receiver-django-{os.getpid()}.sqlite3")
            },
        }
    parts = urlsplit(url)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
    }


DATABASES = {"default": _database(os.environ.get("WEBHOOK_RECEIVER_DJANGO_DATABASE_URL"))}
