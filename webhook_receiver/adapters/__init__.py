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

from importlib import import_module
from types import ModuleType

__all__ = ["MissingDependency", "require"]


class MissingDependency(ImportError):
    """An adapter's framework is not installed; the message names the pip extra."""

    def __init__(self, adapter: str, module: str, extra: str) -> None:
        self.adapter = adapter
        self.extra = extra
        super().__init__(
            f"webhook_receiver.adapters.{adapter} needs {module!r}, which is not installed: "
            f"pip install 'webhook-receiver[{extra}]'",
            name=module,
        )


def require(adapter: str, module: str, extra: str) -> ModuleType:
    """Import ``module`` for ``adapter``, or raise :class:`MissingDependency` naming ``extra``."""
    try:
        return import_module(module)
    except ImportError as exc:
        raise MissingDependency(adapter, module, extra) from exc
