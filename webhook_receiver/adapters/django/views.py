"""Class-based views: ``WebhookView`` and ``AsyncWebhookView``, and their mixins."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

# Django ships no type information (django-stubs is a separate project): to mypy
# everything imported from it is ``Any``, hence the ignores on these imports;
# ``unused-ignore`` keeps them quiet should django-stubs be installed.
from django.core.exceptions import ImproperlyConfigured  # type: ignore[import-untyped, unused-ignore]
from django.http import HttpRequest, HttpResponse  # type: ignore[import-untyped, unused-ignore]
from django.views import View  # type: ignore[import-untyped, unused-ignore]

from ..._events import Event
from ..._receiver import Receiver
from ._request import answer, answer_async, to_response

__all__ = ["AsyncWebhookView", "AsyncWebhookViewMixin", "WebhookView", "WebhookViewMixin"]


def _require_receiver(receiver: object, where: str) -> Receiver:
    if not isinstance(receiver, Receiver):
        raise ImproperlyConfigured(
            f"{where} needs a webhook_receiver.Receiver: pass as_view(receiver=...) or set the "
            f"class attribute 'receiver' (got {type(receiver).__name__})"
        )
    return receiver


_OVERRIDABLE = ("__init__", "setup", "dispatch", "get_receiver", "webhook_received")
"""What a subclass may override to change how a request is answered."""


def _answers_as_is(cls: type, initkwargs: dict[str, Any]) -> bool:
    """Whether ``cls`` answers as :class:`WebhookView` itself does: nothing overridden that
    takes part in a request (only its ``receiver`` set), so a view can skip the class."""
    return (
        set(initkwargs) <= {"receiver"}
        and not getattr(cls, "view_is_async", False)
        and all(getattr(cls, name) is getattr(WebhookView, name) for name in _OVERRIDABLE)
    )


def _direct(
    cls: type[WebhookViewMixin], view: Callable[..., Any], initkwargs: dict[str, Any]
) -> Callable[..., Any]:
    """The view a plain :class:`WebhookView` amounts to, without an instance per request.

    What ``View.as_view``'s view would do for such a class: make an instance, set it
    up, and dispatch, which answers through the receiver and, since the default
    ``webhook_received`` answers nothing, sends the reply. The same answer without
    the instance, ``setup`` and three method calls: 14k instructions a request. It
    keeps Django's view function's attributes (``view_class``, ``view_initkwargs``,
    ``csrf_exempt``, ...), and a class ``receiver`` is read per request, as
    ``get_receiver`` reads it.
    """
    given: Receiver | None = initkwargs.get("receiver")

    def direct(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        receiver = given if given is not None else _require_receiver(cls.receiver, cls.__qualname__)
        return to_response(answer(receiver, request))

    direct.__dict__.update(view.__dict__)
    direct.__doc__, direct.__module__ = view.__doc__, view.__module__
    direct.__qualname__ = direct.__name__ = view.__name__
    direct.__annotations__ = view.__annotations__
    return direct


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
        view: Callable[..., Any] = super().as_view(**initkwargs)  # type: ignore[misc]
        # The attribute csrf_exempt() sets on the wrapper it returns, set on the view itself:
        # CsrfViewMiddleware reads only the attribute, and the request saves a call.
        view.csrf_exempt = True  # type: ignore[attr-defined]
        if _answers_as_is(cls, initkwargs):
            return _direct(cls, view, initkwargs)
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
