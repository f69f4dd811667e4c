"""Django: class-based views, and a middleware configured from ``settings.WEBHOOK_RECEIVER``.

A view per endpoint, in the URLconf::

    from webhook_receiver.adapters.django import WebhookView

    urlpatterns = [path("hooks/courier/", WebhookView.as_view(receiver=courier_receiver))]

or every endpoint from settings, answered by a middleware before URL resolution::

    MIDDLEWARE = [
        "django.middleware.security.SecurityMiddleware",
        "webhook_receiver.adapters.django.WebhookMiddleware",
        ...,
    ]
    WEBHOOK_RECEIVER = {
        "/hooks/kourier/": "myapp.hooks.kourier_receiver",  # a ready Receiver
        "/hooks/customerio/": {
            "provider": "customerio",
            "options": {"secret_env": "CUSTOMERIO_SECRET"},  # read from the environment
            "handlers": {"track": "myapp.hooks.on_track", "*": "myapp.hooks.log_any"},
        },
    }

What Django gets to decide, and what it does not:

* **Methods.** Every HTTP method reaches the view's ``dispatch`` (``http_method_names``
  is not consulted), so a wrong method is answered by the ``Receiver``: 405 with its
  ``Allow`` header and JSON body, the same answer every other adapter gives.
* **CSRF.** ``as_view()`` returns a ``csrf_exempt`` view: senders have no CSRF token,
  and the signature is what authenticates them. The middleware answers in its own
  ``__call__``, before URL resolution and so before any middleware's ``process_view``
  (where ``CsrfViewMiddleware`` rejects), wherever it sits in ``MIDDLEWARE``. Put it
  near the top, after ``SecurityMiddleware``: middleware above it runs first, and one
  that reads ``request.POST`` or ``request.body`` there would consume the body.
* **The body.** It is read raw with ``request.read()`` in chunks into
  ``Receiver.limited_body()``, after ``Receiver.precheck``: the receiver's
  ``max_body_size`` decides 413, not ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (which only guards
  ``request.body``/``request.POST``). Under WSGI, Django reads no further than the
  declared ``Content-Length`` (and sees an empty body without one); under ASGI, Django
  has already buffered the body (spooled to disk past ``FILE_UPLOAD_MAX_MEMORY_SIZE``)
  and the read stops one byte past the limit.
* **Async.** :class:`AsyncWebhookView` is an async view (``await
  Receiver.handle_async``); :class:`WebhookMiddleware` is both sync- and async-capable,
  so under ASGI it awaits ``handle_async`` too.
* **Settings.** Every problem in ``WEBHOOK_RECEIVER`` raises ``ImproperlyConfigured``
  when Django builds the middleware (at startup), never per request; messages name
  settings and environment variables, never a secret's value.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from .._errors import ConfigurationError
from .._events import Event
from .._headers import EnvironNames, HeadersLike
from .._pipeline import RouteTable, serve, serve_async
from .._receiver import Receiver, Reply
from ..config import check_mapping, receivers_from_mapping
from . import require

require("django", "django", "django")

# Django ships no type information (django-stubs is a separate project): to mypy
# everything imported from it is ``Any``, hence the ignores on these imports and on
# the two classes deriving from ``View``; ``unused-ignore`` keeps them quiet should
# django-stubs be installed.
# ruff: noqa: E402 - Django is imported after the friendly import check
from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.apps import AppConfig  # type: ignore[import-untyped, unused-ignore]
from django.conf import settings  # type: ignore[import-untyped, unused-ignore]
from django.core import checks  # type: ignore[import-untyped, unused-ignore]
from django.core.exceptions import ImproperlyConfigured  # type: ignore[import-untyped, unused-ignore]
from django.core.handlers.wsgi import WSGIRequest  # type: ignore[import-untyped, unused-ignore]
from django.http import HttpRequest, HttpResponse  # type: ignore[import-untyped, unused-ignore]
from django.views import View  # type: ignore[import-untyped, unused-ignore]
from django.views.decorators.csrf import csrf_exempt  # type: ignore[import-untyped, unused-ignore]

__all__ = [
    "AsyncWebhookView",
    "AsyncWebhookViewMixin",
    "WebhookMiddleware",
    "WebhookReceiverConfig",
    "WebhookView",
    "WebhookViewMixin",
    "answer",
    "answer_async",
    "body_of",
    "check_setting",
    "receivers_from_setting",
    "settings_receivers",
    "to_response",
]

_SETTING = "WEBHOOK_RECEIVER"


# --- request and response --------------------------------------------------------------


def body_of(request: HttpRequest) -> tuple[Callable[[int], bytes], bool]:
    """How to read ``request``'s raw body, and whether its end is known without a length.

    Under WSGI, Django's ``request.read()`` stops at the declared ``Content-Length``
    (and reads nothing without one): a chunked request, which has none, is read from
    the server's input where the server terminates it (``wsgi.input_terminated``),
    else refused (411). Under ASGI, Django has already received the whole body.
    """
    if type(request) is WSGIRequest and not request.META.get("CONTENT_LENGTH"):
        return request.environ["wsgi.input"].read, bool(request.environ.get("wsgi.input_terminated"))
    return request.read, True


_LAZY_HEADERS = HttpRequest.__dict__.get("headers")
_NAMES = EnvironNames()  # ``HttpHeaders`` rules


def _headers(request: HttpRequest) -> HeadersLike:
    """``request.headers``, for ``Receiver.precheck``, without building Django's mapping.

    ``HttpRequest.headers`` is built on first use from ``request.META``: a title-cased
    name per entry, then a case-insensitive copy, which costs more than the rest of
    the adapter. This takes the same entries from ``META`` by the same rules (``HTTP_*``
    and ``CONTENT_TYPE``/``CONTENT_LENGTH``, a later entry of the same name replacing
    the earlier one) into a plain dict the header view reads in place; names are
    lower-cased rather than title-cased, which the case-insensitive view cannot tell
    apart. When ``request.headers`` has already been built or set for this request,
    or a request class defines its own, that is used as it is.
    """
    if "headers" in request.__dict__ or _LAZY_HEADERS is None or type(request).headers is not _LAZY_HEADERS:
        return request.headers  # type: ignore[no-any-return, unused-ignore]
    known = _NAMES.known
    return {
        name: value
        for key, value in request.META.items()
        if (name := known(key)) or (name is None and (name := _NAMES.name(key)))
    }


def answer(receiver: Receiver, request: HttpRequest) -> Reply:
    """The ``Reply`` for one Django request to ``receiver`` (handlers run here)."""
    read, terminated = body_of(request)
    return serve(receiver, request.method, _headers(request), read, terminated=terminated)


async def answer_async(receiver: Receiver, request: HttpRequest) -> Reply:
    """Like :func:`answer`, awaiting ``receiver.handle_async`` (for async views and ASGI).

    The body is read synchronously: under ASGI Django has already received it into a
    spooled file before the view runs, so this is a read from memory (or local disk).
    """
    read, terminated = body_of(request)
    reply = await serve_async(receiver, request.method, _headers(request), read=read, terminated=terminated)
    assert reply is not None  # only an ASGI body read chunk by chunk can find the client gone
    return reply


def to_response(reply: Reply) -> HttpResponse:
    """An ``HttpResponse`` with the reply's status, headers and body, exactly as given.

    Django adds a ``text/html`` content type to every response; a reply that has no
    ``Content-Type`` gets none.
    """
    headers = reply.headers
    # A dict copy: Django unpacks a dict without the Mapping ABC check a read-only mapping takes.
    response = HttpResponse(reply.body, status=reply.status, headers=dict(headers))
    if "Content-Type" not in headers and not any(name.lower() == "content-type" for name in headers):
        del response["Content-Type"]
    return response


# --- views -------------------------------------------------------------------------------


def _require_receiver(receiver: object, where: str) -> Receiver:
    if not isinstance(receiver, Receiver):
        raise ImproperlyConfigured(
            f"{where} needs a webhook_receiver.Receiver: pass as_view(receiver=...) or set the "
            f"class attribute 'receiver' (got {type(receiver).__name__})"
        )
    return receiver


class WebhookViewMixin:
    """Class-based view behaviour: answer every request with the view's ``receiver``.

    Mix it in before ``django.views.View`` (or use :class:`WebhookView`). Every HTTP
    method reaches :meth:`dispatch`, so the ``Receiver`` answers a wrong method (405,
    with its ``Allow``) as it answers everything else. ``as_view()`` checks the
    receiver, raising ``ImproperlyConfigured`` at URLconf import when there is none,
    and returns a ``csrf_exempt`` view.

    Override :meth:`webhook_received` to act on the verified events (after the
    receiver's handlers succeeded) or to answer with a response of your own.
    """

    receiver: Receiver | None = None
    """The receiver that verifies, parses and dispatches this view's requests."""

    view_is_async = False
    """Tells ``View.as_view`` this view is sync (it has no per-method handlers to look at)."""

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Callable[..., Any]:
        """``View.as_view``, checked for a receiver and exempt from CSRF."""
        _require_receiver(initkwargs.get("receiver", cls.receiver), f"{cls.__qualname__}.as_view()")
        view: Callable[..., Any] = csrf_exempt(super().as_view(**initkwargs))  # type: ignore[misc]
        return view

    def get_receiver(self) -> Receiver:
        """The receiver for this request (override to choose one per request)."""
        return _require_receiver(self.receiver, type(self).__qualname__)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Answer the request, whatever its method, through the receiver."""
        reply = answer(self.get_receiver(), request)
        if reply.ok:
            custom = self.webhook_received(request, reply.events)
            if custom is not None:
                return custom
        return to_response(reply)

    def webhook_received(self, request: HttpRequest, events: tuple[Event, ...]) -> HttpResponse | None:
        """Called with the verified events once the receiver's handlers succeeded.

        Return an ``HttpResponse`` to send it instead of the receiver's reply, or
        ``None`` (the default) to send the reply. Not called for rejected requests or
        failed handlers. In an :class:`AsyncWebhookViewMixin` view it may be ``async``.
        """
        return None


class AsyncWebhookViewMixin(WebhookViewMixin):
    """:class:`WebhookViewMixin` as an async view: awaits ``Receiver.handle_async``.

    Async handlers run on the server's event loop and plain ones in a worker thread.
    :meth:`webhook_received` may be a plain or an ``async`` method.
    """

    view_is_async = True
    """Tells ``View.as_view`` to mark the view a coroutine function."""

    async def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Answer the request, whatever its method, through the receiver."""
        reply = await answer_async(self.get_receiver(), request)
        if reply.ok:
            custom: object = self.webhook_received(request, reply.events)
            if inspect.isawaitable(custom):
                custom = await custom
            if custom is not None:
                return custom
        return to_response(reply)


class WebhookView(WebhookViewMixin, View):  # type: ignore[misc, unused-ignore]
    """A ready sync view: ``path("hooks/courier/", WebhookView.as_view(receiver=receiver))``."""


class AsyncWebhookView(AsyncWebhookViewMixin, View):  # type: ignore[misc, unused-ignore]
    """A ready async view: ``path("hooks/courier/", AsyncWebhookView.as_view(receiver=receiver))``.

    Under ASGI it runs on the event loop; under WSGI Django runs it in a loop of its own.
    """


# --- settings ----------------------------------------------------------------------------


def receivers_from_setting(setting: object, name: str = _SETTING) -> dict[str, Receiver]:
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
    if not hasattr(settings, _SETTING):
        raise ImproperlyConfigured(f"settings.{_SETTING} is not set")
    setting = getattr(settings, _SETTING)
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
    if not hasattr(settings, _SETTING):
        return []
    problems = check_mapping(getattr(settings, _SETTING), name=f"settings.{_SETTING}")
    return [checks.Error(problem.message, hint=problem.hint, id=problem.id) for problem in problems]


checks.register(check_setting)


class WebhookReceiverConfig(AppConfig):  # type: ignore[misc, unused-ignore]
    """The Django app: ``INSTALLED_APPS = [..., "webhook_receiver.adapters.django.WebhookReceiverConfig"]``.

    It makes ``manage.py check`` check ``settings.WEBHOOK_RECEIVER``.
    """

    name = "webhook_receiver.adapters.django"
    label = "webhook_receiver"
    verbose_name = "Webhook receiver"


# --- middleware --------------------------------------------------------------------------


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
            if not hasattr(settings, _SETTING):
                raise ImproperlyConfigured(
                    f"{type(self).__qualname__} is in MIDDLEWARE but settings.{_SETTING} is not set"
                )
            routes = settings_receivers()
        try:
            self.routes = RouteTable(routes)
        except ConfigurationError as exc:
            raise ImproperlyConfigured(f"settings.{_SETTING}: {exc}") from exc
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
