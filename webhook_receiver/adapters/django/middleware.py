"""``WebhookMiddleware``: the paths of ``settings.WEBHOOK_RECEIVER``, answered before URL resolution."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

# Django ships no type information (django-stubs is a separate project): to mypy
# everything imported from it is ``Any``, hence the ignores on these imports;
# ``unused-ignore`` keeps them quiet should django-stubs be installed.
from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings  # type: ignore[import-untyped, unused-ignore]
from django.core.exceptions import ImproperlyConfigured  # type: ignore[import-untyped, unused-ignore]
from django.http import HttpRequest, HttpResponse  # type: ignore[import-untyped, unused-ignore]

from ..._errors import ConfigurationError
from ..._pipeline import RouteTable
from ..._receiver import Receiver
from ._request import answer, answer_async, to_response
from .configuration import SETTING, settings_receivers

__all__ = ["WebhookMiddleware"]


class WebhookMiddleware:
    """Answer the webhook paths of ``settings.WEBHOOK_RECEIVER``; pass everything else on.

    Paths match ``request.path_info`` exactly, ignoring a trailing slash (so
    ``"/hooks/courier/"`` also answers ``/hooks/courier``, which a sender's URL may
    lack, with no ``APPEND_SLASH`` redirect in the way). The setting is read and
    checked when Django builds the middleware (see :func:`receivers_from_setting`).
    Both sync- and async-capable: under ASGI, handlers are awaited on the loop.

    Args:
        get_response: the next layer, as Django passes it.
        routes: path -> ``Receiver``, instead of reading ``settings.WEBHOOK_RECEIVER``
            (for a subclass or a test).
    """

    sync_capable = True
    async_capable = True

    def __init__(
        self, get_response: Callable[[HttpRequest], Any], routes: Mapping[str, Receiver] | None = None
    ) -> None:
        self.get_response = get_response
        if routes is None:
            if not hasattr(settings, SETTING):
                raise ImproperlyConfigured(
                    f"{type(self).__qualname__} is in MIDDLEWARE but settings.{SETTING} is not set"
                )
            routes = settings_receivers()
        try:
            self.routes = RouteTable(routes)
        except ConfigurationError as exc:
            raise ImproperlyConfigured(f"settings.{SETTING}: {exc}") from exc
        self._is_async = iscoroutinefunction(get_response)
        if self._is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponse | Awaitable[HttpResponse]:
        """Answer a webhook path here, or pass the request on."""
        if self._is_async:
            return self.__acall__(request)
        receiver = self.routes.get(request.path_info)
        if receiver is None:
            return self.get_response(request)
        return to_response(answer(receiver, request))

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        """The async path, used when Django runs the middleware chain under ASGI."""
        receiver = self.routes.get(request.path_info)
        if receiver is None:
            return await self.get_response(request)
        return to_response(await answer_async(receiver, request))
