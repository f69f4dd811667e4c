"""Importing an optional dependency with an error that says which extra to install."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

__all__ = ["MissingDependency", "require"]


class MissingDependency(ImportError):
    """An optional dependency is not installed; the message names the pip extra."""

    def __init__(self, feature: str, module: str, extra: str) -> None:
        self.feature = feature
        self.extra = extra
        super().__init__(
            f"{feature} needs {module!r}, which is not installed: pip install 'webhook-receiver[{extra}]'",
            name=module,
        )


def require(feature: str, module: str, extra: str) -> ModuleType:
    """Import ``module`` for ``feature``, or raise :class:`MissingDependency` naming ``extra``."""
    try:
        return import_module(module)
    except ImportError as exc:
        raise MissingDependency(feature, module, extra) from exc
