"""The Django app: ``INSTALLED_APPS = [..., "webhook_receiver.adapters.django.db"]``."""

from __future__ import annotations

from django.apps import AppConfig  # type: ignore[import-untyped, unused-ignore]

__all__ = ["WebhooksConfig"]


class WebhooksConfig(AppConfig):  # type: ignore[misc, unused-ignore]
    """The app of the claim and inbox tables, and of the inbox's admin ("Webhooks").

    Importing this package imports ``webhook_receiver.adapters.django``, which registers
    the system check of ``settings.WEBHOOK_RECEIVER``: this app does what
    ``WebhookReceiverConfig`` does (both have the label ``webhook_receiver``: install
    one of them).
    """

    name = "webhook_receiver.adapters.django.db"
    label = "webhook_receiver"
    verbose_name = "Webhooks"
    default_auto_field = "django.db.models.BigAutoField"
