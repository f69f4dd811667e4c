"""Django's own database for stores and inboxes, and an admin for the inbox.

``INSTALLED_APPS = [..., "webhook_receiver.adapters.django.db"]`` (app label
``webhook_receiver``; it also runs ``manage.py check`` on ``settings.WEBHOOK_RECEIVER``,
so it replaces ``"webhook_receiver.adapters.django.WebhookReceiverConfig"``, which has
the same label) and ``manage.py migrate`` give the project two tables:

* ``IdempotencyClaim``, behind :class:`DjangoStore` (``"store": "django"`` in
  ``settings.WEBHOOK_RECEIVER``): each event's handlers run once, as with
  ``SQLiteStore``;
* ``InboxEvent``, behind :class:`DjangoInbox` (``"inbox": "django"``): deferred mode,
  as with ``SQLiteInbox``, run by the same ``Worker``, and listed, retried and purged
  in the admin.

``"django:<alias>"`` picks another database of ``settings.DATABASES``. Both work in
whatever database the project uses; they are tested on SQLite and PostgreSQL.

This package can be imported before Django's app registry is ready (Django does, to
find the app): :class:`DjangoStore` and :class:`DjangoInbox` are loaded, with the
models, on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .inbox import DjangoInbox
    from .store import DjangoStore

__all__ = ["APP", "DjangoInbox", "DjangoStore", "database_problem"]

APP = "webhook_receiver.adapters.django.db"
"""The ``INSTALLED_APPS`` entry."""


def database_problem(alias: str) -> str | None:
    """Why a store or an inbox cannot use Django's database ``alias`` now, or ``None``.

    Touches no database: it asks whether Django is set up, this app installed and
    ``alias`` one of ``settings.DATABASES``.
    """
    from django.apps import apps  # type: ignore[import-untyped, unused-ignore]
    from django.core.exceptions import ImproperlyConfigured  # type: ignore[import-untyped, unused-ignore]
    from django.db import connections  # type: ignore[import-untyped, unused-ignore]

    try:
        aliases = list(connections.settings)
    except ImproperlyConfigured:
        return "Django's settings are not configured (set DJANGO_SETTINGS_MODULE and call django.setup())"
    if not apps.ready:
        return "Django's apps are not loaded yet (call django.setup() first)"
    if not apps.is_installed(APP):
        return f"the app {APP!r} is not in INSTALLED_APPS"
    if alias not in aliases:
        known = ", ".join(repr(name) for name in aliases)
        return f"settings.DATABASES has no database {alias!r} (it has {known})"
    return None


def __getattr__(name: str) -> object:
    # The models can only be imported once the app registry is ready.
    if name == "DjangoStore":
        from .store import DjangoStore

        return DjangoStore
    if name == "DjangoInbox":
        from .inbox import DjangoInbox

        return DjangoInbox
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
