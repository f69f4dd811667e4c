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
import os
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from .._errors import ConfigurationError
from .._events import Event
from .._headers import EnvironNames, HeadersLike
from .._pipeline import RouteTable, serve, serve_async
from .._receiver import Receiver, Reply
from ..providers import create
from . import require

require("django", "django", "django")

# Django ships no type information (django-stubs is a separate project): to mypy
# everything imported from it is ``Any``, hence the ignores on these imports and on
# the two classes deriving from ``View``; ``unused-ignore`` keeps them quiet should
# django-stubs be installed.
# ruff: noqa: E402 - Django is imported after the friendly import check
from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings  # type: ignore[import-untyped, unused-ignore]
from django.core.exceptions import ImproperlyConfigured  # type: ignore[import-untyped, unused-ignore]
from django.core.handlers.wsgi import WSGIRequest  # type: ignore[import-untyped, unused-ignore]
from django.http import HttpRequest, HttpResponse  # type: ignore[import-untyped, unused-ignore]
from django.utils.module_loading import import_string  # type: ignore[import-untyped, unused-ignore]
from django.views import View  # type: ignore[import-untyped, unused-ignore]
from django.views.decorators.csrf import csrf_exempt  # type: ignore[import-untyped, unused-ignore]

__all__ = [
    "AsyncWebhookView",
    "AsyncWebhookViewMixin",
    "WebhookMiddleware",
    "WebhookView",
    "WebhookViewMixin",
    "answer",
    "answer_async",
    "body_of",
    "receivers_from_setting",
    "to_response",
]

_SETTING = "WEBHOOK_RECEIVER"
_CONFIG_KEYS = frozenset({"provider", "options", "handlers", "max_body_size", "methods", "content_types"})


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


def _import(dotted: object, what: str) -> object:
    if not isinstance(dotted, str) or "." not in dotted:
        raise ImproperlyConfigured(f"{what} must be a dotted path such as 'myapp.hooks.name'")
    try:
        return import_string(dotted)
    except ImportError as exc:
        raise ImproperlyConfigured(f"{what}: cannot import {dotted!r}: {exc}") from exc


def _env_value(option: str, name: str, where: str) -> str:
    value = os.environ.get(name)
    if value is None:
        raise ImproperlyConfigured(
            f"{where}: option {option!r} names the environment variable {name!r}, which is not set"
        )
    return value


def _env(option: str, names: object, where: str) -> str | list[str]:
    if isinstance(names, str):
        return _env_value(option, names, where)
    if isinstance(names, list | tuple) and names and all(isinstance(n, str) for n in names):
        # Several variables: several secrets, as during a rotation.
        return [_env_value(option, name, where) for name in names]
    raise ImproperlyConfigured(f"{where}: option {option!r} must name an environment variable (a string)")


def _options(raw: object, where: str) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ImproperlyConfigured(f"{where}: 'options' must be a dict, not {type(raw).__name__}")
    options: dict[str, Any] = {}
    for key, value in raw.items():
        if not isinstance(key, str):
            raise ImproperlyConfigured(f"{where}: option names must be strings")
        if key.endswith("_env"):
            name = key[: -len("_env")]
            if name in raw:
                raise ImproperlyConfigured(f"{where}: give {name!r} or {key!r}, not both")
            options[name] = _env(key, value, where)
        else:
            options[key] = value
    return options


def _handlers(raw: object, where: str) -> Iterable[tuple[str, Callable[..., object]]]:
    if raw is None:
        return []
    if not isinstance(raw, Mapping):
        raise ImproperlyConfigured(
            f"{where}: 'handlers' must be a dict of event pattern -> dotted path(s), not {type(raw).__name__}"
        )
    found: list[tuple[str, Callable[..., object]]] = []
    for pattern, targets in raw.items():
        if not isinstance(pattern, str) or not pattern:
            raise ImproperlyConfigured(f"{where}: handler patterns must be non-empty strings")
        for target in targets if isinstance(targets, list | tuple) else [targets]:
            handler = target if callable(target) else _import(target, f"{where}: handler for {pattern!r}")
            if not callable(handler):
                raise ImproperlyConfigured(f"{where}: the handler for {pattern!r} is not callable")
            found.append((pattern, handler))
    return found


def _build(config: Mapping[Any, Any], where: str) -> Receiver:
    unknown = sorted(str(key) for key in config if key not in _CONFIG_KEYS)
    if unknown:
        raise ImproperlyConfigured(
            f"{where}: unknown key(s) {', '.join(map(repr, unknown))}; "
            f"known: {', '.join(sorted(_CONFIG_KEYS))}"
        )
    name = config.get("provider")
    if not isinstance(name, str):
        raise ImproperlyConfigured(f"{where}: 'provider' must name a provider, such as 'courier'")
    options = _options(config.get("options"), where)
    extra = {key: config[key] for key in ("max_body_size", "methods", "content_types") if key in config}
    for key in ("methods", "content_types"):
        value = extra.get(key, ())
        if not (value is None and key == "content_types") and not (
            isinstance(value, list | tuple) and all(isinstance(item, str) for item in value)
        ):
            raise ImproperlyConfigured(f"{where}: {key!r} must be a list of strings")
    try:
        receiver = Receiver(create(name, **options), **extra)
        for pattern, handler in _handlers(config.get("handlers"), where):
            if pattern == "*":
                receiver.on_any(handler)
            else:
                receiver.on(pattern)(handler)
    except ConfigurationError as exc:
        # The core's messages name options, never their values.
        raise ImproperlyConfigured(f"{where}: {exc}") from exc
    return receiver


def receivers_from_setting(setting: object, name: str = _SETTING) -> dict[str, Receiver]:
    """The receivers, by path, that a ``WEBHOOK_RECEIVER``-style setting describes.

    The setting maps URL paths (``"/hooks/courier/"``) to either a ``Receiver`` (or a
    dotted path to one), or a dict:

    ``provider``
        a provider name for ``webhook_receiver.providers.create``.
    ``options``
        its options; ``"secret_env": "VAR"`` reads ``secret`` from the environment
        variable ``VAR`` (a list of variables gives a list of secrets, for rotation).
    ``handlers``
        event pattern (``"message:updated"``, ``"delivery.*"``, ``"*"`` for every
        event) -> dotted path of a handler, or a list of them.
    ``max_body_size``, ``methods``, ``content_types``
        passed to ``Receiver``.

    Raises:
        ImproperlyConfigured: anything wrong, named by path and option, never showing
            a secret.
    """
    if not isinstance(setting, Mapping) or not setting:
        raise ImproperlyConfigured(
            f"settings.{name} must be a non-empty dict of URL path -> receiver (got {type(setting).__name__})"
        )
    receivers: dict[str, Receiver] = {}
    for path, value in setting.items():
        if not isinstance(path, str) or not path.startswith("/"):
            raise ImproperlyConfigured(
                f"settings.{name}: the path {path!r} must be a string starting with '/'"
            )
        where = f"settings.{name}[{path!r}]"
        if isinstance(value, Mapping):
            receivers[path] = _build(value, where)
        elif isinstance(value, Receiver):
            receivers[path] = value
        elif isinstance(value, str):
            found = _import(value, where)
            if not isinstance(found, Receiver):
                raise ImproperlyConfigured(f"{where}: {value!r} is a {type(found).__name__}, not a Receiver")
            receivers[path] = found
        else:
            raise ImproperlyConfigured(
                f"{where} must be a dotted path to a Receiver or a dict with 'provider' "
                f"(got {type(value).__name__})"
            )
    return receivers


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
            routes = receivers_from_setting(getattr(settings, _SETTING))
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
