"""Framework adapters. Each is a public module, imported only when asked for.

==========================================  ============================================
module                                      gives you
==========================================  ============================================
``webhook_receiver.adapters.asgi``          ``WebhookMiddleware`` (pure ASGI: Starlette,
                                            FastAPI, any ASGI app, under uvicorn)
``webhook_receiver.adapters.fastapi``       ``webhook_events(receiver)``, a dependency
``webhook_receiver.adapters.flask``         ``@webhook(receiver)`` and ``WebhookReceiver``
``webhook_receiver.adapters.django``        ``WebhookView``, ``WebhookViewMixin``,
                                            ``WebhookMiddleware`` (``settings.WEBHOOK_RECEIVER``)
``webhook_receiver.adapters.wsgi``          ``WebhookMiddleware`` (any WSGI app)
==========================================  ============================================

Adapters decide nothing: they read the method, headers and raw body, call
``Receiver.handle``/``handle_async`` (after ``Receiver.precheck`` and a streamed,
size-limited read where the framework lets them stream), and send the ``Reply``.
They never import each other; importing ``webhook_receiver`` imports none of them.
"""

from __future__ import annotations

from types import ModuleType

from .._optional import MissingDependency
from .._optional import require as _require

__all__ = ["MissingDependency", "require"]


def require(adapter: str, module: str, extra: str) -> ModuleType:
    """Import ``module`` for ``adapter``, or raise :class:`MissingDependency` naming ``extra``."""
    return _require(f"webhook_receiver.adapters.{adapter}", module, extra)
