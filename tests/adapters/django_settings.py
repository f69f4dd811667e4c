"""Minimal Django settings for the Django adapter tests (pytest-django loads these)."""

from __future__ import annotations

SECRET_KEY = "django-insecure-tests-only"  # a test-only key
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "tests.adapters.django_urls"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict[str, dict[str, str]] = {}
USE_TZ = True
