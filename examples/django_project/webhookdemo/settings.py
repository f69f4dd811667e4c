"""Settings for the webhook demo: only what receiving webhooks needs.

Secrets come from the environment. The demo values below are set only when a
variable is missing, so the project runs out of the box; in production, set the
variables and delete ``DEMO_SECRETS``.
"""

from __future__ import annotations

import os

DEMO_SECRETS = {
    "COURIER_SECRET": "demo-courier-signing-secret",
    "KOURIER_TOKEN": "demo-kourier-token",
    "CUSTOMERIO_SECRET": "demo-customerio-shared-secret",
}
for _name, _value in DEMO_SECRETS.items():
    os.environ.setdefault(_name, _value)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "django-insecure-webhook-demo-only")
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "webhookdemo.urls"
WSGI_APPLICATION = "webhookdemo.wsgi.application"
ASGI_APPLICATION = "webhookdemo.asgi.application"
# The app makes ``manage.py check`` check WEBHOOK_RECEIVER (every problem, with a hint).
INSTALLED_APPS = ["webhook_receiver.adapters.django.WebhookReceiverConfig"]
DATABASES: dict[str, dict[str, str]] = {}
USE_TZ = True

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Near the top: it answers its paths itself, before URL resolution, so nothing
    # below it (CSRF included) ever sees a webhook request or reads its body.
    "webhook_receiver.adapters.django.WebhookMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]

# Path -> receiver. Courier is served by a view instead (see urls.py).
WEBHOOK_RECEIVER = {
    "/hooks/kourier/": {
        "provider": "kourier",
        "options": {"token_env": "KOURIER_TOKEN"},
        "handlers": {"delivery.*": "webhookdemo.hooks.on_delivery"},
    },
    "/hooks/customerio/": {
        "provider": "customerio",
        "options": {"secret_env": "CUSTOMERIO_SECRET"},
        "handlers": {"track": "webhookdemo.hooks.on_track", "*": "webhookdemo.hooks.log_any"},
        "max_body_size": 2 * 1024 * 1024,
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "webhookdemo": {"handlers": ["console"], "level": "INFO"},
        "webhook_receiver": {"handlers": ["console"], "level": "WARNING"},
    },
}
