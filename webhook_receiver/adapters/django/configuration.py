"""``settings.WEBHOOK_RECEIVER``: read by :mod:`webhook_receiver.config`, checked by ``manage.py check``."""

from __future__ import annotations

# Django ships no type information (django-stubs is a separate project): to mypy
# everything imported from it is ``Any``, hence the ignores on these imports;
# ``unused-ignore`` keeps them quiet should django-stubs be installed.
from django.apps import AppConfig  # type: ignore[import-untyped, unused-ignore]
from django.conf import settings  # type: ignore[import-untyped, unused-ignore]
from django.core import checks  # type: ignore[import-untyped, unused-ignore]
from django.core.exceptions import ImproperlyConfigured  # type: ignore[import-untyped, unused-ignore]

from ..._errors import ConfigurationError
from ..._receiver import Receiver
from ...config import check_mapping, receivers_from_mapping

__all__ = [
    "SETTING",
    "WebhookReceiverConfig",
    "check_setting",
    "receivers_from_setting",
    "settings_receivers",
]

SETTING = "WEBHOOK_RECEIVER"
"""The name of the Django setting the middleware reads."""


def receivers_from_setting(setting: object, name: str = SETTING) -> dict[str, Receiver]:
    """The receivers, by path, that a ``WEBHOOK_RECEIVER``-style setting describes.

    The shape is :mod:`webhook_receiver.config`'s (``provider``, ``options`` with
    ``*_env``, ``handlers``, ``store``, ``inbox``, ...), read by
    :func:`~webhook_receiver.config.receivers_from_mapping`.

    Raises:
        ImproperlyConfigured: every problem, named by path and option, never showing
            a secret.
    """
    try:
        return receivers_from_mapping(setting, name=f"settings.{name}")
    except ConfigurationError as exc:
        raise ImproperlyConfigured(str(exc)) from exc


_BUILT: list[tuple[object, dict[str, Receiver]]] = []


def settings_receivers() -> dict[str, Receiver]:
    """``settings.WEBHOOK_RECEIVER``'s receivers, built once per process and shared.

    The middleware and a project's ASGI entry point (``asgi.py``: see the module's
    documentation) answer with the same receivers, stores and inboxes.
    """
    if not hasattr(settings, SETTING):
        raise ImproperlyConfigured(f"settings.{SETTING} is not set")
    setting = getattr(settings, SETTING)
    for seen, receivers in _BUILT:
        if seen is setting:
            return receivers
    receivers = receivers_from_setting(setting)
    _BUILT[:] = [(setting, receivers)]
    return receivers


def check_setting(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    """Django's system check of ``settings.WEBHOOK_RECEIVER``: every problem, in ``manage.py check``.

    Registered when this module is imported; add ``"webhook_receiver.adapters.django.WebhookReceiverConfig"``
    to ``INSTALLED_APPS`` so that happens before the checks run.
    """
    if not hasattr(settings, SETTING):
        return []
    problems = check_mapping(getattr(settings, SETTING), name=f"settings.{SETTING}")
    return [checks.Error(problem.message, hint=problem.hint, id=problem.id) for problem in problems]


checks.register(check_setting)


class WebhookReceiverConfig(AppConfig):  # type: ignore[misc, unused-ignore]
    """The Django app: ``INSTALLED_APPS = [..., "webhook_receiver.adapters.django.WebhookReceiverConfig"]``.

    It makes ``manage.py check`` check ``settings.WEBHOOK_RECEIVER``.
    """

    name = "webhook_receiver.adapters.django"
    default = True
    label = "webhook_receiver"
    verbose_name = "Webhook receiver"
