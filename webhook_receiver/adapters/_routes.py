"""The path -> receiver table the middleware adapters share (framework-free)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from .._errors import ConfigurationError
from .._receiver import Receiver

__all__ = ["RouteTable"]


def normalise(path: str) -> str:
    """A path without its trailing slash (``"/"`` stays ``"/"``)."""
    return path.rstrip("/") or "/"


class RouteTable:
    """Receivers by URL path; a path matches exactly, ignoring a trailing slash."""

    __slots__ = ("_table",)

    def __init__(self, routes: Mapping[str, Receiver] | Iterable[tuple[str, Receiver]]) -> None:
        pairs = routes.items() if isinstance(routes, Mapping) else routes
        self._table: dict[str, Receiver] = {}
        for path, receiver in pairs:
            if not isinstance(path, str) or not path.startswith("/"):
                raise ConfigurationError(f"a webhook path must start with '/': {path!r}")
            if not isinstance(receiver, Receiver):
                raise ConfigurationError(f"the route {path!r} must map to a Receiver")
            self._table[normalise(path)] = receiver
        if not self._table:
            raise ConfigurationError("routes must name at least one path")

    def get(self, path: str) -> Receiver | None:
        """The receiver for ``path``, or ``None`` when the path is not a webhook's."""
        return self._table.get(normalise(path))

    def __iter__(self) -> Iterator[tuple[str, Receiver]]:
        return iter(self._table.items())

    def __len__(self) -> int:
        return len(self._table)
