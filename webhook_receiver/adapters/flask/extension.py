"""``WebhookReceiver``: a Flask extension answering webhooks at URL rules of its own."""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from types import MappingProxyType

from flask import Flask, Response

from ..._errors import ConfigurationError
from ..._receiver import Receiver
from ._request import ALL_METHODS, EXTENSION_KEY, answer, current_app_object, current_request, response

__all__ = ["WebhookReceiver"]


class WebhookReceiver:
    """A Flask extension that answers webhooks at URL rules of their own.

    ::

        webhooks = WebhookReceiver(routes={"/hooks/courier": courier_receiver})
        webhooks.add("/hooks/kourier", kourier_receiver)
        webhooks.init_app(app)  # or WebhookReceiver(app, routes=...)

    Each path becomes a URL rule (Flask syntax: ``"/hooks/<tenant>"`` works, the
    values are ignored) answering :data:`ALL_METHODS`, so the Receiver refuses the
    methods its provider does not use with its own 405 and ``Allow``. The endpoint
    of a path is ``"webhook_receiver:<path>"`` (:meth:`endpoint`), for ``url_for``.
    The extension is in ``app.extensions["webhook_receiver"]``.

    Routes may be added before or after ``init_app``: :meth:`add` also registers
    on every app already initialised (which Flask allows until the app has handled
    its first request). One extension may serve several apps (an app factory).

    Args:
        app: an app to initialise now, or ``None`` to call :meth:`init_app` later.
        routes: URL path -> :class:`~webhook_receiver.Receiver`.
    """

    def __init__(self, app: Flask | None = None, routes: Mapping[str, Receiver] | None = None) -> None:
        self._routes: dict[str, Receiver] = {}
        self._apps: weakref.WeakSet[Flask] = weakref.WeakSet()
        for path, receiver in (routes or {}).items():
            self.add(path, receiver)
        if app is not None:
            self.init_app(app)

    @property
    def routes(self) -> Mapping[str, Receiver]:
        """The receivers by path (read-only)."""
        return MappingProxyType(self._routes)

    @staticmethod
    def endpoint(path: str) -> str:
        """The endpoint name of ``path``'s URL rule: ``"webhook_receiver:" + path``."""
        return f"{EXTENSION_KEY}:{path}"

    def add(self, path: str, receiver: Receiver) -> None:
        """Answer webhooks to ``receiver`` at ``path``.

        Raises:
            ConfigurationError: ``path`` does not start with ``/`` or is taken, or
                ``receiver`` is not a Receiver.
        """
        if not isinstance(path, str) or not path.startswith("/"):
            raise ConfigurationError(f"a webhook path must start with '/': {path!r}")
        if not isinstance(receiver, Receiver):
            raise ConfigurationError(f"the route {path!r} must map to a Receiver")
        if path in self._routes:
            raise ConfigurationError(f"the path {path!r} already has a receiver")
        self._routes[path] = receiver
        for app in self._apps:
            self._register(app, path, receiver)

    def init_app(self, app: Flask) -> None:
        """Register every route on ``app``; calling it again for the same app does nothing.

        Raises:
            ConfigurationError: another ``WebhookReceiver`` is already on ``app``.
        """
        current = app.extensions.get(EXTENSION_KEY)
        if current is self:
            return
        if current is not None:
            raise ConfigurationError("this app already has a WebhookReceiver; add routes to that one")
        for path, receiver in self._routes.items():
            self._register(app, path, receiver)
        app.extensions[EXTENSION_KEY] = self
        self._apps.add(app)

    def _register(self, app: Flask, path: str, receiver: Receiver) -> None:
        def receive_webhook(**url_values: object) -> Response:
            return response(current_app_object(), answer(receiver, current_request()))

        endpoint = self.endpoint(path)
        receive_webhook.__name__ = receive_webhook.__qualname__ = endpoint
        # A method the provider uses but ALL_METHODS lacks still has to reach the Receiver.
        methods = [*ALL_METHODS, *(m for m in receiver.methods if m not in ALL_METHODS)]
        app.add_url_rule(path, endpoint=endpoint, view_func=receive_webhook, methods=methods)

    def __repr__(self) -> str:
        return f"<WebhookReceiver {sorted(self._routes)!r}>"
