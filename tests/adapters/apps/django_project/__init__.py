"""A tiny Django project, served by gunicorn (WSGI) and uvicorn (ASGI) in the adapter tests.

``WR_DJANGO_MODE`` picks the deployment when the process starts: ``bare`` (the
project's own view at the protected path), ``middleware`` (the same URLconf behind
``WebhookMiddleware`` configured by ``settings.WEBHOOK_RECEIVER``), ``view``
(``WebhookView`` at the protected paths) or ``async-view`` (``AsyncWebhookView``).
"""
