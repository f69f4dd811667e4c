"""Flask: a ``@webhook(receiver)`` view decorator and a ``WebhookReceiver`` extension.

The decorator, when the view has something to add::

    from webhook_receiver.adapters.flask import ALL_METHODS, webhook

    @app.route("/hooks/kourier", methods=ALL_METHODS)
    @webhook(kourier_receiver)
    def kourier_hook(events: list[Event]) -> None:
        log.info("got %d events", len(events))  # None: send the Receiver's answer

The extension, when the receiver's own handlers are all there is::

    webhooks = WebhookReceiver(routes={"/hooks/courier": courier_receiver})

    def create_app() -> Flask:
        app = Flask(__name__)
        webhooks.init_app(app)
        return app

Both read the raw body from ``request.stream`` in chunks, under the receiver's size
limit (a declared ``Content-Length`` over it is refused before reading anything, a
chunked body the moment the bytes read pass it), and only then verify; nothing calls
``request.get_json()`` before the signature has been checked. The Receiver decides
every status; this module only turns its ``Reply`` into a Flask response. (An app's
own ``MAX_CONTENT_LENGTH``, if lower than the receiver's limit, still applies first:
Flask answers that 413 itself. After verification the view may call
``request.get_data()`` or ``request.get_json()``: they return the verified bytes.)

Methods: Flask answers a method a route was not registered for with its own 405
page. Register a decorated view with ``methods=ALL_METHODS`` so the Receiver
answers instead (JSON, with ``Allow``), or with ``methods=receiver.methods`` to let
Flask refuse the others. The extension registers ``ALL_METHODS``.

Two things elsewhere in an app can get in the way: something that reads the body
before the view (``request.get_data()`` or ``request.form`` in a
``before_request`` hook) leaves nothing to verify, and a CSRF guard such as
Flask-WTF's ``CSRFProtect`` refuses the sender's POST, so exempt the webhook views
(``csrf.exempt(view)``; the extension's are in ``app.view_functions``).
"""

from __future__ import annotations

import functools
import inspect
import io
import weakref
from collections.abc import Awaitable, Callable, Mapping
from types import MappingProxyType
from typing import TypeAlias, cast

from .._errors import ConfigurationError
from .._headers import EnvironNames, HeadersLike
from .._pipeline import serve
from .._receiver import Receiver, Reply
from . import require

require("flask", "flask", "flask")

from flask import Flask, Request, Response, current_app, request  # noqa: E402 - after the friendly import check
from flask.typing import ResponseReturnValue  # noqa: E402
from werkzeug.datastructures import EnvironHeaders  # noqa: E402
from werkzeug.local import LocalProxy  # noqa: E402

__all__ = ["ALL_METHODS", "EXTENSION_KEY", "View", "WebhookReceiver", "to_response", "webhook"]

ALL_METHODS: tuple[str, ...] = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
"""Every common HTTP method: route a webhook with these so the Receiver answers 405 itself."""

EXTENSION_KEY = "webhook_receiver"
"""Where :class:`WebhookReceiver` keeps itself in ``app.extensions``."""

_ENSURE_SYNC = Flask.ensure_sync

View: TypeAlias = Callable[..., ResponseReturnValue | Awaitable[ResponseReturnValue | None] | None]
"""A view ``@webhook`` can wrap: sync or async, returning a response or ``None``."""


def to_response(reply: Reply) -> Response:
    """A Flask response with the ``Reply``'s status, headers and body, exactly as given."""
    return _response(_current_app(), reply)


# The proxies ``request`` and ``current_app`` look the object up again on every attribute
# access (a context variable read and a few calls each): a request's path resolves them
# once and works on the objects themselves. ``_get_current_object`` is how Flask's docs
# say to reach the object behind a proxy.
def _current_app() -> Flask:
    return cast("LocalProxy[Flask]", current_app)._get_current_object()


def _current_request() -> Request:
    return cast("LocalProxy[Request]", request)._get_current_object()


def _response(app: Flask, reply: Reply) -> Response:
    headers = reply.headers
    if len(headers) == 1 and "Content-Type" in headers:
        # The usual reply (JSON, nothing else): the same response, built without a
        # header list to copy and scan for a content type.
        return app.response_class(reply.body, status=reply.status, content_type=headers["Content-Type"])
    return app.response_class(reply.body, status=reply.status, headers=list(headers.items()))


_NAMES = EnvironNames(("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"))  # werkzeug's ``EnvironHeaders`` rules


def _header_pairs(req: Request) -> HeadersLike:
    """``req.headers`` for ``Receiver.precheck``, as the list of pairs it scans fastest.

    werkzeug's ``EnvironHeaders`` is a live view of the environ whose every iteration
    runs a generator over the whole environ (and ``list()`` of it iterates twice, once
    for its length): this builds the same pairs in one pass, by the same rules
    (``HTTP_*`` but not ``HTTP_CONTENT_TYPE``/``HTTP_CONTENT_LENGTH``, and
    ``CONTENT_TYPE``/``CONTENT_LENGTH`` when not empty), in the same order, leaving
    out only a key of exactly ``HTTP_`` (an empty name, which no server produces and
    no lookup asks for). Names are lower-cased rather than title-cased: the header
    view compares them case-insensitively either way. Any other headers object (a
    custom request class) is passed as it is.
    """
    headers = req.headers
    if type(headers) is not EnvironHeaders:
        return headers
    return _NAMES.pairs(headers.environ)


def _answer(receiver: Receiver, req: Request) -> Reply:
    """The ``Reply`` for the request ``req`` to ``receiver`` (``_pipeline.serve``)."""

    def keep(body: bytes) -> None:
        # request.stream is spent; put the bytes back so request.get_data() and
        # request.get_json() in the view see them (werkzeug documents that setting a
        # cached_property sets its cached value).
        req.stream = io.BytesIO(body)

    # request.stream stops at Content-Length, and without one it is empty unless the
    # server terminates the input (chunked; wsgi.input_terminated).
    terminated = bool(req.environ.get("wsgi.input_terminated"))
    return serve(
        receiver, req.method, _header_pairs(req), req.stream.read, terminated=terminated, received=keep
    )


def _takes_events(view: Callable[..., object]) -> bool:
    try:
        parameters = inspect.signature(view).parameters.values()
    except (TypeError, ValueError):  # a callable without a signature Python can read
        return False
    return any(
        p.kind is p.VAR_KEYWORD
        or (p.name == "events" and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))
        for p in parameters
    )


def webhook(receiver: Receiver) -> Callable[[View], Callable[..., ResponseReturnValue]]:
    """Decorate a Flask view so it runs only for a verified webhook.

    The request is verified, parsed and dispatched to ``receiver``'s handlers first.
    A refused request (or one whose handlers failed) gets the Receiver's answer and
    never reaches the view. Otherwise the view is called, with ``events=`` (the
    verified events, a list) if it has a parameter of that name or ``**kwargs``;
    ``async def`` views work where Flask's do (``flask[async]``). A view returning
    ``None`` sends the Receiver's answer (``{"ok":true}``, say); anything else is the
    response, as Flask makes one from any view's return value.
    """
    if not isinstance(receiver, Receiver):
        raise ConfigurationError("webhook needs a Receiver")

    def decorate(view: View) -> Callable[..., ResponseReturnValue]:
        pass_events = _takes_events(view)
        # Flask's own ensure_sync returns a plain view as it is (after an
        # iscoroutinefunction check per call): decided once here, for apps that keep it.
        plain = not inspect.iscoroutinefunction(view)

        @functools.wraps(view)
        def receive_webhook(*args: object, **kwargs: object) -> ResponseReturnValue:
            app = _current_app()
            reply = _answer(receiver, _current_request())
            if not reply.ok:
                return _response(app, reply)
            if pass_events:
                kwargs["events"] = list(reply.events)
            own = plain and type(app).ensure_sync is _ENSURE_SYNC and "ensure_sync" not in app.__dict__
            run = view if own else app.ensure_sync(view)
            result = cast("ResponseReturnValue | None", run(*args, **kwargs))
            return _response(app, reply) if result is None else result

        return receive_webhook

    return decorate


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
            return _response(_current_app(), _answer(receiver, _current_request()))

        endpoint = self.endpoint(path)
        receive_webhook.__name__ = receive_webhook.__qualname__ = endpoint
        # A method the provider uses but ALL_METHODS lacks still has to reach the Receiver.
        methods = [*ALL_METHODS, *(m for m in receiver.methods if m not in ALL_METHODS)]
        app.add_url_rule(path, endpoint=endpoint, view_func=receive_webhook, methods=methods)

    def __repr__(self) -> str:
        return f"<WebhookReceiver {sorted(self._routes)!r}>"
