"""Settings of the admin project: the webhooks app, the admin, a SQLite file from the environment."""

from __future__ import annotations

import os

SECRET_KEY = "django-insecure-tests-only"  # a test-only key
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "tests.adapters.apps.admin_project.urls"
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "webhook_receiver.adapters.django.db",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("WR_ADMIN_DATABASE", ""),
        "OPTIONS": {"transaction_mode": "IMMEDIATE"},
    }
}
USE_TZ = True
STATIC_URL = "/static/"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast: a test project
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django": {"handlers": ["console"], "level": "ERROR"}},
}

# The worker command's test (tests/adapters/test_django_worker_command.py): a deferred
# receiver whose inbox is this database, run by `webhook-receiver worker`.
WEBHOOK_RECEIVER = {
    "/hooks/kourier/": {
        "provider": "kourier",
        "options": {"token": "worker-command-kourier-token"},
        "inbox": "django",
        "handlers": {"*": "tests.adapters.apps.admin_project.hooks.record"},
    }
}
