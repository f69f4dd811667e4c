"""``@webhook(receiver)``: a Flask view that runs only for a verified webhook."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import TypeAlias

from flask import Flask
from flask.typing import ResponseReturnValue

from ..._errors import ConfigurationError
from ..._receiver import Receiver
from ._request import answer, current_app_object, current_request, response

__all__ = ["View", "webhook"]

_ENSURE_SYNC = Flask.ensure_sync

View: TypeAlias = Callable[..., ResponseReturnValue | Awaitable[ResponseReturnValue | None] | None]
"""A view ``@webhook`` can wrap: sync or async, returning a response or ``None``."""


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
            app = current_app_object()
            reply = answer(receiver, current_request())
            if not reply.ok:
                return response(app, reply)
            if pass_events:
                kwargs["events"] = list(reply.events)
            own = plain and type(app).ensure_sync is _ENSURE_SYNC and "ensure_sync" not in app.__dict__
            run = view if own else app.ensure_sync(view)
            result: ResponseReturnValue | None = run(*args, **kwargs)  # type: ignore[assignment]  # sync here
            return response(app, reply) if result is None else result

        return receive_webhook

    return decorate
